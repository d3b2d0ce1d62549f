"""End users on a distributed database, as PostgREST runs their requests: connected as ``authenticator``, in one
transaction ``set_config`` of the role, claims and headers, the db-pre-request function the database
configures (``pgrst.db_pre_request``, set by distribute), then the query. Both directions: a user sees exactly
their rows, spread over both workers, and none of another user's; without the pre-request nothing reaches the
workers' policies. And the one thing that does not hold on Citus: a security-definer write, then a read of the
same rows as the user, in one transaction."""

from __future__ import annotations

import json
import uuid

import psycopg
import pytest
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
    """Projects of two users, 12 each, on shards of both workers; the users' ids."""
    users = [str(uuid.uuid4()), str(uuid.uuid4())]
    with psycopg.connect(citus_url, autocommit=True) as conn:
        conn.execute("insert into public.video_projects (user_id, prompt) "
                     "select u::uuid, 'a cinematic trailer' from unnest(%s::text[]) u, generate_series(1, 12)", (users,))
        nodes = conn.execute(
            "select count(distinct s.nodeport) from public.video_projects p "
            "join citus_shards s on s.shardid = get_shard_id_for_distribution_column('public.video_projects', p.id) "
            "where p.user_id = %s", (users[0],)).fetchone()[0]
        assert nodes == 2
    return users


@pytest.fixture
def authenticator(citus_cluster, citus_url):
    with psycopg.connect(citus_cluster.coordinator.url("dreamcut", user="authenticator")) as conn:
        yield conn


def test_a_user_sees_exactly_their_rows_on_every_worker(authenticator, two_users):
    hook = pre_request(authenticator)
    assert hook == "public.citus_pre_request"
    mine, theirs = two_users
    query = "select user_id::text, count(*) from public.video_projects group by 1"
    assert request(authenticator, mine, query, hook=hook) == [(mine, 12)]
    assert request(authenticator, theirs, query, hook=hook) == [(theirs, 12)]
    assert request(authenticator, str(uuid.uuid4()), query, hook=hook) == []


def test_without_the_pre_request_the_workers_see_no_claims(authenticator, two_users):
    query = "select count(*) from public.video_projects where user_id = %s"
    assert request(authenticator, two_users[0], query, (two_users[0],)) == [(0,)]


def test_a_definer_write_then_a_read_as_the_user_in_one_transaction_is_refused(authenticator):
    """initialize_dreamcut_query is security definer: its inserts go through connections of its owner, and Citus
    refuses the user's own connection to the same placements later in that transaction. As two requests (one
    transaction each, PostgREST's way) it works."""
    user = str(uuid.uuid4())
    hook = pre_request(authenticator)
    create = ("select public.initialize_dreamcut_query(p_user_id => %s, p_user_prompt => 'a trailer', "
              "p_intent => 'video', p_options => '{}', p_assets => '[]')")
    read = "select count(*) from public.dreamcut_queries where id = %s"
    with raises_sqlstate("XX000") as info, authenticator.transaction():
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
