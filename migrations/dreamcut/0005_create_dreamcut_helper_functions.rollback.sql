drop function if exists public.fail_dreamcut_query(uuid, text);
drop function if exists public.complete_dreamcut_query(uuid, jsonb, integer, text[], numeric);
drop function if exists public.update_asset_progress(uuid, integer, text, jsonb, text, text, text, text, text, integer, text, numeric, numeric, uuid);
drop function if exists public.initialize_dreamcut_query(text, text, text, jsonb, jsonb);
drop function if exists dreamcut_private.assets_input_error(jsonb);
