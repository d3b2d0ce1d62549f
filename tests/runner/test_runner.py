"""The runner against a live server: migrate, status, verify, rollback, lock, checksums, modules, sql/ files."""

from __future__ import annotations

import shutil
import threading

import psycopg
import pytest

from dreamcut_db import cli, engine, verify
from dreamcut_db.errors import DreamcutError
from dreamcut_db.modules import MigrationSet, migrations_dir
from dreamcut_db.workspace import checkout_root
from helpers import catalog_of, psql

QUIET = dict(out=lambda _line: None)


def schemas(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        return {r[0] for r in conn.execute("select nspname from pg_namespace where nspname not like 'pg\\_%'")}


def test_migrate_rollback_migrate_gives_the_same_catalog(empty_url, migration_set):
    before = catalog_of(empty_url)
    applied = engine.migrate(empty_url, migration_set, **QUIET)
    assert [m.id for m in applied] == [m.id for m in migration_set.migrations]
    first = catalog_of(empty_url)
    assert "table public.dreamcut_queries" in first
    st = engine.status(empty_url, migration_set)
    assert not st.pending and not st.problems() and st.installed_modules == migration_set.modules
    assert verify.verify(empty_url, migration_set) == []

    assert len(engine.rollback(empty_url, migration_set, everything=True, **QUIET)) == len(migration_set.migrations)
    assert catalog_of(empty_url) == before
    assert "dreamcut_private" not in schemas(empty_url)

    engine.migrate(empty_url, migration_set, **QUIET)
    assert catalog_of(empty_url) == first
    assert engine.migrate(empty_url, migration_set, **QUIET) == []


def test_rollback_steps_and_to(empty_url, migration_set):
    engine.migrate(empty_url, migration_set, **QUIET)
    last = migration_set.migrations[-1]
    assert [m.id for m in engine.rollback(empty_url, migration_set, steps=1, **QUIET)] == [last.id]
    assert [m.id for m in engine.status(empty_url, migration_set).pending] == [last.id]
    assert verify.verify(empty_url, migration_set) == []
    # --to stays within the target's module (and what depends on it): platform has nothing after its 0001.
    assert engine.rollback(empty_url, migration_set, to="0001_supabase_platform", **QUIET) == []
    done = engine.rollback(empty_url, migration_set, to="dreamcut/0002_create_dreamcut_indexes", **QUIET)
    assert [m.ref for m in done] == [m.ref for m in reversed(migration_set.of_modules(["dreamcut"])[2:])]
    with pytest.raises(DreamcutError, match="exactly one"):
        engine.rollback(empty_url, migration_set, **QUIET)


def test_migrate_to_and_dry_run(empty_url, migration_set):
    would = engine.migrate(empty_url, migration_set, dry_run=True, **QUIET)
    assert len(would) == len(migration_set.migrations)
    assert "dreamcut_private" not in schemas(empty_url) and "dreamcut_migrations" not in schemas(empty_url)
    applied = engine.migrate(empty_url, migration_set, to="0002_create_dreamcut_indexes", **QUIET)
    assert [m.id for m in applied] == [
        "0001_supabase_platform", "0001_create_dreamcut_realtime_schema", "0002_create_dreamcut_indexes"]


@pytest.mark.parametrize(
    "tamper, expected",
    [
        ("drop policy dreamcut_assets_select_own on public.dreamcut_assets",
         "table public.dreamcut_assets: policies.dreamcut_assets_select_own is missing"),
        ("grant insert on public.dreamcut_queries to anon",
         "table public.dreamcut_queries: grants.anon is ['INSERT', 'SELECT'], expected ['SELECT']"),
        ("create or replace function public.fail_dreamcut_query(p_query_id uuid, p_error_message text) returns void "
         "language plpgsql set search_path = '' as $$ begin null; end $$",
         "function public.fail_dreamcut_query(uuid,text): body differs from the migrations' definition"),
        ("alter table public.dreamcut_messages disable row level security",
         "table public.dreamcut_messages: rls_enabled is False, expected True"),
        ("alter publication supabase_realtime drop table public.dreamcut_assets",
         "table public.dreamcut_assets: publications is [], expected ['supabase_realtime']"),
        ("drop trigger trigger_check_query_completion on public.dreamcut_assets",
         "table public.dreamcut_assets: triggers.trigger_check_query_completion is missing"),
        ("alter table public.dreamcut_queries alter column intent set default 'video'",
         "table public.dreamcut_queries: columns.intent.default is \"'video'::text\", expected None"),
        ("alter table public.dreamcut_assets alter column filename set not null",
         "table public.dreamcut_assets: columns.filename.not_null is True, expected False"),
        ("alter table public.dreamcut_assets alter column worker_id type varchar(64)",
         "table public.dreamcut_assets: columns.worker_id.type is 'character varying(64)', expected 'text'"),
        ("alter table public.dreamcut_queries force row level security",
         "table public.dreamcut_queries: rls_forced is True, expected False"),
        ("alter table public.dreamcut_queries drop constraint dreamcut_queries_progress_check",
         "table public.dreamcut_queries: constraints.dreamcut_queries_progress_check is missing"),
        ("drop index public.idx_dreamcut_assets_status",
         "table public.dreamcut_assets: indexes.idx_dreamcut_assets_status is missing"),
        ("create policy extra on public.dreamcut_queries for select to anon using (true)",
         "table public.dreamcut_queries: policies.extra is unexpected ({'command': 'select', 'permissive': True, "
         "'roles': ['anon'], 'using': 'true', 'with_check': None})"),
        ("alter function public.fail_dreamcut_query(uuid, text) security definer",
         "function public.fail_dreamcut_query(uuid,text): security_definer is True, expected False"),
        ("alter function public.fail_dreamcut_query(uuid, text) stable",
         "function public.fail_dreamcut_query(uuid,text): volatility is 'stable', expected 'volatile'"),
        ("alter function public.fail_dreamcut_query(uuid, text) reset search_path",
         "function public.fail_dreamcut_query(uuid,text): config is [], expected ['search_path=\"\"']"),
        ("grant execute on function public.fail_dreamcut_query(uuid, text) to anon",
         "function public.fail_dreamcut_query(uuid,text): execute is ['anon', 'service_role'], expected ['service_role']"),
        ("comment on table public.dreamcut_messages is 'changed'",
         "table public.dreamcut_messages: comment is 'changed', expected \"The director's feedback messages of a query, "
         "with emoji (dreamcut-production-schema.md, table 3).\""),
        ("alter type public.fit_mode add value 'tile'",
         "enum public.fit_mode: labels is ['auto', 'contain', 'cover', 'fill', 'stretch', 'tile'], "
         "expected ['auto', 'contain', 'cover', 'fill', 'stretch']"),
        ("alter view public.active_jobs set (security_invoker = false)",
         "view public.active_jobs: options is ['security_invoker=false'], expected ['security_invoker=true']"),
        ("do $$ begin execute 'create or replace view public.job_summary with (security_invoker = true) as "
         "select * from (' || rtrim(pg_get_viewdef('public.job_summary'::regclass), ';') || ') as v where false'; "
         "end $$",
         "view public.job_summary: definition differs from the migrations' definition"),
        ("create function dreamcut_private.stray() returns int language sql as 'select 1'",
         "function dreamcut_private.stray(): is not created by the installed migrations (unexpected object)"),
    ],
)
def test_verify_names_each_drift(db_url, migration_set, tamper, expected, capsys):
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(tamper)
    lines = [d["line"] for d in verify.verify(db_url, migration_set)]
    assert expected in lines
    assert cli.main(["--database-url", db_url, "verify"]) == 1
    assert expected in capsys.readouterr().out


def test_verify_exits_zero_on_a_clean_database(db_url, capsys):
    assert cli.main(["--database-url", db_url, "verify"]) == 0
    assert "matches its migrations" in capsys.readouterr().out


def test_status_flags_a_changed_migration_file(tmp_path, monkeypatch, empty_url, migration_set):
    copy = tmp_path / "migrations"
    shutil.copytree(migrations_dir(), copy)
    monkeypatch.setenv("DREAMCUT_MIGRATIONS_DIR", str(copy))
    engine.migrate(empty_url, MigrationSet.load(), **QUIET)
    edited = copy / "dreamcut" / "0002_create_dreamcut_indexes.sql"
    edited.write_text(edited.read_text() + "\n-- edited after release\n")
    st = engine.status(empty_url, MigrationSet.load())
    assert st.changed == ["0002_create_dreamcut_indexes"]
    assert any("migration dreamcut/0002_create_dreamcut_indexes: file changed" in d["line"] for d in verify.verify(empty_url, MigrationSet.load()))
    assert cli.main(["--database-url", empty_url, "status"]) == 1


def test_two_concurrent_migrate_runs_apply_each_migration_once(empty_url, migration_set):
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            results.append(engine.migrate(empty_url, MigrationSet.load(), lock_wait=60, **QUIET))
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(len(r) for r in results) == [0, len(migration_set.migrations)]
    with psycopg.connect(empty_url) as conn:
        assert conn.execute("select count(*) from dreamcut_migrations._yoyo_migration").fetchone()[0] == len(
            migration_set.migrations)


def test_a_stale_lock_is_cleared_and_a_live_one_named(empty_url, migration_set):
    engine.migrate(empty_url, migration_set, to="0001_supabase_platform", **QUIET)
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute("insert into dreamcut_migrations.yoyo_lock (locked, ctime, pid) values (1, now(), 424242)")
    lines = []
    engine.migrate(empty_url, migration_set, out=lines.append)
    assert any("cleared a stale migration lock left by process 424242" in line for line in lines)
    assert not engine.status(empty_url, migration_set).pending

    with psycopg.connect(empty_url, autocommit=True) as holder:
        holder.execute("select pg_advisory_lock(%s, %s)", engine.LOCK_KEY)
        pid = holder.info.backend_pid
        with pytest.raises(DreamcutError, match=f"holds the migration lock: server process {pid}"):
            engine.rollback(empty_url, migration_set, steps=1, **QUIET)
        with pytest.raises(DreamcutError, match="held by a live run"):
            engine.break_lock(empty_url)


def test_a_conflicting_object_stops_migrate_before_any_change(empty_url, migration_set):
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute("create table public.dreamcut_messages (id int primary key, note text)")
        conn.execute("insert into public.dreamcut_messages values (1, 'legacy')")
    before = catalog_of(empty_url)
    with pytest.raises(DreamcutError) as info:
        engine.migrate(empty_url, migration_set, **QUIET)
    message = str(info.value)
    assert 'relation "dreamcut_messages" already exists' in message and "Nothing was changed" in message
    assert "platform" in message.split("can still be installed here:")[1]
    assert catalog_of(empty_url) == before
    assert "dreamcut_migrations" not in schemas(empty_url)


def test_legacy_briefs_and_jobs_survive_dreamcut_install_and_rollback_sql(empty_url, migration_set):
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute("create table public.briefs (id int primary key, prompt text)")
        conn.execute("create table public.jobs (id int primary key, state text)")
        conn.execute("insert into public.briefs values (1, 'old brief'); insert into public.jobs values (7, 'done')")
    engine.migrate(empty_url, migration_set, modules=["dreamcut"], **QUIET)
    assert verify.verify(empty_url, migration_set) == []
    for _ in range(2):  # running it twice is harmless
        done = psql(empty_url, "-f", str(checkout_root() / "rollback.sql"))
        assert done.returncode == 0, done.stderr
    assert not {"dreamcut_private", "dreamcut_migrations"} & schemas(empty_url)
    with psycopg.connect(empty_url) as conn:
        assert conn.execute("select * from public.briefs").fetchall() == [(1, "old brief")]
        assert conn.execute("select * from public.jobs").fetchall() == [(7, "done")]
        assert conn.execute("select to_regclass('public.dreamcut_queries')").fetchone()[0] is None
    if "render" in migration_set.modules:
        with pytest.raises(DreamcutError, match='relation "jobs" already exists'):
            engine.migrate(empty_url, migration_set, **QUIET)
    engine.migrate(empty_url, migration_set, modules=["dreamcut"], **QUIET)
    assert engine.status(empty_url, migration_set).installed_modules == ["platform", "dreamcut"]


def test_rollback_refuses_a_module_others_depend_on(db_url, migration_set):
    with pytest.raises(DreamcutError, match="installed modules depend on it: .*dreamcut"):
        engine.rollback(db_url, migration_set, module="platform", **QUIET)


def test_cli_errors_are_one_line(empty_url, capsys):
    assert cli.main(["--database-url", empty_url, "rollback", "--module", "dreamcut"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("dreamcut-db rollback: error:")
    assert cli.main(["--database-url", "postgresql://nobody@/nowhere?host=/nonexistent", "status"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("dreamcut-db status: error: cannot connect to the database") and "\n" not in err


def test_status_and_verify_flag_unknown_and_gap(tmp_path, monkeypatch, empty_url, migration_set):
    copy = tmp_path / "migrations"
    shutil.copytree(migrations_dir(), copy)
    monkeypatch.setenv("DREAMCUT_MIGRATIONS_DIR", str(copy))
    engine.migrate(empty_url, MigrationSet.load(), **QUIET)
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute("delete from dreamcut_migrations._yoyo_migration where migration_id = "
                     "'0003_enable_dreamcut_rls_policies'")
    for path in (copy / "dreamcut").glob("0006_*"):
        path.unlink()
    st = engine.status(empty_url, MigrationSet.load())
    assert st.unknown == ["0006_enable_dreamcut_realtime_publication"]
    assert st.gaps == ["0003_enable_dreamcut_rls_policies"]
    lines = [d["line"] for d in verify.verify(empty_url, MigrationSet.load())]
    assert "migration dreamcut/0006_enable_dreamcut_realtime_publication: applied in the database but missing from the package" in lines
    assert "migration dreamcut/0003_enable_dreamcut_rls_policies: pending but a later migration of its module is applied (gap)" in lines
