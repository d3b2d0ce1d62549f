"""Migrations: migrate an empty database and roll everything back, timed per migration.

Each cycle runs the runner itself (``engine.migrate`` and ``engine.rollback(everything=True)``) on a new empty
database. The time of each migration's SQL is taken around yoyo's ``process_steps`` of that migration (wrapped
on the MigrationSet's objects, nothing in src/ changes); the totals are the runner's whole calls, which add the
migration lock, the trial run of every pending migration in a rolled-back transaction, and the bookkeeping.
"""

from __future__ import annotations

import time
from collections import defaultdict

from dreamcut_db import engine
from dreamcut_db.modules import MigrationSet

from .common import Result, median


def _wrap(catalog: MigrationSet, calls: list) -> None:
    for m in catalog.migrations:
        original = m.yoyo.process_steps

        def timed(backend, direction, force=False, _id=m.id, _original=original):
            t = time.perf_counter()
            try:
                return _original(backend, direction, force)
            finally:
                calls.append((_id, direction, time.perf_counter() - t))

        m.yoyo.process_steps = timed


def migrations(srv, template: str, cfg) -> list[Result]:
    catalog = MigrationSet.load()
    calls: list = []
    _wrap(catalog, calls)
    apply_t, trial_t, rollback_t = defaultdict(list), defaultdict(list), defaultdict(list)
    totals = {"migrate": [], "rollback": []}
    print(f"  migrations: {len(catalog.migrations)} migrations, {cfg.reps} cycles of migrate from empty + "
          "rollback --all", flush=True)
    for cycle in range(cfg.reps):
        name = f"bench_migrations_{cycle}"
        with srv.admin() as conn:
            conn.execute(f"create database {name}")
        url = srv.url(name)
        calls.clear()
        t = time.perf_counter()
        applied = engine.migrate(url, catalog, out=lambda _line: None)
        totals["migrate"].append(time.perf_counter() - t)
        seen = set()
        for mid, direction, secs in calls:  # the trial run's calls come first, then the real ones
            if direction == "apply":
                (apply_t if mid in seen else trial_t)[mid].append(secs)
                seen.add(mid)
        calls.clear()
        t = time.perf_counter()
        rolled = engine.rollback(url, catalog, everything=True, out=lambda _line: None)
        totals["rollback"].append(time.perf_counter() - t)
        for mid, direction, secs in calls:
            if direction == "rollback":
                rollback_t[mid].append(secs)
        assert len(applied) == len(rolled) == len(catalog.migrations), (len(applied), len(rolled))
        srv.disconnect(name)
        srv.drop(name)

    r = Result("migrations", "migrate from empty and roll back everything, timed per migration")
    rows = ["| module | migration | apply (ms) | rollback (ms) |", "|---|---|---:|---:|"]
    for m in catalog.migrations:
        rows.append(f"| {m.module} | {m.id} | {median(apply_t[m.id]) * 1000:.1f} | "
                    f"{median(rollback_t[m.id]) * 1000:.1f} |")
    sql_apply = sum(median(v) for v in apply_t.values())
    sql_trial = sum(median(v) for v in trial_t.values())
    sql_rollback = sum(median(v) for v in rollback_t.values())
    rows.append(f"| | **sum of the migrations' SQL** | **{sql_apply * 1000:.0f}** | **{sql_rollback * 1000:.0f}** |")
    r.sections["Per migration (median of the cycles)"] = "\n".join(rows) + (
        f"\n\nWhole runner calls (median of {cfg.reps}): `migrate` {median(totals['migrate']) * 1000:.0f} ms "
        f"(of which the trial run, every pending migration applied in one rolled-back transaction first, "
        f"{sql_trial * 1000:.0f} ms), `rollback --all` {median(totals['rollback']) * 1000:.0f} ms; the rest is "
        "the lock, connections and yoyo's bookkeeping.")
    r.line(f"migrate from empty: {median(totals['migrate']) * 1000:.0f} ms in all ({sql_apply * 1000:.0f} ms of "
           f"migration SQL, {sql_trial * 1000:.0f} ms trial run); rollback --all: "
           f"{median(totals['rollback']) * 1000:.0f} ms ({sql_rollback * 1000:.0f} ms of rollback SQL)")
    slowest = max(catalog.migrations, key=lambda m: median(apply_t[m.id]))
    r.line(f"slowest migration: {slowest.module}/{slowest.id} {median(apply_t[slowest.id]) * 1000:.1f} ms")
    r.measured = (f"migrate {median(totals['migrate']):.2f} s, rollback {median(totals['rollback']):.2f} s "
                  f"({len(catalog.migrations)} migrations)")
    r.met = True  # a timing to report, not a ratio; fails only if migrate/rollback fail (the assert above)
    return [r]
