"""Job management functions of the render module (video-platform-database.md, "Database functions"):
create_job, add_job_element(s), update_job_status, update_job_progress, complete_job, cancel_job,
timeout_stale_jobs, calculate_job_progress, calculate_job_duration."""

from __future__ import annotations

import json
import uuid

import pytest

from render_helpers import IP_A, IP_B, api, count, expect_error, new_job, render_counts, scalar

USER = str(uuid.uuid4())


def job(conn, job_id):
    return conn.execute("select * from public.jobs where id = %s", (job_id,)).fetchone()


def job_dict(conn, job_id) -> dict:
    cur = conn.execute("select * from public.jobs where id = %s", (job_id,))
    return dict(zip([c.name for c in cur.description], cur.fetchone()))


# ----------------------------------------------------------------------------------------------------- create_job

def test_create_job_document_example_as_written(rdb):
    rdb.execute("set local search_path = \"$user\", public")
    job_id = scalar(rdb, "SELECT create_job('mp4', 1920, 1080, 25, '127.0.0.1'::inet, 'test-agent', '{}')")
    j = job_dict(rdb, job_id)
    assert (j["output_format"], j["width"], j["height"], float(j["fps"])) == ("mp4", 1920, 1080, 25.0)
    assert (str(j["client_ip"]), j["user_agent"], j["metadata"]) == ("127.0.0.1", "test-agent", {})
    assert (j["status"], j["progress_percentage"], j["response_type"], j["user_id"]) == ("pending", 0, "immediate", None)


def test_create_job_as_api_callers_records_their_address_and_user(rdb):
    with api(rdb, "anon", ip=IP_A, headers={"user_agent": "Mozilla/5.0"}):
        job_id = scalar(rdb, "select public.create_job('webm', 1280, 720, 30, p_response_type => 'async')")
        j = job_dict(rdb, job_id)  # anon reads its own job back
        assert (str(j["client_ip"]), j["user_id"], j["user_agent"], j["response_type"]) == (
            IP_A, None, "Mozilla/5.0", "async")
        # Passing its own address is fine too.
        assert scalar(rdb, "select public.create_job('mp4', 640, 360, 24, %s::inet)", (IP_A,))
    with api(rdb, "authenticated", USER, ip=IP_B):
        job_id = scalar(rdb, "select public.create_job('gif', 321, 241, 12.5, p_duration_seconds => 10, "
                             "p_metadata => '{\"template\": \"promo\"}')")
        j = job_dict(rdb, job_id)
        assert (str(j["user_id"]), str(j["client_ip"]), float(j["duration_seconds"]), j["metadata"]) == (
            USER, IP_B, 10.0, {"template": "promo"})
    with api(rdb, "service_role"):
        # A service account records what the API server passes on behalf of its caller.
        job_id = scalar(rdb, "select public.create_job('mov', 3840, 2160, 60, %s::inet, 'api-server', '{}', "
                             "p_user_id => %s)", (IP_B, USER))
        j = job_dict(rdb, job_id)
        assert (str(j["client_ip"]), str(j["user_id"])) == (IP_B, USER)


@pytest.mark.parametrize("call,sqlstate,message", [
    ("public.create_job('avi', 1920, 1080)", "22023", "p_output_format must be one of mp4, webm, mov, mkv, gif, got 'avi'"),
    ("public.create_job(null, 1920, 1080)", "22023", "p_output_format"),
    ("public.create_job('mp4', 0, 1080)", "22023", "p_width must be between 16 and 8192 pixels, got 0"),
    ("public.create_job('mp4', 1920, 9000)", "22023", "p_height must be between 16 and 8192 pixels, got 9000"),
    ("public.create_job('mp4', 1921, 1080)", "22023", "p_width and p_height must be even for mp4 output, got 1921x1080"),
    ("public.create_job('mp4', 1920, 1080, 0)", "22023", "p_fps must be > 0 and <= 120 frames per second, got 0"),
    ("public.create_job('mp4', 1920, 1080, 240)", "22023", "p_fps"),
    ("public.create_job('mp4', 1920, 1080, null)", "22023", "p_fps"),
    ("public.create_job('mp4', 1920, 1080, 30, p_metadata => '[1]')", "22023", "p_metadata must be a JSON object, got array"),
    ("public.create_job('mp4', 1920, 1080, 30, p_duration_seconds => -1)", "22023", "p_duration_seconds"),
    ("public.create_job('mp4', 1920, 1080, 30, p_response_type => null)", "22023", "p_response_type"),
    ("public.create_job('mp4', 1920, 1080, 30, p_user_agent => repeat('x', 1001))", "22023", "p_user_agent"),
])
def test_create_job_rejects_bad_input_and_writes_nothing(rdb, call, sqlstate, message):
    before = render_counts(rdb)
    with api(rdb, "service_role"):
        with expect_error(rdb, sqlstate) as info:
            rdb.execute(f"select {call}")
    assert message in str(info.value)
    assert render_counts(rdb) == before


