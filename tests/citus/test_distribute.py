"""dreamcut-db distribute: where it runs, its plan (--dry-run changes nothing and covers every family table)."""

from __future__ import annotations

import pytest
from citus_helpers import DISTRIBUTED_MODULES, FAMILY_TABLES
from helpers import catalog_of

from dreamcut_db import cli, distribute
from dreamcut_db.errors import DreamcutError


def test_distribute_needs_a_citus_coordinator(db_url, capsys):
    with pytest.raises(DreamcutError, match="has no citus extension: distribute runs on a Citus coordinator"):
        distribute.distribute(db_url, dry_run=True)
    assert cli.main(["--database-url", db_url, "distribute", "--undo"]) == 1
    assert "has no citus extension" in capsys.readouterr().err


def test_dry_run_plans_every_family_table_and_changes_nothing(migrated_url, capsys):
    before = catalog_of(migrated_url)
    code = cli.main(["--database-url", migrated_url, "distribute", "--dry-run"])
    out = capsys.readouterr().out
    assert catalog_of(migrated_url) == before
    lines = out.splitlines()
    assert lines[-1].startswith("dry run: ") and lines[-1].endswith("nothing was changed")
    assert [line for line in lines if line.startswith("blocked ")] == [] and code == 0
    with distribute.connect(migrated_url) as conn:
        distributed = {name for name, in conn.execute("select logicalrelid::regclass::text from pg_dist_partition")}
    for table in (t for module in DISTRIBUTED_MODULES for t in FAMILY_TABLES[module]):
        assert f"distributed table public.{table}:" in out or table in distributed, table
    assert "stays on the coordinator dreamcut_private.installed_modules" in out


def test_rollback_asks_for_distribute_undo_first(citus_url, capsys):
    before = catalog_of(citus_url)
    assert cli.main(["--database-url", citus_url, "rollback", "--module", "render", "--yes"]) == 1
    err = capsys.readouterr().err
    assert "is distributed over Citus: run dreamcut-db distribute --undo first, then rollback" in err
    assert len(err.strip().splitlines()) == 1
    assert catalog_of(citus_url) == before
