-- create_render_retention (video-platform-database.md, "Database Maintenance": SELECT cleanup_old_jobs(30),
-- cleanup_old_metrics(7), enforce_data_retention()): deleting what is older than the retention periods, in
-- bounded batches. Retention is an operator's task: DBAs (psql, the SQL editor), pg_cron and the platform's
-- services (service_role) run it, the end users' API roles do not. Security invoker: the caller's table
-- privileges do the work (service_role deletes from every table retention empties), so nothing here runs with
-- more rights than its caller.
-- Batches follow a keyset: each deletes the next p_batch_size old rows in (timestamp, id) order, starting where
-- the previous batch ended, so no batch walks the index entries of the rows deleted before it and the cost of a
-- call stays linear in the rows it deletes. One helper, delete_old_rows, does it for every table. Nothing here
-- commits: for locks that last one batch, a caller makes one bounded call per transaction (p_max_batches = 1)
-- until it returns 0 (docs/render.md, "Retention").
-- depends: 0012_create_render_views

create function dreamcut_private.retention_cutoff(p_parameter text, p_days integer) returns timestamptz
language plpgsql stable
set search_path = ''
as $$
begin
    if p_days is null or p_days not between 1 and 36500 then
        raise exception '% must be between 1 and 36500 days, got %', p_parameter, coalesce(p_days::text, 'null')
        using errcode = '22023';
    end if;
    return now() - make_interval(days => p_days);
end
$$;
comment on function dreamcut_private.retention_cutoff(text, integer) is
'Cutoff of a retention period. p_parameter: the caller''s parameter name, for the message (e.g. p_days); p_days: '
'the period in whole days, 1..36500 (100 years). Returns now() - p_days days (timestamptz): rows older than it '
'are old. Errors: 22023 p_days null or outside 1..36500 (the message names p_parameter).';
revoke all on function dreamcut_private.retention_cutoff(text, integer) from public, anon, authenticated, service_role;
grant execute on function dreamcut_private.retention_cutoff(text, integer) to service_role;

create function dreamcut_private.delete_old_rows(
    p_table text,
    p_cutoff timestamptz,
    p_batch_size integer,
    p_max_batches integer default null
) returns bigint
language plpgsql volatile
set search_path = ''
as $$
declare
    v_from_time timestamptz := timestamptz '-infinity';
    v_from_id uuid := uuid '00000000-0000-0000-0000-000000000000';
    v_to_time timestamptz;
    v_to_id uuid;
    v_found bigint;
    v_batch bigint;
    v_batches integer := 0;
    v_deleted bigint := 0::bigint;
begin
    if p_table is null or p_table not in (
        'public.jobs', 'public.system_metrics', 'public.url_access_logs', 'dreamcut_private.security_events'
    ) then
        raise exception 'p_table must be one of public.jobs, public.system_metrics, public.url_access_logs, '
            'dreamcut_private.security_events, got %', coalesce(quote_literal(left(p_table, 100)), 'null')
        using errcode = '22023';
    end if;
    if p_batch_size is null or p_batch_size not between 1 and 100000 then
        raise exception 'p_batch_size must be between 1 and 100000 rows, got %', coalesce(p_batch_size::text, 'null')
        using errcode = '22023';
    end if;
    if p_max_batches < 1 then
        raise exception 'p_max_batches must be at least 1 (or null: until no old row is left), got %', p_max_batches
        using errcode = '22023';
    end if;
    -- Each table has its own two statements, the same but for the table and its time column: static SQL, so
    -- that every statement is planned once per session and checked (plpgsql_check) like the rest of the package.
    -- The first finds the batch: the next p_batch_size old rows from the keyset on, by an index-only walk of the
    -- table's (time, id) index; it ends at the last of them. The second deletes it: the row bounds cut exactly,
    -- also between rows of the same instant; the scalar bounds give the planner a row estimate (it has none for
    -- row comparisons), so that it walks the same index.
    loop
        case p_table
            when 'public.jobs' then
                select b.t, b.id, b.n into v_to_time, v_to_id, v_found from (
                    select x.completed_at as t, x.id, row_number() over (order by x.completed_at, x.id) as n
                    from public.jobs as x
                    where x.completed_at < p_cutoff and (x.completed_at, x.id) >= (v_from_time, v_from_id)
                    order by x.completed_at, x.id limit p_batch_size
                ) as b order by b.n desc limit 1;
                delete from public.jobs as x
                where x.completed_at < p_cutoff and x.completed_at between v_from_time and v_to_time
                    and (x.completed_at, x.id) between (v_from_time, v_from_id) and (v_to_time, v_to_id);
            when 'public.system_metrics' then
                select b.t, b.id, b.n into v_to_time, v_to_id, v_found from (
                    select x.recorded_at as t, x.id, row_number() over (order by x.recorded_at, x.id) as n
                    from public.system_metrics as x
                    where x.recorded_at < p_cutoff and (x.recorded_at, x.id) >= (v_from_time, v_from_id)
                    order by x.recorded_at, x.id limit p_batch_size
                ) as b order by b.n desc limit 1;
                delete from public.system_metrics as x
                where x.recorded_at < p_cutoff and x.recorded_at between v_from_time and v_to_time
                    and (x.recorded_at, x.id) between (v_from_time, v_from_id) and (v_to_time, v_to_id);
            when 'public.url_access_logs' then
                select b.t, b.id, b.n into v_to_time, v_to_id, v_found from (
                    select x.accessed_at as t, x.id, row_number() over (order by x.accessed_at, x.id) as n
                    from public.url_access_logs as x
                    where x.accessed_at < p_cutoff and (x.accessed_at, x.id) >= (v_from_time, v_from_id)
                    order by x.accessed_at, x.id limit p_batch_size
                ) as b order by b.n desc limit 1;
                delete from public.url_access_logs as x
                where x.accessed_at < p_cutoff and x.accessed_at between v_from_time and v_to_time
                    and (x.accessed_at, x.id) between (v_from_time, v_from_id) and (v_to_time, v_to_id);
            when 'dreamcut_private.security_events' then
                select b.t, b.id, b.n into v_to_time, v_to_id, v_found from (
                    select x.created_at as t, x.id, row_number() over (order by x.created_at, x.id) as n
                    from dreamcut_private.security_events as x
                    where x.created_at < p_cutoff and (x.created_at, x.id) >= (v_from_time, v_from_id)
                    order by x.created_at, x.id limit p_batch_size
                ) as b order by b.n desc limit 1;
                delete from dreamcut_private.security_events as x
                where x.created_at < p_cutoff and x.created_at between v_from_time and v_to_time
                    and (x.created_at, x.id) between (v_from_time, v_from_id) and (v_to_time, v_to_id);
        end case;
        get diagnostics v_batch = row_count;
        v_deleted := v_deleted + v_batch;
        v_batches := v_batches + 1;
        -- (v_batches = p_max_batches is null, so no exit, when p_max_batches is null)
        exit when coalesce(v_found, 0) < p_batch_size or v_batches = p_max_batches;
        v_from_time := v_to_time;
        v_from_id := v_to_id;
    end loop;
    return v_deleted;
