drop table if exists public.storyboard_selections;
drop function if exists dreamcut_private.clear_master_image_of_shot();
drop function if exists dreamcut_private.copy_master_image_to_shot();
drop function if exists dreamcut_private.validate_storyboard_selection_update();
drop function if exists dreamcut_private.validate_master_image();
