"""Every stored procedure of the storyboard module (video-pipeline-redesign-v2.md), called by the owner the way
PostgREST calls it: what it returns and writes, and for bad input the SQLSTATE with nothing written."""

from __future__ import annotations

import pytest
from psycopg.types.json import Jsonb

from helpers import acting_as, new_user, raises_sqlstate
from storyboard_helpers import call, expect_error, fingerprint, project, row, status, tree, variants


@pytest.fixture
def owner(db):
    """(connection, user id) acting as a signed-in user, in one transaction rolled back after the test."""
    user = new_user()
    with acting_as(db, "authenticated", user):
        yield db, user


# --- projects ---------------------------------------------------------------------------------------------

def test_create_redesign_project_defaults_to_the_signed_in_user(owner):
    conn, user = owner
    pid = call(conn, "create_redesign_project", prompt="A cinematic journey through Tokyo", title="Tokyo Dreams",
               prompt_planner_data=Jsonb("Brain dump text here..."))
    p = row(conn, "video_projects", pid)
    assert p["user_id"] == user
    assert (p["title"], p["prompt"], p["prompt_planner_data"]) == (
        "Tokyo Dreams", "A cinematic journey through Tokyo", "Brain dump text here...")
    assert (p["workflow_version"], p["redesign_status"]) == ("v2_redesign", "prompt_planning")
    # p_user_id may name the caller itself; title and planner data are optional.
    other = call(conn, "create_redesign_project", prompt="Tokyo dreams", user_id=user)
    assert row(conn, "video_projects", other)["title"] is None


def test_create_redesign_project_bad_input(owner):
    conn, _ = owner
    expect_error(conn, "22023", "create_redesign_project", prompt=None)
    expect_error(conn, "22023", "create_redesign_project", prompt="   ")
    expect_error(conn, "22023", "create_redesign_project", prompt="x", title="")
    err = expect_error(conn, "42501", "create_redesign_project", prompt="x", user_id=new_user())
    assert "p_user_id" in str(err)


def test_create_redesign_project_without_a_user_needs_p_user_id(db):
    err = expect_error(db, "22023", "create_redesign_project", prompt="Tokyo dreams")
    assert "p_user_id" in str(err)
    user = new_user()
    assert row(db, "video_projects", project(db, user))["user_id"] == user


def test_update_redesign_project(owner):
    conn, _ = owner
    pid = project(conn, title="Old", prompt_planner_data=Jsonb({"notes": "first"}))
    call(conn, "update_redesign_project", project_id=pid, prompt="New prompt",
         prompt_planner_data={"notes": "second"})
    p = row(conn, "video_projects", pid)
    assert (p["title"], p["prompt"], p["prompt_planner_data"]) == ("Old", "New prompt", {"notes": "second"})
    call(conn, "update_redesign_project", project_id=pid, title="")
    assert row(conn, "video_projects", pid)["title"] is None
    call(conn, "update_redesign_project", project_id=pid, title="Tokyo Dreams")
    assert row(conn, "video_projects", pid)["title"] == "Tokyo Dreams"
    expect_error(conn, "22023", "update_redesign_project", project_id=pid, prompt=" ")
    expect_error(conn, "22023", "update_redesign_project", project_id=None, title="x")
    expect_error(conn, "P0002", "update_redesign_project", project_id=new_user(), title="x")


def test_update_redesign_status_moves_forward_only(owner):
    conn, _ = owner
    pid = project(conn)
    call(conn, "update_redesign_status", project_id=pid, status="scenes_setup")
    call(conn, "update_redesign_status", project_id=pid, status="scenes_setup")  # the same state is fine
    call(conn, "update_redesign_status", project_id=pid, status="shot_iteration")
    assert status(conn, pid) == "shot_iteration"
    err = expect_error(conn, "55000", "update_redesign_status", project_id=pid, status="prompt_planning")
    assert "shot_iteration" in str(err) and "prompt_planning" in str(err)
    # storyboard_final needs every shot selected; the project has no shot at all.
    expect_error(conn, "55000", "update_redesign_status", project_id=pid, status="storyboard_final")
    expect_error(conn, "55000", "update_redesign_status", project_id=pid, status="animation_complete")
    err = expect_error(conn, "22023", "update_redesign_status", project_id=pid, status="done")
    assert "'done'" in str(err)
    expect_error(conn, "22023", "update_redesign_status", project_id=pid, status=None)
    expect_error(conn, "P0002", "update_redesign_status", project_id=new_user(), status="scenes_setup")
    assert status(conn, pid) == "shot_iteration"


def test_v1_legacy_projects_take_no_redesign_workflow(owner):
    conn, user = owner
    pid = conn.execute(
        "insert into public.video_projects (user_id, prompt, workflow_version, redesign_status) "
        "values (%s, 'legacy', 'v1_legacy', null) returning id::text", (user,)).fetchone()[0]
    expect_error(conn, "55000", "update_redesign_status", project_id=pid, status="scenes_setup")
    expect_error(conn, "55000", "create_project_scene", project_id=pid, scene_number=1, title="Opening")
    # Converting a legacy project to the redesign is one way.
    conn.execute("update public.video_projects set workflow_version = 'v2_redesign', "
                 "redesign_status = 'prompt_planning' where id = %s", (pid,))
    with raises_sqlstate("55000"), conn.transaction():
        conn.execute("update public.video_projects set workflow_version = 'v1_legacy', redesign_status = null "
                     "where id = %s", (pid,))


