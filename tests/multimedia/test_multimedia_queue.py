"""mm_rendering_queue: enqueue, claim (priority, run_after, job types, leases), heartbeat, complete, fail with
retry and max attempts, who may do what, and the notification workers listen to."""

from __future__ import annotations

import json

import psycopg
import pytest
from psycopg.types.json import Jsonb

from content_helpers import (
    as_member, create_content, create_session, fails, make_company, rpc, rpc_value, snapshot_rows,
)
from helpers import acting_as, raises_sqlstate

NIL = "00000000-0000-0000-0000-000000000000"


@pytest.fixture
def session(cm, acme):
    return create_session(cm, create_content(cm, acme))


def enqueue(conn, session_id, job_type="module_video", **params) -> str:
    return rpc_value(conn, "enqueue_rendering_job", p_session_id=session_id, p_job_type=job_type, **params)


def claim(conn, worker="w1", **params) -> dict | None:
    rows = rpc(conn, "claim_rendering_job", p_worker_id=worker, **params)
    assert len(rows) <= 1
    return rows[0] if rows else None


def state(conn, job_id) -> dict:
    return dict(zip(
        ("status", "attempts", "locked_by", "last_error", "result", "completed_at", "run_after_in_future"),
        conn.execute("select status, attempts, locked_by, last_error, result, completed_at, "
                     "run_after > clock_timestamp() from public.mm_rendering_queue where job_id = %s",
                     (job_id,)).fetchone()))


def test_enqueue_by_a_member_and_claim_in_priority_order(cm, acme, session):
    urgent = enqueue(cm, session, p_priority=10)  # the backend may prioritize
    with as_member(cm, acme):
        first = enqueue(cm, session, p_payload={"resolution": "1080p"})
        second = enqueue(cm, session, "section_video")
        low = rpc_value(cm, "enqueue_rendering_job", p_session_id=session, p_job_type="module_video")
        row = cm.execute("select company_id::text, status, priority, attempts, max_attempts, payload "
                         "from public.mm_rendering_queue where job_id = %s", (first,)).fetchone()
        assert row == (acme, "queued", 0, 0, 3, {"resolution": "1080p"})
        with acting_as(cm, "service_role"):
            cm.execute("update public.mm_rendering_queue set priority = -5 where job_id = %s", (low,))
            got = [claim(cm, f"w{i}") for i in range(5)]
            assert [str(g["job_id"]) for g in got[:4]] == [urgent, first, second, low]  # priority, then FIFO
            assert got[4] is None
            g = got[0]
            assert (g["status"], g["attempts"], g["locked_by"]) == ("running", 1, "w0")
            assert g["locked_until"] > g["heartbeat_at"] == g["started_at"]


def test_claim_respects_run_after_and_job_types(cm, session):
    later = enqueue(cm, session, p_run_after="2999-01-01T00:00:00Z")
    thumb = enqueue(cm, session, "thumbnail")
    video = enqueue(cm, session, "module_video")
    with acting_as(cm, "service_role"):
        assert str(claim(cm, p_job_types=["thumbnail"])["job_id"]) == thumb
        assert claim(cm, p_job_types=["slides_pdf"]) is None
        assert str(claim(cm)["job_id"]) == video
        assert claim(cm) is None
        assert state(cm, later)["status"] == "queued"


