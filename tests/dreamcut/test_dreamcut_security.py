"""DreamCut realtime analyzer: row-level security, grants and function privileges (issue 2, section 8).

Who may read and write the three tables, as PostgREST would run the request (role + request.jwt.claims in
one rolled-back transaction), and who may execute the four stored procedures. The module shares one clone
of the migrated template with committed fixture data; every case runs in a rolled-back transaction and
checks that a refused write left every row as it was.
"""

from __future__ import annotations

import json

import psycopg
import pytest
from psycopg import sql

from helpers import acting_as, new_user, raises_sqlstate, row_fingerprint
from dreamcut_helpers import asset, counts

TABLES = ("dreamcut_queries", "dreamcut_assets", "dreamcut_messages")

# The expected access matrix (docs/dreamcut.md, "Access"): the same for each of the three tables.
#   select: "own" = exactly the caller's rows (its queries, their assets and messages), "none", "all"
#   insert/update/delete: "ok" or the SQLSTATE of the refusal
MATRIX = {
    table: {
        "owner": {"select": "own", "insert": "42501", "update": "42501", "delete": "42501"},
        "other_user": {"select": "own", "insert": "42501", "update": "42501", "delete": "42501"},
        "anon": {"select": "none", "insert": "42501", "update": "42501", "delete": "42501"},
        "service_role": {"select": "all", "insert": "ok", "update": "ok", "delete": "ok"},
    }
    for table in TABLES
}
MATRIX_CASES = [
    pytest.param(table, role, op, expected, id=f"{table}-{role}-{op}")
    for table, roles in MATRIX.items() for role, ops in roles.items() for op, expected in ops.items()
]

FUNCTIONS = {
    "initialize_dreamcut_query": "text, text, text, jsonb, jsonb",
    "update_asset_progress":
        "uuid, integer, text, jsonb, text, text, text, text, text, integer, text, numeric, numeric, uuid",
    "complete_dreamcut_query": "uuid, jsonb, integer, text[], numeric",
    "fail_dreamcut_query": "uuid, text",
}
# Who may EXECUTE what ("public" is PUBLIC, every role).
EXECUTE = {
    "public": set(),
    "anon": set(),
    "authenticated": {"initialize_dreamcut_query"},
    "service_role": set(FUNCTIONS),
}

# Every function the dreamcut module relies on (its own and the platform helpers it calls).
MODULE_FUNCTIONS = {
    **{f"public.{name}({args})": name == "initialize_dreamcut_query" for name, args in FUNCTIONS.items()},
    "dreamcut_private.assets_input_error(jsonb)": False,
    "dreamcut_private.dreamcut_assets_assign_seq()": False,
    "dreamcut_private.dreamcut_messages_assign_seq()": False,
    "dreamcut_private.dreamcut_assets_release_messages()": False,
    "dreamcut_private.dreamcut_assets_refuse_move()": False,
    "dreamcut_private.dreamcut_assets_count_insert()": False,
    "dreamcut_private.dreamcut_assets_count_delete()": False,
    "dreamcut_private.check_query_completion()": False,
    "dreamcut_private.dreamcut_queries_notify()": False,
    "dreamcut_private.dreamcut_assets_notify_insert()": False,
    "dreamcut_private.dreamcut_assets_notify_update()": False,
    "dreamcut_private.dreamcut_messages_notify()": False,
    "dreamcut_private.api_caller_is_end_user()": False,
    "dreamcut_private.update_updated_at_column()": False,
}  # signature -> security definer?


def identity(role: str, data: dict) -> tuple[str, str | None]:
    """(database role, sub claim) of a matrix role."""
    return {
        "owner": ("authenticated", data["owner"]),
        "other_user": ("authenticated", data["other"]),
        "anon": ("anon", None),
        "service_role": ("service_role", None),
    }[role]


def snapshot(conn) -> dict:
    """A fingerprint of every row of the three tables, as the superuser."""
    return row_fingerprint(conn, TABLES)


