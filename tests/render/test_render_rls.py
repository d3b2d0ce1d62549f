"""The render module's RLS rule table (docs/render.md), checked cell by cell as the real API roles with
PostgREST-style JWT claims and request headers (video-platform-database.md, "Security & RLS")."""

from __future__ import annotations

import uuid

import pytest

from render_helpers import IP_A, IP_B, api, count, expect_error, new_job, scalar

OWNER = str(uuid.uuid4())
OTHER = str(uuid.uuid4())
ADMIN = str(uuid.uuid4())

#: Who acts: API role, JWT sub, request address (x-forwarded-for) and extra JWT claims.
ACTORS = {
    "anon@A": {"role": "anon", "ip": IP_A},
    "anon@B": {"role": "anon", "ip": IP_B},
    "owner": {"role": "authenticated", "sub": OWNER, "ip": IP_A},
    "other_user": {"role": "authenticated", "sub": OTHER, "ip": IP_B},
    "user_metadata_admin": {"role": "authenticated", "sub": OTHER, "ip": IP_B,
                            "claims": {"user_metadata": {"role": "admin"}}},
    "admin": {"role": "authenticated", "sub": ADMIN, "ip": IP_B, "claims": {"app_metadata": {"role": "admin"}}},
    "service_role": {"role": "service_role"},
}

#: The fixture jobs: an anonymous job created from address A, and a job of OWNER created from address A too
#: (a signed-in user's job is never visible to anon callers of the same address).
#: Rule table, SELECT: which of them each actor sees, in jobs and in every child table (children follow the job).
VISIBLE = {
    "anon@A": {"anon_job"},
    "anon@B": set(),
    "owner": {"user_job"},
    "other_user": set(),
    "user_metadata_admin": set(),
    "admin": {"anon_job", "user_job"},
    "service_role": {"anon_job", "user_job"},
}
JOB_TABLES = ["jobs", "elements", "storage_operations", "processing_timeline", "url_access_logs"]

#: system_metrics, SELECT: number of rows seen of one sample, or the SQLSTATE of the refusal.
METRICS_SELECT = {
    "anon@A": "42501", "anon@B": "42501", "owner": 0, "other_user": 0, "user_metadata_admin": 0, "admin": 1,
    "service_role": 1,
}

#: Direct INSERT into jobs through the API: (actor, columns, expected: "ok" or SQLSTATE).
JOBS_INSERT = [
    ("anon@A", {}, "ok"),
    ("anon@A", {"client_ip": IP_B}, "42501"),
    ("anon@A", {"user_id": OWNER}, "42501"),
    ("anon@A", {"status": "completed"}, "42501"),
    ("owner", {}, "ok"),
    ("owner", {"user_id": OTHER}, "42501"),
    ("owner", {"client_ip": IP_B}, "42501"),
    ("owner", {"progress_percentage": 50}, "42501"),
    ("admin", {"user_id": OWNER}, "42501"),
    ("service_role", {"user_id": OWNER, "client_ip": IP_B}, "ok"),
]

#: Direct INSERT into elements of a pending job: expected per actor and target job.
ELEMENTS_INSERT = {
    "anon@A": {"anon_job": "ok", "user_job": "42501"},
    "anon@B": {"anon_job": "42501", "user_job": "42501"},
    "owner": {"anon_job": "42501", "user_job": "ok"},
    "other_user": {"anon_job": "42501", "user_job": "42501"},
    "user_metadata_admin": {"anon_job": "42501", "user_job": "42501"},
    "admin": {"anon_job": "ok", "user_job": "ok"},
    "service_role": {"anon_job": "ok", "user_job": "ok"},
}

#: Tables only workers write: INSERT/UPDATE/DELETE by end users are refused (42501), service_role may.
WORKER_WRITTEN = ["storage_operations", "processing_timeline", "url_access_logs", "system_metrics"]

