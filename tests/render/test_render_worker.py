"""Worker functions of the render module (video-platform-database.md): the processing timeline, element
processing status, storage operations, URL access logs and system metrics; and which roles may run them."""

from __future__ import annotations

import uuid

import pytest

from render_helpers import IP_A, api, expect_error, new_job, render_counts, scalar

#: Every function granted to service_role only, with arguments that would otherwise succeed or fail late.
WORKER_ONLY = {
    "update_job_status": "%(job)s, 'processing'",
    "update_job_progress": "%(job)s, 10",
    "complete_job": "%(job)s, 'https://c.io/o.mp4'",
    "timeout_stale_jobs": "",
    "start_processing_step": "%(job)s, 'validation'",
    "complete_processing_step": "%(uuid)s",
    "update_element_status": "%(uuid)s, 'processing'",
    "log_storage_operation": "%(job)s, 'upload', 'renders', 'out/a.mp4'",
    "log_url_access": "%(job)s, 'https://c.io/o.mp4'",
    "record_system_metric": "'queue.depth', 1",
    "log_security_event": "'unauthorized_access'",
    "check_rate_limit": "'203.0.113.1', 10, interval '1 minute'",
}


@pytest.mark.parametrize("role", ["anon", "authenticated"])
def test_worker_only_functions_are_not_executable_by_end_users(rdb, role):
    job_id = new_job(rdb, client_ip=IP_A)
    before = render_counts(rdb)
    for fn, args in WORKER_ONLY.items():
        assert scalar(rdb, "select has_function_privilege(%s, %s, 'execute')",
                      (role, scalar(rdb, "select min(oid)::regprocedure::text from pg_proc where proname = %s and "
                                         "pronamespace = 'public'::regnamespace", (fn,)))) is False, (role, fn)
        with api(rdb, role, str(uuid.uuid4()) if role == "authenticated" else None, ip=IP_A,
                 app_metadata={"role": "admin"}):
            # Even an admin's JWT does not make a worker.
            with expect_error(rdb, "42501"):
                rdb.execute(f"select public.{fn}({args})", {"job": job_id, "uuid": str(uuid.uuid4())})
    assert render_counts(rdb) == before


def test_processing_steps_move_the_job(rdb):
    job_id = new_job(rdb)
    with api(rdb, "service_role"):
        t1 = scalar(rdb, "select public.start_processing_step(%s, 'validation', '{\"worker\": \"w1\"}')", (job_id,))
        j = rdb.execute("select status::text, current_step::text, started_at from public.jobs where id = %s",
                        (job_id,)).fetchone()
        assert j[:2] == ("processing", "validation") and j[2] is not None
        assert scalar(rdb, "select public.complete_processing_step(%s, true, null, '{\"cpu_percent\": 55.5}', "
                           "'{\"checked\": 3}')", (t1,)) == 5
        t2 = scalar(rdb, "select public.start_processing_step(%s, 'download')", (job_id,))
        with expect_error(rdb, "55000") as info:
            rdb.execute("select public.start_processing_step(%s, 'download')", (job_id,))
        assert "already running" in str(info.value)
        assert scalar(rdb, "select public.complete_processing_step(%s, false, 'HTTP 404 on source')", (t2,)) == 5
        t3 = scalar(rdb, "select public.start_processing_step(%s, 'download')", (job_id,))  # retry
        assert scalar(rdb, "select public.complete_processing_step(%s)", (t3,)) == 20
        # A worker's own report can be ahead of the timeline: progress never goes back.
        rdb.execute("select public.update_job_progress(%s, 50)", (job_id,))
        t4 = scalar(rdb, "select public.start_processing_step(%s, 'processing')", (job_id,))
        assert scalar(rdb, "select public.complete_processing_step(%s)", (t4,)) == 50
        rows = rdb.execute(
            "select step::text, success, finished_at >= started_at, duration_ms >= 0, resource_usage, details, error_message "
            "from public.processing_timeline where job_id = %s order by started_at", (job_id,)).fetchall()
        assert rows[0] == ("validation", True, True, True, {"cpu_percent": 55.5}, {"worker": "w1", "checked": 3}, None)
        assert rows[1][:2] == ("download", False) and rows[1][6] == "HTTP 404 on source"
        with expect_error(rdb, "55000") as info:
            rdb.execute("select public.complete_processing_step(%s)", (t1,))
        assert "already finished" in str(info.value)
        rdb.execute("select public.complete_job(%s, 'https://cdn.example.com/out.mp4')", (job_id,))
        # Once finished only the cleanup step may run; its completion leaves the progress at 100.
        with expect_error(rdb, "55000") as info:
            rdb.execute("select public.start_processing_step(%s, 'encoding')", (job_id,))
        assert "only the cleanup step" in str(info.value)
        t5 = scalar(rdb, "select public.start_processing_step(%s, 'cleanup')", (job_id,))
        assert scalar(rdb, "select public.complete_processing_step(%s)", (t5,)) == 100


