-- create_render_retention (video-platform-database.md, "Database Maintenance": SELECT cleanup_old_jobs(30),
-- cleanup_old_metrics(7), enforce_data_retention()): deleting what is older than the retention periods, for
-- admins and service accounts.
-- Retention in keyset batches: each batch deletes the next p_batch_size old rows in (timestamp, id) order (the
-- indexes idx_jobs_completed_at and idx_system_metrics_recorded_at), starting where the previous batch ended,
-- so no batch walks the index entries of rows deleted before it and the cost stays linear. One helper,
-- delete_old_rows_batch, does a batch of any such table. The functions run every batch in the caller's
-- transaction; the procedures commit after each batch (psql, pg_cron).
-- depends: 0012_create_render_views

create function dreamcut_private.retention_cutoff(p_function text, p_days integer, p_batch_size integer)
returns timestamptz
language plpgsql stable
set search_path = ''
as $$
begin
    perform dreamcut_private.require_admin_or_service(p_function);
    if p_days is null or p_days < 1 then
        raise exception 'p_days must be at least 1 day, got %', coalesce(p_days::text, 'null') using errcode = '22023';
    end if;
    if p_batch_size is null or p_batch_size not between 1 and 100000 then
        raise exception 'p_batch_size must be between 1 and 100000 rows, got %', coalesce(p_batch_size::text, 'null')
        using errcode = '22023';
    end if;
    return now() - make_interval(days => p_days);
end
$$;
comment on function dreamcut_private.retention_cutoff(text, integer, integer) is
'Guard of the retention batches (cleanup_old_jobs, cleanup_old_metrics and their _in_batches procedures). '
'p_function: the name the messages give; p_days: >= 1; p_batch_size: 1..100000 rows. Returns the cutoff '
'now() - p_days days (timestamptz): rows older than it are old. Errors: 42501 caller not an admin or service '
'account, 22023 bad parameter.';
revoke all on function dreamcut_private.retention_cutoff(text, integer, integer) from public, anon, authenticated, service_role;

create function dreamcut_private.delete_old_rows_batch(
    p_table regclass,
    p_time_column name,
    p_cutoff timestamptz,
    p_batch_size integer,
    inout p_from_time timestamptz,
    inout p_from_id uuid,
    inout p_deleted integer,
    out p_done boolean
)
language plpgsql volatile
set search_path = ''
as $$
declare
    v_to_time timestamptz;
    v_to_id uuid;
    v_found integer;
    v_batch integer;
begin
    -- The batch: the next p_batch_size old rows from the keyset on, found by an index-only walk of the
    -- (p_time_column, id) index; it ends at the last of them.
    execute format(
        'select b.t, b.id, b.n from ('
        ' select x.%1$I as t, x.id, row_number() over (order by x.%1$I, x.id) as n from %2$s as x'
        ' where x.%1$I < $1 and (x.%1$I, x.id) >= ($2, $3) order by x.%1$I, x.id limit $4'
        ') as b order by b.n desc limit 1',
        p_time_column, p_table
    )
    into v_to_time, v_to_id, v_found
    using p_cutoff, p_from_time, p_from_id, p_batch_size;
    -- The row bounds cut exactly, also between rows of the same instant; the scalar bounds give the planner a
    -- row estimate (it has none for row comparisons), so that it walks the same index.
    execute format(
        'delete from %2$s as x where x.%1$I < $1 and x.%1$I between $2 and $4'
        ' and (x.%1$I, x.id) between ($2, $3) and ($4, $5)',
        p_time_column, p_table
    )
    using p_cutoff, p_from_time, p_from_id, v_to_time, v_to_id;
    get diagnostics v_batch = row_count;
    p_deleted := coalesce(p_deleted, 0) + v_batch;
    p_done := coalesce(v_found, 0) < p_batch_size;
    p_from_time := v_to_time;
    p_from_id := v_to_id;
