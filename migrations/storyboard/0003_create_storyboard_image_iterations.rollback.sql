alter table if exists public.scene_shots drop constraint if exists scene_shots_selected_image_id_fkey;
drop index if exists public.idx_scene_shots_selected_image_id;
drop table if exists public.shot_images;
drop function if exists dreamcut_private.check_shot_image_write();
