"""The package on a Supabase-shaped database (tests/supabase_helpers.py), run as Supabase's postgres role, which
is not a superuser: migrate, status, verify, the psql bundle, rollback and rollback.sql succeed and leave
Supabase's roles, schemas, default privileges, event triggers and auth/storage/realtime objects exactly as they
were; and lint's catalog rules (Supabase's Database Advisors) find nothing there."""

from __future__ import annotations

import psycopg
import pytest

import supabase_helpers as supabase
from dreamcut_db import engine, verify
from dreamcut_db.lint import rules
from dreamcut_db.workspace import checkout_root
from helpers import catalog_of, psql

QUIET = dict(out=lambda _line: None)


def schemas(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        return {r[0] for r in conn.execute("select nspname from pg_namespace where nspname not like 'pg\\_%'")}


def test_the_role_is_supabases_postgres(supabase_new_database):
    with psycopg.connect(supabase_new_database()) as conn:
        row = conn.execute("select current_user, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, "
                           "pg_has_role('anon', 'member'), pg_has_role('service_role', 'member'), "
                           "current_setting('pgrst.db_schemas') from pg_roles where rolname = current_user").fetchone()
    assert row == ("postgres", False, True, True, True, True, True, supabase.EXPOSED_SCHEMAS)


@pytest.mark.parametrize("modules", [None, ["dreamcut"], ["storyboard", "content"]], ids=["all", "dreamcut", "two"])
def test_migrate_verify_rollback_leave_supabase_as_it_was(supabase_new_database, migration_set, modules):
    url = supabase_new_database()
    before, catalog_before = supabase.state(url), catalog_of(url)
    engine.migrate(url, migration_set, modules=modules, **QUIET)
    st = engine.status(url, migration_set)
    assert not st.problems() and (modules or not st.pending)
    assert verify.verify(url, migration_set) == []
    assert supabase.state(url) == before
    with psycopg.connect(url) as conn:  # the platform found Supabase's pieces and created none of them
        assert conn.execute("select array_agg(kind || ' ' || name) from dreamcut_private.package_owned_objects "
                            "where kind <> 'table'").fetchone()[0] is None
    engine.rollback(url, migration_set, everything=True, **QUIET)
    assert supabase.state(url) == before and catalog_of(url) == catalog_before
    assert "dreamcut_private" not in schemas(url)  # the runner keeps its bookkeeping (dreamcut_migrations)


def test_psql_bundle_and_rollback_sql_as_postgres(supabase_new_database, migration_set):
    by_psql, by_runner = supabase_new_database(), supabase_new_database()
    before = supabase.state(by_psql)
    done = psql(by_psql, "-v", "ON_ERROR_STOP=1", "-f", str(checkout_root() / "sql" / "migrate.sql"))
    assert done.returncode == 0, done.stderr
    engine.migrate(by_runner, migration_set, **QUIET)
    assert catalog_of(by_psql) == catalog_of(by_runner)
    done = psql(by_psql, "-v", "ON_ERROR_STOP=1", "-f", str(checkout_root() / "rollback.sql"))
    assert done.returncode == 0, done.stderr
    assert supabase.state(by_psql) == before
    assert not {"dreamcut_private", "dreamcut_migrations"} & schemas(by_psql)


def test_supabases_default_privileges_open_nothing_of_the_package(supabase_db_url, migration_set):
    """Supabase grants ALL on every new table and function of public to the API roles by default; the package
    revokes and grants explicitly, so the grants are those of plain PostgreSQL (verify compares them)."""
    assert verify.verify(supabase_db_url, migration_set) == []
    with psycopg.connect(supabase_db_url) as conn:
        assert not conn.execute("select has_table_privilege('anon', 'public.dreamcut_queries', 'insert')").fetchone()[0]
        assert not conn.execute("select has_function_privilege('anon', 'public.fail_dreamcut_query(uuid, text)', "
                                "'execute')").fetchone()[0]


def test_the_advisor_rules_find_nothing(supabase_db_url):
    with psycopg.connect(supabase_db_url) as conn:
        params = rules.parameters(conn)
        assert params["exposed"] == ["public", "graphql_public"]
        assert set(params["schemas"]) == {"public", "dreamcut_private", "dreamcut_migrations"}
        assert rules.run(conn) == []
