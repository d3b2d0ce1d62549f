drop table if exists public.scene_shots;
drop function if exists dreamcut_private.validate_scene_shot_update();
drop function if exists dreamcut_private.inherit_scene_parents();
drop table if exists public.project_scenes;
drop function if exists dreamcut_private.validate_project_scene_update();
drop function if exists dreamcut_private.validate_project_scene_insert();