def test_delete_redesign_project_removes_everything_under_it(owner):
    conn, user = owner
    t = tree(conn, None)
    call(conn, "select_master_shot", shot_id=t["shots"][0], selected_image_id=t["images"][t["shots"][0]][1])
    keep = project(conn)
    call(conn, "delete_redesign_project", project_id=t["project"])
    counts = fingerprint(conn)
    assert counts["video_projects"].startswith("1:")
    assert all(counts[x].startswith("0:") for x in counts if x != "video_projects")
    assert row(conn, "video_projects", keep)
    expect_error(conn, "P0002", "delete_redesign_project", project_id=t["project"])
    expect_error(conn, "22023", "delete_redesign_project", project_id=None)


# --- scenes and shots -------------------------------------------------------------------------------------

def test_create_project_scene(owner):
    conn, _ = owner
    pid = project(conn)
    sid = call(conn, "create_project_scene", project_id=pid, scene_number=1, title="Opening: The City Awakens",
               description="Dawn breaks over Tokyo skyline")
    s = row(conn, "project_scenes", sid)
    assert (s["project_id"], s["scene_number"], s["title"], s["description"]) == (
        pid, 1, "Opening: The City Awakens", "Dawn breaks over Tokyo skyline")
    assert status(conn, pid) == "scenes_setup"  # advanced by the first scene
    err = expect_error(conn, "23505", "create_project_scene", project_id=pid, scene_number=1, title="Again")
    assert "p_scene_number 1" in str(err)
    expect_error(conn, "22023", "create_project_scene", project_id=pid, scene_number=0, title="Zero")
    expect_error(conn, "22023", "create_project_scene", project_id=pid, scene_number=None, title="None")
    expect_error(conn, "22023", "create_project_scene", project_id=pid, scene_number=2, title=" ")
    expect_error(conn, "P0002", "create_project_scene", project_id=new_user(), scene_number=1, title="x")


def test_update_and_delete_project_scene(owner):
    conn, _ = owner
    t = tree(conn, None, shots=1)
    second = call(conn, "create_project_scene", project_id=t["project"], scene_number=2, title="Second")
    call(conn, "update_project_scene", scene_id=second, scene_number=3, title="Third", description="Night")
    s = row(conn, "project_scenes", second)
    assert (s["scene_number"], s["title"], s["description"]) == (3, "Third", "Night")
    call(conn, "update_project_scene", scene_id=second, description="")
    assert row(conn, "project_scenes", second)["description"] is None
    expect_error(conn, "23505", "update_project_scene", scene_id=second, scene_number=1)
    expect_error(conn, "22023", "update_project_scene", scene_id=second, scene_number=0)
    expect_error(conn, "22023", "update_project_scene", scene_id=second, title="")
    expect_error(conn, "P0002", "update_project_scene", scene_id=new_user(), title="x")
    call(conn, "update_project_scene", scene_id=second, scene_number=3)  # its own number is fine

    call(conn, "delete_project_scene", scene_id=t["scene"])
    after = fingerprint(conn)
    assert after["project_scenes"].startswith("1:")
    assert after["scene_shots"].startswith("0:") and after["shot_images"].startswith("0:")
    expect_error(conn, "P0002", "delete_project_scene", scene_id=t["scene"])


def test_create_scene_shot(owner):
    conn, _ = owner
    pid = project(conn)
    sid = call(conn, "create_project_scene", project_id=pid, scene_number=1, title="Opening")
    shot = call(conn, "create_scene_shot", project_id=pid, scene_id=sid, shot_number=1,
                description="Wide shot of Tokyo Tower at sunrise",
                initial_prompt="Cinematic wide shot, Tokyo Tower, golden hour lighting...")
    s = row(conn, "scene_shots", shot)
    assert (s["project_id"], s["scene_id"], s["shot_number"], s["selected_image_id"]) == (pid, sid, 1, None)
    assert s["initial_prompt"].startswith("Cinematic wide shot")
    # p_project_id is optional: it is taken from the scene.
    shot2 = call(conn, "create_scene_shot", scene_id=sid, shot_number=2)
    assert row(conn, "scene_shots", shot2)["project_id"] == pid
    expect_error(conn, "23505", "create_scene_shot", scene_id=sid, shot_number=2)
    expect_error(conn, "P0002", "create_scene_shot", scene_id=sid, shot_number=3, project_id=project(conn))
    expect_error(conn, "22023", "create_scene_shot", scene_id=sid, shot_number=0)
    expect_error(conn, "22023", "create_scene_shot", scene_id=None, shot_number=1)
    expect_error(conn, "P0002", "create_scene_shot", scene_id=new_user(), shot_number=1)


