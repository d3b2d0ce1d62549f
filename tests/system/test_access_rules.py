"""Access control, complete (issue 7): the rule table of tests/access_rules.py checked cell by cell as the real
roles with PostgREST-style claims, the privilege table of every function, schema usage, writes that name another
user's rows, and a guard that fails when a table, view or function of the package is missing from the tables.

Rows: user A (the owner) and user B (the other user) each have a DreamCut query (assets, messages) and a
storyboard project (scene, two shots, a complete image on each, a selection on the first), written by a trusted
worker session. Every cell runs in its own rolled-back transaction.
"""

from __future__ import annotations

import json
import re
import uuid

import psycopg
import pytest

from dreamcut_db import catalog
from access_rules import CROSS_TENANT, FUNCTIONS, OWN_SCHEMAS, ROLES, SCHEMAS, SECURITY_DEFINER, TABLES
from helpers import set_identity
from dreamcut_helpers import asset, init_query

PACKAGE_SCHEMAS = list(catalog.SCHEMAS)
IP_A, IP_B = "203.0.113.10", "198.51.100.20"
#: role -> (database role, whose sub, request address); the admin is user C with app_metadata.role = 'admin'.
IDENTITIES = {"anon": ("anon", "-", IP_A), "owner": ("authenticated", "A", IP_A),
              "other": ("authenticated", "B", IP_B), "admin": ("authenticated", "C", IP_B),
              "service_role": ("service_role", "-", None)}


@pytest.fixture(scope="module")
def module_conn(platform_module_db_url):
    """On plain PostgreSQL (as its superuser) and on the Supabase shape (as Supabase's postgres role)."""
    with psycopg.connect(platform_module_db_url) as conn:
        yield conn


def installed(conn) -> set[str]:
    return {r[0] for r in conn.execute("select module from dreamcut_private.installed_modules")}


def storyboard_rows(conn, user: str) -> dict:
    def one(query, *params):
        return str(conn.execute(query, params).fetchone()[0])

    project = one("select public.create_redesign_project(p_prompt => 'A trailer', p_user_id => %s::uuid)", user)
    scene = one("select public.create_project_scene(%s, 1, 'Opening')", project)
    shot = one("select public.create_scene_shot(p_scene_id => %s, p_shot_number => 1)", scene)
    shot2 = one("select public.create_scene_shot(p_scene_id => %s, p_shot_number => 2)", scene)
    done = json.dumps([{"variantNumber": 0, "imageUrl": "https://cdn.example.com/a.png", "status": "complete"}])
    image = one("select (public.batch_create_shot_images(%s, %s))[1]", shot, done)
    image2 = one("select (public.batch_create_shot_images(%s, %s))[1]", shot2, done)
    selection = one("select public.select_master_shot(%s, %s)", shot, image)
    return {"project": project, "scene": scene, "shot": shot, "shot2": shot2, "image": image, "image2": image2,
            "selection": selection}


def dreamcut_rows(conn, user: str) -> dict:
    query = init_query(conn, user, [asset("image"), asset("video")])
    return {
        "query": query,
        "asset": str(conn.execute("select id from public.dreamcut_assets where query_id = %s limit 1",
                                  (query,)).fetchone()[0]),
        "message": str(conn.execute("select id from public.dreamcut_messages where query_id = %s limit 1",
                                    (query,)).fetchone()[0]),
    }


def content_rows(conn, user: str) -> dict:
    def one(query, *params):
        return str(conn.execute(query, params).fetchone()[0])

    company = one("insert into public.companies (name) values ('Acme') returning id")
    employee = one("insert into public.employees (company_id, full_name) values (%s, 'Ann Lee') returning id", company)
    content = one("select public.create_module_content('Cash flow', p_company_id => %s)", company)
    plan = one("select public.store_course_plan(%s, 'Finance', '{}', p_company_id => %s)", employee, company)
    research = one("select public.store_research_results(%s, '{}')", plan)
    assessment = one("select public.store_quality_assessment(%s, 7, '{}', true)", content)
    session = one("select public.start_enhancement_session(%s, 'tone', array['introduction'])", content)
    one("select (public.complete_enhancement_session(%s)).status", session)
    return {"company": company, "employee": employee, "content": content, "plan": plan, "research": research,
            "assessment": assessment, "session": session}


