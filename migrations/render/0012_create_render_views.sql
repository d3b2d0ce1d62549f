-- create_render_views (video-platform-database.md, migration 004_views.sql): the views for queries and
-- analytics. Every view runs with security_invoker, so the caller's RLS policies apply to the tables beneath:
-- anon sees the rows of its own anonymous jobs, a signed-in user its own, admins and service_role everything.
-- depends: 0011_create_render_analytics

create view public.job_summary with (security_invoker = true) as
select
    j.id,
    j.user_id,
    j.client_ip,
    j.status,
    j.progress_percentage,
    j.current_step,
    j.response_type,
    j.output_format,
    j.width,
    j.height,
    j.fps,
    j.duration_seconds,
    j.result_url,
    j.file_size_bytes as file_size,
    j.error_message,
    j.error_code,
    j.created_at,
    j.started_at,
    j.completed_at,
    j.expires_at,
    (extract(epoch from (coalesce(j.completed_at, now()) - j.started_at)) * 1000)::bigint as processing_time_ms,
    coalesce(e.element_count, 0) as element_count,
    coalesce(e.element_types, '{}') as element_types,
    coalesce(t.steps_completed, 0) as steps_completed,
    coalesce(t.steps_failed, 0) as steps_failed,
    coalesce(s.storage_operations, 0) as storage_operations,
    coalesce(s.bytes_uploaded, 0) as bytes_uploaded,
    coalesce(a.access_count, 0) as access_count
from public.jobs as j
left join lateral (
    select
        count(*) as element_count,
        (array_agg(distinct el.type order by el.type))::text[] as element_types
    from public.elements as el
    where el.job_id = j.id
) as e on true
left join lateral (
    select
        count(*) filter (where tl.success) as steps_completed,
        count(*) filter (where not tl.success) as steps_failed
    from public.processing_timeline as tl
    where tl.job_id = j.id
) as t on true
left join lateral (
    select
        count(*) as storage_operations,
        sum(so.bytes) filter (where so.operation = 'upload' and so.success) as bytes_uploaded
    from public.storage_operations as so
    where so.job_id = j.id
) as s on true
left join lateral (
    select count(*) as access_count from public.url_access_logs as ua
    where ua.job_id = j.id
) as a on true;
comment on view public.job_summary is
'One row per job with its element, timeline, storage and access counts (video-platform-database.md, "SELECT * '
'FROM job_summary WHERE id = ''job-uuid''"). processing_time_ms: started_at to completed_at (or now) in '
'milliseconds; file_size: bytes of the result; bytes_uploaded: bytes of successful uploads. Security invoker.';

create view public.job_status_realtime with (security_invoker = true) as
select
    j.id,
    j.status,
    j.progress_percentage,
    j.current_step,
    j.result_url,
    j.error_message,
    j.updated_at
from public.jobs as j;
comment on view public.job_status_realtime is
'The small slice of a job that status pages poll or follow (video-platform-database.md, "Job Status Updates"). '
'Security invoker.';

create view public.active_jobs with (security_invoker = true) as
select
    j.id,
    j.user_id,
    j.status,
    j.progress_percentage,
    j.current_step,
    j.output_format,
    j.response_type,
    j.created_at,
    j.started_at,
    a.last_activity as last_activity_at,
    greatest(now() - a.last_activity, interval '0') as time_since_activity,
    case
        when now() - a.last_activity < interval '5 minutes' then 'healthy'
        when now() - a.last_activity < interval '15 minutes' then 'slow'
        else 'stalled'
    end as processing_health
from public.jobs as j
cross join
    lateral (
        select greatest(coalesce(j.started_at, j.created_at), max(t.started_at), max(t.finished_at)) as last_activity
        from public.processing_timeline as t
        where t.job_id = j.id
    ) as a
where j.status in ('pending', 'processing');
comment on view public.active_jobs is
'Pending and processing jobs with processing_health (video-platform-database.md, "SELECT * FROM active_jobs WHERE '
'processing_health = ''stalled''"): last_activity_at is the latest processing_timeline start or finish, else '
'started_at, else created_at; healthy when it is less than 5 minutes ago, slow under 15 minutes, stalled after '
'(timeout_stale_jobs times out a processing job after 30 minutes by default). Security invoker.';