@pytest.mark.parametrize("call,sqlstate,message", [
    ("public.start_processing_step(null, 'validation')", "22023", "p_job_id is required"),
    ("public.start_processing_step(%(job)s, null)", "22023", "p_step is required"),
    ("public.start_processing_step(%(job)s, 'validation', '[]')", "22023", "p_details must be a JSON object, got array"),
    ("public.start_processing_step(%(unknown)s, 'validation')", "P0002", "not found (p_job_id)"),
    ("public.complete_processing_step(null)", "22023", "p_timeline_id is required"),
    ("public.complete_processing_step(%(entry)s, null)", "22023", "p_success must be true or false"),
    ("public.complete_processing_step(%(entry)s, false)", "22023", "p_error_message is required when p_success is false"),
    ("public.complete_processing_step(%(entry)s, true, null, '1')", "22023", "p_resource_usage must be a JSON object"),
    ("public.complete_processing_step(%(entry)s, true, null, null, '\"x\"')", "22023", "p_details must be a JSON object"),
    ("public.complete_processing_step(%(unknown)s)", "P0002", "timeline entry"),
    ("public.update_element_status(null, 'processing')", "22023", "p_element_id is required"),
    ("public.update_element_status(%(element)s, 'pending')", "22023", "p_status must be one of processing, completed, failed, got 'pending'"),
    ("public.update_element_status(%(element)s, 'failed')", "22023", "p_error_message is required when p_status is failed"),
    ("public.update_element_status(%(unknown)s, 'completed')", "P0002", "element"),
    ("public.log_storage_operation(null, 'upload', 'renders', 'k')", "22023", "p_job_id is required"),
    ("public.log_storage_operation(%(job)s, null, 'renders', 'k')", "22023", "p_operation is required"),
    ("public.log_storage_operation(%(job)s, 'upload', 'r', 'k')", "22023", "p_bucket must be an S3 bucket name of 3 to 63 characters, got 'r'"),
    ("public.log_storage_operation(%(job)s, 'upload', 'renders', '')", "22023", "p_object_key"),
    ("public.log_storage_operation(%(job)s, 'upload', 'renders', 'k', null)", "22023", "p_success"),
    ("public.log_storage_operation(%(job)s, 'upload', 'renders', 'k', false)", "22023", "p_error_message is required"),
    ("public.log_storage_operation(%(job)s, 'upload', 'renders', 'k', true, -1)", "22023", "p_bytes must be >= 0, got -1"),
    ("public.log_storage_operation(%(job)s, 'upload', 'renders', 'k', true, 1, -5)", "22023", "p_duration_ms must be >= 0"),
    ("public.log_storage_operation(%(job)s, 'upload', 'renders', 'k', p_metadata => '[]')", "22023", "p_metadata"),
    ("public.log_storage_operation(%(unknown)s, 'upload', 'renders', 'k')", "P0002", "not found"),
    ("public.log_url_access(null, 'https://c.io/o.mp4')", "22023", "p_job_id is required"),
    ("public.log_url_access(%(job)s, 'c.io/o.mp4')", "22023", "p_url must be an http(s):// or s3:// URL"),
    ("public.log_url_access(%(job)s, 'https://c.io/o.mp4', p_country_code => 'deu')", "22023", "p_country_code must be an ISO 3166-1 alpha-2"),
    ("public.log_url_access(%(job)s, 'https://c.io/o.mp4', p_geolocation => '[]')", "22023", "p_geolocation"),
    ("public.log_url_access(%(job)s, 'https://c.io/o.mp4', p_bytes_transferred => -1)", "22023", "p_bytes_transferred"),
    ("public.log_url_access(%(job)s, 'https://c.io/o.mp4', p_response_time_ms => -1)", "22023", "p_response_time_ms"),
    ("public.log_url_access(%(job)s, 'https://c.io/o.mp4', p_status_code => 99)", "22023", "p_status_code must be an HTTP status"),
    ("public.log_url_access(%(unknown)s, 'https://c.io/o.mp4')", "P0002", "not found"),
    ("public.record_system_metric('Queue Depth', 1)", "22023", "p_metric_name must be a lowercase dotted name"),
    ("public.record_system_metric(null, 1)", "22023", "p_metric_name"),
    ("public.record_system_metric('queue.depth', null)", "22023", "p_metric_value must be a finite number, got null"),
    ("public.record_system_metric('queue.depth', 'NaN')", "22023", "p_metric_value must be a finite number, got NaN"),
    ("public.record_system_metric('queue.depth', 'Infinity')", "22023", "p_metric_value"),
    ("public.record_system_metric('queue.depth', 1, '')", "22023", "p_unit must be 1 to 20 characters"),
    ("public.record_system_metric('queue.depth', 1, 'ms', '[]')", "22023", "p_tags must be a JSON object"),
    ("public.record_system_metric('queue.depth', 1, 'ms', '{}', 'NaN')", "22023", "p_warning_threshold and p_critical_threshold"),
])
def test_worker_functions_reject_bad_input_and_write_nothing(rdb, call, sqlstate, message):
    job_id = new_job(rdb)
    element = scalar(rdb, "insert into public.elements (job_id, type, source_url) "
                          "values (%s, 'audio', 'https://c.io/a.mp3') returning id", (job_id,))
    entry = scalar(rdb, "insert into public.processing_timeline (job_id, step) values (%s, 'validation') returning id",
                   (job_id,))
    before = render_counts(rdb)
    snapshot = rdb.execute("select (select array_agg(t) from public.processing_timeline as t), "
                           "(select array_agg(e) from public.elements as e)").fetchone()
    with api(rdb, "service_role"):
        with expect_error(rdb, sqlstate) as info:
            rdb.execute(f"select {call}", {"job": job_id, "element": element, "entry": entry,
                                           "unknown": str(uuid.uuid4())})
    assert message in str(info.value)
    assert render_counts(rdb) == before
    assert rdb.execute("select (select array_agg(t) from public.processing_timeline as t), "
                       "(select array_agg(e) from public.elements as e)").fetchone() == snapshot