def test_create_job_refuses_another_callers_address_or_user(rdb):
    before = render_counts(rdb)
    with api(rdb, "anon", ip=IP_A):
        with expect_error(rdb, "42501") as info:
            rdb.execute("select public.create_job('mp4', 1920, 1080, 25, %s::inet)", (IP_B,))
        assert f"p_client_ip {IP_B} is not the address of this request ({IP_A})" in str(info.value)
        with expect_error(rdb, "42501"):
            rdb.execute("select public.create_job('mp4', 1920, 1080, p_user_id => %s)", (USER,))
    with api(rdb, "authenticated", USER, ip=IP_A):
        with expect_error(rdb, "42501") as info:
            rdb.execute("select public.create_job('mp4', 1920, 1080, p_user_id => %s)", (str(uuid.uuid4()),))
        assert "p_user_id" in str(info.value)
    with api(rdb, "anon"):
        # An anonymous request without x-forwarded-for could never see its job: refused.
        with expect_error(rdb, "42501") as info:
            rdb.execute("select public.create_job('mp4', 1920, 1080)")
        assert "x-forwarded-for" in str(info.value)
    assert render_counts(rdb) == before


# -------------------------------------------------------------------------------------------- add_job_element(s)

def test_add_job_element_fills_the_box_and_keeps_it_in_the_canvas(rdb):
    job_id = new_job(rdb, width=1280, height=720, duration=30)
    video = scalar(rdb, "select public.add_job_element(%s, 'video', 'https://cdn.example.com/a.mp4', 0, 10)", (job_id,))
    logo = scalar(rdb, "select public.add_job_element(%s, 'overlay', 's3://assets/logo.png', 2, 5, 1180, 20, 80, 80, "
                       "'contain', 10)", (job_id,))
    audio = scalar(rdb, "select public.add_job_element(%s, 'audio', 'https://cdn.example.com/a.mp3', 0, 30)", (job_id,))
    title = scalar(rdb, "select public.add_job_element(%s, 'text', null, 1, 3, 100, 600, p_text_content => 'Hello')",
                   (job_id,))
    rows = {r[0]: r[1:] for r in rdb.execute(
        "select id, type::text, position_x, position_y, width, height, fit_mode::text, layer_order "
        "from public.elements where job_id = %s", (job_id,))}
    assert rows[video] == ("video", 0, 0, 1280, 720, "auto", 0)
    assert rows[logo] == ("overlay", 1180, 20, 80, 80, "contain", 10)
    assert rows[audio] == ("audio", None, None, None, None, "auto", 0)
    assert rows[title] == ("text", 100, 600, 1180, 120, "auto", 0)


