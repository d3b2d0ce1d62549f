-- create_dreamcut_realtime_schema (dreamcut-migration-summary.md, migration 1): the three tables of
-- dreamcut-production-schema.md, tightened where a null makes no sense, plus the per-query counters that let
-- completion detection cost the same whatever the number of assets. One distribution key, query_id: every
-- primary key, unique index and foreign key of assets and messages leads with it, so a query's rows can live
-- together on one node (Citus) and every function reaches them by it.
-- depends: 0001_supabase_platform

insert into dreamcut_private.installed_modules (module) values ('dreamcut');

create table public.dreamcut_queries (
    id uuid primary key default gen_random_uuid(),
    user_id text not null,
    user_prompt text not null,
    intent text check (intent in ('image', 'video', 'audio', 'mixed')),
    options jsonb not null default '{}' check (jsonb_typeof(options) = 'object'),

    status text not null default 'processing' check (status in ('processing', 'completed', 'failed')),
    stage text not null default 'init' check (stage in ('init', 'analyzing', 'merging', 'done')),
    progress integer not null default 0 check (progress >= 0 and progress <= 100),

    payload jsonb,
    error_message text,

    processing_time_ms integer check (processing_time_ms >= 0),
    models_used text[],
    cost_estimate decimal(10, 4) check (cost_estimate >= 0),

    asset_count integer not null default 0 check (asset_count >= 0),
    assets_finished integer not null default 0 check (assets_finished >= 0 and assets_finished <= asset_count),
    asset_progress_total bigint not null default 0 check (asset_progress_total >= 0),

    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    completed_at timestamptz,
    check (completed_at is null or completed_at >= created_at)
);
comment on table public.dreamcut_queries is
'One director analysis request (dreamcut-production-schema.md, table 1): overall progress, stage and result.';
comment on column public.dreamcut_queries.user_id is
'Owner: the Supabase auth user id (auth.uid()) as text. RLS compares it with the request''s sub claim.';
comment on column public.dreamcut_queries.stage is 'init -> analyzing -> merging -> done.';
comment on column public.dreamcut_queries.progress is
'0..100: 90% of the mean asset progress while analyzing (a failed asset counts as 100), 90 at merging, 100 when done.';
comment on column public.dreamcut_queries.payload is 'Final analyzer JSON (the creative brief).';
comment on column public.dreamcut_queries.processing_time_ms is 'Total processing time in milliseconds.';
comment on column public.dreamcut_queries.cost_estimate is 'Estimated cost of the models used, in US dollars.';
comment on column public.dreamcut_queries.asset_count is 'Number of assets of the query (kept by trigger).';
comment on column public.dreamcut_queries.assets_finished is
'Number of assets completed or failed (kept by trigger); the query moves to merging when it equals asset_count.';
comment on column public.dreamcut_queries.asset_progress_total is
'Sum of the assets'' progress, a failed asset counting as 100 (kept by trigger).';

create table public.dreamcut_assets (
    id uuid not null default gen_random_uuid(),
    query_id uuid not null references public.dreamcut_queries (id) on delete cascade,

    url text not null check (url <> ''),
    filename text,
    type text not null check (type in ('image', 'video', 'audio')),
    user_description text,
    file_size_bytes bigint check (file_size_bytes >= 0),
    metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),

    status text not null default 'pending' check (status in ('pending', 'analyzing', 'completed', 'failed')),
    progress integer not null default 0 check (progress >= 0 and progress <= 100),
    analysis jsonb not null default '{}' check (jsonb_typeof(analysis) = 'object'),

    worker_id text,
    model_used text,
    processing_time_ms integer check (processing_time_ms >= 0),
    error_message text,

    quality_score decimal(3, 2),
    confidence_score decimal(3, 2),

    seq bigint not null check (seq > 0),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    analyzed_at timestamptz,
    primary key (query_id, id)
);
comment on table public.dreamcut_assets is
'One asset of a query and its progressive analysis (dreamcut-production-schema.md, table 2).';
comment on column public.dreamcut_assets.status is 'pending -> analyzing -> completed | failed; a finished asset stays finished.';
comment on column public.dreamcut_assets.analysis is 'Analysis JSON object, built up by shallow merges of each worker update.';
comment on column public.dreamcut_assets.file_size_bytes is 'Size of the file in bytes.';
comment on column public.dreamcut_assets.processing_time_ms is 'Analysis time in milliseconds.';
comment on column public.dreamcut_assets.analyzed_at is 'When the asset finished (completed or failed).';
comment on column public.dreamcut_assets.seq is
'Position of the asset in its query, from 1 (unique per query): the order of p_assets (they are inserted in one '
'statement, so created_at alone cannot order them). An insert without seq takes the next one (trigger).';

create table public.dreamcut_messages (
    id uuid not null default gen_random_uuid(),
    query_id uuid not null references public.dreamcut_queries (id) on delete cascade,

    type text not null check (
        type in (
            'status', 'asset_start', 'asset_progress', 'asset_complete', 'merge', 'final', 'conflict',
            'suggestion', 'error'
        )
    ),
    content text not null,
    emoji text,

    asset_id uuid,
    data jsonb not null default '{}',

    seq bigint not null check (seq > 0),
    created_at timestamptz not null default clock_timestamp(),
    primary key (query_id, id),
    -- The document's "on delete set null" is trigger_dreamcut_assets_release_messages: a foreign key holding the
    -- distribution key cannot set part of itself to null on Citus.
    foreign key (query_id, asset_id) references public.dreamcut_assets (query_id, id)
);
comment on table public.dreamcut_messages is
'The director''s feedback messages of a query, with emoji (dreamcut-production-schema.md, table 3).';
comment on column public.dreamcut_messages.content is 'Message text without its emoji; a client shows emoji || '' '' || content.';
comment on column public.dreamcut_messages.seq is
'Position of the message in its query''s feed, from 1 (unique per query): the next one is taken under the lock of '
'the query row, so the order holds whichever node or transaction writes. Read a feed in seq order.';
comment on column public.dreamcut_messages.asset_id is
'The asset the message is about, of the same query, or null; set to null when the asset is deleted.';
comment on column public.dreamcut_messages.created_at is 'clock_timestamp() of the insert, so messages of one transaction differ.';
