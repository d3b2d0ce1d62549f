"""The migrations the package carries: one folder per module, read with yoyo, and their dependency graph.

A module is a folder ``<module>/`` of yoyo SQL migrations ``NNNN_<change>.sql`` with their
``.rollback.sql``; ``-- depends:`` lines link migrations, also across modules, and so order the modules.
The folder of folders is the package data ``dreamcut_db/migrations`` of an installed wheel (the build maps
the repository's top-level ``migrations/`` there), or ``migrations/`` of the checkout an editable install
runs from. Every question about the dependency graph (what a migration needs, what needs it, module order,
a module's closure) is answered here, by ``MigrationSet``.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

from yoyo import read_migrations
from yoyo.exceptions import BadMigration

from .errors import DreamcutError

#: The repository root when this package runs from a checkout (editable install): src/dreamcut_db/ -> root.
_CHECKOUT = Path(__file__).resolve().parents[2]


def migrations_dir() -> Path:
    """The folder of module folders: ``DREAMCUT_MIGRATIONS_DIR`` if set, else the package data
    ``dreamcut_db/migrations`` (wheel), else the checkout's ``migrations/`` (editable install)."""
    if os.environ.get("DREAMCUT_MIGRATIONS_DIR"):
        return Path(os.environ["DREAMCUT_MIGRATIONS_DIR"])
    packaged = resources.files("dreamcut_db") / "migrations"
    if packaged.is_dir():
        return Path(str(packaged))  # pip installs unzipped: the resource is a real folder yoyo can read
    if not (_CHECKOUT / "migrations").is_dir():
        raise DreamcutError("this dreamcut-db carries no migrations (a broken install): reinstall the package")
    return _CHECKOUT / "migrations"


@dataclass
class Migration:
    """One migration: its yoyo object, module, and the sha256 of its apply and rollback files."""

    yoyo: object
    module: str

    @property
    def id(self) -> str:
        return self.yoyo.id

    @property
    def ref(self) -> str:
        """``module/id``, how the runner prints a migration (and accepts it back)."""
        return f"{self.module}/{self.id}"

    @property
    def path(self) -> Path:
        return Path(self.yoyo.path)

    @property
    def rollback_path(self) -> Path:
        return self.path.with_suffix(".rollback.sql")

    @cached_property
    def checksum(self) -> str:
        digest = hashlib.sha256(self.path.read_bytes())
        if self.rollback_path.exists():
            digest.update(b"\0rollback\0" + self.rollback_path.read_bytes())
        return digest.hexdigest()

    @cached_property
    def depends(self) -> frozenset[str]:
        """Ids of the migrations its ``-- depends:`` line names. Raises DreamcutError for an unknown id."""
        try:
            self.yoyo.load()
        except BadMigration:
            raise DreamcutError(f"migration {self.ref}: its -- depends: line names a migration that does not exist")
        return frozenset(d.id for d in self.yoyo.depends)

    @cached_property
    def transactional(self) -> bool:
        """False for a migration whose header says ``-- transactional: false`` (yoyo's directive): its one
        statement runs outside a transaction (``create index concurrently``, ``detach partition ...
        concurrently``), and so does its rollback."""
        _ = self.depends  # loads the file, naming a bad -- depends: line
        return self.yoyo.use_transactions


