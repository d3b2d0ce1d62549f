-- create_rendering_queue_worker_functions (video-pipeline-content-multimedia.md, mm_rendering_queue): the
-- workers (service_role) claim the next job with FOR UPDATE SKIP LOCKED under a lease, send heartbeats,
-- complete, or fail with retry up to max_attempts. A running job whose lease expired (its worker died) is
-- queued again, or failed once out of attempts.
-- depends: 0006_create_rendering_queue

create function public.claim_rendering_job(
    p_worker_id text,
    p_lease_seconds integer default 300,
    p_job_types text[] default null,
    p_company_id uuid default null
) returns setof public.mm_rendering_queue
language plpgsql volatile
set search_path = ''
as $$
declare
    v_now timestamptz := clock_timestamp();
begin
    if p_worker_id is null or btrim(p_worker_id) = '' then
        raise exception 'p_worker_id is required, got %', coalesce(quote_literal(p_worker_id), 'null')
        using errcode = '22023';
    end if;
    if p_lease_seconds is null or p_lease_seconds not between 1 and 86400 then
        raise exception 'p_lease_seconds must be between 1 and 86400 seconds, got %', coalesce(p_lease_seconds::text, 'null')
        using errcode = '22023';
    end if;

    -- Jobs whose worker stopped sending heartbeats: back to the queue, or failed once out of attempts.
    update public.mm_rendering_queue as q
    set status = case when q.attempts >= q.max_attempts then 'failed' else 'queued' end,
        completed_at = case when q.attempts >= q.max_attempts then v_now end,
        last_error = format('lease of worker %s expired at %s (attempt %s of %s)', q.locked_by, q.locked_until,
            q.attempts, q.max_attempts),
        locked_by = null,
        locked_until = null
    from (
        select e.company_id, e.job_id from public.mm_rendering_queue as e
        where e.status = 'running' and e.locked_until < v_now and (p_company_id is null or e.company_id = p_company_id)
        order by e.locked_until
        for update skip locked
    ) as expired
    where q.company_id = expired.company_id and q.job_id = expired.job_id;

    return query
    with next_job as (
        select n.company_id, n.job_id from public.mm_rendering_queue as n
        where n.status = 'queued' and n.run_after <= v_now and (p_job_types is null or n.job_type = any(p_job_types))
            and (p_company_id is null or n.company_id = p_company_id)
        order by n.priority desc, n.run_after, n.created_at, n.job_id
        limit 1
        for update skip locked
    ),
    claimed as (
        update public.mm_rendering_queue as q
        set status = 'running',
            attempts = q.attempts + 1,
            locked_by = p_worker_id,
            locked_until = v_now + make_interval(secs => p_lease_seconds),
            heartbeat_at = v_now,
            started_at = coalesce(q.started_at, v_now)
        from next_job
        where q.company_id = next_job.company_id and q.job_id = next_job.job_id
        returning q.*
    )
    select * from claimed;
end
$$;
comment on function public.claim_rendering_job(text, integer, text[], uuid) is
'A worker takes the next rendering job (video-pipeline-content-multimedia.md, mm_rendering_queue). p_worker_id: '
'non-empty worker name; p_lease_seconds: 1..86400, how long the job is the worker''s without a heartbeat; '
'p_job_types: only these job types, or null for any; p_company_id: only jobs of this company (one shard on Citus), '
'or null for any. First returns expired leases to the queue (or fails them when out of attempts), then claims the '
'queued job with the highest priority, earliest run_after, oldest (then lowest job_id), whose run_after has come, '
'with FOR UPDATE SKIP LOCKED: concurrent workers never get the same job. Returns the claimed mm_rendering_queue '
'row (status running, attempts + 1, locked_by, locked_until), or no row when nothing is due. Errors: 22023 bad '
'parameter. Executable by service_role only.';
revoke all on function public.claim_rendering_job(text, integer, text[], uuid) from public, anon, authenticated, service_role;
grant execute on function public.claim_rendering_job(text, integer, text[], uuid) to service_role;

