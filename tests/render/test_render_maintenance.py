"""Analytics, maintenance and security functions of the render module (video-platform-database.md,
"Database Maintenance", "Rate limiting", "Audit logging"): get_job_statistics, get_storage_statistics,
cleanup_old_jobs, cleanup_old_metrics (their keyset batches, one call or bounded calls each in a transaction of its
own), enforce_data_retention, check_rate_limit (also under concurrent callers) and log_security_event."""

from __future__ import annotations

import threading
import uuid

import psycopg
import pytest

from helpers import wait_until_blocked
from render_helpers import IP_A, IP_B, admin_claims, api, count, expect_error, new_job, render_counts, scalar


#: The last 7 days up to a minute from now: get_job_statistics() alone ends at now(), the start of the test's
#: transaction, which leaves out the jobs the test creates (created_at = now(); the range is [start, end)).
LAST_WEEK = "now() - interval '7 days', now() + interval '1 minute'"


def stats(conn, sql=f"select * from public.get_job_statistics({LAST_WEEK})", params=None) -> dict:
    cur = conn.execute(sql, params)
    return dict(zip([c.name for c in cur.description], cur.fetchone()))


# -------------------------------------------------------------------------------------------------- statistics

def test_get_job_statistics(rdb):
    empty = stats(rdb)
    assert (empty["total_jobs"], empty["success_rate"], empty["by_format"], empty["by_response_type"]) == (0, None, {}, {})
    fast = new_job(rdb, status="completed")
    slow = new_job(rdb, status="completed", output_format="webm")
    new_job(rdb, status="failed")
    new_job(rdb, status="timeout", output_format="webm")
    new_job(rdb, status="cancelled")
    new_job(rdb, status="processing")
    new_job(rdb)
    new_job(rdb, created_ago="30 days")  # outside the default 7 days
    for job_id, ms in ((fast, 1000), (slow, 3000)):
        rdb.execute("update public.jobs set started_at = created_at, completed_at = created_at + %s * interval '1 ms', "
                    "file_size_bytes = %s where id = %s", (ms, ms * 10, job_id))
    s = stats(rdb)
    assert (s["total_jobs"], s["pending_jobs"], s["processing_jobs"], s["completed_jobs"], s["failed_jobs"],
            s["cancelled_jobs"], s["timeout_jobs"]) == (7, 1, 1, 2, 1, 1, 1)
    assert s["success_rate"] == 50  # 2 completed of 4 finished (cancelled left out)
    assert s["avg_processing_time_ms"] == 2000 and s["p95_processing_time_ms"] == 2900
    assert s["total_output_bytes"] == 40000
    assert s["by_format"] == {"mp4": {"total": 5, "completed": 1, "failed": 1},
                              "webm": {"total": 2, "completed": 1, "failed": 1}}
    assert s["by_response_type"] == {"immediate": 7}
    assert stats(rdb, "select * from public.get_job_statistics(now() - interval '31 days', now() + interval '1 day')")[
        "total_jobs"] == 8
    # The document's call, as written (a January with no jobs).
    rdb.execute("set local search_path = \"$user\", public")
    record = scalar(rdb, "SELECT get_job_statistics('2024-01-01', '2024-01-31')")
    assert record[:7] == ("0",) * 7 and record[-2:] == ("{}", "{}")
    # Security invoker: anon counts its own jobs only.
    with api(rdb, "anon", ip=IP_B):
        assert stats(rdb)["total_jobs"] == 0
    for bad in ("null, now()", "now(), null", "now(), now() - interval '1 day'", "now(), now()"):
        with expect_error(rdb, "22023") as info:
            rdb.execute(f"select * from public.get_job_statistics({bad})")
        assert "p_start_date must be before p_end_date" in str(info.value)


def test_get_storage_statistics(rdb):
    job_id = new_job(rdb)
    for op, ok, size, ms in (("upload", True, 100, 10), ("upload", False, None, 30), ("download", True, 50, 20)):
        rdb.execute("select public.log_storage_operation(%s, %s, 'renders', 'k', %s, %s, %s, "
                    "case when %s then null else 'x' end)", (job_id, op, ok, size, ms, ok))
    got = {r[0]: r[1:] for r in rdb.execute(f"select * from public.get_storage_statistics({LAST_WEEK})")}
    assert got["upload"][:5] == (2, 1, 1, 100, 20)
    assert got["download"][:5] == (1, 1, 0, 50, 20)
    with api(rdb, "anon", ip=IP_B):
        assert rdb.execute("select * from public.get_storage_statistics()").fetchall() == []
    with expect_error(rdb, "22023"):
        rdb.execute("select * from public.get_storage_statistics(now(), now() - interval '1 hour')")


