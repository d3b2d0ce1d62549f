"""Migrate, roll back and report status through yoyo, holding its lock, with checksums yoyo does not keep.

yoyo does the bookkeeping (``_yoyo_migration``, ``_yoyo_log``, ``yoyo_lock`` in schema dreamcut_migrations)
and runs the SQL; this module adds what yoyo leaves out:

* the lock: yoyo's Python API does not take it. We take a session advisory lock first (released by the
  server when the session dies) and then yoyo's lock row. A lock row with no live advisory holder was left by
  a crashed run: it is cleared, saying so. A live holder is named (pid, since when) and waited for.
* atomicity: each migration, its yoyo mark and its checksum commit in one transaction. A migration marked
  ``-- transactional: false`` (yoyo's directive, for ``create index concurrently`` and the like) is one
  statement run outside a transaction, its bookkeeping committed right after; what a failed one leaves behind
  (an invalid index, a partition pending detach) is named.
* checksums: sha256 of each applied migration's files, so an applied file edited later is reported.
* modules: ``--module`` installs a module and what it depends on; before changing anything, every pending
  migration is tried in a transaction that is rolled back, so a collision with an object the package did not
  create (a legacy ``jobs`` table) stops the run with the database unchanged. The trial stops at a migration
  that runs outside a transaction (it cannot be tried without really running); what follows it is tried once
  it is applied.
* rollback plans: what a rollback would undo (exactly the migrations asked for and those that depend on
  them, newest first) and which tables it would drop with how many rows, found by running the rollback files
  in a transaction that is rolled back; a rollback that drops rows needs a confirmation.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import psycopg
from psycopg import sql
from yoyo import get_backend
from yoyo.migrations import MigrationStep

from .database import BOOKKEEPING_SCHEMA, connect, yoyo_url
from .errors import DreamcutError
from .modules import Migration, MigrationSet

#: pg_advisory_lock key of dreamcut-db runs (two int4: 'dcdb' and 1).
LOCK_KEY = (0x64636462, 1)
#: advisory lock key that serializes the creation of the bookkeeping schema.
PREPARE_LOCK_KEY = (0x64636462, 2)
#: lock_timeout of each migration transaction: a migration waits at most this long for a table lock.
LOCK_TIMEOUT = os.environ.get("DREAMCUT_LOCK_TIMEOUT", "10s")
#: The package's own registries, written by the migrations themselves: a plan shows their rows, but they are
#: no reason to ask for a confirmation.
REGISTRY_TABLES = frozenset({"dreamcut_private.installed_modules", "dreamcut_private.package_owned_objects"})


def _execute_quietly(self, cursor, stmt, out=None, _execute=MigrationStep._execute):
    """yoyo prints the rows of every statement that returns some (a rollback's ``select helper(...)``) as a
    table on stdout, and its API has no way to say where: the runner's output is its own lines only."""
    return _execute(self, cursor, stmt, out=io.StringIO())


MigrationStep._execute = _execute_quietly


@dataclass
class Applied:
    """One applied migration as the database records it."""

    id: str
    applied_at: datetime
    checksum: str | None
    #: as the runner recorded it (None: recorded by something else, e.g. yoyo's own CLI)
    module: str | None = None

    @property
    def ref(self) -> str:
        """``module/id`` as the runner prints migrations, the bare id when the module was not recorded."""
        return f"{self.module}/{self.id}" if self.module else self.id


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
        """One line per applied-migration drift (changed file, unknown migration, gap), empty when clean; each
        names the migration as ``module/id``."""
        ref = {a.id: a.ref for a in self.applied} | {m.id: m.ref for m in self.pending}
        return (
            [f"migration {ref[m]}: file changed since it was applied (checksum differs)" for m in self.changed]
            + [f"migration {ref[m]}: applied in the database but missing from the package" for m in self.unknown]
            + [f"migration {ref[m]}: pending but a later migration of its module is applied (gap)" for m in self.gaps]
        )


def read_applied(url: str) -> list[Applied]:
    """Applied migrations in the order they were applied; empty when the database has no bookkeeping yet."""
    with connect(url) as conn:
        if not conn.execute("select to_regclass(%s)", (f"{BOOKKEEPING_SCHEMA}._yoyo_migration",)).fetchone()[0]:
            return []
        has_sums = conn.execute("select to_regclass(%s)", (f"{BOOKKEEPING_SCHEMA}.migration_checksums",)).fetchone()[0]
        rows = conn.execute(
            f"""select m.migration_id, m.applied_at_utc, {'c.sha256, c.module' if has_sums else 'null, null'}
                from {BOOKKEEPING_SCHEMA}._yoyo_migration m
                {f'left join {BOOKKEEPING_SCHEMA}.migration_checksums c using (migration_id)' if has_sums else ''}
                order by m.applied_at_utc, m.migration_id"""
        ).fetchall()
    return [Applied(*row) for row in rows]


def status(url: str, mset: MigrationSet) -> Status:
    """Compare the applied migrations of ``url`` with ``mset``."""
    applied = read_applied(url)
    ids = {a.id for a in applied}
    known = {m.id: m for m in mset.migrations}
    for a in applied:
        a.module = known[a.id].module if a.id in known else a.module
    st = Status(applied=applied, pending=[m for m in mset.migrations if m.id not in ids])
    st.changed = [a.id for a in applied if a.id in known and a.checksum and a.checksum != known[a.id].checksum]
    st.unknown = [a.id for a in applied if a.id not in known]
    for module in mset.modules:
        own = mset.of_modules([module])
        seq = [m.id in ids for m in own]
        last_applied = max((i for i, ok in enumerate(seq) if ok), default=-1)
        st.gaps += [own[i].id for i in range(last_applied) if not seq[i]]
        if any(seq):
            st.installed_modules.append(module)
    return st


@dataclass
class Run:
    """One runner invocation on one database: yoyo's backend (its connection holds the migration lock) and
    whether this invocation created the bookkeeping schema, so that a run which changes nothing can leave the
    database exactly as it found it."""

    backend: object
    created_bookkeeping: bool
    changed: bool = False

    @property
    def connection(self) -> psycopg.Connection:
        return self.backend.connection


def open_run(url: str) -> Run:
    """A Run on ``url`` whose yoyo bookkeeping tables are in schema dreamcut_migrations (created if needed).

    Creation is serialized by an advisory lock (concurrent ``create ... if not exists`` can collide). Raises
    DreamcutError when the database cannot be reached.
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
    return Run(backend, created)


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
def migration_lock(run: Run, timeout: float = 10.0, out=print):
    """Hold the migration lock: an advisory lock (liveness) plus yoyo's lock row (what yoyo's CLI honours).

    Waits up to ``timeout`` seconds for a live holder, then raises DreamcutError naming it. A yoyo lock row
    with no live holder is stale (its run crashed): it is removed, with a line on ``out`` saying so. On the
    way out, a bookkeeping schema this run created and left unused is dropped again.
    """
    conn = run.connection
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
            run.backend.break_lock()
        with run.backend.lock(timeout=timeout):
            yield
    finally:
        if not conn.closed:
            if run.created_bookkeeping and not run.changed:
                conn.execute(f"drop schema if exists {BOOKKEEPING_SCHEMA} cascade")
            conn.execute("select pg_advisory_unlock(%s, %s)", LOCK_KEY)


def break_lock(url: str) -> bool:
    """Remove yoyo's lock row if no live dreamcut-db session holds the lock. Returns True if a row was removed.

    Raises DreamcutError when the lock is held by a live session (that lock is not stale).
    """
    run = open_run(url)
    conn = run.connection
    if not conn.execute("select pg_try_advisory_lock(%s, %s)", LOCK_KEY).fetchone()[0]:
        raise DreamcutError(f"the migration lock is held by a live run: {_lock_holder(conn)}; not breaking it")
    try:
        had = conn.execute(f"select count(*) from {BOOKKEEPING_SCHEMA}.yoyo_lock").fetchone()[0] > 0
        run.backend.break_lock()
        return had
    finally:
        conn.execute("select pg_advisory_unlock(%s, %s)", LOCK_KEY)


@contextmanager
def _transaction(backend, rollback_on_exit: bool = False):
    """A yoyo transaction with the runner's ``lock_timeout``: committed, or with ``rollback_on_exit`` always
    rolled back (a trial); rolled back on any error."""
    with backend.transaction(rollback_on_exit=rollback_on_exit):
        backend.execute(f"set local lock_timeout = '{LOCK_TIMEOUT}'")
        yield


def _describe(exc: Exception) -> str:
    diag = getattr(exc, "diag", None)
    text = (diag.message_primary if diag and diag.message_primary else str(exc)).strip().splitlines()[0]
    code = getattr(exc, "sqlstate", None)
    return f"{text} [SQLSTATE {code}]" if code else text


#: Per direction: the bookkeeping a migration's transaction writes, the progress verb, the failure wording.
_BOOKKEEPING = {
    "apply": (
        f"""insert into {BOOKKEEPING_SCHEMA}.migration_checksums (migration_id, module, sha256)
            values (:id, :module, :sha)
            on conflict (migration_id) do update set sha256 = excluded.sha256, applied_at = now()""",
        "applied", "migration {ref} failed and was rolled back",
    ),
    "rollback": (
        f"delete from {BOOKKEEPING_SCHEMA}.migration_checksums where migration_id = :id",
        "rolled back", "rollback of {ref} failed and was undone",
    ),
}

#: What a statement that failed outside a transaction can leave behind: an invalid index (a failed ``create
#: index concurrently``, ``reindex concurrently`` or ``drop index concurrently``) and a partition pending
#: detach (a failed ``detach partition ... concurrently``), each with the statement that clears it.
_LEFTOVERS = """
select format('invalid index %s on %s', i.indexrelid::regclass, i.indrelid::regclass),
       format('drop index concurrently %s', i.indexrelid::regclass)
