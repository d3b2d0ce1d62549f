"""Render jobs and queues (modules ``render`` and ``multimedia``): rate limiting, retention, queue claiming.

These modules are built by other people; each benchmark first checks that the function it measures exists
(after migrating every module of this checkout) and otherwise reports "skipped: module X not on main".
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from .common import Result, bulk_load, median, skipped
from .dreamcut import HELPERS


def function_exists(srv, db: str, name: str, schema: str = "public") -> bool:
    with srv.admin(db) as conn:
        return bool(conn.execute(
            "select exists (select from pg_proc where proname = %s and pronamespace = to_regnamespace(%s))",
            (name, schema),
        ).fetchone()[0])


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) one server process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Probe(threading.Thread):
    """A concurrent writer: runs ``sql`` every 20 ms in autocommit and keeps its slowest latency."""

    def __init__(self, srv, db: str, sql: str) -> None:
        super().__init__(daemon=True)
        self.srv, self.db, self.sql = srv, db, sql
        self.stop = threading.Event()
        self.latencies: list[float] = []
        self.start()

    def run(self) -> None:
        with self.srv.session(self.db) as conn:
            while not self.stop.is_set():
                t = time.perf_counter()
                conn.execute(self.sql)
                self.latencies.append(time.perf_counter() - t)
                time.sleep(0.02)

    def finish(self) -> str:
        self.stop.set()
        self.join()
        lat = sorted(self.latencies)
        return (f"a concurrent writer ({len(lat)} single-row writes to the same table during the run) waited at most "
                f"{lat[-1] * 1000:.0f} ms (median {median(lat) * 1000:.1f} ms)") if lat else "no concurrent write"


# ---------------------------------------------------------------------------------------------------------
# check_rate_limit at 8 connections
# ---------------------------------------------------------------------------------------------------------

def rate_limit(srv, template: str, cfg) -> list[Result]:
    target = "check_rate_limit holds its counts at 8 connections (no lost count)"
    db = srv.clone(template)
    try:
        if not function_exists(srv, db, "check_rate_limit"):
            return [skipped("rate_limit", target, "module render not on main (no function check_rate_limit)")]
        r = Result("rate_limit", target)
        per_client = 250 if cfg.reps == 1 else 1000
        total = 8 * per_client
        hot = ("select public.check_rate_limit('bench-hot-key', " + str(total) + ", interval '1 day');\n")
        with srv.admin(db) as conn:
            day0 = conn.execute("select date_bin(interval '1 day', now(), timestamptz '2000-01-01 00:00:00+00')").fetchone()[0]
        run8 = srv.run_pgbench(db, {"hot_key": hot}, clients=8, transactions=per_client)
        with srv.session(db) as conn:
            day1 = conn.execute("select date_bin(interval '1 day', now(), timestamptz '2000-01-01 00:00:00+00')").fetchone()[0]
            # Implementation-independent check: the limit is the number of calls made, so the next call is
            # the first over it exactly when every call was counted.
            last_ok = conn.execute("select public.check_rate_limit('bench-hot-key', %s, interval '1 day')",
                                   (total + 1,)).fetchone()[0]
            over = conn.execute("select public.check_rate_limit('bench-hot-key', %s, interval '1 day')",
                                (total + 1,)).fetchone()[0]
        exact = last_ok is True and over is False
        r.line(f"8 connections x {per_client} calls on one key ({run8.tps:.0f} calls/s): the next call "
               f"{'was' if last_ok else 'was NOT'} the last within a limit of {total + 1}, and the one after "
               f"{'was refused' if over is False else 'was NOT refused'}: "
               + ("every call counted once" if exact else "COUNTS LOST OR DOUBLED"))
        if day0 != day1:
            r.line("the run crossed a window boundary: inconclusive, run again")
        one = srv.run_pgbench(db, {"hot_key": hot.replace("bench-hot-key", "bench-one")}, clients=1,
                              seconds=cfg.short)
        spread8 = srv.run_pgbench(
            db, {"own_keys": "select public.check_rate_limit('bench-client-' || :client_id, 1000000000, "
                             "interval '1 day');\n"}, clients=8, seconds=cfg.short)
        hot8 = srv.run_pgbench(db, {"hot_key": hot.replace("bench-hot-key", "bench-hot-2")}, clients=8,
                               seconds=cfg.short)
        r.line(f"throughput: 1 connection {one.tps:.0f} calls/s; 8 connections on one key {hot8.tps:.0f} calls/s "
               f"({hot8.tps / one.tps:.1f}x); 8 connections, a key each {spread8.tps:.0f} calls/s "
               f"({spread8.tps / one.tps:.1f}x)")
        r.measured = f"{total} concurrent calls, counted {'exactly' if exact else 'WRONG'}"
        r.met = exact and day0 == day1
        return [r]
    finally:
        srv.drop(db)


# ---------------------------------------------------------------------------------------------------------
# Retention: cleanup_old_metrics / cleanup_old_jobs against a plain DELETE of the same rows
# ---------------------------------------------------------------------------------------------------------

RETENTION_ROWS = 1_000_000

METRICS_LOAD = """insert into public.system_metrics (id, metric_name, metric_value, unit, tags, recorded_at)
select bench.id({kind}, n), 'render.duration_ms', (n % 5000)::numeric, 'ms', '{{"worker": "w1"}}',
    {base} - n * interval '1 second'
