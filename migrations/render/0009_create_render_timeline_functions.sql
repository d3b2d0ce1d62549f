-- create_render_timeline_functions (video-platform-database.md, "Step-by-step processing", "SELECT
-- calculate_job_progress('job-uuid')"): the processing steps of a job in processing_timeline: the workers start
-- and finish steps (service_role), and a job's progress follows from the steps that succeeded
-- (calculate_job_progress, for anyone who can see the job).
-- depends: 0008_create_render_worker_functions

create function public.calculate_job_progress(p_job_id uuid) returns integer
language plpgsql stable
set search_path = ''
as $$
declare
    v_status public.job_status;
    v_progress integer;
begin
    if p_job_id is null then
        raise exception 'p_job_id is required' using errcode = '22023';
    end if;
    select status into v_status from public.jobs where id = p_job_id;
    if not found then
        raise exception 'job % not found (p_job_id)', p_job_id using errcode = 'P0002';
    end if;
    if v_status = 'completed' then
        return 100;
    end if;
    select coalesce(sum(case s.step
        when 'validation' then 5
        when 'download' then 15
        when 'processing' then 25
        when 'composition' then 20
        when 'encoding' then 25
        when 'upload' then 8
        when 'cleanup' then 2
    end), 0)::integer into v_progress
    from (select distinct t.step from public.processing_timeline as t where t.job_id = p_job_id and t.success) as s;
    return least(v_progress, 100);
end
$$;
comment on function public.calculate_job_progress(uuid) is
'Progress of a job from its timeline (video-platform-database.md, "SELECT calculate_job_progress(''job-uuid'')"). '
'p_job_id: a job the caller can see (RLS applies). Returns percent 0..100: 100 for a completed job, else the sum '
'of the weights of the steps that finished successfully (validation 5, download 15, processing 25, composition '
'20, encoding 25, upload 8, cleanup 2). Errors: 22023 null p_job_id, P0002 unknown job or not visible. '
'Executable by anon, authenticated, service_role.';
revoke all on function public.calculate_job_progress(uuid) from public, anon, authenticated, service_role;
grant execute on function public.calculate_job_progress(uuid) to anon, authenticated, service_role;

create function public.start_processing_step(
    p_job_id uuid,
    p_step public.processing_step,
    p_details jsonb default '{}'
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_status public.job_status;
    v_running uuid;
    v_timeline_id uuid;
begin
    if p_job_id is null then
        raise exception 'p_job_id is required' using errcode = '22023';
    end if;
    if p_step is null then
        raise exception 'p_step is required (validation, download, processing, composition, encoding, upload, cleanup)'
        using errcode = '22023';
    end if;
    if p_details is not null and jsonb_typeof(p_details) <> 'object' then
        raise exception 'p_details must be a JSON object, got %', jsonb_typeof(p_details) using errcode = '22023';
    end if;
    select status into v_status from public.jobs where id = p_job_id for update;
    if not found then
        raise exception 'job % not found (p_job_id)', p_job_id using errcode = 'P0002';
    end if;
    if v_status not in ('pending', 'processing') and p_step <> 'cleanup' then
        raise exception 'job % is %: only the cleanup step can start once a job is finished', p_job_id, v_status
        using errcode = '55000';
    end if;
    select id into v_running from public.processing_timeline
    where job_id = p_job_id and step = p_step and finished_at is null;
    if found then
        raise exception 'step % of job % is already running (timeline entry %)', p_step, p_job_id, v_running
        using errcode = '55000';
    end if;
    if v_status = 'pending' then
        update public.jobs set status = 'processing', current_step = p_step where id = p_job_id;
    elsif v_status = 'processing' then
        update public.jobs set current_step = p_step where id = p_job_id;
    end if;
    insert into public.processing_timeline (job_id, step, details)
    values (p_job_id, p_step, coalesce(p_details, '{}'))
    returning id into v_timeline_id;
    return v_timeline_id;
end
$$;
comment on function public.start_processing_step(uuid, public.processing_step, jsonb) is
'Starts a processing step of a job (video-platform-database.md, "Step-by-step processing"). p_job_id: the job '
'(a pending job moves to processing); p_step: the step; p_details: JSON object. Sets the job''s current_step. '
'Returns the timeline entry id (uuid) for complete_processing_step. Errors: 22023 bad parameter, P0002 unknown '
'job, 55000 job finished (only cleanup may run then) or the same step already running. Writes nothing on error. '
'Executable by service_role only.';
revoke all on function public.start_processing_step(uuid, public.processing_step, jsonb) from public, anon, authenticated, service_role;
grant execute on function public.start_processing_step(uuid, public.processing_step, jsonb) to service_role;

create function public.complete_processing_step(
    p_timeline_id uuid,
    p_success boolean default true,
    p_error_message text default null,
    p_resource_usage jsonb default null,
    p_details jsonb default null,
    p_job_id uuid default null
) returns integer
language plpgsql volatile
set search_path = ''
as $$
declare
    v_job_id uuid := p_job_id;
    v_job_status public.job_status;
    v_entry public.processing_timeline%rowtype;
    v_finished_at timestamptz;
    v_progress integer;
begin
    if p_timeline_id is null then
        raise exception 'p_timeline_id is required' using errcode = '22023';
    end if;
    if p_success is null then
        raise exception 'p_success must be true or false, got null' using errcode = '22023';
    end if;
    if not p_success and (p_error_message is null or btrim(p_error_message) = '') then
        raise exception 'p_error_message is required when p_success is false' using errcode = '22023';
    end if;
    if p_resource_usage is not null and jsonb_typeof(p_resource_usage) <> 'object' then
        raise exception 'p_resource_usage must be a JSON object, got %', jsonb_typeof(p_resource_usage)
        using errcode = '22023';
    end if;
    if p_details is not null and jsonb_typeof(p_details) <> 'object' then
        raise exception 'p_details must be a JSON object, got %', jsonb_typeof(p_details) using errcode = '22023';
    end if;
    if v_job_id is null then
        -- Without the key, the entry's job by the entry's id alone (idx_processing_timeline_id).
        select t.job_id into v_job_id from public.processing_timeline as t where t.id = p_timeline_id;
    end if;
    -- Lock the job row first: completions of one job's steps serialize on it, and the progress computed below,
    -- in a later statement with a snapshot taken after the lock, counts every step whose completion committed
    -- before (computed in a statement that began before the lock was granted, it would miss the step a
    -- concurrent completion just committed: a lost update). Job row before timeline row, as in
    -- start_processing_step.
    select j.status into v_job_status from public.jobs as j where j.id = v_job_id for no key update;
    select t.* into v_entry from public.processing_timeline as t
    where t.job_id = v_job_id and t.id = p_timeline_id
    for update;
    if not found then
        raise exception 'timeline entry % not found (p_timeline_id%)', p_timeline_id,
            coalesce(format(' of job %s, p_job_id', p_job_id), '')
        using errcode = 'P0002';
    end if;
    if v_entry.finished_at is not null then
        raise exception 'timeline entry % (step % of job %) already finished at %', p_timeline_id, v_entry.step,
            v_entry.job_id, v_entry.finished_at
        using errcode = '55000';
    end if;
    v_finished_at := clock_timestamp();
    update public.processing_timeline
    set finished_at = greatest(v_finished_at, started_at),
        success = p_success,
        error_message = p_error_message,
        resource_usage = resource_usage || coalesce(p_resource_usage, '{}'),
        details = details || coalesce(p_details, '{}')
    where job_id = v_job_id and id = p_timeline_id;
    if v_job_status = 'processing' then
        v_progress := public.calculate_job_progress(v_job_id);
        update public.jobs as j
        set progress_percentage = greatest(j.progress_percentage, v_progress)
        where j.id = v_job_id
        returning j.progress_percentage into v_progress;
    else
        select j.progress_percentage into v_progress from public.jobs as j where j.id = v_job_id;
    end if;
    return v_progress;
end
$$;
comment on function public.complete_processing_step(uuid, boolean, text, jsonb, jsonb, uuid) is
'Finishes a running processing step (video-platform-database.md, "Step-by-step processing"). p_timeline_id: the '
'id start_processing_step returned; p_success: outcome; p_error_message: required when p_success is false; '
'p_resource_usage: JSON object merged into resource_usage (e.g. {"cpu_percent": 80, "memory_mb": 512}); '
'p_details: JSON object merged into details; p_job_id: the entry''s job (optional: the distribution key; with '
'it the entry is found by (job_id, id), without it by its id alone). Sets finished_at (duration_ms follows) '
'and, while the job is processing, raises its progress to calculate_job_progress (never lowers it). Locks the '
'job row first, so concurrent completions of one job''s steps serialize and each counts the steps committed '
'before it. A failed step does not fail the job: the worker decides (retry or update_job_status failed). '
'Returns the job''s progress in percent. Errors: 22023 bad parameter, P0002 unknown entry (or not of p_job_id), '
'55000 entry already finished. Writes nothing on error. Executable by service_role only.';
revoke all on function public.complete_processing_step(uuid, boolean, text, jsonb, jsonb, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.complete_processing_step(uuid, boolean, text, jsonb, jsonb, uuid) to service_role;