def test_heartbeat_complete_and_fail_with_retry(cm, session):
    a, b = enqueue(cm, session), enqueue(cm, session, p_max_attempts=2)
    with acting_as(cm, "service_role"):
        assert str(claim(cm, "w1")["job_id"]) == a
        until = rpc_value(cm, "heartbeat_rendering_job", p_job_id=a, p_worker_id="w1", p_lease_seconds=600)
        assert until == cm.execute("select locked_until from public.mm_rendering_queue where job_id = %s",
                                   (a,)).fetchone()[0]
        assert "not running for worker 'w2'" in fails(cm, "55000", "heartbeat_rendering_job", p_job_id=a,
                                                      p_worker_id="w2")
        done = rpc(cm, "complete_rendering_job", p_job_id=a, p_worker_id="w1", p_result={"asset_id": NIL})[0]
        assert (done["status"], done["result"], done["locked_by"], done["locked_until"]) == (
            "completed", {"asset_id": NIL}, None, None)
        assert done["completed_at"] is not None
        fails(cm, "55000", "complete_rendering_job", p_job_id=a, p_worker_id="w1")
        fails(cm, "55000", "fail_rendering_job", p_job_id=a, p_worker_id="w1", p_error="late")

        assert str(claim(cm, "w1")["job_id"]) == b
        row = rpc(cm, "fail_rendering_job", p_job_id=b, p_worker_id="w1", p_error="encoder crashed")[0]
        assert (row["status"], row["last_error"], row["locked_by"], row["completed_at"]) == (
            "queued", "encoder crashed", None, None)
        assert state(cm, b)["run_after_in_future"]  # default backoff: 30 s
        assert claim(cm, "w2") is None
        cm.execute("update public.mm_rendering_queue set run_after = clock_timestamp() where job_id = %s", (b,))
        assert claim(cm, "w2")["attempts"] == 2
        row = rpc(cm, "fail_rendering_job", p_job_id=b, p_worker_id="w2", p_error="again", p_retry_delay_seconds=0)[0]
        assert (row["status"], row["attempts"], row["last_error"]) == ("failed", 2, "again")  # out of attempts
        assert row["completed_at"] is not None


def test_fail_without_retry_and_immediate_retry(cm, session):
    a, b = enqueue(cm, session), enqueue(cm, session)
    with acting_as(cm, "service_role"):
        claim(cm, "w1"), claim(cm, "w2")
        assert rpc(cm, "fail_rendering_job", p_job_id=a, p_worker_id="w1", p_error="bad input file",
                   p_retry=False)[0]["status"] == "failed"
        assert rpc(cm, "fail_rendering_job", p_job_id=b, p_worker_id="w2", p_error="timeout",
                   p_retry_delay_seconds=0)[0]["status"] == "queued"
        again = claim(cm, "w3")
        assert (str(again["job_id"]), again["attempts"], again["last_error"]) == (b, 2, "timeout")


def test_an_expired_lease_hands_the_job_to_another_worker(cm, session):
    a = enqueue(cm, session, p_max_attempts=2)
    with acting_as(cm, "service_role"):
        assert str(claim(cm, "crashed", p_lease_seconds=60)["job_id"]) == a
        assert claim(cm, "w2") is None  # leased
        cm.execute("update public.mm_rendering_queue set locked_until = clock_timestamp() - interval '1 second' "
                   "where job_id = %s", (a,))
        # the first worker is still the holder until someone takes the job over
        rpc_value(cm, "heartbeat_rendering_job", p_job_id=a, p_worker_id="crashed", p_lease_seconds=1)
        cm.execute("update public.mm_rendering_queue set locked_until = clock_timestamp() - interval '1 second' "
                   "where job_id = %s", (a,))
        taken = claim(cm, "w2")
        assert (str(taken["job_id"]), taken["attempts"], taken["locked_by"]) == (a, 2, "w2")
        assert "lease of worker crashed expired" in taken["last_error"]
        fails(cm, "55000", "complete_rendering_job", p_job_id=a, p_worker_id="crashed")
        # out of attempts: an expired lease fails the job instead
        cm.execute("update public.mm_rendering_queue set locked_until = clock_timestamp() - interval '1 second' "
                   "where job_id = %s", (a,))
        assert claim(cm, "w3") is None
        st = state(cm, a)
        assert (st["status"], st["attempts"], st["locked_by"]) == ("failed", 2, None)
        assert "lease of worker w2 expired" in st["last_error"] and "attempt 2 of 2" in st["last_error"]


