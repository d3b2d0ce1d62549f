"""Render jobs (module ``render``): rate limiting, retention.

Each benchmark first checks that the function it measures exists (after migrating every module of this
checkout) and otherwise reports "skipped: module render not on main".
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from .common import Result, bulk_load, function_exists, median, skipped
from .dreamcut import HELPERS


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) one server process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Probe(threading.Thread):
    """A concurrent writer: runs ``sql`` every 20 ms in autocommit and keeps its slowest latency; with ``watch``
    (a backend pid), also the age of that backend's transaction at each turn (how long its locks can last)."""

    def __init__(self, srv, db: str, sql: str, watch: int | None = None) -> None:
        super().__init__(daemon=True)
        self.srv, self.db, self.sql, self.watch = srv, db, sql, watch
        self.stop = threading.Event()
        self.latencies: list[float] = []
        self.transaction_ages: list[float] = []
        self.start()

    def run(self) -> None:
        with self.srv.session(self.db) as conn:
            while not self.stop.is_set():
                t = time.perf_counter()
                conn.execute(self.sql)
                self.latencies.append(time.perf_counter() - t)
                if self.watch is not None:
                    age = conn.execute("select extract(epoch from clock_timestamp() - xact_start) from pg_stat_activity "
                                       "where pid = %s", (self.watch,)).fetchone()
                    if age and age[0] is not None:
                        self.transaction_ages.append(float(age[0]))
                time.sleep(0.02)

    def finish(self) -> str:
        self.stop.set()
        self.join()
        lat = sorted(self.latencies)
        text = (f"a concurrent writer ({len(lat)} single-row writes to the same table during the run) waited at most "
                f"{lat[-1] * 1000:.0f} ms (median {median(lat) * 1000:.1f} ms)") if lat else "no concurrent write"
        if self.transaction_ages:
            text += f"; the cleanup's longest transaction seen: {max(self.transaction_ages):.2f} s"
        return text


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


def _retention_side(srv, db: str, statement: str, count_old: str, probe_sql: str, budget: float,
                    committed: bool) -> dict:
    """Run one side's ``statement`` with a concurrent writer, within ``budget`` seconds (statement_timeout): in a
    transaction rolled back afterwards, or (``committed``: the bounded calls, which commit per batch) for good.
    Returns wall and backend CPU seconds, the rows it deleted (None when the budget ran out), the old rows left,
    and the writer's line."""
    with srv.session(db) as conn:
        pid = conn.info.backend_pid
        probe = Probe(srv, db, probe_sql, watch=pid)
        try:
            if not committed:
                conn.execute("begin")
            conn.execute(f"set statement_timeout = '{int(budget * 1000)}ms'")
            before = conn.execute(count_old).fetchone()[0]
            c0, t0 = _cpu_seconds(pid), time.perf_counter()
            try:
                cur = conn.execute(statement)
                wall, cpu = time.perf_counter() - t0, _cpu_seconds(pid) - c0
                left = conn.execute(count_old).fetchone()[0]
                # a function returns its count, a DELETE its rowcount; a do block nothing: what it left says
                deleted = cur.fetchone()[0] if cur.description else (cur.rowcount if cur.rowcount >= 0 else before - left)
            except Exception as exc:  # statement_timeout: the side ran out of its budget
                if getattr(exc, "sqlstate", None) != "57014":
                    raise
                wall, cpu, deleted, left = time.perf_counter() - t0, _cpu_seconds(pid) - c0, None, None
            conn.execute("rollback" if not committed else "reset statement_timeout")
        finally:
            waits = probe.finish()
    return {"wall": wall, "cpu": cpu, "deleted": deleted, "left": left, "waits": waits}