def ids_of(conn, table: str, user_id: str | None = None) -> set[str]:
    """Ids of a table's rows (of one user's queries), read as the superuser."""
    if table == "dreamcut_queries":
        where, col = "x.user_id", "x.id"
    else:
        where, col = "(select q.user_id from public.dreamcut_queries as q where q.id = x.query_id)", "x.id"
    q = sql.SQL("select {}::text from public.{} as x").format(sql.SQL(col), sql.Identifier(table))
    if user_id is None:
        return {r[0] for r in conn.execute(q)}
    return {r[0] for r in conn.execute(q + sql.SQL(" where {} = %s").format(sql.SQL(where)), (user_id,))}


# ---------------------------------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def module_conn(module_db_url):
    """The module's clone of the migrated template (conftest ``module_db_url``); superuser, autocommit."""
    with psycopg.connect(module_db_url, autocommit=True) as conn:
        yield conn


def init(conn, user_id: str, assets: list) -> str:
    return str(conn.execute("select public.initialize_dreamcut_query(%s, 'Make a trailer', 'video', '{}', %s)",
                            (user_id, json.dumps(assets))).fetchone()[0])


@pytest.fixture(scope="module")
def data(module_conn):
    """Committed: the owner's query with assets and messages, a merging query of the owner, and another user's
    query. Created by the superuser (a worker's direct session)."""
    conn = module_conn
    d = {"owner": new_user(), "other": new_user()}
    d["query"] = init(conn, d["owner"], [asset("image"), asset("video")])
    d["asset"] = conn.execute("select id::text from public.dreamcut_assets where query_id = %s limit 1",
                              (d["query"],)).fetchone()[0]
    conn.execute("select public.update_asset_progress(p_asset_id => %s, p_status => 'analyzing', p_progress => 20, "
                 "p_message => 'Analyzing image')", (d["asset"],))
    d["message"] = conn.execute("select id::text from public.dreamcut_messages where query_id = %s limit 1",
                                (d["query"],)).fetchone()[0]
    d["merging"] = init(conn, d["owner"], [])
    d["other_query"] = init(conn, d["other"], [asset("audio")])
    d["targets"] = {"dreamcut_queries": d["query"], "dreamcut_assets": d["asset"], "dreamcut_messages": d["message"]}
    return d


@pytest.fixture
def conn(module_conn, data):
    assert module_conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    return module_conn


# ---------------------------------------------------------------------------------------------------- RLS matrix

def test_rls_is_enabled_on_every_table(conn):
    rows = conn.execute("select relname, relrowsecurity from pg_class where oid = any(%s::regclass[])",
                        ([f"public.{t}" for t in TABLES],)).fetchall()
    assert sorted(rows) == [(t, True) for t in sorted(TABLES)]


WRITES = {
    "insert": {
        "dreamcut_queries": "insert into public.dreamcut_queries (user_id, user_prompt) values (%(sub)s, 'mine')",
        "dreamcut_assets": "insert into public.dreamcut_assets (query_id, url, type) "
                           "values (%(query)s, 'https://cdn.example.com/x.jpg', 'image')",
        "dreamcut_messages": "insert into public.dreamcut_messages (query_id, type, content) "
                             "values (%(query)s, 'status', 'hello')",
    },
    "update": {
        "dreamcut_queries": "update public.dreamcut_queries set user_prompt = 'changed' where id = %(target)s",
        "dreamcut_assets": "update public.dreamcut_assets set filename = 'changed' where id = %(target)s",
        "dreamcut_messages": "update public.dreamcut_messages set content = 'changed' where id = %(target)s",
    },
    "delete": {
        table: f"delete from public.{table} where id = %(target)s" for table in TABLES
    },
}


