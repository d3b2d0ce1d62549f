"""``dreamcut-db verify``: does the live database hold exactly what its applied migrations promise?

The reference is built, not remembered: a scratch database on the same server (so the same PostgreSQL
version deparses the same way) gets exactly the migrations applied in the live one, and the two catalog
snapshots are compared. Applied-migration drift (a file changed since it was applied, an applied migration
the package no longer has, a gap) is reported too. Needs the CREATEDB privilege (Supabase's postgres role
and a local superuser have it).
"""

from __future__ import annotations

import uuid

import psycopg

from . import catalog, engine
from .database import connect, database_name, with_params
from .errors import DreamcutError
from .modules import Catalog


def reference_snapshot(url: str, cat: Catalog, migration_ids: list[str]) -> dict:
    """Snapshot of a scratch database (dropped afterwards) after applying ``migration_ids`` to it."""
    scratch = f"dreamcut_verify_{uuid.uuid4().hex[:12]}"
    admin_url = url
    with connect(admin_url, autocommit=True) as admin:
        try:
            admin.execute(f'create database "{scratch}" template template0')
        except psycopg.errors.InsufficientPrivilege:
            raise DreamcutError("verify needs the CREATEDB privilege to build its reference database")
    try:
        scratch_url = with_params(url, dbname=scratch)
        wanted = [m.id for m in cat.migrations if m.id in set(migration_ids)]
        if wanted:
            engine.migrate(scratch_url, cat, to=None, modules=None, out=lambda _l: None, only=wanted)
        with connect(scratch_url) as conn:
            return catalog.snapshot(conn)
    finally:
        with connect(admin_url, autocommit=True) as admin:
            admin.execute(f'drop database if exists "{scratch}" with (force)')


def verify(url: str, cat: Catalog) -> list[dict]:
    """All differences between ``url`` and what its applied migrations promise, as dicts with a ``line``.

    Empty means the database is as promised. Raises DreamcutError when nothing is installed.
    """
    st = engine.status(url, cat)
    problems = [{"object": "migrations", "path": "", "problem": p, "line": p} for p in st.problems()]
    if not st.applied:
        raise DreamcutError(f"nothing is installed in database {database_name(url)}: run dreamcut-db migrate first")
    known = [a.id for a in st.applied if a.id not in st.unknown]
    expected = reference_snapshot(url, cat, known)
    with connect(url) as conn:
        actual = catalog.snapshot(conn)
    return problems + catalog.diff(expected, actual)