def multimedia_rows(conn, mine: dict) -> dict:
    """A session of the user's content (module content's rows, in ``mine``) with audio, a leaf asset, a deck, a
    narration, a presentation and a queued rendering job."""
    def one(query, *params):
        return str(conn.execute(query, params).fetchone()[0])

    session = one("select public.create_multimedia_session(%s)", mine["content"])
    audio = one("select public.register_multimedia_asset(%s, p_asset_type => 'audio', p_asset_name => 'n.mp3')",
                session)
    deck = one("select public.register_multimedia_asset(%s, p_asset_type => 'presentation', p_asset_name => 'd.pdf')",
               session)
    return {
        "mm_session": session, "mm_audio": audio,
        "mm_asset": one("select public.register_multimedia_asset(%s, p_asset_type => 'script', "
                        "p_asset_name => 's.txt')", session),
        "mm_narration": one("select public.register_audio_narration(%s, 'Narration', p_master_audio_id => %s)",
                            session, audio),
        "mm_presentation": one("select public.register_slide_presentation(%s, 'Deck', p_pdf_asset_id => %s)",
                               session, deck),
        "mm_job": one("select public.enqueue_rendering_job(%s, 'module_video')", session),
    }


def render_rows(conn, user: str) -> dict:
    def one(query, *params):
        return str(conn.execute(query, params).fetchone()[0])

    job = one("insert into public.jobs (user_id, client_ip, output_format, width, height) "
              "values (%s, %s, 'mp4', 1920, 1080) returning id", user, IP_A)
    found = {
        "job": job,
        "element": one("insert into public.elements (job_id, type, source_url) "
                       "values (%s, 'image', 'https://cdn.example.com/a.png') returning id", job),
        "storage": one("insert into public.storage_operations (job_id, operation, bucket, object_key, success, bytes) "
                       "values (%s, 'upload', 'renders', 'a.mp4', true, 10) returning id", job),
        "timeline": one("insert into public.processing_timeline (job_id, step, finished_at, success) "
                        "values (%s, 'validation', clock_timestamp(), true) returning id", job),
        "url_log": one("insert into public.url_access_logs (job_id, url, ip_address) "
                       "values (%s, 'https://cdn.example.com/a.mp4', '192.0.2.1') returning id", job),
        "failed_job": one("insert into public.jobs (user_id, client_ip, output_format, width, height) "
                          "values (%s, %s, 'webm', 640, 360) returning id", user, IP_A),
    }
    conn.execute("update public.jobs set status = 'processing' where id = %s", (found["failed_job"],))
    conn.execute("update public.jobs set status = 'failed', error_message = 'encoder crashed' where id = %s",
                 (found["failed_job"],))
    return found


def render_common(conn) -> dict:
    metric = conn.execute("insert into public.system_metrics (metric_name, metric_value) values ('queue.depth', 3) "
                          "returning id").fetchone()[0]
    conn.execute("select public.check_rate_limit('access-rules-probe', 10, '1 hour')")
    conn.execute("select public.log_security_event('access_rules_probe')")
    return {"metric": str(metric)}


ROWS = {"dreamcut": dreamcut_rows, "storyboard": storyboard_rows, "content": content_rows, "render": render_rows}
COMMON = {"render": render_common}
#: Rows built on another module's rows of the same user (given as ``mine``), after every ROWS builder ran.
DEPENDENT_ROWS = {"multimedia": multimedia_rows}


