"""The storyboard module's catalog: the document's indexes, an index on every foreign key, comments, the realtime
publication, and a module that installs and rolls back on its own, leaving nothing behind (verify: test_modules.py)."""

from __future__ import annotations


import psycopg

from dreamcut_db import catalog as dbcatalog
from dreamcut_db import engine
from dreamcut_db.workspace import checkout_root
from storyboard_helpers import TABLES
from helpers import psql

PRIVATE_FUNCTIONS = {
    "validate_video_project_update", "validate_project_scene_insert", "validate_project_scene_update",
    "inherit_scene_parents", "validate_scene_shot_update", "inherit_shot_parents", "validate_shot_image_insert",
    "validate_shot_image_update", "release_parent_image", "validate_master_image",
    "validate_storyboard_selection_update", "copy_master_image_to_shot", "clear_master_image_of_shot",
    "advance_project_to_scenes_setup", "advance_project_to_shot_iteration", "advance_redesign_status_to_reached", "delete_storyboard_row",
}
CHILD_TABLES = TABLES[1:]


def check_every_foreign_key_has_an_index_leading_with_its_columns(db):
    unindexed = db.execute(
        """select c.conrelid::regclass::text, c.conname
           from pg_constraint c
           where c.contype = 'f' and c.conrelid = any(%s::regclass[])
             and not exists (
                 select from pg_index i
                 where i.indrelid = c.conrelid
                   and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] = c.conkey)""",
        ([f"public.{t}" for t in TABLES],),
    ).fetchall()
    assert unindexed == []


def check_the_documents_indexes(db):
    indexes = dict(db.execute(
        "select indexname, indexdef from pg_indexes where schemaname = 'public' and indexname like any(%s)",
        (["idx_%_by_%"],)).fetchall())
    expected = {
        "idx_project_scenes_by_project": "UNIQUE INDEX idx_project_scenes_by_project ON public.project_scenes "
                                         "USING btree (project_id, scene_number)",
        "idx_scene_shots_by_scene": "UNIQUE INDEX idx_scene_shots_by_scene ON public.scene_shots "
                                    "USING btree (project_id, scene_id, shot_number)",
        "idx_scene_shots_by_project": "INDEX idx_scene_shots_by_project ON public.scene_shots "
                                      "USING btree (project_id, user_id)",
        "idx_shot_images_by_shot": "UNIQUE INDEX idx_shot_images_by_shot ON public.shot_images "
                                   "USING btree (project_id, shot_id, iteration_number, variant_number)",
        "idx_shot_images_by_scene": "INDEX idx_shot_images_by_scene ON public.shot_images "
                                    "USING btree (project_id, scene_id)",
        "idx_shot_images_by_project": "INDEX idx_shot_images_by_project ON public.shot_images "
                                      "USING btree (project_id, user_id)",
        "idx_storyboard_selections_by_project": "INDEX idx_storyboard_selections_by_project ON "
                                                "public.storyboard_selections USING btree (project_id, user_id)",
        "idx_storyboard_selections_by_scene": "INDEX idx_storyboard_selections_by_scene ON "
                                              "public.storyboard_selections USING btree (project_id, scene_id)",
        "idx_storyboard_selections_by_shot": "UNIQUE INDEX idx_storyboard_selections_by_shot ON "
                                             "public.storyboard_selections USING btree (project_id, shot_id)",
    }
    for name, definition in expected.items():
        assert indexes.get(name) == "CREATE " + definition


