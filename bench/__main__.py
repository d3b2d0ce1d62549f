"""python -m bench: start a throwaway server, migrate, measure every target of issue 8 as ratios, report.

Run from the repository root:

    .venv/bin/python -m bench                              # every benchmark (about 10 minutes), table on stdout
    .venv/bin/python -m bench --report docs/performance.md # and rewrite the measured part of that page
    .venv/bin/python -m bench --only rls --quick           # one group, one short round (a smoke run)

The migrations come from this checkout's migrations/ (DREAMCUT_MIGRATIONS_DIR overrides). Exit status: 0 when
every benchmark ran (met or not: the report says), 1 when one failed to run.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("DREAMCUT_MIGRATIONS_DIR", str(ROOT / "migrations"))

from . import dreamcut, migrations, queue, render, storyboard  # noqa: E402
from .common import Result  # noqa: E402
from .report import write_report, table  # noqa: E402

GROUPS = {
    "migrations": migrations.migrations,
    "worker_updates": dreamcut.worker_updates,
    "completion": dreamcut.completion,
    "query_creation": dreamcut.query_creation,
    "rls": dreamcut.rls_read,
    "queue": queue.queue_claim,
    "rate_limit": render.rate_limit,
    "retention": render.retention,
    "storyboard": storyboard.rls_read,
}


@dataclass
class Config:
    reps: int = 3  # rounds per comparison (the median counts)
    seconds: int = 8  # pgbench -T of a mixed run
    short: int = 3  # pgbench -T of each side in alternating rounds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", choices=sorted(GROUPS), help="run only this group (repeatable)")
    parser.add_argument("--quick", action="store_true", help="one short round per comparison (smoke run, noisy)")
    parser.add_argument("--report", type=Path, help="rewrite the measured part of this markdown page")
    args = parser.parse_args(argv)
    cfg = Config(reps=1, seconds=3, short=2) if args.quick else Config()

    from .server import Server

    started = time.time()
    load_before = os.getloadavg()
    srv = Server()
    print(f"PostgreSQL {srv.version} ({srv.bindir}), pgbench {srv.pgbench}", flush=True)
    results: list[Result] = []
    failed = False
    try:
        template = srv.migrated_template()
        for name in args.only or GROUPS:
            print(f"== {name}", flush=True)
            t = time.time()
            try:
                for r in GROUPS[name](srv, template, cfg):
                    r.group = name
                    results.append(r)
            except Exception as exc:  # report it and go on with the other groups
                failed = True
                traceback.print_exc()
                r = Result(name, f"{name} (failed to run)", measured=f"error: {str(exc).splitlines()[0]}", met=False)
                r.group = name
                results.append(r)
            print(f"   ({time.time() - t:.0f} s)", flush=True)
    finally:
        srv.cleanup()
    elapsed = time.time() - started
    env = {
        "postgres": srv.version,
        "cpus": os.cpu_count(),
        "load": f"{load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after",
        "elapsed": f"{elapsed / 60:.1f} min",
        "migrations": _git("rev-parse", "--short", "HEAD:migrations")
        + (" + uncommitted changes" if _git("status", "--porcelain", "--", "migrations") else ""),
        "machine": f"{platform.system()} {platform.machine()}",
        "quick": args.quick,
    }
    print()
    print(table(results))
    print(f"\n{elapsed / 60:.1f} min; load average {env['load']}")
    if args.report:
        write_report(args.report, results, env)
        print(f"wrote {args.report}")
    return 1 if failed else 0


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


if __name__ == "__main__":
    sys.exit(main())
