"""Migrations marked ``-- transactional: false`` (yoyo's directive): ``create index concurrently`` on a table
that exists, applied and rolled back outside a transaction, never executed by the trial, and a failure that
leaves the bookkeeping consistent and names the invalid index it left."""

from __future__ import annotations

import psycopg
import pytest

from dreamcut_db import engine, verify
from dreamcut_db.errors import DreamcutError
from dreamcut_db.modules import MigrationSet
from helpers import catalog_of

INDEX = "public.idx_clips_owner_id"
#: A table (with rows), a concurrent index build on it, and a migration that needs the index (a comment on it):
#: trying the third before the second is applied would fail.
FILES = {
    "0001_create_clips.sql": "-- depends:\n"
    "create table public.clips (id bigint generated always as identity primary key, owner_id uuid not null);\n"
    "insert into public.clips (owner_id) select gen_random_uuid() from generate_series(1, 100);\n",
    "0001_create_clips.rollback.sql": "drop table public.clips;\n",
    "0002_index_clips_owner_id.sql": "-- The owner lookup, built without blocking writes.\n"
    "-- depends: 0001_create_clips\n-- transactional: false\n\n"
    f"create index concurrently idx_clips_owner_id on public.clips (owner_id);\n",
    "0002_index_clips_owner_id.rollback.sql": f"drop index concurrently if exists {INDEX};\n",
    "0003_comment_clips_owner_id.sql": "-- depends: 0002_index_clips_owner_id\n"
    f"comment on index {INDEX} is 'The owner lookup.';\n",
    "0003_comment_clips_owner_id.rollback.sql": f"comment on index {INDEX} is null;\n",
}


@pytest.fixture
def clips(tmp_path) -> MigrationSet:
    (tmp_path / "clips").mkdir()
    for name, text in FILES.items():
        (tmp_path / "clips" / name).write_text(text)
    return MigrationSet.load(tmp_path)


def index_state(url: str) -> tuple[bool, str | None] | None:
    """(valid, comment) of the index, None when it does not exist."""
    with psycopg.connect(url) as conn:
        return conn.execute("select i.indisvalid, obj_description(i.indexrelid, 'pg_class') from pg_index i "
                            "where i.indexrelid = to_regclass(%s)", (INDEX,)).fetchone()


def bookkeeping(url: str) -> dict[str, list[str]]:
    with psycopg.connect(url) as conn:
        return {table: [r[0] for r in conn.execute(
            f"select migration_id from dreamcut_migrations.{table} order by migration_id")]
            for table in ("_yoyo_migration", "migration_checksums")} | {
            "lock": [str(r[0]) for r in conn.execute("select pid from dreamcut_migrations.yoyo_lock")]}


def test_applied_outside_a_transaction_never_by_the_trial(empty_url, clips):
    assert [m.transactional for m in clips.migrations] == [True, False, True]
    before = catalog_of(empty_url)
    lines = []
    assert len(engine.migrate(empty_url, clips, dry_run=True, out=lines.append)) == 3
    assert lines == ["trial: stopped at clips/0002_index_clips_owner_id, which runs outside a transaction "
                     "(-- transactional: false): it and the 1 migration(s) after it were not tried"]
    assert catalog_of(empty_url) == before  # the trial did not build the index for real

    # Installed up to the table: the trial still does not build the index, so the real run can.
    engine.migrate(empty_url, clips, to="0001_create_clips", out=lines.append)
    engine.migrate(empty_url, clips, dry_run=True, out=lines.append)
    assert index_state(empty_url) is None
    lines.clear()
    done = engine.migrate(empty_url, clips, out=lines.append)
    assert [m.ref for m in done] == ["clips/0002_index_clips_owner_id", "clips/0003_comment_clips_owner_id"]
    assert lines == ["trial: stopped at clips/0002_index_clips_owner_id, which runs outside a transaction "
                     "(-- transactional: false): the migrations after it are tried once it is applied",
                     "applied clips/0002_index_clips_owner_id", "applied clips/0003_comment_clips_owner_id"]
    assert index_state(empty_url) == (True, "The owner lookup.")
    ids = [m.id for m in clips.migrations]
    assert bookkeeping(empty_url) == {"_yoyo_migration": ids, "migration_checksums": ids, "lock": []}
    st = engine.status(empty_url, clips)
    assert not st.pending and not st.problems()
    assert verify.verify(empty_url, clips) == []
    assert engine.migrate(empty_url, clips, out=lines.append) == []