@pytest.mark.parametrize("args,message", [
    ("null, 'image', 'https://x.io/a.png'", "p_job_id is required"),
    ("%(job)s, null, 'https://x.io/a.png'", "p_type is required"),
    ("%(job)s, 'image', null", "p_source_url is required for image elements"),
    ("%(job)s, 'image', 'ftp://x.io/a.png'", "p_source_url must be an http(s):// or s3:// URL"),
    ("%(job)s, 'text', null", "p_text_content is required for a text element, got null"),
    ("%(job)s, 'image', 'https://x.io/a.png', -1", "p_start_time must be >= 0"),
    ("%(job)s, 'image', 'https://x.io/a.png', 0, 0", "p_duration must be > 0"),
    ("%(job)s, 'image', 'https://x.io/a.png', 25, 10", "p_start_time + duration must be <= the job's 30 s timeline, got 25 + 10"),
    ("%(job)s, 'image', 'https://x.io/a.png', 30", "p_start_time must be before the end of the job's 30 s timeline"),
    ("%(job)s, 'image', 'https://x.io/a.png', 0, 1, -5", "p_position_x must be between 0 and 1279"),
    ("%(job)s, 'image', 'https://x.io/a.png', 0, 1, 1280", "p_position_x must be between 0 and 1279"),
    ("%(job)s, 'image', 'https://x.io/a.png', 0, 1, 0, 700, null, 40", "p_height must be between 1 and 20 px"),
    ("%(job)s, 'image', 'https://x.io/a.png', 0, 1, 1000, 0, 300", "p_width must be between 1 and 280 px"),
    ("%(job)s, 'audio', 'https://x.io/a.mp3', 0, 1, 0", "must be null for an audio element"),
    ("%(job)s, 'image', 'https://x.io/a.png', p_layer_order => 1001", "p_layer_order must be between 0 and 1000, got 1001"),
    ("%(job)s, 'image', 'https://x.io/a.png', p_fit_mode => null", "p_fit_mode"),
    ("%(job)s, 'image', 'https://x.io/a.png', p_metadata => '\"x\"'", "p_metadata must be a JSON object, got string"),
])
def test_add_job_element_rejects_bad_input_and_writes_nothing(rdb, args, message):
    job_id = new_job(rdb, width=1280, height=720, duration=30)
    before = render_counts(rdb)
    with expect_error(rdb, "22023") as info:
        rdb.execute(f"select public.add_job_element({args})", {"job": job_id})
    assert message in str(info.value)
    assert render_counts(rdb) == before


def test_add_job_element_needs_a_pending_job_and_a_known_one(rdb):
    job_id = new_job(rdb, status="processing")
    with expect_error(rdb, "55000") as info:
        rdb.execute("select public.add_job_element(%s, 'image', 'https://x.io/a.png')", (job_id,))
    assert "is processing: elements can only be added while it is pending" in str(info.value)
    with expect_error(rdb, "P0002"):
        rdb.execute("select public.add_job_element(%s, 'image', 'https://x.io/a.png')", (str(uuid.uuid4()),))
    assert count(rdb, "public.elements") == 0


def test_add_job_elements_in_one_call(rdb):
    job_id = new_job(rdb, width=1920, height=1080, duration=20)
    elements = [
        {"type": "video", "source_url": "https://cdn.example.com/bg.mp4", "duration": 20},
        {"type": "image", "source_url": "https://cdn.example.com/a.png", "position_x": 100, "position_y": 50.0,
         "width": 400, "height": 300, "fit_mode": "cover", "start_time": 2.5, "duration": 5, "layer_order": 2,
         "metadata": {"opacity": 0.8}},
        {"type": "text", "text_content": "Title", "start_time": 0, "duration": 3, "layer_order": 3},
        {"type": "audio", "source_url": "https://cdn.example.com/music.mp3"},
    ]
    with api(rdb, "anon", ip=IP_A):
        anon_job = scalar(rdb, "select public.create_job('mp4', 1920, 1080, 30, p_duration_seconds => 20)")
        ids = scalar(rdb, "select public.add_job_elements(%s, %s)", (anon_job, json.dumps(elements)))
        assert len(ids) == 4
        rows = rdb.execute("select id, type::text, position_y, fit_mode::text, start_time, metadata "
                           "from public.elements where job_id = %s", (anon_job,)).fetchall()
        by_id = {r[0]: r[1:] for r in rows}
        assert [by_id[i][0] for i in ids] == ["video", "image", "text", "audio"]
        assert by_id[ids[1]][1:] == (50, "cover", 2.5, {"opacity": 0.8})
    assert scalar(rdb, "select public.add_job_elements(%s, '[]')", (job_id,)) == []


