"""Migrate, roll back and report status through yoyo, holding its lock, with checksums yoyo does not keep.

yoyo does the bookkeeping (``_yoyo_migration``, ``_yoyo_log``, ``yoyo_lock`` in schema dreamcut_migrations)
and runs the SQL; this module adds what yoyo leaves out:

* the lock: yoyo's Python API does not take it. We take a session advisory lock first (released by the
  server when the session dies) and then yoyo's lock row. A lock row with no live advisory holder was left by
  a crashed run: it is cleared, saying so. A live holder is named (pid, since when) and waited for.
* atomicity: each migration, its yoyo mark and its checksum commit in one transaction.
* checksums: sha256 of each applied migration's files, so an applied file edited later is reported.
* modules: ``--module`` installs a module and what it depends on; before changing anything, every pending
  migration is tried in a transaction that is rolled back, so a collision with an object the package did not
  create (a legacy ``jobs`` table) stops the run with the database unchanged.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import psycopg
from yoyo import get_backend

from .database import BOOKKEEPING_SCHEMA, connect, yoyo_url
from .errors import DreamcutError
from .modules import MigrationSet, Migration

#: pg_advisory_lock key of dreamcut-db runs (two int4: 'dcdb' and 1).
LOCK_KEY = (0x64636462, 1)
#: advisory lock key that serializes the creation of the bookkeeping schema.
PREPARE_LOCK_KEY = (0x64636462, 2)
#: lock_timeout of each migration transaction: a migration waits at most this long for a table lock.
LOCK_TIMEOUT = os.environ.get("DREAMCUT_LOCK_TIMEOUT", "10s")


@dataclass
class Applied:
    """One applied migration as the database records it."""

    id: str
    applied_at: datetime
    checksum: str | None


@dataclass
class Status:
    """What is applied, pending, changed since applied, unknown to the package, or out of order."""

    applied: list[Applied]
    pending: list[Migration]
    changed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    installed_modules: list[str] = field(default_factory=list)

    @property
    def applied_ids(self) -> set[str]:
        return {a.id for a in self.applied}

    def problems(self) -> list[str]:
        """One line per applied-migration drift (changed file, unknown migration, gap), empty when clean."""
        return (
            [f"migration {m}: file changed since it was applied (checksum differs)" for m in self.changed]
            + [f"migration {m}: applied in the database but missing from the package" for m in self.unknown]
            + [f"migration {m}: pending but a later migration of its module is applied (gap)" for m in self.gaps]
        )


def read_applied(url: str) -> list[Applied]:
    """Applied migrations in the order they were applied; empty when the database has no bookkeeping yet."""
    with connect(url) as conn:
        if not conn.execute("select to_regclass(%s)", (f"{BOOKKEEPING_SCHEMA}._yoyo_migration",)).fetchone()[0]:
            return []
        has_sums = conn.execute("select to_regclass(%s)", (f"{BOOKKEEPING_SCHEMA}.migration_checksums",)).fetchone()[0]
        rows = conn.execute(
            f"""select m.migration_id, m.applied_at_utc, {'c.sha256' if has_sums else 'null'}
                from {BOOKKEEPING_SCHEMA}._yoyo_migration m
                {f'left join {BOOKKEEPING_SCHEMA}.migration_checksums c using (migration_id)' if has_sums else ''}
                order by m.applied_at_utc, m.migration_id"""
        ).fetchall()
    return [Applied(*row) for row in rows]


def status(url: str, catalog: MigrationSet) -> Status:
    """Compare the applied migrations of ``url`` with ``catalog``."""
    applied = read_applied(url)
    ids = {a.id for a in applied}
    known = {m.id: m for m in catalog.migrations}
    st = Status(applied=applied, pending=[m for m in catalog.migrations if m.id not in ids])
    st.changed = [a.id for a in applied if a.id in known and a.checksum and a.checksum != known[a.id].checksum]
    st.unknown = [a.id for a in applied if a.id not in known]
    for module in catalog.modules:
        seq = [m.id in ids for m in catalog.migrations if m.module == module]
        last_applied = max((i for i, ok in enumerate(seq) if ok), default=-1)
        mods = [m for m in catalog.migrations if m.module == module]
        st.gaps += [mods[i].id for i in range(last_applied) if not seq[i]]
        if any(seq):
            st.installed_modules.append(module)
    return st


def backend_for(url: str):
    """A yoyo backend on ``url`` whose bookkeeping tables are in schema dreamcut_migrations (created if needed).

    Creation is serialized by an advisory lock (concurrent ``create ... if not exists`` can collide). The
    backend's ``created_bookkeeping`` says whether this call created the schema.
    """
    with connect(url, autocommit=True) as conn:
        conn.execute("select pg_advisory_lock(%s, %s)", PREPARE_LOCK_KEY)
        try:
            created = not conn.execute("select 1 from pg_namespace where nspname = %s", (BOOKKEEPING_SCHEMA,)).fetchone()
            if created:
                conn.execute(f"create schema {BOOKKEEPING_SCHEMA}")
                conn.execute(f"comment on schema {BOOKKEEPING_SCHEMA} is 'dreamcut-db bookkeeping: yoyo tables, checksums.'")
            conn.execute(
                f"""create table if not exists {BOOKKEEPING_SCHEMA}.migration_checksums (
                        migration_id text primary key,
                        module text not null,
                        sha256 text not null,
                        applied_at timestamptz not null default now())"""
            )
            backend = get_backend(yoyo_url(url), migration_table="_yoyo_migration")
            backend.get_applied_migration_hashes()  # lets yoyo create its tables while we hold the lock
        except psycopg.OperationalError as exc:
            raise DreamcutError(f"cannot connect to the database: {str(exc).strip().splitlines()[0]}")
        finally:
            conn.execute("select pg_advisory_unlock(%s, %s)", PREPARE_LOCK_KEY)
    backend.created_bookkeeping = created
    return backend


def _lock_holder(conn) -> str:
    row = conn.execute(
        """select a.pid, a.application_name, coalesce(host(a.client_addr), 'local socket'), a.backend_start
           from pg_locks l join pg_stat_activity a using (pid)
           where l.locktype = 'advisory' and l.classid = %s and l.objid = %s and l.granted""",
        (LOCK_KEY[0], LOCK_KEY[1]),
    ).fetchone()
    if not row:
        return "another session"
    return f"server process {row[0]} ({row[1] or 'no application name'}, {row[2]}, connected since {row[3]:%Y-%m-%d %H:%M:%S})"


@contextmanager
def migration_lock(backend, timeout: float = 10.0, out=print):
    """Hold the migration lock: an advisory lock (liveness) plus yoyo's lock row (what yoyo's CLI honours).

    Waits up to ``timeout`` seconds for a live holder, then raises DreamcutError naming it. A yoyo lock row
    with no live holder is stale (its run crashed): it is removed, with a line on ``out`` saying so.
    """
    conn = backend.connection
    deadline = time.monotonic() + timeout
    while not conn.execute("select pg_try_advisory_lock(%s, %s)", LOCK_KEY).fetchone()[0]:
        if time.monotonic() > deadline:
            raise DreamcutError(
                f"another dreamcut-db run holds the migration lock: {_lock_holder(conn)}. It is alive: wait for it "
                "to finish (or stop it); if it hangs, pg_terminate_backend(<pid>) releases the lock."
            )
        time.sleep(0.2)
    try:
        stale = conn.execute(f"select pid, ctime from {BOOKKEEPING_SCHEMA}.yoyo_lock").fetchone()
        if stale:
            out(
                f"cleared a stale migration lock left by process {stale[0]} at {stale[1]:%Y-%m-%d %H:%M:%S} UTC "
                "(no live dreamcut-db session held it: that run crashed or was killed). To clear one by hand: "
                "dreamcut-db break-lock"
            )
            backend.break_lock()
        with backend.lock(timeout=timeout):
            yield
    finally:
        if not conn.closed:
            if getattr(backend, "drop_bookkeeping", False):
                conn.execute(f"drop schema if exists {BOOKKEEPING_SCHEMA} cascade")
            conn.execute("select pg_advisory_unlock(%s, %s)", LOCK_KEY)


def break_lock(url: str) -> bool:
    """Remove yoyo's lock row if no live dreamcut-db session holds the lock. Returns True if a row was removed.

    Raises DreamcutError when the lock is held by a live session (that lock is not stale).
    """
    backend = backend_for(url)
    conn = backend.connection
    if not conn.execute("select pg_try_advisory_lock(%s, %s)", LOCK_KEY).fetchone()[0]:
        raise DreamcutError(f"the migration lock is held by a live run: {_lock_holder(conn)}; not breaking it")
    try:
        had = conn.execute(f"select count(*) from {BOOKKEEPING_SCHEMA}.yoyo_lock").fetchone()[0] > 0
        backend.break_lock()
        return had
    finally:
        conn.execute("select pg_advisory_unlock(%s, %s)", LOCK_KEY)


def _trial(backend, migrations: list[Migration]) -> tuple[Migration, Exception] | None:
    """Apply ``migrations`` in one transaction and always roll it back. Returns the first failure, or None."""
    current = None
    try:
        with backend.transaction(rollback_on_exit=True):
            backend.execute(f"set local lock_timeout = '{LOCK_TIMEOUT}'")
            for current in migrations:
                current.yoyo.process_steps(backend, "apply")
    except backend.DatabaseError as exc:
        return current, exc
    return None


def _describe(exc: Exception) -> str:
    diag = getattr(exc, "diag", None)
    text = (diag.message_primary if diag and diag.message_primary else str(exc)).strip().splitlines()[0]
    code = getattr(exc, "sqlstate", None)
    return f"{text} [SQLSTATE {code}]" if code else text


def _pending(backend, catalog: MigrationSet, modules: list[str]) -> list[Migration]:
    applied = set(backend.get_applied_migration_hashes())
    return [m for m in catalog.of_modules(modules) if m.yoyo.hash not in applied]


def _installable(backend, catalog: MigrationSet, modules: list[str]) -> list[str]:
    ok = []
    for module in modules:
        if _trial(backend, _pending(backend, catalog, catalog.closure([module]))) is None:
            ok.append(module)
    return ok


def migrate(
    url: str,
    catalog: MigrationSet,
    modules: list[str] | None = None,
    to: str | None = None,
    dry_run: bool = False,
    out=print,
    only: list[str] | None = None,
    lock_wait: float = 10.0,
) -> list[Migration]:
    """Apply the pending migrations of ``modules`` (and their dependencies; None: all) up to ``to`` (an id).

    Every pending migration is first tried in one transaction that is rolled back; if one fails, nothing is
    applied and DreamcutError names the migration, the reason and the modules that can still be installed.
    Then each migration commits in its own transaction with its yoyo mark and checksum. Returns the applied
    (or, with ``dry_run``, the would-be-applied) migrations. ``only`` restricts the run to those ids
    (verify uses it to rebuild exactly the live database's set). ``lock_wait``: seconds to wait for a live
    lock holder. A run that changes nothing also leaves no bookkeeping schema behind if it created it.
    """
    selected = catalog.closure(modules)
    backend = backend_for(url)
    return _migrate(backend, catalog, selected, to, dry_run, out, only, lock_wait)


def _migrate(backend, catalog, selected, to, dry_run, out, only, lock_wait) -> list[Migration]:
    with migration_lock(backend, timeout=lock_wait, out=out):
        pending = _pending(backend, catalog, selected)
        if to is not None:
            target = catalog.by_id(to)
            keep = {target.id} | _ancestors(catalog, target)
            pending = [m for m in pending if m.id in keep]
        if only is not None:
            pending = [m for m in pending if m.id in set(only)]
        if not pending:
            return []
        failure = _trial(backend, pending)
        # A run that changes nothing leaves no bookkeeping behind (dropped by migration_lock, still locked).
        backend.drop_bookkeeping = backend.created_bookkeeping and (failure is not None or dry_run)
        if failure:
            failed, exc = failure
            installable = _installable(backend, catalog, selected) if len(selected) > 1 else []
            hint = (
                f" Modules that can still be installed here: {', '.join(installable)} "
                f"(dreamcut-db migrate {' '.join('--module ' + m for m in installable if m != 'platform')})."
                if installable
                else ""
            )
            raise DreamcutError(
                f"migration {failed.module}/{failed.id} cannot be applied: {_describe(exc)}. "
                f"Nothing was changed.{hint}"
            )
        if dry_run:
            return pending
        done = []
        for m in pending:
            try:
                with backend.transaction():
                    backend.execute(f"set local lock_timeout = '{LOCK_TIMEOUT}'")
                    m.yoyo.process_steps(backend, "apply")
                    backend.mark_one(m.yoyo, log=False)
                    backend.log_migration(m.yoyo, "apply")
                    backend.execute(
                        f"""insert into {BOOKKEEPING_SCHEMA}.migration_checksums (migration_id, module, sha256)
                            values (:id, :module, :sha)
                            on conflict (migration_id) do update set sha256 = excluded.sha256, applied_at = now()""",
                        {"id": m.id, "module": m.module, "sha": m.checksum},
                    )
            except backend.DatabaseError as exc:
                raise DreamcutError(
                    f"migration {m.module}/{m.id} failed and was rolled back: {_describe(exc)}"
                    + (f" (applied before it: {', '.join(d.id for d in done)})" if done else "")
                )
            out(f"applied {m.module}/{m.id}")
            done.append(m)
        return done


def _ancestors(catalog: MigrationSet, m: Migration) -> set[str]:
    found: set[str] = set()
    todo = list(m.depends)
    while todo:
        dep = todo.pop()
        if dep not in found:
            found.add(dep)
            todo.extend(catalog.by_id(dep).depends)
    return found


def rollback(
    url: str,
    catalog: MigrationSet,
    steps: int | None = None,
    to: str | None = None,
    everything: bool = False,
    module: str | None = None,
    out=print,
) -> list[Migration]:
    """Roll back through the ``.rollback.sql`` files, newest first, each in its own transaction.

    Exactly one of: ``steps`` (the last N applied), ``to`` (everything applied after that id, which stays),
    ``everything``, ``module`` (one module; refused, naming them, while installed modules depend on it).
    Returns the rolled-back migrations. Raises DreamcutError on a bad choice or a failed rollback file.
    """
    if sum(x is not None and x is not False for x in (steps, to, everything or None, module)) != 1:
        raise DreamcutError("choose exactly one of --steps N, --to ID, --all, --module NAME")
    backend = backend_for(url)
    with migration_lock(backend, out=out):
        applied_hashes = backend.get_applied_migration_hashes()
        by_hash = {m.yoyo.hash: m for m in catalog.migrations}
        applied = [by_hash[h] for h in applied_hashes if h in by_hash]
        if steps is not None:
            if steps < 1:
                raise DreamcutError(f"--steps must be at least 1, got {steps}")
            chosen = applied[-steps:]
        elif to is not None:
            target = catalog.by_id(to)
            if target not in applied:
                raise DreamcutError(f"--to {to}: that migration is not applied")
            keep = {target.id} | _ancestors(catalog, target)
            chosen = [m for m in applied if m.id not in keep]
        elif module is not None:
            installed = {m.module for m in applied}
            if module not in installed:
                raise DreamcutError(f"module {module} is not installed")
            dependants = sorted(o for o in installed if o != module and module in catalog.module_dependencies(o))
            if dependants:
                raise DreamcutError(
                    f"module {module} cannot be rolled back: installed modules depend on it: {', '.join(dependants)}"
                )
            chosen = [m for m in applied if m.module == module]
        else:
            chosen = applied
        done = []
        for m in reversed(chosen):
            try:
                with backend.transaction():
                    backend.execute(f"set local lock_timeout = '{LOCK_TIMEOUT}'")
                    m.yoyo.process_steps(backend, "rollback")
                    backend.unmark_one(m.yoyo, log=False)
                    backend.log_migration(m.yoyo, "rollback")
                    backend.execute(
                        f"delete from {BOOKKEEPING_SCHEMA}.migration_checksums where migration_id = :id", {"id": m.id}
                    )
            except backend.DatabaseError as exc:
                raise DreamcutError(f"rollback of {m.module}/{m.id} failed and was undone: {_describe(exc)}")
            out(f"rolled back {m.module}/{m.id}")
            done.append(m)
        return done