def test_enqueue_rejects_bad_input(cm, acme, session):
    other = make_company(cm, "Globex")
    theirs = create_session(cm, create_content(cm, other))
    with as_member(cm, acme):
        before = snapshot_rows(cm, ["mm_rendering_queue"])
        for params, sqlstate, fragment in [
            ({"p_job_type": "Module Video"}, "22023", "p_job_type"),
            ({"p_job_type": None}, "22023", "p_job_type"),
            ({"p_payload": Jsonb([1])}, "22023", "p_payload"),
            ({"p_priority": 101}, "22023", "p_priority must be between -100 and 100"),
            ({"p_max_attempts": 0}, "22023", "p_max_attempts"),
            ({"p_session_id": None}, "22023", "p_session_id"),
            ({"p_priority": 5}, "42501", "for the backend"),
            ({"p_session_id": NIL}, "P0002", "not found"),
            ({"p_session_id": theirs}, "P0002", "not found"),
        ]:
            assert fragment in fails(cm, sqlstate, "enqueue_rendering_job",
                                     **{"p_session_id": session, "p_job_type": "module_video", **params})
        assert snapshot_rows(cm, ["mm_rendering_queue"]) == before


def test_worker_functions_reject_bad_input(cm, session):
    a = enqueue(cm, session)
    with acting_as(cm, "service_role"):
        before = snapshot_rows(cm, ["mm_rendering_queue"])
        fails(cm, "22023", "claim_rendering_job", p_worker_id=" ")
        fails(cm, "22023", "claim_rendering_job", p_worker_id="w", p_lease_seconds=0)
        fails(cm, "22023", "heartbeat_rendering_job", p_job_id=a, p_worker_id="w", p_lease_seconds=None)
        fails(cm, "22023", "heartbeat_rendering_job", p_job_id=None, p_worker_id="w")
        fails(cm, "P0002", "heartbeat_rendering_job", p_job_id=NIL, p_worker_id="w")
        fails(cm, "55000", "heartbeat_rendering_job", p_job_id=a, p_worker_id="w")  # queued, nobody's
        fails(cm, "22023", "complete_rendering_job", p_job_id=a, p_worker_id="w", p_result=Jsonb("ok"))
        fails(cm, "22023", "fail_rendering_job", p_job_id=a, p_worker_id="w", p_error="")
        fails(cm, "22023", "fail_rendering_job", p_job_id=a, p_worker_id="w", p_error="x", p_retry_delay_seconds=-1)
        fails(cm, "P0002", "fail_rendering_job", p_job_id=NIL, p_worker_id="w", p_error="x")
        assert snapshot_rows(cm, ["mm_rendering_queue"]) == before


def test_users_and_anon_cannot_work_the_queue(cm, acme, session):
    a = enqueue(cm, session)
    with as_member(cm, acme):
        assert [r[0] for r in cm.execute("select job_id::text from public.mm_rendering_queue")] == [a]
        fails(cm, "42501", "claim_rendering_job", p_worker_id="me")
        fails(cm, "42501", "complete_rendering_job", p_job_id=a, p_worker_id="me")
        with raises_sqlstate("42501"), cm.transaction():
            cm.execute("update public.mm_rendering_queue set priority = 100")
    with acting_as(cm, "anon"):
        fails(cm, "42501", "enqueue_rendering_job", p_session_id=session, p_job_type="module_video")
        fails(cm, "42501", "claim_rendering_job", p_worker_id="me")


def test_a_queued_job_notifies_listening_workers(db, db_url):
    session = create_session(db, create_content(db, make_company(db)))
    db.commit()
    with psycopg.connect(db_url, autocommit=True) as listener:
        listener.execute("listen mm_rendering_queue")
        job_id = enqueue(db, session, "thumbnail")
        db.commit()
        note = next(listener.notifies(timeout=5, stop_after=1))
        assert json.loads(note.payload)["job_id"] == job_id
        assert json.loads(note.payload)["job_type"] == "thumbnail"
        claim(db, "w1")
        rpc(db, "fail_rendering_job", p_job_id=job_id, p_worker_id="w1", p_error="x", p_retry_delay_seconds=0)
        db.commit()  # requeued for a retry: notified again
        assert json.loads(next(listener.notifies(timeout=5, stop_after=1)).payload)["job_id"] == job_id


NEXT_JOB = """explain (analyze, buffers, format json)
select job_id from public.mm_rendering_queue
where status = 'queued' and run_after <= clock_timestamp()
order by priority desc, run_after, created_at limit 1 for update skip locked"""


