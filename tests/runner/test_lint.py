"""`dreamcut-db lint`: every catalog rule, squawk, the released-file rule and plpgsql_check fire on an object or a
file that breaks them, and the package itself breaks none."""

from __future__ import annotations

import hashlib

import pytest

from dreamcut_db import cli, workspace
from dreamcut_db.errors import DreamcutError
from dreamcut_db.lint import migrations, plpgsql_check, rules
from dreamcut_db.modules import MigrationSet


def findings(db) -> set[str]:
    return {f"{rule}: {obj}" for rule, obj in rules.run(db)}


def test_the_migrated_schema_breaks_no_rule(db):
    assert findings(db) == set()


def test_every_rule_is_named_once_and_documented():
    names = [r.name for r in rules.RULES]
    assert len(names) == len(set(names))
    assert all(r.requires and (r.query is None) != (r.check is None) for r in rules.RULES)
    from dreamcut_db.workspace import checkout_root

    doc = (checkout_root() / "docs" / "supabase.md").read_text(encoding="utf-8")
    assert [n for n in names if f"`{n}`" not in doc] == []
    assert [lint for r in rules.RULES for lint in r.lints if f"`{lint}`" not in doc] == []


#: (rule, the SQL that breaks it on the migrated database, the finding it must give).
BROKEN = [
    ("rls-enabled", "create table public.t_open (id int primary key); comment on table public.t_open is 'x'",
     "public.t_open"),
    ("rls-enabled", "create table dreamcut_private.t_granted (id int primary key); "
     "grant select on dreamcut_private.t_granted to authenticated", "dreamcut_private.t_granted"),
    ("rls-enabled", "create table dreamcut_private.t_policy (id int primary key); "
     "create policy p on dreamcut_private.t_policy to service_role using (true)", "dreamcut_private.t_policy"),
    ("rls-policy", "create table public.t_closed (id int primary key); "
     "alter table public.t_closed enable row level security", "public.t_closed"),
    ("rls-policy", "create table dreamcut_private.t_closed (id int primary key); "
     "alter table dreamcut_private.t_closed enable row level security", "dreamcut_private.t_closed"),
    ("definer-not-exposed", "create function public.definer_open() returns int language sql security definer "
     "set search_path = '' as 'select 1'", "public.definer_open()"),
    ("function-search-path", "create function public.no_path() returns int language sql as 'select 1'",
     "public.no_path()"),
    ("function-search-path", "create procedure dreamcut_private.some_path() language sql set search_path = public "
     "as 'select 1'", "dreamcut_private.some_path()"),
    ("function-search-path", "create procedure public.committing() language plpgsql as "
     "'begin commit; end'", "public.committing()"),
    ("policy-always-true", "create policy open_insert on public.dreamcut_messages for insert to authenticated "
     "with check (true)", "public.dreamcut_messages (open_insert)"),
    ("policy-always-true", "create policy open_update on public.dreamcut_messages as permissive for update "
     "to authenticated using (1 = 1) with check (false)", "public.dreamcut_messages (open_update)"),
    ("policy-always-true", "create policy no_check on public.dreamcut_messages for all to public using (false)",
     "public.dreamcut_messages (no_check)"),
    ("policy-null-auth", "create policy signed_out on public.dreamcut_queries for select to authenticated "
     "using ((select auth.uid()) is null or user_id = ((select auth.uid()))::text)",
     "public.dreamcut_queries (signed_out)"),
    ("policy-null-auth", "create policy signed_out_not on public.dreamcut_queries for all to anon "
     "using (status = 'pending' or not (auth.role() is not null)) with check (false)",
     "public.dreamcut_queries (signed_out_not)"),
    ("policy-user-metadata", "create policy by_metadata on public.dreamcut_queries as restrictive for select "
     "to authenticated using (((select auth.jwt()) -> 'user_metadata' ->> 'role') = 'admin')",
     "public.dreamcut_queries (by_metadata)"),
    ("view-security-invoker", "create view public.v_definer as select id from public.dreamcut_queries; "
     "grant select on public.v_definer to authenticated", "public.v_definer"),
    ("relation-without-rls-exposed", "create materialized view public.mv_open as select id from "
     "public.dreamcut_queries; grant select on public.mv_open to anon", "public.mv_open"),
    ("relation-without-rls-exposed", "create table if not exists auth.users (id uuid primary key); "
     "create view public.v_users with (security_invoker = true) as select id from auth.users; "
     "grant select on public.v_users to authenticated", "public.v_users"),
    ("fkey-to-auth-unique", "create table auth.t_accounts (id uuid primary key, email text unique); "
     "create table public.t_profiles (id int primary key, email text references auth.t_accounts (email)); "
     "create index on public.t_profiles (email)", "public.t_profiles (t_profiles_email_fkey)"),
    ("no-reg-type-column", "create table public.t_reg (id int primary key, fn regprocedure)", "public.t_reg.fn"),
    ("policy-initplan", "create policy bare_uid on public.dreamcut_queries as restrictive for select "
     "to authenticated using (user_id = auth.uid()::text)",
     "public.dreamcut_queries (bare_uid): auth.uid() outside (select ...)"),
    ("policy-initplan", "create policy cast_inside on public.dreamcut_queries as restrictive for select "
     "to authenticated using (user_id = (select auth.uid()::text))",
     "public.dreamcut_queries (cast_inside): auth.uid() outside (select ...)"),
    ("policy-initplan", "create policy bare_setting on public.dreamcut_queries as restrictive for select "
     "to authenticated using (current_setting('request.jwt.claims', true) is not null)",
     "public.dreamcut_queries (bare_setting): current_setting( outside (select ...)"),
    ("one-permissive-policy", "create policy second_select on public.dreamcut_queries for select "
     "to authenticated using (false)",
     "public.dreamcut_queries: select for authenticated (dreamcut_queries_select_own, second_select)"),
    ("one-permissive-policy", "create policy everyone on public.dreamcut_queries for select using (false)",
     "public.dreamcut_queries: select for authenticated (dreamcut_queries_select_own, everyone)"),
    ("fk-index", "create table public.t_parent (id int primary key); create table public.t_child (id int "
     "primary key, parent_id int references public.t_parent (id))", "public.t_child (t_child_parent_id_fkey)"),
    ("fk-index", "create table public.t_pair (a int, b int, primary key (a, b)); create table public.t_ref "
     "(id int primary key, a int, b int, foreign key (a, b) references public.t_pair (a, b)); "
     "create index on public.t_ref (b, a); create index on public.t_ref (a, b) where a > 0",
     "public.t_ref (t_ref_a_b_fkey)"),
    ("duplicate-index", "create index dup_a on public.dreamcut_assets (status)", None),
    ("primary-key", "create table public.t_heap (id int)", "public.t_heap"),
    ("index-valid", "create index t_invalid on public.dreamcut_messages (created_at); "
     "update pg_index set indisvalid = false where indexrelid = 'public.t_invalid'::regclass", "public.t_invalid"),
    ("autovacuum-enabled", "create table public.t_novacuum (id int primary key) with (autovacuum_enabled = off)",
     "public.t_novacuum"),
    ("identity-bigint", "create table public.t_ident (id int generated always as identity primary key)",
     "public.t_ident.id"),
    ("comments", "comment on table public.dreamcut_messages is null", "public.dreamcut_messages"),
]