@pytest.fixture(scope="module")
def ids(module_conn) -> dict:
    conn = module_conn
    found = {"A": str(uuid.uuid4()), "B": str(uuid.uuid4()), "C": str(uuid.uuid4())}
    for module in installed(conn):
        if module in COMMON:
            found.update(COMMON[module](conn))
        if module in ROWS:
            found.update(ROWS[module](conn, found["A"]))
            found.update({f"B_{k}": v for k, v in ROWS[module](conn, found["B"]).items()})
    for module, build in DEPENDENT_ROWS.items():
        if module in installed(conn):
            b_rows = {k[2:]: v for k, v in found.items() if k.startswith("B_")}
            found.update(build(conn, found))
            found.update({f"B_{k}": v for k, v in build(conn, b_rows).items()})
    conn.execute("insert into dreamcut_private.package_owned_objects (kind, name) values ('table', 'access_rules_probe')")
    conn.commit()
    return found


def relations(conn) -> set[str]:
    return {r[0] for r in conn.execute(
        """select format('%%I.%%I', n.nspname, c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = any(%s) and c.relkind in ('r', 'p', 'v', 'm', 'f')
             and not exists (select from pg_depend d where d.objid = c.oid and d.deptype = 'e')""",
        (PACKAGE_SCHEMAS,))}


def test_every_table_and_view_has_rules(module_conn):
    found = relations(module_conn)
    assert sorted(found - set(TABLES)) == [], "add these to tests/access_rules.py TABLES"
    assert sorted(set(TABLES) - found) == [], "TABLES lists relations that the installed modules do not create"


def claims(ids: dict, who: str) -> dict:
    """The trusted claims of users A, B (app_metadata.company_id when module content gave them a company) and
    C (the admin: app_metadata.role)."""
    if who == "C":
        return {"app_metadata": {"role": "admin"}}
    company = ids.get("company" if who == "A" else "B_company")
    return {"app_metadata": {"company_id": company}} if company and who in ("A", "B") else {}


def attempt(conn, role: str, sub: str | None, statement: str, params: dict, extra: dict | None = None,
            ip: str | None = IP_A) -> str:
    """Run one statement as the role in a rolled-back transaction: "rows", "no rows" or the SQLSTATE."""
    try:
        with conn.transaction(force_rollback=True):
            set_identity(conn, role, sub, **(extra or {}))
            if ip:  # PostgREST's request headers: the caller's address as the gateway saw it
                conn.execute("select set_config('request.headers', %s, true)", (json.dumps({"x-forwarded-for": ip}),))
            cur = conn.execute(statement, params)
            n = cur.fetchone()[0] if statement.lstrip().startswith("select count") else cur.rowcount
    except psycopg.Error as exc:
        return exc.sqlstate
    return "rows" if n else "no rows"


def outcome_matrix(conn, ids: dict, table: str) -> dict:
    how = TABLES[table]["how"]
    statements = {
        "select": f"select count(*) from {table} where {how['row']}",
        "insert": how["insert"].format(t=table),
        "update": f"update {table} set {how['set']} where {how['row']}",
        "delete": f"delete from {table} where {how['row']}",
    }
    matrix = {}
    for role in ROLES:
        db_role, who, ip = IDENTITIES[role]
        sub = ids.get(who)
        matrix[role] = {command: attempt(conn, db_role, sub, sql, ids, claims(ids, who), ip)
                        for command, sql in statements.items()}
    return matrix


@pytest.mark.parametrize("table", sorted(TABLES))
def test_access_rules_cell_by_cell(module_conn, ids, table):
    if table not in relations(module_conn):
        pytest.skip(f"{table} is not installed")
    actual = outcome_matrix(module_conn, ids, table)
    expected = TABLES[table]["rules"]
    print(table, {r: tuple(actual[r].values()) for r in ROLES})
    wrong = {f"{role}.{command}": f"expected {expected[role][command]}, got {actual[role][command]}"
             for role in ROLES for command in expected[role] if actual[role][command] != expected[role][command]}
    assert wrong == {}


@pytest.mark.parametrize("table", sorted(t for t, spec in TABLES.items() if "takeover" in spec["how"]))
def test_an_owner_cannot_hand_a_row_to_another_user(module_conn, ids, table):
    if table not in relations(module_conn):
        pytest.skip(f"{table} is not installed")
    how = TABLES[table]["how"]
    assignment, expected = how["takeover"]
    got = attempt(module_conn, "authenticated", ids["A"], f"update {table} set {assignment} where {how['row']}", ids,
                  claims(ids, "A"))
    assert got == expected


