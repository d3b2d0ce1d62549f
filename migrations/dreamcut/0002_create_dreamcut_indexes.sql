-- create_dreamcut_indexes (dreamcut-migration-summary.md, migration 2): the document's indexes plus one per
-- foreign key and the access paths of the policies and the message feed.
-- depends: 0001_create_dreamcut_realtime_schema

create index idx_dreamcut_queries_user_id on public.dreamcut_queries (user_id, created_at desc);
create index idx_dreamcut_queries_status on public.dreamcut_queries (status);
create index idx_dreamcut_assets_query_id on public.dreamcut_assets (query_id);
create index idx_dreamcut_assets_status on public.dreamcut_assets (status);
create index idx_dreamcut_messages_query_id_seq on public.dreamcut_messages (query_id, seq);
create index idx_dreamcut_messages_asset_id on public.dreamcut_messages (asset_id);
