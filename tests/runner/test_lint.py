"""`dreamcut-db lint`: each catalog and migration-safety rule fires on a database or file that breaks it."""

from __future__ import annotations

import hashlib

import pytest

from dreamcut_db import cli, lint
from dreamcut_db.modules import Catalog


def rules(db) -> set[str]:
    return {f.line for f in lint.catalog_findings(db)}


def test_the_migrated_schema_breaks_no_rule(db):
    assert rules(db) == set()


@pytest.mark.parametrize(
    "setup, expected",
    [
        ("create table public.t_no_rls (id int primary key); comment on table public.t_no_rls is 'x'",
         "rls-enabled: public.t_no_rls"),
        ("create table public.t_parent (id int primary key); create table public.t_child (id int primary key, "
         "parent_id int references public.t_parent (id)); alter table public.t_parent enable row level security; "
         "alter table public.t_child enable row level security",
         "fk-index: public.t_child (t_child_parent_id_fkey)"),
        ("create index dup_a on public.dreamcut_assets (status)",
         "duplicate-index: public.dreamcut_assets: public.idx_dreamcut_assets_status = public.dup_a"),
        ("create function public.no_path() returns int language sql as 'select 1'; "
         "comment on function public.no_path() is 'x'",
         "function-search-path: public.no_path()"),
        ("create procedure public.no_path_proc() language sql as 'select 1'; "
         "comment on procedure public.no_path_proc() is 'x'",
         "function-search-path: public.no_path_proc()"),
        ("create function public.definer_open() returns int language sql security definer set search_path = '' "
         "as 'select 1'; comment on function public.definer_open() is 'x'",
         "definer-not-anon: public.definer_open()"),
        ("create policy bare_uid on public.dreamcut_queries as restrictive for select to authenticated "
         "using (user_id = auth.uid()::text)",
         "policy-initplan: public.dreamcut_queries (bare_uid): auth.uid() outside (select ...)"),
        ("create policy second_select on public.dreamcut_queries for select to authenticated using (false)",
         "one-permissive-policy: public.dreamcut_queries: select for authenticated (dreamcut_queries_select_own, second_select)"),
        ("create policy open_insert on public.dreamcut_messages for insert to authenticated with check (true)",
         "no-true-write-policy: public.dreamcut_messages (open_insert)"),
        ("create view public.v_definer as select id from public.dreamcut_queries; "
         "comment on view public.v_definer is 'x'; grant select on public.v_definer to authenticated",
         "view-security-invoker: public.v_definer"),
        ("comment on table public.dreamcut_messages is null", "comments: public.dreamcut_messages"),
    ],
    ids=lambda v: None if v.startswith(("create", "comment")) else v.split(":")[0],
)
def test_each_catalog_rule_fires(db, setup, expected):
    db.execute(setup)
    found = rules(db)
    assert expected in found, found


MIGRATION = "-- depends: 0001_supabase_platform\n"


@pytest.fixture
def fake_repo(tmp_path):
    """A migrations folder with one released migration creating public.films, and an unreleased one."""
    root = tmp_path / "migrations"
    (root / "platform").mkdir(parents=True)
    (root / "platform" / "0001_supabase_platform.sql").write_text("select 1;\n")
    (root / "platform" / "0001_supabase_platform.rollback.sql").write_text("select 1;\n")
    (root / "films").mkdir()
    released = root / "films" / "0001_create_films.sql"
    released.write_text(MIGRATION + "create table public.films (id int primary key, title text);\n"
                        "create index films_title on public.films (title);\n")
    (root / "films" / "0001_create_films.rollback.sql").write_text("drop table public.films;\n")
    digest = hashlib.sha256(released.read_bytes()).hexdigest()
    (root / "RELEASED").write_text(f"# released\n{digest}  films/0001_create_films.sql\n")
    return root


def findings(root, body: str) -> set[str]:
    (root / "films" / "0002_change_films.sql").write_text("-- depends: 0001_create_films\n" + body)
    (root / "films" / "0002_change_films.rollback.sql").write_text("select 1;\n")
    return {f.rule for f in lint.migration_findings(root, Catalog.load(root))}


@pytest.mark.parametrize(
    "body, rule",
    [
        ("alter table public.films alter column title type varchar(50);\n", "no-type-rewrite"),
        ("create index films_id_title on public.films (id, title);\n", "index-concurrently"),
        ("alter table public.films add constraint title_set check (title <> '');\n", "constraint-not-valid"),
    ],
)
def test_each_migration_safety_rule_fires(fake_repo, body, rule):
    assert rule in findings(fake_repo, body)


def test_safe_forms_and_new_tables_pass(fake_repo):
    assert findings(fake_repo, "-- transactional: false\n"
                    "create index concurrently films_id_title on public.films (id, title);\n"
                    "alter table public.films add constraint title_set check (title <> '') not valid;\n"
                    "create table public.reels (id int primary key, n int);\n"
                    "create index reels_n on public.reels (n);\n"
                    "alter table public.reels alter column n type bigint;\n") == set()


def test_a_released_file_must_not_change(fake_repo):
    released = fake_repo / "films" / "0001_create_films.sql"
    released.write_text(released.read_text() + "-- touched\n")
    assert "released-immutable" in findings(fake_repo, "select 1;\n")


def test_lint_command_passes_on_main(db_url, capsys):
    assert cli.main(["--database-url", db_url, "lint"]) == 0
    assert "lint: 0 finding(s)" in capsys.readouterr().out


def test_new_scaffolds_a_migration_that_applies_and_rolls_back(tmp_path, monkeypatch, empty_url, capsys):
    import shutil

    from dreamcut_db import engine
    from dreamcut_db.modules import migrations_dir

    copy = tmp_path / "migrations"
    shutil.copytree(migrations_dir(), copy)
    monkeypatch.setenv("DREAMCUT_MIGRATIONS_DIR", str(copy))
    assert cli.main(["new", "add_dreamcut_query_tags", "--module", "dreamcut"]) == 0
    assert cli.main(["new", "create_reels_schema", "--module", "reels"]) == 0
    out = capsys.readouterr().out
    latest = max(p.name for p in (copy / "dreamcut").glob("*.sql") if "rollback" not in p.name)
    assert latest.endswith("_add_dreamcut_query_tags.sql") and f"created {copy / 'dreamcut' / latest}" in out
    assert (copy / "reels" / "0001_create_reels_schema.rollback.sql").exists()
    assert cli.main(["new", "create_reels_schema", "--module", "other"]) == 1
    cat = Catalog.load(copy)
    assert "reels" in cat.modules and cat.module_dependencies("reels") == {"platform"}
    engine.migrate(empty_url, cat, out=lambda _l: None)
    assert engine.status(empty_url, cat).installed_modules[-1] == "reels"
    engine.rollback(empty_url, cat, module="reels", out=lambda _l: None)
    engine.rollback(empty_url, cat, steps=1, out=lambda _l: None)