# ------------------------------------------------------------------------------------------------- maintenance

def aged_jobs(conn) -> dict[str, str]:
    """One job per state; the finished ones finished 40 days ago, plus one finished yesterday."""
    jobs = {s: new_job(conn, status=s, finished_ago="40 days" if s not in ("pending", "processing") else None,
                       created_ago="60 days" if s in ("pending", "processing") else None, children=True)
            for s in ("pending", "processing", "completed", "failed", "cancelled", "timeout")}
    jobs["recent"] = new_job(conn, status="completed", finished_ago="1 day", children=True)
    return jobs


def test_cleanup_old_jobs_keeps_active_and_recent_jobs(rdb):
    jobs = aged_jobs(rdb)
    rdb.execute("set local search_path = \"$user\", public")
    assert scalar(rdb, "SELECT cleanup_old_jobs(30)") == 4
    left = {r[0] for r in rdb.execute("select id::text from public.jobs")}
    assert left == {jobs["pending"], jobs["processing"], jobs["recent"]}
    # Child rows went with their jobs.
    assert count(rdb, "public.elements") == 3 and count(rdb, "public.url_access_logs") == 3
    assert scalar(rdb, "SELECT cleanup_old_jobs(30)") == 0


def test_cleanup_old_jobs_in_bounded_batches(rdb):
    for _ in range(7):
        new_job(rdb, status="failed", finished_ago="10 days")
    # Batches of 3: 3 + 3 + 1, all deleted in one call.
    assert scalar(rdb, "select public.cleanup_old_jobs(5, 3)") == 7
    assert count(rdb, "public.jobs") == 0


def test_cleanup_old_metrics(rdb):
    rdb.execute("insert into public.system_metrics (metric_name, metric_value, recorded_at) "
                "select 'queue.depth', g, now() - g * interval '1 day' from generate_series(0, 9) as g")
    rdb.execute("set local search_path = \"$user\", public")
    assert scalar(rdb, "SELECT cleanup_old_metrics(7)") == 2  # 8 and 9 days old
    assert scalar(rdb, "select public.cleanup_old_metrics(2, 1)") == 5  # 3..7 days old, one row per batch
    assert count(rdb, "public.system_metrics") == 3


#: Per kind of old row: its table, a call that deletes one batch (size %s) of its old rows, and an insert of a
#: row with a given id that finished, was recorded or happened {at} (SQL).
JOB_OF_LOGS = "00000000-0000-4000-8000-0000000fffff"
RETENTION = {
    "jobs": ("public.jobs", "public.cleanup_old_jobs(30, %s, p_max_batches => 1)",
             "insert into public.jobs (id, width, height, status, error_message, created_at, completed_at) "
             "values (%s, 640, 360, 'failed', 'x', {at} - interval '1 hour', {at})"),
    "metrics": ("public.system_metrics", "public.cleanup_old_metrics(7, %s, p_max_batches => 1)",
                "insert into public.system_metrics (id, metric_name, metric_value, recorded_at) "
                "values (%s, 'queue.depth', 1, {at})"),
    "access logs": ("public.url_access_logs",
                    "dreamcut_private.delete_old_rows('public.url_access_logs', now() - interval '90 days', %s, 1)",
                    "insert into public.url_access_logs (id, job_id, url, accessed_at) "
                    f"values (%s, '{JOB_OF_LOGS}', 'https://cdn.example.com/a.mp4', {{at}})"),
    "security events": ("dreamcut_private.security_events",
                        "dreamcut_private.delete_old_rows('dreamcut_private.security_events', "
                        "now() - interval '365 days', %s, 1)",
                        "insert into dreamcut_private.security_events (id, event_type, api_role, created_at) "
                        "values (%s, 'login.failed', 'anon', {at})"),
}
OLD = "timestamptz '2020-01-01 00:00:00+00'"  # one instant, old for every retention period