from pg_catalog.pg_index i where not i.indisvalid
union all
select format('partition %s of %s pending detach', h.inhrelid::regclass, h.inhparent::regclass),
       format('alter table %s detach partition %s finalize', h.inhparent::regclass, h.inhrelid::regclass)
from pg_catalog.pg_inherits h where h.inhdetachpending
"""


def _bookkeep(backend, m: Migration, direction: str, operation: str | None = None) -> None:
    """yoyo's mark (or unmark) and log rows of ``m`` and its checksum row, in the current transaction."""
    (backend.mark_one if direction == "apply" else backend.unmark_one)(m.yoyo, log=False)
    backend.log_migration(m.yoyo, operation or direction)
    backend.execute(_BOOKKEEPING[direction][0], {"id": m.id, "module": m.module, "sha": m.checksum})


def record(run: Run, m: Migration, operation: str = "apply") -> None:
    """Write, in ``run``'s current transaction, that ``m`` is applied: yoyo's mark and log rows and its
    checksum, as a migrate run does. ``operation``: "apply" when its SQL ran, "mark" when it is recorded
    without running (``adopt``: the objects were there already). The caller commits, and sets ``run.changed``."""
    _bookkeep(run.backend, m, "apply", operation)


def _outside_transaction(run: Run, m: Migration, direction: str) -> None:
    """Run the one statement of a ``-- transactional: false`` migration (or of its rollback) on its own, as
    yoyo does, with the runner's ``lock_timeout`` (which also bounds a concurrent build's wait for older
    transactions), then its bookkeeping in one transaction. Raises DreamcutError when the statement fails:
    the migration's record is unchanged, and what the statement left behind is named with its remedy."""
    backend, conn = run.backend, run.connection
    before = set(conn.execute(_LEFTOVERS).fetchall())
    backend.execute(f"set lock_timeout = '{LOCK_TIMEOUT}'")
    try:
        m.yoyo.process_steps(backend, direction)
    except backend.DatabaseError as exc:
        left = [row for row in conn.execute(_LEFTOVERS).fetchall() if row not in before]
        state = "not recorded as applied" if direction == "apply" else "still recorded as applied"
        rest = ("; left behind: " + "; ".join(f"{what} (remove it: {fix})" for what, fix in left)
                + f", then rerun dreamcut-db {'migrate' if direction == 'apply' else 'rollback'}") if left else \
            "; nothing of it was left behind"
        raise DreamcutError(f"{'migration' if direction == 'apply' else 'rollback of'} {m.ref} failed outside a "
                            f"transaction (-- transactional: false): {_describe(exc)}; it is {state}{rest}")
    finally:
        backend.execute("reset lock_timeout")
    with _transaction(backend):
        _bookkeep(backend, m, direction)


