-- create_render_schema (video-platform-database.md, migration 001_initial_schema.sql): the six enums and the
-- six core tables of the video render job platform with the constraints that keep their data true and the
-- indexes of every foreign key, policy filter and maintenance query, plus the private tables the functions
-- need (rate-limit counters, security events). Row level security is enabled and every grant revoked here, so
-- the tables stay closed until 0005_enable_render_rls_policies opens exactly what the rule table allows.
-- depends: 0001_supabase_platform

insert into dreamcut_private.installed_modules (module) values ('render');

create type public.job_status as enum ('pending', 'processing', 'completed', 'failed', 'cancelled', 'timeout');
comment on type public.job_status is
'Render job status (video-platform-database.md): pending -> processing -> completed | failed | cancelled | timeout; '
'a pending job may also end cancelled, failed or timeout. completed, failed, cancelled and timeout are terminal.';

create type public.element_type as enum ('video', 'image', 'audio', 'text', 'overlay');
comment on type public.element_type is 'Kind of a video composition element (video-platform-database.md).';

create type public.fit_mode as enum ('auto', 'contain', 'cover', 'fill', 'stretch');
comment on type public.fit_mode is 'How an element''s media is fitted into its box (video-platform-database.md).';

create type public.processing_step as enum (
    'validation', 'download', 'processing', 'composition', 'encoding', 'upload', 'cleanup'
);
comment on type public.processing_step is
'Steps of the render pipeline, in pipeline order, recorded in processing_timeline (video-platform-database.md).';

create type public.storage_operation as enum ('upload', 'download', 'delete', 'access');
comment on type public.storage_operation is 'Kind of an S3 operation logged in storage_operations (video-platform-database.md).';

create type public.response_type as enum ('immediate', 'async');
comment on type public.response_type is
'Dual response system (video-platform-database.md): immediate = the API waits for the result; async = the API '
'returns the job id at once and the client follows the job (realtime or polling).';

create table public.jobs (
    id uuid primary key default gen_random_uuid(),
    user_id uuid,
    client_ip inet,
    user_agent text check (length(user_agent) <= 1000),

    output_format text not null default 'mp4' check (output_format in ('mp4', 'webm', 'mov', 'mkv', 'gif')),
    width integer not null check (width between 16 and 8192),
    height integer not null check (height between 16 and 8192),
    fps numeric(6, 3) not null default 30 check (fps > 0 and fps <= 120),
    duration_seconds numeric(10, 3) check (duration_seconds > 0 and duration_seconds <= 14400),

    status public.job_status not null default 'pending',
    progress_percentage integer not null default 0 check (progress_percentage between 0 and 100),
    current_step public.processing_step,
    response_type public.response_type not null default 'immediate',

    s3_bucket text check (length(s3_bucket) between 3 and 63),
    s3_key text check (length(s3_key) between 1 and 1024),
    result_url text check (result_url ~ '^(https?|s3)://\S+$'),
    file_size_bytes bigint check (file_size_bytes >= 0),
    error_message text,
    error_code text check (length(error_code) <= 50),
    metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),

    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    started_at timestamptz,
    completed_at timestamptz,
    expires_at timestamptz,

    constraint jobs_even_dimensions check (output_format = 'gif' or (width % 2 = 0 and height % 2 = 0)),
    constraint jobs_s3_key_has_bucket check (s3_key is null or s3_bucket is not null),
    constraint jobs_started_after_created check (started_at >= created_at),
    constraint jobs_completed_after_started check (completed_at >= coalesce(started_at, created_at)),
    constraint jobs_expires_after_created check (expires_at > created_at),
    constraint jobs_status_timestamps check (
        case status
            when 'pending' then started_at is null and completed_at is null
            when 'processing' then started_at is not null and completed_at is null
            when 'completed' then started_at is not null and completed_at is not null and result_url is not null
            else completed_at is not null
        end
    ),
    constraint jobs_completed_progress check (status <> 'completed' or progress_percentage = 100),
    constraint jobs_failure_has_error check (status not in ('failed', 'timeout') or error_message is not null)
);
comment on table public.jobs is
'One video render job (video-platform-database.md, table jobs): the requested output, who asked for it, its '
'status and progress, the dual response type and the S3 result.';
comment on column public.jobs.user_id is 'Owner: auth.uid() of a signed-in caller; null for an anonymous (public API) job.';
comment on column public.jobs.client_ip is
'Address of the public API caller (first x-forwarded-for entry of the request); an anonymous caller sees the '
'anonymous jobs of its own address.';
comment on column public.jobs.output_format is 'Container of the rendered file: mp4, webm, mov, mkv or gif.';
comment on column public.jobs.width is 'Canvas width in pixels, 16..8192 (even except for gif).';
comment on column public.jobs.height is 'Canvas height in pixels, 16..8192 (even except for gif).';
comment on column public.jobs.fps is 'Frames per second, > 0 and <= 120 (e.g. 25, 29.97).';
comment on column public.jobs.duration_seconds is
'Length of the job''s timeline in seconds (<= 14400), or null when the elements define it. Every element ends '
'inside it.';
comment on column public.jobs.progress_percentage is '0..100; never goes back; 100 when completed.';
comment on column public.jobs.current_step is 'The processing step that started last.';
comment on column public.jobs.response_type is 'immediate or async (the dual response system).';
comment on column public.jobs.result_url is 'URL of the rendered file (https:// or s3://); required once completed.';
comment on column public.jobs.file_size_bytes is 'Size of the rendered file in bytes.';
comment on column public.jobs.started_at is 'When the job moved to processing.';
comment on column public.jobs.completed_at is 'When the job reached a terminal status (completed, failed, cancelled or timeout).';
comment on column public.jobs.expires_at is 'When the result (S3 object, signed URL) expires; null: no expiry.';

