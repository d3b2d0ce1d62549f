"""Views of the render module (video-platform-database.md, "10+ optimized views"): contents, processing
health of active jobs, security_invoker (RLS applies to the caller) and grants."""

from __future__ import annotations

import uuid

import pytest

from render_helpers import IP_A, IP_B, api, expect_error, new_job, scalar

VIEWS = [
    "job_summary", "job_status_realtime", "active_jobs", "daily_job_stats", "hourly_processing_load", "failed_jobs",
    "step_performance", "storage_usage", "url_access_stats", "system_health", "recent_errors", "element_type_stats",
]


def rows(conn, sql, params=None) -> list[dict]:
    cur = conn.execute(sql, params)
    return [dict(zip([c.name for c in cur.description], r)) for r in cur.fetchall()]


def test_every_view_runs_as_invoker_and_is_granted_explicitly(rdb):
    found = dict(rdb.execute(
        "select c.relname, c.reloptions from pg_class c where c.relnamespace = 'public'::regnamespace "
        "and c.relkind = 'v' and c.relname = any(%s)", (VIEWS,)).fetchall())
    assert sorted(found) == sorted(VIEWS)
    assert all("security_invoker=true" in opts for opts in found.values())
    for view in VIEWS:
        for role in ("anon", "authenticated", "service_role"):
            expected = not (view == "system_health" and role == "anon")
            assert scalar(rdb, "select has_table_privilege(%s, %s, 'select')", (role, f"public.{view}")) == expected
            for privilege in ("insert", "update", "delete"):
                assert scalar(rdb, "select has_table_privilege(%s, %s, %s)", (role, f"public.{view}", privilege)) is False
        assert scalar(rdb, "select obj_description(%s::regclass, 'pg_class')", (f"public.{view}",))
    # Every view answers for each role it is granted to (no hidden privilege gap beneath it).
    for role in ("anon", "authenticated", "service_role"):
        with api(rdb, role, str(uuid.uuid4()) if role == "authenticated" else None, ip=IP_A):
            for view in VIEWS:
                if view == "system_health" and role == "anon":
                    continue
                rdb.execute(f"select * from public.{view}").fetchall()


def test_active_jobs_processing_health(rdb):
    healthy = new_job(rdb, status="processing", created_ago="1 hour")
    slow = new_job(rdb, status="processing", created_ago="1 hour")
    stalled = new_job(rdb, status="processing", created_ago="1 hour")
    queued = new_job(rdb)
    waiting = new_job(rdb, created_ago="20 minutes")
    done = new_job(rdb, status="completed")
    rdb.execute("update public.jobs set started_at = now() - interval '50 minutes' where id in (%s, %s, %s)",
                (healthy, slow, stalled))
    rdb.execute("insert into public.processing_timeline (job_id, step, started_at) values "
                "(%s, 'encoding', now() - interval '1 minute'), (%s, 'download', now() - interval '10 minutes')",
                (healthy, slow))
    rdb.execute("insert into public.processing_timeline (job_id, step, started_at, finished_at, success) values "
                "(%s, 'download', now() - interval '40 minutes', now() - interval '30 minutes', true)", (stalled,))
    health = {str(r["id"]): r["processing_health"] for r in rows(rdb, "select * from public.active_jobs")}
    assert health == {healthy: "healthy", slow: "slow", stalled: "stalled", queued: "healthy", waiting: "stalled"}
    assert done not in health
    # The document's query, as written.
    rdb.execute("set local search_path = \"$user\", public")
    stalled_ids = {str(r[0]) for r in rdb.execute("SELECT * FROM active_jobs WHERE processing_health = 'stalled'")}
    assert stalled_ids == {stalled, waiting}


