"""Who may see and change what in the storyboard module: the RLS matrix (owner / other user / anon / service_role
x select / insert / update / delete on each table) as data, the procedures' EXECUTE grants, and the procedures
refusing another user's rows."""

from __future__ import annotations

import psycopg
import pytest

from helpers import acting_as, new_user
from storyboard_helpers import TABLES, call, fingerprint, row, tree, variants

#: The procedures of the module (public, commented with the product document's name).
PROCEDURES = {
    "create_redesign_project", "update_redesign_project", "update_redesign_status", "delete_redesign_project",
    "create_project_scene", "update_project_scene", "delete_project_scene",
    "create_scene_shot", "update_scene_shot", "delete_scene_shot", "create_scene_with_shots",
    "batch_create_shot_images", "create_shot_image", "update_shot_image", "update_shot_image_status",
    "toggle_shot_image_favorite", "delete_shot_image", "get_latest_iteration_number",
    "select_master_shot", "create_storyboard_selection", "update_storyboard_animation",
    "get_shot_images_by_iteration", "is_scene_storyboard_complete", "get_project_progress",
}

#: Outcome per identity of (select, insert, update, delete) on the owner's rows, the same for every table:
#: rows = the rows are visible, none = nothing visible / no row affected, ok = one row written, or a SQLSTATE.
RLS_MATRIX = {
    "owner": ("rows", "ok", "ok", "ok"),
    "other user": ("none", "42501", "none", "none"),
    "anon": ("42501", "42501", "42501", "42501"),
    "service_role": ("rows", "ok", "ok", "ok"),
}

#: Per table: the key its rows are found by, a valid new row under the owner's tree, an update of one row.
STATEMENTS = {
    "video_projects": (
        "id = %(project)s",
        "insert into public.video_projects (user_id, prompt) values (%(owner)s, 'Tokyo dreams')",
        "update public.video_projects set title = 'Changed' where id = %(project)s",
    ),
    "project_scenes": (
        "project_id = %(project)s",
        "insert into public.project_scenes (project_id, scene_number, title) values (%(project)s, 9, 'Nine')",
        "update public.project_scenes set title = 'Changed' where id = %(scene)s",
    ),
    "scene_shots": (
        "project_id = %(project)s",
        "insert into public.scene_shots (scene_id, shot_number) values (%(scene)s, 9)",
        "update public.scene_shots set description = 'Changed' where id = %(shot_a)s",
    ),
    "shot_images": (
        "project_id = %(project)s",
        "insert into public.shot_images (shot_id, iteration_number, variant_number, parent_image_id) "
        "values (%(shot_a)s, 1, 0, %(image_a)s)",
        "update public.shot_images set is_favorite = true where id = %(image_a)s",
    ),
    "storyboard_selections": (
        "project_id = %(project)s",
        "insert into public.storyboard_selections (shot_id, selected_image_id) values (%(shot_b)s, %(image_b)s)",
        "update public.storyboard_selections set animation_status = 'processing' where id = %(selection)s",
    ),
}
DELETE_KEY = {"video_projects": "project", "project_scenes": "scene", "scene_shots": "shot_a",
              "shot_images": "image_a", "storyboard_selections": "selection"}


@pytest.fixture
def world(db):
    """The owner's committed project (scene, shots a and b with iteration 0, a selection for a); returns ids."""
    owner = new_user()
    t = tree(db, owner, shots=2)
    a, b = t["shots"]
    selection = call(db, "select_master_shot", shot_id=a, selected_image_id=t["images"][a][0])
    db.commit()
    return {"owner": owner, "other": new_user(), "project": t["project"], "scene": t["scene"], "shot_a": a,
            "shot_b": b, "image_a": t["images"][a][0], "image_b": t["images"][b][0], "selection": selection}


def identity(name: str, w: dict) -> tuple[str, str | None]:
    return {"owner": ("authenticated", w["owner"]), "other user": ("authenticated", w["other"]),
            "anon": ("anon", None), "service_role": ("service_role", None)}[name]


def attempt(conn, sql: str, params: dict, counting: bool = False) -> str:
    """Run ``sql`` in a savepoint that is rolled back; return rows/none/ok or the SQLSTATE of the failure."""
    try:
        with conn.transaction(force_rollback=True):
            cur = conn.execute(sql, params)
            if counting:
                return "rows" if cur.fetchone()[0] > 0 else "none"
            return {0: "none", 1: "ok"}.get(cur.rowcount, f"{cur.rowcount} rows")
    except psycopg.Error as exc:
        return exc.sqlstate


@pytest.mark.parametrize("who", list(RLS_MATRIX))
def test_rls_matrix(db, world, who):
    role, sub = identity(who, world)
    found = {}
    with acting_as(db, role, sub):
        for table, (key, insert, update) in STATEMENTS.items():
            found[table] = (
                attempt(db, f"select count(*) from public.{table} where {key}", world, counting=True),
                attempt(db, insert, world),
                attempt(db, update, world),
                attempt(db, f"delete from public.{table} where id = %({DELETE_KEY[table]})s", world),
            )
    assert found == {table: RLS_MATRIX[who] for table in TABLES}


def test_the_progress_view_follows_rls(db, world):
    for who, visible in (("owner", 1), ("other user", 0), ("service_role", 1)):
        with acting_as(db, *identity(who, world)):
            n = db.execute("select count(*) from public.video_project_progress where project_id = %s",
                           (world["project"],)).fetchone()[0]
            assert n == visible, who
    with acting_as(db, "anon"), pytest.raises(psycopg.errors.InsufficientPrivilege):
        db.execute("select * from public.video_project_progress")