def test_update_and_delete_scene_shot(owner):
    conn, _ = owner
    t = tree(conn, None, shots=2)
    a, b = t["shots"]
    call(conn, "update_scene_shot", shot_id=a, shot_number=5, description="Close-up", initial_prompt="Neon")
    s = row(conn, "scene_shots", a)
    assert (s["shot_number"], s["description"], s["initial_prompt"]) == (5, "Close-up", "Neon")
    call(conn, "update_scene_shot", shot_id=a, description="")
    assert row(conn, "scene_shots", a)["description"] is None
    expect_error(conn, "23505", "update_scene_shot", shot_id=a, shot_number=2)
    expect_error(conn, "22023", "update_scene_shot", shot_id=a, shot_number=-1)
    expect_error(conn, "P0002", "update_scene_shot", shot_id=new_user(), description="x")

    call(conn, "delete_scene_shot", shot_id=a)
    assert row(conn, "scene_shots", a) is None
    assert conn.execute("select count(*) from public.shot_images where shot_id = %s", (a,)).fetchone()[0] == 0
    assert conn.execute("select count(*) from public.shot_images where shot_id = %s", (b,)).fetchone()[0] == 6
    expect_error(conn, "P0002", "delete_scene_shot", shot_id=a)


def test_create_scene_with_shots(owner):
    conn, _ = owner
    pid = project(conn)
    out = call(conn, "create_scene_with_shots", project_id=pid, scene_number=1, title="Scene 1", description="...",
               shots=[{"shotNumber": 2, "description": "Shot 2", "initialPrompt": "..."},
                      {"shotNumber": 1, "description": "Shot 1", "initialPrompt": "..."}])
    assert set(out) == {"sceneId", "shotIds"}
    assert [row(conn, "scene_shots", s)["shot_number"] for s in out["shotIds"]] == [2, 1]
    assert all(row(conn, "scene_shots", s)["scene_id"] == out["sceneId"] for s in out["shotIds"])
    empty = call(conn, "create_scene_with_shots", project_id=pid, scene_number=2, title="Scene 2")
    assert empty["shotIds"] == []

    bad = {
        "not an array": {"a": 1},
        "element not an object": [1],
        "unknown key": [{"shotNumber": 1, "prompt": "x"}],
        "missing shotNumber": [{"description": "x"}],
        "shotNumber as text": [{"shotNumber": "1"}],
        "shotNumber zero": [{"shotNumber": 0}],
        "shotNumber fraction": [{"shotNumber": 1.5}],
        "duplicate shotNumber": [{"shotNumber": 1}, {"shotNumber": 1}],
        "description not text": [{"shotNumber": 1, "description": 5}],
    }
    for case, shots in bad.items():
        err = expect_error(conn, "22023", "create_scene_with_shots", project_id=pid, scene_number=3, title="Bad",
                           shots=shots)
        assert "p_shots" in str(err), case
    expect_error(conn, "23505", "create_scene_with_shots", project_id=pid, scene_number=1, title="Taken",
                 shots=[{"shotNumber": 1}])
    expect_error(conn, "P0002", "create_scene_with_shots", project_id=new_user(), scene_number=1, title="x")


# --- images -----------------------------------------------------------------------------------------------

def test_batch_create_shot_images_initial_batch(owner):
    conn, _ = owner
    t = tree(conn, None, shots=1, images=False)
    shot = t["shots"][0]
    assert status(conn, t["project"]) == "scenes_setup"
    ids = call(conn, "batch_create_shot_images", project_id=t["project"], scene_id=t["scene"], shot_id=shot,
               iteration_number=0, iteration_prompt="Cinematic wide shot, Tokyo Tower...",
               images=variants(6)[::-1])
    assert len(ids) == 6
    assert [row(conn, "shot_images", str(i))["variant_number"] for i in ids] == [5, 4, 3, 2, 1, 0]
    first = row(conn, "shot_images", str(ids[-1]))
    assert (first["project_id"], first["scene_id"], first["iteration_number"], first["parent_image_id"]) == (
        t["project"], t["scene"], 0, None)
    assert (first["status"], first["iteration_prompt"], first["metadata"]) == (
        "complete", "Cinematic wide shot, Tokyo Tower...", {"model": "flux", "cfg_scale": 7})
    assert status(conn, t["project"]) == "shot_iteration"


def test_batch_create_shot_images_refinements(owner):
    conn, _ = owner
    t = tree(conn, None, shots=1)
    shot = t["shots"][0]
    favorite = t["images"][shot][2]
    # Without p_iteration_number the batch is the next iteration; the prompt defaults to the shot's.
    ids = call(conn, "batch_create_shot_images", shot_id=shot, parent_image_id=favorite,
               images=variants(3, status="pending"))
    img = row(conn, "shot_images", str(ids[0]))
    assert (img["iteration_number"], img["parent_image_id"], img["status"], img["image_url"]) == (
        1, favorite, "pending", None)
    assert img["iteration_prompt"] == "Tokyo 1"
    # Iteration 2 may refine an image of iteration 0 ("or earlier").
    ids = call(conn, "batch_create_shot_images", shot_id=shot, iteration_number=2, parent_image_id=favorite,
               iteration_prompt="Same but more dramatic", images=variants(6))
    assert row(conn, "shot_images", str(ids[0]))["iteration_number"] == 2
    assert call(conn, "get_latest_iteration_number", shot_id=shot) == 2


