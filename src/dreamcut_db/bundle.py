"""The psql bundles, rendered from the packaged migrations with jinja2.

``migrate_sql(cat, modules)`` is one SQL file installing the named modules and what they depend on, for
psql or the Supabase SQL editor (no psql meta-commands): it keeps the runner's history in schema
dreamcut_migrations (yoyo's tables filled as yoyo fills them, and the checksums), skips every migration
recorded there and runs in one transaction, so it can run again, before or after ``dreamcut-db migrate``.
``dreamcut-db sql migrate [--module M]...`` prints it; ``rollback_sql(cat)`` is ``rollback.sql``, the
emergency teardown (psql). ``dreamcut-db render`` writes ``sql/migrate.sql`` (every module) and
``rollback.sql`` into the checkout, and ``render --check`` fails in CI when they are out of date.
"""

from __future__ import annotations

from .database import BOOKKEEPING_SCHEMA
from .engine import LOCK_KEY, LOCK_TIMEOUT
from .errors import DreamcutError
from .modules import MigrationSet
from .workspace import TEMPLATES, write_files

#: The dollar quote around each migration's SQL in the migrate bundle (no migration may contain it).
_QUOTE = "$migration$"


def _sql(text: str) -> str:
    """A migration's SQL without its yoyo header comments (the leading comment block and ``-- depends:``)."""
    lines = text.splitlines()
    while lines and (lines[0].startswith("--") or not lines[0].strip()):
        lines.pop(0)
    return "\n".join(lines).strip()


def migrate_sql(cat: MigrationSet, modules: list[str] | None = None) -> str:
    """The migrate bundle of ``modules`` (None or []: every module) and the modules they depend on.

    Raises DreamcutError for an unknown module, or a migration containing the bundle's dollar quote.
    """
    selected = cat.closure(modules)
    migrations = []
    for m in cat.of_modules(selected):
        sql = _sql(m.path.read_text(encoding="utf-8"))
        if _QUOTE in sql:
            raise DreamcutError(f"migration {m.module}/{m.id} contains {_QUOTE}, the bundle's quote: rename that tag")
        migrations.append({"module": m.module, "id": m.id, "hash": m.yoyo.hash, "sha256": m.checksum,
                           "sql": sql, "quote": _QUOTE})
    command = "dreamcut-db sql migrate" + "".join(f" --module {m}" for m in modules or [])
    return TEMPLATES.get_template("migrate.sql.j2").render(
        command=command, modules=selected, migrations=migrations, schema=BOOKKEEPING_SCHEMA,
        lock_key=LOCK_KEY, lock_timeout=LOCK_TIMEOUT,
    )


def rollback_sql(cat: MigrationSet) -> str:
    """``rollback.sql``: every installed module's rollback files, newest module first (psql meta-commands)."""
    modules = [
        {"name": module,
         "migrations": [{"id": m.id, "sql": _sql(m.rollback_path.read_text(encoding="utf-8"))}
                        for m in reversed(cat.of_modules([module]))]}
        for module in reversed(cat.modules)
    ]
    return TEMPLATES.get_template("rollback.sql.j2").render(modules=modules)


def render(cat: MigrationSet, check: bool = False) -> list[str]:
    """Write (or with ``check`` compare) sql/migrate.sql and rollback.sql; returns the paths that were out of date."""
    return write_files({"sql/migrate.sql": migrate_sql(cat), "rollback.sql": rollback_sql(cat)}, check,
                       command="dreamcut-db render")
