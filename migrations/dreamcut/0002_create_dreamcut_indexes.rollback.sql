drop index if exists public.idx_dreamcut_messages_asset_id;
drop index if exists public.idx_dreamcut_messages_query_id_seq;
drop index if exists public.idx_dreamcut_assets_status;
drop index if exists public.idx_dreamcut_assets_id;
drop index if exists public.idx_dreamcut_assets_query_id_seq;
drop index if exists public.idx_dreamcut_queries_status;
drop index if exists public.idx_dreamcut_queries_user_id;