def _commit_each(run: Run, migrations: list[Migration], direction: str, out, done: list[Migration]) -> None:
    """Apply (``direction`` "apply") or roll back ("rollback") ``migrations`` in the order given, each in its
    own transaction together with yoyo's mark and log rows and the checksum row (a ``-- transactional: false``
    one: its statement alone, then that bookkeeping). Appends each to ``done`` (which may already list earlier
    ones of the same run); raises DreamcutError naming the failed one (the ones before it committed)."""
    backend = run.backend
    _checksum_sql, verb, failure = _BOOKKEEPING[direction]
    for m in migrations:
        try:
            if m.transactional:
                with _transaction(backend):
                    m.yoyo.process_steps(backend, direction)
                    _bookkeep(backend, m, direction)
            else:
                _outside_transaction(run, m, direction)
        except (backend.DatabaseError, DreamcutError) as exc:
            message = str(exc) if isinstance(exc, DreamcutError) else failure.format(ref=m.ref) + f": {_describe(exc)}"
            raise DreamcutError(message + (f" ({verb} before it: {', '.join(d.ref for d in done)})" if done else ""))
        run.changed = True
        out(f"{verb} {m.ref}")
        done.append(m)


def _trial(backend, migrations: list[Migration]) -> tuple[tuple[Migration, Exception] | None, list[Migration]]:
    """Apply ``migrations`` in one transaction and always roll it back, stopping before the first that runs
    outside a transaction (it cannot be tried without really running). Returns the first failure or None, and
    the migrations not tried (from that first non-transactional one on; empty when all were tried)."""
    cut = next((i for i, m in enumerate(migrations) if not m.transactional), len(migrations))
    current = None
    try:
        with _transaction(backend, rollback_on_exit=True):
            for current in migrations[:cut]:
                current.yoyo.process_steps(backend, "apply")
    except backend.DatabaseError as exc:
        return (current, exc), migrations[cut:]
    return None, migrations[cut:]


