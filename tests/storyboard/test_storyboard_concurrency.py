"""Concurrent writers of one project, each on its own connection the way separate API requests are: batches for
the same shot never create an iteration twice, and two transactions selecting a project's last two shots do not
both miss that the storyboard is complete."""

from __future__ import annotations

import threading
import time

import psycopg

from helpers import new_user, set_identity
from storyboard_helpers import call, status, tree, variants

THREADS = 6


def run_concurrently(db_url: str, user: str, work) -> list:
    """Run ``work(conn, i)`` in THREADS threads, each on its own connection as ``user``, released together.

    Each call commits on success and rolls back on error. Returns per thread the result or the psycopg error.
    """
    barrier = threading.Barrier(THREADS)
    results: list = [None] * THREADS

    def worker(i: int) -> None:
        with psycopg.connect(db_url) as conn:
            set_identity(conn, "authenticated", user)
            barrier.wait()
            try:
                results[i] = work(conn, i)
                conn.commit()
            except psycopg.Error as exc:
                conn.rollback()
                results[i] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_concurrent_batches_for_one_shot_each_get_the_next_iteration(db, db_url):
    user = new_user()
    t = tree(db, user, shots=1)
    shot = t["shots"][0]
    parent = t["images"][shot][2]
    db.commit()

    results = run_concurrently(
        db_url, user,
        lambda conn, i: call(conn, "batch_create_shot_images", shot_id=shot, parent_image_id=parent,
                             iteration_prompt=f"batch {i}", images=variants(6, tag=f"t{i}")),
    )
    assert all(isinstance(r, list) and len(r) == 6 for r in results), results
    per_iteration = db.execute(
        "select iteration_number, count(*), count(distinct iteration_prompt) from public.shot_images "
        "where shot_id = %s group by 1 order by 1", (shot,)).fetchall()
    assert per_iteration == [(n, 6, 1) for n in range(THREADS + 1)]


def test_concurrent_batches_naming_the_same_iteration_create_it_once(db, db_url):
    user = new_user()
    t = tree(db, user, shots=1)
    shot = t["shots"][0]
    parent = t["images"][shot][0]
    db.commit()

    results = run_concurrently(
        db_url, user,
        lambda conn, i: call(conn, "batch_create_shot_images", shot_id=shot, iteration_number=1,
                             parent_image_id=parent, images=variants(6, tag=f"t{i}")),
    )
    succeeded = [r for r in results if isinstance(r, list)]
    failed = [r for r in results if isinstance(r, psycopg.Error)]
    assert len(succeeded) == 1, results
    # The losers waited for the winner's shot lock and then saw its iteration: 55000, not a unique violation.
    assert [e.sqlstate for e in failed] == ["55000"] * (THREADS - 1), [str(e) for e in failed]
    assert db.execute("select count(*) from public.shot_images where shot_id = %s and iteration_number = 1",
                      (shot,)).fetchone()[0] == 6


def test_selecting_the_last_two_shots_at_once_completes_the_storyboard(db, db_url):
    user = new_user()
    t = tree(db, user, shots=2)
    a, b = t["shots"]
    db.commit()

    first = psycopg.connect(db_url)
    try:
        set_identity(first, "authenticated", user)
        call(first, "select_master_shot", shot_id=a, selected_image_id=t["images"][a][0])  # not committed yet

        done = {}

        def second() -> None:
            with psycopg.connect(db_url) as conn:
                set_identity(conn, "authenticated", user)
                done["id"] = call(conn, "select_master_shot", shot_id=b, selected_image_id=t["images"][b][0])

        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.5)
        assert "id" not in done  # it queues behind the first transaction's project lock
        first.commit()
        thread.join(timeout=30)
    finally:
        first.close()
    assert "id" in done
    db.rollback()
    assert status(db, t["project"]) == "storyboard_final"
