"""``dreamcut-db distribute``: the installed modules spread over a Citus cluster (run on its coordinator after
``migrate``), recorded so that ``verify`` can judge the result and ``distribute --undo`` reverse it.

The SQL is in ``citus/`` (package data): ``plan.sql`` lists what is still to do, as steps in order (database
settings, PostgREST's pre-request function, policy forms without subqueries, distributed and reference tables
co-located per family, delegated functions, worker logins for the API roles) and what blocks the
distribution; ``record.sql`` creates ``dreamcut_private.citus_distribution``, where each step done is kept with
the statement that undoes it; ``check.sql`` lists what the record promises and the cluster no longer holds;
``restore.sql`` what ``undistribute_table`` loses (comments, the grants of the views it recreates).
This module runs them. docs/distributed.md says what each step is for.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import psycopg
from psycopg.types.json import Jsonb

from .database import connect
from .errors import DreamcutError

#: Steps whose statements change only the catalog of the coordinator's database: verify replays them on its
#: reference database, so the live catalog is compared with the migrations plus what distribute changed.
CATALOG_KINDS = ("pre-request", "policy")


def sql(name: str) -> str:
    """The text of ``citus/<name>`` (package data)."""
    return (resources.files(__package__) / "citus" / name).read_text()


@dataclass
class Step:
    """One step of the plan: ``kind`` (setting, pre-request, postgrest setting, policy, distributed table,
    reference table, stays on the coordinator, delegated function, worker login, blocked), the ``object``, its
    ``module``, a ``detail`` for people, ``spec`` (what verify checks: column, colocate_with, argument,
    value), the ``statement`` that does it and the ``undo`` that reverses it (None: nothing to run)."""

    kind: str
    object: str
    module: str
    detail: str
    spec: dict
    statement: str | None
    undo: str | None

    @property
    def line(self) -> str:
        return f"{self.kind} {self.object}: {self.detail}"


def _require_coordinator(conn: psycopg.Connection) -> None:
    if not conn.execute("select 1 from pg_extension where extname = 'citus'").fetchone():
        raise DreamcutError(
            f"database {conn.info.dbname} has no citus extension: distribute runs on a Citus coordinator "
            "(create extension citus there and on each worker, add the workers; see docs/distributed.md)")
    if not conn.execute("select pg_catalog.citus_is_coordinator()").fetchone()[0]:
        raise DreamcutError(f"{conn.info.host}:{conn.info.port} is not the Citus coordinator: run distribute there")
    if conn.execute("select to_regclass('dreamcut_private.installed_modules')").fetchone()[0] is None:
        raise DreamcutError(f"nothing is installed in database {conn.info.dbname}: run dreamcut-db migrate first")


def plan(conn: psycopg.Connection) -> list[Step]:
    """The steps still to do on ``conn`` (a connection to the coordinator), in order. Raises DreamcutError when
    the database is not on a Citus coordinator or has nothing installed."""
    _require_coordinator(conn)
    with conn.transaction():
        conn.execute("set local search_path = ''")
        return [Step(*row) for row in conn.execute(sql("plan.sql")).fetchall()]


def recorded(conn: psycopg.Connection) -> list[Step]:
    """The steps dreamcut-db distribute did on ``conn``'s database, in order (empty when none)."""
    if conn.execute("select to_regclass('dreamcut_private.citus_distribution')").fetchone()[0] is None:
        return []
    return [Step(*row) for row in conn.execute(
        "select kind, object, module, detail, spec, statement, undo from dreamcut_private.citus_distribution "
        "order by step")]


def _run(conn: psycopg.Connection, step: Step, statement: str) -> None:
    """Run one step's statement. One that runs on the workers returns run_command_on_workers' rows (nodename,
    nodeport, success, result): a row that did not succeed fails the step (DreamcutError naming the workers)."""
    cur = conn.execute(statement)
    if cur.description and [c.name for c in cur.description] == ["nodename", "nodeport", "success", "result"]:
        failed = [f"{host}:{port}: {result}" for host, port, ok, result in cur.fetchall() if not ok]
        if failed:
            raise DreamcutError(f"{step.kind} {step.object} failed on worker(s) {'; '.join(failed)}")


#: Steps that run on the workers through their own connections, which the coordinator's transaction does not
#: roll back: distribute runs them after its transaction commits, undo after its transaction commits.
WORKER_KINDS = ("worker login",)

#: Session settings of distribute's and undo's transaction: the package's triggers may be distributed with
#: their tables, and one connection per worker (Citus refuses DDL after a parallel operation in one transaction).
SESSION = ("set local search_path = ''", "set local citus.enable_unsafe_triggers = on",
           "set local citus.multi_shard_modify_mode = 'sequential'")


def _record(conn: psycopg.Connection, step: Step) -> None:
    conn.execute(
        "insert into dreamcut_private.citus_distribution (kind, object, module, detail, spec, statement, undo) "
        "values (%s, %s, %s, %s, %s, %s, %s)",
        (step.kind, step.object, step.module, step.detail, Jsonb(step.spec), step.statement, step.undo))


def _failed(what: str, step: Step, exc: psycopg.Error) -> DreamcutError:
    return DreamcutError(f"{what}{step.kind} {step.object} failed: {str(exc).strip().splitlines()[0]} "
                         f"[SQLSTATE {exc.sqlstate}]")


