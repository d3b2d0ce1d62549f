"""Triggers of the render module (video-platform-database.md, "Comprehensive triggers for validation and
real-time updates"): status transitions, fixed canvas, progress, element canvas and timeline, updated_at,
pg_notify payloads and the supabase_realtime publication."""

from __future__ import annotations

import json

import psycopg
import pytest

from render_helpers import count, expect_error, new_job, scalar

STATUSES = ["pending", "processing", "completed", "failed", "cancelled", "timeout"]
#: The forward moves; every other change of status is refused with 55000.
ALLOWED = {
    ("pending", "processing"), ("pending", "failed"), ("pending", "cancelled"), ("pending", "timeout"),
    ("processing", "completed"), ("processing", "failed"), ("processing", "cancelled"), ("processing", "timeout"),
}


def move(conn, job_id, status):
    conn.execute(
        "update public.jobs set status = %s, error_message = coalesce(error_message, 'x'), "
        "result_url = coalesce(result_url, 'https://c.io/o.mp4') where id = %s", (status, job_id))


@pytest.mark.parametrize("old", STATUSES)
def test_status_only_moves_forward_and_finished_jobs_stay_finished(rdb, old):
    for new in STATUSES:
        if new == old:
            continue
        job_id = new_job(rdb, status=old)
        if (old, new) in ALLOWED:
            move(rdb, job_id, new)
            row = rdb.execute("select status::text, started_at, completed_at, progress_percentage from public.jobs "
                              "where id = %s", (job_id,)).fetchone()
            assert row[0] == new
            if new == "processing":
                assert row[1] is not None and row[2] is None
            else:
                assert row[2] is not None
            if new == "completed":
                assert row[3] == 100
        else:
            with expect_error(rdb, "55000") as info:
                move(rdb, job_id, new)
            text = str(info.value)
            assert ("a finished job keeps its status" in text) or ("status only moves forward" in text), text


def test_progress_and_canvas_rules(rdb):
    job_id = new_job(rdb)
    with expect_error(rdb, "55000") as info:
        rdb.execute("update public.jobs set progress_percentage = 10 where id = %s", (job_id,))
    assert "can only change while it is processing" in str(info.value)
    move(rdb, job_id, "processing")
    rdb.execute("update public.jobs set progress_percentage = 30 where id = %s", (job_id,))
    with expect_error(rdb, "55000") as info:
        rdb.execute("update public.jobs set progress_percentage = 20 where id = %s", (job_id,))
    assert "progress cannot go back from 30 to 20" in str(info.value)
    for change in ("width = 1280", "height = 720", "fps = 60", "output_format = 'webm'", "duration_seconds = 5"):
        with expect_error(rdb, "55000") as info:
            rdb.execute(f"update public.jobs set {change} where id = %s", (job_id,))
        assert "keeps the output format, dimensions, fps and duration" in str(info.value)
    with expect_error(rdb, "55000"):
        rdb.execute("update public.jobs set id = gen_random_uuid() where id = %s", (job_id,))
    # Other columns (metadata, expiry) may change, also once finished.
    move(rdb, job_id, "completed")
    rdb.execute("update public.jobs set metadata = '{\"archived\": true}', expires_at = now() + interval '1 day' "
                "where id = %s", (job_id,))
    with expect_error(rdb, "55000"):
        rdb.execute("update public.jobs set progress_percentage = 99 where id = %s", (job_id,))


@pytest.mark.parametrize("values,sqlstate", [
    ("'mp4', 1921, 1080", "23514"),      # odd width for mp4
    ("'mp4', 8, 1080", "23514"),         # below 16 px
    ("'mp4', 1920, 10000", "23514"),     # above 8192 px
    ("'avi', 1920, 1080", "23514"),      # unknown format
])
def test_job_constraints(rdb, values, sqlstate):
    with expect_error(rdb, sqlstate):
        rdb.execute(f"insert into public.jobs (output_format, width, height) values ({values})")


def test_job_status_and_timestamp_constraints(rdb):
    job_id = new_job(rdb, created_ago="1 hour")
    for sql in (
        "update public.jobs set started_at = created_at - interval '1 second' where id = %s",
        "update public.jobs set completed_at = now() where id = %s",             # pending with completed_at
        "update public.jobs set expires_at = created_at where id = %s",
    ):
        with expect_error(rdb, "23514"):
            rdb.execute(sql, (job_id,))
    with expect_error(rdb, "23514"):
        # completed needs a result URL
        rdb.execute("insert into public.jobs (output_format, width, height, status, started_at, completed_at, "
                    "progress_percentage) values ('mp4', 640, 360, 'completed', now(), now(), 100)")
    with expect_error(rdb, "23514"):
        # failed needs an error message
        rdb.execute("insert into public.jobs (output_format, width, height, status, completed_at) "
                    "values ('mp4', 640, 360, 'failed', now())")


@pytest.mark.parametrize("columns,message", [
    ("position_x => 1900, width => 40", "width must be between 1 and 20 px"),
    ("position_x => 1920", "position_x must be between 0 and 1919"),
    ("position_y => 1000, height => 100", "height must be between 1 and 80 px"),
    ("start_time => 9, duration => 2", "start_time + duration must be <= the job's 10 s timeline"),
    ("start_time => 10", "start_time must be before the end of the job's 10 s timeline"),
])
def test_element_trigger_keeps_elements_inside_canvas_and_timeline(rdb, columns, message):
    job_id = new_job(rdb, duration=10)
    cols = dict(c.split(" => ") for c in columns.split(", "))
    names = ", ".join(["job_id", "type", "source_url", *cols])
    values = ", ".join(["%s", "'image'", "'https://c.io/a.png'", *cols.values()])
    with expect_error(rdb, "23514") as info:
        rdb.execute(f"insert into public.elements ({names}) values ({values})", (job_id,))
    assert message in str(info.value)
    assert count(rdb, "public.elements") == 0