def test_batch_create_shot_images_bad_input_writes_nothing(owner):
    conn, _ = owner
    t = tree(conn, None, shots=2)
    shot, other = t["shots"]
    parent = t["images"][shot][0]
    pending = call(conn, "batch_create_shot_images", shot_id=shot, parent_image_id=parent,
                   images=variants(1, status="pending"))[0]  # iteration 1, not complete
    bad_images = {
        "variant 6": [{"variantNumber": 6}],
        "variant -1": [{"variantNumber": -1}],
        "variant as text": [{"variantNumber": "2"}],
        "seven variants": [{"variantNumber": v % 6} for v in range(7)],
        "no variant": [],
        "duplicate variant": [{"variantNumber": 1}, {"variantNumber": 1}],
        "complete without url": [{"variantNumber": 0, "status": "complete"}],
        "unknown status": [{"variantNumber": 0, "status": "done"}],
        "unknown key": [{"variantNumber": 0, "url": "https://x"}],
        "empty url": [{"variantNumber": 0, "imageUrl": " "}],
        "metadata not an object": [{"variantNumber": 0, "metadata": [1]}],
        "not an array": {"variantNumber": 0},
    }
    for case, images in bad_images.items():
        err = expect_error(conn, "22023", "batch_create_shot_images", shot_id=shot, parent_image_id=parent,
                           images=images)
        assert "p_images" in str(err), case
    err = expect_error(conn, "22023", "batch_create_shot_images", shot_id=shot, parent_image_id=parent,
                       images=[{"variantNumber": 6}])
    assert "variantNumber must be a whole number from 0 to 5, got 6" in str(err)

    # Iterations: the latest is 1, so the next is 2.
    err = expect_error(conn, "55000", "batch_create_shot_images", shot_id=shot, iteration_number=3,
                       parent_image_id=parent, images=variants(6))
    assert "skips ahead" in str(err) and "p_iteration_number" in str(err)
    err = expect_error(conn, "55000", "batch_create_shot_images", shot_id=shot, iteration_number=1,
                       parent_image_id=parent, images=variants(6))
    assert "already exists" in str(err)
    expect_error(conn, "22023", "batch_create_shot_images", shot_id=shot, iteration_number=-1, images=variants(1))
    # Parents: required after iteration 0, from this shot, earlier and complete.
    expect_error(conn, "22023", "batch_create_shot_images", shot_id=shot, images=variants(6))
    err = expect_error(conn, "55000", "batch_create_shot_images", shot_id=shot,
                       parent_image_id=t["images"][other][0], images=variants(6))
    assert "belongs to shot" in str(err)
    err = expect_error(conn, "55000", "batch_create_shot_images", shot_id=shot, parent_image_id=pending,
                       images=variants(6))
    assert "only a complete image" in str(err)
    expect_error(conn, "P0002", "batch_create_shot_images", shot_id=shot, parent_image_id=new_user(),
                 images=variants(6))
    # Iteration 0 has no parent.
    fresh = call(conn, "create_scene_shot", scene_id=t["scene"], shot_number=3)
    expect_error(conn, "22023", "batch_create_shot_images", shot_id=fresh, parent_image_id=parent,
                 images=variants(6))
    # Hierarchy and existence.
    expect_error(conn, "55000", "batch_create_shot_images", shot_id=shot, scene_id=new_user(),
                 parent_image_id=parent, images=variants(6))
    expect_error(conn, "P0002", "batch_create_shot_images", shot_id=shot, project_id=new_user(),
                 parent_image_id=parent, images=variants(6))
    expect_error(conn, "P0002", "batch_create_shot_images", shot_id=new_user(), images=variants(6))
    expect_error(conn, "22023", "batch_create_shot_images", shot_id=None, images=variants(6))
    expect_error(conn, "22023", "batch_create_shot_images", shot_id=shot, parent_image_id=parent,
                 iteration_prompt="", images=variants(6))
    assert call(conn, "get_latest_iteration_number", shot_id=shot) == 1