@pytest.mark.parametrize("table, role, op, expected", MATRIX_CASES)
def test_access_matrix(conn, data, table, role, op, expected):
    db_role, sub = identity(role, data)
    if op == "select":
        everything = ids_of(conn, table)
        want = {"all": everything, "none": set(), "own": ids_of(conn, table, sub)}[expected]
        assert everything and (expected != "own" or want), "the fixture must give every role something to see"
        with acting_as(conn, db_role, sub):
            seen = {r[0] for r in conn.execute(sql.SQL("select id::text from public.{}").format(sql.Identifier(table)))}
        assert seen == want
        return

    params = {"sub": sub or data["owner"], "query": data["query"], "target": data["targets"][table]}
    statement = WRITES[op][table]
    before, rows_before = counts(conn), snapshot(conn)
    if expected == "ok":
        with acting_as(conn, db_role, sub):
            cur = conn.execute(statement, params)
            assert cur.rowcount == 1
            if op == "insert":
                assert counts(conn)[table.removeprefix("dreamcut_")] == before[table.removeprefix("dreamcut_")] + 1
            elif op == "update":
                assert snapshot(conn)[table] != rows_before[table]
            else:
                assert conn.execute(sql.SQL("select count(*) from public.{} where id = %s").format(
                    sql.Identifier(table)), (params["target"],)).fetchone()[0] == 0
    else:
        with raises_sqlstate(expected):
            with acting_as(conn, db_role, sub):
                conn.execute(statement, params)
    assert counts(conn) == before and snapshot(conn) == rows_before  # the refusal, or the rollback, left no trace


def count(conn, statement: str, *params) -> int:
    return conn.execute(statement, params).fetchone()[0]


def test_other_user_cannot_see_the_owners_rows_by_id(conn, data):
    with acting_as(conn, "authenticated", data["other"]):
        assert count(conn, "select count(*) from public.dreamcut_queries where id = %s", data["query"]) == 0
        assert count(conn, "select count(*) from public.dreamcut_assets where id = %s", data["asset"]) == 0
        assert count(conn, "select count(*) from public.dreamcut_messages where query_id = %s", data["query"]) == 0
    with acting_as(conn, "authenticated", data["owner"]):
        assert count(conn, "select count(*) from public.dreamcut_assets where id = %s", data["asset"]) == 1
        assert count(conn, "select count(*) from public.dreamcut_messages where query_id = %s", data["query"]) == 2


def test_signed_in_without_sub_sees_nothing(conn, data):
    with acting_as(conn, "authenticated"):
        for table in TABLES:
            assert count(conn, sql.SQL("select count(*) from public.{}").format(sql.Identifier(table))) == 0


# ------------------------------------------------------------------------------------------ function privileges

@pytest.mark.parametrize("role", EXECUTE)
@pytest.mark.parametrize("function", FUNCTIONS)
def test_execute_privileges(conn, role, function):
    allowed = conn.execute("select has_function_privilege(%s, %s, 'execute')",
                           (role, f"public.{function}({FUNCTIONS[function]})")).fetchone()[0]
    assert allowed == (function in EXECUTE[role])


def call_args(function: str, data: dict, sub: str | None) -> tuple[str, tuple]:
    """A call that would succeed if the caller were allowed: on the caller's own data where it has some."""
    return {
        "initialize_dreamcut_query": (
            "select public.initialize_dreamcut_query(%s, 'Make a trailer', 'video', '{}', %s)",
            (sub or data["owner"], json.dumps([asset("image")]))),
        "update_asset_progress": (
            "select public.update_asset_progress(p_asset_id => %s, p_progress => 60, p_message => 'halfway')",
            (data["asset"],)),
        "complete_dreamcut_query": ("select public.complete_dreamcut_query(%s, '{}')", (data["merging"],)),
        "fail_dreamcut_query": ("select public.fail_dreamcut_query(%s, 'nope')", (data["query"],)),
    }[function]


REFUSED_CALLS = [
    pytest.param(role, function, id=f"{role}-{function}")
    for role in ("anon", "owner") for function in FUNCTIONS
    if not (role == "owner" and function == "initialize_dreamcut_query")
]


@pytest.mark.parametrize("role, function", REFUSED_CALLS)
def test_refused_function_calls_write_nothing(conn, data, role, function):
    db_role, sub = identity(role, data)
    statement, params = call_args(function, data, sub)
    before, rows_before = counts(conn), snapshot(conn)
    with raises_sqlstate("42501"):
        with acting_as(conn, db_role, sub):
            conn.execute(statement, params)
    assert counts(conn) == before and snapshot(conn) == rows_before