create view public.daily_job_stats with (security_invoker = true) as
select
    (j.created_at at time zone 'UTC')::date as day,
    count(*) as total_jobs,
    count(*) filter (where j.status = 'completed') as completed_jobs,
    count(*) filter (where j.status = 'failed') as failed_jobs,
    count(*) filter (where j.status = 'cancelled') as cancelled_jobs,
    count(*) filter (where j.status = 'timeout') as timeout_jobs,
    count(*) filter (where j.status in ('pending', 'processing')) as active_jobs,
    round(
        100.0 * count(*) filter (where j.status = 'completed')
        / nullif(count(*) filter (where j.status in ('completed', 'failed', 'timeout')), 0), 2
    ) as success_rate,
    round(avg(extract(epoch from (j.completed_at - j.started_at)) * 1000) filter (where j.status = 'completed'), 1)
        as avg_processing_time_ms,
    round((
        percentile_cont(0.95) within group (order by extract(epoch from (j.completed_at - j.started_at)) * 1000)
        filter (where j.status = 'completed')
    )::numeric, 1) as p95_processing_time_ms,
    coalesce(sum(j.file_size_bytes), 0) as total_output_bytes
from public.jobs as j
group by (j.created_at at time zone 'UTC')::date;
comment on view public.daily_job_stats is
'Jobs per UTC day of creation: counts by status, success_rate (percent of completed among completed, failed and '
'timed out), average and p95 processing time of completed jobs in milliseconds, output bytes '
'(video-platform-database.md, analytics). Security invoker.';

create view public.hourly_processing_load with (security_invoker = true) as
select
    date_trunc('hour', j.started_at, 'UTC') as hour_start,
    count(*) as jobs_started,
    count(*) filter (where j.status = 'completed') as jobs_completed,
    count(*) filter (where j.status in ('failed', 'timeout')) as jobs_failed,
    round(avg(extract(epoch from (j.completed_at - j.started_at)) * 1000) filter (where j.status = 'completed'), 1)
        as avg_processing_time_ms
from public.jobs as j
where j.started_at is not null
group by date_trunc('hour', j.started_at, 'UTC');
comment on view public.hourly_processing_load is
'Jobs started per UTC hour with how many completed or failed (failed or timeout) and the average processing time '
'in milliseconds (video-platform-database.md, analytics). Security invoker.';

create view public.failed_jobs with (security_invoker = true) as
select
    j.id,
    j.user_id,
    j.client_ip,
    j.status,
    j.error_message,
    j.error_code,
    j.output_format,
    j.progress_percentage,
    j.current_step,
    j.created_at,
    j.started_at,
    j.completed_at as failed_at,
    f.step as failed_step,
    f.error_message as step_error_message
from public.jobs as j
left join lateral (
    select
        t.step,
        t.error_message
    from public.processing_timeline as t
    where t.job_id = j.id and t.success = false
    order by t.finished_at desc, t.id desc
    limit 1
) as f on true
where j.status in ('failed', 'timeout');
comment on view public.failed_jobs is
'Failed and timed-out jobs with their error and the last failed processing step (video-platform-database.md, '
'"error tracking"). Security invoker.';

create view public.step_performance with (security_invoker = true) as
select
    t.step,
    count(*) as executions,
    count(*) filter (where t.success) as successful,
    count(*) filter (where t.success = false) as failed,
    count(*) filter (where t.finished_at is null) as running,
    round(100.0 * count(*) filter (where t.success) / nullif(count(*) filter (where t.finished_at is not null), 0), 2)
        as success_rate,
    round(avg(t.duration_ms), 1) as avg_duration_ms,
    round((percentile_cont(0.95) within group (order by t.duration_ms))::numeric, 1) as p95_duration_ms,
    max(t.duration_ms) as max_duration_ms
from public.processing_timeline as t
group by t.step;
comment on view public.step_performance is
'Per processing step: executions, successes, failures, running, success_rate (percent of finished), average, '
'p95 and maximum duration in milliseconds (video-platform-database.md, "Step-by-step processing"). Security '
'invoker.';

create view public.storage_usage with (security_invoker = true) as
select
    s.bucket,
    s.operation,
    count(*) as operations,
    count(*) filter (where s.success) as successful,
    count(*) filter (where not s.success) as failed,
    coalesce(sum(s.bytes) filter (where s.success), 0) as total_bytes,
    round(avg(s.duration_ms), 1) as avg_duration_ms,
    max(s.created_at) as last_operation_at
from public.storage_operations as s
group by s.bucket, s.operation;
comment on view public.storage_usage is
'Per S3 bucket and operation: counts, bytes of successful operations and average duration in milliseconds '
'(video-platform-database.md, "S3 operation tracking"). Security invoker.';

create view public.url_access_stats with (security_invoker = true) as
select
    l.job_id,
    count(*) as access_count,
    count(distinct l.ip_address) as unique_ips,
    coalesce(sum(l.bytes_transferred), 0) as total_bytes,
    round(avg(l.response_time_ms), 1) as avg_response_time_ms,
    count(*) filter (where l.status_code >= 400) as error_count,
    array_remove(array_agg(distinct l.country_code), null) as countries,
    min(l.accessed_at) as first_access_at,
    max(l.accessed_at) as last_access_at
