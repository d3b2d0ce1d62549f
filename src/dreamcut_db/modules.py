"""The migrations on disk: one folder per module under ``migrations/``, read with yoyo.

A module is a folder ``migrations/<module>/`` of yoyo SQL migrations ``NNNN_<change>.sql`` with their
``.rollback.sql``; ``-- depends:`` lines link migrations, also across modules, and so modules.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from yoyo import read_migrations

from .errors import DreamcutError

#: Install order when several modules are named; every module depends on platform.
MODULE_ORDER = ("platform", "dreamcut", "render", "content", "multimedia", "storyboard")


def migrations_dir() -> Path:
    """The ``migrations/`` folder: ``DREAMCUT_MIGRATIONS_DIR`` if set, else the one beside ``src/``."""
    if os.environ.get("DREAMCUT_MIGRATIONS_DIR"):
        return Path(os.environ["DREAMCUT_MIGRATIONS_DIR"])
    return Path(__file__).resolve().parents[2] / "migrations"


@dataclass
class Migration:
    """One migration: its yoyo object, module, and the sha256 of its apply and rollback files."""

    yoyo: object
    module: str

    @property
    def id(self) -> str:
        return self.yoyo.id

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

    @property
    def depends(self) -> set[str]:
        self.yoyo.load()
        return {d.id for d in self.yoyo.depends}


@dataclass
class MigrationSet:
    """Every migration of every module, in dependency order (yoyo's topological sort, modules in MODULE_ORDER).

    (Not to be confused with ``catalog.py``, the snapshot of a database's pg_catalog.)
    """

    migrations: list[Migration] = field(default_factory=list)

    @classmethod
    def load(cls, root: Path | None = None) -> "MigrationSet":
        """Read ``root`` (default: migrations_dir()). Raises DreamcutError on a duplicate id or a missing rollback."""
        root = root or migrations_dir()
        folders = sorted(
            (p for p in root.iterdir() if p.is_dir() and any(p.glob("*.sql"))),
            key=lambda p: (MODULE_ORDER.index(p.name) if p.name in MODULE_ORDER else len(MODULE_ORDER), p.name),
        )
        seen: dict[str, str] = {}
        found = []
        for folder in folders:
            for m in read_migrations(str(folder)):
                if m.id in seen:
                    raise DreamcutError(f"migration id {m.id} is in both {seen[m.id]} and {folder.name}: ids must be unique")
                seen[m.id] = folder.name
                mig = Migration(m, folder.name)
                if not mig.rollback_path.exists():
                    raise DreamcutError(f"migration {folder.name}/{m.id} has no {mig.rollback_path.name}")
                found.append(mig)
        by_id = {m.id: m for m in found}
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

        for m in found:
            visit(m)
        return cls(ordered)

    @property
    def modules(self) -> list[str]:
        """Module names in install order."""
        return list(dict.fromkeys(m.module for m in self.migrations))

    def by_id(self, migration_id: str) -> Migration:
        for m in self.migrations:
            if m.id == migration_id:
                return m
        raise DreamcutError(f"unknown migration {migration_id!r} (see dreamcut-db status)")

    def module_dependencies(self, module: str) -> set[str]:
        """Modules that ``module`` needs (transitively), not including itself."""
        ids = {m.id: m for m in self.migrations}
        needed: set[str] = set()
        todo = [m for m in self.migrations if m.module == module]
        while todo:
            m = todo.pop()
            for dep in m.depends:
                dm = ids[dep]
                if dm.module != module and dm.module not in needed:
                    needed.add(dm.module)
                    todo.extend(x for x in self.migrations if x.module == dm.module)
        return needed

    def closure(self, modules: list[str] | None) -> list[str]:
        """The named modules plus what they depend on, in install order; None or [] means every module."""
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
        return [m for m in self.migrations if m.module in modules]


#: Transitional: the old name, until the tests import MigrationSet (removed with the tests' move to tests/runner/).
Catalog = MigrationSet
