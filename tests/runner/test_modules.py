"""Modules install on their own, next to legacy tables they must not touch (issue 9, DESIGN "Modules")."""

from __future__ import annotations

import psycopg
import pytest

from dreamcut_db import engine, verify
from dreamcut_db.errors import DreamcutError
from dreamcut_db.modules import MigrationSet
from helpers import catalog_of, psql

MODULES = MigrationSet.load().modules
QUIET = dict(out=lambda _line: None)
LEGACY = {
    "briefs": ("create table public.briefs (id int primary key, prompt text)",
               "insert into public.briefs values (1, 'legacy brief')"),
    "jobs": ("create table public.jobs (id int primary key, state text)",
             "insert into public.jobs values (7, 'legacy job')"),
}


@pytest.fixture(scope="module")
def tables_by_module(pg_server):
    """For each module: the public tables that installing it (with its dependencies) creates."""
    from helpers import make_url

    admin = make_url(pg_server.host, pg_server.port, pg_server.user, "postgres", pg_server.password)
    found = {}
    for module in MODULES:
        name = f"dreamcut_probe_{module}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')
            conn.execute(f'create database "{name}"')
        url = make_url(pg_server.host, pg_server.port, pg_server.user, name, pg_server.password)
        engine.migrate(url, MigrationSet.load(), modules=[module], **QUIET)
        found[module] = {k.split(" ", 1)[1] for k in catalog_of(url) if k.startswith("table public.")}
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'drop database "{name}" with (force)')
    return found


@pytest.mark.parametrize("module", MODULES)
def test_each_module_installs_alone_and_rolls_back(empty_url, migration_set, module):
    engine.migrate(empty_url, migration_set, modules=[module], **QUIET)
    st = engine.status(empty_url, migration_set)
    assert st.installed_modules == migration_set.closure([module])
    assert verify.verify(empty_url, migration_set) == []
    if module != "platform":
        engine.rollback(empty_url, migration_set, module=module, **QUIET)
        assert module not in engine.status(empty_url, migration_set).installed_modules
        assert verify.verify(empty_url, migration_set) == []


@pytest.mark.parametrize("legacy", [("briefs",), ("jobs",), ("briefs", "jobs")], ids="+".join)
@pytest.mark.parametrize("module", MODULES)
def test_module_next_to_legacy_tables(empty_url, migration_set, tables_by_module, module, legacy):
    with psycopg.connect(empty_url, autocommit=True) as conn:
        for table in legacy:
            for statement in LEGACY[table]:
                conn.execute(statement)
    before = catalog_of(empty_url)
    collisions = sorted(f"public.{t}" for t in legacy if f"public.{t}" in tables_by_module[module])
    if collisions:
        with pytest.raises(DreamcutError) as info:
            engine.migrate(empty_url, migration_set, modules=[module], **QUIET)
        assert f'relation "{collisions[0].split(".")[1]}" already exists' in str(info.value)
        assert "Nothing was changed" in str(info.value)
        assert catalog_of(empty_url) == before
        assert engine.status(empty_url, migration_set).applied == []
    else:
        engine.migrate(empty_url, migration_set, modules=[module], **QUIET)
        assert verify.verify(empty_url, migration_set) == []
    with psycopg.connect(empty_url) as conn:
        for table in legacy:
            assert conn.execute(f"select count(*) from public.{table}").fetchone()[0] == 1


@pytest.mark.parametrize("module", MODULES)
def test_per_module_bundle_installs_a_module_and_rollback_sql_removes_it(new_database, migration_set, module, tmp_path):
    """A DBA with psql only: `dreamcut-db sql migrate --module M` (the module and what it needs), then
    rollback.sql. The bundle alone installs and records it: status and verify see it."""
    from dreamcut_db import bundle
    from dreamcut_db.workspace import checkout_root

    by_psql, by_runner = new_database(), new_database()
    with psycopg.connect(by_psql, autocommit=True) as conn:
        conn.execute(LEGACY["briefs"][0])
        conn.execute(LEGACY["briefs"][1])
    before = catalog_of(by_psql)
    path = tmp_path / f"{module}.sql"
    path.write_text(bundle.migrate_sql(migration_set, [module]), encoding="utf-8")
    done = psql(by_psql, "-v", "ON_ERROR_STOP=1", "-f", str(path))
    assert done.returncode == 0, done.stderr
    st = engine.status(by_psql, migration_set)
    assert st.installed_modules == migration_set.closure([module]) and st.problems() == []
    assert verify.verify(by_psql, migration_set) == []
    with psycopg.connect(by_runner, autocommit=True) as conn:
        conn.execute(LEGACY["briefs"][0])
    engine.migrate(by_runner, migration_set, modules=[module], **QUIET)
    assert catalog_of(by_psql) == catalog_of(by_runner)
    done = psql(by_psql, "-f", str(checkout_root() / "rollback.sql"))
    assert done.returncode == 0, done.stderr
    assert catalog_of(by_psql) == before
    with psycopg.connect(by_psql) as conn:
        assert conn.execute("select count(*) from public.briefs").fetchone()[0] == 1
