-- create_render_rate_limiting (video-platform-database.md, "Rate limiting", "Audit logging"): check_rate_limit
-- (fixed-window counters in dreamcut_private.rate_limit_counters) and log_security_event (the audit log
-- dreamcut_private.security_events). Building blocks for the API server: security definer, executable by
-- service_role only.
-- depends: 0013_create_render_retention

create function public.log_security_event(p_event_type text, p_details jsonb default '{}') returns uuid
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
    v_id uuid;
begin
    if p_event_type is null or p_event_type !~ '^[a-z][a-z0-9_.:-]{0,99}$' then
        raise exception 'p_event_type must be a lowercase name such as unauthorized_access (a-z, 0-9, _ . : -, at most 100), got %',
            coalesce(quote_literal(p_event_type), 'null')
        using errcode = '22023';
    end if;
    if p_details is not null and jsonb_typeof(p_details) <> 'object' then
        raise exception 'p_details must be a JSON object, got %', jsonb_typeof(p_details) using errcode = '22023';
    end if;
    if octet_length(p_details::text) > 10000 then
        raise exception 'p_details must be at most 10000 bytes of JSON, got %', octet_length(p_details::text)
        using errcode = '22023';
    end if;
    insert into dreamcut_private.security_events (event_type, details, api_role, user_id, client_ip)
    values (
        p_event_type, coalesce(p_details, '{}'), dreamcut_private.user_role(), auth.uid(), dreamcut_private.client_ip()
    )
    returning id into v_id;
    return v_id;
end
$$;
comment on function public.log_security_event(text, jsonb) is
'Audit logging (video-platform-database.md, "SELECT log_security_event(''unauthorized_access'', ''{...}'')"). '
'p_event_type: lowercase name (a-z, 0-9, _ . : -, <= 100 characters); p_details: JSON object (<= 10000 bytes). '
'Records the event in dreamcut_private.security_events with the caller''s user_role(), auth.uid() and '
'client_ip(). Returns the event id (uuid). Errors: 22023 bad parameter. Writes nothing on error. Executable by '
'service_role only (the API server logs on behalf of its callers).';
revoke all on function public.log_security_event(text, jsonb) from public, anon, authenticated, service_role;
grant execute on function public.log_security_event(text, jsonb) to service_role;

create function public.check_rate_limit(p_client_ip text, p_limit integer, p_interval interval) returns boolean
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
    v_now timestamptz := now();
    v_seconds numeric;
    v_count integer;
begin
    if p_client_ip is null or btrim(p_client_ip) = '' or length(p_client_ip) > 255 then
        raise exception 'p_client_ip must be a non-empty identifier of at most 255 characters (e.g. a client address), got %',
            coalesce(quote_literal(p_client_ip), 'null')
        using errcode = '22023';
    end if;
    if p_limit is null or p_limit < 1 then
        raise exception 'p_limit must be at least 1 request, got %', coalesce(p_limit::text, 'null') using errcode = '22023';
    end if;
    v_seconds := extract(epoch from p_interval);
    if p_interval is null or date_part('month', p_interval) <> 0 or date_part('year', p_interval) <> 0
        or v_seconds < 1 or v_seconds > 31 * 86400 or v_seconds <> trunc(v_seconds) then
        raise exception 'p_interval must be whole seconds between 1 second and 31 days (no months or years), got %',
            coalesce(p_interval::text, 'null')
        using errcode = '22023';
    end if;
    insert into dreamcut_private.rate_limit_counters as c (identifier, window_seconds, window_start, request_count)
    values (btrim(p_client_ip), v_seconds::integer, date_bin(p_interval, v_now, timestamptz '2000-01-01 00:00:00+00'), 1)
    on conflict (identifier, window_seconds, window_start)
    -- v_now, a value: Citus takes no stable function in DO UPDATE SET.
    do update set request_count = c.request_count + 1, updated_at = v_now
    returning c.request_count into v_count;
    if v_count = p_limit + 1 then
        perform public.log_security_event('rate_limit_exceeded', jsonb_build_object(
            'identifier', btrim(p_client_ip), 'limit', p_limit, 'interval', p_interval::text
        ));
    end if;
    return v_count <= p_limit;
end
$$;
comment on function public.check_rate_limit(text, integer, interval) is
'Counts one request and says whether it is within the limit (video-platform-database.md, "SELECT '
'check_rate_limit(''client-ip'', 100, ''1 hour''::interval)"). p_client_ip: the identifier limited (a client '
'address, a user id, an API key; <= 255 characters); p_limit: requests allowed per window (>= 1); p_interval: '
'window length, whole seconds from 1 second to 31 days. Fixed windows aligned on 2000-01-01 UTC; each call adds '
'one to the window''s counter with INSERT ... ON CONFLICT DO UPDATE, so concurrent callers lose no count, and '
'refused calls count too. Returns true while the window''s count is <= p_limit, false after; the first refusal '
'of a window logs a rate_limit_exceeded security event. Errors: 22023 bad parameter. Executable by service_role '
'only.';
revoke all on function public.check_rate_limit(text, integer, interval) from public, anon, authenticated, service_role;
grant execute on function public.check_rate_limit(text, integer, interval) to service_role;
