"""The psql bundles (`dreamcut-db sql migrate`, sql/migrate.sql): one history whichever way a database is installed.

A bundle records what it applies exactly as the runner does (yoyo's tables in dreamcut_migrations, the
checksums) and skips what is recorded, so psql and the runner can follow each other, in any order, any number
of times; the Supabase SQL editor takes it as is (no psql meta-command).
"""

from __future__ import annotations

import re

import psycopg
import pytest

from dreamcut_db import bundle, cli, engine, verify
from dreamcut_db import catalog as snapshots
from dreamcut_db.database import BOOKKEEPING_SCHEMA
from dreamcut_db.workspace import checkout_root
from helpers import catalog_of, psql

QUIET = dict(out=lambda _line: None)


@pytest.fixture
def bundle_file(tmp_path, migration_set):
    """``bundle_file(modules=None)``: the path of the migrate bundle of those modules (None: every module)."""

    def write(modules: list[str] | None = None) -> str:
        path = tmp_path / f"migrate-{'-'.join(modules or ['all'])}.sql"
        path.write_text(bundle.migrate_sql(migration_set, modules), encoding="utf-8")
        return str(path)

    return write


def run_psql(url: str, path: str) -> str:
    """``psql -v ON_ERROR_STOP=1 -f path`` on ``url``; asserts success and returns the summary notice."""
    done = psql(url, "-v", "ON_ERROR_STOP=1", "-f", path)
    assert done.returncode == 0, done.stderr
    return [line for line in done.stderr.splitlines() if "already recorded" in line][-1].split("NOTICE:")[-1].strip()


def history(url: str) -> dict:
    """The bookkeeping as the runner reads it: the catalog of schema dreamcut_migrations and its rows (without
    the times, log ids, user and host names that differ between any two runs)."""
    with psycopg.connect(url) as conn:
        q = BOOKKEEPING_SCHEMA
        return {
            "catalog": snapshots.snapshot(conn, (BOOKKEEPING_SCHEMA,)),
            "migrations": conn.execute(
                f"select migration_hash, migration_id from {q}._yoyo_migration order by applied_at_utc").fetchall(),
            "versions": conn.execute(f"select version from {q}._yoyo_version").fetchall(),
            "checksums": conn.execute(f"select migration_id, module, sha256 from {q}.migration_checksums order by 1")
            .fetchall(),
            "log": conn.execute(f"select migration_hash, migration_id, operation from {q}._yoyo_log order by 2, 3")
            .fetchall(),
            "locks": conn.execute(f"select count(*) from {q}.yoyo_lock").fetchone()[0],
        }


@pytest.mark.major_independent
def test_rendered_files_are_up_to_date(migration_set):
    assert bundle.render(migration_set, check=True) == [], "run: dreamcut-db render"


def test_psql_path_then_runner(empty_url, db_url, migration_set, bundle_file):
    """After psql -f the bundle: status shows everything applied, verify passes, the runner has nothing to do,
    and the history is the one the runner writes (the same tables, rows and checksums as the test template's,
    which the runner migrated)."""
    by_psql, by_runner = empty_url, db_url
    assert run_psql(by_psql, bundle_file()) == f"{len(migration_set.migrations)} migration(s) applied, 0 already recorded"
    st = engine.status(by_psql, migration_set)
    assert st.pending == [] and st.problems() == [] and st.installed_modules == migration_set.modules
    assert [a.id for a in st.applied] == [m.id for m in migration_set.migrations]  # applied in install order
    assert verify.verify(by_psql, migration_set) == []
    assert history(by_psql) == history(by_runner)
    assert catalog_of(by_psql) == catalog_of(by_runner)
    assert engine.migrate(by_psql, migration_set, **QUIET) == []
    rolled_back = engine.rollback(by_psql, migration_set, steps=2, **QUIET)
    assert [m.id for m in rolled_back] == [m.id for m in reversed(migration_set.migrations[-2:])]


def test_runner_then_psql_path_twice(empty_url, migration_set, bundle_file):
    """A module installed by the runner, the rest by the bundle; the bundle again, then the runner, change
    nothing and succeed."""
    engine.migrate(empty_url, migration_set, modules=["dreamcut"], **QUIET)
    installed = len(migration_set.of_modules(migration_set.closure(["dreamcut"])))
    assert run_psql(empty_url, bundle_file()) == (
        f"{len(migration_set.migrations) - installed} migration(s) applied, {installed} already recorded")
    before, recorded = catalog_of(empty_url), history(empty_url)
    assert run_psql(empty_url, bundle_file()) == f"0 migration(s) applied, {len(migration_set.migrations)} already recorded"
    assert engine.migrate(empty_url, migration_set, **QUIET) == []
    assert catalog_of(empty_url) == before and history(empty_url) == recorded
    assert verify.verify(empty_url, migration_set) == [] and engine.status(empty_url, migration_set).problems() == []


def test_psql_path_twice_changes_nothing(empty_url, migration_set, bundle_file):
    run_psql(empty_url, bundle_file())
    before, recorded = catalog_of(empty_url), history(empty_url)
    assert run_psql(empty_url, bundle_file()) == f"0 migration(s) applied, {len(migration_set.migrations)} already recorded"
    assert catalog_of(empty_url) == before and history(empty_url) == recorded


def test_the_sql_editor_takes_the_bundle_as_is(empty_url, db_url, migration_set):
    """No psql meta-command: the whole file runs as one simple query, the way the Supabase SQL editor sends it."""
    text = bundle.migrate_sql(migration_set)
    assert not [line for line in text.splitlines() if line.lstrip().startswith("\\")]
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute(text)
        conn.execute(text)
    assert engine.status(empty_url, migration_set).pending == []
    assert catalog_of(empty_url) == catalog_of(db_url)  # what the runner makes


def test_a_collision_changes_nothing_and_names_the_migration(empty_url, migration_set, bundle_file):
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute("create table public.jobs (id int primary key, state text)")
        conn.execute("insert into public.jobs values (7, 'legacy job')")
    before = catalog_of(empty_url)
    done = psql(empty_url, "-v", "ON_ERROR_STOP=1", "-f", bundle_file())
    assert done.returncode != 0
    assert re.search(r'migration render/\d{4}_\w+ cannot be applied: relation "jobs" already exists', done.stderr)
    assert "Nothing was changed" in done.stderr
    assert catalog_of(empty_url) == before
    with psycopg.connect(empty_url) as conn:
        assert conn.execute("select to_regnamespace(%s)", (BOOKKEEPING_SCHEMA,)).fetchone()[0] is None
        assert conn.execute("select state from public.jobs").fetchall() == [("legacy job",)]


@pytest.mark.major_independent
def test_sql_command_prints_the_bundles(migration_set, capsys):
    root = checkout_root()
    assert cli.main(["sql", "migrate"]) == 0
    assert capsys.readouterr().out == (root / "sql" / "migrate.sql").read_text(encoding="utf-8")
    assert cli.main(["sql", "rollback"]) == 0
    assert capsys.readouterr().out == (root / "rollback.sql").read_text(encoding="utf-8")
    assert cli.main(["sql", "migrate", "--module", "dreamcut", "--module", "platform"]) == 0
    out = capsys.readouterr().out
    assert out == bundle.migrate_sql(migration_set, ["dreamcut", "platform"])
    assert "-- Installs module(s): platform, dreamcut." in out and "render/0001" not in out
    assert cli.main(["sql", "migrate", "--module", "nosuch"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("dreamcut-db sql: error: unknown module nosuch") and "\n" not in err
