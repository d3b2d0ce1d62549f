"""Helpers of the content (cm_*) and multimedia (mm_*) tests: companies, their members, PostgREST-style calls.

A member of a company is an ``authenticated`` caller whose JWT carries ``app_metadata.company_id`` (the trusted
claim the company isolation policies read); ``rpc`` calls a public function with named arguments, as
``supabase.rpc(name, {...})`` does through PostgREST.
"""

from __future__ import annotations

import re
import uuid
from contextlib import contextmanager

import psycopg
import pytest
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from helpers import acting_as, new_user, set_identity

SECTIONS = ["introduction", "core_content", "practical_applications", "case_studies", "assessments"]


def make_company(conn, name: str = "Acme") -> str:
    """A row in public.companies (as the connection's identity, normally the superuser); returns its id."""
    return str(conn.execute("insert into public.companies (name) values (%s) returning id", (name,)).fetchone()[0])


def make_employee(conn, company_id: str, name: str = "John Doe") -> str:
    return str(conn.execute(
        "insert into public.employees (company_id, full_name) values (%s, %s) returning id", (company_id, name)
    ).fetchone()[0])


def member_claims(company_id: str | None) -> dict:
    return {"app_metadata": {"company_id": company_id}} if company_id else {}


@contextmanager
def as_member(conn, company_id: str, sub: str | None = None):
    """Act (in a transaction rolled back at the end) as a signed-in user of ``company_id``."""
    with acting_as(conn, "authenticated", sub or new_user(), **member_claims(company_id)) as c:
        yield c


def become_member(conn, company_id: str, sub: str | None = None) -> None:
    """Switch the current transaction's identity to a signed-in user of ``company_id`` (not rolled back)."""
    set_identity(conn, "authenticated", sub or new_user(), **member_claims(company_id))


def _adapt(value):
    return Jsonb(value) if isinstance(value, dict) or (isinstance(value, list) and any(
        isinstance(v, dict) for v in value)) else value


def rpc(conn, name: str, **params) -> list[dict]:
    """``select * from public.<name>(p_x => ..., ...)``: the rows as dicts. dict arguments are sent as jsonb."""
    args = ", ".join(f"{k} => %({k})s" for k in params)
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(f"select * from public.{name}({args})", {k: _adapt(v) for k, v in params.items()})
        return cur.fetchall()


def rpc_value(conn, name: str, **params):
    """The single value a scalar function returns (a uuid is returned as str)."""
    value = next(iter(rpc(conn, name, **params)[0].values()))
    return str(value) if isinstance(value, uuid.UUID) else value


def count(conn, table: str, where: str = "true", params=()) -> int:
    return conn.execute(f"select count(*) from public.{table} where {where}", params).fetchone()[0]


def create_content(conn, company_id: str | None = None, module_name: str = "Financial Analysis Fundamentals",
                   **extra) -> str:
    params = {"p_module_name": module_name, "p_employee_name": "John Doe", "p_session_id": "session_123",
              "p_module_spec": {"level": "beginner"}, **extra}
    if company_id:
        params["p_company_id"] = company_id
    return rpc_value(conn, "create_module_content", **params)


CM_TABLES = ["cm_module_content", "cm_course_plans", "cm_research_results", "cm_quality_assessments",
             "cm_enhancement_sessions"]


def snapshot_rows(conn, tables: list[str]) -> dict[str, list]:
    """Every row of ``tables`` (as the superuser sees them), to show that a failed call wrote nothing."""
    with conn.transaction(force_rollback=True):
        conn.execute("set local role none")
        return {t: sorted(map(str, conn.execute(f"select t.*::text from public.{t} as t").fetchall())) for t in tables}


def fails(conn, sqlstate: str, name: str, **params) -> str:
    """Call ``name`` in a savepoint, assert it raises ``sqlstate``; returns the message."""
    from helpers import raises_sqlstate

    with raises_sqlstate(sqlstate) as info:
        with conn.transaction():
            rpc(conn, name, **params)
    return info.value.diag.message_primary


@pytest.fixture(scope="module")
def module_db(module_db_url):
    """A superuser connection to the module's clone of the migrated template (conftest ``module_db_url``)."""
    with psycopg.connect(module_db_url) as conn:
        yield conn


