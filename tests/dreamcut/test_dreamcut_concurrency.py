"""DreamCut realtime analyzer: the completion race (issue 2, section 8).

All assets of a query finish at the same moment in separate transactions on separate connections, as the
document's parallel workers would. check_query_completion serializes them on the query row, so exactly one
transaction sees the last asset finish: the query moves to merging once, with one merge message, and the
per-query counters equal what the assets say.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from helpers import in_background, new_user, set_identity, wait_until_blocked
from dreamcut_helpers import asset

N_ASSETS = 16
N_THREADS = 8
ROUNDS = 4
MERGE = "Combining query + assets into creative brief..."


@pytest.fixture
def conn(db):
    db.rollback()
    db.autocommit = True
    return db


@pytest.fixture
def workers(db_url):
    conns = [psycopg.connect(db_url) for _ in range(N_THREADS)]  # autocommit off: one transaction per update
    yield conns
    for c in conns:
        c.close()


def start_query(conn) -> tuple[str, list[str]]:
    """A committed query of N_ASSETS assets, each already analyzing (as workers would have started them)."""
    with conn.transaction():
        set_identity(conn, "service_role")
        qid = str(conn.execute(
            "select public.initialize_dreamcut_query(%s, 'Race', 'mixed', '{}', %s)",
            (new_user(), json.dumps([asset(("image", "video", "audio")[i % 3]) for i in range(N_ASSETS)])),
        ).fetchone()[0])
        aids = [str(r[0]) for r in conn.execute(
            "select id from public.dreamcut_assets where query_id = %s order by seq", (qid,))]
        for i, aid in enumerate(aids):
            conn.execute("select public.update_asset_progress(p_asset_id => %s, p_status => 'analyzing', "
                         "p_progress => %s)", (aid, 5 * i))
    return qid, aids


def finish_all_at_once(workers, aids: list[str], status_of) -> None:
    """Each worker thread finishes its share of the assets; a barrier starts every step at the same moment."""
    shares = [aids[i::len(workers)] for i in range(len(workers))]
    assert len({len(s) for s in shares}) == 1, "equal shares, so every thread meets the barrier equally often"
    barrier = threading.Barrier(len(workers))

    def work(conn, share):
        try:
            for aid in share:
                barrier.wait(timeout=30)
                with conn.transaction():
                    set_identity(conn, "service_role")
                    status = status_of(aid)
                    conn.execute(
                        "select public.update_asset_progress(p_asset_id => %s, p_status => %s, p_message => %s, "
                        "p_error_message => %s)",
                        (aid, status, f"asset {status}", "decoder crashed" if status == "failed" else None))
        except BaseException:
            barrier.abort()  # never leave the other threads waiting
            raise

    with ThreadPoolExecutor(len(workers)) as pool:
        for future in [pool.submit(work, c, s) for c, s in zip(workers, shares)]:
            future.result()


def recomputed(conn, qid) -> tuple[int, int, int]:
    return conn.execute(
        "select count(*), count(*) filter (where status in ('completed', 'failed')), "
        "coalesce(sum(case when status = 'failed' then 100 else progress end), 0) "
        "from public.dreamcut_assets where query_id = %s", (qid,)).fetchone()


@pytest.mark.parametrize("failing_every", [0, 3], ids=["all-complete", "some-fail"])
def test_all_assets_finishing_at_once_merge_exactly_once(conn, workers, failing_every):
    for round_no in range(ROUNDS):
        qid, aids = start_query(conn)
        failing = {aid for i, aid in enumerate(aids) if failing_every and (i + round_no) % failing_every == 0}
        finish_all_at_once(workers, aids, lambda aid: "failed" if aid in failing else "completed")

        stage, status, progress, asset_count, finished, total = conn.execute(
            "select stage, status, progress, asset_count, assets_finished, asset_progress_total "
            "from public.dreamcut_queries where id = %s", (qid,)).fetchone()
        assert (stage, status, progress) == ("merging", "processing", 90), f"round {round_no}"
        assert asset_count == finished == N_ASSETS
        assert (asset_count, finished, total) == recomputed(conn, qid) == (N_ASSETS, N_ASSETS, 100 * N_ASSETS)

        types = [r[0] for r in conn.execute(
            "select type from public.dreamcut_messages where query_id = %s order by seq", (qid,))]
        assert types.count("merge") == 1, f"round {round_no}: {types}"
        assert types[-1] == "merge"  # the last finisher writes it after every other worker has committed
        assert types.count("error") == len(failing) and types.count("asset_complete") == N_ASSETS - len(failing)
        statuses = dict(conn.execute("select id::text, status from public.dreamcut_assets where query_id = %s", (qid,)))
        assert {a for a, s in statuses.items() if s == "failed"} == failing


def test_concurrent_updates_of_one_asset_keep_counters_exact(conn, workers):
    """Workers racing on the same asset (progress steps, then one completes): the lock on the asset orders them,
    progress never goes back, and the query's counters match the asset."""
    qid, aids = start_query(conn)
    target, others = aids[0], aids[1:]
    barrier = threading.Barrier(len(workers))
    outcomes = []

    def work(conn, n):
        try:
            barrier.wait(timeout=30)
            with conn.transaction():
                conn.execute("select set_config('role', 'service_role', true)")
                conn.execute("select public.update_asset_progress(p_asset_id => %s, p_progress => %s)",
                             (target, 10 + 10 * n))
            outcomes.append("ok")
        except psycopg.Error as e:
            outcomes.append(e.sqlstate)  # a lower progress after a higher one is refused (55000)
            conn.rollback()
        except BaseException:
            barrier.abort()
            raise

    with ThreadPoolExecutor(len(workers)) as pool:
        for future in [pool.submit(work, c, n) for n, c in enumerate(workers)]:
            future.result()
    assert set(outcomes) <= {"ok", "55000"} and "ok" in outcomes
    progress = conn.execute("select progress from public.dreamcut_assets where id = %s", (target,)).fetchone()[0]
    assert progress == 10 + 10 * (len(workers) - 1)  # the highest step always lands
    count, finished, total = recomputed(conn, qid)
    assert conn.execute("select asset_count, assets_finished, asset_progress_total from public.dreamcut_queries "
                        "where id = %s", (qid,)).fetchone() == (count, finished, total)
    assert (count, finished) == (N_ASSETS, 0)
    assert others  # the rest stay analyzing: no merge
    assert conn.execute("select stage from public.dreamcut_queries where id = %s", (qid,)).fetchone()[0] == "analyzing"


