drop trigger if exists trigger_scene_shots_delete_advance_status on public.scene_shots;
drop trigger if exists trigger_storyboard_selections_advance_status on public.storyboard_selections;
drop trigger if exists trigger_shot_images_advance_status on public.shot_images;
drop trigger if exists trigger_project_scenes_advance_status on public.project_scenes;
drop function if exists dreamcut_private.advance_redesign_status_to_reached();
drop function if exists dreamcut_private.advance_redesign_status_to();
drop trigger if exists trigger_video_projects_validate_update on public.video_projects;
drop function if exists dreamcut_private.validate_video_project_update();
drop view if exists public.video_project_progress;