@pytest.fixture
def cm(module_db):
    """A superuser connection to the module's database, inside a transaction rolled back after the test.

    For tests that do not commit; a test that must commit (other connections, threads) uses ``db``.
    """
    with module_db.transaction(force_rollback=True):
        yield module_db


@pytest.fixture
def acme(cm):
    """Company "Acme" (its id), in the test's rolled-back transaction."""
    return make_company(cm, "Acme")


@pytest.fixture
def globex(cm):
    """Company "Globex" (its id), the other company of the isolation tests."""
    return make_company(cm, "Globex")


# --- the company isolation matrix --------------------------------------------------------------------------
# A spec per table: how to name "the row of company X" (target), which company owns it (the claim of that
# company's users), a new row of company X (insert), and a harmless change (update).

def _one(conn, sql: str, params=()) -> str:
    return str(conn.execute(sql, params).fetchone()[0])


def build_content_world(conn) -> dict[str, dict[str, str]]:
    """Rows of every content table for two companies A and B, written as the superuser."""
    world = {}
    for key in ("A", "B"):
        w = world[key] = {}
        w["company"] = make_company(conn, f"Company {key}")
        w["leaf_company"] = make_company(conn, f"Company {key} (no rows)")
        w["employee"] = make_employee(conn, w["company"])
        w["leaf_employee"] = make_employee(conn, w["company"], "Leaf Employee")
        w["content"] = create_content(conn, w["company"])
        w["content2"] = create_content(conn, w["company"], module_name="Second module")
        w["plan"] = _one(conn, "insert into public.cm_course_plans (company_id, employee_id, course_title) "
                               "values (%s, %s, 'Plan') returning plan_id", (w["company"], w["employee"]))
        w["research"] = _one(conn, "insert into public.cm_research_results (company_id, plan_id) values (%s, %s) "
                                   "returning research_id", (w["company"], w["plan"]))
        w["assessment"] = _one(conn, "insert into public.cm_quality_assessments (company_id, content_id, "
                                     "overall_score, passed) values (%s, %s, 7, true) returning assessment_id",
                               (w["company"], w["content"]))
        w["enhancement"] = _one(conn, "insert into public.cm_enhancement_sessions (company_id, content_id, "
                                      "enhancement_type, sections_to_enhance) values (%s, %s, 'x', '{introduction}') "
                                      "returning session_id", (w["company"], w["content"]))
    return world


CONTENT_SPECS = {
    "companies": dict(key="id", target="leaf_company", owner="leaf_company",
                      insert=lambda w: {"name": "New Co"}, update="name = 'Renamed'"),
    "employees": dict(key="id", target="leaf_employee", insert=lambda w: {"company_id": w["company"],
                                                                          "full_name": "New Hire"},
                      update="full_name = 'Renamed'"),
    "cm_module_content": dict(key="content_id", target="content",
                              insert=lambda w: {"company_id": w["company"], "module_name": "New"},
                              update="employee_name = 'Jane'"),
    "cm_course_plans": dict(key="plan_id", target="plan",
                            insert=lambda w: {"company_id": w["company"], "employee_id": w["employee"],
                                              "course_title": "New"},
                            update="course_title = 'Renamed'"),
    "cm_research_results": dict(key="research_id", target="research",
                                insert=lambda w: {"company_id": w["company"], "plan_id": w["plan"]},
                                update="session_id = 'renamed'"),
    "cm_quality_assessments": dict(key="assessment_id", target="assessment",
                                   insert=lambda w: {"company_id": w["company"], "content_id": w["content"],
                                                     "overall_score": 5, "passed": False},
                                   update="quality_feedback = 'renamed'"),
    "cm_enhancement_sessions": dict(key="session_id", target="enhancement",
                                    insert=lambda w: {"company_id": w["company"], "content_id": w["content2"],
                                                      "enhancement_type": "x",
                                                      "sections_to_enhance": ["introduction"]},
                                    update="enhancement_type = 'renamed'"),
}

OPS = ("select", "insert", "update", "delete")


def parse_matrix(text: str) -> list[tuple[str, str, str, str, str]]:
    """Lines ``table actor select insert update delete`` whose cells read ``<row of A>/<row of B>`` ->
    (table, actor, op, company, expected) for every cell."""
    cells = []
    for line in text.strip().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        table, actor, *outcomes = line.split()
        assert len(outcomes) == len(OPS), line
        for op, outcome in zip(OPS, outcomes):
            for company, expected in zip("AB", outcome.split("/")):
                cells.append((table, actor, op, company, expected))
    return cells