def test_create_shot_image(owner):
    conn, _ = owner
    t = tree(conn, None, shots=1)
    shot = t["shots"][0]
    parent = t["images"][shot][4]
    one = call(conn, "batch_create_shot_images", shot_id=shot, parent_image_id=parent,
               iteration_prompt="More clouds", images=variants(2))
    # A variant added to iteration 1 takes its parent and prompt.
    added = call(conn, "create_shot_image", shot_id=shot, iteration_number=1, variant_number=4,
                 image_url="https://cdn.example.com/extra.png", status="complete", metadata={"seed": 3})
    img = row(conn, "shot_images", added)
    assert (img["parent_image_id"], img["iteration_prompt"], img["variant_number"], img["metadata"]) == (
        parent, "More clouds", 4, {"seed": 3})
    # The next iteration through create_shot_image, refining an iteration-1 image.
    nxt = call(conn, "create_shot_image", shot_id=shot, iteration_number=2, variant_number=0,
               parent_image_id=str(one[0]))
    assert row(conn, "shot_images", nxt)["status"] == "pending"
    expect_error(conn, "23505", "create_shot_image", shot_id=shot, iteration_number=1, variant_number=4)
    expect_error(conn, "55000", "create_shot_image", shot_id=shot, iteration_number=4, variant_number=0,
                 parent_image_id=parent)
    expect_error(conn, "55000", "create_shot_image", shot_id=shot, iteration_number=1, variant_number=5,
                 parent_image_id=t["images"][shot][0])  # not the iteration's parent
    expect_error(conn, "22023", "create_shot_image", shot_id=shot, iteration_number=1, variant_number=6)
    expect_error(conn, "22023", "create_shot_image", shot_id=shot, iteration_number=1, variant_number=5,
                 status="complete")
    expect_error(conn, "22023", "create_shot_image", shot_id=shot, iteration_number=1, variant_number=5,
                 metadata=[1])
    expect_error(conn, "P0002", "create_shot_image", shot_id=new_user(), iteration_number=0, variant_number=0)


def test_get_latest_iteration_number(owner):
    conn, _ = owner
    t = tree(conn, None, shots=1, images=False)
    shot = t["shots"][0]
    assert call(conn, "get_latest_iteration_number", shot_id=shot) == -1
    ids = call(conn, "batch_create_shot_images", shot_id=shot, images=variants(6))
    assert call(conn, "get_latest_iteration_number", shot_id=shot) == 0
    call(conn, "batch_create_shot_images", shot_id=shot, parent_image_id=str(ids[0]), images=variants(6))
    assert call(conn, "get_latest_iteration_number", shot_id=shot) == 1
    expect_error(conn, "P0002", "get_latest_iteration_number", shot_id=new_user())
    expect_error(conn, "22023", "get_latest_iteration_number", shot_id=None)


def test_toggle_shot_image_favorite(owner):
    conn, _ = owner
    t = tree(conn, None, shots=1)
    image = t["images"][t["shots"][0]][2]
    assert call(conn, "toggle_shot_image_favorite", image_id=image) is True
    assert row(conn, "shot_images", image)["is_favorite"] is True
    assert call(conn, "toggle_shot_image_favorite", image_id=image) is False
    expect_error(conn, "P0002", "toggle_shot_image_favorite", image_id=new_user())
    expect_error(conn, "22023", "toggle_shot_image_favorite", image_id=None)


def test_update_shot_image_status(owner):
    conn, _ = owner
    t = tree(conn, None, shots=1)
    shot = t["shots"][0]
    ids = [str(i) for i in call(conn, "batch_create_shot_images", shot_id=shot, parent_image_id=t["images"][shot][0],
                                images=variants(3, status="pending"))]
    a, b, c = ids
    call(conn, "update_shot_image_status", image_id=a, status="processing")
    err = expect_error(conn, "22023", "update_shot_image_status", image_id=a, status="complete")
    assert "p_image_url" in str(err)
    call(conn, "update_shot_image_status", image_id=a, status="complete", image_url="https://cdn.example.com/a.png")
    img = row(conn, "shot_images", a)
    assert (img["status"], img["image_url"]) == ("complete", "https://cdn.example.com/a.png")
    for backwards in ("processing", "pending", "failed"):
        err = expect_error(conn, "55000", "update_shot_image_status", image_id=a, status=backwards)
        assert "p_status" in str(err)
    call(conn, "update_shot_image_status", image_id=b, status="failed")
    call(conn, "update_shot_image_status", image_id=b, status="pending")  # a retry
    expect_error(conn, "22023", "update_shot_image_status", image_id=c, status="done")
    expect_error(conn, "22023", "update_shot_image_status", image_id=c, status=None)
    expect_error(conn, "22023", "update_shot_image_status", image_id=c, status="processing", image_url="")
    expect_error(conn, "P0002", "update_shot_image_status", image_id=new_user(), status="processing")


def test_update_shot_image(owner):
    conn, _ = owner
    t = tree(conn, None, shots=1)
    image = t["images"][t["shots"][0]][0]
    call(conn, "update_shot_image", image_id=image, metadata={"seed": 42}, is_favorite=True,
         iteration_prompt="Edited prompt", image_storage_id="storage/1.png", replicate_image_id="pred_1")
    img = row(conn, "shot_images", image)
    assert img["metadata"] == {"model": "flux", "cfg_scale": 7, "seed": 42}
    assert (img["is_favorite"], img["iteration_prompt"], img["image_storage_id"], img["replicate_image_id"]) == (
        True, "Edited prompt", "storage/1.png", "pred_1")
    expect_error(conn, "22023", "update_shot_image", image_id=image, metadata=[1])
    expect_error(conn, "22023", "update_shot_image", image_id=image, iteration_prompt=" ")
    expect_error(conn, "P0002", "update_shot_image", image_id=new_user(), is_favorite=True)


