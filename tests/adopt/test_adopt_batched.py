"""Adopting the DreamCut production database in batches (issue 17): enough rows that the batched path runs
(--batch-size far below the table sizes), with the application writing through the production functions
between two batches: those rows are done again under the final lock, and once it is over everything is as
the one-transaction adoption leaves it (verify and status clean, every row kept or repaired, positions and
counters right, the in-flight query finishing through the package's functions)."""

from __future__ import annotations

import psycopg
import pytest
from pytest_postgresql.janitor import DatabaseJanitor

import adopt_helpers as production
from dreamcut_db import adopt, engine, verify
from dreamcut_db.errors import DreamcutError
from dreamcut_db.modules import MigrationSet
from helpers import acting_as, make_url

BULK, BATCH = 150, 120  # about 8 batches: enough for the application to write between two
#: Whether the production's completion trigger function and the package's exist.
FUNCTIONS = ("select to_regprocedure('public.check_query_completion()') is not null or null, "
             "to_regprocedure('dreamcut_private.check_query_completion()') is not null or null")


def app_writes(url: str, ids) -> dict:
    """What the application does meanwhile, through the production functions and by hand: a new query with two
    assets, progress on the in-flight query, a message without a type (which the swap repairs)."""
    with psycopg.connect(url, autocommit=True) as conn:
        new = production._submit(conn, "user-meanwhile", "Written during the adoption",
                                 [("late.jpg", "image"), ("late.wav", "audio")])
        drive = ids.analyzing_pending_assets[0]
        production._progress(conn, drive, 50, "analyzing", "Analyzing video: city_drive.mp4 (half way)",
                             "asset_progress", "🎥")
        late = conn.execute("insert into public.dreamcut_messages (query_id, content) values (%s, 'a late note') "
                            "returning id", (ids.init,)).fetchone()[0]
    return {"query": new, "message": str(late)}


@pytest.fixture(scope="module")
def adopted(pg_server):
    name = "dreamcut_adopted_batched"
    with DatabaseJanitor(user=pg_server.user, host=pg_server.host, port=pg_server.port, dbname=name,
                         password=pg_server.password):
        url = make_url(pg_server.host, pg_server.port, pg_server.user, name, pg_server.password)
        ids = production.build(url, bulk=BULK)
        with psycopg.connect(url) as conn:
            columns = production.document_columns(conn)
        before = {"rows": production.rows(url, columns), "state": production.state(url), "columns": columns}
        lines, writes = [], {}

        def out(line: str) -> None:
            lines.append(line)
            if line.startswith("batch 2/"):
                writes.update(app_writes(url, ids))

        plan = adopt.adopt(url, MigrationSet.load(), "dreamcut", production.RULES, batch_size=BATCH, out=out)
        yield url, ids, plan, lines, writes, before


def test_the_batched_path_runs_and_says_why(adopted):
    _url, _ids, plan, lines, writes, _before = adopted
    assert plan.batched and writes
    assert any(line.startswith("mode: batched: public.dreamcut_messages holds ") and
               f"more than --batch-size {BATCH}: backfills and repairs in batches" in line for line in lines)
    batches = [line for line in lines if line.startswith("batch ")]
    assert len(batches) > 5, batches
    steps = [line.split(":")[0] for line in lines if not line.startswith(("  ", "batch ", "index "))]
    assert steps[-6:] == ["applied platform/0001_supabase_platform", "prepare", "swap", "swap", "validate",
                          "recorded"], steps
    assert "index idx_dreamcut_queries_user_id_adopt: built concurrently" in lines
    swapped = next(line for line in lines if line.endswith("written meanwhile done again"))
    assert int(swapped.split()[1]) >= 3, swapped  # the new query, the in-flight one, the one with the late note


def test_verify_and_status_are_clean_and_nothing_of_the_adoption_is_left(adopted):
    url = adopted[0]
    mset = MigrationSet.load()
    assert verify.verify(url, mset) == []
    st = engine.status(url, mset)
    assert st.problems() == [] and st.installed_modules == ["platform", "dreamcut"]
    with psycopg.connect(url) as conn:
        assert conn.execute("select count(*) from pg_trigger where tgname = %s", (adopt.TRACK_TRIGGER,)).fetchone() == (0,)
        assert conn.execute("select to_regclass('dreamcut_migrations.adopt_pending'), "
                            "to_regprocedure('dreamcut_migrations.adopt_track()')").fetchone() == (None, None)
        assert conn.execute("select count(*) from pg_index where not indisvalid").fetchone() == (0,)


