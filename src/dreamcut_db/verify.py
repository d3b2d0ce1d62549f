"""``dreamcut-db verify``: does the live database hold exactly what its applied migrations promise?

The reference is built, not remembered: a scratch database on the same server (so the same PostgreSQL
version deparses the same way) gets exactly the migrations applied in the live one, and the two catalog
snapshots are compared. Objects outside the package's schemas are created only where missing (the content
module's companies/employees) and recorded in dreamcut_private.package_owned_objects: the reference, being
empty, creates them all, so what its record lists and the live record does not is the application's own on
the live side and is compared on neither. Applied-migration drift (a file changed since it was applied, an
applied migration the package no longer has, a gap) is reported too. Needs the CREATEDB privilege
(Supabase's postgres role and a local superuser have it).
"""

from __future__ import annotations

from . import catalog, distribute, engine
from .database import connect, database_name
from .errors import DreamcutError
from .modules import MigrationSet
from .workspace import scratch_database


def snapshot_and_created(url: str) -> tuple[dict, set[str]]:
    """The catalog snapshot of ``url``, and the snapshot keys (``table public.companies``) of what its
    package_owned_objects records as created because it was missing (``kind || ' ' || name`` is a key)."""
    with connect(url) as conn:
        snap = catalog.snapshot(conn)
        if conn.execute("select to_regclass('dreamcut_private.package_owned_objects')").fetchone()[0] is None:
            return snap, set()
        owned = conn.execute("select kind || ' ' || name from dreamcut_private.package_owned_objects")
        return snap, {key for key, in owned}


def verify(url: str, cat: MigrationSet) -> list[dict]:
    """All differences between ``url`` and what its applied migrations promise, as dicts with a ``line``.

    Empty means the database is as promised. Raises DreamcutError when nothing is installed.
    """
    st = engine.status(url, cat)
    problems = [{"object": "migrations", "path": "", "problem": p, "line": p} for p in st.problems()]
    if not st.applied:
        raise DreamcutError(f"nothing is installed in database {database_name(url)}: run dreamcut-db migrate first")
    known = [a.id for a in st.applied if a.id not in st.unknown]
    with scratch_database(url, cat, known) as scratch_url:
        problems += distribute.judge(url, scratch_url)  # on Citus: the reference gets what distribute changed
        expected, reference_created = snapshot_and_created(scratch_url)
    actual, live_created = snapshot_and_created(url)
    not_ours = reference_created - live_created
    return problems + catalog.diff({k: v for k, v in expected.items() if k not in not_ours},
                                   {k: v for k, v in actual.items() if k not in not_ours})
