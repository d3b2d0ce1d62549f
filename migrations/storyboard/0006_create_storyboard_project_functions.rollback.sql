drop function if exists public.delete_project_scene(uuid, uuid);
drop function if exists public.update_project_scene(uuid, integer, text, text, uuid);
drop function if exists public.create_project_scene(uuid, integer, text, text);
drop function if exists public.delete_redesign_project(uuid);
drop function if exists public.update_redesign_status(uuid, text);
drop function if exists public.update_redesign_project(uuid, text, text, jsonb);
drop function if exists public.create_redesign_project(text, text, jsonb, uuid);
drop function if exists dreamcut_private.delete_storyboard_row(text, uuid, uuid);
