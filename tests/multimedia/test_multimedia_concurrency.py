"""Concurrency: session counters under concurrent asset registration, and the rendering queue under several
concurrent workers. Each thread has its own connection and commits, as the real clients do."""

from __future__ import annotations

import threading
from collections import Counter

import psycopg

from content_helpers import (
    counters, create_content, create_session, make_company, member_claims, register, rpc, rpc_value, true_counts,
)
from helpers import new_user, set_identity

KINDS = ["video", "audio", "slide", "script", "slide", "thumbnail"]


def run_threads(target, n: int) -> list[BaseException]:
    """Run ``target(i, barrier)`` in n threads started together; returns their exceptions."""
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []

    def wrapped(i):
        try:
            target(i, barrier)
        except BaseException as exc:  # noqa: BLE001 (reported by the test)
            errors.append(exc)

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


def test_counters_stay_exact_under_concurrent_registration(db, db_url):
    company = make_company(db)
    session = create_session(db, create_content(db, company))
    db.commit()
    per_thread = 12

    def client(i, barrier):
        with psycopg.connect(db_url) as conn:
            barrier.wait()
            for k in range(per_thread):
                with conn.transaction():
                    set_identity(conn, "authenticated", new_user(), **member_claims(company))
                    if i % 4 == 3 and k % 4 == 0:  # some clients register in bulk
                        rpc(conn, "register_multimedia_assets", p_session_id=session, p_assets=[
                            {"asset_type": kind, "asset_name": f"t{i}_{k}_{j}.bin"} for j, kind in enumerate(KINDS)])
                    else:
                        register(conn, session, KINDS[(i + k) % len(KINDS)], p_status="failed" if k == 5 else "generated")
                    if k == 7:  # and some mark an earlier asset failed meanwhile
                        conn.execute("update public.mm_multimedia_assets set status = 'failed' where asset_id = ("
                                     "select asset_id from public.mm_multimedia_assets where session_id = %s "
                                     "and status <> 'failed' order by created_at limit 1 for update skip locked)",
                                     (session,))

    errors = run_threads(client, 8)
    assert errors == []
    db.rollback()
    assert db.execute("select count(*) from public.mm_multimedia_assets where session_id = %s",
                      (session,)).fetchone()[0] > 8 * per_thread
    assert counters(db, session) == true_counts(db, session)


def test_registration_racing_completion_is_either_counted_or_refused(db, db_url):
    company = make_company(db)
    session = create_session(db, create_content(db, company))
    db.commit()
    outcome = Counter()

    def client(i, barrier):
        with psycopg.connect(db_url, autocommit=True) as conn:
            barrier.wait()
            if i == 0:
                rpc(conn, "update_session_status", p_session_id=session, p_status="completed")
                return
            for _ in range(10):
                try:
                    register(conn, session, "video")
                    outcome["registered"] += 1
                except psycopg.errors.ObjectNotInPrerequisiteState:
                    outcome["refused"] += 1

    assert run_threads(client, 5) == []
    db.rollback()
    assert counters(db, session) == true_counts(db, session) == (outcome["registered"], 0, 0, outcome["registered"])
    assert outcome["registered"] + outcome["refused"] == 40
    assert db.execute("select status from public.mm_multimedia_sessions where session_id = %s",
                      (session,)).fetchone()[0] == "completed"


def test_every_job_is_claimed_exactly_once(db, db_url):
    workers = 8
    session = create_session(db, create_content(db, make_company(db)))
    jobs = [rpc_value(db, "enqueue_rendering_job", p_session_id=session, p_job_type="module_video",
                      p_payload={"flaky": n % 10 == 0}, p_priority=n % 3) for n in range(120)]
    db.commit()
    claims: list[tuple[str, int, str]] = []
    lock = threading.Lock()

    def worker(i, barrier):
        name = f"worker-{i}"
        with psycopg.connect(db_url) as conn:
            barrier.wait()
            while True:
                with conn.transaction():
                    set_identity(conn, "service_role")
                    rows = rpc(conn, "claim_rendering_job", p_worker_id=name, p_lease_seconds=60)
                if not rows:
                    return
                job = rows[0]
                with lock:
                    claims.append((str(job["job_id"]), job["attempts"], name))
                with conn.transaction():
                    set_identity(conn, "service_role")
                    if job["payload"]["flaky"] and job["attempts"] == 1:  # fails once, retried by anyone
                        rpc(conn, "fail_rendering_job", p_job_id=job["job_id"], p_worker_id=name, p_error="flaky",
                            p_retry_delay_seconds=0)
                    else:
                        rpc(conn, "complete_rendering_job", p_job_id=job["job_id"], p_worker_id=name,
                            p_result={"by": name})

    assert run_threads(worker, workers) == []
    flaky = {j for n, j in enumerate(jobs) if n % 10 == 0}
    per_attempt = Counter((job_id, attempt) for job_id, attempt, _ in claims)
    assert max(per_attempt.values()) == 1, "a job attempt was claimed twice"
    assert Counter(job_id for job_id, _, _ in claims) == {j: 2 if j in flaky else 1 for j in jobs}
    db.rollback()
    rows = db.execute("select status, attempts, count(*) from public.mm_rendering_queue group by 1, 2 order by 2"
                      ).fetchall()
    assert rows == [("completed", 1, len(jobs) - len(flaky)), ("completed", 2, len(flaky))]
    assert len({name for _, _, name in claims}) > 1  # the work was shared
