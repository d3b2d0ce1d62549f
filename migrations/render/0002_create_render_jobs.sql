-- create_render_jobs (video-platform-database.md, table jobs and the enums it uses): the render job with the
-- constraints that keep it true, its indexes (owner, anonymous caller's address, status, retention keyset), RLS
-- and the grants and policies of the rule table in docs/render.md (anon: the anonymous jobs of its own address;
-- a signed-in user: its own; admins: all; service_role: BYPASSRLS), the column defaults that record the API
-- caller, can_subscribe_to_job (the jobs SELECT rule as a function), the validation and updated_at triggers,
-- pg_notify for plain-PostgreSQL listeners and publication supabase_realtime for Supabase Realtime.
-- depends: 0001_create_render_security_helpers

create type public.job_status as enum ('pending', 'processing', 'completed', 'failed', 'cancelled', 'timeout');
comment on type public.job_status is
'Render job status (video-platform-database.md): pending -> processing -> completed | failed | cancelled | timeout; '
'a pending job may also end cancelled, failed or timeout. completed, failed, cancelled and timeout are terminal.';

create type public.processing_step as enum (
    'validation', 'download', 'processing', 'composition', 'encoding', 'upload', 'cleanup'
);
comment on type public.processing_step is
'Steps of the render pipeline, in pipeline order, recorded in processing_timeline (video-platform-database.md).';

create type public.response_type as enum ('immediate', 'async');
comment on type public.response_type is
'Dual response system (video-platform-database.md): immediate = the API waits for the result; async = the API '
'returns the job id at once and the client follows the job (realtime or polling).';

create table public.jobs (
    id uuid primary key default gen_random_uuid(),
    user_id uuid default auth.uid(),
    client_ip inet default dreamcut_private.client_ip(),
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

create index idx_jobs_user_id on public.jobs (user_id, created_at desc);
create index idx_jobs_anonymous_client_ip on public.jobs (client_ip, created_at desc) where user_id is null;
create index idx_jobs_status on public.jobs (status, created_at);
create index idx_jobs_created_at on public.jobs (created_at);
-- (completed_at, id): the keyset of the jobs' retention batches (cleanup_old_jobs): each batch starts exactly
-- where the previous one ended, even among equal timestamps.
create index idx_jobs_completed_at on public.jobs (completed_at, id) where completed_at is not null;

alter table public.jobs enable row level security;
revoke all on table public.jobs from public, anon, authenticated, service_role;
grant select on table public.jobs to anon, authenticated;
grant insert (
    user_id, client_ip, user_agent, output_format, width, height, fps, duration_seconds, response_type, metadata
) on table public.jobs to anon, authenticated;
-- Cancelling is the only update an end user may make (the policies demand the result be cancelled).
grant update (status, error_message, error_code) on table public.jobs to anon, authenticated;
grant delete on table public.jobs to authenticated;
grant select, insert, update, delete on table public.jobs to service_role;

create policy jobs_select_anon on public.jobs
for select to anon
using (user_id is null and client_ip = (select dreamcut_private.client_ip()));
comment on policy jobs_select_anon on public.jobs is
'Anonymous callers see the anonymous jobs created from their own address (client_ip() = x-forwarded-for).';

create policy jobs_select_authenticated on public.jobs
for select to authenticated
using (user_id = (select auth.uid()) or (select dreamcut_private.is_admin()));
comment on policy jobs_select_authenticated on public.jobs is
'Signed-in users see their own jobs; admins (JWT app_metadata.role = admin) see every job.';

create policy jobs_insert_anon on public.jobs
for insert to anon
with check (user_id is null and client_ip = (select dreamcut_private.client_ip()));
comment on policy jobs_insert_anon on public.jobs is
'Anonymous callers create anonymous jobs recorded with their own address (the public API).';

create policy jobs_insert_authenticated on public.jobs
for insert to authenticated
with check (user_id = (select auth.uid()) and client_ip is not distinct from (select dreamcut_private.client_ip()));
comment on policy jobs_insert_authenticated on public.jobs is
'Signed-in users create jobs owned by themselves, recorded with their own address.';

create policy jobs_cancel_anon on public.jobs
for update to anon
using (user_id is null and client_ip = (select dreamcut_private.client_ip()) and status in ('pending', 'processing'))
with check (user_id is null and client_ip = (select dreamcut_private.client_ip()) and status = 'cancelled');
comment on policy jobs_cancel_anon on public.jobs is
'Anonymous callers cancel their own pending or processing anonymous jobs (the only update they may make).';

create policy jobs_cancel_authenticated on public.jobs
for update to authenticated
using ((user_id = (select auth.uid()) or (select dreamcut_private.is_admin())) and status in ('pending', 'processing'))
with check ((user_id = (select auth.uid()) or (select dreamcut_private.is_admin())) and status = 'cancelled');
comment on policy jobs_cancel_authenticated on public.jobs is
'Signed-in users cancel their own pending or processing jobs, admins any (the only update they may make).';

create policy jobs_delete_admin on public.jobs
for delete to authenticated
using ((select dreamcut_private.is_admin()));
comment on policy jobs_delete_admin on public.jobs is 'Admins delete any job (its child rows go with it).';

create function dreamcut_private.can_subscribe_to_job(p_job_id uuid) returns boolean
language sql stable
security definer
set search_path = ''
as $$
    select exists (
        select from public.jobs as j
        where j.id = p_job_id
            and case dreamcut_private.user_role()
                when 'anon' then j.user_id is null and j.client_ip = dreamcut_private.client_ip()
                when 'authenticated' then j.user_id = auth.uid()
                else true
            end
    )
$$;
comment on function dreamcut_private.can_subscribe_to_job(uuid) is
'The document''s auth.can_subscribe_to_job(uuid) (video-platform-database.md, "Real-time Subscriptions"): true '
'when the caller may see job p_job_id and so follow its realtime updates, by the same rule as the jobs RLS '
'policies: anon the anonymous jobs of its own address, a signed-in user its own jobs, admins and service '
'accounts every job. Returns boolean (false for an unknown job); raises nothing. For Realtime Authorization '
'policies and triggers.';
revoke all on function dreamcut_private.can_subscribe_to_job(uuid) from public, anon, authenticated, service_role;
grant execute on function dreamcut_private.can_subscribe_to_job(uuid) to anon, authenticated, service_role;

create function dreamcut_private.validate_job_update() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if new.id <> old.id then
        raise exception 'job % cannot change its id', old.id using errcode = '55000';
    end if;
    if (new.output_format, new.width, new.height, new.fps) is distinct from (old.output_format, old.width, old.height, old.fps)
        or new.duration_seconds is distinct from old.duration_seconds then
        raise exception 'job % keeps the output format, dimensions, fps and duration it was created with (%x% % at % fps)',
            old.id, old.width, old.height, old.output_format, old.fps
        using errcode = '55000';
    end if;
    if new.status is distinct from old.status then
        if old.status in ('completed', 'failed', 'cancelled', 'timeout') then
            raise exception 'job % is already %: a finished job keeps its status (refused: %)', old.id, old.status, new.status
            using errcode = '55000';
        end if;
        if not (
            (old.status = 'pending' and new.status in ('processing', 'failed', 'cancelled', 'timeout'))
            or (old.status = 'processing' and new.status in ('completed', 'failed', 'cancelled', 'timeout'))
        ) then
            raise exception 'job % cannot go from % to %: status only moves forward', old.id, old.status, new.status
            using errcode = '55000';
        end if;
        if new.status = 'processing' then
            new.started_at := coalesce(new.started_at, clock_timestamp());
        else
            new.completed_at := coalesce(new.completed_at, clock_timestamp());
        end if;
        if new.status = 'completed' then
            new.progress_percentage := 100;
        end if;
    end if;
    if new.progress_percentage <> old.progress_percentage then
        if new.progress_percentage < old.progress_percentage then
            raise exception 'job % progress cannot go back from % to %', old.id, old.progress_percentage,
                new.progress_percentage
            using errcode = '55000';
        end if;
        if old.status <> 'processing' then
            raise exception 'job % is %: its progress can only change while it is processing', old.id, old.status
            using errcode = '55000';
        end if;
    end if;
    return new;
end
$$;
comment on function dreamcut_private.validate_job_update() is
'BEFORE UPDATE trigger function on jobs (video-platform-database.md, "Validation triggers"): status only moves '
'forward (pending -> processing | failed | cancelled | timeout, processing -> completed | failed | cancelled | '
'timeout) and a completed, failed, cancelled or timed-out job keeps its status; sets started_at on processing, '
'completed_at on a terminal status and progress 100 on completed; progress never goes back and only changes '
'while processing; output format, dimensions, fps and duration are fixed at creation. Raises 55000.';
revoke all on function dreamcut_private.validate_job_update() from public, anon, authenticated, service_role;

create trigger trigger_validate_job_update
before update on public.jobs
for each row execute function dreamcut_private.validate_job_update();

create trigger trigger_jobs_updated_at
before update on public.jobs
for each row execute function dreamcut_private.update_updated_at_column();

create function dreamcut_private.notify_job_change() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_payload text := json_build_object(
        'id', new.id,
        'status', new.status,
        'progress_percentage', new.progress_percentage,
        'current_step', new.current_step
    )::text;
begin
    perform pg_notify('jobs:' || new.id, v_payload);
    perform pg_notify('jobs', v_payload);
    return null;
end
$$;
comment on function dreamcut_private.notify_job_change() is
'AFTER INSERT / AFTER UPDATE (of status, progress or current step) trigger function on jobs: pg_notify on channel '
'jobs:<job id> (one job''s subscribers) and jobs (active job monitoring) with a small JSON payload {"id", '
'"status", "progress_percentage", "current_step"}, for plain-PostgreSQL listeners (video-platform-database.md, '
'"Real-time Subscriptions"). The triggers fire unless the setting dreamcut.notify is ''off'' (Supabase, where '
'Realtime reads the publication; Citus, where a worker cannot notify inside a two-phase commit). Raises nothing.';
revoke all on function dreamcut_private.notify_job_change() from public, anon, authenticated, service_role;

create trigger trigger_notify_job_insert
after insert on public.jobs
for each row
when (current_setting('dreamcut.notify', true) is distinct from 'off')
execute function dreamcut_private.notify_job_change();

create trigger trigger_notify_job_update
after update on public.jobs
for each row
when (
    (
        old.status is distinct from new.status
        or old.progress_percentage is distinct from new.progress_percentage
        or old.current_step is distinct from new.current_step
    )
    and current_setting('dreamcut.notify', true) is distinct from 'off'
)
execute function dreamcut_private.notify_job_change();

create function dreamcut_private.broadcast_job_change() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
    -- A Realtime older than realtime.send (self-hosted) has nothing to send with: the job's update goes on.
    if to_regprocedure('realtime.send(jsonb, text, text, boolean)') is not null then
        perform realtime.send(
            jsonb_build_object(
                'id', new.id,
                'status', new.status,
                'progress_percentage', new.progress_percentage,
                'current_step', new.current_step
            ),
            'job_status',
            'render_job:' || new.id,
            false
        );
    end if;
    return null;
end
$$;
comment on function dreamcut_private.broadcast_job_change() is
'AFTER UPDATE (of status, progress or current step) trigger function on jobs, for anonymous jobs: Realtime '
'Broadcast from the database (video-platform-database.md, "Job Status Updates", subscribeToJobStatus), for '
'anonymous followers, whom postgres_changes cannot serve (Realtime sets no request headers, so the anonymous '
'rule, the caller''s address, never matches there). realtime.send on the public topic render_job:<job id>, '
'event job_status, payload {"id", "status", "progress_percentage", "current_step"}: whoever knows the job id '
'(create_job returned it to its creator) can follow the job; nothing else is sent. Security definer: '
'realtime.send is the owner''s to call. Raises nothing (realtime.send turns failures into warnings).';
revoke all on function dreamcut_private.broadcast_job_change() from public, anon, authenticated, service_role;

create trigger trigger_broadcast_anonymous_job_update
after update on public.jobs
for each row
when (
    new.user_id is null
    and (
        old.status is distinct from new.status
        or old.progress_percentage is distinct from new.progress_percentage
        or old.current_step is distinct from new.current_step
    )
)
execute function dreamcut_private.broadcast_job_change();

alter publication supabase_realtime add table public.jobs;