from public.url_access_logs as l
group by l.job_id;
comment on view public.url_access_stats is
'Per job: accesses to its result URL, distinct addresses, bytes sent, average response time in milliseconds, '
'HTTP errors (status >= 400), countries, first and last access (video-platform-database.md, "URL access '
'analytics"). Security invoker.';

create view public.system_health with (security_invoker = true) as
select
    m.metric_name,
    m.metric_value as latest_value,
    m.unit,
    m.warning_threshold,
    m.critical_threshold,
    m.recorded_at as last_recorded_at,
    h.samples_last_hour,
    h.avg_last_hour,
    case
        when m.warning_threshold is null and m.critical_threshold is null then 'ok'
        when coalesce(m.warning_threshold, m.critical_threshold) <= coalesce(m.critical_threshold, m.warning_threshold)
            then case
                when m.metric_value >= m.critical_threshold then 'critical'
                when m.metric_value >= m.warning_threshold then 'warning'
                else 'ok'
            end
        when m.metric_value <= m.critical_threshold then 'critical'
        when m.metric_value <= m.warning_threshold then 'warning'
        else 'ok'
    end as status
from (
    select distinct on (sm.metric_name) sm.*
    from public.system_metrics as sm
    order by sm.metric_name asc, sm.recorded_at desc, sm.id asc
) as m
cross join lateral (
    select
        count(*) as samples_last_hour,
        round(avg(x.metric_value), 3) as avg_last_hour
    from public.system_metrics as x
    where x.metric_name = m.metric_name and x.recorded_at >= now() - interval '1 hour'
) as h;
comment on view public.system_health is
'Latest sample of every metric with its alert status ok / warning / critical (higher is worse when '
'warning_threshold <= critical_threshold, lower is worse otherwise) and the last hour''s sample count and '
'average (video-platform-database.md, "Performance monitoring"). Security invoker: admins and service_role see '
'the metrics.';

create view public.recent_errors with (security_invoker = true) as
select
    'job' as source,
    j.id as job_id,
    null::text as detail,
    j.error_message,
    j.error_code,
    j.completed_at as occurred_at
from public.jobs as j
where j.status in ('failed', 'timeout') and j.completed_at >= now() - interval '24 hours'
union all
select
    'processing_step' as source,
    t.job_id,
    t.step::text as detail,
    t.error_message,
    null::text as error_code,
    t.finished_at as occurred_at
from public.processing_timeline as t
where t.success = false and t.finished_at >= now() - interval '24 hours'
union all
select
    'storage_operation' as source,
    s.job_id,
    s.operation::text || ' s3://' || s.bucket || '/' || s.object_key as detail,
    s.error_message,
    null::text as error_code,
    s.created_at as occurred_at
from public.storage_operations as s
where not s.success and s.created_at >= now() - interval '24 hours';
comment on view public.recent_errors is
'Errors of the last 24 hours from failed or timed-out jobs, failed processing steps and failed storage operations: '
'source (job, processing_step, storage_operation), job_id, detail (the step, or the operation and S3 location), '
'error_message, error_code, occurred_at (video-platform-database.md, "Troubleshooting"). Security invoker.';

create view public.element_type_stats with (security_invoker = true) as
select
    e.type,
    count(*) as elements,
    count(distinct e.job_id) as jobs,
    count(*) filter (where e.processing_status = 'completed') as completed,
    count(*) filter (where e.processing_status = 'failed') as failed,
    round(avg(e.duration), 3) as avg_duration_seconds
from public.elements as e
group by e.type;
comment on view public.element_type_stats is
'Per element type: elements, jobs using it, processed and failed elements, average duration in seconds '
'(video-platform-database.md, "Video composition elements"). Security invoker.';

revoke all on table
public.job_summary, public.job_status_realtime, public.active_jobs, public.daily_job_stats,
public.hourly_processing_load, public.failed_jobs, public.step_performance, public.storage_usage,
public.url_access_stats, public.system_health, public.recent_errors, public.element_type_stats
from public, anon, authenticated, service_role;
grant select on table
public.job_summary, public.job_status_realtime, public.active_jobs, public.daily_job_stats,
public.hourly_processing_load, public.failed_jobs, public.step_performance, public.storage_usage,
public.url_access_stats, public.recent_errors, public.element_type_stats
to anon, authenticated, service_role;
grant select on table public.system_health to authenticated, service_role;
