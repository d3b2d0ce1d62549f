-- create_render_job_api (video-platform-database.md, "Database functions for job management"): what end users
-- call on their jobs, anonymous callers of the public API included: create_job and cancel_job. Security
-- invoker, so the jobs policies decide (a job the caller cannot see is not found); executable by anon,
-- authenticated and service_role.
-- depends: 0005_create_render_monitoring

create function public.create_job(
    p_output_format text,
    p_width integer,
    p_height integer,
    p_fps numeric default 30,
    p_client_ip inet default null,
    p_user_agent text default null,
    p_metadata jsonb default '{}',
    p_response_type public.response_type default 'immediate',
    p_duration_seconds numeric default null,
    p_user_id uuid default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_end_user boolean := current_setting('role', true) in ('anon', 'authenticated')
        or coalesce(auth.role(), '') in ('anon', 'authenticated');
    v_user_agent text := p_user_agent;
    v_job_id uuid;
    v_recorded_ip inet;
begin
    if p_output_format is null or p_output_format not in ('mp4', 'webm', 'mov', 'mkv', 'gif') then
        raise exception 'p_output_format must be one of mp4, webm, mov, mkv, gif, got %',
            coalesce(quote_literal(p_output_format), 'null')
        using errcode = '22023';
    end if;
    if p_width is null or p_width not between 16 and 8192 then
        raise exception 'p_width must be between 16 and 8192 pixels, got %', coalesce(p_width::text, 'null')
        using errcode = '22023';
    end if;
    if p_height is null or p_height not between 16 and 8192 then
        raise exception 'p_height must be between 16 and 8192 pixels, got %', coalesce(p_height::text, 'null')
        using errcode = '22023';
    end if;
    if p_output_format <> 'gif' and (p_width % 2 <> 0 or p_height % 2 <> 0) then
        raise exception 'p_width and p_height must be even for % output, got %x%', p_output_format, p_width, p_height
        using errcode = '22023';
    end if;
    if p_fps is null or p_fps <= 0 or p_fps > 120 then
        raise exception 'p_fps must be > 0 and <= 120 frames per second, got %', coalesce(p_fps::text, 'null')
        using errcode = '22023';
    end if;
    if p_duration_seconds <= 0 or p_duration_seconds > 14400 then
        raise exception 'p_duration_seconds must be > 0 and <= 14400 seconds (or null), got %', p_duration_seconds
        using errcode = '22023';
    end if;
    if p_metadata is not null and jsonb_typeof(p_metadata) <> 'object' then
        raise exception 'p_metadata must be a JSON object, got %', jsonb_typeof(p_metadata) using errcode = '22023';
    end if;
    if length(p_user_agent) > 1000 then
        raise exception 'p_user_agent must be at most 1000 characters, got %', length(p_user_agent)
        using errcode = '22023';
    end if;
    if p_response_type is null then
        raise exception 'p_response_type must be immediate or async, got null' using errcode = '22023';
    end if;

    if not v_end_user then
        -- A service account or a direct session records what it passes (the API server's caller).
        insert into public.jobs (
            user_id, client_ip, user_agent, output_format, width, height, fps, duration_seconds, response_type, metadata
        )
        values (
            p_user_id, p_client_ip, p_user_agent, p_output_format, p_width, p_height, p_fps, p_duration_seconds,
            p_response_type, coalesce(p_metadata, '{}')
        )
        returning id into v_job_id;
        return v_job_id;
    end if;

    -- An API caller: the column defaults record its own user (auth.uid()) and address (client_ip()), and the
    -- RLS insert policy checks them.
    if p_user_id is not null and p_user_id is distinct from auth.uid() then
        raise exception 'p_user_id % is not the signed-in user (%): a user can only create jobs for itself',
            p_user_id, coalesce(auth.uid()::text, 'anonymous')
        using errcode = '42501';
    end if;
    if v_user_agent is null then
        begin
            v_user_agent := left(nullif(current_setting('request.headers', true), '')::jsonb ->> 'user-agent', 1000);
        exception when data_exception then
            v_user_agent := null;
        end;
    end if;
    begin
        insert into public.jobs (
            user_agent, output_format, width, height, fps, duration_seconds, response_type, metadata
        )
        values (
            v_user_agent, p_output_format, p_width, p_height, p_fps, p_duration_seconds, p_response_type,
            coalesce(p_metadata, '{}')
        )
        returning id, client_ip into v_job_id, v_recorded_ip;
    exception when insufficient_privilege then
        raise exception 'this request cannot own a job: an anonymous job needs the caller''s address (x-forwarded-for '
            'request header) and a signed-in one its user id (sub claim)'
        using errcode = '42501';
    end;
    if p_client_ip is not null and p_client_ip is distinct from v_recorded_ip then
        raise exception 'p_client_ip % is not the address of this request (%): an API caller''s job records its own address',
            p_client_ip, coalesce(host(v_recorded_ip), 'none')
        using errcode = '42501';
    end if;
    return v_job_id;
end
$$;
comment on function public.create_job(text, integer, integer, numeric, inet, text, jsonb, public.response_type, numeric, uuid) is
'Creates a pending render job (video-platform-database.md, "Test database functions": '
'create_job(''mp4'', 1920, 1080, 25, ''127.0.0.1''::inet, ''test-agent'', ''{}'')). p_output_format: mp4, webm, '
'mov, mkv or gif; p_width, p_height: canvas in pixels, 16..8192, even unless gif; p_fps: frames per second, '
'> 0 and <= 120; p_client_ip: the public API caller''s address; p_user_agent: its user agent (default: the '
'request''s User-Agent header); p_metadata: JSON object; p_response_type: immediate or async; '
'p_duration_seconds: timeline length in seconds (<= 14400) or null; p_user_id: owner. For an API caller (anon, '
'authenticated) the job records the request''s own address (x-forwarded-for) and user (auth.uid()): a different '
'p_client_ip or p_user_id is refused, and so is an anonymous request without an address. Service accounts and '
'direct sessions record what they pass. Security invoker: the jobs insert policies apply. Returns the job id '
'(uuid). Errors: 22023 bad parameter, 42501 address or user not the caller''s. Writes nothing on error. '
'Executable by anon, authenticated, service_role.';
revoke all on function public.create_job(text, integer, integer, numeric, inet, text, jsonb, public.response_type, numeric, uuid) from public, anon, authenticated, service_role;
grant execute on function public.create_job(text, integer, integer, numeric, inet, text, jsonb, public.response_type, numeric, uuid) to anon, authenticated, service_role;

create function public.cancel_job(p_job_id uuid, p_reason text default null) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_status public.job_status;
begin
    if p_job_id is null then
        raise exception 'p_job_id is required' using errcode = '22023';
    end if;
    if length(p_reason) > 1000 then
        raise exception 'p_reason must be at most 1000 characters, got %', length(p_reason) using errcode = '22023';
    end if;
    select status into v_status from public.jobs where id = p_job_id;
    if not found then
        raise exception 'job % not found (p_job_id)', p_job_id using errcode = 'P0002';
    end if;
    if v_status not in ('pending', 'processing') then
        raise exception 'job % is already %: only a pending or processing job can be cancelled', p_job_id, v_status
        using errcode = '55000';
    end if;
    update public.jobs
    set status = 'cancelled',
        error_message = coalesce(nullif(btrim(p_reason), ''), 'cancelled'),
        error_code = 'CANCELLED'
    where id = p_job_id and status in ('pending', 'processing')
    returning status into v_status;
    if not found then
        select status into v_status from public.jobs where id = p_job_id;
        raise exception 'job % is already %: only a pending or processing job can be cancelled', p_job_id, v_status
        using errcode = '55000';
    end if;
end
$$;
comment on function public.cancel_job(uuid, text) is
'Cancels a pending or processing job (video-platform-database.md, job_status cancelled). p_job_id: a job the '
'caller can see (RLS: anon its own anonymous jobs, a signed-in user its own, admins and service accounts any); '
'p_reason: optional text (<= 1000 characters) kept in error_message (default ''cancelled''), error_code becomes '
'CANCELLED. Security invoker: the jobs cancel policies apply. Returns nothing. Errors: 22023 bad parameter, '
'P0002 unknown job or not the caller''s, 55000 job already finished. Writes nothing on error. Executable by anon, '
'authenticated, service_role.';
revoke all on function public.cancel_job(uuid, text) from public, anon, authenticated, service_role;
grant execute on function public.cancel_job(uuid, text) to anon, authenticated, service_role;
