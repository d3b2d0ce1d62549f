"""``dreamcut-db new NAME --module M [--rework OBJECT]``: a new migration and its rollback file.

Plain, the two files carry the conventions as comments. With ``--rework OBJECT`` (Sqitch's rework, the
everyday way to change a released function, procedure or view) both hold the object's current definition,
copied from its file in the tree (sql/<module>/<kind>/<schema>.<name>.sql, tree.py): the migration is edited
into the new definition, the rollback restores the current one as it is.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import DreamcutError
from .modules import MigrationSet, migrations_dir
from .tree import KIND_FOLDERS
from .workspace import TEMPLATES, checkout_root

#: The kinds of object a rework can change: their definition is a ``create or replace`` statement.
REWORKABLE = ("function", "procedure", "view")


def new_migration(name: str, module: str, root: Path | None = None, rework: str | None = None) -> tuple[Path, Path]:
    """Create ``migrations/<module>/NNNN_<name>.sql`` and its ``.rollback.sql``; returns both paths.

    ``name``: snake_case change name (a-z, 0-9, _), unique across modules; ``module``: an existing module or
    a new one (which then depends on platform and registers itself in installed_modules). The new migration
    depends on the module's latest. ``rework``: a function, procedure or view, ``schema.name`` or a name
    unique across the package's schemas, whose current definition both files hold. Raises DreamcutError for a
    bad or taken name, or an object the tree does not have, that is not reworkable, or whose module ``module``
    does not depend on.
    """
    root = root or migrations_dir()
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name) or not re.fullmatch(r"[a-z][a-z0-9_]*", module):
        raise DreamcutError(f"NAME and --module must be snake_case (a-z, 0-9, _), got {name!r} and {module!r}")
    cat = MigrationSet.load(root)
    own = cat.of_modules([module])
    numbers = [int(m.id.split("_", 1)[0]) for m in own if m.id[:4].isdigit()]
    migration_id = f"{max(numbers, default=0) + 1:04d}_{name}"
    if any(m.id.split("_", 1)[1] == name for m in cat.migrations):
        raise DreamcutError(f"a migration named {name} exists already: migration ids must be unique across modules")
    depends = own[-1].id if own else cat.migrations[0].id
    values = dict(name=name, module=module, depends=depends, new_module=not own)
    templates = ("new_migration.sql.j2", "new_rollback.sql.j2")
    if rework is not None:
        values.update(_current_definition(rework, module, cat))
        templates = ("rework_migration.sql.j2", "rework_rollback.sql.j2")
    folder = root / module
    folder.mkdir(exist_ok=True)
    paths = (folder / f"{migration_id}.sql", folder / f"{migration_id}.rollback.sql")
    for path, template in zip(paths, templates):
        text = TEMPLATES.get_template(template).render(**values)
        if values.get("kind") == "view":
            text = _house_layout(text)
        path.write_text(text, encoding="utf-8")
    return paths


def _house_layout(sql: str) -> str:
    """``sql`` laid out by sqlfluff with the project's .sqlfluff (a view as PostgreSQL deparses it is not)."""
    try:
        import sqlfluff
    except ImportError:
        raise DreamcutError("--rework of a view lays it out with sqlfluff: pip install -e '.[dev]'")
    return sqlfluff.fix(sql, config_path=str(checkout_root("dreamcut-db new") / ".sqlfluff"))


def _current_definition(obj: str, module: str, cat: MigrationSet) -> dict:
    """What the rework templates need: ``kind``, ``object`` (schema.name), ``path`` (its file in the tree,
    relative) and ``definition`` (that file without its header comments)."""
    root = checkout_root("dreamcut-db new --rework")
    wanted = obj if "." in obj else f"*.{obj}"
    found = sorted(p for p in (root / "sql").glob(f"*/*/{wanted}.sql") if p.parent.name in KIND_FOLDERS.values())
    if not found:
        raise DreamcutError(f"--rework {obj}: no object of that name in the tree (sql/<module>/<kind>/); "
                            "qualify it as schema.name, or run dreamcut-db snapshot if it is new")
    if len(found) > 1:
        raise DreamcutError(f"--rework {obj}: more than one object of that name ("
                            f"{', '.join(p.stem for p in found)}): name it as schema.name")
    path = found[0]
    kind = next(k for k, folder in KIND_FOLDERS.items() if folder == path.parent.name)
    owner = path.parent.parent.name
    if kind not in REWORKABLE:
        raise DreamcutError(f"--rework {obj}: it is a {kind}, and only a function, procedure or view is reworked "
                            "(replaced whole); change a table or an enum with alter statements in a new migration")
    if owner != module and owner not in cat.module_dependencies(module):
        raise DreamcutError(f"--rework {obj}: it belongs to module {owner}, which module {module} does not depend "
                            f"on: rework it with --module {owner}")
    lines = path.read_text(encoding="utf-8").splitlines()
    while lines and (lines[0].startswith("--") or not lines[0].strip()):
        lines.pop(0)
    return {"kind": kind, "object": path.stem, "path": path.relative_to(root).as_posix(),
            "definition": "\n".join(lines)}
