"""``dreamcut-db lint``: the checks a change must pass before it lands, each reported as ``rule: object``.

1. sqlfluff over every migration (the repository's ``.sqlfluff``: postgres dialect, no file skipped).
2. squawk over the migrations not yet released (``.squawk.toml``), and ``released-immutable``: a file that
   ``migrations/RELEASED`` lists never changes (``lint.migrations``).
3. On a scratch database with every migration applied: the catalog rules, which find at least what Supabase's
   Database Advisors (splinter's lints) would find on the package's objects (``lint.rules``), and plpgsql_check
   over every PL/pgSQL function and trigger, where the server can create that extension (``lint.plpgsql_check``).

Zero findings pass. ``docs/supabase.md`` maps each splinter lint to its rule.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..modules import MigrationSet, migrations_dir
from . import migrations, plpgsql_check, rules


def run(repo: Path | None, migration_set: MigrationSet, url: str | None, out: Callable[[str], None] = print) -> int:
    """Run every check over the repository at ``repo`` (its ``migrations/``, ``.sqlfluff``, ``.squawk.toml``)
    and ``migration_set``; the database checks on a scratch database of the server at ``url`` (None:
    skipped, e.g. ``--no-catalog``). ``repo`` None (an installed package, no checkout): sqlfluff and squawk,
    which judge a checkout's files with the dev dependencies, are skipped with one line saying so, and
    ``released-immutable`` judges the migrations the package ships. Prints each section and finding with
    ``out``; returns the number of findings, sqlfluff's failure counting as one. Raises DreamcutError when no
    scratch database can be built (the role lacks CREATEDB) or squawk is not installed."""
    found: list[str] = []

    def report(lines: list[str]) -> None:
        found.extend(lines)
        for line in lines:
            out(line)

    failed = False
    if repo is None:
        out("== sqlfluff and squawk skipped: they lint a checkout (a git clone with pip install -e '.[dev]'); "
            "this installed package is linted for released files unchanged and the catalog rules")
    else:
        out("== sqlfluff (postgres dialect) over migrations/")
        failed = migrations.sqlfluff(repo) != 0
        out("== squawk over the migrations not yet released; released files unchanged")
        report([f"squawk: {line}" for line in migrations.squawk(repo / "migrations", migration_set, repo / ".squawk.toml")])
    report([f"released-immutable: {line}"
            for line in migrations.released_changes(repo / "migrations" if repo else migrations_dir())])
    if url is not None:
        from ..database import connect
        from ..workspace import scratch_database

        with scratch_database(url, migration_set) as scratch, connect(scratch) as conn:
            out("== catalog rules (Supabase's Database Advisors and the package's conventions)")
            report([f"{rule}: {obj}" for rule, obj in rules.run(conn)])
            out("== plpgsql_check over every PL/pgSQL function, each trigger function once per trigger")
            checked, skipped = plpgsql_check.check(conn)
            report([f"plpgsql-check: {line}" for line in sorted(set(checked))])
            if skipped:
                out(skipped)
    out(f"lint: {len(found)} finding(s)" + ("; sqlfluff failed" if failed else "")
        + ("" if url is not None else " (database checks skipped)"))
    return len(found) + failed
