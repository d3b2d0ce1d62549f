"""Render workers racing on one job (video-platform-database.md, "Step-by-step processing"; issue 7).

Two workers finish different steps of the same job in separate transactions. complete_processing_step raises the
job's progress to calculate_job_progress; the second completion must count the first one's step once it has
committed, or the job's stored progress ends below what its committed timeline says (a lost update). The
interleaving is forced: the first worker's transaction stays open until the second is blocked on the job.
"""

from __future__ import annotations

import psycopg
import pytest

from helpers import in_background, set_identity, wait_until_blocked


@pytest.fixture
def conn(db):
    db.rollback()
    db.autocommit = True
    return db


@pytest.fixture
def workers(db_url):
    conns = [psycopg.connect(db_url) for _ in range(2)]  # autocommit off: one transaction per call
    yield conns
    for c in conns:
        c.close()


def test_concurrent_step_completions_both_count(conn, workers):
    with conn.transaction():
        set_identity(conn, "service_role")
        job = conn.execute("select public.create_job('mp4', 1920, 1080)").fetchone()[0]
        first, second = (conn.execute("select public.start_processing_step(%s, %s)", (job, step)).fetchone()[0]
                         for step in ("validation", "download"))
    one, two = workers
    with one.transaction():
        set_identity(one, "service_role")
        assert one.execute("select public.complete_processing_step(%s)", (first,)).fetchone()[0] == 5
        progress = []

        def complete_second():
            with two.transaction():
                set_identity(two, "service_role")
                progress.append(two.execute("select public.complete_processing_step(%s)", (second,)).fetchone()[0])
        join = in_background(complete_second)
        wait_until_blocked(conn, two.info.backend_pid)
    assert join() == "ok"
    assert progress == [5 + 15]
    assert conn.execute("select progress_percentage, public.calculate_job_progress(id) from public.jobs "
                        "where id = %s", (job,)).fetchone() == (20, 20)
