drop table if exists public.storyboard_selections;
drop function if exists dreamcut_private.sync_shot_selected_image();
drop function if exists dreamcut_private.check_storyboard_selection_write();
