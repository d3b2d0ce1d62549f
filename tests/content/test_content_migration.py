"""The content module's install and rollback around public.companies / public.employees, which live outside
the package: created (and later dropped) only where missing, never touched where the application has them."""

from __future__ import annotations

import psycopg
import pytest

from dreamcut_db import catalog as snapshots
from dreamcut_db import engine, verify
from dreamcut_db.errors import DreamcutError
from dreamcut_db.workspace import checkout_root
from helpers import psql

QUIET = dict(out=lambda _line: None)
APP_TABLES = [
    "create table public.companies (id uuid primary key, name text not null, plan text)",
    "create table public.employees (id uuid primary key, company_id uuid references public.companies (id), "
    "email text unique)",
    "insert into public.companies values ('11111111-1111-1111-1111-111111111111', 'Acme', 'enterprise')",
    "insert into public.employees values ('22222222-2222-2222-2222-222222222222', "
    "'11111111-1111-1111-1111-111111111111', 'john@acme.example')",
]


def app_tables(url: str) -> dict:
    """The catalog entries and rows of the application's companies and employees tables."""
    with psycopg.connect(url) as conn:
        snap = snapshots.snapshot(conn)
        rows = {t: conn.execute(f"select t::text from public.{t} as t order by 1").fetchall()
                for t in ("companies", "employees")}
    return {"catalog": {k: v for k, v in snap.items() if k in ("table public.companies", "table public.employees")},
            "rows": rows}


def owned_tables(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        if not conn.execute("select to_regclass('dreamcut_private.package_owned_objects')").fetchone()[0]:
            return []
        return [r[0] for r in conn.execute(
            "select name from dreamcut_private.package_owned_objects where kind = 'table' order by name")]


def test_missing_companies_and_employees_are_created_and_rolled_back(empty_url, migration_set):
    engine.migrate(empty_url, migration_set, modules=["content"], **QUIET)
    assert owned_tables(empty_url) == ["public.companies", "public.employees"]
    with psycopg.connect(empty_url) as conn:
        assert conn.execute("select relrowsecurity from pg_class where oid = 'public.employees'::regclass"
                            ).fetchone()[0]
    engine.rollback(empty_url, migration_set, module="content", **QUIET)
    assert owned_tables(empty_url) == []
    with psycopg.connect(empty_url) as conn:
        assert conn.execute("select to_regclass('public.companies'), to_regclass('public.employees')"
                            ).fetchone() == (None, None)


def test_existing_companies_and_employees_are_used_and_left_untouched(empty_url, migration_set):
    with psycopg.connect(empty_url, autocommit=True) as conn:
        for statement in APP_TABLES:
            conn.execute(statement)
    before = app_tables(empty_url)

    engine.migrate(empty_url, migration_set, modules=["content"], **QUIET)
    assert owned_tables(empty_url) == []
    assert app_tables(empty_url) == before
    with psycopg.connect(empty_url) as conn:  # the module works with the application's tables
        cid = conn.execute("select public.create_module_content('M', p_company_id => "
                           "'11111111-1111-1111-1111-111111111111')").fetchone()[0]
        conn.execute("select public.store_course_plan('22222222-2222-2222-2222-222222222222', 'T', '{}', "
                     "p_company_id => '11111111-1111-1111-1111-111111111111')")
        assert cid is not None
        conn.commit()

    engine.rollback(empty_url, migration_set, module="content", **QUIET)
    assert app_tables(empty_url) == before

    engine.migrate(empty_url, migration_set, modules=["content"], **QUIET)
    for _ in range(2):  # the emergency teardown, twice
        done = psql(empty_url, "-f", str(checkout_root() / "rollback.sql"))
        assert done.returncode == 0, done.stderr
    assert app_tables(empty_url) == before
    with psycopg.connect(empty_url) as conn:
        assert conn.execute("select to_regclass('public.cm_module_content')").fetchone()[0] is None


def test_verify_compares_companies_and_employees_only_where_the_package_created_them(new_database, migration_set):
    apps, ours = new_database(), new_database()
    with psycopg.connect(apps, autocommit=True) as conn:
        for statement in APP_TABLES:
            conn.execute(statement)
    for url in (apps, ours):
        engine.migrate(url, migration_set, modules=["content"], **QUIET)
        assert verify.verify(url, migration_set) == []

    with psycopg.connect(apps, autocommit=True) as conn:
        conn.execute("alter table public.companies add column region text")  # the application's affair
        conn.execute("drop policy cm_course_plans_company on public.cm_course_plans")
    assert [d["line"] for d in verify.verify(apps, migration_set)] == [
        "table public.cm_course_plans: policies.cm_course_plans_company is missing"]

    with psycopg.connect(ours, autocommit=True) as conn:
        conn.execute("drop table public.companies cascade")
    assert "table public.companies: is missing" in [d["line"] for d in verify.verify(ours, migration_set)]


def test_a_companies_table_without_a_uuid_key_stops_the_install(empty_url, migration_set):
    for definition in ("create table public.companies (id integer primary key, name text)",
                       "create table public.companies (id uuid, name text)"):
        with psycopg.connect(empty_url, autocommit=True) as conn:
            conn.execute("drop table if exists public.companies")
            conn.execute(definition)
        with pytest.raises(DreamcutError) as info:
            engine.migrate(empty_url, migration_set, modules=["content"], **QUIET)
        assert 'public.companies exists but has no uuid column "id"' in str(info.value)
        assert "Nothing was changed" in str(info.value)
        assert engine.status(empty_url, migration_set).applied == []