@pytest.mark.parametrize("rule, setup, expected", BROKEN, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(BROKEN)])
def test_each_catalog_rule_fires(db, rule, setup, expected):
    db.execute(setup)
    found = {obj for name, obj in rules.run(db) if name == rule}
    assert (expected in found) if expected else found, found


def test_extension_in_public_fires(db):
    name = db.execute("select name from pg_available_extensions where name in ('vector', 'pgcrypto', 'citext') "
                      "order by name limit 1").fetchone()
    if name is None:
        pytest.skip("no extension to install on this server")
    db.execute(f'create extension "{name[0]}" schema public')
    assert ("extension-not-in-public", name[0]) in rules.run(db)


def test_exposed_schemas_come_from_pgrst_db_schemas(db):
    db.execute("create schema api; create function api.definer_open() returns int language sql security definer "
               "set search_path = '' as 'select 1'")
    assert ("definer-not-exposed", "api.definer_open()") not in rules.run(db)
    db.execute("select set_config('pgrst.db_schemas', 'api, public', false)")
    assert ("definer-not-exposed", "api.definer_open()") in rules.run(db)


PLPGSQL = """
create table public.t_with (id int primary key, touched int);
create table public.t_without (id int primary key);
create function dreamcut_private.t_touch() returns trigger language plpgsql set search_path = '' as $$
begin
    new.touched := 1;
    return new;
end
$$;
create trigger t_with_touch before insert on public.t_with for each row execute function dreamcut_private.t_touch();
create trigger t_without_touch before insert on public.t_without for each row
execute function dreamcut_private.t_touch();
create function dreamcut_private.t_count() returns trigger language plpgsql set search_path = '' as $$
begin
    perform count(*) from added;
    return null;
end
$$;
create trigger t_with_count after insert on public.t_with referencing new table as added
for each statement execute function dreamcut_private.t_count();
create function public.t_unused() returns int language plpgsql set search_path = '' as $$
declare
    v_unused int;
begin
    return 1;
end
$$;
"""


def test_plpgsql_check_judges_each_trigger_in_its_table(db):
    db.execute(PLPGSQL)
    found, skipped = plpgsql_check.check(db)
    if skipped:
        assert "\n" not in skipped and skipped.startswith("plpgsql_check: skipped")
        pytest.skip(skipped)
    on = {line.split(": line")[0] for line in found}
    assert "dreamcut_private.t_touch() (trigger t_without_touch on public.t_without)" in on
    assert "dreamcut_private.t_touch() (trigger t_with_touch on public.t_with)" not in on
    assert not [line for line in found if "t_count" in line]  # its transition table was known
    assert [line for line in found if line.startswith("public.t_unused(): ") and 'unused variable "v_unused"' in line]
    assert db.execute("select count(*) from pg_extension where extname = 'plpgsql_check'").fetchone()[0] == 0