def test_nobody_writes_the_selected_image_of_a_shot_directly(db, world):
    for role, sub in (("authenticated", world["owner"]), ("service_role", None)):
        with acting_as(db, role, sub):
            assert attempt(db, "update public.scene_shots set selected_image_id = null where id = %(shot_a)s",
                           world) == "42501"
    assert row(db, "scene_shots", world["shot_a"])["selected_image_id"] == world["image_a"]


def storyboard_functions(conn) -> dict[str, tuple]:
    """name -> (signature, argument types, security definer, config, grantees) of the module's procedures."""
    rows = conn.execute(
        """select p.proname, p.oid::regprocedure::text,
                  array(select format_type(t, null) from unnest(p.proargtypes) as t),
                  p.prosecdef, coalesce(p.proconfig, '{}'),
                  array(select distinct case when g.grantee = 0 then 'public' else pg_get_userbyid(g.grantee) end
                        from aclexplode(p.proacl) as g where g.privilege_type = 'EXECUTE' order by 1)
           from pg_proc p join pg_namespace n on n.oid = p.pronamespace
           where n.nspname = 'public' and obj_description(p.oid, 'pg_proc') like '%%video-pipeline-redesign-v2.md%%'"""
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


def test_procedures_are_invoker_and_granted_to_authenticated_and_service_role_only(db):
    functions = storyboard_functions(db)
    assert set(functions) == PROCEDURES
    for name, (signature, _types, secdef, config, grantees) in functions.items():
        assert not secdef, f"{signature} is security definer"
        assert config == ["search_path=\"\""], signature
        owner = db.execute("select current_user").fetchone()[0]
        assert set(grantees) - {owner} == {"authenticated", "service_role"}, signature


def test_anon_can_execute_no_procedure(db):
    functions = storyboard_functions(db)
    with acting_as(db, "anon"):
        for name, (signature, types, *_rest) in functions.items():
            args = ", ".join(f"null::{t}" for t in types)
            assert attempt(db, f"select public.{name}({args})", {}) == "42501", signature


def test_another_user_cannot_reach_the_owners_rows_through_the_procedures(db, world):
    w = world
    calls = [
        ("update_redesign_project", {"project_id": w["project"], "title": "Mine"}),
        ("update_redesign_status", {"project_id": w["project"], "status": "scenes_setup"}),
        ("delete_redesign_project", {"project_id": w["project"]}),
        ("create_project_scene", {"project_id": w["project"], "scene_number": 5, "title": "Mine"}),
        ("update_project_scene", {"scene_id": w["scene"], "title": "Mine"}),
        ("delete_project_scene", {"scene_id": w["scene"]}),
        ("create_scene_shot", {"scene_id": w["scene"], "shot_number": 5}),
        ("update_scene_shot", {"shot_id": w["shot_a"], "description": "Mine"}),
        ("delete_scene_shot", {"shot_id": w["shot_a"]}),
        ("create_scene_with_shots", {"project_id": w["project"], "scene_number": 5, "title": "Mine"}),
        ("batch_create_shot_images", {"shot_id": w["shot_a"], "parent_image_id": w["image_a"],
                                      "images": variants(6)}),
        ("create_shot_image", {"shot_id": w["shot_a"], "iteration_number": 1, "variant_number": 0,
                               "parent_image_id": w["image_a"]}),
        ("update_shot_image", {"image_id": w["image_a"], "is_favorite": True}),
        ("update_shot_image_status", {"image_id": w["image_a"], "status": "failed"}),
        ("toggle_shot_image_favorite", {"image_id": w["image_a"]}),
        ("delete_shot_image", {"image_id": w["image_a"]}),
        ("get_latest_iteration_number", {"shot_id": w["shot_a"]}),
        ("select_master_shot", {"shot_id": w["shot_b"], "selected_image_id": w["image_b"]}),
        ("create_storyboard_selection", {"shot_id": w["shot_b"], "selected_image_id": w["image_b"]}),
        ("update_storyboard_animation", {"selection_id": w["selection"], "animation_status": "processing"}),
        ("get_shot_images_by_iteration", {"shot_id": w["shot_a"]}),
        ("is_scene_storyboard_complete", {"scene_id": w["scene"]}),
        ("get_project_progress", {"project_id": w["project"]}),
    ]
    assert {name for name, _ in calls} == PROCEDURES - {"create_redesign_project"}
    before = fingerprint(db)
    for name, params in calls:
        try:
            with acting_as(db, "authenticated", w["other"]):
                call(db, name, **params)
            outcome = "succeeded"
        except psycopg.Error as exc:
            outcome = exc.sqlstate
        assert outcome == "P0002", f"{name} by another user: {outcome}"
        assert fingerprint(db) == before, name
    with acting_as(db, "authenticated", w["other"]):
        err = attempt(db, "select public.create_redesign_project(p_prompt => 'x', p_user_id => %(owner)s)", w)
        assert err == "42501"


def test_service_role_works_on_every_users_rows(db, world):
    w = world
    with acting_as(db, "service_role"):
        pid = call(db, "create_redesign_project", prompt="For a user", user_id=w["other"])
        assert row(db, "video_projects", pid)["user_id"] == w["other"]
        ids = call(db, "batch_create_shot_images", shot_id=w["shot_b"], parent_image_id=w["image_b"],
                   images=variants(2, status="processing"))
        call(db, "update_shot_image_status", image_id=ids[0], status="complete",
             image_url="https://cdn.example.com/worker.png")
        call(db, "update_storyboard_animation", selection_id=w["selection"], animation_status="processing",
             replicate_video_id="pred_9")
        assert row(db, "shot_images", ids[0])["status"] == "complete"
        assert row(db, "storyboard_selections", w["selection"])["animation_status"] == "processing"
        assert call(db, "get_project_progress", project_id=w["project"])["shotsWithSelections"] == 1
