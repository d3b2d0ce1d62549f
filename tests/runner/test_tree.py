"""The generated tree (sql/<module>/<kind>/<object>.sql) and docs/schema.md: current, and faithful to the catalog."""

from __future__ import annotations

import pytest

from dreamcut_db import catalog as snapshots
from dreamcut_db import tree
from dreamcut_db.modules import MigrationSet
from dreamcut_db.workspace import write_files
from helpers import make_url


@pytest.fixture(scope="module")
def schema(pg_server) -> tree.Schema:
    """The tree's reading of the test server: every module, installed one by one into a scratch database."""
    return tree.read(make_url(pg_server.host, pg_server.port, pg_server.user, "postgres", pg_server.password),
                     MigrationSet.load())


def test_committed_tree_and_schema_index_are_current(schema):
    """What `dreamcut-db snapshot --check` checks in CI: on PostgreSQL 18 the whole tree and docs/schema.md;
    on other majors (which deparse expressions differently) docs/schema.md, whose index names every file."""
    if schema.major == tree.TREE_MAJOR:
        assert tree.write(schema, check=True) == [], "run: dreamcut-db snapshot"
    else:
        index = {"docs/schema.md": tree.files(schema)["docs/schema.md"]}
        assert write_files(index, check=True) == [], "run: dreamcut-db snapshot (on PostgreSQL 18)"


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
    constraints, indexes, options, RLS, policies, triggers, grants, column grants, publications, comments)."""
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


def test_function_and_view_files_recreate_them_exactly(schema, db):
    """Every function, procedure and view file run over the migrated database changes nothing in the catalog:
    the files hold each one's whole definition, comment and grants."""
    files = tree.files(schema)
    before = snapshots.snapshot(db)
    folders = ("/functions/", "/procedures/", "/views/")
    ran = [path for path in files if any(f in path for f in folders)]
    assert len(ran) > 100
    with db.transaction(force_rollback=True):
        for path in ran:
            db.execute(files[path])
        assert [d["line"] for d in snapshots.diff(before, snapshots.snapshot(db))] == []


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


def test_literal_cuts_long_text_into_consecutive_literals_of_the_same_string(db):
    text = "It's " + "a long comment " * 20
    sql = tree.literal(text)
    assert sql.count("\n") >= 2 and sql.startswith("'It''s a long")
    assert db.execute(f"select {sql}").fetchone()[0] == text