# ------------------------------------------------------------------ a check racing a change of the query's state

@pytest.mark.parametrize("message", [None, "→ ✅ done"], ids=["no-message", "with-message"])
def test_worker_update_racing_fail_query_is_refused(conn, workers, message):
    """fail_dreamcut_query commits while a worker's update_asset_progress waits for the query: the update must
    see the failed query (55000, "assets of a failed query no longer change") and write nothing."""
    qid, aids = start_query(conn)
    failer, worker = workers[0], workers[1]
    with failer.transaction():
        set_identity(failer, "service_role")
        failer.execute("select public.fail_dreamcut_query(%s, 'cancelled by the user')", (qid,))

        def update():
            with worker.transaction():
                set_identity(worker, "service_role")
                worker.execute("select public.update_asset_progress(p_asset_id => %s, p_status => 'completed', "
                               "p_message => %s)", (aids[0], message))
        join = in_background(update)
        wait_until_blocked(conn, worker.info.backend_pid)
    assert join() == "55000"
    assert conn.execute("select status, progress from public.dreamcut_assets where id = %s",
                        (aids[0],)).fetchone() == ("analyzing", 0)
    assert conn.execute("select count(*) from public.dreamcut_messages where query_id = %s and asset_id is not null",
                        (qid,)).fetchone()[0] == 0
    q = conn.execute("select status, assets_finished from public.dreamcut_queries where id = %s", (qid,)).fetchone()
    assert q == ("failed", 0)


def test_asset_insert_racing_the_last_completion_is_refused(conn, workers):
    """A worker inserts an asset while the query's last asset completes: the insert must see the query moved to
    merging (55000), never leave a merging query with an unfinished asset."""
    qid, aids = start_query(conn)
    finisher, inserter = workers[0], workers[1]
    with finisher.transaction():
        set_identity(finisher, "service_role")
        for aid in aids:
            finisher.execute("select public.update_asset_progress(p_asset_id => %s, p_status => 'completed')", (aid,))
        stage = finisher.execute("select stage from public.dreamcut_queries where id = %s", (qid,)).fetchone()[0]
        assert stage == "merging"

        def insert():
            with inserter.transaction():
                set_identity(inserter, "service_role")
                inserter.execute("insert into public.dreamcut_assets (query_id, url, type) "
                                 "values (%s, 'https://cdn.example.com/late.mp4', 'video')", (qid,))
        join = in_background(insert)
        wait_until_blocked(conn, inserter.info.backend_pid)
    assert join() == "55000"
    q = conn.execute("select stage, asset_count, assets_finished from public.dreamcut_queries where id = %s",
                     (qid,)).fetchone()
    assert q == ("merging", N_ASSETS, N_ASSETS)
    assert recomputed(conn, qid)[:2] == (N_ASSETS, N_ASSETS)