def test_update_element_status(rdb):
    job_id = new_job(rdb)
    a = scalar(rdb, "select public.add_job_element(%s, 'image', 'https://c.io/a.png')", (job_id,))
    b = scalar(rdb, "select public.add_job_element(%s, 'image', 'https://c.io/b.png')", (job_id,))
    rdb.execute("select public.update_job_status(%s, 'processing')", (job_id,))
    rdb.execute("select public.update_element_status(%s, 'processing')", (a,))
    rdb.execute("select public.update_element_status(%s, 'processing')", (a,))  # repeating is a no-op
    rdb.execute("select public.update_element_status(%s, 'completed', '/tmp/cache/a.png')", (a,))
    rdb.execute("select public.update_element_status(%s, 'failed', null, 'HTTP 403')", (b,))
    rows = dict((r[0], r[1:]) for r in rdb.execute(
        "select id, processing_status, local_path, error_message, processed_at is not null from public.elements"))
    assert rows[a] == ("completed", "/tmp/cache/a.png", None, True)
    assert rows[b] == ("failed", None, "HTTP 403", True)
    for status in ("processing", "completed"):
        with expect_error(rdb, "55000") as info:
            rdb.execute("select public.update_element_status(%s, %s)", (a, status))
        assert "already completed" in str(info.value)