def test_every_row_is_kept_and_the_rows_written_meanwhile_are_done_again(adopted):
    url, ids, _plan, _lines, writes, before = adopted
    after = production.rows(url, before["columns"])
    expected = production.repaired(before["rows"], before["columns"], ids)
    touched = {ids.analyzing, ids.analyzing_pending_assets[0]}  # the application changed them meanwhile
    for table, rows in expected.items():
        assert {k: after[table][k] for k in rows if k not in touched} == {k: v for k, v in rows.items()
                                                                            if k not in touched}, table
    late = after["dreamcut_messages"][writes["message"]]
    assert late[before["columns"]["dreamcut_messages"].index("type")] == "status"  # written meanwhile, repaired
    with psycopg.connect(url) as conn:
        counters = "select asset_count, assets_finished, asset_progress_total from public.dreamcut_queries where id = %s"
        assert conn.execute(counters, (writes["query"],)).fetchone() == (2, 0, 0)
        assert conn.execute(counters, (ids.analyzing,)).fetchone() == (3, 1, 150)
        assert [r for r in conn.execute("select filename, seq from public.dreamcut_assets where query_id = %s "
                                        "order by seq", (writes["query"],))] == [("late.jpg", 1), ("late.wav", 2)]
        feed = [c for c, in conn.execute("select content from public.dreamcut_messages where query_id = %s order by seq",
                                         (ids.analyzing,))]
        assert feed[-2:] == ["Analyzing video: city_drive.mp4", "Analyzing video: city_drive.mp4 (half way)"]
        for table in ("dreamcut_assets", "dreamcut_messages"):
            assert conn.execute(f"""
                select count(*) from (
                    select seq, row_number() over (partition by query_id order by seq) as position,
                           created_at < lag(created_at) over (partition by query_id order by seq) as earlier
                    from public.{table}) as x
                where seq <> position or earlier""").fetchone() == (0,), table
    state = production.state(url)
    assert state["legacy"] == before["state"]["legacy"] and state["publication"] == before["state"]["publication"]


def test_the_in_flight_query_completes_through_the_package_functions(adopted):
    url, ids = adopted[:2]
    with psycopg.connect(url) as conn, acting_as(conn, "service_role"):
        for asset in ids.analyzing_pending_assets:
            conn.execute("select public.update_asset_progress(p_asset_id => %s, p_progress => 100, "
                         "p_status => 'completed', p_message => 'done', p_message_type => 'asset_complete')", (asset,))
        conn.execute("select public.complete_dreamcut_query(p_query_id => %s, p_payload => '{}')", (ids.analyzing,))
        assert conn.execute("select status, stage from public.dreamcut_queries where id = %s",
                            (ids.analyzing,)).fetchone() == ("completed", "done")
        assert conn.execute("select count(*) from public.dreamcut_messages where query_id = %s and type = 'merge'",
                            (ids.analyzing,)).fetchone() == (1,)


def test_a_refused_row_written_meanwhile_stops_the_swap_and_a_rerun_resumes(new_database):
    """Batched over the small fixture (--batch-size 5): the application writes an asset the package refuses
    (an empty url, which no rule repairs) between two batches; the swap stops, naming it, with the tables
    prepared but the production functions still in place and nothing recorded. Once the row is fixed, the same
    command resumes and finishes."""
    url = new_database()
    ids = production.build(url)
    mset = MigrationSet.load()

    def out(line: str) -> None:
        if line.startswith("batch 1/"):
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("insert into public.dreamcut_assets (query_id, url, type) values (%s, '', 'image')",
                             (ids.init,))

    with pytest.raises(DreamcutError) as info:
        adopt.adopt(url, mset, "dreamcut", production.RULES, batch_size=5, out=out)
    assert str(info.value).startswith(
        "rows written during the adoption violate the package's constraints (public.dreamcut_assets: 1 row(s) "
        "violate dreamcut_assets_url_check CHECK ((url <> ''::text)) [SQLSTATE 23514]); the tables are prepared")
    assert [a.id for a in engine.read_applied(url)] == ["0001_supabase_platform"]  # prepare applied what it needs
    with psycopg.connect(url, autocommit=True) as conn:
        assert conn.execute(FUNCTIONS).fetchone() == (True, None)  # the production's, not yet the package's
        assert conn.execute("select attnotnull from pg_attribute where attrelid = 'public.dreamcut_assets'::regclass "
                            "and attname = 'seq'").fetchone() == (False,)  # prepared: added, not yet NOT NULL
        conn.execute("update public.dreamcut_assets set url = 'https://cdn.example.com/fixed.jpg' where url = ''")

    lines = []
    assert adopt.adopt(url, mset, "dreamcut", production.RULES, batch_size=5, out=lines.append).batched
    assert "recorded: dreamcut's 6 migration(s) applied (yoyo mark, checksums)" in lines  # compared as verify does
    with psycopg.connect(url) as conn:
        assert conn.execute(FUNCTIONS).fetchone() == (None, True)
        assert conn.execute("select seq from public.dreamcut_assets where query_id = %s order by seq",
                            (ids.init,)).fetchall() == [(1,), (2,), (3,)]