end
$$;
comment on function dreamcut_private.delete_old_rows(text, timestamptz, integer, integer) is
'Retention of one table in keyset batches (video-platform-database.md, "Database Maintenance"). p_table (text): '
'public.jobs (by completed_at: finished jobs only, with their child rows by on delete cascade), '
'public.system_metrics (recorded_at), public.url_access_logs (accessed_at) or dreamcut_private.security_events '
'(created_at); p_cutoff: rows whose time is before it are old; p_batch_size: rows per DELETE, 1..100000; '
'p_max_batches: at most this many batches (>= 1), or null: until no old row is left. Each batch is the next '
'p_batch_size old rows in (time, id) order, from where the previous batch ended (the first at ''-infinity''). A '
'row another transaction holds is waited for; a row a concurrent transaction adds behind the keyset waits for '
'the next call. Security invoker: the caller needs DELETE on p_table. Returns the number of rows deleted '
'(bigint; child rows not counted). Errors: 22023 another table, p_batch_size or p_max_batches out of range. '
'Executable by service_role.';
revoke all on function dreamcut_private.delete_old_rows(text, timestamptz, integer, integer)
from public, anon, authenticated, service_role;
grant execute on function dreamcut_private.delete_old_rows(text, timestamptz, integer, integer) to service_role;

create function public.cleanup_old_jobs(
    p_days integer default 30,
    p_batch_size integer default 1000,
    p_max_batches integer default null
) returns integer
language sql volatile
set search_path = ''
as $$
    -- completed_at is set exactly when a job finishes (constraint jobs_status_timestamps): the old ones are
    -- finished jobs.
    select dreamcut_private.delete_old_rows(
        'public.jobs', dreamcut_private.retention_cutoff('p_days', p_days), p_batch_size, p_max_batches
    )::integer
$$;
comment on function public.cleanup_old_jobs(integer, integer, integer) is
'Deletes finished jobs (completed, failed, cancelled, timeout) that finished more than p_days days ago, with '
'their elements, storage operations, timeline and access logs (video-platform-database.md, "SELECT '
'cleanup_old_jobs(30)"). Never deletes a pending or processing job. p_days: 1..36500 (default 30); '
'p_batch_size: jobs per DELETE statement, 1..100000 (default 1000); p_max_batches: at most this many batches '
'(>= 1), or null (default): until no old job is left. Batches follow (completed_at, id), each starting where the '
'previous one ended: the cost is linear in the jobs deleted. A call runs in the caller''s transaction and keeps '
'the jobs it deleted locked until that ends; for short locks, call it with p_max_batches = 1 in transactions '
'of their own until it returns 0 (a pg_cron job, a psql loop). Security invoker. Returns the number of jobs '
'deleted. Errors: 22023 bad parameter, 42501 caller without EXECUTE or DELETE. Executable by service_role (and '
'the owner, e.g. a DBA or pg_cron); not by the end users'' API roles.';
revoke all on function public.cleanup_old_jobs(integer, integer, integer) from public, anon, authenticated, service_role;
grant execute on function public.cleanup_old_jobs(integer, integer, integer) to service_role;