@pytest.mark.parametrize("elements,message", [
    ("{}", "p_elements must be a JSON array of element objects, got object"),
    ('[{"type": "image", "source_url": "https://x.io/a.png"}, 7]', "p_elements[1]: must be a JSON object, got number"),
    ('[{"type": "image", "source_url": "https://x.io/a.png", "colour": "red"}]', "p_elements[0]: unknown key 'colour'"),
    ('[{"type": "sticker", "source_url": "https://x.io/a.png"}]', "p_elements[0]: type must be one of video, image"),
    ('[{"source_url": "https://x.io/a.png"}]', "p_elements[0]: type must be one of"),
    ('[{"type": "image", "source_url": "https://x.io/a.png", "fit_mode": "zoom"}]', "p_elements[0]: fit_mode must be one of"),
    ('[{"type": "image", "source_url": "https://x.io/a.png", "width": 10.5}]', "p_elements[0]: width must be a whole number, got 10.5"),
    ('[{"type": "image", "source_url": "https://x.io/a.png", "position_x": "7"}]', "p_elements[0]: position_x must be a whole number"),
    ('[{"type": "image", "source_url": "https://x.io/a.png", "start_time": "soon"}]', "p_elements[0]: start_time must be a number of seconds"),
    ('[{"type": "image", "source_url": "https://x.io/a.png"}, {"type": "image", "source_url": "https://x.io/b.png", "position_x": 1900, "width": 40}]',
     "p_elements[1]: width must be between 1 and 20 px"),
    ('[{"type": "video", "source_url": "https://x.io/a.mp4", "start_time": 15, "duration": 10}]',
     "p_elements[0]: start_time + duration must be <= the job's 20 s timeline"),
    ('[{"type": "text"}]', "p_elements[0]: text_content is required for a text element"),
    ('[{"type": "image", "source_url": "https://x.io/a.png", "metadata": [1]}]', "p_elements[0]: metadata must be a JSON object"),
])
def test_add_job_elements_rejects_bad_input_and_writes_nothing(rdb, elements, message):
    job_id = new_job(rdb, width=1920, height=1080, duration=20)
    before = render_counts(rdb)
    with expect_error(rdb, "22023") as info:
        rdb.execute("select public.add_job_elements(%s, %s)", (job_id, elements))
    assert message in str(info.value)
    assert render_counts(rdb) == before


def test_add_job_elements_limits_and_state(rdb):
    job_id = new_job(rdb)
    many = json.dumps([{"type": "audio", "source_url": "https://x.io/a.mp3"}] * 501)
    with expect_error(rdb, "22023") as info:
        rdb.execute("select public.add_job_elements(%s, %s)", (job_id, many))
    assert "at most 500" in str(info.value)
    with expect_error(rdb, "22023"):
        rdb.execute("select public.add_job_elements(null, '[]')")
    with expect_error(rdb, "P0002"):
        rdb.execute("select public.add_job_elements(%s, '[]')", (str(uuid.uuid4()),))
    rdb.execute("select public.cancel_job(%s)", (job_id,))
    with expect_error(rdb, "55000"):
        rdb.execute("select public.add_job_elements(%s, '[{\"type\": \"audio\", \"source_url\": \"https://x.io/a.mp3\"}]')",
                    (job_id,))
    assert count(rdb, "public.elements") == 0


# ----------------------------------------------------------------------------------- status, progress, completion

def test_job_lifecycle_through_the_worker_functions(rdb):
    job_id = new_job(rdb)
    with api(rdb, "service_role"):
        rdb.execute("select public.update_job_status(%s, 'processing')", (job_id,))
        rdb.execute("select public.update_job_status(%s, 'processing')", (job_id,))  # repeating is a no-op
        rdb.execute("select public.update_job_progress(%s, 40, 'encoding')", (job_id,))
        rdb.execute("select public.update_job_progress(%s, 40)", (job_id,))
        j = job_dict(rdb, job_id)
        assert (j["status"], j["progress_percentage"], j["current_step"]) == ("processing", 40, "encoding")
        assert j["started_at"] is not None and j["completed_at"] is None
        rdb.execute("select public.complete_job(%s, 'https://cdn.example.com/out.mp4', 123456, 'renders', 'out/x.mp4', "
                    "now() + interval '7 days')", (job_id,))
        j = job_dict(rdb, job_id)
        assert (j["status"], j["progress_percentage"], j["result_url"], j["file_size_bytes"], j["s3_bucket"],
                j["s3_key"]) == ("completed", 100, "https://cdn.example.com/out.mp4", 123456, "renders", "out/x.mp4")
        assert j["completed_at"] >= j["started_at"] >= j["created_at"]
        assert j["expires_at"] is not None