def test_element_trigger_on_updates_and_job_state(rdb):
    job_id = new_job(rdb)
    element = scalar(rdb, "insert into public.elements (job_id, type, source_url, position_x, position_y) "
                          "values (%s, 'video', 'https://c.io/a.mp4', 100, 100) returning id", (job_id,))
    assert rdb.execute("select width, height from public.elements where id = %s", (element,)).fetchone() == (1820, 980)
    with expect_error(rdb, "23514"):
        rdb.execute("update public.elements set position_x = 200 where id = %s", (element,))
    with expect_error(rdb, "55000"):
        rdb.execute("update public.elements set job_id = %s where id = %s", (new_job(rdb), element))
    with expect_error(rdb, "23514"):
        # audio has no box
        rdb.execute("insert into public.elements (job_id, type, source_url, position_x) "
                    "values (%s, 'audio', 'https://c.io/a.mp3', 0)", (job_id,))
    move(rdb, job_id, "processing")
    with expect_error(rdb, "55000") as info:
        rdb.execute("insert into public.elements (job_id, type, source_url) values (%s, 'image', 'https://c.io/b.png')",
                    (job_id,))
    assert "can only be added or changed while it is pending" in str(info.value)
    with expect_error(rdb, "55000"):
        rdb.execute("update public.elements set layer_order = 3 where id = %s", (element,))
    # The processing status of a processing job's element can change.
    rdb.execute("update public.elements set processing_status = 'completed' where id = %s", (element,))


def test_updated_at_follows_updates(rdb):
    job_id = new_job(rdb)
    element = scalar(rdb, "insert into public.elements (job_id, type, source_url, updated_at) "
                          "values (%s, 'audio', 'https://c.io/a.mp3', now() - interval '1 day') returning id", (job_id,))
    rdb.execute("update public.jobs set updated_at = now() - interval '1 day', metadata = '{\"a\": 1}' where id = %s",
                (job_id,))
    assert scalar(rdb, "select updated_at = now() from public.jobs where id = %s", (job_id,))
    rdb.execute("update public.elements set metadata = '{\"b\": 2}' where id = %s", (element,))
    assert scalar(rdb, "select updated_at = now() from public.elements where id = %s", (element,))


def test_job_tables_are_in_the_realtime_publication(rdb):
    tables = {r[0] for r in rdb.execute(
        "select tablename from pg_publication_tables where pubname = 'supabase_realtime' and schemaname = 'public'")}
    assert {"jobs", "elements", "processing_timeline"} <= tables


def test_pg_notify_on_job_and_timeline_changes(db, db_url):
    job_id = new_job(db)
    db.commit()
    with psycopg.connect(db_url, autocommit=True) as listener:
        for channel in (f"jobs:{job_id}", "jobs", f"processing_timeline:{job_id}"):
            listener.execute(f'listen "{channel}"')
        db.execute("select public.start_processing_step(%s, 'validation')", (job_id,))
        db.execute("update public.jobs set metadata = '{\"no\": \"notify\"}' where id = %s", (job_id,))
        db.commit()
        db.execute("select public.update_job_progress(%s, 42)", (job_id,))
        db.commit()
        got = [(n.channel, json.loads(n.payload)) for n in listener.notifies(timeout=5, stop_after=5)]
    jobs = [p for c, p in got if c == f"jobs:{job_id}"]
    assert jobs == [
        {"id": job_id, "status": "processing", "progress_percentage": 0, "current_step": "validation"},
        {"id": job_id, "status": "processing", "progress_percentage": 42, "current_step": "validation"},
    ]
    assert [p for c, p in got if c == "jobs"] == jobs
    timeline = [p for c, p in got if c == f"processing_timeline:{job_id}"]
    assert len(timeline) == 1 and timeline[0]["step"] == "validation" and timeline[0]["finished"] is False
    # Payloads stay small: ids and status, never whole documents.
    assert all(len(json.dumps(p)) < 300 for _, p in got)


def test_no_pg_notify_when_dreamcut_notify_is_off(db, db_url):
    """dreamcut.notify = off (Supabase, where Realtime reads the publication; Citus) skips the module's pg_notify."""
    job_id = new_job(db)
    db.commit()
    with psycopg.connect(db_url, autocommit=True) as listener:
        for channel in (f"jobs:{job_id}", "jobs", f"processing_timeline:{job_id}"):
            listener.execute(f'listen "{channel}"')
        db.execute("set dreamcut.notify = off")
        db.execute("select public.start_processing_step(%s, 'validation')", (job_id,))
        db.execute("select public.update_job_progress(%s, 42)", (job_id,))
        new_job(db)
        db.commit()
        db.execute("reset dreamcut.notify")
        db.execute("select public.update_job_progress(%s, 43)", (job_id,))
        db.commit()
        got = [(n.channel, json.loads(n.payload)["progress_percentage"]) for n in listener.notifies(timeout=2)]
    assert got == [(f"jobs:{job_id}", 43), ("jobs", 43)]