def test_image_rules_hold_for_direct_table_writes(owner):
    conn, _ = owner
    t = tree(conn, None, shots=1)
    shot = t["shots"][0]
    image = t["images"][shot][0]
    cases = [
        ("55000", "insert into public.shot_images (shot_id, iteration_number, variant_number) values (%s, 2, 0)",
         (shot,)),
        ("22023", "insert into public.shot_images (shot_id, iteration_number, variant_number) values (%s, 1, 0)",
         (shot,)),
        ("23514", "insert into public.shot_images (shot_id, iteration_number, variant_number, parent_image_id) "
                  "values (%s, 1, 6, %s)", (shot, image)),
        ("55000", "update public.shot_images set iteration_number = 3 where id = %s", (image,)),
        ("55000", "update public.shot_images set status = 'pending' where id = %s", (image,)),
        ("23514", "update public.shot_images set image_url = null where id = %s", (image,)),
        ("55000", "update public.scene_shots set scene_id = %s where id = %s",
         (call(conn, "create_project_scene", project_id=t["project"], scene_number=2, title="B"), shot)),
        ("42501", "update public.scene_shots set selected_image_id = %s where id = %s", (image, shot)),
    ]
    for sqlstate, sql, params in cases:
        before = fingerprint(conn)
        with raises_sqlstate(sqlstate), conn.transaction():
            conn.execute(sql, params)
        assert fingerprint(conn) == before, sql
    # A direct insert gets its project and scene from the shot.
    new_id = conn.execute(
        "insert into public.shot_images (shot_id, iteration_number, variant_number, parent_image_id) "
        "values (%s, 1, 0, %s) returning id::text", (shot, image)).fetchone()[0]
    img = row(conn, "shot_images", new_id)
    assert (img["project_id"], img["scene_id"]) == (t["project"], t["scene"])


def test_delete_shot_image(owner):
    conn, _ = owner
    t = tree(conn, None, shots=1)
    shot = t["shots"][0]
    parent = t["images"][shot][3]
    child = str(call(conn, "batch_create_shot_images", shot_id=shot, parent_image_id=parent, images=variants(1))[0])
    call(conn, "select_master_shot", shot_id=shot, selected_image_id=parent)
    assert row(conn, "scene_shots", shot)["selected_image_id"] == parent
    call(conn, "delete_shot_image", image_id=parent)
    assert row(conn, "shot_images", parent) is None
    assert row(conn, "shot_images", child)["parent_image_id"] is None  # the refinement stays
    assert row(conn, "scene_shots", shot)["selected_image_id"] is None
    assert conn.execute("select count(*) from public.storyboard_selections").fetchone()[0] == 0
    expect_error(conn, "P0002", "delete_shot_image", image_id=parent)
    expect_error(conn, "22023", "delete_shot_image", image_id=None)


# --- storyboard -------------------------------------------------------------------------------------------

def test_select_master_shot(owner):
    conn, _ = owner
    t = tree(conn, None, shots=2)
    a, b = t["shots"]
    first = call(conn, "select_master_shot", project_id=t["project"], scene_id=t["scene"], shot_id=a,
                 selected_image_id=t["images"][a][1])
    sel = row(conn, "storyboard_selections", str(first))
    assert (sel["project_id"], sel["scene_id"], sel["shot_id"], sel["selected_image_id"], sel["animation_status"]) == (
        t["project"], t["scene"], a, t["images"][a][1], "pending")
    assert row(conn, "scene_shots", a)["selected_image_id"] == t["images"][a][1]
    call(conn, "update_storyboard_animation", selection_id=first, animation_status="processing",
         replicate_video_id="pred_1")
    # Choosing another image updates the same selection and restarts its animation.
    again = call(conn, "select_master_shot", shot_id=a, selected_image_id=t["images"][a][4])
    assert again == first
    sel = row(conn, "storyboard_selections", str(first))
    assert (sel["selected_image_id"], sel["animation_status"], sel["replicate_video_id"]) == (
        t["images"][a][4], "pending", None)
    assert row(conn, "scene_shots", a)["selected_image_id"] == t["images"][a][4]
    # The document's createStoryboardSelection is the same procedure.
    assert call(conn, "create_storyboard_selection", shot_id=a, selected_image_id=t["images"][a][4]) == first

    err = expect_error(conn, "55000", "select_master_shot", shot_id=b, selected_image_id=t["images"][a][0])
    assert "p_selected_image_id" in str(err) and "belongs to shot" in str(err)
    pending = str(call(conn, "batch_create_shot_images", shot_id=b, parent_image_id=t["images"][b][0],
                       images=variants(1, status="pending"))[0])
    expect_error(conn, "55000", "select_master_shot", shot_id=b, selected_image_id=pending)
    expect_error(conn, "P0002", "select_master_shot", shot_id=b, selected_image_id=new_user())
    expect_error(conn, "P0002", "select_master_shot", shot_id=new_user(), selected_image_id=t["images"][b][0])
    expect_error(conn, "55000", "select_master_shot", shot_id=b, scene_id=new_user(),
                 selected_image_id=t["images"][b][0])
    expect_error(conn, "22023", "select_master_shot", shot_id=b, selected_image_id=None)
    assert row(conn, "scene_shots", b)["selected_image_id"] is None


