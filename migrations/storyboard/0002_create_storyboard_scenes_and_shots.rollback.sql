drop table if exists public.scene_shots;
drop function if exists dreamcut_private.check_scene_shot_write();
drop table if exists public.project_scenes;
drop function if exists dreamcut_private.check_project_scene_write();