def _applied(run: Run, mset: MigrationSet) -> list[Migration]:
    """The package's migrations applied in ``run``'s database, oldest first (unknown ones left out)."""
    by_hash = {m.yoyo.hash: m for m in mset.migrations}
    return [by_hash[h] for h in run.backend.get_applied_migration_hashes() if h in by_hash]


def _installable_hint(run: Run, mset: MigrationSet, selected: list[str]) -> str:
    """After a failed trial: the modules that would install alone here, as a sentence with the command."""
    applied = {m.id for m in _applied(run, mset)}
    ok = [module for module in selected
          if _trial(run.backend, [m for m in mset.of_modules(mset.closure([module])) if m.id not in applied])[0] is None]
    if not ok:
        return ""
    # Name only the modules no other installable one needs: installing those installs the rest.
    tops = [m for m in ok if not mset.module_dependants(m) & set(ok)]
    return (f" Modules that can still be installed here: {', '.join(ok)} "
            f"(dreamcut-db migrate {' '.join('--module ' + m for m in tops)}).")


def migrate(
    url: str,
    mset: MigrationSet,
    modules: list[str] | None = None,
    to: str | None = None,
    dry_run: bool = False,
    out=print,
    only: list[str] | None = None,
    lock_wait: float = 10.0,
) -> list[Migration]:
    """Apply the pending migrations of ``modules`` (and their dependencies; None: all) up to ``to`` (an id,
    ``module/id`` or bare: that migration and what it needs).

    Every pending migration is first tried in one transaction that is rolled back; if one fails, nothing is
    applied and DreamcutError names the migration, the reason and the modules that can still be installed.
    Then each migration commits in its own transaction with its yoyo mark and checksum. The trial stops before
    a ``-- transactional: false`` migration (``out`` says so): the migrations before it are tried and applied,
    then it, then the rest is tried the same way. Returns the applied (or, with ``dry_run``, the would-be-applied)
    migrations. ``only`` restricts the run to those ids (verify uses it to rebuild exactly the live database's
    set). ``lock_wait``: seconds to wait for a live lock holder. A run that changes nothing also leaves no
    bookkeeping schema behind if it created it.
    """
    selected = mset.closure(modules)
    wanted = None
    if to is not None:
        target = mset.by_id(to)
        wanted = {target.id} | mset.ancestors({target.id})
    if only is not None:
        wanted = set(only) if wanted is None else wanted & set(only)
    run = open_run(url)
    with migration_lock(run, timeout=lock_wait, out=out):
        applied = {m.id for m in _applied(run, mset)}
        pending = [m for m in mset.of_modules(selected)
                   if m.id not in applied and (wanted is None or m.id in wanted)]
        done: list[Migration] = []
        rest = pending
        while rest:
            failure, untried = _trial(run.backend, rest)
            if failure:
                failed, exc = failure
                if done:
                    raise DreamcutError(
                        f"migration {failed.ref} cannot be applied: {_describe(exc)}. The trial could reach it only "
                        f"after the migration outside a transaction before it was applied; applied: "
                        f"{', '.join(m.ref for m in done)}; nothing after those was changed.")
                hint = _installable_hint(run, mset, selected) if len(selected) > 1 else ""
                raise DreamcutError(f"migration {failed.ref} cannot be applied: {_describe(exc)}. Nothing was changed.{hint}")
            if untried:
                out(f"trial: stopped at {untried[0].ref}, which runs outside a transaction (-- transactional: false): "
                    + (f"it and the {len(untried) - 1} migration(s) after it were not tried" if dry_run
                       else "the migrations after it are tried once it is applied"))
            if dry_run:
                return pending
            _commit_each(run, rest[:len(rest) - len(untried) + 1], "apply", out, done)
            rest = untried[1:]
        return done


