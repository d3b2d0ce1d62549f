drop function if exists public.get_project_progress(uuid);
drop function if exists public.is_scene_storyboard_complete(uuid, uuid);
drop function if exists public.update_storyboard_animation(uuid, text, text, text, uuid);
drop function if exists public.create_storyboard_selection(uuid, uuid, uuid, uuid);
drop function if exists public.select_master_shot(uuid, uuid, uuid, uuid);
