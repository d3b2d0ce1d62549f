-- create_multimedia_assets (video-pipeline-content-multimedia.md, mm_multimedia_assets, "Supabase Storage
-- Integration"): every asset of a session with its place in Supabase Storage ({asset_type}/{section_name}/
-- {timestamp}_{filename}), tied to its session, content and company by a composite foreign key and under
-- company isolation, and the session counters (total assets, slides, audio files, videos) kept true by
-- statement-level triggers on the assets.
-- depends: 0001_create_multimedia_sessions

create function public.mm_storage_path(
    p_asset_type text, p_section_name text, p_filename text, p_at timestamptz default now()
) returns text
language sql stable
set search_path = ''
as $$
    select p_asset_type || '/' || p_section_name || '/'
        || to_char(p_at at time zone 'UTC', 'YYYYMMDD"_"HH24MISS"_"US') || '_' || p_filename
$$;
comment on function public.mm_storage_path(text, text, text, timestamptz) is
'The storage path of an asset in its bucket (video-pipeline-content-multimedia.md, "Supabase Storage '
'Integration": {asset_type}/{section_name}/{timestamp}_{filename}). p_asset_type, p_section_name, p_filename: '
'text; p_at: the time stamped into the path (default now()), written in UTC as YYYYMMDD_HHMMSS_microseconds, '
'e.g. video/introduction/20250101_120000_000000_intro.mp4. Returns text (null when an argument is null); '
'raises nothing. register_multimedia_asset uses it with the clock time of the call.';
revoke all on function public.mm_storage_path(text, text, text, timestamptz) from public, anon, authenticated, service_role;
grant execute on function public.mm_storage_path(text, text, text, timestamptz) to authenticated, service_role;