create table public.elements (
    id uuid primary key default gen_random_uuid(),
    job_id uuid not null references public.jobs (id) on delete cascade,
    type public.element_type not null,
    source_url text check (source_url ~ '^(https?|s3)://\S+$' and length(source_url) <= 2048),
    text_content text check (length(text_content) between 1 and 10000),

    position_x integer check (position_x >= 0),
    position_y integer check (position_y >= 0),
    width integer check (width > 0),
    height integer check (height > 0),
    fit_mode public.fit_mode not null default 'auto',

    start_time numeric(10, 3) not null default 0 check (start_time >= 0 and start_time < 14400),
    duration numeric(10, 3) check (duration > 0 and duration <= 14400),
    layer_order integer not null default 0 check (layer_order between 0 and 1000),

    processing_status text not null default 'pending'
    check (processing_status in ('pending', 'processing', 'completed', 'failed')),
    local_path text,
    error_message text,
    metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),

    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    processed_at timestamptz,

    constraint elements_has_source check (
        case when type = 'text' then text_content is not null else source_url is not null end
    ),
    constraint elements_geometry check (
        case
            when type = 'audio' then position_x is null and position_y is null and width is null and height is null
            else position_x is not null and position_y is not null and width is not null and height is not null
        end
    ),
    constraint elements_failure_has_error check (processing_status <> 'failed' or error_message is not null)
);
comment on table public.elements is
'One element of a job''s video composition (video-platform-database.md, table elements): its media, its box on '
'the canvas, its place on the timeline, its layer and its processing status.';
comment on column public.elements.source_url is 'Media URL (https:// or s3://); required except for text elements.';
comment on column public.elements.text_content is 'The text of a text element.';
comment on column public.elements.position_x is
'Left edge in pixels from the canvas'' left (>= 0); null only for audio. The box stays inside the job''s canvas.';
comment on column public.elements.position_y is 'Top edge in pixels from the canvas'' top (>= 0); null only for audio.';
comment on column public.elements.width is 'Box width in pixels (default: to the canvas'' right edge); null only for audio.';
comment on column public.elements.height is 'Box height in pixels (default: to the canvas'' bottom edge); null only for audio.';
comment on column public.elements.start_time is 'Start on the job''s timeline, in seconds (>= 0).';
comment on column public.elements.duration is
'Length on the timeline in seconds, or null: until the end of the job''s timeline (or the media''s own end).';
comment on column public.elements.layer_order is 'Stacking order 0..1000; a higher layer is drawn on top.';
comment on column public.elements.processing_status is
'pending -> processing -> completed | failed (set by the workers with update_element_status).';
comment on column public.elements.local_path is 'Where a worker cached the downloaded media.';

