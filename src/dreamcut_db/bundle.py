"""The psql bundles in ``sql/`` and ``rollback.sql``, rendered from ``migrations/`` with jinja2.

For people without Python: ``sql/migrate.sql`` (every module), ``sql/<module>/migrate.sql`` (one module,
assuming what it depends on is installed) and ``rollback.sql`` (emergency teardown). CI renders them again
and fails when the committed files differ (``dreamcut-db render --check``).
"""

from __future__ import annotations

from pathlib import Path

from .modules import MigrationSet
from .workspace import TEMPLATES, write_files


def _sql(path: Path) -> str:
    """A migration file without its yoyo header comments (the leading comment block and ``-- depends:``)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    while lines and (lines[0].startswith("--") or not lines[0].strip()):
        lines.pop(0)
    return "\n".join(lines).strip()


def artifacts(cat: MigrationSet) -> dict[str, str]:
    """Relative path (from the repository root) -> rendered text, for every generated SQL file."""
    files: dict[str, str] = {}
    template = TEMPLATES.get_template("migrate.sql.j2")
    all_migrations = [{"module": m.module, "id": m.id, "sql": _sql(m.path)} for m in cat.migrations]
    files["sql/migrate.sql"] = template.render(modules=cat.modules, migrations=all_migrations, path="sql/migrate.sql")
    for module in cat.modules:
        path = f"sql/{module}/migrate.sql"
        files[path] = template.render(
            modules=[module], path=path, migrations=[m for m in all_migrations if m["module"] == module]
        )
    modules = [
        {
            "name": module,
            "migrations": [{"id": m.id, "sql": _sql(m.rollback_path)} for m in reversed(cat.of_modules([module]))],
        }
        for module in reversed(cat.modules)
    ]
    files["rollback.sql"] = TEMPLATES.get_template("rollback.sql.j2").render(modules=modules)
    return files


def render(cat: MigrationSet, check: bool = False) -> list[str]:
    """Write (or with ``check`` compare) sql/ and rollback.sql; returns the paths that were out of date."""
    return write_files(artifacts(cat), check, command="dreamcut-db render")
