alter table if exists public.scene_shots drop constraint if exists scene_shots_selected_image_id_fkey;
drop index if exists public.idx_scene_shots_selected_image_id;
drop table if exists public.shot_images;
drop function if exists dreamcut_private.release_parent_image();
drop function if exists dreamcut_private.validate_shot_image_update();
drop function if exists dreamcut_private.validate_shot_image_insert();
drop function if exists dreamcut_private.inherit_shot_parents();
