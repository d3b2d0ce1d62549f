"""The generated tree (sql/<module>/<kind>/<object>.sql) and docs/schema.md: current, and faithful to the catalog.

The tree is generated and compared on PostgreSQL 18 (``tree.TREE_MAJOR``; other majors deparse differently), so
what reads the tree from a scratch database (the ``schema`` fixture: every module installed one by one) runs on
18 only and is skipped elsewhere. On every major (Supabase runs 15 and 17) the committed files, what
``dreamcut-db new --rework`` copies into a migration, are checked against the migrated template: they name
every object, and every function, procedure and view file runs over it without changing anything.
"""

from __future__ import annotations

import psycopg
import pytest

from dreamcut_db import catalog as snapshots
from dreamcut_db import tree
from dreamcut_db.modules import MigrationSet
from dreamcut_db.workspace import checkout_root
from helpers import make_url


@pytest.fixture(scope="module")
def server_url(pg_server) -> str:
    return make_url(pg_server.host, pg_server.port, pg_server.user, "postgres", pg_server.password)


@pytest.fixture(scope="module")
def schema(server_url) -> tree.Schema:
    """The tree's reading of the test server (on PostgreSQL 18 only): every module, installed one by one into a
    scratch database."""
    with psycopg.connect(server_url) as conn:
        major = conn.info.server_version // 10000
    if major != tree.TREE_MAJOR:
        pytest.skip(f"the tree is generated on PostgreSQL {tree.TREE_MAJOR} only (this server: {major})")
    return tree.read(server_url, MigrationSet.load())


@pytest.fixture(scope="module")
def committed() -> dict[str, str]:
    """Relative path -> text of every committed file of the tree."""
    root = checkout_root()
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted((root / "sql").glob("*/*/*.sql")) if p.parent.name in tree.KIND_FOLDERS.values()}


def test_committed_tree_and_schema_index_are_current(schema):
    """What `dreamcut-db snapshot --check` checks in CI: the whole tree and docs/schema.md."""
    assert tree.write(schema, check=True) == [], "run: dreamcut-db snapshot"


def test_the_committed_tree_has_one_file_per_object_of_this_major(db, committed):
    """On every major the migrations create exactly the objects the tree (generated on 18) has files for."""
    names = {(tree.KIND_FOLDERS[kind], name) for kind, name in map(tree._name, snapshots.snapshot(db))}
    assert {(path.split("/")[2], path.split("/")[3][:-len(".sql")]) for path in committed} == names


def test_every_object_is_in_the_file_of_the_module_that_creates_it(schema):
    files = tree.files(schema)
    assert "sql/dreamcut/tables/public.dreamcut_queries.sql" in files
    assert "sql/render/functions/public.create_job.sql" in files
    assert "sql/platform/schemas/dreamcut_private.sql" in files
    assert "sql/render/views/public.active_jobs.sql" in files
    assert "sql/render/enums/public.job_status.sql" in files
    assert "sql/content/procedures/dreamcut_private.enable_company_isolation.sql" in files
    assert "sql/storyboard/tables/public.video_projects.sql" in files
    # one file per object (overloads of a function name would share one)
    assert len([p for p in files if p.startswith("sql/")]) == len({tree._name(key) for key in schema.objects})
    assert "(sql/render/tables/public.jobs.sql)" in files["docs/schema.md"].replace("../", "")


def test_a_table_file_recreates_the_table_exactly(schema, db):
    """Each table dropped and created again from its file alone has the catalog entry it had (columns,
    constraints, indexes, options, RLS, policies, triggers, grants, column grants, publications, comments).
    On PostgreSQL 18 only (``schema``): a table is never reworked, its file is for reading."""
    files = tree.files(schema)
    before = snapshots.snapshot(db)
    tables = [k for k in before if k.startswith("table ")]
    assert len(tables) > 20
    for key in tables:
        kind, name = tree._name(key)
        path = f"sql/{schema.module_of[key]}/tables/{name}.sql"
        with db.transaction(force_rollback=True):
            db.execute(f"drop table {name} cascade")
            db.execute(files[path])
            assert snapshots.snapshot(db)[key] == before[key], path


def test_function_and_view_files_recreate_them_exactly(db, committed):
    """Every committed function, procedure and view file (generated on 18; what a rework starts from) run over
    the database the migrations made on this major changes nothing in the catalog: the files hold each one's
    whole definition, comment and grants, in SQL every supported major takes."""
    before = snapshots.snapshot(db)
    folders = ("/functions/", "/procedures/", "/views/")
    ran = [path for path in committed if any(f in path for f in folders)]
    assert len(ran) > 100
    with db.transaction(force_rollback=True):
        for path in ran:
            db.execute(committed[path])
        assert [d["line"] for d in snapshots.diff(before, snapshots.snapshot(db))] == []


@pytest.mark.major_independent
@pytest.mark.parametrize("text, expected", [
    ("CREATE INDEX i ON public.t USING btree (a) WHERE (b = 'X Y'::text)",
     "create index i on public.t using btree (a) where (b = 'X Y'::text)"),
    ("CHECK ((name ~ E'\\\\S''A'::text))", "check ((name ~ e'\\\\S''A'::text))"),
    ('SELECT "Odd Name" FROM t', 'select "Odd Name" from t'),
    ("AS $function$\nBEGIN RETURN 'A'; END\n$function$", "as $function$\nBEGIN RETURN 'A'; END\n$function$"),
    ("WHERE a = $1 AND b$c = 'Q'", "where a = $1 and b$c = 'Q'"),
])
def test_lower_sql_keeps_literals_identifiers_and_bodies(text, expected):
    assert tree.lower_sql(text) == expected


@pytest.mark.major_independent
def test_literal_cuts_long_text_into_consecutive_literals_of_the_same_string(db):
    text = "It's " + "a long comment " * 20
    sql = tree.literal(text)
    assert sql.count("\n") >= 2 and sql.startswith("'It''s a long")
    assert db.execute(f"select {sql}").fetchone()[0] == text
