drop table if exists public.mm_multimedia_assets;
drop function if exists dreamcut_private.mm_count_deleted_assets();
drop function if exists dreamcut_private.mm_count_updated_assets();
drop function if exists dreamcut_private.mm_count_inserted_assets();
drop function if exists public.mm_storage_path(text, text, text, timestamptz);