def test_child_lookups_take_the_job_as_key(rdb):
    """update_element_status and complete_processing_step find their row by (job_id, id) when the caller passes
    p_job_id (the distribution key), by the id alone when it does not; a job that is not the row's is not found."""
    job_id, other = new_job(rdb), new_job(rdb)
    element = scalar(rdb, "select public.add_job_element(%s, 'image', 'https://c.io/a.png')", (job_id,))
    step = scalar(rdb, "select public.start_processing_step(%s, 'validation')", (job_id,))
    before = render_counts(rdb)
    for call in ("public.update_element_status(%(row)s, 'processing', p_job_id => %(job)s)",
                 "public.complete_processing_step(%(row)s, p_job_id => %(job)s)"):
        with expect_error(rdb, "P0002") as info:
            rdb.execute(f"select {call}", {"row": element if "element" in call else step, "job": other})
        assert f"of job {other}, p_job_id" in str(info.value)
    assert render_counts(rdb) == before
    rdb.execute("select public.update_element_status(%s, 'completed', p_job_id => %s)", (element, job_id))
    assert scalar(rdb, "select public.complete_processing_step(%s, true, p_job_id => %s)", (step, job_id)) == 5
    assert rdb.execute("select processing_status, processed_at is not null from public.elements where id = %s",
                       (element,)).fetchone() == ("completed", True)


def test_log_storage_operation_and_url_access(rdb):
    job_id = new_job(rdb)
    with api(rdb, "service_role"):
        op = scalar(rdb, "select public.log_storage_operation(%s, 'upload', 'renders', 'out/a.mp4', true, 2048, 120, "
                         "null, '{\"region\": \"eu-central-1\"}')", (job_id,))
        failed = scalar(rdb, "select public.log_storage_operation(%s, 'download', 'assets', 'in/b.mp4', false, "
                             "p_error_message => 'AccessDenied')", (job_id,))
        log = scalar(rdb, "select public.log_url_access(%s, 'https://cdn.example.com/out.mp4', '192.0.2.7', 'curl/8', "
                          "'https://example.com', 'DE', '{\"city\": \"Berlin\"}', 4096, 35, 206)", (job_id,))
        assert rdb.execute("select operation::text, bucket, object_key, bytes, duration_ms, success, metadata "
                           "from public.storage_operations where id = %s", (op,)).fetchone() == (
            "upload", "renders", "out/a.mp4", 2048, 120, True, {"region": "eu-central-1"})
        assert rdb.execute("select success, error_message from public.storage_operations where id = %s",
                           (failed,)).fetchone() == (False, "AccessDenied")
        assert rdb.execute("select host(ip_address), user_agent, referrer, country_code, geolocation, bytes_transferred, "
                           "response_time_ms, status_code from public.url_access_logs where id = %s", (log,)).fetchone() == (
            "192.0.2.7", "curl/8", "https://example.com", "DE", {"city": "Berlin"}, 4096, 35, 206)


def test_record_system_metric(rdb):
    with api(rdb, "service_role"):
        m = scalar(rdb, "select public.record_system_metric('render.duration_ms', 1234.5, 'ms', '{\"worker\": \"w1\"}', "
                        "1000, 5000)")
        assert rdb.execute("select metric_name, metric_value, unit, tags, warning_threshold, critical_threshold "
                           "from public.system_metrics where id = %s", (m,)).fetchone() == (
            "render.duration_ms", 1234.5, "ms", {"worker": "w1"}, 1000, 5000)
