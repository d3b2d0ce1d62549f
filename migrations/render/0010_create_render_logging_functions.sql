-- create_render_logging_functions (video-platform-database.md, "S3 operation tracking", "URL access
-- analytics", "Performance monitoring"): the workers log a job's S3 operations and the accesses to its result
-- URL, and record performance samples. Executable by service_role only.
-- depends: 0009_create_render_timeline_functions

create function public.log_storage_operation(
    p_job_id uuid,
    p_operation public.storage_operation,
    p_bucket text,
    p_object_key text,
    p_success boolean default true,
    p_bytes bigint default null,
    p_duration_ms integer default null,
    p_error_message text default null,
    p_metadata jsonb default '{}'
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_id uuid;
begin
    if p_job_id is null then
        raise exception 'p_job_id is required' using errcode = '22023';
    end if;
    if p_operation is null then
        raise exception 'p_operation is required (upload, download, delete, access)' using errcode = '22023';
    end if;
    if p_bucket is null or length(p_bucket) not between 3 and 63 then
        raise exception 'p_bucket must be an S3 bucket name of 3 to 63 characters, got %', coalesce(quote_literal(p_bucket), 'null')
        using errcode = '22023';
    end if;
    if p_object_key is null or length(p_object_key) not between 1 and 1024 then
        raise exception 'p_object_key must be an S3 key of 1 to 1024 characters, got %', coalesce(quote_literal(p_object_key), 'null')
        using errcode = '22023';
    end if;
    if p_success is null then
        raise exception 'p_success must be true or false, got null' using errcode = '22023';
    end if;
    if not p_success and (p_error_message is null or btrim(p_error_message) = '') then
        raise exception 'p_error_message is required when p_success is false' using errcode = '22023';
    end if;
    if p_bytes < 0 then
        raise exception 'p_bytes must be >= 0, got %', p_bytes using errcode = '22023';
    end if;
    if p_duration_ms < 0 then
        raise exception 'p_duration_ms must be >= 0 milliseconds, got %', p_duration_ms using errcode = '22023';
    end if;
    if p_metadata is not null and jsonb_typeof(p_metadata) <> 'object' then
        raise exception 'p_metadata must be a JSON object, got %', jsonb_typeof(p_metadata) using errcode = '22023';
    end if;
    perform from public.jobs where id = p_job_id;
    if not found then
        raise exception 'job % not found (p_job_id)', p_job_id using errcode = 'P0002';
    end if;
    insert into public.storage_operations (
        job_id, operation, bucket, object_key, bytes, duration_ms, success, error_message, metadata
    )
    values (
        p_job_id, p_operation, p_bucket, p_object_key, p_bytes, p_duration_ms, p_success, p_error_message,
        coalesce(p_metadata, '{}')
    )
    returning id into v_id;
    return v_id;
end
$$;
comment on function public.log_storage_operation(
    uuid, public.storage_operation, text, text, boolean, bigint, integer, text, jsonb
) is
'Logs one S3 operation of a job (video-platform-database.md, "S3 operation tracking"). p_job_id: the job; '
'p_operation: upload, download, delete or access; p_bucket: bucket name (3..63 characters); p_object_key: key '
'(1..1024 characters); p_success: outcome; p_bytes: bytes transferred (>= 0); p_duration_ms: milliseconds '
'(>= 0); p_error_message: required when p_success is false; p_metadata: JSON object. Returns the operation id '
'(uuid). Errors: 22023 bad parameter, P0002 unknown job. Writes nothing on error. Executable by service_role only.';
revoke all on function public.log_storage_operation(uuid, public.storage_operation, text, text, boolean, bigint, integer, text, jsonb) from public, anon, authenticated, service_role;
grant execute on function public.log_storage_operation(uuid, public.storage_operation, text, text, boolean, bigint, integer, text, jsonb) to service_role;

create function public.log_url_access(
    p_job_id uuid,
    p_url text,
    p_ip_address inet default null,
    p_user_agent text default null,
    p_referrer text default null,
    p_country_code text default null,
    p_geolocation jsonb default '{}',
    p_bytes_transferred bigint default null,
    p_response_time_ms integer default null,
    p_status_code integer default 200
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_id uuid;
begin
    if p_job_id is null then
        raise exception 'p_job_id is required' using errcode = '22023';
    end if;
    if p_url is null or p_url !~ '^(https?|s3)://\S+$' then
        raise exception 'p_url must be an http(s):// or s3:// URL, got %', coalesce(quote_literal(p_url), 'null')
        using errcode = '22023';
    end if;
    if p_country_code !~ '^[A-Z]{2}$' then
        raise exception 'p_country_code must be an ISO 3166-1 alpha-2 code such as DE, got %', quote_literal(p_country_code)
        using errcode = '22023';
    end if;
    if p_geolocation is not null and jsonb_typeof(p_geolocation) <> 'object' then
        raise exception 'p_geolocation must be a JSON object, got %', jsonb_typeof(p_geolocation) using errcode = '22023';
    end if;
    if p_bytes_transferred < 0 then
        raise exception 'p_bytes_transferred must be >= 0, got %', p_bytes_transferred using errcode = '22023';
    end if;
    if p_response_time_ms < 0 then
        raise exception 'p_response_time_ms must be >= 0 milliseconds, got %', p_response_time_ms using errcode = '22023';
    end if;
    if p_status_code not between 100 and 599 then
        raise exception 'p_status_code must be an HTTP status between 100 and 599, got %', p_status_code
        using errcode = '22023';
    end if;
    perform from public.jobs where id = p_job_id;
    if not found then
        raise exception 'job % not found (p_job_id)', p_job_id using errcode = 'P0002';
    end if;
    insert into public.url_access_logs (
        job_id, url, ip_address, user_agent, referrer, country_code, geolocation, bytes_transferred,
        response_time_ms, status_code
    )
    values (
        p_job_id, p_url, p_ip_address, p_user_agent, p_referrer, p_country_code, coalesce(p_geolocation, '{}'),
        p_bytes_transferred, p_response_time_ms, p_status_code
    )
    returning id into v_id;
    return v_id;
end
$$;
comment on function public.log_url_access(uuid, text, inet, text, text, text, jsonb, bigint, integer, integer) is
'Logs one access to a job''s result URL (video-platform-database.md, "URL access analytics"). p_job_id: the job; '
'p_url: the URL accessed (http(s):// or s3://); p_ip_address, p_user_agent, p_referrer: who asked; '
'p_country_code: ISO 3166-1 alpha-2 (e.g. DE); p_geolocation: JSON object (e.g. {"city": "Berlin"}); '
'p_bytes_transferred: bytes (>= 0); p_response_time_ms: milliseconds (>= 0); p_status_code: HTTP status '
'100..599. Returns the log id (uuid). Errors: 22023 bad parameter, P0002 unknown job. Writes nothing on error. '
'Executable by service_role only.';
revoke all on function public.log_url_access(uuid, text, inet, text, text, text, jsonb, bigint, integer, integer) from public, anon, authenticated, service_role;
grant execute on function public.log_url_access(uuid, text, inet, text, text, text, jsonb, bigint, integer, integer) to service_role;

create function public.record_system_metric(
    p_metric_name text,
    p_metric_value numeric,
    p_unit text default null,
    p_tags jsonb default '{}',
    p_warning_threshold numeric default null,
    p_critical_threshold numeric default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_id uuid;
begin
    if p_metric_name is null or p_metric_name !~ '^[a-z][a-z0-9_.]{0,99}$' then
        raise exception 'p_metric_name must be a lowercase dotted name such as queue.depth (a-z, 0-9, _ and ., at most 100), got %',
            coalesce(quote_literal(p_metric_name), 'null')
        using errcode = '22023';
    end if;
    if p_metric_value is null or not (p_metric_value > '-Infinity' and p_metric_value < 'Infinity') then
        raise exception 'p_metric_value must be a finite number, got %', coalesce(p_metric_value::text, 'null')
        using errcode = '22023';
    end if;
    if length(p_unit) not between 1 and 20 then
        raise exception 'p_unit must be 1 to 20 characters (e.g. ms, bytes, percent), got %', quote_literal(p_unit)
        using errcode = '22023';
    end if;
    if p_tags is not null and jsonb_typeof(p_tags) <> 'object' then
        raise exception 'p_tags must be a JSON object, got %', jsonb_typeof(p_tags) using errcode = '22023';
    end if;
    if not (p_warning_threshold > '-Infinity' and p_warning_threshold < 'Infinity')
        or not (p_critical_threshold > '-Infinity' and p_critical_threshold < 'Infinity') then
        raise exception 'p_warning_threshold and p_critical_threshold must be finite numbers, got % and %',
            p_warning_threshold, p_critical_threshold
        using errcode = '22023';
    end if;
    insert into public.system_metrics (metric_name, metric_value, unit, tags, warning_threshold, critical_threshold)
    values (p_metric_name, p_metric_value, p_unit, coalesce(p_tags, '{}'), p_warning_threshold, p_critical_threshold)
    returning id into v_id;
    return v_id;
end
$$;
comment on function public.record_system_metric(text, numeric, text, jsonb, numeric, numeric) is
'Records one performance sample (video-platform-database.md, "Performance monitoring: metrics collection, '
'alerting"). p_metric_name: lowercase dotted name (e.g. queue.depth); p_metric_value: finite number; p_unit: '
'e.g. ms, bytes, percent (1..20 characters); p_tags: JSON object; p_warning_threshold, p_critical_threshold: '
'alert thresholds (higher is worse when warning <= critical, lower is worse otherwise; see view system_health). '
'Returns the sample id (uuid). Errors: 22023 bad parameter. Writes nothing on error. Executable by service_role '
'only.';
revoke all on function public.record_system_metric(text, numeric, text, jsonb, numeric, numeric) from public, anon, authenticated, service_role;
grant execute on function public.record_system_metric(text, numeric, text, jsonb, numeric, numeric) to service_role;