#: UPDATE of jobs: the only update an end user may make is cancelling a pending or processing job it can see
#: (columns status, error_message, error_code; the result must be cancelled). Rows cancelled per target job:
JOBS_CANCEL = {
    "anon@A": {"anon_job": 1, "user_job": 0},
    "anon@B": {"anon_job": 0, "user_job": 0},
    "owner": {"anon_job": 0, "user_job": 1},
    "other_user": {"anon_job": 0, "user_job": 0},
    "user_metadata_admin": {"anon_job": 0, "user_job": 0},
    "admin": {"anon_job": 1, "user_job": 1},
    "service_role": {"anon_job": 1, "user_job": 1},
}
#: Any other UPDATE of jobs or elements by an end user: refused (42501). Status moves through worker functions.
#: DELETE of jobs: admins delete any job; other signed-in users delete nothing (0 rows); anon has no privilege.
JOBS_DELETE = {
    "anon@A": "42501", "anon@B": "42501", "owner": 0, "other_user": 0, "user_metadata_admin": 0, "admin": 1,
    "service_role": 1,
}


@pytest.fixture
def world(rdb):
    """The two fixture jobs with one row in each child table, and one metric sample."""
    jobs = {
        "anon_job": new_job(rdb, user_id=None, client_ip=IP_A, children=True),
        "user_job": new_job(rdb, user_id=OWNER, client_ip=IP_A, children=True),
    }
    rdb.execute("insert into public.system_metrics (metric_name, metric_value) values ('queue.depth', 3)")
    return jobs


def act(conn, actor: str):
    a = ACTORS[actor]
    return api(conn, a["role"], a.get("sub"), a.get("ip"), **a.get("claims", {}))


@pytest.mark.parametrize("actor", list(ACTORS))
def test_select_follows_the_job(rdb, world, actor):
    by_id = {v: k for k, v in world.items()}
    with act(rdb, actor):
        for table in JOB_TABLES:
            column = "id" if table == "jobs" else "job_id"
            rows = rdb.execute(f"select {column}::text from public.{table}").fetchall()
            seen = {by_id[r[0]] for r in rows if r[0] in by_id}
            assert seen == VISIBLE[actor], f"{actor} on {table}: saw {seen}, rule says {VISIBLE[actor]}"
            assert len(rows) == len(seen), f"{actor} on {table}: one row per visible job expected, got {len(rows)}"
        # The security_invoker views apply the same rule.
        seen = {by_id[r[0]] for r in rdb.execute("select id::text from public.job_summary")}
        assert seen == VISIBLE[actor], f"{actor} on job_summary"
        if METRICS_SELECT[actor] == "42501":
            with expect_error(rdb, "42501"):
                rdb.execute("select * from public.system_metrics")
        else:
            assert count(rdb, "public.system_metrics") == METRICS_SELECT[actor], f"{actor} on system_metrics"


@pytest.mark.parametrize("actor", list(ACTORS))
def test_can_subscribe_to_job_matches_the_rule_table(rdb, world, actor):
    # End users reach the helper through policies; calling it by name needs USAGE on the private schema,
    # granted here for the test only (rolled back).
    rdb.execute("grant usage on schema dreamcut_private to anon, authenticated")
    with act(rdb, actor):
        for name, job_id in world.items():
            assert scalar(rdb, "select dreamcut_private.can_subscribe_to_job(%s)", (job_id,)) == (
                name in VISIBLE[actor]), f"{actor} / {name}"
        assert scalar(rdb, "select dreamcut_private.can_subscribe_to_job(%s)", (str(uuid.uuid4()),)) is False


@pytest.mark.parametrize("actor,columns,expected", JOBS_INSERT, ids=[f"{a}-{'-'.join(c) or 'defaults'}" for a, c, _ in JOBS_INSERT])
def test_jobs_direct_insert(rdb, actor, columns, expected):
    values = {"output_format": "mp4", "width": 1280, "height": 720, **columns}
    sql = (f"insert into public.jobs ({', '.join(values)}) values ({', '.join(['%s'] * len(values))}) "
           "returning id, user_id, client_ip")
    with act(rdb, actor):
        if expected == "ok":
            job_id, user_id, client_ip = rdb.execute(sql, list(values.values())).fetchone()
            a = ACTORS[actor]
            if a["role"] != "service_role":
                # The defaults record the caller: its user id and its address.
                assert (str(user_id) if user_id else None) == a.get("sub")
                assert str(client_ip) == a["ip"]
        else:
            with expect_error(rdb, expected):
                rdb.execute(sql, list(values.values()))


