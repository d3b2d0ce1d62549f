"""Adopting the DreamCut production database in one transaction (issue 17): the plan and dry runs that change
nothing, rows no rule repairs and locks not granted stopping the adoption with the database unchanged, then
the adoption itself: every row kept or repaired as the plan said, verify and status clean, positions and
counters backfilled, one signature per function name, and in-flight queries finishing through the package's
functions. The production state is tests/adopt_helpers.py's (dreamcut-production-schema.md, the migration
summary's grants, the legacy briefs and jobs)."""

from __future__ import annotations

import json

import psycopg
import pytest
from pytest_postgresql.janitor import DatabaseJanitor

import adopt_helpers as production
from dreamcut_db import adopt, catalog, engine
from dreamcut_db.cli import main
from dreamcut_db.errors import DreamcutError
from dreamcut_db.modules import MigrationSet
from helpers import acting_as, catalog_of, make_url

REPAIRS = [arg for rule in production.RULES for arg in ("--repair", rule)]


def cli(capsys, url: str, *args: str) -> tuple[int, str, str]:
    """Run ``dreamcut-db --database-url URL ARGS`` in this process: exit status, stdout, stderr."""
    capsys.readouterr()
    rc = main(["--database-url", url, *args])
    out = capsys.readouterr()
    return rc, out.out, out.err


def everything(url: str, columns) -> tuple:
    """What a run that changes nothing must leave as it was: the catalog, the other objects, every row."""
    return catalog_of(url), production.state(url), production.rows(url, columns)


@pytest.fixture
def fresh(new_database):
    """A new database holding the production state: (url, the ids it holds, the document's columns)."""
    url = new_database()
    ids = production.build(url)
    with psycopg.connect(url) as conn:
        return url, ids, production.document_columns(conn)


def test_dry_run_prints_the_plan_and_changes_nothing(fresh, capsys):
    url, ids, columns = fresh
    before = everything(url, columns)

    rc, out, _err = cli(capsys, url, "adopt", "--module", "dreamcut", "--dry-run")
    assert rc == 1, out
    assert "mode: one transaction: no table holds more than --batch-size 5000 rows" in out
    assert "first: migrations of the modules it needs, not installed yet: platform/0001_supabase_platform" in out
    assert (f"public.dreamcut_assets: 1 row(s) violate NOT NULL type (e.g. id {ids.typeless_asset}): not repaired "
            "(--repair asset-type-from-extension would)") in out
    assert f"blocked: public.dreamcut_queries: 1 row(s) violate NOT NULL options (choose --repair null-default)" in out
    assert "blocked: public.dreamcut_messages: 1 row(s) violate NOT NULL type (choose --repair message-type-status)" in out
    for line in (
        "  column asset_count: added integer, backfilled, default 0, then not null",
        "  policy Users can view their own queries: dropped (not the package's)",
        "  trigger update_dreamcut_queries_updated_at: dropped (not the package's)",
        "  index idx_dreamcut_queries_user_id: replaced: USING btree (user_id, created_at DESC)",
        "  grants: service_role loses",
        "  constraint dreamcut_assets_url_check: added NOT VALID, then validated: CHECK ((url <> ''::text))",
        "  function public.update_asset_progress(uuid,integer,text,jsonb,text,text,text,text): dropped (an old "
        "overload: PostgREST sees one signature per name)",
        "  function public.check_query_completion(): dropped (the package's is dreamcut_private.check_query_completion())",
        "note: function public.update_updated_at_column() is kept",
        "then: dreamcut's 6 migration(s) recorded as applied, with checksums",
    ):
        assert line in out, line
    assert "dry run: 3 blocker(s); nothing was changed" in out

    rc, out, _err = cli(capsys, url, "adopt", "--module", "dreamcut", "--dry-run", *REPAIRS)
    assert rc == 0, out
    assert "--repair asset-type-from-extension fixes 1" in out and "blocked:" not in out
    assert "dry run: 0 blocker(s); nothing was changed" in out
    assert everything(url, columns) == before
    assert not engine.read_applied(url)


def test_a_row_no_rule_repairs_stops_the_adoption_with_the_database_unchanged(fresh, capsys):
    url, ids, columns = fresh
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("insert into public.dreamcut_assets (query_id, url, type) values (%s, '', 'image')", (ids.init,))
        conn.execute("insert into public.dreamcut_assets (query_id, url, filename) "
                     "values (%s, 'https://cdn.example.com/asset/42', 'upload')", (ids.init,))
    before = everything(url, columns)

    rc, out, err = cli(capsys, url, "adopt", "--module", "dreamcut", *REPAIRS)
    assert rc == 1
    assert err == ("dreamcut-db adopt: error: adopt dreamcut stopped before changing anything: public.dreamcut_assets: "
                   "1 row(s) violate NOT NULL type [SQLSTATE 23502]; 1 more blocker(s) listed above\n")
    assert ("public.dreamcut_assets: 2 row(s) violate NOT NULL type (e.g. id " in out
            and ": --repair asset-type-from-extension fixes 1, 1 still refused" in out), out
    assert "blocked: public.dreamcut_assets: 1 row(s) violate NOT NULL type" in out
    assert ("blocked: public.dreamcut_assets: 1 row(s) violate dreamcut_assets_url_check CHECK ((url <> ''::text)) "
            "[SQLSTATE 23514]" in out)
    assert "no rule repairs them: change or remove them by hand, then adopt" in out
    assert everything(url, columns) == before
    assert not engine.read_applied(url)