def test_lint_command_passes_on_main(db_url, capsys):
    assert cli.main(["--database-url", db_url, "lint"]) == 0
    out = capsys.readouterr().out
    assert "lint: 0 finding(s)" in out and "== squawk" in out and "== plpgsql_check" in out


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


def test_lint_without_a_checkout_lints_what_the_package_ships(fake_repo, monkeypatch, capsys):
    """An installed wheel has no checkout: lint says in one line that it skips sqlfluff and squawk and judges the
    migrations it ships (.ci/package runs it from a wheel, with the catalog rules)."""
    def no_checkout(command):
        raise DreamcutError(f"{command} writes into a checkout of dreamcut_db")
    monkeypatch.setattr(workspace, "checkout_root", no_checkout)
    monkeypatch.setattr(migrations, "sqlfluff", lambda repo: pytest.fail("sqlfluff ran without a checkout"))
    monkeypatch.setenv("DREAMCUT_MIGRATIONS_DIR", str(fake_repo))  # the shipped migrations
    assert cli.main(["lint", "--no-catalog"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("== sqlfluff and squawk skipped: they lint a checkout")
    assert out[-1] == "lint: 0 finding(s) (database checks skipped)"
    (fake_repo / "films" / "0001_create_films.sql").write_text(MIGRATION + "create table public.films (id int);\n")
    assert cli.main(["lint", "--no-catalog"]) == 1
    assert ("released-immutable: films/0001_create_films.sql: changed after release"
            in capsys.readouterr().out)


def squawk_rules(root, *bodies: str) -> set[str]:
    """Write each body as the next unreleased migration of module films; the squawk rules that fire."""
    for n, body in enumerate(bodies, start=2):
        depends = "0001_create_films" if n == 2 else f"000{n - 1}_change_films"
        (root / "films" / f"000{n}_change_films.sql").write_text(f"-- depends: {depends}\n" + body)
        (root / "films" / f"000{n}_change_films.rollback.sql").write_text("select 1;\n")
    config = root.parent / ".squawk.toml"
    if not config.exists():
        from dreamcut_db.workspace import checkout_root

        config.write_text((checkout_root() / ".squawk.toml").read_text())
    lines = migrations.squawk(root, MigrationSet.load(root), config)
    return {line.split(": ")[1] for line in lines}


@pytest.mark.parametrize(
    "body, rule",
    [
        ("alter table public.films alter column title type varchar(50);\n", "changing-column-type"),
        ("create index films_id_title on public.films (id, title);\n", "require-concurrent-index-creation"),
        ("alter table public.films add constraint title_set check (title <> '');\n", "constraint-missing-not-valid"),
        ("alter table public.films add column year int not null;\n", "adding-required-field"),
        ("alter table public.films rename column title to name;\n", "renaming-column"),
    ],
)
def test_squawk_judges_statements_on_released_tables(fake_repo, body, rule):
    assert rule in squawk_rules(fake_repo, body)


def test_tables_of_unreleased_migrations_are_new_and_safe_forms_pass(fake_repo):
    assert squawk_rules(
        fake_repo,
        "alter table public.films add constraint title_set check (title <> '') not valid;\n"
        "create table public.reels (id int primary key, n int);\n",
        "create index reels_n on public.reels (n);\n"
        "alter table public.reels add constraint n_positive check (n > 0);\n",
    ) == set()


def test_squawk_reports_the_migration_files_line(fake_repo):
    squawk_rules(fake_repo, "create table public.reels (id int primary key);\n")
    (fake_repo / "films" / "0003_index_films.sql").write_text(
        "-- depends: 0002_change_films\n\ncreate index films_id on public.films (id);\n")
    (fake_repo / "films" / "0003_index_films.rollback.sql").write_text("select 1;\n")
    lines = migrations.squawk(fake_repo, MigrationSet.load(fake_repo), fake_repo.parent / ".squawk.toml")
    assert lines == ["films/0003_index_films.sql:3: require-concurrent-index-creation: During normal index "
                     "creation, table updates are blocked, but reads are still allowed."]


def test_a_released_file_must_not_change(fake_repo):
    released = fake_repo / "films" / "0001_create_films.sql"
    assert migrations.released_changes(fake_repo) == []
    released.write_text(released.read_text() + "-- touched\n")
    assert migrations.released_changes(fake_repo) == [
        "films/0001_create_films.sql: changed after release (write a new migration: dreamcut-db new ... --rework)"]
    released.unlink()
    assert migrations.released_changes(fake_repo) == ["films/0001_create_films.sql: released but missing"]


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
    cat = MigrationSet.load(copy)
    assert "reels" in cat.modules and cat.module_dependencies("reels") == {"platform"}
    engine.migrate(empty_url, cat, out=lambda _l: None)
    assert "reels" in engine.status(empty_url, cat).installed_modules  # module order: by -- depends:, then name
    engine.rollback(empty_url, cat, module="reels", out=lambda _l: None)
    engine.rollback(empty_url, cat, steps=1, out=lambda _l: None)