def distribute(url: str, dry_run: bool = False, out=print) -> list[Step]:
    """Do the plan on the coordinator at ``url`` and record each step; returns the steps done (with ``dry_run``,
    every step of the plan, changing nothing). The catalog steps run in one transaction, the worker logins after
    it commits. Raises DreamcutError, changing nothing, when something blocks the distribution (every blocker
    is listed) or a catalog step fails (naming it and the server's reason); a failed worker login leaves the
    steps before it done and recorded (running distribute again does the rest)."""
    with connect(url, autocommit=True) as conn:
        steps = plan(conn)
        if dry_run:
            for s in steps:
                out(s.line)
            return steps
        blocked = [s for s in steps if s.kind == "blocked"]
        if blocked:
            raise DreamcutError("cannot distribute; nothing was changed:\n  " + "\n  ".join(s.line for s in blocked))
        todo = [s for s in steps if s.statement]
        current = todo[0] if todo else None
        try:
            with conn.transaction():
                for setting in SESSION:
                    conn.execute(setting)
                conn.execute(sql("record.sql"))
                for current in (s for s in todo if s.kind not in WORKER_KINDS):
                    if current.statement.startswith("@"):
                        current.statement = sql(current.statement[1:])
                    _run(conn, current, current.statement)
                    _record(conn, current)
            for current in (s for s in todo if s.kind in WORKER_KINDS):
                _run(conn, current, current.statement)
                _record(conn, current)
        except psycopg.Error as exc:
            raise _failed("", current, exc) from exc
        for s in steps:
            out(s.line)
        return todo


def undo(url: str, out=print) -> list[Step]:
    """Reverse what distribute recorded on ``url``, newest step first, and drop the record; returns the steps
    undone (empty when distribute never ran there). The catalog steps are undone in one transaction, then the
    worker logins. Raises DreamcutError naming the step whose undo failed (a failed catalog step changes
    nothing)."""
    with connect(url, autocommit=True) as conn:
        _require_coordinator(conn)
        done = list(reversed(recorded(conn)))
        if not done:
            return []
        current = done[0]
        try:
            with conn.transaction():
                for setting in SESSION:
                    conn.execute(setting)
                restore = [line for line, in conn.execute(sql("restore.sql"))]
                for current in (s for s in done if s.kind not in WORKER_KINDS):
                    _run(conn, current, current.undo)
                    out(f"undone: {current.line}")
                for statement in restore:
                    conn.execute(statement)
                conn.execute("delete from dreamcut_private.citus_distribution where kind <> all(%s)",
                             (list(WORKER_KINDS),))
            for current in (s for s in done if s.kind in WORKER_KINDS):
                _run(conn, current, current.undo)
                conn.execute("delete from dreamcut_private.citus_distribution where kind = %s and object = %s",
                             (current.kind, current.object))
                out(f"undone: {current.line}")
            conn.execute("drop table dreamcut_private.citus_distribution")
            if any(s.kind == "delegated function" for s in done):
                # the workers' copy of the function metadata is refreshed only by a metadata sync
                conn.execute("select pg_catalog.start_metadata_sync_to_all_nodes()")
        except psycopg.Error as exc:
            raise _failed("undoing ", current, exc) from exc
        return done


def refuse_rollback(url: str) -> None:
    """``dreamcut-db rollback``'s guard: raises DreamcutError (one line) when distribute ran on the database at
    ``url`` (a rollback file cannot drop distributed tables as it drops plain ones, nor undo the distribution);
    returns and changes nothing on any other database."""
    with connect(url) as conn:
        if recorded(conn):
            raise DreamcutError(f"database {conn.info.dbname} is distributed over Citus: run dreamcut-db "
                                "distribute --undo first, then rollback (and distribute again after migrate)")


def judge(url: str, reference_url: str) -> list[dict]:
    """verify's hook: on a database distribute ran on (``url``), replay its catalog changes on verify's reference
    database (``reference_url``) and return the record's broken promises as verify's difference dicts
    (``object``, ``path``, ``problem``, ``line``). Returns [] and touches nothing on any other database."""
    with connect(url) as live:
        if not recorded(live):
            return []
        with connect(reference_url) as reference:
            replay_on_reference(live, reference)
        return [{"object": "citus", "path": "", "problem": line, "line": f"citus: {line}"} for line in check(live)]


def replay_on_reference(live: psycopg.Connection, reference: psycopg.Connection) -> None:
    """Apply to ``reference`` (verify's scratch database, migrated like the live one) the catalog changes
    distribute recorded on ``live`` (CATALOG_KINDS) and its record table, so the two compare equal when the
    live database is as distribute left it. Does nothing on a database distribute never ran on."""
    done = recorded(live)
    if not done:
        return
    with reference.transaction():
        reference.execute("set local search_path = ''")
        reference.execute(sql("record.sql"))
        for s in (s for s in done if s.kind in CATALOG_KINDS):
            try:
                with reference.transaction():
                    reference.execute(s.statement)
            except (psycopg.errors.UndefinedObject, psycopg.errors.UndefinedTable):
                pass  # its object was rolled back since: the live side has none either


def check(conn: psycopg.Connection) -> list[str]:
    """Problems of a distributed database: what its record promises and the cluster does not hold, and steps of
    the plan not done yet (tables or functions added since distribute ran). Empty when distribute never ran."""
    if not recorded(conn):
        return []
    with conn.transaction():
        conn.execute("set local search_path = ''")
        problems = [line for line, in conn.execute(sql("check.sql"))]
    problems += [f"{s.line}: not done yet (run dreamcut-db distribute)" for s in plan(conn) if s.statement
                 or s.kind == "blocked"]
    return problems
