"""The migration files' lints: sqlfluff over every file, squawk over the migrations not yet released, and the
one safety rule squawk cannot see, ``released-immutable``.

``migrations/RELEASED`` lists the released files with their sha256 (``sha256sum`` format, paths relative to
``migrations/``). A released file never changes (``released-immutable``): a change to a released object is a
new migration. squawk (``squawk-cli``, configured by the repository's ``.squawk.toml``) judges each unreleased
migration as the runner applies it: in one transaction with ``lock_timeout`` set. A table that an unreleased
migration creates does not exist in production yet, so statements on it are as safe as in the migration that
creates it: squawk is told so by stating those tables as created (``create table if not exists t ()``) at the
top of the file it reads, and the reported line numbers are those of the migration file. A migration marked
``-- transactional: false`` (yoyo's directive) is judged as run outside a transaction.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..errors import DreamcutError
from ..modules import MigrationSet

_NOT_TRANSACTIONAL = re.compile(r"^--\s*transactional\s*:\s*false\s*$", re.I | re.M)
_CREATED_TABLE = re.compile(r"\bcreate\s+(?:unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?([\w.\"]+)", re.I)


def released(root: Path) -> dict[str, str]:
    """``root/RELEASED`` (``root``: the migrations folder): {``<module>/<file>``: sha256} per released file."""
    path = root / "RELEASED"
    if not path.exists():
        return {}
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            digest, name = line.split(maxsplit=1)
            entries[name.strip()] = digest
    return entries


def released_changes(root: Path) -> list[str]:
    """Released files (``root``: the migrations folder) that are missing or differ from their recorded sha256."""
    found = []
    for rel, digest in sorted(released(root).items()):
        path = root / rel
        if not path.exists():
            found.append(f"{rel}: released but missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            found.append(f"{rel}: changed after release (write a new migration: dreamcut-db new ... --rework)")
    return found


def squawk(root: Path, migration_set: MigrationSet, config: Path) -> list[str]:
    """squawk over every migration of ``migration_set`` that ``root/RELEASED`` does not list (rollback files are not
    linted: they drop what their migration made). Returns ``<module>/<file>:<line>: <rule>: <message>`` per
    violation. Raises DreamcutError when squawk is not installed, RuntimeError when it fails to run."""
    frozen = released(root)
    pending = [m for m in migration_set.migrations if f"{m.module}/{m.path.name}" not in frozen]
    if not pending:
        return []
    texts = {f"{m.module}/{m.path.name}": m.path.read_text(encoding="utf-8") for m in pending}
    new_tables = sorted({name for text in texts.values()
                         for name in _CREATED_TABLE.findall(re.sub(r"--[^\n]*", "", text))})
    preamble = "".join(f"create table if not exists {name} ();\n" for name in new_tables)
    exe = shutil.which("squawk") or str(Path(sys.executable).with_name("squawk"))
    if not Path(exe).exists():
        raise DreamcutError("squawk is not installed: it comes with the dev dependencies (pip install -e '.[dev]')")
    with tempfile.TemporaryDirectory(prefix="dreamcut-squawk-") as tmp:
        for rel, text in texts.items():
            (Path(tmp) / rel).parent.mkdir(parents=True, exist_ok=True)
            directive = "-- squawk-disable-assume-in-transaction\n" if _NOT_TRANSACTIONAL.search(text) else "\n"
            (Path(tmp) / rel).write_text(directive + preamble + text, encoding="utf-8")
        run = subprocess.run([exe, "--config", str(config), "--reporter", "json", *texts], cwd=tmp,
                             capture_output=True, text=True)
    if run.returncode not in (0, 1) or not run.stdout.strip().startswith("["):
        raise RuntimeError(f"squawk failed: {(run.stderr or run.stdout).strip()[:300]}")
    offset = 1 + preamble.count("\n")
    return [
        f"{v['file']}:{v['line'] + 1 - offset}: {v['rule_name']}: {v['message']}"
        for v in sorted(json.loads(run.stdout), key=lambda v: (v["file"], v["line"], v["rule_name"]))
    ]


def sqlfluff(repo: Path) -> int:
    """Run sqlfluff (the repository's .sqlfluff: postgres dialect, no file skipped) over ``repo/migrations``.
    Returns its exit code; its report goes to stdout."""
    config = ["--config", str(repo / ".sqlfluff")] if (repo / ".sqlfluff").exists() else ["--dialect", "postgres"]
    return subprocess.call([sys.executable, "-m", "sqlfluff", "lint", *config, "migrations"], cwd=repo)