def _retention_one(srv, template, cfg, *, key, function, call, bounded, load, table, plain, probe_sql,
                   rows) -> Result:
    target = f"{function} on {rows:,} old rows in bounded batches ≤ 2× a plain DELETE of the same rows"
    db = srv.clone(template)
    try:
        if not function_exists(srv, db, function):
            return skipped(key, target, f"module render not on main (no {function})")
        r = Result(key, target)

        t = time.perf_counter()
        with srv.admin(db) as conn:
            conn.execute(HELPERS)
            bulk_load(conn, [table],
                      load.format(kind=20, rows=rows, base="now() - interval '90 days'"),  # old: to delete
                      load.format(kind=21, rows=10_000, base="now()"))  # recent: to keep
            conn.execute("checkpoint")
        r.line(f"loaded {rows:,} old rows and 10,000 recent ones in {time.perf_counter() - t:.0f} s (set-based "
               "INSERT as superuser); the plain DELETE and one call of the function each delete the old rows in a "
               "transaction that is rolled back, then bounded calls (p_max_batches = 1, a commit after each, until "
               "one returns 0) delete the same rows for good")
        count_old = plain.replace("delete from", "select count(*) from", 1)
        sides = {"plain": plain, "function": call, "bounded calls": bounded}
        runs = {}
        for side, statement in sides.items():
            budget = 60.0 if side == "plain" else max(10.0, 3 * runs["plain"]["wall"])
            run = runs[side] = _retention_side(srv, db, statement, count_old, probe_sql, budget,
                                               committed=side == "bounded calls")
            if run["deleted"] is None:
                r.line(f"{side}: STOPPED by statement_timeout after {run['wall']:.1f} s (budget: 3x the plain "
                       f"DELETE), backend CPU {run['cpu']:.1f} s; {run['waits']}")
            else:
                r.line(f"{side}: {run['wall']:.1f} s, backend CPU {run['cpu']:.1f} s, deleted {run['deleted']}, old "
                       f"rows left {run['left']}; {run['waits']}")
        timed_out = any(run["deleted"] is None for run in runs.values())
        prefix = "> " if timed_out else ""
        ratios = {side: (runs[side]["wall"] / runs["plain"]["wall"], runs[side]["cpu"] / runs["plain"]["cpu"])
                  for side in ("function", "bounded calls")}
        for side, (wall, cpu) in ratios.items():
            r.line(f"ratio {side} / plain DELETE: wall {prefix}{wall:.2f}, backend CPU {prefix}{cpu:.2f}")
        r.judge(max(cpu for _wall, cpu in ratios.values()), 2.0, "<=")
        r.met = r.met and not timed_out and not any(run["left"] for run in runs.values())
        r.measured = (f"backend CPU: function {prefix}{ratios['function'][1]:.2f}, bounded calls "
                      f"{prefix}{ratios['bounded calls'][1]:.2f}; wall {prefix}{ratios['function'][0]:.2f}, "
                      f"{prefix}{ratios['bounded calls'][0]:.2f}")
        return r
    finally:
        srv.drop(db)


def retention(srv, template: str, cfg) -> list[Result]:
    rows = RETENTION_ROWS if cfg.reps > 1 else 100_000
    metrics = _retention_one(
        srv, template, cfg, key="retention_metrics", function="cleanup_old_metrics",
        call="select public.cleanup_old_metrics(7)",
        bounded="do $$ begin while public.cleanup_old_metrics(7, 10000, 1) > 0 loop commit; end loop; end $$",
        load=METRICS_LOAD, table="public.system_metrics",
        plain="delete from public.system_metrics where recorded_at < now() - interval '7 days'",
        probe_sql="insert into public.system_metrics (metric_name, metric_value) values ('bench.probe', 1)",
        rows=rows,
    )
    jobs = _retention_one(
        srv, template, cfg, key="retention_jobs", function="cleanup_old_jobs",
        call="select public.cleanup_old_jobs(30)",
        bounded="do $$ begin while public.cleanup_old_jobs(30, 1000, 1) > 0 loop commit; end loop; end $$",
        load=JOBS_LOAD, table="public.jobs",
        plain="""delete from public.jobs where status in ('completed', 'failed', 'cancelled', 'timeout')
                 and completed_at < now() - interval '30 days'""",
        probe_sql="insert into public.jobs (width, height) values (1280, 720)",
        rows=rows,
    )
    return [metrics, jobs]