def test_update_storyboard_animation(owner):
    conn, _ = owner
    t = tree(conn, None, shots=2)
    a, b = t["shots"]
    sa = call(conn, "select_master_shot", shot_id=a, selected_image_id=t["images"][a][0])
    sb = call(conn, "select_master_shot", shot_id=b, selected_image_id=t["images"][b][0])
    call(conn, "update_storyboard_animation", selection_id=sa, animation_status="processing",
         replicate_video_id="replicate_prediction_id")
    err = expect_error(conn, "22023", "update_storyboard_animation", selection_id=sa, animation_status="complete")
    assert "p_animated_video_url" in str(err)
    call(conn, "update_storyboard_animation", selection_id=sa, animation_status="complete",
         animated_video_url="https://cdn.example.com/a.mp4")
    sel = row(conn, "storyboard_selections", str(sa))
    assert (sel["animation_status"], sel["animated_video_url"], sel["replicate_video_id"]) == (
        "complete", "https://cdn.example.com/a.mp4", "replicate_prediction_id")
    for backwards in ("processing", "pending", "failed"):
        err = expect_error(conn, "55000", "update_storyboard_animation", selection_id=sa, animation_status=backwards)
        assert "p_animation_status" in str(err)
    # A failed animation is retried by selecting the same image again.
    call(conn, "update_storyboard_animation", selection_id=sb, animation_status="failed", replicate_video_id="p2")
    call(conn, "select_master_shot", shot_id=b, selected_image_id=t["images"][b][0])
    sel = row(conn, "storyboard_selections", str(sb))
    assert (sel["animation_status"], sel["replicate_video_id"]) == ("pending", None)
    expect_error(conn, "22023", "update_storyboard_animation", selection_id=sb, animation_status="done")
    expect_error(conn, "22023", "update_storyboard_animation", selection_id=sb, animation_status="complete",
                 animated_video_url=" ")
    expect_error(conn, "P0002", "update_storyboard_animation", selection_id=new_user(), animation_status="processing")


def test_get_shot_images_by_iteration(owner):
    conn, _ = owner
    t = tree(conn, None, shots=1)
    shot = t["shots"][0]
    parent = t["images"][shot][2]
    ids = call(conn, "batch_create_shot_images", shot_id=shot, parent_image_id=parent,
               iteration_prompt="Same but more dramatic", images=variants(6)[::-1])
    groups = call(conn, "get_shot_images_by_iteration", shot_id=shot)
    assert [g["iterationNumber"] for g in groups] == [0, 1]
    assert all(set(g) == {"iterationNumber", "prompt", "parentImageId", "parentImage", "images"} for g in groups)
    assert (groups[0]["prompt"], groups[0]["parentImageId"], groups[0]["parentImage"]) == ("Tokyo 1", None, None)
    assert [i["id"] for i in groups[0]["images"]] == t["images"][shot]
    assert (groups[1]["prompt"], groups[1]["parentImageId"]) == ("Same but more dramatic", parent)
    assert groups[1]["parentImage"]["id"] == parent and groups[1]["parentImage"]["variant_number"] == 2
    assert [i["variant_number"] for i in groups[1]["images"]] == [0, 1, 2, 3, 4, 5]
    assert {i["id"] for i in groups[1]["images"]} == {str(i) for i in ids}
    empty = call(conn, "create_scene_shot", scene_id=t["scene"], shot_number=9)
    assert call(conn, "get_shot_images_by_iteration", shot_id=empty) == []
    expect_error(conn, "P0002", "get_shot_images_by_iteration", shot_id=new_user())


def test_is_scene_storyboard_complete(owner):
    conn, _ = owner
    t = tree(conn, None, shots=2)
    a, b = t["shots"]
    assert call(conn, "is_scene_storyboard_complete", scene_id=t["scene"]) is False
    call(conn, "select_master_shot", shot_id=a, selected_image_id=t["images"][a][0])
    assert call(conn, "is_scene_storyboard_complete", scene_id=t["scene"]) is False
    call(conn, "select_master_shot", shot_id=b, selected_image_id=t["images"][b][0])
    assert call(conn, "is_scene_storyboard_complete", scene_id=t["scene"]) is True
    empty = call(conn, "create_project_scene", project_id=t["project"], scene_number=2, title="Empty")
    assert call(conn, "is_scene_storyboard_complete", scene_id=empty) is False
    expect_error(conn, "P0002", "is_scene_storyboard_complete", scene_id=new_user())


def test_get_project_progress(owner):
    conn, _ = owner
    t = tree(conn, None, shots=3)
    empty = project(conn)
    assert call(conn, "get_project_progress", project_id=empty) == {
        "totalScenes": 0, "totalShots": 0, "shotsWithSelections": 0, "shotsWithAnimations": 0,
        "selectionProgress": 0, "animationProgress": 0, "isSelectionComplete": False, "isAnimationComplete": False,
    }
    a, b, _c = t["shots"]
    sa = call(conn, "select_master_shot", shot_id=a, selected_image_id=t["images"][a][0])
    call(conn, "select_master_shot", shot_id=b, selected_image_id=t["images"][b][0])
    call(conn, "update_storyboard_animation", selection_id=sa, animation_status="complete",
         animated_video_url="https://cdn.example.com/a.mp4")
    call(conn, "create_project_scene", project_id=t["project"], scene_number=2, title="Later")
    progress = call(conn, "get_project_progress", project_id=t["project"])
    assert progress == {
        "totalScenes": 2, "totalShots": 3, "shotsWithSelections": 2, "shotsWithAnimations": 1,
        "selectionProgress": 66.7, "animationProgress": 33.3, "isSelectionComplete": False,
        "isAnimationComplete": False,
    }
    expect_error(conn, "P0002", "get_project_progress", project_id=new_user())
    expect_error(conn, "22023", "get_project_progress", project_id=None)


