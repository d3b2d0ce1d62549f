-- create_rendering_queue (video-pipeline-content-multimedia.md, "Future Enhancements: Planned Tables:
-- mm_rendering_queue - for async video processing"): a work queue of rendering jobs of multimedia sessions.
-- Users of a company read their company's jobs and enqueue jobs for their sessions; a job that becomes queued
-- notifies listening workers. The workers' functions follow in create_rendering_queue_worker_functions.
-- depends: 0005_create_slide_presentations

create table public.mm_rendering_queue (
    job_id uuid not null default gen_random_uuid(),
    session_id uuid not null,
    company_id uuid not null,
    job_type text not null check (job_type ~ '^[a-z][a-z0-9_]{0,62}$'),
    payload jsonb not null default '{}' check (jsonb_typeof(payload) = 'object'),
    priority integer not null default 0 check (priority between -100 and 100),
    status text not null default 'queued' check (status in ('queued', 'running', 'completed', 'failed')),
    attempts integer not null default 0 check (attempts >= 0),
    max_attempts integer not null default 3 check (max_attempts between 1 and 100),
    run_after timestamptz not null default clock_timestamp(),
    locked_by text,
    locked_until timestamptz,
    heartbeat_at timestamptz,
    last_error text,
    result jsonb,
    created_at timestamptz not null default clock_timestamp(),
    updated_at timestamptz not null default now(),
    started_at timestamptz,
    completed_at timestamptz,
    check (attempts <= max_attempts),
    check (status <> 'queued' or attempts < max_attempts),
    check ((status = 'running') = (locked_by is not null and locked_until is not null)),
    check ((status in ('completed', 'failed')) = (completed_at is not null)),
    primary key (company_id, job_id),
    foreign key (company_id, session_id) references public.mm_multimedia_sessions (company_id, session_id)
    on delete cascade
);
comment on table public.mm_rendering_queue is
'Asynchronous rendering jobs of multimedia sessions (video-pipeline-content-multimedia.md, planned table '
'mm_rendering_queue): queued -> running (claimed by one worker under a lease) -> completed | failed, or back to '
'queued for a retry. Users of a company read their company''s jobs and enqueue jobs of their company''s sessions '
'at priority 0 (enqueue_rendering_job, or an insert of session_id, company_id, job_type, payload, max_attempts, '
'run_after); everything else is written by service_role (the workers).';
comment on column public.mm_rendering_queue.company_id is 'The session''s company (the foreign key keeps them equal).';
comment on column public.mm_rendering_queue.job_type is 'What to render, a lowercase name (e.g. module_video, section_video).';
comment on column public.mm_rendering_queue.payload is 'Job parameters for the worker (JSON object).';
comment on column public.mm_rendering_queue.priority is 'Higher first (-100..100); users enqueue at 0.';
comment on column public.mm_rendering_queue.attempts is 'Times the job was claimed (each claim is an attempt).';
comment on column public.mm_rendering_queue.max_attempts is 'Attempts allowed before the job fails for good.';
comment on column public.mm_rendering_queue.run_after is 'Not claimed before this time (retry backoff, scheduling).';
comment on column public.mm_rendering_queue.locked_by is 'The worker holding a running job.';
comment on column public.mm_rendering_queue.locked_until is
'End of the running job''s lease; after it, another worker may take the job over.';
comment on column public.mm_rendering_queue.result is 'What the worker reported on completion (JSON).';
comment on column public.mm_rendering_queue.created_at is
'clock_timestamp() of the insert: jobs of equal priority and run_after are claimed first in, first out (job_id '
'breaks a tie: the order holds on any node).';
create index idx_mm_rendering_queue_next on public.mm_rendering_queue (priority desc, run_after, created_at, job_id)
where status = 'queued';
create index idx_mm_rendering_queue_lease on public.mm_rendering_queue (locked_until) where status = 'running';
create index idx_mm_rendering_queue_session_id on public.mm_rendering_queue (company_id, session_id);
create index idx_mm_rendering_queue_company_id on public.mm_rendering_queue (company_id, created_at desc);
create index idx_mm_rendering_queue_job_id on public.mm_rendering_queue (job_id);
-- A claim leaves the job's old entry at the head of idx_mm_rendering_queue_next (a finished job, one at the head
-- of idx_mm_rendering_queue_lease): every later claim walks these dead entries until VACUUM removes them. By
-- default autovacuum waits until a fifth of the table is dead and may then skip the indexes, so that walk would
-- grow with the queue's history; here it comes after a fixed number of changes and always cleans the indexes.
alter table public.mm_rendering_queue set (
    autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000, vacuum_index_cleanup = on
);

alter table public.mm_rendering_queue enable row level security;
revoke all on table public.mm_rendering_queue from public, anon, authenticated, service_role;
grant select on table public.mm_rendering_queue to authenticated;
-- Users enqueue: the columns of a new job, not its state (status, attempts, lease, result: their defaults).
grant insert (session_id, company_id, job_type, payload, priority, max_attempts, run_after)
on table public.mm_rendering_queue to authenticated;
grant select, insert, update, delete on table public.mm_rendering_queue to service_role;
create policy mm_rendering_queue_select_company on public.mm_rendering_queue
for select to authenticated
using (company_id = (select dreamcut_private.jwt_company_id()));
-- A job of the user's company (the foreign key ties it to a session of that company) at priority 0.
create policy mm_rendering_queue_insert_company on public.mm_rendering_queue
for insert to authenticated
with check (company_id = (select dreamcut_private.jwt_company_id()) and priority = 0);