end
$$;
comment on function dreamcut_private.delete_old_rows_batch(regclass, name, timestamptz, integer, timestamptz, uuid, integer) is
'One retention batch of a table with a uuid id and a (p_time_column, id) index: deletes the next p_batch_size '
'rows whose p_time_column is before p_cutoff, in (p_time_column, id) order from the keyset (p_from_time, '
'p_from_id) on (inclusive; the first batch starts at ''-infinity'' and the zero uuid). A row that a concurrent '
'transaction adds behind the keyset waits for the next run; a row another transaction holds is waited for. '
'Returns the keyset where the next batch starts (the batch''s last row; null when none was left), p_deleted '
'increased by the rows deleted, and p_done: true when fewer than p_batch_size old rows were left. Checks nothing '
'(its callers do) and is executable by no API role.';
revoke all on function dreamcut_private.delete_old_rows_batch(regclass, name, timestamptz, integer, timestamptz, uuid, integer)
from public, anon, authenticated, service_role;

-- completed_at is set exactly when a job is finished (constraint jobs_status_timestamps): a batch of old
-- completed_at values holds finished jobs only.
create function dreamcut_private.delete_old_jobs_batch(
    p_days integer,
    p_batch_size integer,
    inout p_from_completed_at timestamptz,
    inout p_from_id uuid,
    inout p_deleted integer,
    out p_done boolean
)
language sql volatile
security definer
set search_path = ''
as $$
    select b.p_from_time, b.p_from_id, b.p_deleted, b.p_done
    from dreamcut_private.delete_old_rows_batch(
        'public.jobs', 'completed_at', dreamcut_private.retention_cutoff('cleanup_old_jobs', p_days, p_batch_size),
        p_batch_size, p_from_completed_at, p_from_id, p_deleted
    ) as b
$$;
comment on function dreamcut_private.delete_old_jobs_batch(integer, integer, timestamptz, uuid, integer) is
'One batch of cleanup_old_jobs and cleanup_old_jobs_in_batches: deletes the next p_batch_size (1..100000) '
'finished jobs (completed, failed, cancelled, timeout) that finished more than p_days days ago (>= 1), in '
'(completed_at, id) order from the keyset (p_from_completed_at, p_from_id) on (inclusive; the first batch starts '
'at ''-infinity'' and the zero uuid), with their child rows (on delete cascade). A job that a concurrent '
'transaction adds behind the keyset waits for the next run; a row another transaction holds is waited for. '
'Returns the keyset where the next batch starts (the batch''s last job; null when none was left), p_deleted '
'increased by the jobs deleted, and p_done: true when fewer than p_batch_size old jobs were left. Security '
'definer. Errors: 22023 bad p_days or p_batch_size, 42501 caller not an admin or service account. Executable by '
'service_role (the procedure''s callers).';
revoke all on function dreamcut_private.delete_old_jobs_batch(integer, integer, timestamptz, uuid, integer)
from public, anon, authenticated, service_role;
grant execute on function dreamcut_private.delete_old_jobs_batch(integer, integer, timestamptz, uuid, integer)
to service_role;

create function dreamcut_private.delete_old_metrics_batch(
    p_days integer,
    p_batch_size integer,
    inout p_from_recorded_at timestamptz,
    inout p_from_id uuid,
    inout p_deleted integer,
    out p_done boolean
)
language sql volatile
security definer
set search_path = ''
as $$
    select b.p_from_time, b.p_from_id, b.p_deleted, b.p_done
    from dreamcut_private.delete_old_rows_batch(
        'public.system_metrics', 'recorded_at',
        dreamcut_private.retention_cutoff('cleanup_old_metrics', p_days, p_batch_size),
        p_batch_size, p_from_recorded_at, p_from_id, p_deleted
    ) as b