def uid(n: int) -> str:
    """The n-th of a set of ids that sort in n order."""
    return f"00000000-0000-4000-8000-{n:012x}"


def ids(conn, table: str) -> set[str]:
    return {r[0] for r in conn.execute(f"select id::text from {table}")}


@pytest.mark.parametrize("kind", sorted(RETENTION))
def test_batches_cut_a_group_of_equal_timestamps_by_id(rdb, kind):
    """A bounded call (p_max_batches = 1) deletes the next p_batch_size old rows in (timestamp, id) order, also
    inside a group of rows that share one timestamp; called until it returns 0, it deletes every old row."""
    table, batch, insert = RETENTION[kind]
    if kind == "access logs":
        rdb.execute("insert into public.jobs (id, width, height) values (%s, 640, 360)", (JOB_OF_LOGS,))
    for n in (7, 3, 1, 6, 2, 5, 4):  # one instant, inserted out of id order
        rdb.execute(insert.format(at=OLD), (uid(n),))
    rdb.execute(insert.format(at="now()"), (uid(99),))  # recent: kept
    for batch_ids in ([1, 2, 3], [4, 5, 6], [7]):
        before = ids(rdb, table)
        assert scalar(rdb, f"select {batch}", (3,)) == len(batch_ids)
        assert sorted(before - ids(rdb, table)) == [uid(n) for n in batch_ids]
    assert ids(rdb, table) == {uid(99)}
    assert scalar(rdb, f"select {batch}", (3,)) == 0


def test_a_call_deletes_at_most_p_max_batches_batches(rdb):
    for n in range(1, 8):
        rdb.execute(RETENTION["metrics"][2].format(at=OLD), (uid(n),))
    assert scalar(rdb, "select public.cleanup_old_metrics(7, 2, p_max_batches => 2)") == 4
    assert ids(rdb, "public.system_metrics") == {uid(5), uid(6), uid(7)}
    assert scalar(rdb, "select public.cleanup_old_metrics(7, 2)") == 3  # p_max_batches null: until none is left


@pytest.mark.parametrize("batch_size", [1, 3, 6, 100000])  # 3 and 6: full batches, then an empty one
def test_cleanup_old_metrics_with_equal_timestamps(rdb, batch_size):
    rdb.execute(f"insert into public.system_metrics (metric_name, metric_value, recorded_at) "
                f"select 'a', g, {OLD} from generate_series(1, 6) as g")
    rdb.execute("insert into public.system_metrics (metric_name, metric_value) values ('a', 0)")
    assert scalar(rdb, "select public.cleanup_old_metrics(7, %s)", (batch_size,)) == 6
    assert count(rdb, "public.system_metrics") == 1


@pytest.mark.parametrize("statement,parameter", [
    ("select public.cleanup_old_jobs(0)", "p_days"), ("select public.cleanup_old_jobs(null)", "p_days"),
    ("select public.cleanup_old_jobs(36501)", "p_days"), ("select public.cleanup_old_jobs(2147483647)", "p_days"),
    ("select public.cleanup_old_jobs(30, 0)", "p_batch_size"),
    ("select public.cleanup_old_jobs(30, 100001)", "p_batch_size"),
    ("select public.cleanup_old_jobs(30, 10, 0)", "p_max_batches"),
    ("select public.cleanup_old_metrics(-1)", "p_days"), ("select public.cleanup_old_metrics(7, null)", "p_batch_size"),
    ("select public.cleanup_old_metrics(7, 10, -1)", "p_max_batches"),
    ("select public.enforce_data_retention(0)", "p_job_days"),
    ("select public.enforce_data_retention(90, null)", "p_access_log_days"),
    ("select public.enforce_data_retention(90, 90, 0)", "p_metric_days"),
    ("select public.enforce_data_retention(90, 90, 30, -5)", "p_security_event_days"),
    ("select public.enforce_data_retention(90, 90, 30, 2147483647)", "p_security_event_days"),
    ("select dreamcut_private.delete_old_rows('public.dreamcut_queries', now(), 10)", "p_table"),
])
def test_maintenance_rejects_bad_input(rdb, statement, parameter):
    new_job(rdb, status="failed", finished_ago="400 days")
    rdb.execute(f"insert into public.system_metrics (metric_name, metric_value, recorded_at) values ('a', 1, {OLD})")
    before = render_counts(rdb)
    with expect_error(rdb, "22023") as info:
        rdb.execute(statement)
    assert parameter in str(info.value)
    assert render_counts(rdb) == before