create trigger trigger_mm_rendering_queue_updated_at
before update on public.mm_rendering_queue
for each row execute function dreamcut_private.update_updated_at_column();

create function dreamcut_private.notify_rendering_job() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    perform pg_notify(
        'mm_rendering_queue',
        json_build_object('job_id', new.job_id, 'job_type', new.job_type, 'run_after', new.run_after)::text
    );
    return null;
end
$$;
comment on function dreamcut_private.notify_rendering_job() is
'AFTER INSERT and AFTER UPDATE OF status trigger function on mm_rendering_queue, run when a job becomes queued '
'(enqueued, or requeued for a retry: the triggers'' WHEN clauses): pg_notify on channel mm_rendering_queue with '
'{job_id, job_type, run_after}, so idle workers that LISTEN wake up instead of polling. Returns null.';
revoke all on function dreamcut_private.notify_rendering_job() from public;

create trigger trigger_mm_rendering_queue_notify_enqueued
after insert on public.mm_rendering_queue
for each row when (new.status = 'queued') execute function dreamcut_private.notify_rendering_job();

create trigger trigger_mm_rendering_queue_notify_requeued
after update of status on public.mm_rendering_queue
for each row when (new.status = 'queued' and old.status <> 'queued')
execute function dreamcut_private.notify_rendering_job();

create function public.enqueue_rendering_job(
    p_session_id uuid,
    p_job_type text,
    p_payload jsonb default '{}',
    p_priority integer default 0,
    p_max_attempts integer default 3,
    p_run_after timestamptz default null,
    p_company_id uuid default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    -- security invoker: current_user is the API role PostgREST set (or service_role, or a direct session)
    v_end_user boolean := current_user in ('anon', 'authenticated');
    v_company_id uuid;
    v_run_after timestamptz := coalesce(p_run_after, clock_timestamp());
    v_job_id uuid;
begin
    if p_session_id is null then
        raise exception 'p_session_id is required' using errcode = '22023';
    end if;
    if p_job_type is null or p_job_type !~ '^[a-z][a-z0-9_]{0,62}$' then
        raise exception 'p_job_type must be a lowercase name (a-z, 0-9, _), e.g. module_video, got %',
            coalesce(quote_literal(p_job_type), 'null')
        using errcode = '22023';
    end if;
    if p_payload is null or jsonb_typeof(p_payload) <> 'object' then
        raise exception 'p_payload must be a JSON object, got %', coalesce(jsonb_typeof(p_payload), 'null')
        using errcode = '22023';
    end if;
    if p_priority is null or p_priority not between -100 and 100 then
        raise exception 'p_priority must be between -100 and 100, got %', coalesce(p_priority::text, 'null')
        using errcode = '22023';
    end if;
    if p_max_attempts is null or p_max_attempts not between 1 and 100 then
        raise exception 'p_max_attempts must be between 1 and 100, got %', coalesce(p_max_attempts::text, 'null')
        using errcode = '22023';
    end if;
    if v_end_user and p_priority <> 0 then
        raise exception 'p_priority % is for the backend (service_role) only: users enqueue at priority 0', p_priority
        using errcode = '42501';
    end if;
    -- Security invoker: RLS shows a signed-in user its company's sessions only, and lets it insert jobs of
    -- its company at priority 0 (policy mm_rendering_queue_insert_company).
    select s.company_id into v_company_id
    from public.mm_multimedia_sessions as s
    where s.session_id = p_session_id and (p_company_id is null or s.company_id = p_company_id);
    if not found then
        raise exception 'multimedia session % not found (p_session_id)', p_session_id using errcode = 'P0002';
    end if;

    insert into public.mm_rendering_queue (session_id, company_id, job_type, payload, priority, max_attempts, run_after)
    values (
        p_session_id, v_company_id, p_job_type, p_payload, p_priority, p_max_attempts, v_run_after
    )
    returning job_id into v_job_id;
    return v_job_id;
end
$$;
comment on function public.enqueue_rendering_job(uuid, text, jsonb, integer, integer, timestamptz, uuid) is
'Queues a rendering job for a session (video-pipeline-content-multimedia.md, mm_rendering_queue, "async video '
'processing"). p_session_id: a session of the caller''s company; p_job_type: lowercase name (e.g. module_video); '
'p_payload: JSON object for the worker; p_priority: -100..100, higher first (signed-in users: 0 only); '
'p_max_attempts: 1..100; p_run_after: not before this time (default: the clock time of the call); p_company_id: '
'optional, the session''s company (the distribution key; without it the session is found by its id alone). Returns '
'the new job_id (uuid), status queued, and notifies channel mm_rendering_queue. Errors: 22023 bad parameter, 42501 '
'a signed-in user setting a priority, P0002 unknown session (or another company''s). Writes nothing on error. '
'Security invoker (RLS and the column grants on the queue apply); executable by authenticated and service_role.';
revoke all on function public.enqueue_rendering_job(uuid, text, jsonb, integer, integer, timestamptz, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.enqueue_rendering_job(uuid, text, jsonb, integer, integer, timestamptz, uuid)
to authenticated, service_role;
