"""Helpers of the typed-client tests: where things are, and the toolchains' error reports (tsc, mypy) next
to the errors a file's markers expect."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLIENTS_TS = ROOT / "clients" / "ts"
CLIENTS_PY = ROOT / "clients" / "python"


def marked_errors(path: Path, marker: str) -> dict[int, str]:
    """Line -> what the ``marker`` comment ending that line of code says must be reported there
    (``// error TS2322: <part of the message>``, ``# error: <code>, <code>``)."""
    found = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        mark = re.search(rf"\S\s+{re.escape(marker)}\b:?(.*)$", line)
        if mark:
            found[number] = mark[1].strip()
    return found


def run_tsc(node_modules: Path, project: str) -> tuple[int, list[tuple[str, int, str, str]]]:
    """``tsc -p project`` in clients/ts: its exit code and errors as (file, line, TSxxxx code, message)."""
    done = subprocess.run([str(node_modules / ".bin" / "tsc"), "-p", project, "--pretty", "false"], cwd=CLIENTS_TS,
                          capture_output=True, text=True, timeout=600)
    errors = [(m[1], int(m[2]), m[3], m[4]) for m in
              re.finditer(r"^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$", done.stdout, re.M)]
    return done.returncode, errors


def run_mypy(*paths: Path) -> tuple[int, list[tuple[str, int, str, str]]]:
    """``mypy --strict`` over ``paths`` (one run): exit code and errors as (file, line, code, message)."""
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(ROOT / ".ci" / "cache" / "mypy"),
         "--no-error-summary", "--no-pretty", "--show-error-codes", *map(str, paths)],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    errors = [(m[1], int(m[2]), m[4], m[3]) for m in
              re.finditer(r"^(.+?):(\d+): error: (.*?)  \[([\w-]+)\]$", done.stdout, re.M)]
    if done.returncode and not errors:
        pytest.fail(f"mypy failed without an error report:\n{done.stdout}\n{done.stderr}")
    return done.returncode, errors
