"""The render module as a whole (video-platform-database.md): enums, tables, constraints, comments and
privileges of every object, the document's verification queries, migrate -> rollback -> migrate of the
module, dreamcut-db verify, rollback.sql, and a legacy jobs table."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest

from dreamcut_db import catalog as snapshot_catalog
from dreamcut_db import engine, verify
from dreamcut_db.errors import DreamcutError
from dreamcut_db.modules import MigrationSet
from render_helpers import scalar
from helpers import psql

ENUMS = {
    "job_status": ["pending", "processing", "completed", "failed", "cancelled", "timeout"],
    "element_type": ["video", "image", "audio", "text", "overlay"],
    "fit_mode": ["auto", "contain", "cover", "fill", "stretch"],
    "processing_step": ["validation", "download", "processing", "composition", "encoding", "upload", "cleanup"],
    "storage_operation": ["upload", "download", "delete", "access"],
    "response_type": ["immediate", "async"],
}
TABLES = ["jobs", "elements", "storage_operations", "processing_timeline", "url_access_logs", "system_metrics"]
PRIVATE_TABLES = ["rate_limit_counters", "security_events"]
PUBLIC_FUNCTIONS = [
    "create_job", "add_job_element", "add_job_elements", "update_job_status", "update_job_progress", "complete_job",
    "cancel_job", "timeout_stale_jobs", "calculate_job_progress", "calculate_job_duration", "start_processing_step",
    "complete_processing_step", "update_element_status", "log_storage_operation", "log_url_access",
    "record_system_metric", "get_job_statistics", "get_storage_statistics", "cleanup_old_jobs", "cleanup_old_metrics",
    "enforce_data_retention", "log_security_event", "check_rate_limit",
]
PRIVATE_FUNCTIONS = [
    "user_role", "is_admin", "request_header", "client_ip", "can_subscribe_to_job", "element_input_error",
    "validate_job_update", "validate_element", "refuse_element_move", "notify_job_change", "broadcast_job_change",
    "notify_timeline_change", "retention_cutoff", "delete_old_rows",
]
#: EXECUTE per role of the public functions (the rest of the API roles: none).
END_USER = {"create_job", "add_job_element", "add_job_elements", "cancel_job", "calculate_job_progress",
            "calculate_job_duration", "get_job_statistics", "get_storage_statistics"}

REPO = Path(__file__).resolve().parents[2]


def functions(conn, schema: str, names: list[str]):
    return conn.execute(
        """select p.proname, p.oid::regprocedure::text, obj_description(p.oid, 'pg_proc'), p.prosecdef,
                  coalesce(p.proconfig, '{}'), p.provolatile
           from pg_proc p where p.pronamespace = %s::regnamespace and p.proname = any(%s)""",
        (schema, names)).fetchall()


def test_enums_are_exactly_the_documents(rdb):
    got = {name: labels for name, labels in rdb.execute(
        "select t.typname, array_agg(e.enumlabel order by e.enumsortorder) from pg_type t "
        "join pg_enum e on e.enumtypid = t.oid where t.typnamespace = 'public'::regnamespace and t.typname = any(%s) "
        "group by t.typname", (list(ENUMS),))}
    assert got == ENUMS


def test_tables_rls_comments_and_foreign_key_indexes(rdb):
    for schema, names in (("public", TABLES), ("dreamcut_private", PRIVATE_TABLES)):
        for name in names:
            rel = f"{schema}.{name}"
            assert scalar(rdb, "select relrowsecurity from pg_class where oid = %s::regclass", (rel,)), rel
            assert scalar(rdb, "select obj_description(%s::regclass, 'pg_class')", (rel,)), rel
            assert scalar(rdb, "select count(*) from pg_constraint where conrelid = %s::regclass and contype = 'p'",
                          (rel,)) == 1, rel
    unindexed = rdb.execute(
        """select c.conrelid::regclass::text, c.conname from pg_constraint c
           where c.contype = 'f' and c.conrelid = any(%s::regclass[])
             and not exists (select from pg_index i where i.indrelid = c.conrelid
                             and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey)""",
        ([f"public.{t}" for t in TABLES],)).fetchall()
    assert unindexed == []
    # Private tables: nothing for the API roles beyond service_role's read access.
    for name in PRIVATE_TABLES:
        for role in ("anon", "authenticated"):
            assert not scalar(rdb, "select has_table_privilege(%s, %s, 'select,insert,update,delete')",
                              (role, f"dreamcut_private.{name}"))


#: The job's children (docs/render.md, "Distribution"): keyed by job_id, the distribution key of the family.
JOB_CHILDREN = ["elements", "storage_operations", "processing_timeline", "url_access_logs"]


def test_every_key_of_a_jobs_child_leads_with_job_id(rdb):
    """Primary keys, unique indexes (partial ones too) and foreign keys of every child of jobs start with job_id,
    no foreign key that includes it sets null or a default on delete, and the lookups by a child's id alone that
    functions make (elements, timeline entries) have an index."""
    children = [f"public.{t}" for t in JOB_CHILDREN]
    leading = rdb.execute(
        """select i.indrelid::regclass::text, i.indexrelid::regclass::text, a.attname
           from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
           where i.indrelid = any(%s::regclass[]) and i.indisunique""", (children,)).fetchall()
    assert {(r[0], r[2]) for r in leading} == {(c, "job_id") for c in JOB_CHILDREN}
    assert {r[1] for r in leading} >= {f"{c}_pkey" for c in JOB_CHILDREN}
    assert rdb.execute(
        """select c.conrelid::regclass::text, pg_get_constraintdef(c.oid) from pg_constraint c
           where c.contype = 'f' and c.conrelid = any(%s::regclass[])
             and (c.conkey[1] <> (select attnum from pg_attribute where attrelid = c.conrelid and attname = 'job_id')
                  or c.confdeltype in ('n', 'd'))""", (children,)).fetchall() == []
    for table in ("public.elements", "public.processing_timeline"):
        assert scalar(rdb, "select count(*) from pg_index i join pg_attribute a on a.attrelid = i.indrelid "
                           "and a.attnum = i.indkey[0] where i.indrelid = %s::regclass and a.attname = 'id' "
                           "and i.indnatts = 1", (table,)) == 1, table


def test_no_trigger_function_of_the_module_branches_on_the_table_or_the_event(rdb):
    bodies = rdb.execute(
        """select distinct p.oid::regprocedure::text, p.prosrc from pg_trigger t join pg_proc p on p.oid = t.tgfoid
           where t.tgrelid = any(%s::regclass[]) and not t.tgisinternal""",
        ([f"public.{t}" for t in ["jobs", *JOB_CHILDREN]],)).fetchall()
    assert bodies and [name for name, body in bodies if re.search(r"(?i)\btg_(table_name|op)\b", body)] == []


def test_every_function_is_commented_pinned_and_granted_exactly(rdb):
    public = functions(rdb, "public", PUBLIC_FUNCTIONS)
    assert sorted(r[0] for r in public) == sorted(PUBLIC_FUNCTIONS)
    private = functions(rdb, "dreamcut_private", PRIVATE_FUNCTIONS)
    assert sorted(r[0] for r in private) == sorted(PRIVATE_FUNCTIONS)
    for name, signature, comment, secdef, config, _volatility in public + private:
        assert "search_path=\"\"" in config, signature
        assert comment, signature
        assert not scalar(rdb, "select has_function_privilege('public', %s, 'execute')", (signature,)), signature
        if secdef and name in PUBLIC_FUNCTIONS:
            # Security definer in the API schema only where anon cannot reach it (splinter's rule).
            assert not scalar(rdb, "select has_function_privilege('anon', %s, 'execute')", (signature,)), signature
    for name, signature, comment, secdef, config, _volatility in public:
        assert "video-platform-database.md" in comment, signature
        assert "Returns" in comment, signature
        if name not in ("calculate_job_progress", "calculate_job_duration", "timeout_stale_jobs"):
            assert "22023" in comment, signature
        expected = {
            "anon": name in END_USER,
            "authenticated": name in END_USER,
            "service_role": True,
        }
        for role, allowed in expected.items():
            assert scalar(rdb, "select has_function_privilege(%s, %s, 'execute')", (role, signature)) == allowed, (
                role, signature)


def test_the_documents_verification_queries(rdb):
    rdb.execute("set local search_path = \"$user\", public")
    tables = {r[0] for r in rdb.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")}
    assert set(TABLES) <= tables
    rls = {r[1]: r[2] for r in rdb.execute("SELECT schemaname, tablename, rowsecurity FROM pg_tables "
                                           "WHERE schemaname = 'public'")}
    assert all(rls[t] for t in TABLES)
    assert scalar(rdb, "SELECT create_job('mp4', 1920, 1080, 25, '127.0.0.1'::inet, 'test-agent', '{}')")
    policies = {r[0] for r in rdb.execute("SELECT policyname FROM pg_policies WHERE tablename = 'jobs'")}
    assert policies == {"jobs_select_anon", "jobs_select_authenticated", "jobs_insert_anon", "jobs_insert_authenticated",
                        "jobs_cancel_anon", "jobs_cancel_authenticated", "jobs_delete_admin"}
    # auth.user_role(), auth.is_admin(), auth.client_ip() of the document live in dreamcut_private.
    assert rdb.execute("SELECT dreamcut_private.user_role(), dreamcut_private.is_admin(), "
                       "dreamcut_private.client_ip()").fetchone() == ("service_account", False, None)
    rdb.execute("ANALYZE jobs")
    rdb.execute("ANALYZE elements")
    sizes = rdb.execute("""SELECT schemaname, tablename,
                                  pg_size_pretty(pg_total_relation_size(schemaname||'.'||tablename)) as size
                           FROM pg_tables WHERE schemaname = 'public'
                           ORDER BY pg_total_relation_size(schemaname||'.'||tablename) DESC""").fetchall()
    assert set(TABLES) <= {r[1] for r in sizes}


def test_module_migrate_rollback_migrate_and_verify(empty_url):
    cat = MigrationSet.load()
    engine.migrate(empty_url, cat, modules=["dreamcut"], out=lambda _l: None)
    with psycopg.connect(empty_url) as conn:
        without_render = snapshot_catalog.snapshot(conn)
    engine.migrate(empty_url, cat, modules=["render"], out=lambda _l: None)
    with psycopg.connect(empty_url) as conn:
        assert conn.execute("select module from dreamcut_private.installed_modules order by 1").fetchall() == [
            ("dreamcut",), ("platform",), ("render",)]
    done = engine.rollback(empty_url, cat, module="render", out=lambda _l: None)
    assert [m.id for m in done] == [
        "0014_create_render_rate_limiting", "0013_create_render_retention", "0012_create_render_views",
        "0011_create_render_analytics", "0010_create_render_logging_functions", "0009_create_render_timeline_functions",
        "0008_create_render_worker_functions", "0007_create_render_element_functions", "0006_create_render_job_api",
        "0005_create_render_monitoring", "0004_create_render_job_logs", "0003_create_render_elements",
        "0002_create_render_jobs", "0001_create_render_security_helpers"]
    with psycopg.connect(empty_url) as conn:
        # Exactly what the module created is gone, and nothing else changed.
        assert snapshot_catalog.diff(without_render, snapshot_catalog.snapshot(conn)) == []
        assert conn.execute("select count(*) from pg_type where typnamespace = 'public'::regnamespace "
                            "and typname = any(%s)", (list(ENUMS),)).fetchone()[0] == 0
        assert conn.execute("select count(*) from pg_publication_tables where pubname = 'supabase_realtime' "
                            "and tablename = any(%s)", (TABLES,)).fetchone()[0] == 0
    engine.migrate(empty_url, cat, modules=["render"], out=lambda _l: None)
    assert verify.verify(empty_url, cat) == []


def test_rollback_files_are_idempotent(empty_url):
    engine.migrate(empty_url, MigrationSet.load(), modules=["render"], out=lambda _l: None)
    with psycopg.connect(empty_url, autocommit=True) as conn:
        for path in sorted((REPO / "migrations" / "render").glob("*.rollback.sql"), reverse=True):
            sql = path.read_text()
            conn.execute(sql)
            conn.execute(sql)  # a second run finds nothing and says so without failing
        assert conn.execute("select to_regclass('public.jobs')").fetchone()[0] is None


def test_rollback_sql_removes_the_module(empty_url):
    cat = MigrationSet.load()
    engine.migrate(empty_url, cat, out=lambda _l: None)
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute("select public.create_job('mp4', 640, 360)")
    result = psql(empty_url, "-f", str(REPO / "rollback.sql"))
    assert result.returncode == 0, result.stderr
    assert "rolling back module render" in result.stdout
    with psycopg.connect(empty_url) as conn:
        assert conn.execute("select to_regclass('public.jobs'), to_regtype('public.job_status'), "
                            "to_regnamespace('dreamcut_private')").fetchone() == (None, None, None)


def test_a_legacy_jobs_table_stops_the_module_before_it_changes_anything(empty_url):
    cat = MigrationSet.load()
    engine.migrate(empty_url, cat, modules=["dreamcut"], out=lambda _l: None)
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute("create table public.jobs (id bigint primary key, payload text)")
        conn.execute("insert into public.jobs values (1, 'legacy')")
        before = snapshot_catalog.snapshot(conn)
    with pytest.raises(DreamcutError) as info:
        engine.migrate(empty_url, cat, modules=["render"], out=lambda _l: None)
    assert "render/0002_create_render_jobs" in str(info.value) and '"jobs"' in str(info.value)
    assert "Nothing was changed" in str(info.value)
    with psycopg.connect(empty_url) as conn:
        assert snapshot_catalog.diff(before, snapshot_catalog.snapshot(conn)) == []
        assert conn.execute("select payload from public.jobs").fetchall() == [("legacy",)]
    # rollback.sql leaves the legacy table alone: module render is not installed.
    result = psql(empty_url, "-f", str(REPO / "rollback.sql"))
    assert result.returncode == 0, result.stderr
    with psycopg.connect(empty_url) as conn:
        assert conn.execute("select payload from public.jobs").fetchall() == [("legacy",)]
