drop function if exists public.delete_shot_image(uuid, uuid);
drop function if exists public.toggle_shot_image_favorite(uuid, uuid);
drop function if exists public.update_shot_image_status(uuid, text, text, uuid);
drop function if exists public.update_shot_image(uuid, text, text, text, text, text, boolean, jsonb, uuid);