from generate_series(1, {rows}) as n"""

JOBS_LOAD = """insert into public.jobs (id, width, height, status, progress_percentage, result_url, created_at,
    started_at, completed_at, updated_at)
select bench.id({kind}, n), 1920, 1080, 'completed', 100, 'https://cdn.example.com/render/' || n || '.mp4',
    {base} - n * interval '1 second', {base} - n * interval '1 second',
    {base} - n * interval '1 second' + interval '30 seconds', {base} - n * interval '1 second' + interval '30 seconds'
from generate_series(1, {rows}) as n"""


def _retention_one(srv, template, cfg, *, key, function, call, load, table, plain, probe_sql, rows) -> Result:
    target = f"{function} on {rows:,} old rows in bounded batches ≤ 2× a plain DELETE of the same rows"
    db = srv.clone(template)
    try:
        if not function_exists(srv, db, function):
            return skipped(key, target, f"module render not on main (no function {function})")
        r = Result(key, target)

        t = time.perf_counter()
        with srv.admin(db) as conn:
            conn.execute(HELPERS)
            bulk_load(conn, [table],
                      load.format(kind=20, rows=rows, base="now() - interval '90 days'"),  # old: to delete
                      load.format(kind=21, rows=10_000, base="now()"))  # recent: to keep
            conn.execute("checkpoint")
        r.line(f"loaded {rows:,} old rows and 10,000 recent ones in {time.perf_counter() - t:.0f} s (set-based "
               "INSERT as superuser); each side then deletes the old rows in a transaction that is rolled back, "
               "so both sides, alternating, delete the same rows")
        count_old = plain.replace("delete from", "select count(*) from", 1)
        walls = {"plain": [], "function": []}
        cpus = {"plain": [], "function": []}
        timed_out = False
        for rnd in range(1):  # one round: a 1,000,000-row DELETE is long enough to average out
            for side in ("plain", "function"):
                budget = 60.0 if not walls["plain"] else max(10.0, 3 * median(walls["plain"]))
                probe = Probe(srv, db, probe_sql)
                try:
                    with srv.session(db) as conn:
                        pid = conn.info.backend_pid
                        conn.execute("begin")
                        conn.execute(f"set local statement_timeout = '{int(budget * 1000)}ms'")
                        c0, t0 = _cpu_seconds(pid), time.perf_counter()
                        try:
                            cur = conn.execute(call if side == "function" else plain)
                            wall, cpu = time.perf_counter() - t0, _cpu_seconds(pid) - c0
                            value = cur.fetchone()[0] if cur.description else cur.rowcount
                            left = conn.execute(count_old).fetchone()[0]
                        except Exception as exc:  # statement_timeout: the side ran out of its budget
                            if getattr(exc, "sqlstate", None) != "57014":
                                raise
                            wall, cpu, value, left = time.perf_counter() - t0, _cpu_seconds(pid) - c0, None, None
                            timed_out = True
                        conn.execute("rollback")
                finally:
                    waits = probe.finish()
                if value is None:
                    r.line(f"round {rnd + 1}, {side}: STOPPED by statement_timeout after {wall:.1f} s (budget: 3x the "
                           f"plain DELETE), backend CPU {cpu:.1f} s; {waits}")
                else:
                    r.line(f"round {rnd + 1}, {side}: {wall:.1f} s, backend CPU {cpu:.1f} s, deleted {value}, old rows "
                           f"left {left}; {waits}")
                    if left:
                        r.met = False
                walls[side].append(wall)
                cpus[side].append(cpu)
            if timed_out:
                break
        wall_ratio = median(walls["function"]) / median(walls["plain"])
        cpu_ratio = median(cpus["function"]) / median(cpus["plain"])
        ok = r.met is not False and not timed_out
        r.judge(cpu_ratio, 2.0, "<=")
        r.met = r.met and ok
        prefix = "> " if timed_out else ""
        r.line(f"ratio function / plain DELETE: wall {prefix}{wall_ratio:.2f}, backend CPU {prefix}{cpu_ratio:.2f}")
        r.measured = f"{prefix}{cpu_ratio:.2f} (backend CPU); wall {prefix}{wall_ratio:.2f}"
        return r
    finally:
        srv.drop(db)


def retention(srv, template: str, cfg) -> list[Result]:
    rows = RETENTION_ROWS if cfg.reps > 1 else 100_000
    metrics = _retention_one(
        srv, template, cfg, key="retention_metrics", function="cleanup_old_metrics",
        call="select public.cleanup_old_metrics(7)",
        load=METRICS_LOAD, table="public.system_metrics",
        plain="delete from public.system_metrics where recorded_at < now() - interval '7 days'",
        probe_sql="insert into public.system_metrics (metric_name, metric_value) values ('bench.probe', 1)",
        rows=rows,
    )
    jobs = _retention_one(
        srv, template, cfg, key="retention_jobs", function="cleanup_old_jobs",
        call="select public.cleanup_old_jobs(30)",
        load=JOBS_LOAD, table="public.jobs",
        plain="""delete from public.jobs where status in ('completed', 'failed', 'cancelled', 'timeout')
                 and completed_at < now() - interval '30 days'""",
        probe_sql="insert into public.jobs (width, height) values (1280, 720)",
        rows=rows,
    )
    return [metrics, jobs]


# ---------------------------------------------------------------------------------------------------------
# The rendering queue (multimedia: mm_rendering_queue): claiming with 8 workers against 1
# ---------------------------------------------------------------------------------------------------------

def scaling_ceiling(srv, db: str, cfg) -> dict[str, float]:
    """How far this machine lets a contention-free workload scale from 1 to 8 connections: short write
    transactions on random rows of a 100,000-row table, with asynchronous and with durable commits."""
    with srv.admin(db) as conn:
        conn.execute("create table if not exists bench_ceiling (id integer primary key, n bigint not null default 0)")
        conn.execute("insert into bench_ceiling (id) select generate_series(1, 100000) on conflict do nothing")
        conn.execute("vacuum analyze bench_ceiling")
    script = "\\set i random(1, 100000)\nupdate bench_ceiling set n = n + 1 where id = :i;\n"
    out = {}
    for label, options in (("async", None), ("durable", "")):
        kwargs = {} if options is None else {"options": options}
        ratios = []
        for _ in range(2):
            one = srv.run_pgbench(db, {"ceiling": script}, clients=1, seconds=cfg.short, **kwargs).tps
            eight = srv.run_pgbench(db, {"ceiling": script}, clients=8, seconds=cfg.short, **kwargs).tps
            ratios.append(eight / one)
        out[label] = median(ratios)
    return out


def queue_claim(srv, template: str, cfg) -> list[Result]:
    target = "claiming from mm_rendering_queue: 8 workers ≥ 4× one worker, no job claimed twice"
    db = srv.clone(template)
    try:
        ceiling = scaling_ceiling(srv, db, cfg)
        ceiling_line = (f"this machine's ceiling: a contention-free single-row update scales {ceiling['async']:.1f}x "
                        f"from 1 to 8 connections with asynchronous commits, {ceiling['durable']:.1f}x with durable "
                        f"ones ({os.cpu_count()} CPUs; durable commits leave room for group commit)")
        with srv.admin(db) as conn:
            has_table = conn.execute("select to_regclass('public.mm_rendering_queue') is not null").fetchone()[0]
            claim = conn.execute(
                """select p.oid::regprocedure::text from pg_proc p
                   where p.pronamespace = 'public'::regnamespace and p.proname like '%%claim%%'
                     and p.prosrc like '%%mm_rendering_queue%%' order by p.proname limit 1"""
            ).fetchone()
        if not has_table or not claim:
            r = skipped("queue", target, "module multimedia not on main (no mm_rendering_queue claim function)")
            r.line(ceiling_line)
            return [r]
        r = Result("queue", target)
        r.line(ceiling_line)
        return [_queue_claim(srv, db, claim[0], cfg, r)]
    finally:
        srv.drop(db)


def _queue_claim(srv, db: str, claim: str, cfg, r: Result) -> Result:
    """Fill the queue with jobs that take every column's default, then let 1 and 8 workers claim from it.

    The claim function is called with its required parameters only: a parameter whose name holds "worker"
    gets 'bench-worker-<client>'; any other required parameter stops the benchmark with a message (teach this
    function the module's API then). Every claimed id is recorded to check that none is claimed twice.
    """
    with srv.admin(db) as conn:
        params = conn.execute(
            """select n, p.pronargs - p.pronargdefaults from pg_proc p, unnest(p.proargnames) as n
               where p.oid = %s::regprocedure""", (claim,)).fetchall()
        required = params[0][1] if params else 0
        names = [n for n, _ in params][:required]
        args = []
        for name in names:
            if "worker" in (name or ""):
                args.append(f"{name} => 'bench-worker-' || :client_id")
            else:
                r.measured = f"cannot call {claim}: required parameter {name!r} (teach bench/render.py)"
                r.met = None
                return r
        try:
            conn.execute("create table bench_claims (job text not null, claimed_at timestamptz default clock_timestamp())")
            conn.execute("insert into public.mm_rendering_queue select from generate_series(1, 200000)")
            conn.execute("vacuum analyze public.mm_rendering_queue")
        except Exception as exc:  # the queue needs values the bench cannot guess
            r.measured = f"cannot fill mm_rendering_queue with default rows: {str(exc).splitlines()[0]}"
            r.met = None
            return r
    fn = claim.split("(")[0]
    script = (f"insert into bench_claims (job) select coalesce(j ->> 'id', j #>> '{{}}') "
              f"from (select to_jsonb(x) as j from {fn}({', '.join(args)}) as x) as s "
              "where j is not null and j <> 'null'::jsonb;\n")
    tps = {}
    for clients in (1, 8, 1, 8):
        run = srv.run_pgbench(db, {"claim": script}, clients=clients, seconds=cfg.short)
        tps.setdefault(clients, []).append(run.tps)
    with srv.admin(db) as conn:
        total, distinct = conn.execute("select count(*), count(distinct job) from bench_claims").fetchone()
    ratio = median(tps[8]) / median(tps[1])
    r.line(f"claims per second: 1 worker {median(tps[1]):.0f}, 8 workers {median(tps[8]):.0f} ({ratio:.1f}x); "
           f"{total} claims, {distinct} distinct jobs")
    r.judge(ratio, 4.0, ">=")
    if total != distinct:
        r.met = False
    r.measured = f"{ratio:.1f}x; {total - distinct} jobs claimed twice"
    return r