def test_redesign_status_advances_with_the_data_and_never_back(owner):
    conn, _ = owner
    t = tree(conn, None, shots=2)
    a, b = t["shots"]
    assert status(conn, t["project"]) == "shot_iteration"
    sa = call(conn, "select_master_shot", shot_id=a, selected_image_id=t["images"][a][0])
    assert status(conn, t["project"]) == "shot_iteration"
    sb = call(conn, "select_master_shot", shot_id=b, selected_image_id=t["images"][b][0])
    assert status(conn, t["project"]) == "storyboard_final"
    call(conn, "update_storyboard_animation", selection_id=sa, animation_status="complete",
         animated_video_url="https://cdn.example.com/a.mp4")
    assert status(conn, t["project"]) == "storyboard_final"
    call(conn, "update_storyboard_animation", selection_id=sb, animation_status="complete",
         animated_video_url="https://cdn.example.com/b.mp4")
    assert status(conn, t["project"]) == "animation_complete"
    # A shot added later does not move the status back; the progress tells the truth.
    call(conn, "create_scene_shot", scene_id=t["scene"], shot_number=3)
    assert status(conn, t["project"]) == "animation_complete"
    assert call(conn, "get_project_progress", project_id=t["project"])["isAnimationComplete"] is False


def test_deleting_the_last_unselected_shot_completes_the_storyboard(owner):
    conn, _ = owner
    t = tree(conn, None, shots=2)
    a, b = t["shots"]
    call(conn, "select_master_shot", shot_id=a, selected_image_id=t["images"][a][0])
    assert status(conn, t["project"]) == "shot_iteration"
    call(conn, "delete_scene_shot", shot_id=b)
    assert status(conn, t["project"]) == "storyboard_final"
    # Manual moves to storyboard_final are checked the same way.
    u = tree(conn, None, shots=1)
    expect_error(conn, "55000", "update_redesign_status", project_id=u["project"], status="storyboard_final")
    call(conn, "select_master_shot", shot_id=u["shots"][0], selected_image_id=u["images"][u["shots"][0]][0])
    assert status(conn, u["project"]) == "storyboard_final"


def test_p_project_id_names_the_project_the_row_is_looked_up_in(owner):
    """The distribution key as an optional parameter: with the row's own project the call works as without it;
    with another project of the same user the row is not found there (P0002) and nothing is written."""
    conn, _ = owner
    t = tree(conn, None, shots=2)
    a, b = t["shots"]
    image = t["images"][a][0]
    selection = call(conn, "select_master_shot", shot_id=a, selected_image_id=image)
    elsewhere = project(conn)
    calls = {
        "update_project_scene": {"scene_id": t["scene"], "title": "Renamed"},
        "create_scene_shot": {"scene_id": t["scene"], "shot_number": 7},
        "update_scene_shot": {"shot_id": a, "description": "Keyed"},
        "batch_create_shot_images": {"shot_id": b, "parent_image_id": t["images"][b][0], "images": variants(2)},
        "create_shot_image": {"shot_id": a, "iteration_number": 0, "variant_number": 0, "image_url": None,
                              "status": "pending"},
        "get_latest_iteration_number": {"shot_id": a},
        "get_shot_images_by_iteration": {"shot_id": a},
        "update_shot_image": {"image_id": image, "is_favorite": True},
        "update_shot_image_status": {"image_id": image, "status": "complete"},
        "toggle_shot_image_favorite": {"image_id": image},
        "select_master_shot": {"shot_id": a, "selected_image_id": image},
        "create_storyboard_selection": {"shot_id": a, "selected_image_id": image},
        "update_storyboard_animation": {"selection_id": selection, "animation_status": "processing"},
        "is_scene_storyboard_complete": {"scene_id": t["scene"]},
        "delete_shot_image": {"image_id": t["images"][b][5]},
        "delete_scene_shot": {"shot_id": b},
        "delete_project_scene": {"scene_id": t["scene"]},
    }
    for name, params in calls.items():
        err = expect_error(conn, "P0002", name, project_id=elsewhere, **params)
        assert "not found" in str(err), name
    # create_shot_image's variant 0 of iteration 0 exists: with the right project it meets the same rule as without.
    expect_error(conn, "23505", "create_shot_image", project_id=t["project"], **calls.pop("create_shot_image"))
    for name, params in calls.items():
        with conn.transaction():
            call(conn, name, project_id=t["project"], **params)
    assert row(conn, "project_scenes", t["scene"]) is None
