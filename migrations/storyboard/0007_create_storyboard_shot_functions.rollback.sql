drop function if exists public.create_scene_with_shots(uuid, integer, text, text, jsonb);
drop function if exists public.delete_scene_shot(uuid, uuid);
drop function if exists public.update_scene_shot(uuid, integer, text, text, uuid);
drop function if exists public.create_scene_shot(uuid, integer, text, text, uuid);