create table public.mm_multimedia_assets (
    asset_id uuid not null default gen_random_uuid(),
    session_id uuid not null,
    content_id uuid not null,
    company_id uuid not null references public.companies (id),
    asset_type text not null check (
        asset_type in ('video', 'audio', 'slide', 'script', 'thumbnail', 'presentation')
    ),
    asset_name text not null check (asset_name ~ '^[^/[:cntrl:]]{1,255}$' and asset_name not in ('.', '..')),
    file_path text,
    file_size_bytes bigint check (file_size_bytes >= 0),
    mime_type text check (mime_type ~* '^[a-z]+/[a-z0-9][a-z0-9.+_-]*$'),
    section_name text not null default 'complete_module' check (section_name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    duration_seconds numeric check (duration_seconds >= 0 and duration_seconds < 'Infinity'),
    generation_config jsonb not null default '{}' check (jsonb_typeof(generation_config) = 'object'),
    status text not null default 'generated' check (status in ('generated', 'processed', 'failed')),
    storage_bucket text not null default 'multimedia-assets' check (storage_bucket ~ '^[a-z0-9][a-z0-9._-]{1,62}$'),
    storage_path text not null,
    public_url text,
    created_at timestamptz not null default clock_timestamp(),
    check (
        starts_with(storage_path, asset_type || '/' || section_name || '/')
        and right(storage_path, length(asset_name) + 1) = '_' || asset_name
    ),
    primary key (company_id, asset_id),
    unique (company_id, storage_bucket, storage_path),
    unique (company_id, asset_id, session_id),
    foreign key (company_id, session_id, content_id)
    references public.mm_multimedia_sessions (company_id, session_id, content_id) on delete cascade
);
comment on table public.mm_multimedia_assets is
'Every multimedia asset of a session: videos, audio, slides, scripts, thumbnails, presentation exports '
'(video-pipeline-content-multimedia.md, mm_*, table 2), with its place in Supabase Storage.';
comment on column public.mm_multimedia_assets.company_id is 'The session''s company (the foreign key keeps them equal).';
comment on column public.mm_multimedia_assets.asset_name is 'File name (no slash, no control character).';
comment on column public.mm_multimedia_assets.file_path is 'Local path of the file where it was generated.';
comment on column public.mm_multimedia_assets.file_size_bytes is 'File size in bytes.';
comment on column public.mm_multimedia_assets.section_name is
'Content section or grouping the asset belongs to (introduction, core_content, complete_module, narrations, ...): '
'a lowercase path segment.';
comment on column public.mm_multimedia_assets.duration_seconds is 'Duration in seconds (audio and video).';
comment on column public.mm_multimedia_assets.storage_path is
'{asset_type}/{section_name}/{timestamp}_{asset_name} inside storage_bucket (unique per company and bucket).';
comment on column public.mm_multimedia_assets.public_url is 'Public URL of the object, when the bucket is public.';
comment on column public.mm_multimedia_assets.created_at is
'clock_timestamp() of the insert: assets registered in one transaction keep their order.';
create index idx_mm_multimedia_assets_session_id on public.mm_multimedia_assets (company_id, session_id, content_id);
create index idx_mm_multimedia_assets_content_id on public.mm_multimedia_assets (company_id, content_id);
create index idx_mm_multimedia_assets_asset_id on public.mm_multimedia_assets (asset_id);

call dreamcut_private.enable_company_isolation('public.mm_multimedia_assets');

create function dreamcut_private.mm_count_inserted_assets() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_finished record;
begin
    -- The sessions locked in key order, FOR NO KEY UPDATE (no conflict with the KEY SHARE locks of the assets'
    -- foreign key checks), so concurrent statements queue here instead of deadlocking and each adds its counts
    -- to the latest committed values.
    perform from public.mm_multimedia_sessions as s
    where (s.company_id, s.session_id) in (select n.company_id, n.session_id from new_assets as n)
    order by s.company_id, s.session_id
    for no key update;
    select s.session_id, s.status into v_finished
    from public.mm_multimedia_sessions as s
    where (s.company_id, s.session_id) in (select n.company_id, n.session_id from new_assets as n)
        and s.status in ('completed', 'failed')
    limit 1;
    if found then
        raise exception 'multimedia session % is already %: no more assets can be registered',
            v_finished.session_id, v_finished.status
        using errcode = '55000';
    end if;
    update public.mm_multimedia_sessions as s
    set total_assets_generated = s.total_assets_generated + d.total,
        slides_generated = s.slides_generated + d.slides,
        audio_files_generated = s.audio_files_generated + d.audio,
        video_files_generated = s.video_files_generated + d.video
    from (
        select
            c.company_id,
            c.session_id,
            coalesce(sum(c.sign) filter (where c.status <> 'failed'), 0) as total,
            coalesce(sum(c.sign) filter (where c.status <> 'failed' and c.asset_type = 'slide'), 0) as slides,
            coalesce(sum(c.sign) filter (where c.status <> 'failed' and c.asset_type = 'audio'), 0) as audio,
            coalesce(sum(c.sign) filter (where c.status <> 'failed' and c.asset_type = 'video'), 0) as video
        from (select n.company_id, n.session_id, n.asset_type, n.status, 1 as sign from new_assets as n) as c
        group by c.company_id, c.session_id
    ) as d
    where s.company_id = d.company_id and s.session_id = d.session_id
        and (d.total, d.slides, d.audio, d.video) <> (0, 0, 0, 0);
    return null;
end
$$;
comment on function dreamcut_private.mm_count_inserted_assets() is
'Statement-level AFTER INSERT trigger function on mm_multimedia_assets (transition table new_assets): adds the '
'statement''s assets to the counters of their sessions (total_assets_generated: assets not failed; '
'slides_generated, audio_files_generated, video_files_generated: those of type slide, audio, video) in one UPDATE, '
'after locking the sessions in key order, so counts stay exact under concurrent registration. Raises 55000 when '
'assets are inserted into a completed or failed session.';
revoke all on function dreamcut_private.mm_count_inserted_assets() from public;

create function dreamcut_private.mm_count_updated_assets() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    -- The sessions locked in key order, FOR NO KEY UPDATE (no conflict with the KEY SHARE locks of the assets'
    -- foreign key checks), so concurrent statements queue here instead of deadlocking and each adds its counts
    -- to the latest committed values.
    perform from public.mm_multimedia_sessions as s
    where (s.company_id, s.session_id) in (
        select n.company_id, n.session_id from new_assets as n
        union
        select o.company_id, o.session_id from old_assets as o
    )
    order by s.company_id, s.session_id
    for no key update;
    update public.mm_multimedia_sessions as s
    set total_assets_generated = s.total_assets_generated + d.total,
        slides_generated = s.slides_generated + d.slides,
        audio_files_generated = s.audio_files_generated + d.audio,
        video_files_generated = s.video_files_generated + d.video
    from (
        select
            c.company_id,
            c.session_id,
            coalesce(sum(c.sign) filter (where c.status <> 'failed'), 0) as total,
            coalesce(sum(c.sign) filter (where c.status <> 'failed' and c.asset_type = 'slide'), 0) as slides,
            coalesce(sum(c.sign) filter (where c.status <> 'failed' and c.asset_type = 'audio'), 0) as audio,
            coalesce(sum(c.sign) filter (where c.status <> 'failed' and c.asset_type = 'video'), 0) as video
        from (select n.company_id, n.session_id, n.asset_type, n.status, 1 as sign from new_assets as n
            union all
            select o.company_id, o.session_id, o.asset_type, o.status, -1 from old_assets as o) as c
        group by c.company_id, c.session_id
    ) as d
    where s.company_id = d.company_id and s.session_id = d.session_id
        and (d.total, d.slides, d.audio, d.video) <> (0, 0, 0, 0);
    return null;
end
$$;
comment on function dreamcut_private.mm_count_updated_assets() is
'Statement-level AFTER UPDATE trigger function on mm_multimedia_assets (transition tables old_assets, new_assets): '
'moves the counts of the updated assets (total_assets_generated: assets not failed; slides_generated, '
'audio_files_generated, video_files_generated: those of type slide, audio, video) by their new rows minus their '
'old rows (an asset marked failed leaves the counts, one moved to another session moves its count), in one UPDATE '
'after locking the sessions in key order.';
revoke all on function dreamcut_private.mm_count_updated_assets() from public;

create function dreamcut_private.mm_count_deleted_assets() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    -- The sessions locked in key order, FOR NO KEY UPDATE (no conflict with the KEY SHARE locks of the assets'
    -- foreign key checks), so concurrent statements queue here instead of deadlocking and each adds its counts
    -- to the latest committed values.
    perform from public.mm_multimedia_sessions as s
    where (s.company_id, s.session_id) in (select o.company_id, o.session_id from old_assets as o)
    order by s.company_id, s.session_id
    for no key update;
    update public.mm_multimedia_sessions as s
    set total_assets_generated = s.total_assets_generated + d.total,
        slides_generated = s.slides_generated + d.slides,
        audio_files_generated = s.audio_files_generated + d.audio,
        video_files_generated = s.video_files_generated + d.video
    from (
        select
            c.company_id,
            c.session_id,
            coalesce(sum(c.sign) filter (where c.status <> 'failed'), 0) as total,
            coalesce(sum(c.sign) filter (where c.status <> 'failed' and c.asset_type = 'slide'), 0) as slides,
            coalesce(sum(c.sign) filter (where c.status <> 'failed' and c.asset_type = 'audio'), 0) as audio,
            coalesce(sum(c.sign) filter (where c.status <> 'failed' and c.asset_type = 'video'), 0) as video
        from (select o.company_id, o.session_id, o.asset_type, o.status, -1 as sign from old_assets as o) as c
        group by c.company_id, c.session_id
    ) as d
    where s.company_id = d.company_id and s.session_id = d.session_id
        and (d.total, d.slides, d.audio, d.video) <> (0, 0, 0, 0);
    return null;
end
$$;
comment on function dreamcut_private.mm_count_deleted_assets() is
'Statement-level AFTER DELETE trigger function on mm_multimedia_assets (transition table old_assets): takes the '
'statement''s assets off the counters of their sessions (total_assets_generated: assets not failed; '
'slides_generated, audio_files_generated, video_files_generated: those of type slide, audio, video) in one UPDATE, '
'after locking the sessions in key order.';
revoke all on function dreamcut_private.mm_count_deleted_assets() from public;

create trigger trigger_mm_multimedia_assets_count_insert
after insert on public.mm_multimedia_assets
referencing new table as new_assets
for each statement execute function dreamcut_private.mm_count_inserted_assets();

create trigger trigger_mm_multimedia_assets_count_update
after update on public.mm_multimedia_assets
referencing old table as old_assets new table as new_assets
for each statement execute function dreamcut_private.mm_count_updated_assets();

create trigger trigger_mm_multimedia_assets_count_delete
after delete on public.mm_multimedia_assets
referencing old table as old_assets
for each statement execute function dreamcut_private.mm_count_deleted_assets();
