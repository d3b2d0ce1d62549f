drop function if exists public.fail_dreamcut_query;
drop function if exists public.complete_dreamcut_query;
drop function if exists public.update_asset_progress;
drop function if exists public.initialize_dreamcut_query;
drop function if exists dreamcut_private.assets_input_error;