@dataclass
class RollbackStep:
    """One migration of a rollback plan and the tables its rollback file drops: qualified name -> rows now.
    ``untried``: a measured plan could not run this rollback (it runs outside a transaction), so its drops are
    not known (such a statement drops an index or detaches a partition, never a table)."""

    migration: Migration
    drops: dict[str, int]
    untried: bool = False


@dataclass
class RollbackPlan:
    """What a rollback would do, newest migration first."""

    steps: list[RollbackStep]

    @property
    def migrations(self) -> list[Migration]:
        return [s.migration for s in self.steps]

    @property
    def rows_at_stake(self) -> dict[str, int]:
        """The dropped tables that hold rows (the package's registries aside): qualified name -> row count."""
        return {t: n for s in self.steps for t, n in s.drops.items() if n and t not in REGISTRY_TABLES}

    def lines(self) -> list[str]:
        """The plan as printed: a header, then one line per migration with the tables it drops."""
        out = [f"rollback plan: {len(self.steps)} migration(s), newest first"]
        for s in self.steps:
            drops = ", ".join(f"{t} ({n} row{'s' if n != 1 else ''})" for t, n in s.drops.items())
            out.append(f"  {s.migration.ref}" + (f"  drops {drops}" if drops else "")
                       + ("  (runs outside a transaction: not tried)" if s.untried else ""))
        return out


def _choose(mset: MigrationSet, applied: list[Migration], steps, to, everything, module) -> list[Migration]:
    """The applied migrations a rollback form names, newest first. Raises DreamcutError on a bad choice."""
    if sum(x is not None and x is not False for x in (steps, to, everything or None, module)) != 1:
        raise DreamcutError("choose exactly one of --steps N, --to ID, --all, --module NAME")
    if steps is not None:
        if steps < 1:
            raise DreamcutError(f"--steps must be at least 1, got {steps}")
        if steps > len(applied):
            raise DreamcutError(
                f"--steps {steps}: only {len(applied)} migration(s) are applied"
                + (" (rollback --all rolls back every one)" if applied else ""))
        chosen = applied[-steps:]
    elif to is not None:
        target = mset.by_id(to)
        if target not in applied:
            raise DreamcutError(f"--to {target.ref}: that migration is not applied (dreamcut-db status lists what is)")
        own = mset.of_modules([target.module])
        after = {m.id for m in own[own.index(target) + 1:]}
        wanted = after | mset.descendants(after)
        chosen = [m for m in applied if m.id in wanted]
    elif module is not None:
        installed = {m.module for m in applied}
        if module not in mset.modules:
            mset.closure([module])  # raises: unknown module, naming the known ones
        if module not in installed:
            raise DreamcutError(f"module {module} is not installed")
        dependants = sorted(mset.module_dependants(module) & installed)
        if dependants:
            raise DreamcutError(
                f"module {module} cannot be rolled back: installed modules depend on it: {', '.join(dependants)} "
                f"(roll those back first)")
        chosen = [m for m in applied if m.module == module]
    else:
        chosen = applied
    return list(reversed(chosen))