$$;
comment on function dreamcut_private.delete_old_metrics_batch(integer, integer, timestamptz, uuid, integer) is
'One batch of cleanup_old_metrics and cleanup_old_metrics_in_batches: deletes the next p_batch_size (1..100000) '
'system_metrics samples recorded more than p_days days ago (>= 1), in (recorded_at, id) order from the keyset '
'(p_from_recorded_at, p_from_id) on (inclusive; the first batch starts at ''-infinity'' and the zero uuid). A '
'sample that a concurrent transaction adds behind the keyset waits for the next run; a row another transaction '
'holds is waited for. Returns the keyset where the next batch starts (the batch''s last sample; null when none '
'was left), p_deleted increased by the samples deleted, and p_done: true when fewer than p_batch_size old samples '
'were left. Security definer. Errors: 22023 bad p_days or p_batch_size, 42501 caller not an admin or service '
'account. Executable by service_role (the procedure''s callers).';
revoke all on function dreamcut_private.delete_old_metrics_batch(integer, integer, timestamptz, uuid, integer)
from public, anon, authenticated, service_role;
grant execute on function dreamcut_private.delete_old_metrics_batch(integer, integer, timestamptz, uuid, integer)
to service_role;

create function public.cleanup_old_jobs(p_days integer default 30, p_batch_size integer default 1000) returns integer
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
    v_from_completed_at timestamptz := '-infinity';
    v_from_id uuid := '00000000-0000-0000-0000-000000000000';
    v_deleted integer := 0;
    v_done boolean;
begin
    loop
        select b.p_from_completed_at, b.p_from_id, b.p_deleted, b.p_done
        into v_from_completed_at, v_from_id, v_deleted, v_done
        from dreamcut_private.delete_old_jobs_batch(p_days, p_batch_size, v_from_completed_at, v_from_id, v_deleted) as b;
        exit when v_done;
    end loop;
    return v_deleted;
end
$$;
comment on function public.cleanup_old_jobs(integer, integer) is
'Deletes finished jobs (completed, failed, cancelled, timeout) that finished more than p_days days ago, with '
'their elements, storage operations, timeline and access logs (video-platform-database.md, "SELECT '
'cleanup_old_jobs(30)"). Never deletes a pending or processing job. p_days: >= 1 (default 30); p_batch_size: '
'jobs per DELETE statement, 1..100000 (default 1000). Batches follow (completed_at, id), each starting where the '
'previous one ended: the cost is linear in the jobs deleted. A row another transaction holds is waited for. '
'Every batch runs in the caller''s transaction, so the deleted jobs stay locked until it ends; for locks that '
'last one batch, CALL cleanup_old_jobs_in_batches. Returns the number of jobs deleted. Errors: 22023 bad '
'parameter, 42501 caller not an admin or service account. Executable by authenticated (admins only) and '
'service_role.';
revoke all on function public.cleanup_old_jobs(integer, integer) from public, anon, authenticated, service_role;
grant execute on function public.cleanup_old_jobs(integer, integer) to authenticated, service_role;

create function public.cleanup_old_metrics(p_days integer default 7, p_batch_size integer default 10000) returns integer
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
    v_from_recorded_at timestamptz := '-infinity';
    v_from_id uuid := '00000000-0000-0000-0000-000000000000';
    v_deleted integer := 0;
    v_done boolean;
begin
    loop
        select b.p_from_recorded_at, b.p_from_id, b.p_deleted, b.p_done
        into v_from_recorded_at, v_from_id, v_deleted, v_done
        from dreamcut_private.delete_old_metrics_batch(p_days, p_batch_size, v_from_recorded_at, v_from_id, v_deleted) as b;
        exit when v_done;
    end loop;
    return v_deleted;
end
$$;
comment on function public.cleanup_old_metrics(integer, integer) is
'Deletes system_metrics samples recorded more than p_days days ago (video-platform-database.md, "SELECT '
'cleanup_old_metrics(7)"). p_days: >= 1 (default 7); p_batch_size: samples per DELETE statement, 1..100000 '
'(default 10000). Batches follow (recorded_at, id), each starting where the previous one ended: the cost is '
'linear in the samples deleted. A row another transaction holds is waited for. Every batch runs in the '
'caller''s transaction, so the deleted samples stay locked until it ends; for locks that last one batch, CALL '
'cleanup_old_metrics_in_batches. Returns the number of samples deleted. Errors: 22023 bad parameter, 42501 '
'caller not an admin or service account. Executable by authenticated (admins only) and service_role.';
revoke all on function public.cleanup_old_metrics(integer, integer) from public, anon, authenticated, service_role;
grant execute on function public.cleanup_old_metrics(integer, integer) to authenticated, service_role;

