"""`dreamcut-db new NAME --module M --rework OBJECT`: a migration and rollback holding the object's current
definition (from the tree), which apply and roll back to the same catalog.

Marked ``major_independent`` (CI runs it on 18 only): the scaffold copies the committed tree's files, and that
those run unchanged on every major is checked there (tests/runner/test_tree.py, function and view files)."""

from __future__ import annotations

import shutil

import pytest

from dreamcut_db import cli, engine
from dreamcut_db.modules import MigrationSet, migrations_dir
from helpers import catalog_of

pytestmark = pytest.mark.major_independent
QUIET = dict(out=lambda _line: None)
REWORKS = [  # (module, object, change name): a function, a procedure and a view
    ("dreamcut", "public.update_asset_progress", "rework_update_asset_progress"),
    ("content", "dreamcut_private.enable_company_isolation", "rework_enable_company_isolation"),
    ("render", "active_jobs", "rework_active_jobs"),
]


@pytest.fixture
def migrations_copy(tmp_path, monkeypatch):
    copy = tmp_path / "migrations"
    shutil.copytree(migrations_dir(), copy)
    monkeypatch.setenv("DREAMCUT_MIGRATIONS_DIR", str(copy))
    return copy


def test_rework_applies_and_rolls_back_to_the_same_catalog(migrations_copy, db_url, capsys):
    """On a clone of the test template (every module, migrated by the runner)."""
    before = catalog_of(db_url)
    for module, obj, name in REWORKS:
        assert cli.main(["new", name, "--module", module, "--rework", obj]) == 0
    created = capsys.readouterr().out
    cat = MigrationSet.load()
    reworks = [m for m in cat.migrations if m.id.split("_", 1)[1] in {name for _, _, name in REWORKS}]
    assert len(reworks) == len(REWORKS)
    for m in reworks:
        assert f"created {m.path}" in created and f"created {m.rollback_path}" in created
        text = m.path.read_text(encoding="utf-8")
        assert "create or replace" in text and "comment on" in text and "revoke all on" in text
        assert text.split("\n\n", 1)[1] == m.rollback_path.read_text(encoding="utf-8").split("\n\n", 1)[1]

    # As scaffolded, the rework redefines each object as it is: nothing changes, and rolling back neither.
    assert [m.id for m in engine.migrate(db_url, cat, **QUIET)] == [m.id for m in reworks]
    assert catalog_of(db_url) == before
    engine.rollback(db_url, cat, steps=len(REWORKS), **QUIET)
    assert catalog_of(db_url) == before

    # Edited as a developer would, it changes exactly its function; its rollback restores it.
    function = next(m for m in reworks if m.id.endswith("rework_update_asset_progress"))
    text = function.path.read_text(encoding="utf-8")
    assert "'p_asset_id is required'" in text
    function.path.write_text(text.replace("'p_asset_id is required'", "'p_asset_id is required (reworked)'"))
    engine.migrate(db_url, MigrationSet.load(), **QUIET)
    changed = catalog_of(db_url)
    assert [k.split("(")[0] for k in changed if changed[k] != before[k]] == ["function public.update_asset_progress"]
    engine.rollback(db_url, MigrationSet.load(), steps=len(REWORKS), **QUIET)
    assert catalog_of(db_url) == before


@pytest.mark.parametrize("module, obj, message", [
    ("render", "public.jobs",
     "--rework public.jobs: it is a table, and only a function, procedure or view is reworked"),
    ("render", "no_such_function", "--rework no_such_function: no object of that name in the tree"),
    ("dreamcut", "public.create_job",
     "--rework public.create_job: it belongs to module render, which module dreamcut does not depend on"),
])
def test_rework_refuses_in_one_line(migrations_copy, capsys, module, obj, message):
    assert cli.main(["new", "some_change", "--module", module, "--rework", obj]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"dreamcut-db new: error: {message}") and "\n" not in err
    assert not list(migrations_copy.glob("*/*_some_change.sql"))