def test_a_lock_not_granted_stops_the_adoption_with_the_database_unchanged(fresh, monkeypatch):
    url, _ids, columns = fresh
    monkeypatch.setattr(engine, "LOCK_TIMEOUT", "100ms")
    monkeypatch.setattr(adopt.time, "sleep", lambda _s: None)
    before = everything(url, columns)
    lines = []
    with psycopg.connect(url) as reader:
        reader.execute("select count(*) from public.dreamcut_messages")  # a long transaction reading the feed
        with pytest.raises(DreamcutError, match="a lock was not granted within lock_timeout 100ms, 3 times") as info:
            adopt.adopt(url, MigrationSet.load(), "dreamcut", production.RULES, out=lines.append)
        reader.rollback()
    assert "nothing was changed" in str(info.value)
    assert lines.count("adoption: a lock was not granted within 100ms: rolled back, trying again") == 2
    assert everything(url, columns) == before
    assert not engine.read_applied(url)


# ----------------------------------------------------------------------------------------- the adopted database

@pytest.fixture(scope="module")
def adopted(pg_server):
    """The production state adopted with every repair rule, once for this module: (url, ids, output, before)
    where ``before`` holds the rows, STATE and columns before the adoption."""
    name = "dreamcut_adopted"
    with DatabaseJanitor(user=pg_server.user, host=pg_server.host, port=pg_server.port, dbname=name,
                         password=pg_server.password):
        url = make_url(pg_server.host, pg_server.port, pg_server.user, name, pg_server.password)
        ids = production.build(url)
        with psycopg.connect(url) as conn:
            columns = production.document_columns(conn)
        before = {"rows": production.rows(url, columns), "state": production.state(url), "columns": columns}
        lines = []
        adopt.adopt(url, MigrationSet.load(), "dreamcut", production.RULES, out=lines.append)
        yield url, ids, lines, before


def test_every_row_is_kept_and_the_refused_ones_repaired_as_the_plan_said(adopted):
    url, ids, lines, before = adopted
    assert "recorded: dreamcut's 6 migration(s) applied (yoyo mark, checksums)" in lines
    assert production.rows(url, before["columns"]) == production.repaired(before["rows"], before["columns"], ids)
    with psycopg.connect(url) as conn:
        assert conn.execute("select user_prompt from public.dreamcut_queries where id = %s",
                            (ids.blank_prompt,)).fetchone() == ("   ",)
    state = production.state(url)
    assert state["legacy"] == before["state"]["legacy"]
    assert state["publication"] == before["state"]["publication"] == [
        "public.dreamcut_assets", "public.dreamcut_messages", "public.dreamcut_queries"]


def test_verify_and_status_are_clean(adopted, capsys):
    url = adopted[0]
    rc, out, _err = cli(capsys, url, "verify")
    assert (rc, out) == (0, "verify: the database matches its migrations\n")
    rc, out, _err = cli(capsys, url, "status", "--json")
    status = json.loads(out)
    assert rc == 0 and status["problems"] == []
    assert status["installed_modules"] == ["platform", "dreamcut"]
    assert all(m["applied"] for m in status["modules"]["dreamcut"])
    with psycopg.connect(url) as conn:
        log = dict(conn.execute("select migration_id, operation from dreamcut_migrations._yoyo_log").fetchall())
        sums = dict(conn.execute("select migration_id, sha256 from dreamcut_migrations.migration_checksums"))
    mset = MigrationSet.load()
    assert log == {m.id: "mark" for m in mset.of_modules(["dreamcut"])} | {"0001_supabase_platform": "apply"}
    assert sums == {m.id: m.checksum for m in mset.of_modules(["platform", "dreamcut"])}