create function dreamcut_private.running_job_of_worker(p_job_id uuid, p_worker_id text, p_company_id uuid default null)
returns public.mm_rendering_queue
language plpgsql volatile
set search_path = ''
as $$
declare
    v_company_id uuid := p_company_id;
    v_job public.mm_rendering_queue;
begin
    if p_job_id is null then
        raise exception 'p_job_id is required' using errcode = '22023';
    end if;
    if p_worker_id is null or btrim(p_worker_id) = '' then
        raise exception 'p_worker_id is required, got %', coalesce(quote_literal(p_worker_id), 'null')
        using errcode = '22023';
    end if;
    -- The company first, so that the lock names the whole key (one shard on Citus, where a lock over all shards
    -- is refused).
    if v_company_id is null then
        select q.company_id into v_company_id from public.mm_rendering_queue as q where q.job_id = p_job_id;
    end if;
    select * into v_job from public.mm_rendering_queue
    where company_id = v_company_id and job_id = p_job_id
    for update;
    if not found then
        raise exception 'rendering job % not found (p_job_id)', p_job_id using errcode = 'P0002';
    end if;
    if v_job.status <> 'running' or v_job.locked_by <> p_worker_id then
        raise exception 'rendering job % is not running for worker % (status %, worker %): its lease expired and it '
            'was taken over, or it is finished', p_job_id, quote_literal(p_worker_id), v_job.status,
            coalesce(quote_literal(v_job.locked_by), 'none')
        using errcode = '55000';
    end if;
    return v_job;
end
$$;
comment on function dreamcut_private.running_job_of_worker(uuid, text, uuid) is
'Locks and returns a rendering job that p_worker_id is running (shared check of the heartbeat, complete and fail '
'functions). p_company_id: optional, the job''s company. A job whose lease expired is still the worker''s until '
'another worker claims it. Errors: 22023 bad parameter, P0002 unknown job, 55000 job not running or running for '
'another worker.';
revoke all on function dreamcut_private.running_job_of_worker(uuid, text, uuid) from public;
grant execute on function dreamcut_private.running_job_of_worker(uuid, text, uuid) to service_role;

create function public.heartbeat_rendering_job(
    p_job_id uuid, p_worker_id text, p_lease_seconds integer default 300, p_company_id uuid default null
)
returns timestamptz
language plpgsql volatile
set search_path = ''
as $$
declare
    v_job public.mm_rendering_queue;
    v_now timestamptz := clock_timestamp();
    v_locked_until timestamptz;
begin
    if p_lease_seconds is null or p_lease_seconds not between 1 and 86400 then
        raise exception 'p_lease_seconds must be between 1 and 86400 seconds, got %', coalesce(p_lease_seconds::text, 'null')
        using errcode = '22023';
    end if;
    v_job := dreamcut_private.running_job_of_worker(p_job_id, p_worker_id, p_company_id);
    update public.mm_rendering_queue
    set locked_until = v_now + make_interval(secs => p_lease_seconds), heartbeat_at = v_now
    where company_id = v_job.company_id and job_id = p_job_id
    returning locked_until into v_locked_until;
    return v_locked_until;
end
$$;
comment on function public.heartbeat_rendering_job(uuid, text, integer, uuid) is
'A worker extends the lease of the job it runs (mm_rendering_queue). p_job_id: the job; p_worker_id: the worker '
'that claimed it; p_lease_seconds: 1..86400, the new lease from now; p_company_id: optional, the job''s company '
'(the distribution key; without it the job is found by its id alone). Returns the new locked_until (timestamptz). '
'Errors: 22023 bad parameter, P0002 unknown job, 55000 the job is not running for this worker (finished, or taken '
'over after the lease expired: the worker must stop). Executable by service_role only.';
revoke all on function public.heartbeat_rendering_job(uuid, text, integer, uuid) from public, anon, authenticated, service_role;
grant execute on function public.heartbeat_rendering_job(uuid, text, integer, uuid) to service_role;

create function public.complete_rendering_job(
    p_job_id uuid, p_worker_id text, p_result jsonb default null, p_company_id uuid default null
)
returns public.mm_rendering_queue
language plpgsql volatile
set search_path = ''
as $$
declare
    v_job public.mm_rendering_queue;
    v_now timestamptz := clock_timestamp();