def test_a_fresh_install_and_a_rollback(empty_url, clips):
    before = catalog_of(empty_url)
    assert len(engine.migrate(empty_url, clips, out=lambda _line: None)) == 3
    assert index_state(empty_url) == (True, "The owner lookup.")
    lines = []
    engine.rollback(empty_url, clips, steps=2, dry_run=True, out=lines.append)
    assert lines == ["rollback plan: 2 migration(s), newest first", "  clips/0003_comment_clips_owner_id",
                     "  clips/0002_index_clips_owner_id  (runs outside a transaction: not tried)"]
    assert index_state(empty_url) == (True, "The owner lookup.")  # the plan did not drop it
    lines.clear()
    # The table holds rows: the plan is measured (the index's rollback left out) before it asks.
    done = engine.rollback(empty_url, clips, everything=True, confirm=lambda plan: True, out=lines.append)
    assert [m.ref for m in done] == [m.ref for m in reversed(clips.migrations)]
    assert "  clips/0001_create_clips  drops public.clips (100 rows)" in lines
    assert index_state(empty_url) is None
    assert bookkeeping(empty_url) == {"_yoyo_migration": [], "migration_checksums": [], "lock": []}
    assert catalog_of(empty_url) == before


def test_a_failed_concurrent_build_is_not_recorded_and_its_invalid_index_is_named(empty_url, clips, monkeypatch):
    engine.migrate(empty_url, clips, to="0001_create_clips", out=lambda _line: None)
    monkeypatch.setattr(engine, "LOCK_TIMEOUT", "200ms")
    # A writer's open transaction: the build waits for it after creating its (invalid) index, until lock_timeout.
    with psycopg.connect(empty_url) as writer:
        writer.execute("insert into public.clips (owner_id) values (gen_random_uuid())")
        with pytest.raises(DreamcutError) as info:
            engine.migrate(empty_url, clips, out=lambda _line: None)
    assert str(info.value) == (
        "migration clips/0002_index_clips_owner_id failed outside a transaction (-- transactional: false): "
        "canceling statement due to lock timeout [SQLSTATE 55P03]; it is not recorded as applied; left behind: "
        f"invalid index {INDEX} on public.clips (remove it: drop index concurrently {INDEX}), then rerun "
        "dreamcut-db migrate")
    assert index_state(empty_url) == (False, None)
    assert bookkeeping(empty_url) == {"_yoyo_migration": ["0001_create_clips"],
                                      "migration_checksums": ["0001_create_clips"], "lock": []}
    st = engine.status(empty_url, clips)
    assert [m.id for m in st.pending] == ["0002_index_clips_owner_id", "0003_comment_clips_owner_id"]
    assert not st.problems()

    # Rerun without the remedy: the statement fails again, and left nothing new.
    with pytest.raises(DreamcutError, match='already exists .*; it is not recorded as applied; nothing of it was '
                                            'left behind$'):
        engine.migrate(empty_url, clips, out=lambda _line: None)
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute(f"drop index concurrently {INDEX}")
    assert len(engine.migrate(empty_url, clips, out=lambda _line: None)) == 2
    assert index_state(empty_url) == (True, "The owner lookup.")
    assert not engine.status(empty_url, clips).problems()


def test_a_non_transactional_migration_holds_one_statement(tmp_path):
    (tmp_path / "clips").mkdir()
    for name, text in FILES.items():
        (tmp_path / "clips" / name).write_text(text)
    two = tmp_path / "clips" / "0002_index_clips_owner_id.sql"
    two.write_text(two.read_text() + "create index concurrently idx_clips_id on public.clips (id);\n")
    with pytest.raises(DreamcutError, match="clips/0002_index_clips_owner_id is -- transactional: false but it or "
                                            "its rollback file holds 2 statements"):
        MigrationSet.load(tmp_path)