@pytest.mark.parametrize("call,sqlstate,message", [
    ("public.update_job_status(null, 'processing')", "22023", "p_job_id is required"),
    ("public.update_job_status(%(job)s, null)", "22023", "p_status must be processing, failed, cancelled or timeout, got null"),
    ("public.update_job_status(%(job)s, 'completed')", "22023", "complete_job"),
    ("public.update_job_status(%(job)s, 'pending')", "22023", "got pending"),
    ("public.update_job_status(%(job)s, 'failed')", "22023", "p_error_message is required when p_status is failed"),
    ("public.update_job_status(%(job)s, 'timeout', ' ')", "22023", "p_error_message is required"),
    ("public.update_job_status(%(job)s, 'failed', 'x', repeat('E', 51))", "22023", "p_error_code"),
    ("public.update_job_status(%(unknown)s, 'processing')", "P0002", "not found (p_job_id)"),
    ("public.update_job_progress(%(job)s, 101)", "22023", "p_progress must be between 0 and 100 percent, got 101"),
    ("public.update_job_progress(%(job)s, null)", "22023", "p_progress"),
    ("public.update_job_progress(%(job)s, 50)", "55000", "is pending: progress can only change while it is processing"),
    ("public.update_job_progress(%(unknown)s, 50)", "P0002", "not found"),
    ("public.complete_job(%(job)s, 'https://cdn.example.com/o.mp4')", "55000", "only a processing job can be completed"),
    ("public.complete_job(%(job)s, 'file:///tmp/o.mp4')", "22023", "p_result_url must be an http(s):// or s3:// URL"),
    ("public.complete_job(%(job)s, null)", "22023", "p_result_url"),
    ("public.complete_job(%(job)s, 'https://c.io/o.mp4', -1)", "22023", "p_file_size_bytes must be >= 0, got -1"),
    ("public.complete_job(%(job)s, 'https://c.io/o.mp4', 1, 'b')", "22023", "p_s3_bucket"),
    ("public.complete_job(%(job)s, 'https://c.io/o.mp4', 1, null, 'key')", "22023", "p_s3_key needs p_s3_bucket"),
    ("public.complete_job(%(job)s, 'https://c.io/o.mp4', 1, null, null, now() - interval '1 day')", "22023", "p_expires_at must be in the future"),
    ("public.complete_job(%(unknown)s, 'https://c.io/o.mp4')", "P0002", "not found"),
])
def test_worker_status_functions_reject_bad_input_and_write_nothing(rdb, call, sqlstate, message):
    job_id = new_job(rdb)
    before = (render_counts(rdb), job(rdb, job_id))
    with expect_error(rdb, sqlstate) as info:
        rdb.execute(f"select {call}", {"job": job_id, "unknown": str(uuid.uuid4())})
    assert message in str(info.value)
    assert (render_counts(rdb), job(rdb, job_id)) == before


def test_progress_never_goes_back_and_finished_jobs_stay_finished(rdb):
    job_id = new_job(rdb, status="processing")
    rdb.execute("select public.update_job_progress(%s, 60)", (job_id,))
    with expect_error(rdb, "55000") as info:
        rdb.execute("select public.update_job_progress(%s, 59)", (job_id,))
    assert "below the current progress 60" in str(info.value)
    rdb.execute("select public.update_job_status(%s, 'failed', 'encoder crashed', 'E_ENC')", (job_id,))
    j = job_dict(rdb, job_id)
    assert (j["status"], j["error_message"], j["error_code"]) == ("failed", "encoder crashed", "E_ENC")
    for call in ("public.update_job_status(%s, 'processing')", "public.update_job_status(%s, 'cancelled')",
                 "public.complete_job(%s, 'https://c.io/o.mp4')", "public.cancel_job(%s)",
                 "public.update_job_progress(%s, 70)"):
        with expect_error(rdb, "55000"):
            rdb.execute(f"select {call}", (job_id,))
    assert job_dict(rdb, job_id)["status"] == "failed"


def test_cancel_job(rdb):
    pending = new_job(rdb)
    processing = new_job(rdb, status="processing")
    rdb.execute("select public.cancel_job(%s)", (pending,))
    rdb.execute("select public.cancel_job(%s, 'user closed the tab')", (processing,))
    a, b = job_dict(rdb, pending), job_dict(rdb, processing)
    assert (a["status"], a["error_code"], a["error_message"]) == ("cancelled", "CANCELLED", "cancelled")
    assert (b["status"], b["error_message"]) == ("cancelled", "user closed the tab")
    assert a["started_at"] is None and a["completed_at"] is not None
    with expect_error(rdb, "55000") as info:
        rdb.execute("select public.cancel_job(%s)", (pending,))
    assert "already cancelled" in str(info.value)
    with expect_error(rdb, "22023"):
        rdb.execute("select public.cancel_job(null)")
    with expect_error(rdb, "22023"):
        rdb.execute("select public.cancel_job(%s, repeat('x', 1001))", (new_job(rdb),))