begin
    if p_result is not null and jsonb_typeof(p_result) not in ('object', 'array') then
        raise exception 'p_result must be a JSON object or array, got %', jsonb_typeof(p_result) using errcode = '22023';
    end if;
    v_job := dreamcut_private.running_job_of_worker(p_job_id, p_worker_id, p_company_id);
    update public.mm_rendering_queue
    set status = 'completed', result = p_result, completed_at = v_now, locked_by = null, locked_until = null,
        last_error = null
    where company_id = v_job.company_id and job_id = p_job_id
    returning * into v_job;
    return v_job;
end
$$;
comment on function public.complete_rendering_job(uuid, text, jsonb, uuid) is
'A worker reports its job done (mm_rendering_queue). p_job_id: the job; p_worker_id: the worker running it; '
'p_result: JSON object or array (e.g. the rendered asset ids), or null; p_company_id: optional, the job''s company '
'(the distribution key; without it the job is found by its id alone). Returns the updated mm_rendering_queue row '
'(status completed, completed_at, lease released). Errors: 22023 bad parameter, P0002 unknown job, 55000 the job '
'is not running for this worker. Executable by service_role only.';
revoke all on function public.complete_rendering_job(uuid, text, jsonb, uuid) from public, anon, authenticated, service_role;
grant execute on function public.complete_rendering_job(uuid, text, jsonb, uuid) to service_role;

create function public.fail_rendering_job(
    p_job_id uuid,
    p_worker_id text,
    p_error text,
    p_retry boolean default true,
    p_retry_delay_seconds integer default null,
    p_company_id uuid default null
) returns public.mm_rendering_queue
language plpgsql volatile
set search_path = ''
as $$
declare
    v_job public.mm_rendering_queue;
    v_now timestamptz := clock_timestamp();
    v_retry boolean;
    v_run_after timestamptz;
    v_completed_at timestamptz;
begin
    if p_error is null or btrim(p_error) = '' then
        raise exception 'p_error is required, got %', coalesce(quote_literal(p_error), 'null') using errcode = '22023';
    end if;
    if p_retry_delay_seconds is not null and p_retry_delay_seconds not between 0 and 86400 then
        raise exception 'p_retry_delay_seconds must be between 0 and 86400 seconds, got %', p_retry_delay_seconds
        using errcode = '22023';
    end if;
    v_job := dreamcut_private.running_job_of_worker(p_job_id, p_worker_id, p_company_id);
    v_retry := coalesce(p_retry, true) and v_job.attempts < v_job.max_attempts;
    if v_retry then
        v_run_after := v_now + make_interval(
            secs => coalesce(p_retry_delay_seconds, least(3600, 30 * power(2, v_job.attempts - 1)))
        );
    else
        v_run_after := v_job.run_after;
        v_completed_at := v_now;
    end if;
    update public.mm_rendering_queue
    set status = case when v_retry then 'queued' else 'failed' end,
        run_after = v_run_after,
        completed_at = v_completed_at,
        last_error = p_error,
        locked_by = null,
        locked_until = null
    where company_id = v_job.company_id and job_id = p_job_id
    returning * into v_job;
    return v_job;
end
$$;
comment on function public.fail_rendering_job(uuid, text, text, boolean, integer, uuid) is
'A worker reports its job failed (mm_rendering_queue). p_job_id: the job; p_worker_id: the worker running it; '
'p_error: non-empty text (kept in last_error); p_retry: false to fail for good; p_retry_delay_seconds: 0..86400 '
'before the retry (default backoff 30 s x 2^(attempts-1), at most 1 hour); p_company_id: optional, the job''s '
'company (the distribution key; without it the job is found by its id alone). With retry and attempts left the job '
'goes back to queued with run_after in the future; otherwise it fails (completed_at set). Returns the updated '
'mm_rendering_queue row. Errors: 22023 bad parameter, P0002 unknown job, 55000 the job is not running for this '
'worker. Executable by service_role only.';
revoke all on function public.fail_rendering_job(uuid, text, text, boolean, integer, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.fail_rendering_job(uuid, text, text, boolean, integer, uuid) to service_role;
