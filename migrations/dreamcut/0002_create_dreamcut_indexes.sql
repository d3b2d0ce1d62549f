-- create_dreamcut_indexes (dreamcut-migration-summary.md, migration 2): the document's indexes (its
-- idx_dreamcut_assets_query_id is the leading column of the assets' primary key (query_id, id)), plus one per
-- foreign key, the order of each query's assets and messages, and the access paths of the policies.
-- depends: 0001_create_dreamcut_realtime_schema

create index idx_dreamcut_queries_user_id on public.dreamcut_queries (user_id, created_at desc);
create index idx_dreamcut_queries_status on public.dreamcut_queries (status);
create unique index idx_dreamcut_assets_query_id_seq on public.dreamcut_assets (query_id, seq);
-- update_asset_progress called without p_query_id finds its asset by id alone.
create index idx_dreamcut_assets_id on public.dreamcut_assets (id);
create index idx_dreamcut_assets_status on public.dreamcut_assets (status);
create unique index idx_dreamcut_messages_query_id_seq on public.dreamcut_messages (query_id, seq);
create index idx_dreamcut_messages_asset_id on public.dreamcut_messages (query_id, asset_id);