@pytest.mark.parametrize("actor", list(ACTORS))
def test_elements_direct_insert(rdb, world, actor):
    for name, job_id in world.items():
        expected = ELEMENTS_INSERT[actor][name]
        with act(rdb, actor):
            sql = ("insert into public.elements (job_id, type, source_url) "
                   "values (%s, 'image', 'https://cdn.example.com/x.png') returning width, height")
            if expected == "ok":
                assert rdb.execute(sql, (job_id,)).fetchone() == (1920, 1080), f"{actor} -> {name}"
            else:
                with expect_error(rdb, expected):
                    rdb.execute(sql, (job_id,))


@pytest.mark.parametrize("actor", list(ACTORS))
def test_writes_of_worker_tables_and_updates(rdb, world, actor):
    job_id = world["anon_job"]
    end_user = ACTORS[actor]["role"] != "service_role"
    statements = [
        ("insert into public.storage_operations (job_id, operation, bucket, object_key, success) "
         "values (%s, 'upload', 'renders', 'k', true)", (job_id,)),
        ("insert into public.processing_timeline (job_id, step) values (%s, 'download')", (job_id,)),
        ("insert into public.url_access_logs (job_id, url) values (%s, 'https://cdn.example.com/o.mp4')", (job_id,)),
        ("insert into public.system_metrics (metric_name, metric_value) values ('x.y', 1)", None),
        ("update public.storage_operations set bytes = 1", None),
        ("update public.processing_timeline set details = '{\"a\": 1}'", None),
        ("update public.url_access_logs set status_code = 404", None),
        ("update public.system_metrics set unit = 'ms'", None),
        ("delete from public.storage_operations", None),
        ("delete from public.processing_timeline", None),
        ("delete from public.url_access_logs", None),
        ("delete from public.system_metrics", None),
        ("update public.jobs set metadata = '{\"x\": 1}'", None),
        ("update public.jobs set result_url = 'https://c.io/x.mp4'", None),
        ("update public.elements set layer_order = 5", None),
        ("delete from public.elements", None),
    ]
    with act(rdb, actor):
        for sql, params in statements:
            if end_user:
                with expect_error(rdb, "42501"):
                    rdb.execute(sql, params)
            else:
                with rdb.transaction(force_rollback=True):
                    rdb.execute(sql, params)


@pytest.mark.parametrize("actor", list(ACTORS))
def test_jobs_cancel_is_the_only_update_of_end_users(rdb, world, actor):
    for name, job_id in world.items():
        with act(rdb, actor):
            cancelled = rdb.execute("update public.jobs set status = 'cancelled', error_message = 'stop' where id = %s",
                                    (job_id,)).rowcount
            assert cancelled == JOBS_CANCEL[actor][name], f"{actor} -> {name}"
            if ACTORS[actor]["role"] != "service_role" and cancelled == 0 and name in VISIBLE[actor]:
                raise AssertionError(f"{actor} sees {name} but could not cancel it")
        if ACTORS[actor]["role"] == "service_role" or not VISIBLE[actor]:
            continue
        visible = next(iter(VISIBLE[actor]))
        with act(rdb, actor):
            # Anything but cancelling is refused: another status, or other columns alone.
            for change in ("status = 'failed', error_message = 'x'", "error_message = 'only a message'",
                           "status = 'processing'"):
                with expect_error(rdb, "42501"):
                    rdb.execute(f"update public.jobs set {change} where id = %s", (world[visible],))
            with expect_error(rdb, "42501"):
                rdb.execute("update public.jobs set progress_percentage = 5 where id = %s", (world[visible],))


@pytest.mark.parametrize("actor", list(ACTORS))
def test_jobs_delete(rdb, world, actor):
    expected = JOBS_DELETE[actor]
    with act(rdb, actor):
        if expected == "42501":
            with expect_error(rdb, "42501"):
                rdb.execute("delete from public.jobs where id = %s", (world["user_job"],))
        else:
            assert rdb.execute("delete from public.jobs where id = %s", (world["user_job"],)).rowcount == expected
        # Deleting a job takes its child rows with it (counted as the superuser).
        rdb.execute("reset role")
        for table in JOB_TABLES[1:]:
            assert count(rdb, f"public.{table}", "job_id = %s", (world["user_job"],)) == (0 if expected == 1 else 1)


