"""video-pipeline-redesign-v2.md, "Example: Complete Flow", end to end through the stored procedures: the user
(authenticated) plans, sets up, iterates and selects; the generation worker (service_role) writes the image
and animation results; the workflow state follows."""

from __future__ import annotations

from psycopg.types.json import Jsonb

from helpers import new_user, set_identity
from storyboard_helpers import call, row, status

CDN = "https://cdn.example.com"


def test_complete_flow(db):
    user = new_user()
    with db.transaction(force_rollback=True):
        # 1. Create project (the Prompt Planner page).
        set_identity(db, "authenticated", user)
        pid = call(db, "create_redesign_project", prompt="Tokyo dreams",
                   prompt_planner_data=Jsonb("Brain dump..."))
        assert status(db, pid) == "prompt_planning"
        # 2. Create scene; 3. create shot (the Scenes Setup page).
        sid = call(db, "create_project_scene", project_id=pid, scene_number=1, title="Opening",
                   description="City awakens")
        assert status(db, pid) == "scenes_setup"
        shot = call(db, "create_scene_shot", project_id=pid, scene_id=sid, shot_number=1,
                    description="Wide shot", initial_prompt="Tokyo Tower, sunrise...")
        # 4. Generate initial images: the app queues six predictions (pending).
        assert call(db, "get_latest_iteration_number", shot_id=shot) == -1
        queued = call(db, "batch_create_shot_images", project_id=pid, scene_id=sid, shot_id=shot,
                      iteration_number=0, iteration_prompt="Tokyo Tower, sunrise...",
                      images=[{"variantNumber": v, "replicateImageId": f"pred_0_{v}"} for v in range(6)])
        assert status(db, pid) == "shot_iteration"
        # The worker writes the results.
        set_identity(db, "service_role")
        for v, image in enumerate(queued):
            call(db, "update_shot_image_status", image_id=image, status="processing")
            call(db, "update_shot_image_status", image_id=image, status="complete",
                 image_url=f"{CDN}/it0-v{v}.png")
        # 5. Get images and let the user select: variant 2 of iteration 0 becomes the favorite.
        set_identity(db, "authenticated", user)
        images = db.execute("select id::text, variant_number, status from public.shot_images "
                            "where shot_id = %s and iteration_number = 0 order by variant_number",
                            (shot,)).fetchall()
        assert [(v, s) for _, v, s in images] == [(v, "complete") for v in range(6)]
        favorite_id = next(i for i, v, _ in images if v == 2)
        assert call(db, "toggle_shot_image_favorite", image_id=favorite_id) is True
        # 6. Create next iteration from the favorite (img2img).
        refined = call(db, "batch_create_shot_images", project_id=pid, scene_id=sid, shot_id=shot,
                       iteration_number=1, iteration_prompt="Same but more dramatic",
                       parent_image_id=favorite_id,
                       images=[{"variantNumber": v, "imageUrl": f"{CDN}/it1-v{v}.png", "status": "complete"}
                               for v in range(6)])
        groups = call(db, "get_shot_images_by_iteration", shot_id=shot)
        assert [(g["iterationNumber"], g["prompt"], g["parentImageId"]) for g in groups] == [
            (0, "Tokyo Tower, sunrise...", None), (1, "Same but more dramatic", favorite_id)]
        # 7. Select master shot.
        final_image_id = refined[3]
        selection = call(db, "select_master_shot", project_id=pid, scene_id=sid, shot_id=shot,
                         selected_image_id=final_image_id)
        assert row(db, "scene_shots", shot)["selected_image_id"] == final_image_id
        assert call(db, "is_scene_storyboard_complete", scene_id=sid) is True
        assert status(db, pid) == "storyboard_final"
        # 8. Check progress.
        progress = call(db, "get_project_progress", project_id=pid)
        assert progress["selectionProgress"] == 100 and progress["isSelectionComplete"] is True
        assert progress["animationProgress"] == 0 and progress["isAnimationComplete"] is False
        # Animation generation (the Storyboard page queues it; the worker reports).
        set_identity(db, "service_role")
        call(db, "update_storyboard_animation", selection_id=selection, animation_status="processing",
             replicate_video_id="replicate_prediction_id")
        call(db, "update_storyboard_animation", selection_id=selection, animation_status="complete",
             animated_video_url=f"{CDN}/final.mp4")
        set_identity(db, "authenticated", user)
        assert status(db, pid) == "animation_complete"
        assert call(db, "get_project_progress", project_id=pid) == {
            "totalScenes": 1, "totalShots": 1, "shotsWithSelections": 1, "shotsWithAnimations": 1,
            "selectionProgress": 100, "animationProgress": 100, "isSelectionComplete": True,
            "isAnimationComplete": True,
        }
        sel = row(db, "storyboard_selections", selection)
        assert (sel["animation_status"], sel["animated_video_url"], sel["replicate_video_id"]) == (
            "complete", f"{CDN}/final.mp4", "replicate_prediction_id")
        # Another user sees none of it.
        set_identity(db, "authenticated", new_user())
        assert db.execute("select count(*) from public.video_projects").fetchone()[0] == 0