def test_enforce_data_retention_never_deletes_active_jobs(rdb):
    jobs = aged_jobs(rdb)
    rdb.execute("update public.url_access_logs set accessed_at = now() - interval '100 days' where job_id = %s",
                (jobs["pending"],))
    rdb.execute("insert into public.system_metrics (metric_name, metric_value, recorded_at) values "
                "('a', 1, now() - interval '31 days'), ('a', 2, now())")
    rdb.execute("insert into dreamcut_private.security_events (event_type, api_role, created_at) values "
                "('old', 'anon', now() - interval '2 years'), ('new', 'anon', now())")
    rdb.execute("insert into dreamcut_private.rate_limit_counters (identifier, window_seconds, window_start, request_count) "
                "values ('x', 60, now() - interval '2 minutes', 5), ('x', 3600, date_trunc('hour', now()), 5)")
    rdb.execute("set local search_path = \"$user\", public")
    # Nothing is old enough for the 90-day job retention: only the side tables shrink.
    assert scalar(rdb, "SELECT enforce_data_retention()") == {
        "jobs": 0, "url_access_logs": 1, "system_metrics": 1, "security_events": 1, "rate_limit_counters": 1}
    result = scalar(rdb, "select public.enforce_data_retention(1, 1, 1, 1)")
    assert result["jobs"] == 4  # the four finished 40 days ago; "recent" finished exactly 1 day ago
    left = {r[0] for r in rdb.execute("select id::text from public.jobs")}
    assert left == {jobs["pending"], jobs["processing"], jobs["recent"]}
    # The 60-day-old pending and processing jobs survive even the shortest retention.
    assert scalar(rdb, "select public.enforce_data_retention(1, 1, 1, 1)")["jobs"] == 0
    assert count(rdb, "public.jobs", "status in ('pending', 'processing')") == 2


def test_maintenance_is_for_service_accounts_and_dbas(rdb):
    """Retention is an operator's task: service_role (and the owner: a DBA, pg_cron) runs it; no end user's API
    role may, not even a signed-in admin (no EXECUTE: Supabase's advisor finds no security definer function in
    the API that they could call)."""
    job = new_job(rdb, status="failed", finished_ago="40 days")
    calls = ["public.cleanup_old_jobs(30)", "public.cleanup_old_metrics(7)", "public.enforce_data_retention()",
             "dreamcut_private.delete_old_rows('public.jobs', now(), 10)"]
    for call in calls:
        for role, sub, claims in (("anon", None, {}), ("authenticated", str(uuid.uuid4()), {}),
                                  ("authenticated", str(uuid.uuid4()), admin_claims())):
            with api(rdb, role, sub, ip=IP_A, **claims):
                with expect_error(rdb, "42501") as info:
                    rdb.execute(f"select {call}")
                assert "permission denied for" in str(info.value)
    assert ids(rdb, "public.jobs") >= {job}
    with api(rdb, "service_role"):
        assert scalar(rdb, "select public.cleanup_old_jobs(30)") == 1
        assert scalar(rdb, "select public.enforce_data_retention()")["jobs"] == 0


# ------------------------------------------------------- bounded calls, each in a transaction of its own

#: One bounded batch per call (p_max_batches = 1), called until it returns 0, each call in its own transaction:
#: what a DBA, a pg_cron job or a worker runs for locks that last one batch (docs/render.md, "Retention").
UNTIL_ZERO = {"jobs": "do $$ begin while public.cleanup_old_jobs(30, {size}, 1) > 0 loop commit; end loop; end $$",
              "metrics": "do $$ begin while public.cleanup_old_metrics(7, {size}, 1) > 0 loop commit; end loop; end $$"}
FUNCTIONS = {"jobs": "select public.cleanup_old_jobs(30, {size})", "metrics": "select public.cleanup_old_metrics(7, {size})"}


def service_session(url: str) -> psycopg.Connection:
    """An autocommit session as service_role, the way a worker or a pg_cron job runs the cleanup."""
    conn = psycopg.connect(url, autocommit=True)
    conn.execute("set role service_role")
    return conn