def next_job_blocks(conn) -> int:
    """Buffers the claim's search for the next job reads (its query, as in claim_rendering_job)."""
    with conn.transaction(force_rollback=True):
        plan = conn.execute(NEXT_JOB).fetchone()[0][0]["Plan"]
    return plan["Shared Hit Blocks"] + plan["Shared Read Blocks"]


def test_vacuum_clears_what_claims_leave_in_front_of_the_next_claim_whatever_the_history(db, db_url):
    session = create_session(db, create_content(db, make_company(db)))
    db.commit()
    with psycopg.connect(db_url, autocommit=True) as conn:
        # a long history (100,000 finished jobs) and 2,000 queued ones
        conn.execute("""insert into public.mm_rendering_queue (session_id, company_id, job_type, status, attempts,
                            completed_at)
                        select session_id, company_id, 'module_video', 'completed', 1, now()
                        from public.mm_multimedia_sessions, generate_series(1, 100000) where session_id = %s""",
                     (session,))
        conn.execute("""insert into public.mm_rendering_queue (session_id, company_id, job_type)
                        select session_id, company_id, 'module_video'
                        from public.mm_multimedia_sessions, generate_series(1, 2000) where session_id = %s""",
                     (session,))
        conn.execute("vacuum analyze public.mm_rendering_queue")
        fresh = next_job_blocks(conn)
        assert conn.execute("select count(*) from generate_series(1, 1000), "
                            "public.claim_rendering_job('w' || generate_series)").fetchone()[0] == 1000
        # the claimed jobs' old index entries lie ahead of the next job: each claim walks them
        assert next_job_blocks(conn) > fresh
        # a vacuum that touches a small part of a large table skips the indexes by default
        # (vacuum_index_cleanup = auto); this table's setting makes it remove them
        conn.execute("vacuum public.mm_rendering_queue")
        assert next_job_blocks(conn) <= fresh
        options = conn.execute("select reloptions from pg_class where oid = 'public.mm_rendering_queue'::regclass"
                               ).fetchone()[0]
        assert {"autovacuum_vacuum_scale_factor=0", "vacuum_index_cleanup=on"} <= set(options)


def test_a_worker_may_claim_and_finish_by_company(cm, acme, globex, session):
    """p_company_id: the claim takes the company's jobs only, and the worker functions find the job by its whole
    key (docs/multimedia.md, "Distribution")."""
    theirs = enqueue(cm, create_session(cm, create_content(cm, globex)), p_priority=100)
    ours = enqueue(cm, session)
    with acting_as(cm, "service_role"):
        assert str(claim(cm, "w1", p_company_id=acme)["job_id"]) == ours
        assert claim(cm, "w1", p_company_id=acme) is None
        fails(cm, "P0002", "complete_rendering_job", p_job_id=ours, p_worker_id="w1", p_company_id=globex)
        assert rpc(cm, "complete_rendering_job", p_job_id=ours, p_worker_id="w1",
                   p_company_id=acme)[0]["status"] == "completed"
        assert state(cm, theirs)["status"] == "queued"


def test_a_member_enqueues_directly_only_a_new_job_of_its_company_at_priority_0(cm, acme, globex, session):
    """enqueue_rendering_job is security invoker: the queue's column grants and insert policy say what a
    signed-in user may enqueue, for the function and for a direct insert alike."""
    theirs = create_session(cm, create_content(cm, globex))
    insert = "insert into public.mm_rendering_queue (session_id, company_id, job_type{}) values (%s, %s, 'x'{})"
    with as_member(cm, acme):
        cm.execute(insert.format("", ""), (session, acme))
        for sql, params in [(insert.format(", priority", ", 5"), (session, acme)),
                            (insert.format(", status", ", 'running'"), (session, acme)),
                            (insert.format(", attempts", ", 2"), (session, acme)),
                            (insert.format("", ""), (theirs, globex))]:
            with raises_sqlstate("42501"), cm.transaction():
                cm.execute(sql, params)
        with raises_sqlstate("23503"), cm.transaction():  # the session must be of the job's company
            cm.execute(insert.format("", ""), (theirs, acme))
        assert cm.execute("select count(*) from public.mm_rendering_queue").fetchone()[0] == 1
    assert cm.execute("select prosecdef from pg_proc where proname = 'enqueue_rendering_job'").fetchone() == (False,)