-- The procedures commit after each batch, which PostgreSQL allows only in a security invoker procedure
-- without a SET clause: their search_path cannot be pinned, so their bodies name nothing but the batch
-- functions (schema-qualified, search_path pinned) and use no operator.

create procedure public.cleanup_old_jobs_in_batches(
    p_days integer default 30,
    p_batch_size integer default 1000,
    inout p_deleted integer default null
)
language plpgsql
as $$
declare
    v_from_completed_at timestamptz := '-infinity';
    v_from_id uuid := '00000000-0000-0000-0000-000000000000';
    v_done boolean;
begin
    p_deleted := 0;
    loop
        select b.p_from_completed_at, b.p_from_id, b.p_deleted, b.p_done
        into v_from_completed_at, v_from_id, p_deleted, v_done
        from dreamcut_private.delete_old_jobs_batch(p_days, p_batch_size, v_from_completed_at, v_from_id, p_deleted) as b;
        commit;
        exit when v_done;
    end loop;
end
$$;
-- (noqa: the linter reads the argument list after "comment on procedure" as a function call)
comment on procedure public.cleanup_old_jobs_in_batches(integer, integer, integer) is  -- noqa: LT01
'cleanup_old_jobs with a commit after each batch, for psql and pg_cron: CALL '
'public.cleanup_old_jobs_in_batches(30). Deletes the same jobs (finished more than p_days days ago, with their '
'child rows; never a pending or processing job), p_batch_size at a time (1..100000, default 1000), each batch '
'in its own transaction: no lock outlives its batch, and each batch deletes what is older than p_days days at '
'its own start. p_days: >= 1 (default 30). p_deleted: output only, the number of jobs deleted (what is passed '
'is ignored). Must be called outside a transaction block (autocommit, or alone in a pg_cron job''s command); '
'PostgREST cannot call procedures (use cleanup_old_jobs there). Security invoker without a pinned search_path '
'(PostgreSQL refuses COMMIT otherwise): the body calls only dreamcut_private.delete_old_jobs_batch. Errors: '
'22023 bad parameter, 42501 caller not an admin or service account, 2D000 called inside a transaction block; '
'a failed batch is rolled back, the batches before it stay committed. Executable by service_role.';
revoke all on procedure public.cleanup_old_jobs_in_batches(integer, integer, integer) from public, anon, authenticated, service_role;
grant execute on procedure public.cleanup_old_jobs_in_batches(integer, integer, integer) to service_role;

create procedure public.cleanup_old_metrics_in_batches(
    p_days integer default 7,
    p_batch_size integer default 10000,
    inout p_deleted integer default null
)
language plpgsql
as $$
declare
    v_from_recorded_at timestamptz := '-infinity';
    v_from_id uuid := '00000000-0000-0000-0000-000000000000';
    v_done boolean;
begin
    p_deleted := 0;
    loop
        select b.p_from_recorded_at, b.p_from_id, b.p_deleted, b.p_done
        into v_from_recorded_at, v_from_id, p_deleted, v_done
        from dreamcut_private.delete_old_metrics_batch(p_days, p_batch_size, v_from_recorded_at, v_from_id, p_deleted) as b;
        commit;
        exit when v_done;
    end loop;