def check_tables_views_and_functions_are_commented_and_secured(db):
    missing = db.execute(
        """select c.oid::regclass::text from pg_class c
           where c.oid = any(%s::regclass[]) and (obj_description(c.oid, 'pg_class') is null or not c.relrowsecurity)""",
        ([f"public.{t}" for t in TABLES],)).fetchall()
    assert missing == []
    assert db.execute("select obj_description('public.video_project_progress'::regclass, 'pg_class') is not null"
                      ).fetchone()[0]
    private = db.execute(
        """select p.proname, obj_description(p.oid, 'pg_proc'), p.proconfig, has_function_privilege('public', p.oid,
                  'execute')
           from pg_proc p where p.pronamespace = 'dreamcut_private'::regnamespace and p.proname = any(%s)""",
        (list(PRIVATE_FUNCTIONS),)).fetchall()
    assert {r[0] for r in private} == PRIVATE_FUNCTIONS
    for name, comment, config, public_execute in private:
        assert comment and config == ['search_path=""'] and not public_execute, name
    bad_params = db.execute(
        """select p.proname, p.proargnames from pg_proc p
           where p.pronamespace = 'public'::regnamespace
             and obj_description(p.oid, 'pg_proc') like '%%video-pipeline-redesign-v2.md%%'
             and exists (select from unnest(p.proargnames) as a where a not like 'p\\_%%')""").fetchall()
    assert bad_params == []


def check_every_key_leads_with_the_distribution_key(db):
    """project_id (video_projects: id) leads every primary key, unique index and foreign key (both sides), no
    foreign key sets null or a default, every child row's owner is bound to its project's, and child rows can be
    found by id alone (a plain index)."""
    bad = db.execute(
        """select i.indexrelid::regclass::text from pg_index i
           join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
           where (i.indisunique or i.indisprimary) and i.indrelid = any(%s::regclass[])
             and a.attname <> case when i.indrelid = 'public.video_projects'::regclass then 'id' else 'project_id' end
           union all
           select c.conname from pg_constraint c
           join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
           join pg_attribute r on r.attrelid = c.confrelid and r.attnum = c.confkey[1]
           where c.contype = 'f' and c.conrelid = any(%s::regclass[])
             and (a.attname <> 'project_id' or r.attname <> case when c.confrelid = 'public.video_projects'::regclass
                                                                  then 'id' else 'project_id' end
                  or c.confdeltype in ('n', 'd') or c.confupdtype in ('n', 'd', 'c'))""",
        ([f"public.{t}" for t in TABLES], [f"public.{t}" for t in CHILD_TABLES])).fetchall()
    assert bad == []
    owner_keys = {r[0] for r in db.execute(
        """select c.conrelid::regclass::text from pg_constraint c
           where c.connamespace = 'public'::regnamespace and c.contype = 'f' and c.confrelid = 'public.video_projects'::regclass
             and (select array_agg(attname order by k.n) from unnest(c.conkey) with ordinality as k (attnum, n)
                  join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum) = '{project_id,user_id}'""")}
    assert owner_keys == set(CHILD_TABLES)
    by_id = {r[0] for r in db.execute(
        """select i.indrelid::regclass::text from pg_index i
           where i.indrelid = any(%s::regclass[]) and i.indnatts = 1
             and i.indkey[0] = (select attnum from pg_attribute where attrelid = i.indrelid and attname = 'id')""",
        ([f"public.{t}" for t in CHILD_TABLES],))}
    assert by_id == set(CHILD_TABLES)


def check_trigger_functions_do_not_branch_on_the_table_or_the_event(db):
    """One small function per table and event (a shard's tg_table_name is the shard's; plpgsql_check checks each
    trigger in its own context); the module's one statement-level trigger kind is gone: every trigger is row-level,
    keyed by the row's project."""
    branching = db.execute(
        """select p.proname from pg_proc p
           where p.pronamespace = 'dreamcut_private'::regnamespace and p.proname = any(%s)
             and p.prosrc ~* '\\mtg_(table_name|op|relid)\\M'""", (list(PRIVATE_FUNCTIONS),)).fetchall()
    assert branching == []
    statement_level = db.execute(
        """select t.tgname from pg_trigger t
           where t.tgrelid = any(%s::regclass[]) and not t.tgisinternal and t.tgtype & 1 = 0""",
        ([f"public.{t}" for t in TABLES],)).fetchall()
    assert statement_level == []


