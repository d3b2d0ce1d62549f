"""``dreamcut-db new NAME --module M``: a new migration and its rollback file, with the conventions in place."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import DreamcutError
from .modules import MigrationSet, migrations_dir
from .workspace import TEMPLATES



def new_migration(name: str, module: str, root: Path | None = None) -> tuple[Path, Path]:
    """Create ``migrations/<module>/NNNN_<name>.sql`` and its ``.rollback.sql``; returns both paths.

    ``name``: snake_case change name (a-z, 0-9, _), unique across modules; ``module``: an existing module or
    a new one (which then depends on platform and registers itself in installed_modules). The new migration
    depends on the module's latest. Raises DreamcutError for a bad or taken name.
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
    folder = root / module
    folder.mkdir(exist_ok=True)
    values = dict(name=name, module=module, depends=depends, new_module=not own)
    paths = (folder / f"{migration_id}.sql", folder / f"{migration_id}.rollback.sql")
    for path, template in zip(paths, ("new_migration.sql.j2", "new_rollback.sql.j2")):
        path.write_text(TEMPLATES.get_template(template).render(**values), encoding="utf-8")
    return paths
