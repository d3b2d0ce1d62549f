drop function if exists public.get_shot_images_by_iteration(uuid, uuid);
drop function if exists public.get_latest_iteration_number(uuid, uuid);
drop function if exists public.create_shot_image(uuid, integer, integer, text, uuid, text, text, text, text, jsonb, uuid);
drop function if exists public.batch_create_shot_images(uuid, jsonb, integer, text, uuid, uuid, uuid);