def test_bounded_calls_until_zero_delete_what_one_call_deletes(db, db_url):
    jobs = aged_jobs(db)
    db.commit()
    with service_session(db_url) as worker:
        worker.execute(UNTIL_ZERO["jobs"].format(size=2))
        assert worker.execute("select public.cleanup_old_jobs(30, 2, 1)").fetchone() == (0,)
    assert ids(db, "public.jobs") == {jobs["pending"], jobs["processing"], jobs["recent"]}
    assert count(db, "public.elements") == 3 and count(db, "public.processing_timeline") == 3


def blocked_after_a_commit(url: str, pid: int) -> bool:
    """Wait (at most a minute) until backend ``pid`` waits for a lock; returns whether its current transaction
    began after its current statement (the statement committed since it started)."""
    with psycopg.connect(url, autocommit=True) as observer:  # autocommit: pg_stat_activity read afresh
        wait_until_blocked(observer, pid, timeout=60)
        return observer.execute("select xact_start > query_start from pg_stat_activity where pid = %s",
                                (pid,)).fetchone()[0]


@pytest.mark.parametrize("runner", ["bounded calls", "one call"])
@pytest.mark.parametrize("kind", ["jobs", "metrics"])
def test_bounded_calls_commit_each_batch(db, db_url, kind, runner):
    """Nine old rows of one instant in batches of 3; another session holds the 7th, so the run waits in its third
    batch. Bounded calls in a loop that commits have committed their first two batches by then (another session
    sees 3 old rows left, and the loop's transaction began after its statement); one call, one transaction, has
    committed nothing. Rows added meanwhile: one call's keyset has passed the older ones (an older row, and one
    inside the waiting batch's range, which that batch's DELETE no longer sees): they wait for the next run; a
    bounded call starts at the oldest old row each time, so the loop deletes them too."""
    table, _batch, insert = RETENTION[kind]
    for n in range(1, 10):
        db.execute(insert.format(at=OLD), (uid(16 * n),))
    db.execute(insert.format(at="now()"), (uid(0),))  # recent
    db.commit()
    holder = psycopg.connect(db_url)
    holder.execute(f"select from {table} where id = %s for update", (uid(16 * 7),))
    worker = service_session(db_url)
    statement = (UNTIL_ZERO if runner == "bounded calls" else FUNCTIONS)[kind].format(size=3)
    outcome: dict = {}

    def run():
        try:
            cur = worker.execute(statement)
            outcome["deleted"] = cur.fetchone()[0] if cur.description else None
        except BaseException as exc:  # surfaced below
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    try:
        thread.start()
        assert blocked_after_a_commit(db_url, worker.info.backend_pid) is (runner == "bounded calls")
        old = f"select count(*) from {table} where id <> %s"
        assert db.execute(old, (uid(0),)).fetchone()[0] == (3 if runner == "bounded calls" else 9)
        db.execute(insert.format(at=f"{OLD} + interval '1 second'"), (uid(16 * 10),))  # ahead
        db.execute(insert.format(at=f"{OLD} - interval '1 day'"), (uid(1),))  # behind
        db.execute(insert.format(at=OLD), (uid(16 * 7 + 5),))  # inside the waiting batch (7th..9th row)
        db.commit()
    finally:
        holder.rollback()
        thread.join(60)
        holder.close()
        worker.close()
    assert outcome == {"deleted": None if runner == "bounded calls" else 10}, outcome
    assert ids(db, table) == ({uid(0)} if runner == "bounded calls" else {uid(0), uid(1), uid(16 * 7 + 5)})


# ------------------------------------------------------------------------------------- rate limit and audit log

def test_check_rate_limit_counts_per_identifier_and_window(rdb):
    rdb.execute("set local search_path = \"$user\", public")
    results = [scalar(rdb, "SELECT check_rate_limit('client-ip', 3, '1 hour'::interval)") for _ in range(5)]
    assert results == [True, True, True, False, False]
    # Another identifier, or another window length, has its own counter.
    assert scalar(rdb, "select public.check_rate_limit('client-ip-2', 3, '1 hour')") is True
    assert scalar(rdb, "select public.check_rate_limit('client-ip', 3, '1 minute')") is True
    assert rdb.execute("select identifier, window_seconds, request_count from dreamcut_private.rate_limit_counters "
                       "order by 1, 2").fetchall() == [("client-ip", 60, 1), ("client-ip", 3600, 5), ("client-ip-2", 3600, 1)]
    # The first refusal of a window is a security event (once per window).
    assert rdb.execute("select event_type, details from dreamcut_private.security_events").fetchall() == [
        ("rate_limit_exceeded", {"identifier": "client-ip", "limit": 3, "interval": "01:00:00"})]


