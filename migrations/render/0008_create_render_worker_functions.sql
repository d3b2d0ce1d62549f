-- create_render_worker_functions (video-platform-database.md, job management, "progress tracking", "AWS S3
-- integration"): what the render workers do to a job: status changes, progress, completion with the result,
-- and timing out stale jobs. Each locks the job row first, so workers racing on one job serialize. Executable
-- by service_role only.
-- depends: 0007_create_render_element_functions

create function public.update_job_status(
    p_job_id uuid,
    p_status public.job_status,
    p_error_message text default null,
    p_error_code text default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_status public.job_status;
begin
    if p_job_id is null then
        raise exception 'p_job_id is required' using errcode = '22023';
    end if;
    if p_status is null or p_status in ('pending', 'completed') then
        raise exception 'p_status must be processing, failed, cancelled or timeout, got % (a job is completed with complete_job)',
            coalesce(p_status::text, 'null')
        using errcode = '22023';
    end if;
    if p_status in ('failed', 'timeout') and (p_error_message is null or btrim(p_error_message) = '') then
        raise exception 'p_error_message is required when p_status is %', p_status using errcode = '22023';
    end if;
    if length(p_error_code) > 50 then
        raise exception 'p_error_code must be at most 50 characters, got %', length(p_error_code) using errcode = '22023';
    end if;
    select status into v_status from public.jobs where id = p_job_id for update;
    if not found then
        raise exception 'job % not found (p_job_id)', p_job_id using errcode = 'P0002';
    end if;
    if v_status = p_status and p_status = 'processing' then
        return;
    end if;
    if v_status in ('completed', 'failed', 'cancelled', 'timeout') then
        raise exception 'job % is already %: a finished job keeps its status', p_job_id, v_status using errcode = '55000';
    end if;
    update public.jobs
    set status = p_status,
        error_message = coalesce(p_error_message, error_message),
        error_code = coalesce(p_error_code, error_code)
    where id = p_job_id;
end
$$;
comment on function public.update_job_status(uuid, public.job_status, text, text) is
'Worker status change of a job (video-platform-database.md, job management). p_job_id: the job; p_status: '
'processing (from pending; repeating it is a no-op), failed, cancelled or timeout (from pending or processing); '
'completed goes through complete_job; p_error_message: text, required for failed and timeout; p_error_code: '
'short code (<= 50 characters). The trigger sets started_at and completed_at. Returns nothing. Errors: 22023 bad '
'parameter, P0002 unknown job, 55000 job already finished. Writes nothing on error. Executable by service_role '
'only.';
revoke all on function public.update_job_status(uuid, public.job_status, text, text) from public, anon, authenticated, service_role;
grant execute on function public.update_job_status(uuid, public.job_status, text, text) to service_role;

create function public.update_job_progress(
    p_job_id uuid,
    p_progress integer,
    p_current_step public.processing_step default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_job public.jobs%rowtype;
begin
    if p_job_id is null then
        raise exception 'p_job_id is required' using errcode = '22023';
    end if;
    if p_progress is null or p_progress not between 0 and 100 then
        raise exception 'p_progress must be between 0 and 100 percent, got %', coalesce(p_progress::text, 'null')
        using errcode = '22023';
    end if;
    select * into v_job from public.jobs where id = p_job_id for update;
    if not found then
        raise exception 'job % not found (p_job_id)', p_job_id using errcode = 'P0002';
    end if;
    if v_job.status <> 'processing' then
        raise exception 'job % is %: progress can only change while it is processing', p_job_id, v_job.status
        using errcode = '55000';
    end if;
    if p_progress < v_job.progress_percentage then
        raise exception 'p_progress % is below the current progress % of job %: progress cannot go back',
            p_progress, v_job.progress_percentage, p_job_id
        using errcode = '55000';
    end if;
    update public.jobs
    set progress_percentage = p_progress, current_step = coalesce(p_current_step, current_step)
    where id = p_job_id;
end
$$;
comment on function public.update_job_progress(uuid, integer, public.processing_step) is
'Worker progress report of a processing job (video-platform-database.md, "progress tracking"). p_job_id: the job; '
'p_progress: percent 0..100, never below the current value; p_current_step: the step now running (optional). '
'Returns nothing. Errors: 22023 bad parameter, P0002 unknown job, 55000 job not processing or progress going '
'back. Writes nothing on error. Executable by service_role only.';
revoke all on function public.update_job_progress(uuid, integer, public.processing_step) from public, anon, authenticated, service_role;
grant execute on function public.update_job_progress(uuid, integer, public.processing_step) to service_role;

create function public.complete_job(
    p_job_id uuid,
    p_result_url text,
    p_file_size_bytes bigint default null,
    p_s3_bucket text default null,
    p_s3_key text default null,
    p_expires_at timestamptz default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_status public.job_status;
begin
    if p_job_id is null then
        raise exception 'p_job_id is required' using errcode = '22023';
    end if;
    if p_result_url is null or p_result_url !~ '^(https?|s3)://\S+$' then
        raise exception 'p_result_url must be an http(s):// or s3:// URL, got %', coalesce(quote_literal(p_result_url), 'null')
        using errcode = '22023';
    end if;
    if p_file_size_bytes < 0 then
        raise exception 'p_file_size_bytes must be >= 0, got %', p_file_size_bytes using errcode = '22023';
    end if;
    if length(p_s3_bucket) not between 3 and 63 then
        raise exception 'p_s3_bucket must be 3 to 63 characters, got %', quote_literal(p_s3_bucket) using errcode = '22023';
    end if;
    if p_s3_key is not null and (p_s3_bucket is null or length(p_s3_key) not between 1 and 1024) then
        raise exception 'p_s3_key needs p_s3_bucket and must be 1 to 1024 characters, got %', quote_literal(p_s3_key)
        using errcode = '22023';
    end if;
    if p_expires_at <= now() then
        raise exception 'p_expires_at must be in the future, got %', p_expires_at using errcode = '22023';
    end if;
    select status into v_status from public.jobs where id = p_job_id for update;
    if not found then
        raise exception 'job % not found (p_job_id)', p_job_id using errcode = 'P0002';
    end if;
    if v_status <> 'processing' then
        raise exception 'job % is %: only a processing job can be completed', p_job_id, v_status using errcode = '55000';
    end if;
    update public.jobs
    set status = 'completed',
        result_url = p_result_url,
        file_size_bytes = coalesce(p_file_size_bytes, file_size_bytes),
        s3_bucket = coalesce(p_s3_bucket, s3_bucket),
        s3_key = coalesce(p_s3_key, s3_key),
        expires_at = coalesce(p_expires_at, expires_at)
    where id = p_job_id;
end
$$;
comment on function public.complete_job(uuid, text, bigint, text, text, timestamptz) is
'Completes a processing job with its result (video-platform-database.md, "AWS S3 integration"). p_job_id: the '
'job; p_result_url: http(s):// or s3:// URL of the rendered file; p_file_size_bytes: bytes >= 0; p_s3_bucket, '
'p_s3_key: where the file is; p_expires_at: when the result expires (future). Sets status completed, progress '
'100 and completed_at. Returns nothing. Errors: 22023 bad parameter, P0002 unknown job, 55000 job not '
'processing. Writes nothing on error. Executable by service_role only.';
revoke all on function public.complete_job(uuid, text, bigint, text, text, timestamptz) from public, anon, authenticated, service_role;
grant execute on function public.complete_job(uuid, text, bigint, text, text, timestamptz) to service_role;

create function public.timeout_stale_jobs(
    p_stale_after interval default '30 minutes',
    p_pending_after interval default '1 day'
) returns integer
language plpgsql volatile
set search_path = ''
as $$
declare
    v_job record;
    v_message text;
    v_count integer := 0;
begin
    if p_stale_after is null or p_stale_after <= interval '0' then
        raise exception 'p_stale_after must be a positive interval, got %', coalesce(p_stale_after::text, 'null')
        using errcode = '22023';
    end if;
    if p_pending_after is null or p_pending_after <= interval '0' then
        raise exception 'p_pending_after must be a positive interval, got %', coalesce(p_pending_after::text, 'null')
        using errcode = '22023';
    end if;
    -- The stale jobs first, then each one locked by its key: a job a worker holds is skipped. (One statement
    -- with FOR UPDATE SKIP LOCKED over all jobs would lock rows on every shard, which Citus refuses.)
    for v_job in
        select j.id, j.status
        from public.jobs as j
        where (j.status = 'processing' and greatest(
                j.started_at,
                (select max(greatest(t.started_at, t.finished_at)) from public.processing_timeline as t where t.job_id = j.id)
            ) < now() - p_stale_after)
            or (j.status = 'pending' and j.created_at < now() - p_pending_after)
    loop
        perform from public.jobs as j where j.id = v_job.id and j.status = v_job.status for update skip locked;
        if found then
            -- A value, not an expression of the UPDATE: Citus takes no stable function inside CASE there.
            v_message := case
                when v_job.status = 'pending' then format('not started within %s', p_pending_after)
                else format('no processing activity for %s', p_stale_after)
            end;
            update public.jobs as j
            set status = 'timeout', error_code = 'TIMEOUT', error_message = v_message
            where j.id = v_job.id;
            v_count := v_count + 1;
        end if;
    end loop;
    return v_count;
end
$$;
comment on function public.timeout_stale_jobs(interval, interval) is
'Moves stale jobs to status timeout (video-platform-database.md, job_status timeout). p_stale_after: a processing '
'job whose last activity (started_at or the latest start or finish in processing_timeline) is older than this '
'(default 30 minutes); p_pending_after: a pending job created longer ago than this (default 1 day). Jobs locked '
'by a worker are skipped. Returns the number of jobs timed out. Errors: 22023 non-positive interval. Executable '
'by service_role only.';
revoke all on function public.timeout_stale_jobs(interval, interval) from public, anon, authenticated, service_role;
grant execute on function public.timeout_stale_jobs(interval, interval) to service_role;