def test_timeout_stale_jobs(rdb):
    fresh_pending = new_job(rdb)
    old_pending = new_job(rdb, created_ago="2 days")
    busy = new_job(rdb, status="processing", created_ago="3 hours")
    stale = new_job(rdb, status="processing", created_ago="3 hours")
    rdb.execute("update public.jobs set started_at = now() - interval '2 hours' where id in (%s, %s)", (busy, stale))
    # busy reported a step 5 minutes ago; stale's last step finished an hour ago.
    rdb.execute("insert into public.processing_timeline (job_id, step, started_at) "
                "values (%s, 'encoding', now() - interval '5 minutes')", (busy,))
    rdb.execute("insert into public.processing_timeline (job_id, step, started_at, finished_at, success) "
                "values (%s, 'download', now() - interval '70 minutes', now() - interval '60 minutes', true)", (stale,))
    done = new_job(rdb, status="completed", created_ago="3 days")
    assert scalar(rdb, "select public.timeout_stale_jobs()") == 2
    status = dict(rdb.execute("select id::text, status::text from public.jobs").fetchall())
    assert (status[fresh_pending], status[old_pending], status[busy], status[stale], status[done]) == (
        "pending", "timeout", "processing", "timeout", "completed")
    assert job_dict(rdb, stale)["error_message"] == "no processing activity for 00:30:00"
    assert job_dict(rdb, old_pending)["error_code"] == "TIMEOUT"
    # With shorter limits busy is stale too; fresh_pending was created at the transaction's start (age 0).
    assert scalar(rdb, "select public.timeout_stale_jobs(interval '1 minute', interval '1 minute')") == 1
    for bad in ("interval '0'", "null", "interval '-1 hour'"):
        with expect_error(rdb, "22023"):
            rdb.execute(f"select public.timeout_stale_jobs({bad})")
        with expect_error(rdb, "22023"):
            rdb.execute(f"select public.timeout_stale_jobs(interval '1 hour', {bad})")


def test_calculate_job_progress_and_duration(rdb):
    job_id = new_job(rdb, created_ago="1 minute")
    assert scalar(rdb, "select public.calculate_job_progress(%s)", (job_id,)) == 0
    assert scalar(rdb, "select public.calculate_job_duration(%s)", (job_id,)) is None
    for step, ok in (("validation", True), ("download", True), ("processing", False), ("download", True)):
        rdb.execute("insert into public.processing_timeline (job_id, step, finished_at, success, error_message) "
                    "values (%s, %s, clock_timestamp(), %s, case when %s then null else 'x' end)", (job_id, step, ok, ok))
    # validation 5 + download 15 (counted once); the failed step counts nothing.
    assert scalar(rdb, "select public.calculate_job_progress(%s)", (job_id,)) == 20
    rdb.execute("update public.jobs set status = 'processing', started_at = now() - interval '2 seconds' where id = %s",
                (job_id,))
    assert scalar(rdb, "select public.calculate_job_duration(%s)", (job_id,)) >= 2000
    done = new_job(rdb, status="completed")
    rdb.execute("update public.jobs set started_at = created_at, completed_at = created_at + interval '1.5 seconds' "
                "where id = %s", (done,))
    assert scalar(rdb, "select public.calculate_job_progress(%s)", (done,)) == 100
    assert scalar(rdb, "select public.calculate_job_duration(%s)", (done,)) == 1500
    for fn in ("calculate_job_progress", "calculate_job_duration"):
        with expect_error(rdb, "P0002"):
            rdb.execute(f"select public.{fn}(%s)", (str(uuid.uuid4()),))
        with expect_error(rdb, "22023"):
            rdb.execute(f"select public.{fn}(null)")
        # RLS applies: another caller's job is not found.
        with api(rdb, "anon", ip=IP_B):
            with expect_error(rdb, "P0002"):
                rdb.execute(f"select public.{fn}(%s)", (job_id,))