@pytest.mark.parametrize("case", sorted(CROSS_TENANT))
def test_writes_naming_another_users_rows_are_refused(module_conn, ids, case):
    statement, expected = CROSS_TENANT[case]
    needed = set(re.findall(r"%\(([A-Za-z0-9_]+)\)s", statement))
    missing = needed - set(ids)
    if missing:
        pytest.skip(f"needs rows of a module that is not installed: {sorted(missing)}")
    assert attempt(module_conn, "authenticated", ids["A"], statement, ids, claims(ids, "A")) == expected


def package_functions(conn) -> dict[str, tuple[int, bool]]:
    """signature -> (oid, security definer) of every function of the package (auth.* only where it created them)."""
    with conn.transaction():
        conn.execute("set local search_path = ''")
        return {sig: (oid, secdef) for oid, sig, secdef in conn.execute(
            """select p.oid, p.oid::regprocedure::text, p.prosecdef
               from pg_proc p join pg_namespace n on n.oid = p.pronamespace
               where (n.nspname = any(%s) or p.oid::regprocedure::text in (
                          select name from dreamcut_private.package_owned_objects where kind = 'function'))
                 and not exists (select from pg_depend d where d.objid = p.oid and d.deptype = 'e')""",
            (PACKAGE_SCHEMAS,))}


def test_every_function_is_in_the_privilege_table(module_conn):
    found = set(package_functions(module_conn))
    assert sorted(found - set(FUNCTIONS)) == [], "add these to tests/access_rules.py FUNCTIONS"
    # the platform's stand-ins (auth.*, realtime.send) exist only where Supabase's own are missing
    stale = {f for f in set(FUNCTIONS) - found if not f.startswith(("auth.", "realtime."))}
    assert sorted(stale) == [], "FUNCTIONS lists functions that the installed modules do not create"


def test_function_privileges(module_conn):
    conn = module_conn
    wrong = {}
    for sig, (oid, _secdef) in package_functions(conn).items():
        expected = FUNCTIONS.get(sig, set())
        for role in ("public", "anon", "authenticated", "service_role"):
            may = conn.execute("select has_function_privilege(%s, %s::oid, 'execute')", (role, oid)).fetchone()[0]
            if may != (role in expected or "public" in expected):
                wrong[f"{sig} {role}"] = may
    assert wrong == {}


def test_security_definer_functions_are_exactly_the_listed_ones(module_conn):
    functions = package_functions(module_conn)
    found = {sig for sig, (_oid, secdef) in functions.items() if secdef}
    assert found == SECURITY_DEFINER & set(functions)


def test_schema_usage(module_conn):
    conn = module_conn
    wrong = {}
    for schema, roles in SCHEMAS.items():
        if conn.execute("select to_regnamespace(%s)", (schema,)).fetchone()[0] is None:
            continue
        for role in ("anon", "authenticated", "service_role"):
            usage, create = conn.execute("select has_schema_privilege(%s, %s, 'usage'), has_schema_privilege(%s, %s, 'create')",
                                         (role, schema, role, schema)).fetchone()
            if usage != (role in roles):
                wrong[f"{schema} usage {role}"] = usage
            if schema in OWN_SCHEMAS and create:
                wrong[f"{schema} create {role}"] = create
    assert wrong == {}


def test_every_table_has_rls_or_is_out_of_the_apis_reach(module_conn):
    """RLS is on for every table an API role can reach; the others (dreamcut_private) no API role can touch."""
    conn = module_conn
    bad = [r[0] for r in conn.execute(
        """select format('%%I.%%I', n.nspname, c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = any(%s) and c.relkind in ('r', 'p') and not c.relrowsecurity
             and exists (select from unnest(array['anon', 'authenticated', 'service_role']) r
                         where has_schema_privilege(r, n.oid, 'usage')
                           and has_table_privilege(r, c.oid, 'select, insert, update, delete'))
             and not exists (select from pg_depend d where d.objid = c.oid and d.deptype = 'e')""",
        (PACKAGE_SCHEMAS,))]
    assert bad == []
