-- create_render_job_logs (video-platform-database.md, tables storage_operations, processing_timeline and
-- url_access_logs): what happens to a job while it renders and after: its S3 operations, its processing steps
-- and the accesses to its result URL, each with its indexes, RLS, grants and a policy that lets a caller see
-- the rows of the jobs it can see (written by service_role only); pg_notify on timeline changes, and the
-- timeline in publication supabase_realtime.
-- Every table here is keyed by its job (primary key (job_id, id)): job_id is the distribution key of the
-- render tables (docs/render.md, "Distribution").
-- depends: 0003_create_render_elements

create type public.storage_operation as enum ('upload', 'download', 'delete', 'access');
comment on type public.storage_operation is 'Kind of an S3 operation logged in storage_operations (video-platform-database.md).';

create table public.storage_operations (
    id uuid not null default gen_random_uuid(),
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
    constraint storage_operations_failure_has_error check (success or error_message is not null),
    primary key (job_id, id)
);
comment on table public.storage_operations is
'One S3 operation of a job (video-platform-database.md, table storage_operations): upload, download, delete or '
'access, its size, duration and outcome.';
comment on column public.storage_operations.object_key is 'S3 object key inside bucket.';
comment on column public.storage_operations.bytes is 'Bytes transferred (or deleted).';
comment on column public.storage_operations.duration_ms is 'Duration of the operation in milliseconds.';

create table public.processing_timeline (
    id uuid not null default gen_random_uuid(),
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
    constraint processing_timeline_failure_has_error check (success is not false or error_message is not null),
    primary key (job_id, id)
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
    id uuid not null default gen_random_uuid(),
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
    accessed_at timestamptz not null default now(),
    primary key (job_id, id)
);
comment on table public.url_access_logs is
'One access to a job''s result URL (video-platform-database.md, table url_access_logs): who (address, user '
'agent, referrer, country), how much and how fast.';
comment on column public.url_access_logs.country_code is 'ISO 3166-1 alpha-2 country of ip_address, e.g. DE.';
comment on column public.url_access_logs.geolocation is 'Geolocation as a JSON object, e.g. {"city": "Berlin", "lat": 52.5, "lon": 13.4}.';
comment on column public.url_access_logs.bytes_transferred is 'Bytes sent.';
comment on column public.url_access_logs.response_time_ms is 'Response time in milliseconds.';

create index idx_storage_operations_job_id on public.storage_operations (job_id, created_at);
create index idx_storage_operations_created_at on public.storage_operations (created_at);
create index idx_processing_timeline_job_id on public.processing_timeline (job_id, started_at);
-- complete_processing_step finds an entry by its id alone when the caller does not pass the job.
create index idx_processing_timeline_id on public.processing_timeline (id);
create unique index idx_processing_timeline_running_step on public.processing_timeline (job_id, step)
where finished_at is null;
create index idx_url_access_logs_job_id on public.url_access_logs (job_id, accessed_at);
-- (accessed_at, id): the keyset of the access logs' retention (enforce_data_retention).
create index idx_url_access_logs_accessed_at on public.url_access_logs (accessed_at, id);

alter table public.storage_operations enable row level security;
alter table public.processing_timeline enable row level security;
alter table public.url_access_logs enable row level security;
revoke all on table public.storage_operations, public.processing_timeline, public.url_access_logs
from public, anon, authenticated, service_role;
grant select on table public.storage_operations, public.processing_timeline, public.url_access_logs
to anon, authenticated;
grant select, insert, update, delete on table public.storage_operations, public.processing_timeline,
public.url_access_logs
to service_role;

create policy storage_operations_select_own_job on public.storage_operations
for select to anon, authenticated
using (exists (
    select from public.jobs as j
    where j.id = storage_operations.job_id
));
comment on policy storage_operations_select_own_job on public.storage_operations is
'Storage operations follow their job: visible with the job.';

create policy processing_timeline_select_own_job on public.processing_timeline
for select to anon, authenticated
using (exists (
    select from public.jobs as j
    where j.id = processing_timeline.job_id
));
comment on policy processing_timeline_select_own_job on public.processing_timeline is
'Timeline entries follow their job: visible with the job.';

create policy url_access_logs_select_own_job on public.url_access_logs
for select to anon, authenticated
using (exists (
    select from public.jobs as j
    where j.id = url_access_logs.job_id
));
comment on policy url_access_logs_select_own_job on public.url_access_logs is
'URL access logs follow their job: visible with the job.';

create function dreamcut_private.notify_timeline_change() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    perform pg_notify(
        'processing_timeline:' || new.job_id,
        json_build_object(
            'id', new.id, 'job_id', new.job_id, 'step', new.step, 'success', new.success,
            'finished', new.finished_at is not null
        )::text
    );
    return null;
end
$$;
comment on function dreamcut_private.notify_timeline_change() is
'AFTER INSERT OR UPDATE trigger function on processing_timeline: pg_notify on channel processing_timeline:<job '
'id> with {"id", "job_id", "step", "success", "finished"} (video-platform-database.md, "Processing Timeline" '
'subscription). The trigger fires unless the setting dreamcut.notify is ''off'' (Supabase, where Realtime reads the '
'publication; Citus, where a worker cannot notify inside a two-phase commit). Raises nothing.';
revoke all on function dreamcut_private.notify_timeline_change() from public, anon, authenticated, service_role;

create trigger trigger_notify_timeline_change
after insert or update on public.processing_timeline
for each row
when (current_setting('dreamcut.notify', true) is distinct from 'off')
execute function dreamcut_private.notify_timeline_change();

alter publication supabase_realtime add table public.processing_timeline;