@pytest.mark.parametrize("actor", list(ACTORS))
def test_cancel_and_add_element_functions_follow_the_rule_table(rdb, world, actor):
    for name, job_id in world.items():
        allowed = name in VISIBLE[actor]
        with act(rdb, actor):
            if allowed:
                element = scalar(rdb, "select public.add_job_element(%s, 'text', p_text_content => 'Hi')", (job_id,))
                assert element is not None
                rdb.execute("select public.cancel_job(%s, 'changed my mind')", (job_id,))
            else:
                with expect_error(rdb, "P0002"):
                    rdb.execute("select public.add_job_element(%s, 'text', p_text_content => 'Hi')", (job_id,))
                with expect_error(rdb, "P0002"):
                    rdb.execute("select public.cancel_job(%s)", (job_id,))
            rdb.execute("reset role")
            status = scalar(rdb, "select status::text from public.jobs where id = %s", (job_id,))
            assert status == ("cancelled" if allowed else "pending"), f"{actor} -> {name}"
            assert count(rdb, "public.elements", "job_id = %s", (job_id,)) == (2 if allowed else 1)


def test_security_helpers(rdb):
    rdb.execute("grant usage on schema dreamcut_private to anon, authenticated")
    helpers = "select dreamcut_private.user_role(), dreamcut_private.is_admin(), host(dreamcut_private.client_ip())"
    with api(rdb, "anon", ip=IP_A):
        assert rdb.execute(helpers).fetchone() == ("anon", False, IP_A)
    with api(rdb, "authenticated", OWNER, ip=f"{IP_B}, 10.0.0.1, 10.0.0.2"):
        # The first x-forwarded-for entry is the client; the others are proxies.
        assert rdb.execute(helpers).fetchone() == ("authenticated", False, IP_B)
    with api(rdb, "authenticated", ADMIN, ip="2001:db8::1", app_metadata={"role": "admin"}):
        assert rdb.execute(helpers).fetchone() == ("admin", True, "2001:db8::1")
    with api(rdb, "authenticated", OTHER, user_metadata={"role": "admin"}, app_metadata={"role": "editor"}):
        # user_metadata is writable by the user: never trusted.
        assert rdb.execute(helpers).fetchone() == ("authenticated", False, None)
    with api(rdb, "anon", ip="not-an-address"):
        assert rdb.execute(helpers).fetchone() == ("anon", False, None)
    with api(rdb, "service_role"):
        assert rdb.execute(helpers).fetchone() == ("service_account", False, None)
    # A direct database session (a worker, a DBA) is a service account.
    assert rdb.execute(helpers).fetchone() == ("service_account", False, None)
    # Unreadable request headers make no address rather than an error.
    with api(rdb, "anon"):
        rdb.execute("select set_config('request.headers', '{not json', true)")
        assert rdb.execute(helpers).fetchone() == ("anon", False, None)


def test_end_users_cannot_call_private_helpers_by_name(rdb):
    with api(rdb, "anon", ip=IP_A):
        with expect_error(rdb, "42501"):
            rdb.execute("select dreamcut_private.user_role()")
    with api(rdb, "authenticated", OWNER, ip=IP_A):
        with expect_error(rdb, "42501"):
            rdb.execute("select * from dreamcut_private.security_events")


def test_policies_are_one_per_role_and_command(rdb):
    rows = rdb.execute(
        """select tablename, cmd, unnest(roles) as role, count(*) from pg_policies
           where schemaname = 'public' and tablename = any(%s)
           group by 1, 2, 3 having count(*) > 1""",
        (JOB_TABLES + ["system_metrics"],)).fetchall()
    assert rows == []
    # Every policy calls auth.uid() and the helpers through (select ...), evaluated once per statement.
    for name, qual, check in rdb.execute(
            "select policyname, qual, with_check from pg_policies where schemaname = 'public' and tablename = any(%s)",
            (JOB_TABLES + ["system_metrics"],)):
        for expr in (qual, check):
            if expr and ("auth.uid()" in expr or "dreamcut_private." in expr):
                assert "SELECT auth.uid()" in expr or "SELECT dreamcut_private." in expr, (name, expr)
