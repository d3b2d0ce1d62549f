"""End users on a distributed database, as PostgREST runs their requests: connected as ``authenticator``, in one
transaction ``set_config`` of the role, claims and headers, the db-pre-request function the database
configures (``pgrst.db_pre_request``, set by distribute), then the query. Both directions: a user sees exactly
their rows, spread over both workers, and none of another user's, on the root of a family and on a child whose
policy reads the parent (render's jobs and elements); without the pre-request nothing reaches the workers'
policies. And the one thing that does not hold on Citus: a security-definer write, then a read of the
same rows as the user, in one transaction."""

from __future__ import annotations

import json
import uuid

import psycopg
import pytest
from citus_helpers import nodes_of
from helpers import raises_sqlstate


def pre_request(conn) -> str:
    """The function PostgREST calls before each request (the in-database pgrst.db_pre_request of authenticator)."""
    return conn.execute(
        "select split_part(c, '=', 2) from pg_db_role_setting s, unnest(s.setconfig) c "
        "where s.setrole = 'authenticator'::regrole "
        "and s.setdatabase = (select oid from pg_database where datname = current_database()) "
        "and c like 'pgrst.db_pre_request=%'").fetchone()[0]


def request(conn, sub: str, query: str, params=(), hook: str | None = None, keep: bool = False):
    """One PostgREST request of the signed-in user ``sub``: its statements in one transaction, rolled back unless
    ``keep``."""
    with conn.transaction(force_rollback=not keep):
        conn.execute("select set_config('role', 'authenticated', true), set_config('request.jwt.claims', %s, true), "
                     "set_config('request.headers', %s, true)",
                     (json.dumps({"sub": sub, "role": "authenticated"}), json.dumps({"x-forwarded-for": "203.0.113.7"})))
        if hook:
            conn.execute(f"select {hook}()")
        return conn.execute(query, params).fetchall()


@pytest.fixture(scope="module")
def two_users(citus_url):
    """Render jobs of two users, 12 each with one element, on shards of both workers; the users' ids."""
    users = [str(uuid.uuid4()), str(uuid.uuid4())]
    with psycopg.connect(citus_url, autocommit=True) as conn:
        jobs = conn.execute(
            "insert into public.jobs (user_id, client_ip, output_format, width, height) "
            "select u::uuid, '203.0.113.7', 'mp4', 1280, 720 from unnest(%s::text[]) u, generate_series(1, 12) "
            "returning id::text, user_id::text", (users,)).fetchall()  # (in the order of the shards)
        conn.execute("insert into public.elements (job_id, type, source_url) "
                     "select j::uuid, 'image', 'https://cdn.example.com/a.png' from unnest(%s::text[]) j",
                     ([job for job, _user in jobs],))
        for user in users:  # 12 random ids all on one worker: one run in 2,048
            assert nodes_of(conn, "public.jobs", [job for job, owner in jobs if owner == user]) == 2
    return users


@pytest.fixture
def authenticator(citus_cluster, citus_url):
    """PostgREST's connection (autocommit: each request below is its own transaction)."""
    with psycopg.connect(citus_cluster.coordinator.url("dreamcut", user="authenticator"), autocommit=True) as conn:
        yield conn


#: A user's jobs and the elements of those jobs (a child table: its policy reads the parent job by the key).
MINE = ("select (select count(*) from public.jobs where user_id = %(u)s), "
        "(select count(*) from public.elements), (select count(distinct user_id) from public.jobs)")


def test_a_user_sees_exactly_their_rows_on_every_worker(authenticator, two_users):
    hook = pre_request(authenticator)
    assert hook == "public.citus_pre_request"
    mine, theirs = two_users
    assert request(authenticator, mine, MINE, {"u": mine}, hook=hook) == [(12, 12, 1)]
    assert request(authenticator, theirs, MINE, {"u": theirs}, hook=hook) == [(12, 12, 1)]
    assert request(authenticator, str(uuid.uuid4()), MINE, {"u": mine}, hook=hook) == [(0, 0, 0)]


def test_without_the_pre_request_the_workers_see_no_claims(authenticator, two_users):
    assert request(authenticator, two_users[0], MINE, {"u": two_users[0]}) == [(0, 0, 0)]


def test_an_end_users_insert_under_column_grants_is_refused_on_the_shard(authenticator, two_users, citus_url):
    """What does not hold on Citus yet: an end user's insert into a table whose INSERT is granted per column
    (elements: add_job_element, or the API's insert). Citus fills in the defaults on the coordinator and sends
    every column to the shard (id, processing_status, created_at, ...), which the user may not insert."""
    hook = pre_request(authenticator)
    with psycopg.connect(citus_url) as conn:
        job = conn.execute("select id from public.jobs where user_id = %s limit 1", (two_users[0],)).fetchone()[0]
    for add in ("insert into public.elements (job_id, type, text_content) values (%s, 'text', 'Launch')",
                "select public.add_job_element(%s, 'text', p_text_content => 'Launch')"):
        with raises_sqlstate("42501") as info:
            request(authenticator, two_users[0], add, (job,), hook=hook)
        assert "permission denied for table elements_" in str(info.value)


def test_a_definer_write_then_a_read_as_the_user_in_one_transaction_is_refused(authenticator):
    """initialize_dreamcut_query is security definer: its inserts go through connections of its owner, and Citus
    refuses the user's own connection to the same placements later in that transaction. As two requests (one
    transaction each, PostgREST's way) it works."""
    user = str(uuid.uuid4())
    hook = pre_request(authenticator)
    create = ("select public.initialize_dreamcut_query(p_user_id => %s, p_user_prompt => 'a trailer', "
              "p_intent => 'video', p_options => '{}', p_assets => '[]')")
    read = "select count(*) from public.dreamcut_queries where id = %s"
    with raises_sqlstate("25001") as info, authenticator.transaction():
        authenticator.execute("select set_config('role', 'authenticated', true), "
                              "set_config('request.jwt.claims', %s, true)",
                              (json.dumps({"sub": user, "role": "authenticated"}),))
        authenticator.execute(f"select {hook}()")
        query_id = authenticator.execute(create, (user,)).fetchone()[0]
        authenticator.execute(read, (query_id,))
    assert "modified in this transaction by a different user" in str(info.value)
    query_id = request(authenticator, user, create, (user,), hook=hook, keep=True)[0][0]
    assert request(authenticator, user, read, (query_id,), hook=hook) == [(1,)]
    assert request(authenticator, str(uuid.uuid4()), read, (query_id,), hook=hook) == [(0,)]