def test_job_summary_and_status_views(rdb):
    job_id = new_job(rdb, created_ago="10 minutes")
    rdb.execute("select public.add_job_elements(%s, '[{\"type\": \"video\", \"source_url\": \"https://c.io/a.mp4\"}, "
                "{\"type\": \"audio\", \"source_url\": \"https://c.io/a.mp3\"}]')", (job_id,))
    step = scalar(rdb, "select public.start_processing_step(%s, 'validation')", (job_id,))
    rdb.execute("select public.complete_processing_step(%s)", (step,))
    step = scalar(rdb, "select public.start_processing_step(%s, 'download')", (job_id,))
    rdb.execute("select public.complete_processing_step(%s, false, 'timeout')", (step,))
    rdb.execute("select public.log_storage_operation(%s, 'upload', 'renders', 'o.mp4', true, 5000)", (job_id,))
    rdb.execute("select public.log_storage_operation(%s, 'download', 'assets', 'a.mp4', true, 700)", (job_id,))
    rdb.execute("select public.log_url_access(%s, 'https://c.io/o.mp4')", (job_id,))
    rdb.execute("select public.complete_job(%s, 'https://c.io/o.mp4', 5000)", (job_id,))
    rdb.execute("set local search_path = \"$user\", public")
    [s] = rows(rdb, "SELECT * FROM job_summary WHERE id = %s", (job_id,))
    assert (s["status"], s["progress_percentage"], s["file_size"], s["result_url"]) == ("completed", 100, 5000,
                                                                                       "https://c.io/o.mp4")
    assert (s["element_count"], s["element_types"], s["steps_completed"], s["steps_failed"], s["storage_operations"],
            s["bytes_uploaded"], s["access_count"]) == (2, ["video", "audio"], 1, 1, 2, 5000, 1)
    assert s["processing_time_ms"] >= 0
    [r] = rows(rdb, "select * from job_status_realtime where id = %s", (job_id,))
    assert (r["status"], r["progress_percentage"], r["result_url"]) == ("completed", 100, "https://c.io/o.mp4")


def test_statistics_views(rdb):
    a = new_job(rdb, status="completed")
    b = new_job(rdb, status="failed")
    c = new_job(rdb, status="cancelled")
    new_job(rdb, status="processing")
    rdb.execute("update public.jobs set started_at = created_at, completed_at = created_at + interval '2 seconds' "
                "where id = %s", (a,))
    [day] = rows(rdb, "select * from public.daily_job_stats")
    assert (day["total_jobs"], day["completed_jobs"], day["failed_jobs"], day["cancelled_jobs"], day["active_jobs"]) == (
        4, 1, 1, 1, 1)
    assert day["success_rate"] == 50 and day["avg_processing_time_ms"] == 2000 and day["p95_processing_time_ms"] == 2000
    [hour] = rows(rdb, "select * from public.hourly_processing_load")
    # b failed before it started: it never counted as started.
    assert (hour["jobs_started"], hour["jobs_completed"], hour["jobs_failed"]) == (2, 1, 0)
    rdb.execute("insert into public.processing_timeline (job_id, step, started_at, finished_at, success, error_message) "
                "values (%s, 'encoding', now(), now() + interval '100 ms', false, 'ffmpeg exited 1'), "
                "(%s, 'encoding', now(), now() + interval '300 ms', true, null), "
                "(%s, 'upload', now(), null, null, null)", (b, a, a))
    [failed] = rows(rdb, "select * from public.failed_jobs")
    assert (str(failed["id"]), failed["failed_step"], failed["step_error_message"]) == (b, "encoding", "ffmpeg exited 1")
    perf = {r["step"]: r for r in rows(rdb, "select * from public.step_performance")}
    assert (perf["encoding"]["executions"], perf["encoding"]["successful"], perf["encoding"]["failed"],
            perf["encoding"]["success_rate"], perf["encoding"]["avg_duration_ms"], perf["encoding"]["max_duration_ms"]) == (
        2, 1, 1, 50, 200, 300)
    assert perf["upload"]["running"] == 1
    rdb.execute("insert into public.storage_operations (job_id, operation, bucket, object_key, bytes, duration_ms, success, "
                "error_message) values (%s, 'upload', 'renders', 'a', 100, 10, true, null), "
                "(%s, 'upload', 'renders', 'b', 50, 30, false, 'SlowDown'), "
                "(%s, 'delete', 'renders', 'c', null, 5, true, null)", (a, a, c))
    usage = {(r["bucket"], r["operation"]): r for r in rows(rdb, "select * from public.storage_usage")}
    up = usage[("renders", "upload")]
    assert (up["operations"], up["successful"], up["failed"], up["total_bytes"], up["avg_duration_ms"]) == (2, 1, 1, 100, 20)
    rdb.execute("insert into public.url_access_logs (job_id, url, ip_address, country_code, bytes_transferred, "
                "response_time_ms, status_code) values "
                "(%s, 'https://c.io/o.mp4', '192.0.2.1', 'DE', 10, 20, 200), "
                "(%s, 'https://c.io/o.mp4', '192.0.2.1', 'FR', 30, 40, 404), "
                "(%s, 'https://c.io/o.mp4', '192.0.2.2', null, null, null, 200)", (a, a, a))
    [acc] = rows(rdb, "select * from public.url_access_stats")
    assert (acc["access_count"], acc["unique_ips"], acc["total_bytes"], acc["avg_response_time_ms"], acc["error_count"],
            sorted(acc["countries"])) == (3, 2, 40, 30, 1, ["DE", "FR"])
    errors = {(r["source"], r["detail"]) for r in rows(rdb, "select * from public.recent_errors")}
    assert errors == {("job", None), ("processing_step", "encoding"), ("storage_operation", "upload s3://renders/b")}
    rdb.execute("insert into public.elements (job_id, type, source_url, duration) values "
                "(%s, 'audio', 'https://c.io/a.mp3', 4), (%s, 'audio', 'https://c.io/b.mp3', 6)",
                (new_job(rdb), new_job(rdb)))
    [el] = rows(rdb, "select * from public.element_type_stats")
    assert (el["type"], el["elements"], el["jobs"], el["avg_duration_seconds"]) == ("audio", 2, 2, 5)