create function public.cleanup_old_metrics(
    p_days integer default 7,
    p_batch_size integer default 10000,
    p_max_batches integer default null
) returns integer
language sql volatile
set search_path = ''
as $$
    select dreamcut_private.delete_old_rows(
        'public.system_metrics', dreamcut_private.retention_cutoff('p_days', p_days), p_batch_size, p_max_batches
    )::integer
$$;
comment on function public.cleanup_old_metrics(integer, integer, integer) is
'Deletes system_metrics samples recorded more than p_days days ago (video-platform-database.md, "SELECT '
'cleanup_old_metrics(7)"). p_days: 1..36500 (default 7); p_batch_size: samples per DELETE statement, '
'1..100000 (default 10000); p_max_batches: at most this many batches (>= 1), or null (default): until no old '
'sample is left. Batches follow (recorded_at, id), each starting where the previous one ended: the cost is '
'linear in the samples deleted. For short locks, call it with p_max_batches = 1 in transactions of their own '
'until it returns 0. Security invoker. Returns the number of samples deleted. Errors: 22023 bad parameter, '
'42501 caller without EXECUTE or DELETE. Executable by service_role (and the owner); not by the end users'' API '
'roles.';
revoke all on function public.cleanup_old_metrics(integer, integer, integer)
from public, anon, authenticated, service_role;
grant execute on function public.cleanup_old_metrics(integer, integer, integer) to service_role;

create function public.enforce_data_retention(
    p_job_days integer default 90,
    p_access_log_days integer default 90,
    p_metric_days integer default 30,
    p_security_event_days integer default 365
) returns jsonb
language plpgsql volatile
set search_path = ''
as $$
declare
    -- Every period is checked before anything is deleted.
    v_jobs_before timestamptz := dreamcut_private.retention_cutoff('p_job_days', p_job_days);
    v_logs_before timestamptz := dreamcut_private.retention_cutoff('p_access_log_days', p_access_log_days);
    v_metrics_before timestamptz := dreamcut_private.retention_cutoff('p_metric_days', p_metric_days);
    v_events_before timestamptz := dreamcut_private.retention_cutoff('p_security_event_days', p_security_event_days);
    v_now timestamptz := now();
    v_jobs bigint;
    v_logs bigint;
    v_metrics bigint;
    v_events bigint;
    v_counters bigint := 0::bigint;
    v_batch bigint;
begin
    v_jobs := dreamcut_private.delete_old_rows('public.jobs', v_jobs_before, 1000);
    v_logs := dreamcut_private.delete_old_rows('public.url_access_logs', v_logs_before, 10000);
    v_metrics := dreamcut_private.delete_old_rows('public.system_metrics', v_metrics_before, 10000);
    v_events := dreamcut_private.delete_old_rows('dreamcut_private.security_events', v_events_before, 10000);
    -- Rate-limit windows that have ended, by their key, 10000 at a time (a window is at least 1 second long).
    loop
        delete from dreamcut_private.rate_limit_counters as c
        where (c.identifier, c.window_seconds, c.window_start) in (
            select x.identifier, x.window_seconds, x.window_start
            from dreamcut_private.rate_limit_counters as x
            where x.window_start < v_now - interval '1 second'
                and x.window_start + make_interval(secs => x.window_seconds) < v_now
            limit 10000
        );
        get diagnostics v_batch = row_count;
        v_counters := v_counters + v_batch;
        exit when v_batch < 10000;
    end loop;
    return jsonb_build_object(
        'jobs', v_jobs, 'url_access_logs', v_logs, 'system_metrics', v_metrics, 'security_events', v_events,
        'rate_limit_counters', v_counters
    );
end
$$;
comment on function public.enforce_data_retention(integer, integer, integer, integer) is
'Applies the retention policy (video-platform-database.md, "SELECT enforce_data_retention()"), in bounded '
'batches: finished jobs older than p_job_days days (default 90, as cleanup_old_jobs; pending and processing jobs '
'are never deleted), url_access_logs older than p_access_log_days (default 90), system_metrics older than '
'p_metric_days (default 30), security events older than p_security_event_days (default 365) and rate-limit '
'counters whose window has ended. Each period: 1..36500 days. Security invoker. Returns the counts deleted as a '
'JSON object {"jobs": n, "url_access_logs": n, "system_metrics": n, "security_events": n, '
'"rate_limit_counters": n}. Errors: 22023 a period outside 1..36500 days (named), 42501 caller without EXECUTE '
'or DELETE. Executable by service_role (and the owner); not by the end users'' API roles.';
revoke all on function public.enforce_data_retention(integer, integer, integer, integer)
from public, anon, authenticated, service_role;
grant execute on function public.enforce_data_retention(integer, integer, integer, integer) to service_role;