create table public.storage_operations (
    id uuid primary key default gen_random_uuid(),
    job_id uuid not null references public.jobs (id) on delete cascade,
    operation public.storage_operation not null,
    bucket text not null check (length(bucket) between 3 and 63),
    object_key text not null check (length(object_key) between 1 and 1024),
    bytes bigint check (bytes >= 0),
    duration_ms integer check (duration_ms >= 0),
    success boolean not null,
    error_message text,
    metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
    created_at timestamptz not null default now(),
    constraint storage_operations_failure_has_error check (success or error_message is not null)
);
comment on table public.storage_operations is
'One S3 operation of a job (video-platform-database.md, table storage_operations): upload, download, delete or '
'access, its size, duration and outcome.';
comment on column public.storage_operations.object_key is 'S3 object key inside bucket.';
comment on column public.storage_operations.bytes is 'Bytes transferred (or deleted).';
comment on column public.storage_operations.duration_ms is 'Duration of the operation in milliseconds.';

create table public.processing_timeline (
    id uuid primary key default gen_random_uuid(),
    job_id uuid not null references public.jobs (id) on delete cascade,
    step public.processing_step not null,
    started_at timestamptz not null default clock_timestamp(),
    finished_at timestamptz,
    duration_ms bigint generated always as ((extract(epoch from (finished_at - started_at)) * 1000)::bigint) stored,
    success boolean,
    error_message text,
    resource_usage jsonb not null default '{}' check (jsonb_typeof(resource_usage) = 'object'),
    details jsonb not null default '{}' check (jsonb_typeof(details) = 'object'),
    constraint processing_timeline_finished_after_started check (finished_at >= started_at),
    constraint processing_timeline_outcome check ((finished_at is null) = (success is null)),
    constraint processing_timeline_failure_has_error check (success is not false or error_message is not null)
);
comment on table public.processing_timeline is
'One run of a processing step of a job (video-platform-database.md, table processing_timeline): when it started '
'and finished, its outcome and its resource usage.';
comment on column public.processing_timeline.finished_at is 'Null while the step runs.';
comment on column public.processing_timeline.duration_ms is 'finished_at - started_at in milliseconds (generated).';
comment on column public.processing_timeline.success is 'Null while running; true or false once finished.';
comment on column public.processing_timeline.resource_usage is
'Resource usage of the step as a JSON object, e.g. {"cpu_percent": 85.5, "memory_mb": 512, "disk_mb": 120}.';

create table public.url_access_logs (
    id uuid primary key default gen_random_uuid(),
    job_id uuid not null references public.jobs (id) on delete cascade,
    url text not null check (url ~ '^(https?|s3)://\S+$'),
    ip_address inet,
    user_agent text,
    referrer text,
    country_code text check (country_code ~ '^[A-Z]{2}$'),
    geolocation jsonb not null default '{}' check (jsonb_typeof(geolocation) = 'object'),
    bytes_transferred bigint check (bytes_transferred >= 0),
    response_time_ms integer check (response_time_ms >= 0),
    status_code integer check (status_code between 100 and 599),
    accessed_at timestamptz not null default now()
);
comment on table public.url_access_logs is
'One access to a job''s result URL (video-platform-database.md, table url_access_logs): who (address, user '
'agent, referrer, country), how much and how fast.';
comment on column public.url_access_logs.country_code is 'ISO 3166-1 alpha-2 country of ip_address, e.g. DE.';
comment on column public.url_access_logs.geolocation is 'Geolocation as a JSON object, e.g. {"city": "Berlin", "lat": 52.5, "lon": 13.4}.';
comment on column public.url_access_logs.bytes_transferred is 'Bytes sent.';
comment on column public.url_access_logs.response_time_ms is 'Response time in milliseconds.';

