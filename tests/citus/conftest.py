"""Fixtures of the Citus tests: one real cluster per session (a coordinator and two workers, citus_helpers),
one database on it migrated and distributed once (``dreamcut-db migrate`` then ``dreamcut-db distribute``).

They run on the PostgreSQL 15 leg (``.ci/test-pg 15``; Citus 13 is built for Debian's postgresql-15) and skip,
saying why, on the other legs and where Citus is not installed. Tests share the distributed database and work
on rows of their own.
"""

from __future__ import annotations

import os

import psycopg
import pytest
from citus_helpers import DISTRIBUTED_MODULES, Cluster, absent_reason

from dreamcut_db import distribute, engine
from dreamcut_db.modules import MigrationSet
from dreamcut_db.server import register_bindir


def _leg_major() -> int:
    """The PostgreSQL major of this test run's session server (the suite's leg)."""
    url = os.environ.get("DREAMCUT_TEST_DATABASE_URL")
    if url:
        with psycopg.connect(url) as conn:
            return conn.info.server_version // 10000
    return register_bindir()


@pytest.fixture(scope="session")
def citus_cluster():
    """The running cluster (citus_helpers.Cluster); skips the test when this leg or machine has no Citus."""
    major = _leg_major()
    if major != 15:
        pytest.skip(f"the Citus tests run on the PostgreSQL 15 leg (.ci/test-pg 15 tests/citus); this leg is {major}")
    reason = absent_reason()
    if reason:
        pytest.skip(reason)
    cluster = Cluster(workers=2).start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def migrated_url(citus_cluster) -> str:
    """URL (on the coordinator, as the superuser) of the cluster's database with DISTRIBUTED_MODULES migrated.
    The workers are added after the migration (Citus copies what it created onto them): the same result as
    migrating with them, in half the time (each DDL statement is not a round trip to every worker)."""
    url = citus_cluster.create_database("dreamcut", add_workers=False)
    engine.migrate(url, MigrationSet.load(), modules=DISTRIBUTED_MODULES, out=lambda _line: None)
    citus_cluster.add_workers("dreamcut")
    return url


@pytest.fixture(scope="session")
def citus_url(migrated_url) -> str:
    """``migrated_url`` once ``dreamcut-db distribute`` has run on it."""
    distribute.distribute(migrated_url, out=lambda _line: None)
    return migrated_url


@pytest.fixture
def citus(citus_url):
    """A connection to the coordinator (autocommit off), closed after the test."""
    with psycopg.connect(citus_url) as conn:
        yield conn


@pytest.fixture
def service(citus_url):
    """A superuser connection to the coordinator in autocommit mode; citus_helpers.as_role makes a request of it."""
    with psycopg.connect(citus_url, autocommit=True) as conn:
        yield conn