@dataclass
class MigrationSet:
    """Every migration of every module, in dependency order: modules ordered by their ``-- depends:`` (ties
    by name), each module's migrations after what they depend on.

    (Not to be confused with ``catalog.py``, the snapshot of a database's pg_catalog.)
    """

    migrations: list[Migration] = field(default_factory=list)

    @classmethod
    def load(cls, root: Path | None = None) -> "MigrationSet":
        """Read ``root`` (default: migrations_dir()). Raises DreamcutError on a duplicate id, a missing rollback
        file, a ``-- depends:`` naming an unknown migration, a dependency cycle (of migrations or modules), or a
        ``-- transactional: false`` migration or rollback of more than one statement."""
        root = root or migrations_dir()
        seen: dict[str, str] = {}
        found: list[Migration] = []
        for folder in sorted(p for p in root.iterdir() if p.is_dir() and any(p.glob("*.sql"))):
            for m in read_migrations(str(folder)):
                if m.id in seen:
                    raise DreamcutError(f"migration id {m.id} is in both {seen[m.id]} and {folder.name}: ids must be unique")
                seen[m.id] = folder.name
                mig = Migration(m, folder.name)
                if not mig.rollback_path.exists():
                    raise DreamcutError(f"migration {mig.ref} has no {mig.rollback_path.name}")
                found.append(mig)
        for m in found:
            if not m.transactional and len(m.yoyo.steps) != 1:
                raise DreamcutError(
                    f"migration {m.ref} is -- transactional: false but it or its rollback file holds "
                    f"{len(m.yoyo.steps)} statements: outside a transaction a later statement can fail after an "
                    "earlier one committed, so such a migration holds exactly one (and its rollback one); put the "
                    "others in migrations of their own")
        by_id = {m.id: m for m in found}
        needs: dict[str, set[str]] = {}
        for m in found:
            needs.setdefault(m.module, set()).update(by_id[d].module for d in m.depends if by_id[d].module != m.module)
        order = _module_order(needs)
        ordered: list[Migration] = []
        done: set[str] = set()

        def visit(m: Migration, stack: tuple[str, ...] = ()) -> None:
            if m.id in done:
                return
            if m.id in stack:
                raise DreamcutError(f"migration dependency cycle: {' -> '.join(stack + (m.id,))}")
            for dep in sorted(m.depends):
                visit(by_id[dep], stack + (m.id,))
            done.add(m.id)
            ordered.append(m)

        for m in sorted(found, key=lambda m: order.index(m.module)):
            visit(m)
        return cls(ordered)

    @cached_property
    def _by_id(self) -> dict[str, Migration]:
        return {m.id: m for m in self.migrations}

    @property
    def modules(self) -> list[str]:
        """Module names in install order."""
        return list(dict.fromkeys(m.module for m in self.migrations))

    def by_id(self, ref: str) -> Migration:
        """The migration ``ref`` names: ``module/NNNN_name`` as the runner prints it, or the bare ``NNNN_name``
        (ids are unique across modules). Raises DreamcutError for an unknown module or migration."""
        module, _, migration_id = ref.rpartition("/")
        m = self._by_id.get(migration_id)
        if module and module not in self.modules:
            raise DreamcutError(f"unknown module {module!r} in {ref!r} (modules: {', '.join(self.modules)})")
        if m is None:
            where = f"module {module}" if module else "any module"
            raise DreamcutError(f"unknown migration {ref!r}: no such migration in {where} (dreamcut-db status lists them)")
        if module and m.module != module:
            raise DreamcutError(f"unknown migration {ref!r}: {migration_id} is a migration of module {m.module}, "
                                f"not {module} (write {m.ref})")
        return m

    def ancestors(self, ids: set[str]) -> set[str]:
        """Ids of every migration that one of ``ids`` needs, directly or not (``ids`` themselves excluded)."""
        found: set[str] = set()
        todo = [d for i in ids for d in self._by_id[i].depends]
        while todo:
            dep = todo.pop()
            if dep not in found:
                found.add(dep)
                todo.extend(self._by_id[dep].depends)
        return found - set(ids)

    def descendants(self, ids: set[str]) -> set[str]:
        """Ids of every migration that needs one of ``ids``, directly or not (``ids`` themselves excluded)."""
        found = set(ids)
        for m in self.migrations:  # dependency order: a migration comes after everything it needs
            if m.depends & found:
                found.add(m.id)
        return found - set(ids)

    def module_dependencies(self, module: str) -> set[str]:
        """Modules that ``module`` needs (transitively), not including itself."""
        own = {m.id for m in self.of_modules([module])}
        return {self._by_id[i].module for i in self.ancestors(own)} - {module}

    def module_dependants(self, module: str) -> set[str]:
        """Modules that need ``module`` (transitively), not including itself."""
        own = {m.id for m in self.of_modules([module])}
        return {self._by_id[i].module for i in self.descendants(own)} - {module}

    def closure(self, modules: list[str] | None) -> list[str]:
        """The named modules plus what they depend on, in install order; None or [] means every module.
        Raises DreamcutError for an unknown module."""
        if not modules:
            return self.modules
        unknown = [m for m in modules if m not in self.modules]
        if unknown:
            raise DreamcutError(f"unknown module {', '.join(unknown)} (modules: {', '.join(self.modules)})")
        wanted = set(modules)
        for m in modules:
            wanted |= self.module_dependencies(m)
        return [m for m in self.modules if m in wanted]

    def of_modules(self, modules: list[str]) -> list[Migration]:
        """The migrations of ``modules``, in dependency order."""
        return [m for m in self.migrations if m.module in modules]


def _module_order(needs: dict[str, set[str]]) -> list[str]:
    """Modules topologically sorted by what they need (``needs``: module -> modules it depends on), ties by
    name. Raises DreamcutError on a cycle."""
    order: list[str] = []
    while len(order) < len(needs):
        ready = sorted(m for m, deps in needs.items() if m not in order and deps <= set(order))
        if not ready:
            stuck = sorted(set(needs) - set(order))
            raise DreamcutError(f"module dependency cycle among {', '.join(stuck)}")
        order.append(ready[0])
    return order