create table public.system_metrics (
    id uuid primary key default gen_random_uuid(),
    metric_name text not null check (metric_name ~ '^[a-z][a-z0-9_.]{0,99}$'),
    metric_value numeric not null check (metric_value > '-Infinity' and metric_value < 'Infinity'),
    unit text check (length(unit) between 1 and 20),
    tags jsonb not null default '{}' check (jsonb_typeof(tags) = 'object'),
    warning_threshold numeric check (warning_threshold > '-Infinity' and warning_threshold < 'Infinity'),
    critical_threshold numeric check (critical_threshold > '-Infinity' and critical_threshold < 'Infinity'),
    recorded_at timestamptz not null default now()
);
comment on table public.system_metrics is
'Performance samples (video-platform-database.md, table system_metrics) with optional alert thresholds.';
comment on column public.system_metrics.metric_name is 'Lowercase dotted name, e.g. queue.depth or render.duration_ms.';
comment on column public.system_metrics.unit is 'Unit of metric_value, e.g. ms, bytes, percent, count.';
comment on column public.system_metrics.warning_threshold is
'Alert threshold. When warning_threshold <= critical_threshold, higher values are worse (warning at >= warning); '
'otherwise lower values are worse (warning at <= warning).';
comment on column public.system_metrics.critical_threshold is 'Critical alert threshold (see warning_threshold).';

create table dreamcut_private.rate_limit_counters (
    identifier text not null,
    window_seconds integer not null check (window_seconds > 0),
    window_start timestamptz not null,
    request_count integer not null default 0 check (request_count >= 0),
    updated_at timestamptz not null default now(),
    primary key (identifier, window_seconds, window_start)
);
comment on table dreamcut_private.rate_limit_counters is
'Fixed-window request counters of check_rate_limit: one row per identifier (e.g. a client address), window '
'length and window start, incremented with INSERT ... ON CONFLICT DO UPDATE so concurrent callers lose no count.';

create table dreamcut_private.security_events (
    id uuid primary key default gen_random_uuid(),
    event_type text not null check (event_type ~ '^[a-z][a-z0-9_.:-]{0,99}$'),
    details jsonb not null default '{}' check (jsonb_typeof(details) = 'object'),
    api_role text not null,
    user_id uuid,
    client_ip inet,
    created_at timestamptz not null default now()
);
comment on table dreamcut_private.security_events is
'Audit log of log_security_event (video-platform-database.md, "Audit logging"): the event, who caused it (role, '
'user, client address) and when.';

create index idx_jobs_user_id on public.jobs (user_id, created_at desc);
create index idx_jobs_anonymous_client_ip on public.jobs (client_ip, created_at desc) where user_id is null;
create index idx_jobs_status on public.jobs (status, created_at);
create index idx_jobs_created_at on public.jobs (created_at);
-- (completed_at, id) and (recorded_at, id): the retention batches' keyset (cleanup_old_jobs, cleanup_old_metrics):
-- each batch starts exactly where the previous one ended, even among equal timestamps.
create index idx_jobs_completed_at on public.jobs (completed_at, id) where completed_at is not null;
create index idx_elements_job_id on public.elements (job_id, layer_order);
create index idx_storage_operations_job_id on public.storage_operations (job_id, created_at);
create index idx_storage_operations_created_at on public.storage_operations (created_at);
create index idx_processing_timeline_job_id on public.processing_timeline (job_id, started_at);
create unique index idx_processing_timeline_running_step on public.processing_timeline (job_id, step)
where finished_at is null;
create index idx_url_access_logs_job_id on public.url_access_logs (job_id, accessed_at);
create index idx_url_access_logs_accessed_at on public.url_access_logs (accessed_at);
create index idx_system_metrics_name on public.system_metrics (metric_name, recorded_at desc);
create index idx_system_metrics_recorded_at on public.system_metrics (recorded_at, id);
create index idx_rate_limit_counters_window_start on dreamcut_private.rate_limit_counters (window_start);
create index idx_security_events_created_at on dreamcut_private.security_events (created_at);
create index idx_security_events_type on dreamcut_private.security_events (event_type, created_at);

alter table public.jobs enable row level security;
alter table public.elements enable row level security;
alter table public.storage_operations enable row level security;
alter table public.processing_timeline enable row level security;
alter table public.url_access_logs enable row level security;
alter table public.system_metrics enable row level security;
alter table dreamcut_private.rate_limit_counters enable row level security;
alter table dreamcut_private.security_events enable row level security;

revoke all on table public.jobs, public.elements, public.storage_operations, public.processing_timeline,
public.url_access_logs, public.system_metrics
from public, anon, authenticated, service_role;
revoke all on table dreamcut_private.rate_limit_counters, dreamcut_private.security_events
from public, anon, authenticated, service_role;
grant select on table dreamcut_private.rate_limit_counters, dreamcut_private.security_events to service_role;
