"""A throwaway Citus cluster for the tests: a coordinator and workers on 127.0.0.1, each its own PostgreSQL 15.

Citus 13 is an extension of Debian's postgresql-15 (``citus.so`` in its lib directory). Each node is a data
directory under one temporary root, initialised once and copied (initdb costs seconds on a loaded machine),
run by ``pg_ctl`` as an unprivileged OS user (PostgreSQL refuses root: as root the nodes run as ``citus``,
created if missing), with trust authentication on loopback, ``shared_preload_libraries = 'citus'`` and
``wal_level = logical`` (shard moves copy by logical replication), and 4 shards per distributed table instead
of Citus's 32 (distributing ~30 tables stays a matter of seconds; two shards per worker still spread every
family over both). Ports are free ones the OS hands out.
Everything the package needs from Citus beyond that, ``dreamcut-db distribute`` sets up itself.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

#: Debian's postgresql-15; Citus for PostgreSQL 15 installs its library here.
BINDIR = Path("/usr/lib/postgresql/15/bin")
CITUS_LIBRARY = Path("/usr/lib/postgresql/15/lib/citus.so")
#: The modules whose families are keyed for distribution (issue 14 part 1), migrated and distributed by the
#: Citus tests; the others join as their keys land.
DISTRIBUTED_MODULES = ["dreamcut", "render", "content", "multimedia"]
#: Tables of each module's family (root first) that distribute distributes.
FAMILY_TABLES = {
    "dreamcut": ["dreamcut_queries", "dreamcut_assets", "dreamcut_messages"],
    "render": ["jobs", "elements", "storage_operations", "processing_timeline", "url_access_logs"],
    "content": ["companies", "employees", "cm_course_plans", "cm_research_results", "cm_module_content",
                "cm_quality_assessments", "cm_enhancement_sessions"],
    "multimedia": ["mm_multimedia_sessions", "mm_multimedia_assets", "mm_audio_narrations", "mm_slide_presentations",
                   "mm_rendering_queue"],
    "storyboard": ["video_projects", "project_scenes", "scene_shots", "shot_images", "storyboard_selections"],
}
#: The OS user the nodes run as when the tests run as root.
OS_USER = "citus"
#: Settings of every node (appended to its postgresql.conf).
NODE_SETTINGS = """
listen_addresses = '127.0.0.1'
shared_preload_libraries = 'citus'
wal_level = logical
max_connections = 200
citus.shard_count = 4
fsync = off
synchronous_commit = off
full_page_writes = off
"""


def absent_reason() -> str | None:
    """Why a Citus cluster cannot run on this machine (a sentence), or None when it can."""
    if not (BINDIR / "postgres").exists():
        return f"PostgreSQL 15 is not installed ({BINDIR}/postgres missing)"
    if not CITUS_LIBRARY.exists():
        return f"Citus is not installed for PostgreSQL 15 ({CITUS_LIBRARY} missing)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Node:
    port: int
    datadir: Path

    def url(self, dbname: str = "postgres", user: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}"


class Cluster:
    """Nodes under one temporary directory: ``start()`` the coordinator and ``workers`` workers, ``add_worker()``
    later, ``create_database(name)`` (on every node, with the citus extension and the workers registered on the
    coordinator), ``stop()`` removes everything."""

    def __init__(self, workers: int = 2) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="dreamcut-citus-"))
        self._user = None
        if os.geteuid() == 0:
            try:
                pwd.getpwnam(OS_USER)
            except KeyError:
                subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", OS_USER],
                               check=True)
            self._user = OS_USER
            shutil.chown(self.root, OS_USER)
        self.initial_workers = workers
        self.coordinator: Node | None = None
        self.workers: list[Node] = []
        self.databases: list[str] = []

    def _run(self, *args: str) -> None:
        # HOME: libpq in the nodes (Citus's connections between them) reads ~/.postgresql of the OS user
        proc = subprocess.run(args, user=self._user, capture_output=True, text=True, cwd=self.root,
                              env={**os.environ, "HOME": str(self.root)})
        if proc.returncode:
            raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout}")

    def _new_node(self) -> Node:
        seed = self.root / "seed"
        if not seed.exists():
            self._run(str(BINDIR / "initdb"), "-D", str(seed), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                      "--locale=C.UTF-8", "--no-sync")
        port = _free_port()
        node = Node(port, self.root / f"node{port}")
        self._run("cp", "-a", str(seed), str(node.datadir))
        with open(node.datadir / "postgresql.conf", "a") as conf:
            conf.write(NODE_SETTINGS + f"port = {port}\nunix_socket_directories = '{self.root}'\n")
        self._run(str(BINDIR / "pg_ctl"), "-D", str(node.datadir), "-l", str(node.datadir / "server.log"),
                  "-w", "-t", "120", "start")
        return node

    def start(self) -> "Cluster":
        self.coordinator = self._new_node()
        for _ in range(self.initial_workers):
            self.workers.append(self._new_node())
        return self

    def _prepare(self, node: Node, dbname: str) -> None:
        with psycopg.connect(node.url(), autocommit=True) as conn:
            conn.execute(f'create database "{dbname}"')
        with psycopg.connect(node.url(dbname), autocommit=True) as conn:
            conn.execute("create extension citus")

    def create_database(self, dbname: str, add_workers: bool = True) -> str:
        """Create ``dbname`` on every node with the citus extension, register the workers in it (unless
        ``add_workers`` is false: then ``add_workers(dbname)`` later); return its URL on the coordinator."""
        for node in [self.coordinator, *self.workers]:
            self._prepare(node, dbname)
        with psycopg.connect(self.coordinator.url(dbname), autocommit=True) as conn:
            conn.execute("select citus_set_coordinator_host('127.0.0.1', %s)", (self.coordinator.port,))
        self.databases.append(dbname)
        if add_workers:
            self.add_workers(dbname)
        return self.coordinator.url(dbname)

    def add_workers(self, dbname: str) -> None:
        """Register the running workers in ``dbname`` on the coordinator (Citus copies the roles, schemas,
        types and functions created there so far onto them)."""
        with psycopg.connect(self.coordinator.url(dbname), autocommit=True) as conn:
            for w in self.workers:
                conn.execute("select citus_add_node('127.0.0.1', %s)", (w.port,))

    def add_worker(self) -> Node:
        """Start one more worker, prepare every database of the cluster on it and add it to their metadata."""
        node = self._new_node()
        self.workers.append(node)
        for dbname in self.databases:
            self._prepare(node, dbname)
            with psycopg.connect(self.coordinator.url(dbname), autocommit=True) as conn:
                conn.execute("select citus_add_node('127.0.0.1', %s)", (node.port,))
        return node

    def stop(self) -> None:
        for node in reversed([n for n in [self.coordinator, *self.workers] if n]):
            try:
                self._run(str(BINDIR / "pg_ctl"), "-D", str(node.datadir), "-m", "immediate", "-w", "stop")
            except RuntimeError:
                pass  # not running (a start that failed half way)
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def as_role(conn: psycopg.Connection, role: str, claims: str | None = None):
    """One PostgREST request of ``role`` (with the JWT ``claims``, a JSON text) on the coordinator, in its own
    transaction, committed: the role and claims set as PostgREST does, then the pre-request distribute
    configures (public.citus_pre_request), so the workers see them. Yields the connection."""
    with conn.transaction():
        conn.execute("select set_config('role', %s, true), set_config('request.jwt.claims', %s, true)",
                     (role, claims or f'{{"role": "{role}"}}'))
        conn.execute("select public.citus_pre_request()")
        yield conn


def nodes_of(conn: psycopg.Connection, table: str, keys: list[str]) -> int:
    """On how many workers the shards of ``table`` holding these distribution ``keys`` are."""
    return conn.execute(
        "select count(distinct s.nodeport) from unnest(%s::text[]) k "
        "join citus_shards s on s.shardid = get_shard_id_for_distribution_column(%s, k)",
        (keys, table)).fetchone()[0]


def on_both_workers(conn: psycopg.Connection, table: str, make, count: int) -> list:
    """At least ``count`` new rows of ``table`` (a family root) made by ``make()`` (returns the new key), more
    until their shards are on both workers (random keys: ``count`` alone would all land on one worker now and
    then); the keys in order."""
    keys = [make() for _ in range(count)]
    while nodes_of(conn, table, [str(k) for k in keys]) < 2:
        assert len(keys) < count + 32, f"{len(keys)} keys of {table} all on one worker"
        keys.append(make())
    return keys