def check_tables_are_in_the_realtime_publication(db):
    published = {r[0] for r in db.execute(
        "select tablename from pg_publication_tables where pubname = 'supabase_realtime' and schemaname = 'public'")}
    assert set(TABLES) <= published


def check_a_delete_publishes_only_the_primary_key(db):
    """Realtime sends a DELETE to every subscriber of the table, without RLS (the row is gone), with the old
    record's replica identity: REPLICA IDENTITY DEFAULT is the primary key, so another user's subscriber gets
    (project_id, id) (video_projects: id), random uuids, and nothing of the row (docs/storyboard.md, Realtime)."""
    identity = dict(db.execute(
        """select c.relname,
               c.relreplident::text || ':' || (select string_agg(a.attname, ',' order by k.n)
                                         from pg_index as i
                                         cross join unnest(i.indkey::int2[]) with ordinality as k(attnum, n)
                                         join pg_attribute as a on a.attrelid = i.indrelid and a.attnum = k.attnum
                                         where i.indrelid = c.oid and i.indisprimary)
           from pg_class as c where c.oid = any(%s::regclass[])""",
        ([f"public.{t}" for t in TABLES],)).fetchall())
    assert identity == {t: "d:id" if t == "video_projects" else "d:project_id,id" for t in TABLES}


def test_catalog(db):
    """One migrated clone for the read-only catalog checks above."""
    check_every_foreign_key_has_an_index_leading_with_its_columns(db)
    check_the_documents_indexes(db)
    check_tables_views_and_functions_are_commented_and_secured(db)
    check_every_key_leads_with_the_distribution_key(db)
    check_trigger_functions_do_not_branch_on_the_table_or_the_event(db)
    check_tables_are_in_the_realtime_publication(db)
    check_a_delete_publishes_only_the_primary_key(db)


def test_the_module_installs_and_rolls_back_alone_leaving_nothing(empty_url, migration_set):
    modules = migration_set.closure(["storyboard"])
    assert modules == ["platform", "storyboard"]

    def snap():
        with psycopg.connect(empty_url) as conn:
            return dbcatalog.snapshot(conn)

    engine.migrate(empty_url, migration_set, modules=["platform"], out=lambda _l: None)
    before = snap()
    engine.migrate(empty_url, migration_set, modules=["storyboard"], out=lambda _l: None)
    installed = snap()
    assert "table public.video_projects" in installed and "view public.video_project_progress" in installed

    done = engine.rollback(empty_url, migration_set, module="storyboard", out=lambda _l: None)
    assert [m.id for m in done][-1] == "0001_create_storyboard_projects"
    assert dbcatalog.diff(before, snap(), extra_scope=("public.", "dreamcut_private.")) == []
    with psycopg.connect(empty_url) as conn:
        assert conn.execute("select array_agg(module order by module) from dreamcut_private.installed_modules"
                            ).fetchone()[0] == ["platform"]
        assert conn.execute("select count(*) from pg_publication_tables where pubname = 'supabase_realtime'"
                            ).fetchone()[0] == 0

    engine.migrate(empty_url, migration_set, modules=["storyboard"], out=lambda _l: None)
    assert dbcatalog.diff(installed, snap(), extra_scope=("public.", "dreamcut_private.")) == []


def test_emergency_rollback_sql_removes_the_module(empty_url, migration_set):
    engine.migrate(empty_url, migration_set, modules=["storyboard"], out=lambda _l: None)
    with psycopg.connect(empty_url) as conn:
        conn.execute("insert into public.video_projects (user_id, prompt) values (gen_random_uuid(), 'x')")
    result = psql(empty_url, "-f", str(checkout_root() / "rollback.sql"))
    assert result.returncode == 0, result.stderr
    assert "rolling back module storyboard" in result.stdout
    with psycopg.connect(empty_url) as conn:
        left = conn.execute(
            """select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
               where n.nspname = 'public'""").fetchone()[0]
        functions = conn.execute("select count(*) from pg_proc where pronamespace = 'public'::regnamespace"
                                 ).fetchone()[0]
    assert (left, functions) == (0, 0)
