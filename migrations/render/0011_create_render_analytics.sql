-- create_render_analytics (video-platform-database.md, "SELECT get_job_statistics('2024-01-01',
-- '2024-01-31')", analytics): read-only statistics of jobs and storage operations and a job's processing time.
-- Security invoker: callers see statistics of the jobs RLS lets them see; executable by anon, authenticated and
-- service_role.
-- depends: 0010_create_render_logging_functions

create function public.calculate_job_duration(p_job_id uuid) returns bigint
language plpgsql stable
set search_path = ''
as $$
declare
    v_job public.jobs%rowtype;
begin
    if p_job_id is null then
        raise exception 'p_job_id is required' using errcode = '22023';
    end if;
    select * into v_job from public.jobs where id = p_job_id;
    if not found then
        raise exception 'job % not found (p_job_id)', p_job_id using errcode = 'P0002';
    end if;
    if v_job.started_at is null then
        return null;
    end if;
    return (extract(epoch from (coalesce(v_job.completed_at, now()) - v_job.started_at)) * 1000)::bigint;
end
$$;
comment on function public.calculate_job_duration(uuid) is
'Processing time of a job (video-platform-database.md, analytics). p_job_id: a job the caller can see (RLS '
'applies). Returns milliseconds from started_at to completed_at (or to now while processing), or null when the '
'job never started. Errors: 22023 null p_job_id, P0002 unknown job or not visible. Executable by anon, '
'authenticated, service_role.';
revoke all on function public.calculate_job_duration(uuid) from public, anon, authenticated, service_role;
grant execute on function public.calculate_job_duration(uuid) to anon, authenticated, service_role;

create function public.get_job_statistics(
    p_start_date timestamptz default now() - interval '7 days',
    p_end_date timestamptz default now()
) returns table (
    total_jobs bigint,
    pending_jobs bigint,
    processing_jobs bigint,
    completed_jobs bigint,
    failed_jobs bigint,
    cancelled_jobs bigint,
    timeout_jobs bigint,
    success_rate numeric,
    avg_processing_time_ms numeric,
    p95_processing_time_ms numeric,
    total_output_bytes numeric,
    by_format jsonb,
    by_response_type jsonb
)
language plpgsql stable
set search_path = ''
as $$
begin
    if p_start_date is null or p_end_date is null or p_start_date >= p_end_date then
        raise exception 'p_start_date must be before p_end_date, got % and %',
            coalesce(p_start_date::text, 'null'), coalesce(p_end_date::text, 'null')
        using errcode = '22023';
    end if;
    return query
    with j as (
        select
            jb.status,
            jb.output_format,
            jb.response_type,
            jb.file_size_bytes,
            case when jb.status = 'completed'
                then extract(epoch from (jb.completed_at - jb.started_at)) * 1000 end as processing_ms
        from public.jobs as jb
        where jb.created_at >= p_start_date and jb.created_at < p_end_date
    )

    select
        count(*),
        count(*) filter (where j.status = 'pending'),
        count(*) filter (where j.status = 'processing'),
        count(*) filter (where j.status = 'completed'),
        count(*) filter (where j.status = 'failed'),
        count(*) filter (where j.status = 'cancelled'),
        count(*) filter (where j.status = 'timeout'),
        round(100.0 * count(*) filter (where j.status = 'completed')
            / nullif(count(*) filter (where j.status in ('completed', 'failed', 'timeout')), 0), 2),
        round(avg(j.processing_ms), 1),
        round((percentile_cont(0.95) within group (order by j.processing_ms))::numeric, 1),
        coalesce(sum(j.file_size_bytes), 0),
        coalesce((
            select jsonb_object_agg(f.output_format, jsonb_build_object(
                'total', f.total, 'completed', f.completed, 'failed', f.failed
            ))
            from (
                select
                    j2.output_format,
                    count(*) as total,
                    count(*) filter (where j2.status = 'completed') as completed,
                    count(*) filter (where j2.status in ('failed', 'timeout')) as failed
                from j as j2 group by j2.output_format
            ) as f
        ), '{}'),
        coalesce((
            select jsonb_object_agg(r.response_type, r.total)
            from (select j3.response_type, count(*) as total from j as j3 group by j3.response_type) as r
        ), '{}')
    from j;
end
$$;
comment on function public.get_job_statistics(timestamptz, timestamptz) is
'Job statistics of a period (video-platform-database.md, "SELECT get_job_statistics(''2024-01-01'', '
'''2024-01-31'')"). p_start_date, p_end_date: jobs created in [start, end) (default: the last 7 days). Returns '
'one row: total_jobs and the count of each status; success_rate: percent of completed among completed, failed '
'and timed-out jobs (cancelled ones are left out; null when none finished); avg_processing_time_ms, '
'p95_processing_time_ms: started_at to completed_at of completed jobs in milliseconds; total_output_bytes; '
'by_format: {"mp4": {"total": n, "completed": n, "failed": n}, ...} (failed includes timeout); '
'by_response_type: {"immediate": n, "async": n}. Security invoker: a caller counts the jobs it can see. Errors: '
'22023 start not before end. Executable by anon, authenticated, service_role.';
revoke all on function public.get_job_statistics(timestamptz, timestamptz) from public, anon, authenticated, service_role;
grant execute on function public.get_job_statistics(timestamptz, timestamptz) to anon, authenticated, service_role;

create function public.get_storage_statistics(
    p_start_date timestamptz default now() - interval '7 days',
    p_end_date timestamptz default now()
) returns table (
    operation public.storage_operation,
    total_operations bigint,
    successful_operations bigint,
    failed_operations bigint,
    total_bytes numeric,
    avg_duration_ms numeric,
    p95_duration_ms numeric
)
language plpgsql stable
set search_path = ''
as $$
begin
    if p_start_date is null or p_end_date is null or p_start_date >= p_end_date then
        raise exception 'p_start_date must be before p_end_date, got % and %',
            coalesce(p_start_date::text, 'null'), coalesce(p_end_date::text, 'null')
        using errcode = '22023';
    end if;
    return query
    select
        s.operation,
        count(*),
        count(*) filter (where s.success),
        count(*) filter (where not s.success),
        coalesce(sum(s.bytes), 0),
        round(avg(s.duration_ms), 1),
        round((percentile_cont(0.95) within group (order by s.duration_ms))::numeric, 1)
    from public.storage_operations as s
    where s.created_at >= p_start_date and s.created_at < p_end_date
    group by s.operation
    order by s.operation;
end
$$;
comment on function public.get_storage_statistics(timestamptz, timestamptz) is
'S3 operation statistics of a period (video-platform-database.md, "Upload/download monitoring, performance '
'metrics"). p_start_date, p_end_date: operations logged in [start, end) (default: the last 7 days). Returns one '
'row per operation kind: total, successful and failed operations, total bytes, average and p95 duration in '
'milliseconds. Security invoker (RLS applies). Errors: 22023 start not before end. Executable by anon, '
'authenticated, service_role.';
revoke all on function public.get_storage_statistics(timestamptz, timestamptz) from public, anon, authenticated, service_role;
grant execute on function public.get_storage_statistics(timestamptz, timestamptz) to anon, authenticated, service_role;