_TABLES = """select c.oid, n.nspname, c.relname from pg_catalog.pg_class c
             join pg_catalog.pg_namespace n on n.oid = c.relnamespace
             where c.relkind in ('r', 'p') and n.nspname <> all (%s) and n.nspname not like 'pg\\_%%'"""


def _plan(run: Run, migrations: list[Migration]) -> RollbackPlan:
    """Run the rollback files of ``migrations`` (newest first) in one transaction that is rolled back, noting
    which tables each drops, then count those tables' rows. A ``-- transactional: false`` rollback cannot run
    there: it is left out (marked untried) and the older ones are tried without it. Raises DreamcutError if a
    rollback file fails."""
    conn, backend = run.connection, run.backend
    skip = ["information_schema", BOOKKEEPING_SCHEMA]
    drops: list[list[tuple[str, str]]] = []
    current = None
    try:
        with _transaction(backend, rollback_on_exit=True):
            before = {oid: (ns, rel) for oid, ns, rel in conn.execute(_TABLES, (skip,))}
            for current in migrations:
                if current.transactional:
                    current.yoyo.process_steps(backend, "rollback")
                now = {oid for oid, _ns, _rel in conn.execute(_TABLES, (skip,))}
                drops.append([name for oid, name in before.items() if oid not in now])
                before = {oid: name for oid, name in before.items() if oid in now}
    except backend.DatabaseError as exc:
        untried = [m.ref for m in migrations[:migrations.index(current)] if not m.transactional]
        raise DreamcutError(f"rollback of {current.ref} would fail: {_describe(exc)}"
                            + (f" (tried without the rollback of {', '.join(untried)} before it, which runs outside "
                               "a transaction and cannot be tried)" if untried else "") + ". Nothing was changed.")
    steps = []
    with _transaction(backend, rollback_on_exit=True):
        for m, names in zip(migrations, drops):
            steps.append(RollbackStep(m, {
                f"{ns}.{rel}": conn.execute(sql.SQL("select count(*) from {}").format(sql.Identifier(ns, rel))).fetchone()[0]
                for ns, rel in sorted(names)}, untried=not m.transactional))
    return RollbackPlan(steps)


def rollback(
    url: str,
    mset: MigrationSet,
    steps: int | None = None,
    to: str | None = None,
    everything: bool = False,
    module: str | None = None,
    dry_run: bool = False,
    confirm: Callable[[RollbackPlan], bool] | None = None,
    out=print,
) -> list[Migration]:
    """Roll back through the ``.rollback.sql`` files, newest first, each in its own transaction.

    Exactly one of: ``steps`` (the last N applied; refused when fewer are applied), ``to`` (an id, ``module/id``
    or bare: the migrations of its module applied after it, and first every applied migration that depends on
    one of those, nothing else), ``everything``, ``module`` (one module; refused, naming them, while
    installed modules depend on it). The plan is printed on ``out`` before anything happens (RollbackPlan.lines).
    With ``dry_run`` or ``confirm`` the plan also names the tables each migration drops with their rows now
    (the rollback files run first in a transaction that is rolled back); ``dry_run`` stops there, and when
    tables holding rows would be dropped the rollback goes ahead only if ``confirm(plan)`` returns True, else
    DreamcutError says to pass --yes. Returns the rolled-back (with ``dry_run``: the planned) migrations.
    Raises DreamcutError on a bad choice or a failed rollback file.
    """
    run = open_run(url)
    with migration_lock(run, out=out):
        chosen = _choose(mset, _applied(run, mset), steps, to, everything, module)
        if not chosen:
            out("rollback plan: nothing to roll back")
            return []
        plan = _plan(run, chosen) if dry_run or confirm else RollbackPlan([RollbackStep(m, {}) for m in chosen])
        for line in plan.lines():
            out(line)
        if dry_run:
            return plan.migrations
        at_stake = plan.rows_at_stake
        if at_stake and not confirm(plan):
            rows = sum(at_stake.values())
            raise DreamcutError(
                f"this rollback drops {len(at_stake)} table(s) holding {rows} row(s) ({', '.join(at_stake)}): "
                "nothing was rolled back; rerun with --yes to confirm (--dry-run shows the plan)")
        done: list[Migration] = []
        _commit_each(run, plan.migrations, "rollback", out, done)
        return done
