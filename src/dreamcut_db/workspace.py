"""Where generated files are made: the checkout they are written into, scratch databases, the jinja templates.

Used by ``render`` (bundle.py), ``snapshot`` (tree.py), ``new`` (scaffold.py), ``verify`` and ``lint``.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from pathlib import Path

import jinja2
import psycopg

from . import engine
from .database import connect, with_params
from .errors import DreamcutError
from .modules import MigrationSet

#: The templates of templates/ (SQL and Markdown: nothing is HTML-escaped, trailing newlines are kept).
TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("dreamcut_db", "templates"), keep_trailing_newline=True, autoescape=False,
    undefined=jinja2.StrictUndefined,
)


def checkout_root(command: str = "this command") -> Path:
    """The root of the git checkout this package runs from (where ``migrations/`` and ``sql/`` are committed).

    Raises DreamcutError naming ``command`` when the package is installed from a wheel (no checkout to write).
    """
    root = Path(__file__).resolve().parents[2]
    if not ((root / "pyproject.toml").is_file() and (root / "migrations").is_dir()):
        raise DreamcutError(
            f"{command} writes into a checkout of dreamcut_db: run it from a git clone installed with pip install -e ."
        )
    return root


def write_files(files: dict[str, str], check: bool = False, prune: tuple[str, ...] = (),
                command: str = "") -> list[str]:
    """Write ``files`` (path relative to the checkout root -> text), or with ``check`` only compare.

    ``prune``: folders (relative, e.g. ``sql/render/tables``) whose other ``*.sql`` files are generated too:
    a file there that ``files`` does not hold is out of date and deleted. Returns the relative paths that
    were out of date (written or deleted, or with ``check`` left as they are), sorted.
    """
    root = checkout_root(command or "writing generated files")
    stale = []
    for rel, text in files.items():
        target = root / rel
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            stale.append(rel)
            if not check:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
    for folder in prune:
        for path in sorted((root / folder).glob("*.sql")):
            rel = path.relative_to(root).as_posix()
            if rel not in files:
                stale.append(rel)
                if not check:
                    path.unlink()
    return sorted(stale)


@contextmanager
def scratch_database(url: str, cat: MigrationSet, migration_ids: list[str] | None = None):
    """Yield the URL of a new database on ``url``'s server with ``migration_ids`` applied (None: every
    migration; []: none); it is dropped afterwards. Raises DreamcutError without the CREATEDB privilege."""
    scratch = f"dreamcut_scratch_{uuid.uuid4().hex[:12]}"
    with connect(url, autocommit=True) as admin:
        try:
            admin.execute(f'create database "{scratch}" template template0')
        except psycopg.errors.InsufficientPrivilege:
            raise DreamcutError("building a reference database needs the CREATEDB privilege")
    try:
        scratch_url = with_params(url, dbname=scratch)
        wanted = [m.id for m in cat.migrations if migration_ids is None or m.id in set(migration_ids)]
        if wanted:
            engine.migrate(scratch_url, cat, out=lambda _line: None, only=wanted)
        yield scratch_url
    finally:
        with connect(url, autocommit=True) as admin:
            admin.execute(f'drop database if exists "{scratch}" with (force)')
