"""Following a render job live (video-platform-database.md, "Real-time Subscriptions", subscribeToJobStatus) as
an anonymous caller: Realtime Broadcast from the database. Supabase Realtime evaluates postgres_changes without
request headers, so the anonymous rule (the caller's address) never matches there; an anonymous job's status
changes are therefore sent with realtime.send on the public topic render_job:<job id>. On plain PostgreSQL the
platform's stand-in for realtime.send delivers them with pg_notify on the topic, which these tests listen to."""

from __future__ import annotations

import json
import uuid

import psycopg

from helpers import set_identity
from render_helpers import IP_A, api, new_job, scalar, set_headers


def broadcasts(listener, timeout: float = 2) -> list[dict]:
    return [{"topic": n.channel, **json.loads(n.payload)} for n in listener.notifies(timeout=timeout)]


def test_an_anonymous_jobs_changes_are_broadcast_on_its_topic(db, db_url):
    anonymous, users = new_job(db), new_job(db, user_id=str(uuid.uuid4()))
    db.commit()
    with psycopg.connect(db_url, autocommit=True) as listener:
        for job in (anonymous, users):
            listener.execute(f'listen "render_job:{job}"')
        for job in (anonymous, users):
            step = scalar(db, "select public.start_processing_step(%s, 'validation')", (job,))
            db.execute("select public.complete_processing_step(%s)", (step,))
        db.execute("update public.jobs set metadata = '{\"no\": \"broadcast\"}' where id = %s", (anonymous,))
        db.commit()
        # The creator cancels, as PostgREST runs its request (one committed transaction): broadcast too.
        set_identity(db, "anon")
        set_headers(db, IP_A)
        db.execute("select public.cancel_job(%s)", (anonymous,))
        db.commit()
        got = broadcasts(listener)
    # Only the anonymous job's topic; a signed-in user's job is followed through postgres_changes and RLS.
    assert {g["topic"] for g in got} == {f"render_job:{anonymous}"}
    assert [(g["event"], g["private"]) for g in got] == [("job_status", False)] * 3
    assert [g["payload"] for g in got] == [
        {"id": anonymous, "status": "processing", "progress_percentage": 0, "current_step": "validation"},
        {"id": anonymous, "status": "processing", "progress_percentage": 5, "current_step": "validation"},
        {"id": anonymous, "status": "cancelled", "progress_percentage": 5, "current_step": "validation"},
    ]


def test_a_failed_broadcast_is_a_warning_and_the_update_goes_on(db):
    """Like Supabase's realtime.send, the stand-in turns a failure into a warning (here: a topic longer than a
    notification channel may be)."""
    warnings = []
    db.add_notice_handler(lambda diag: warnings.append((diag.severity_nonlocalized, diag.message_primary)))
    db.execute("select realtime.send('{}', 'job_status', repeat('x', 100), false)")
    assert [w for w in warnings if w[0] == "WARNING"] == [
        ("WARNING", "ErrorSendingBroadcastMessage: channel name too long")]


def test_on_supabase_the_broadcast_goes_through_supabases_realtime_send(supabase_db_url):
    """On the Supabase-shaped database (Supabase's own realtime.send, which writes realtime.messages, from which
    Realtime broadcasts), the package created nothing in realtime, and an anonymous job's update, made by the
    worker through the API role, becomes a public broadcast message on the job's topic."""
    with psycopg.connect(supabase_db_url) as conn:
        assert scalar(conn, "select count(*) from dreamcut_private.package_owned_objects "
                            "where name like 'realtime%%' or kind = 'schema'") == 0
        anonymous, users = new_job(conn), new_job(conn, user_id=str(uuid.uuid4()))
        with api(conn, "service_role"):  # rolled back at the end of the block
            for job in (anonymous, users):
                conn.execute("select public.start_processing_step(%s, 'validation')", (job,))
            got = conn.execute("select topic, event, private, payload from realtime.messages").fetchall()
    assert got == [(f"render_job:{anonymous}", "job_status", False, {
        "id": anonymous, "status": "processing", "progress_percentage": 0, "current_step": "validation"})]