def test_positions_follow_the_original_created_at_and_the_counters_the_assets(adopted):
    url, ids = adopted[:2]
    with psycopg.connect(url) as conn:
        feed = conn.execute("select type, content from public.dreamcut_messages where query_id = %s order by seq",
                            (ids.completed,)).fetchall()
        assert feed == [
            ("status", "Got your request. Let's break it down..."), ("asset_start", "Analyzing video: beach.mp4"),
            ("merge", "Combining query + assets into creative brief..."), ("asset_complete", "→ ✅ sunny, upbeat"),
            ("final", "Creative brief ready 🎬"), ("final", "Ready for production!")]
        for table in ("dreamcut_assets", "dreamcut_messages"):
            assert conn.execute(f"""
                select count(*) from (
                    select seq, row_number() over (partition by query_id order by seq) as position,
                           created_at < lag(created_at) over (partition by query_id order by seq) as earlier
                    from public.{table}) as x
                where seq <> position or earlier""").fetchone() == (0,), table
        assert conn.execute("""
            select count(*) from public.dreamcut_queries as q,
                lateral (select count(*) as n, count(*) filter (where a.status in ('completed', 'failed')) as finished,
                                coalesce(sum(case when a.status = 'failed' then 100 else a.progress end), 0) as total
                         from public.dreamcut_assets as a where a.query_id = q.id) as c
            where (q.asset_count, q.assets_finished, q.asset_progress_total) is distinct from (c.n, c.finished, c.total)
            """).fetchone() == (0,)
        assert conn.execute("select asset_count, assets_finished from public.dreamcut_queries where id = %s",
                            (ids.analyzing,)).fetchone() == (3, 1)


def test_postgrest_sees_one_signature_per_name_and_the_shared_trigger_function_stays(adopted):
    url = adopted[0]
    with psycopg.connect(url) as conn:
        names = dict(conn.execute("""
            select proname, count(*) from pg_proc where pronamespace = 'public'::regnamespace
            group by proname""").fetchall())
        assert {n: names.get(n) for n in ("initialize_dreamcut_query", "update_asset_progress",
                                          "complete_dreamcut_query", "fail_dreamcut_query")} == dict.fromkeys(
            ("initialize_dreamcut_query", "update_asset_progress", "complete_dreamcut_query", "fail_dreamcut_query"), 1)
        assert "check_query_completion" not in names
        assert names["update_updated_at_column"] == 1  # the legacy jobs table's trigger uses it
        with conn.transaction(force_rollback=True):
            stamp = conn.execute("update public.jobs set status = status where id = 1 returning updated_at").fetchone()
            assert stamp == (conn.execute("select now()").fetchone()[0],)


def call(conn, fn: str, **args):
    """A PostgREST-style call by named arguments, as the product's workers make them."""
    names = ", ".join(f"{k} => %({k})s" for k in args)
    values = {k: psycopg.types.json.Jsonb(v) if isinstance(v, dict) else v for k, v in args.items()}
    return conn.execute(f"select public.{fn}({names})", values).fetchone()[0]


def test_an_in_flight_query_completes_through_the_package_functions(adopted):
    url, ids = adopted[:2]
    drive, voice = ids.analyzing_pending_assets
    with psycopg.connect(url) as conn, acting_as(conn, "service_role"):
        # The worker's calls as dreamcut-production-schema.md writes them (its eight named arguments).
        call(conn, "update_asset_progress", p_asset_id=drive, p_progress=100, p_status="completed",
             p_analysis={"duration": 45}, p_message="→ ✅ footage, 45s, needs trimming",
             p_message_type="asset_complete", p_emoji="✅")
        assert conn.execute("select stage from public.dreamcut_queries where id = %s", (ids.analyzing,)).fetchone() \
            == ("analyzing",)
        call(conn, "update_asset_progress", p_asset_id=voice, p_progress=100, p_status="completed",
             p_analysis={"mood": "dramatic"}, p_message="→ ✅ dramatic, cinematic narration detected",
             p_message_type="asset_complete", p_emoji="✅")
        assert conn.execute("select stage, progress from public.dreamcut_queries where id = %s",
                            (ids.analyzing,)).fetchone() == ("merging", 90)
        call(conn, "complete_dreamcut_query", p_query_id=ids.analyzing, p_payload={"intent": "cinematic 30s trailer"},
             p_processing_time_ms=45000, p_models_used=["llava-13b"], p_cost_estimate=None)
        query = conn.execute("select status, stage, progress from public.dreamcut_queries where id = %s",
                             (ids.analyzing,)).fetchone()
        feed = [c for c, in conn.execute("select content from public.dreamcut_messages where query_id = %s "
                                         "order by seq", (ids.analyzing,))]
        call(conn, "complete_dreamcut_query", p_query_id=ids.merging, p_payload={})
        merged = conn.execute("select status from public.dreamcut_queries where id = %s", (ids.merging,)).fetchone()
    assert query == ("completed", "done", 100)
    # The storyboard of dreamcut-production-schema.md: the messages written before the adoption first, in the
    # order they were written, then the package's (its conflict detection included), completion exactly once.
    assert feed == [
        "Got your request. Let's break it down...", "Analyzing image: cyberpunk_ref.jpg",
        "→ ✅ cyberpunk, cinematic style, dark, futuristic mood", "Analyzing video: city_drive.mp4",
        "→ ✅ footage, 45s, needs trimming", "Video is 45s but you want 30s - I'll trim it",
        "→ ✅ dramatic, cinematic narration detected", "Combining query + assets into creative brief...",
        "Creative brief ready 🎬", "- Intent: cinematic 30s trailer", "- Assets: 1 image, 1 video, 1 audio",
        "Ready for production!"]
    assert merged == ("completed",)