end
$$;
-- (noqa: the linter reads the argument list after "comment on procedure" as a function call)
comment on procedure public.cleanup_old_metrics_in_batches(integer, integer, integer) is  -- noqa: LT01
'cleanup_old_metrics with a commit after each batch, for psql and pg_cron: CALL '
'public.cleanup_old_metrics_in_batches(7). Deletes the same samples (recorded more than p_days days ago), '
'p_batch_size at a time (1..100000, default 10000), each batch in its own transaction: no lock outlives its '
'batch, and each batch deletes what is older than p_days days at its own start. p_days: >= 1 (default 7). '
'p_deleted: output only, the number of samples deleted (what is passed is ignored). Must be called outside a '
'transaction block (autocommit, or alone in a pg_cron job''s command); PostgREST cannot call procedures (use '
'cleanup_old_metrics there). Security invoker without a pinned search_path (PostgreSQL refuses COMMIT '
'otherwise): the body calls only dreamcut_private.delete_old_metrics_batch. Errors: 22023 bad parameter, 42501 '
'caller not an admin or service account, 2D000 called inside a transaction block; a failed batch is rolled '
'back, the batches before it stay committed. Executable by service_role.';
revoke all on procedure public.cleanup_old_metrics_in_batches(integer, integer, integer) from public, anon, authenticated, service_role;
grant execute on procedure public.cleanup_old_metrics_in_batches(integer, integer, integer) to service_role;

create function public.enforce_data_retention(
    p_job_days integer default 90,
    p_access_log_days integer default 90,
    p_metric_days integer default 30,
    p_security_event_days integer default 365
) returns jsonb
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
    v_jobs integer;
    v_logs integer := 0;
    v_metrics integer;
    v_events integer := 0;
    v_counters integer := 0;
    v_batch integer;
begin
    perform dreamcut_private.require_admin_or_service('enforce_data_retention');
    if p_job_days is null or p_job_days < 1 or p_access_log_days is null or p_access_log_days < 1
        or p_metric_days is null or p_metric_days < 1 or p_security_event_days is null or p_security_event_days < 1 then
        raise exception 'p_job_days, p_access_log_days, p_metric_days and p_security_event_days must be at least 1 day, got %, %, %, %',
            p_job_days, p_access_log_days, p_metric_days, p_security_event_days
        using errcode = '22023';
    end if;
    v_jobs := public.cleanup_old_jobs(p_job_days);
    loop
        delete from public.url_access_logs
        where id in (
            select l.id from public.url_access_logs as l
            where l.accessed_at < now() - make_interval(days => p_access_log_days)
            limit 10000
            for update skip locked
        );
        get diagnostics v_batch = row_count;
        v_logs := v_logs + v_batch;
        exit when v_batch < 10000;
    end loop;
    v_metrics := public.cleanup_old_metrics(p_metric_days);
    loop
        delete from dreamcut_private.security_events
        where id in (
            select e.id from dreamcut_private.security_events as e
            where e.created_at < now() - make_interval(days => p_security_event_days)
            limit 10000
            for update skip locked
        );
        get diagnostics v_batch = row_count;
        v_events := v_events + v_batch;
        exit when v_batch < 10000;
    end loop;
    loop
        delete from dreamcut_private.rate_limit_counters
        where ctid in (
            select c.ctid from dreamcut_private.rate_limit_counters as c
            where c.window_start + make_interval(secs => c.window_seconds) < now()
            limit 10000
            for update skip locked
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
'batches: finished jobs older than p_job_days days (default 90, via cleanup_old_jobs; pending and processing '
'jobs are never deleted), url_access_logs older than p_access_log_days (default 90), system_metrics older than '
'p_metric_days (default 30), security events older than p_security_event_days (default 365) and rate-limit '
'counters whose window has ended. Returns the counts deleted as a JSON object {"jobs": n, "url_access_logs": n, '
'"system_metrics": n, "security_events": n, "rate_limit_counters": n}. Errors: 22023 a period below 1 day, 42501 '
'caller not an admin or service account. Executable by authenticated (admins only) and service_role.';
revoke all on function public.enforce_data_retention(integer, integer, integer, integer) from public, anon, authenticated, service_role;
grant execute on function public.enforce_data_retention(integer, integer, integer, integer) to authenticated, service_role;