@pytest.mark.parametrize("value,warning,critical,status", [
    (5, 10, 20, "ok"), (10, 10, 20, "warning"), (25, 10, 20, "critical"),
    # lower is worse when warning > critical (e.g. free disk space)
    (50, 20, 10, "ok"), (15, 20, 10, "warning"), (5, 20, 10, "critical"),
    (5, None, None, "ok"), (30, None, 20, "critical"), (15, 10, None, "warning"),
])
def test_system_health_status(rdb, value, warning, critical, status):
    rdb.execute("insert into public.system_metrics (metric_name, metric_value, recorded_at) values ('m', 1, now() - "
                "interval '2 hours')")
    rdb.execute("insert into public.system_metrics (metric_name, metric_value, warning_threshold, critical_threshold) "
                "values ('m', %s, %s, %s)", (value, warning, critical))
    [h] = rows(rdb, "select * from public.system_health")
    assert (h["latest_value"], h["status"], h["samples_last_hour"]) == (value, status, 1)


def test_views_show_each_caller_only_its_jobs(rdb):
    mine = new_job(rdb, client_ip=IP_A, status="failed")
    theirs = new_job(rdb, client_ip=IP_B, status="failed")
    rdb.execute("insert into public.system_metrics (metric_name, metric_value) values ('queue.depth', 1)")
    with api(rdb, "anon", ip=IP_A):
        for view in ("job_summary", "failed_jobs", "job_status_realtime"):
            assert {str(r[0]) for r in rdb.execute(f"select id from public.{view}")} == {mine}, view
        assert [r[0] for r in rdb.execute("select job_id::text from public.recent_errors")] == [mine]
        assert scalar(rdb, "select sum(total_jobs) from public.daily_job_stats") == 1
        with expect_error(rdb, "42501"):
            rdb.execute("select * from public.system_health")
    with api(rdb, "authenticated", str(uuid.uuid4()), ip=IP_A):
        assert rdb.execute("select * from public.job_summary").fetchall() == []
        assert rdb.execute("select * from public.system_health").fetchall() == []
    with api(rdb, "authenticated", str(uuid.uuid4()), app_metadata={"role": "admin"}):
        assert {str(r[0]) for r in rdb.execute("select id from public.failed_jobs")} == {mine, theirs}
        assert len(rdb.execute("select * from public.system_health").fetchall()) == 1