@pytest.mark.parametrize("args,message", [
    ("null, 10, interval '1 hour'", "p_client_ip must be a non-empty identifier"),
    ("' ', 10, interval '1 hour'", "p_client_ip"),
    ("repeat('x', 256), 10, interval '1 hour'", "p_client_ip"),
    ("'ip', 0, interval '1 hour'", "p_limit must be at least 1 request, got 0"),
    ("'ip', null, interval '1 hour'", "p_limit"),
    ("'ip', 10, null", "p_interval must be whole seconds between 1 second and 31 days"),
    ("'ip', 10, interval '0'", "p_interval"),
    ("'ip', 10, interval '1 month'", "p_interval"),
    ("'ip', 10, interval '32 days'", "p_interval"),
    ("'ip', 10, interval '1.5 seconds'", "p_interval"),
    ("'ip', 10, interval '-1 hour'", "p_interval"),
])
def test_check_rate_limit_rejects_bad_input(rdb, args, message):
    with expect_error(rdb, "22023") as info:
        rdb.execute(f"select public.check_rate_limit({args})")
    assert message in str(info.value)
    assert count(rdb, "dreamcut_private.rate_limit_counters") == 0


def test_check_rate_limit_under_concurrent_callers(db, db_url):
    """Threads with their own connections, each call committed: no count is lost, exactly `limit` pass."""
    threads_n, calls, limit = 8, 25, 120
    barrier = threading.Barrier(threads_n)
    results: list[bool] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker():
        try:
            with psycopg.connect(db_url, autocommit=True) as conn:
                barrier.wait()
                for _ in range(calls):
                    with conn.transaction():
                        conn.execute("select set_config('role', 'service_role', true)")
                        ok = conn.execute("select public.check_rate_limit('198.51.100.7', %s, interval '1 hour')",
                                          (limit,)).fetchone()[0]
                    with lock:
                        results.append(ok)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert len(results) == threads_n * calls
    assert results.count(True) == limit
    rows = db.execute("select sum(request_count), count(*) from dreamcut_private.rate_limit_counters").fetchone()
    # One window (unless the run straddled a window boundary, which an hour-long window makes very unlikely).
    assert rows == (threads_n * calls, 1)
    assert db.execute("select count(*) from dreamcut_private.security_events "
                      "where event_type = 'rate_limit_exceeded'").fetchone()[0] == 1


def test_log_security_event(rdb):
    rdb.execute("set local search_path = \"$user\", public")
    event = scalar(rdb, "SELECT log_security_event('unauthorized_access', '{\"details\": \"...\"}')")
    assert rdb.execute("select event_type, details, api_role, user_id, client_ip from dreamcut_private.security_events "
                       "where id = %s", (event,)).fetchone() == (
        "unauthorized_access", {"details": "..."}, "service_account", None, None)
    with api(rdb, "service_role", ip=IP_A):
        # The API server logs on behalf of the request it serves: its address is recorded.
        event = scalar(rdb, "select public.log_security_event('login.failed')")
        rdb.execute("reset role")
        assert rdb.execute("select api_role, host(client_ip), details from dreamcut_private.security_events "
                           "where id = %s", (event,)).fetchone() == ("service_account", IP_A, {})
    for args, message in (("null", "p_event_type"), ("'Bad Name'", "p_event_type must be a lowercase name"),
                          ("'x', '[]'", "p_details must be a JSON object"),
                          ("'x', jsonb_build_object('a', repeat('x', 10001))", "p_details must be at most 10000 bytes")):
        with expect_error(rdb, "22023") as info:
            rdb.execute(f"select public.log_security_event({args})")
        assert message in str(info.value)
    assert count(rdb, "dreamcut_private.security_events") == 1
