"""Rollback scoping (--to closure over -- depends:, --steps bounds, --module), plans with row counts, --yes,
and migration ids as the runner prints them (issue "Release 0.1.0", steps 2, 4 and 5)."""

from __future__ import annotations

import psycopg
import pytest

from dreamcut_db import cli, engine
from dreamcut_db.errors import DreamcutError
from helpers import catalog_of

QUIET = dict(out=lambda _line: None)


def applied_refs(url, mset) -> list[str]:
    ids = {a.id for a in engine.status(url, mset).applied}
    return [m.ref for m in mset.migrations if m.id in ids]


def test_rollback_to_takes_the_module_after_it_and_nothing_outside_the_closure(db_url, migration_set):
    before = applied_refs(db_url, migration_set)
    storyboard = migration_set.of_modules(["storyboard"])
    lines = []
    done = engine.rollback(db_url, migration_set, to=storyboard[-3].ref, out=lines.append)
    assert [m.ref for m in done] == [storyboard[-1].ref, storyboard[-2].ref]
    assert lines[:3] == ["rollback plan: 2 migration(s), newest first",
                         f"  {storyboard[-1].ref}", f"  {storyboard[-2].ref}"]  # the plan, before anything is done
    assert applied_refs(db_url, migration_set) == [r for r in before if r not in {m.ref for m in done}]


def test_rollback_to_takes_dependant_modules_first(db_url, migration_set):
    content = migration_set.of_modules(["content"])
    done = engine.rollback(db_url, migration_set, to=content[-2].ref, **QUIET)
    multimedia = [m.ref for m in reversed(migration_set.of_modules(["multimedia"]))]
    assert [m.ref for m in done] == multimedia + [content[-1].ref]
    st = engine.status(db_url, migration_set)
    assert "multimedia" not in st.installed_modules and not st.problems()
    assert {m.module for m in st.pending} == {"content", "multimedia"}


def test_rollback_steps_refuses_more_than_applied(db_url, migration_set, capsys):
    n = len(migration_set.migrations)
    with pytest.raises(DreamcutError, match=f"--steps {n + 1}: only {n} migration\\(s\\) are applied"):
        engine.rollback(db_url, migration_set, steps=n + 1, **QUIET)
    assert cli.main(["--database-url", db_url, "rollback", "--steps", "999"]) == 1
    err = capsys.readouterr().err
    assert err == f"dreamcut-db rollback: error: --steps 999: only {n} migration(s) are applied " \
                  "(rollback --all rolls back every one)\n"
    assert not engine.status(db_url, migration_set).pending


def test_ids_with_module_prefix_and_bare_are_accepted(empty_url, migration_set, capsys):
    assert cli.main(["--database-url", empty_url, "migrate", "--to", "dreamcut/0002_create_dreamcut_indexes"]) == 0
    assert "applied dreamcut/0002_create_dreamcut_indexes" in capsys.readouterr().out
    assert applied_refs(empty_url, migration_set) == [
        "platform/0001_supabase_platform", "dreamcut/0001_create_dreamcut_realtime_schema",
        "dreamcut/0002_create_dreamcut_indexes"]
    engine.migrate(empty_url, migration_set, to="0004_create_dreamcut_trigger_functions", **QUIET)
    for ref in ("dreamcut/0002_create_dreamcut_indexes", "0001_create_dreamcut_realtime_schema"):
        engine.rollback(empty_url, migration_set, to=ref, **QUIET)
        assert applied_refs(empty_url, migration_set)[-1].endswith(ref)
    with pytest.raises(DreamcutError, match="0001_supabase_platform is a migration of module platform, not dreamcut "
                                            "\\(write platform/0001_supabase_platform\\)"):
        engine.rollback(empty_url, migration_set, to="dreamcut/0001_supabase_platform", **QUIET)
    assert cli.main(["--database-url", empty_url, "rollback", "--to", "nosuch/0001_x"]) == 1
    assert "unknown module 'nosuch'" in capsys.readouterr().err


def test_dry_run_prints_the_plan_with_row_counts_and_changes_nothing(db_url, migration_set, capsys):
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("insert into public.dreamcut_queries (user_id, user_prompt) values ('u1', 'a'), ('u2', 'b')")
    before, applied = catalog_of(db_url), applied_refs(db_url, migration_set)
    assert cli.main(["--database-url", db_url, "rollback", "--module", "dreamcut", "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "rollback plan: 6 migration(s), newest first"
    assert ("  dreamcut/0001_create_dreamcut_realtime_schema  drops public.dreamcut_assets (0 rows), "
            "public.dreamcut_messages (0 rows), public.dreamcut_queries (2 rows)") in out
    assert out[-1] == "dry run: 6 migration(s) would be rolled back; nothing was changed"
    assert catalog_of(db_url) == before and applied_refs(db_url, migration_set) == applied
    with psycopg.connect(db_url) as conn:
        assert conn.execute("select count(*) from public.dreamcut_queries").fetchone()[0] == 2


def test_rows_at_stake_need_yes_without_a_terminal(db_url, migration_set, capsys):
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("insert into public.video_projects (user_id, prompt) values (gen_random_uuid(), 'p')")
    assert cli.main(["--database-url", db_url, "rollback", "--module", "storyboard"]) == 1  # pytest's stdin: no tty
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "drops 1 table(s) holding 1 row(s) (public.video_projects)" in err
    assert "nothing was rolled back; rerun with --yes to confirm" in err
    assert "storyboard" in engine.status(db_url, migration_set).installed_modules
    # A rollback that drops no rows needs no --yes; with rows, --yes goes ahead.
    assert cli.main(["--database-url", db_url, "rollback", "--steps", "1"]) == 0
    assert cli.main(["--database-url", db_url, "rollback", "--module", "storyboard", "--yes"]) == 0
    assert "storyboard" not in engine.status(db_url, migration_set).installed_modules


def test_a_declined_confirmation_rolls_back_nothing(db_url, migration_set):
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("insert into public.jobs (width, height) values (640, 480)")
    asked = []
    with pytest.raises(DreamcutError, match="rerun with --yes"):
        engine.rollback(db_url, migration_set, module="render", confirm=lambda plan: asked.append(plan) or False, **QUIET)
    assert asked[0].rows_at_stake == {"public.jobs": 1}
    assert "render" in engine.status(db_url, migration_set).installed_modules
    engine.rollback(db_url, migration_set, module="render", confirm=lambda plan: True, **QUIET)
    assert "render" not in engine.status(db_url, migration_set).installed_modules


def test_rollback_module_refuses_while_dependants_are_installed(db_url, migration_set):
    with pytest.raises(DreamcutError, match="installed modules depend on it: multimedia \\(roll those back first\\)"):
        engine.rollback(db_url, migration_set, module="content", **QUIET)
    with pytest.raises(DreamcutError, match="unknown module nosuch"):
        engine.rollback(db_url, migration_set, module="nosuch", **QUIET)