@pytest.mark.parametrize("function", FUNCTIONS)
def test_service_role_may_call_every_function(conn, data, function):
    statement, params = call_args(function, data, None)
    before = counts(conn)
    with acting_as(conn, "service_role"):
        conn.execute(statement, params)
        assert counts(conn) != before  # each writes at least a message
    assert counts(conn) == before


def test_signed_in_user_initializes_a_query_for_itself(conn, data):
    me = new_user()
    with acting_as(conn, "authenticated", me):
        qid = conn.execute("select public.initialize_dreamcut_query(%s, 'Trailer', 'image', '{}', %s)",
                           (me, json.dumps([asset("image"), asset("audio")]))).fetchone()[0]
        assert conn.execute("select user_id from public.dreamcut_queries where id = %s", (qid,)).fetchone()[0] == me
        assert counts(conn, qid) == {"queries": 1, "assets": 2, "messages": 1}
    with acting_as(conn, "authenticated", data["other"]):
        assert conn.execute("select count(*) from public.dreamcut_queries where id = %s", (qid,)).fetchone()[0] == 0


@pytest.mark.parametrize("sub, p_user_id", [
    pytest.param("@other", "@owner", id="another-user"),
    pytest.param("@owner", "user123", id="not-a-uuid"),
    pytest.param(None, "@owner", id="no-sub"),
])
def test_signed_in_user_cannot_initialize_for_someone_else(conn, data, sub, p_user_id):
    def resolve(v):
        return data[v[1:]] if isinstance(v, str) and v.startswith("@") else v

    sub, p_user_id = resolve(sub), resolve(p_user_id)
    before, rows_before = counts(conn), snapshot(conn)
    with raises_sqlstate("42501") as info:
        with acting_as(conn, "authenticated", sub):
            conn.execute("select public.initialize_dreamcut_query(%s, 'Trailer', 'video', '{}', '[]')", (p_user_id,))
    assert "p_user_id" in str(info.value)
    assert counts(conn) == before and snapshot(conn) == rows_before


# ------------------------------------------------------------------------------------- function definitions

@pytest.mark.parametrize("signature, definer", MODULE_FUNCTIONS.items(), ids=list(MODULE_FUNCTIONS))
def test_function_search_path_is_pinned(conn, signature, definer):
    secdef, config = conn.execute("select prosecdef, proconfig from pg_proc where oid = %s::regprocedure",
                                  (signature,)).fetchone()
    assert secdef == definer
    assert config is not None and 'search_path=""' in config, config


def test_security_definer_functions_are_not_executable_by_anon_or_public(conn):
    definers = conn.execute(
        "select p.oid::regprocedure::text, p.proconfig from pg_proc as p "
        "where p.prosecdef and p.oid = any(%s::regprocedure[])", (list(MODULE_FUNCTIONS),)).fetchall()
    assert [d[0] for d in definers] == ["initialize_dreamcut_query(text,text,text,jsonb,jsonb)"]
    for oid, config in definers:
        assert 'search_path=""' in config
        for grantee in ("anon", "public"):
            assert conn.execute("select has_function_privilege(%s, %s::regprocedure, 'execute')",
                                (grantee, f"public.{oid}")).fetchone()[0] is False, (grantee, oid)


def test_private_functions_are_not_executable_by_api_roles(conn):
    private = [s for s in MODULE_FUNCTIONS if s.startswith("dreamcut_private.")]
    rows = conn.execute(
        "select p.oid::regprocedure::text, r.rolname, has_function_privilege(r.rolname, p.oid, 'execute') "
        "from pg_proc as p cross join (values ('public'), ('anon'), ('authenticated')) as r (rolname) "
        "where p.oid = any(%s::regprocedure[]) and p.pronamespace = 'dreamcut_private'::regnamespace",
        (private,)).fetchall()
    assert len(rows) == len(private) * 3
    assert [r for r in rows if r[2]] == []