def run_cell(conn, world, specs, table, actor, op, company) -> str:
    """Try one cell in a rolled-back savepoint: ok (the row is read/written), none (RLS hides it: 0 rows), deny
    (42501), or 'error <sqlstate>'."""
    spec = specs[table]
    w = world[company]
    key, target = spec["key"], w[spec["target"]]
    with conn.transaction(force_rollback=True):
        if actor.startswith("user_"):
            own = world[actor[-1].upper()]
            set_identity(conn, "authenticated", new_user(), **member_claims(own[spec.get("owner", "company")]))
        else:
            set_identity(conn, actor)
        try:
            with conn.transaction():
                if op == "select":
                    n = conn.execute(f"select count(*) from public.{table} where {key} = %s", (target,)).fetchone()[0]
                elif op == "insert":
                    row = spec["insert"](w)
                    cols = ", ".join(row)
                    conn.execute(f"insert into public.{table} ({cols}) values ({', '.join(['%s'] * len(row))})",
                                 [_adapt(v) for v in row.values()])
                    n = 1
                elif op == "update":
                    n = conn.execute(f"update public.{table} set {spec['update']} where {key} = %s", (target,)).rowcount
                else:
                    n = conn.execute(f"delete from public.{table} where {key} = %s", (target,)).rowcount
        except psycopg.Error as exc:
            return "deny" if exc.sqlstate == "42501" else f"error {exc.sqlstate}: {exc.diag.message_primary}"
        return {1: "ok", 0: "none"}.get(n, f"{n} rows")


def check_matrix(conn, world, specs, matrix_text) -> list[str]:
    """Every cell whose outcome differs from the matrix, as readable lines (empty when all agree)."""
    cells = parse_matrix(matrix_text)
    assert {c[0] for c in cells} == set(specs), "the matrix must cover every table"
    wrong = []
    for table, actor, op, company, expected in cells:
        got = run_cell(conn, world, specs, table, actor, op, company)
        if got != expected:
            wrong.append(f"{table:28} {actor:12} {op:6} row of {company}: expected {expected}, got {got}")
    return wrong


# --- distribution keys (docs/content.md, "Distribution") -----------------------------------------------------

def keys_not_led_by_company(conn, tables: list[str]) -> list[tuple[str, str]]:
    """The keys of ``tables`` that break the company_id distribution key: unique indexes (primary keys, unique
    constraints, partial unique indexes) and foreign keys whose first column is not company_id, and foreign keys
    that set null or a default on delete. [(table, index name or constraint definition)]; [] when all hold."""
    regclasses = [f"public.{t}" for t in tables]
    return conn.execute(
        """select i.indrelid::regclass::text, i.indexrelid::regclass::text
           from pg_catalog.pg_index as i
           join pg_catalog.pg_attribute as a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
           where i.indrelid = any(%(t)s::regclass[]) and i.indisunique and a.attname <> 'company_id'
           union all
           select c.conrelid::regclass::text, pg_catalog.pg_get_constraintdef(c.oid)
           from pg_catalog.pg_constraint as c
           join pg_catalog.pg_attribute as a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
           where c.contype = 'f' and c.conrelid = any(%(t)s::regclass[])
               and (a.attname <> 'company_id' or c.confdeltype in ('n', 'd'))
           order by 1, 2""", {"t": regclasses}).fetchall()


def trigger_functions_branching(conn, tables: list[str]) -> list[str]:
    """Trigger functions on ``tables`` whose body reads tg_table_name or tg_op (on a Citus shard the table name
    is the shard's; one function per table and event is what plpgsql_check can verify)."""
    rows = conn.execute(
        """select distinct p.oid::regprocedure::text, p.prosrc
           from pg_catalog.pg_trigger as t join pg_catalog.pg_proc as p on p.oid = t.tgfoid
           where t.tgrelid = any(%s::regclass[]) and not t.tgisinternal""",
        ([f"public.{t}" for t in tables],)).fetchall()
    assert rows, tables
    return [name for name, body in rows if re.search(r"(?i)\btg_(table_name|op)\b", body)]


