drop function if exists public.delete_shot_image(uuid);
drop function if exists public.toggle_shot_image_favorite(uuid);
drop function if exists public.update_shot_image_status(uuid, text, text);
drop function if exists public.update_shot_image(uuid, text, text, text, text, text, boolean, jsonb);