# --- multimedia ---------------------------------------------------------------------------------------------

MM_TABLES = ["mm_multimedia_sessions", "mm_multimedia_assets", "mm_audio_narrations", "mm_slide_presentations",
             "mm_rendering_queue"]


def create_session(conn, content_id: str, **extra) -> str:
    return rpc_value(conn, "create_multimedia_session", p_content_id=content_id, **extra)


def register(conn, session_id: str, asset_type: str = "video", name: str | None = None, **extra) -> str:
    """register_multimedia_asset with a made-up file name of the right kind; returns the asset id."""
    ext = {"video": "mp4", "audio": "mp3", "slide": "png", "script": "txt", "thumbnail": "jpg",
           "presentation": "pdf"}[asset_type]
    name = name or f"{uuid.uuid4().hex[:8]}.{ext}"
    return rpc_value(conn, "register_multimedia_asset", p_session_id=session_id, p_asset_type=asset_type,
                     p_file_path=f"/tmp/render/{name}", **extra)


def counters(conn, session_id: str) -> tuple[int, int, int, int]:
    """(total_assets_generated, slides_generated, audio_files_generated, video_files_generated), as stored."""
    return conn.execute(
        "select total_assets_generated, slides_generated, audio_files_generated, video_files_generated "
        "from public.mm_multimedia_sessions where session_id = %s", (session_id,)).fetchone()


def true_counts(conn, session_id: str) -> tuple[int, int, int, int]:
    """The same four numbers counted from the assets."""
    return conn.execute(
        "select count(*) filter (where status <> 'failed'), "
        "count(*) filter (where status <> 'failed' and asset_type = 'slide'), "
        "count(*) filter (where status <> 'failed' and asset_type = 'audio'), "
        "count(*) filter (where status <> 'failed' and asset_type = 'video') "
        "from public.mm_multimedia_assets where session_id = %s", (session_id,)).fetchone()


def build_multimedia_world(conn) -> dict[str, dict[str, str]]:
    """The content world plus a session, assets, a narration, a presentation and a job per company."""
    world = build_content_world(conn)
    for key, w in world.items():
        w["session"] = create_session(conn, w["content"])
        w["audio"] = register(conn, w["session"], "audio")
        w["leaf_asset"] = register(conn, w["session"], "script")
        w["deck"] = register(conn, w["session"], "presentation")
        w["narration"] = rpc_value(conn, "register_audio_narration", p_session_id=w["session"],
                                   p_narration_name="Narration", p_master_audio_id=w["audio"])
        w["presentation"] = rpc_value(conn, "register_slide_presentation", p_session_id=w["session"],
                                      p_presentation_name="Deck", p_slide_order=[{"n": 1}], p_pdf_asset_id=w["deck"])
        w["job"] = rpc_value(conn, "enqueue_rendering_job", p_session_id=w["session"], p_job_type="module_video")
    return world


MULTIMEDIA_SPECS = {
    "mm_multimedia_sessions": dict(key="session_id", target="session",
                                   insert=lambda w: {"content_id": w["content"], "company_id": w["company"],
                                                     "module_name": "New"},
                                   update="current_stage = 'renamed'"),
    "mm_multimedia_assets": dict(key="asset_id", target="leaf_asset",
                                 insert=lambda w: {"session_id": w["session"], "content_id": w["content"],
                                                   "company_id": w["company"], "asset_type": "script",
                                                   "asset_name": "new.txt",
                                                   "storage_path": "script/complete_module/1_new.txt"},
                                 update="public_url = 'https://cdn.example/x'"),
    "mm_audio_narrations": dict(key="narration_id", target="narration",
                                insert=lambda w: {"session_id": w["session"], "content_id": w["content"],
                                                  "company_id": w["company"], "narration_name": "New"},
                                update="narration_name = 'Renamed'"),
    "mm_slide_presentations": dict(key="presentation_id", target="presentation",
                                   insert=lambda w: {"session_id": w["session"], "content_id": w["content"],
                                                     "company_id": w["company"], "presentation_name": "New"},
                                   update="presentation_name = 'Renamed'"),
    "mm_rendering_queue": dict(key="job_id", target="job",
                               insert=lambda w: {"session_id": w["session"], "company_id": w["company"],
                                                 "job_type": "module_video"},
                               update="priority = 1"),
}
