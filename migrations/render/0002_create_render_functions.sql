-- create_render_functions (video-platform-database.md, migration 002_functions.sql): the job management,
-- timeline, storage, analytics, maintenance and security functions. The document's auth.* helpers live in
-- dreamcut_private (Supabase closes auth to new objects): auth.user_role() -> dreamcut_private.user_role(),
-- auth.is_admin() -> dreamcut_private.is_admin(), auth.client_ip() -> dreamcut_private.client_ip(),
-- auth.can_subscribe_to_job(uuid) -> dreamcut_private.can_subscribe_to_job(uuid).
-- Who may run what: the end-user functions (create_job, add_job_element(s), cancel_job, the read-only
-- analytics) are security invoker, so the RLS policies decide, and are granted to anon, authenticated and
-- service_role; maintenance is security definer, granted to authenticated (admins only, checked inside) and
-- service_role; the retention procedures that commit per batch (cleanup_old_*_in_batches) are security
-- invoker, for service_role; everything a worker does is granted to service_role only.
-- depends: 0001_create_render_schema

-- ---------------------------------------------------------------------------------------------------------
-- Security helpers (the document's auth.* functions). Security definer so that RLS policies can call them
-- without the API roles needing USAGE on dreamcut_private.
-- ---------------------------------------------------------------------------------------------------------

create function dreamcut_private.user_role() returns text
language sql stable
security definer
set search_path = ''
as $$
    select case coalesce(
            case when current_setting('role', true) in ('anon', 'authenticated', 'service_role')
                then current_setting('role', true) end,
            case when auth.role() in ('anon', 'authenticated', 'service_role') then auth.role() end,
            'service_role'
        )
        when 'anon' then 'anon'
        when 'authenticated' then
            case when coalesce(auth.jwt() -> 'app_metadata' ->> 'role', '') = 'admin' then 'admin' else 'authenticated' end
        else 'service_account'
    end
$$;
comment on function dreamcut_private.user_role() is
'The document''s auth.user_role() (video-platform-database.md, "Authentication Roles"). Returns text: ''anon'' '
'(anonymous API caller), ''authenticated'' (signed-in user), ''admin'' (signed-in user whose JWT carries '
'app_metadata.role = ''admin'', a claim only the server can set; user_metadata is never trusted) or '
'''service_account'' (service_role, or a direct database session such as a worker or a DBA). The API role is '
'the session role PostgREST sets, else the JWT role claim. Raises nothing.';

create function dreamcut_private.is_admin() returns boolean
language sql stable
security definer
set search_path = ''
as $$
    select dreamcut_private.user_role() = 'admin'
$$;
comment on function dreamcut_private.is_admin() is
'The document''s auth.is_admin() (video-platform-database.md): true when the caller is a signed-in user whose '
'JWT app_metadata.role is ''admin'' (trusted claim; user_metadata is ignored). Returns boolean; raises nothing.';

create function dreamcut_private.request_header(p_name text) returns text
language plpgsql stable
security definer
set search_path = ''
as $$
begin
    return nullif(current_setting('request.headers', true), '')::jsonb ->> lower(p_name);
exception when data_exception then
    return null;
end
$$;
comment on function dreamcut_private.request_header(text) is
'One HTTP request header as PostgREST passes them in the request.headers setting (a JSON object with lowercase '
'names). p_name: header name (any case). Returns text, or null when absent, outside PostgREST or unreadable. '
'Raises nothing.';

create function dreamcut_private.client_ip() returns inet
language plpgsql stable
security definer
set search_path = ''
as $$
declare
    v_forwarded text := btrim(split_part(dreamcut_private.request_header('x-forwarded-for'), ',', 1));
begin
    if v_forwarded is null or v_forwarded = '' then
        return null;
    end if;
    return v_forwarded::inet;
exception when data_exception then
    return null;
end
$$;
comment on function dreamcut_private.client_ip() is
'The document''s auth.client_ip() (video-platform-database.md): the public API caller''s address, the first '
'entry of the x-forwarded-for header PostgREST passes in request.headers (set by the Supabase gateway). '
'Returns inet, or null outside an HTTP request or when the header is missing or not an address. Raises nothing.';

create function dreamcut_private.can_subscribe_to_job(p_job_id uuid) returns boolean
language sql stable
security definer
set search_path = ''
as $$
    select exists (
        select from public.jobs as j
        where j.id = p_job_id
            and case dreamcut_private.user_role()
                when 'anon' then j.user_id is null and j.client_ip = dreamcut_private.client_ip()
                when 'authenticated' then j.user_id = auth.uid()
                else true
            end
    )
$$;
comment on function dreamcut_private.can_subscribe_to_job(uuid) is
'The document''s auth.can_subscribe_to_job(uuid) (video-platform-database.md, "Real-time Subscriptions"): true '
'when the caller may see job p_job_id and so follow its realtime updates, by the same rule as the jobs RLS '
'policies: anon the anonymous jobs of its own address, a signed-in user its own jobs, admins and service '
'accounts every job. Returns boolean (false for an unknown job); raises nothing. For Realtime Authorization '
'policies and triggers.';

-- ---------------------------------------------------------------------------------------------------------
-- Validation helpers
-- ---------------------------------------------------------------------------------------------------------

create function dreamcut_private.element_input_error(
    p_canvas_width integer,
    p_canvas_height integer,
    p_timeline_seconds numeric,
    p_type public.element_type,
    p_source_url text,
    p_text_content text,
    p_position_x integer,
    p_position_y integer,
    p_width integer,
    p_height integer,
    p_start_time numeric,
    p_duration numeric,
    p_layer_order integer,
    p_metadata jsonb
) returns text
language plpgsql immutable
set search_path = ''
as $$
declare
    v_x integer := coalesce(p_position_x, 0);
    v_y integer := coalesce(p_position_y, 0);
    v_width integer;
    v_height integer;
begin
    if p_type is null then
        return 'type is required (video, image, audio, text or overlay)';
    end if;
    if p_type = 'text' and (p_text_content is null or btrim(p_text_content) = '') then
        return 'text_content is required for a text element, got ' || coalesce(quote_literal(p_text_content), 'null');
    end if;
    if length(p_text_content) > 10000 then
        return 'text_content must be at most 10000 characters, got ' || length(p_text_content);
    end if;
    if p_type <> 'text' and p_source_url is null then
        return format('source_url is required for %s elements', p_type);
    end if;
    if p_source_url is not null and (p_source_url !~ '^(https?|s3)://\S+$' or length(p_source_url) > 2048) then
        return 'source_url must be an http(s):// or s3:// URL of at most 2048 characters, got '
            || quote_literal(left(p_source_url, 200));
    end if;
    if p_type = 'audio' then
        if num_nonnulls(p_position_x, p_position_y, p_width, p_height) > 0 then
            return 'position_x, position_y, width and height must be null for an audio element';
        end if;
    else
        if v_x < 0 or v_x >= p_canvas_width then
            return format('position_x must be between 0 and %s (canvas width %s px), got %s',
                p_canvas_width - 1, p_canvas_width, v_x);
        end if;
        if v_y < 0 or v_y >= p_canvas_height then
            return format('position_y must be between 0 and %s (canvas height %s px), got %s',
                p_canvas_height - 1, p_canvas_height, v_y);
        end if;
        v_width := coalesce(p_width, p_canvas_width - v_x);
        v_height := coalesce(p_height, p_canvas_height - v_y);
        if v_width <= 0 or v_x + v_width > p_canvas_width then
            return format('width must be between 1 and %s px so that the element ends inside the %s px wide canvas '
                '(position_x %s), got %s', p_canvas_width - v_x, p_canvas_width, v_x, v_width);
        end if;
        if v_height <= 0 or v_y + v_height > p_canvas_height then
            return format('height must be between 1 and %s px so that the element ends inside the %s px high canvas '
                '(position_y %s), got %s', p_canvas_height - v_y, p_canvas_height, v_y, v_height);
        end if;
    end if;
    if p_start_time is null or p_start_time < 0 or p_start_time >= 14400 then
        return 'start_time must be >= 0 and < 14400 seconds, got ' || coalesce(trim_scale(p_start_time)::text, 'null');
    end if;
    if p_duration is not null and (p_duration <= 0 or p_duration > 14400) then
        return 'duration must be > 0 and <= 14400 seconds (or null), got ' || trim_scale(p_duration);
    end if;
    if p_timeline_seconds is not null and p_start_time >= p_timeline_seconds then
        return format('start_time must be before the end of the job''s %s s timeline, got %s',
            trim_scale(p_timeline_seconds), trim_scale(p_start_time));
    end if;
    if p_timeline_seconds is not null and p_start_time + coalesce(p_duration, 0) > p_timeline_seconds then
        return format('start_time + duration must be <= the job''s %s s timeline, got %s + %s',
            trim_scale(p_timeline_seconds), trim_scale(p_start_time), trim_scale(p_duration));
    end if;
    if p_layer_order is null or p_layer_order not between 0 and 1000 then
        return 'layer_order must be between 0 and 1000, got ' || coalesce(p_layer_order::text, 'null');
    end if;
    if p_metadata is not null and jsonb_typeof(p_metadata) <> 'object' then
        return 'metadata must be a JSON object, got ' || jsonb_typeof(p_metadata);
    end if;
    return null;
end
$$;
comment on function dreamcut_private.element_input_error(
    integer, integer, numeric, public.element_type, text, text, integer, integer, integer, integer, numeric, numeric,
    integer, jsonb
) is
'Validates one element against its job (video-platform-database.md, "element inside the job''s canvas and '
'timeline"). p_canvas_width, p_canvas_height: the job''s canvas in pixels; p_timeline_seconds: the job''s '
'duration_seconds (null: open); the other parameters are the element''s columns (pixels, seconds). A null '
'position is 0 and a null size reaches the canvas edge. Returns null when valid, else the reason, starting with '
'the column name and naming the bad value. Raises nothing.';

create function dreamcut_private.require_admin_or_service(p_function text) returns void
language plpgsql stable
set search_path = ''
as $$
begin
    if dreamcut_private.user_role() not in ('admin', 'service_account') then
        raise exception '% is for admins and service accounts only (caller: %)', p_function, dreamcut_private.user_role()
        using errcode = '42501';
    end if;
end
$$;
comment on function dreamcut_private.require_admin_or_service(text) is
'Guard of the maintenance functions (video-platform-database.md, "Clean up old data (admin only)"). p_function: '
'the caller''s name for the message. Returns nothing; raises 42501 unless user_role() is admin or service_account.';

-- ---------------------------------------------------------------------------------------------------------
-- Job management
-- ---------------------------------------------------------------------------------------------------------

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

create function public.add_job_element(
    p_job_id uuid,
    p_type public.element_type,
    p_source_url text default null,
    p_start_time numeric default 0,
    p_duration numeric default null,
    p_position_x integer default null,
    p_position_y integer default null,
    p_width integer default null,
    p_height integer default null,
    p_fit_mode public.fit_mode default 'auto',
    p_layer_order integer default 0,
    p_text_content text default null,
    p_metadata jsonb default '{}'
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_status public.job_status;
    v_element_id uuid;
    v_constraint text;
    v_detail text;
begin
    if p_job_id is null then
        raise exception 'p_job_id is required' using errcode = '22023';
    end if;
    if p_fit_mode is null then
        raise exception 'p_fit_mode must be one of auto, contain, cover, fill, stretch, got null' using errcode = '22023';
    end if;
    if p_metadata is not null and jsonb_typeof(p_metadata) <> 'object' then
        raise exception 'p_metadata must be a JSON object, got %', jsonb_typeof(p_metadata) using errcode = '22023';
    end if;
    select status into v_status from public.jobs where id = p_job_id;
    if not found then
        raise exception 'job % not found (p_job_id)', p_job_id using errcode = 'P0002';
    end if;
    if v_status <> 'pending' then
        raise exception 'job % is %: elements can only be added while it is pending', p_job_id, v_status
        using errcode = '55000';
    end if;
    begin
        insert into public.elements (
            job_id, type, source_url, text_content, position_x, position_y, width, height, fit_mode, start_time,
            duration, layer_order, metadata
        )
        values (
            p_job_id, p_type, p_source_url, p_text_content, p_position_x, p_position_y, p_width, p_height,
            p_fit_mode, p_start_time, p_duration, p_layer_order, coalesce(p_metadata, '{}')
        )
        returning id into v_element_id;
    exception when check_violation or not_null_violation then
        get stacked diagnostics v_constraint = constraint_name, v_detail = pg_exception_detail;
        if v_constraint = 'elements_layout' then
            -- The validation trigger names the column and the value: name the parameter.
            raise exception 'p_%', v_detail using errcode = '22023';
        end if;
        raise;
    end;
    return v_element_id;
end
$$;
comment on function public.add_job_element(
    uuid, public.element_type, text, numeric, numeric, integer, integer, integer, integer, public.fit_mode, integer,
    text, jsonb
) is
'Adds one element to a pending job (video-platform-database.md, "Users can add elements to their jobs"). '
'p_job_id: a job the caller can see (RLS: anon its own anonymous jobs, a user its own, admins all); p_type: '
'video, image, audio, text or overlay; p_source_url: http(s):// or s3:// media URL (required except for text); '
'p_start_time: seconds on the timeline (>= 0); p_duration: seconds (> 0) or null; p_position_x, p_position_y: '
'top-left corner in pixels (default 0); p_width, p_height: box in pixels (default: to the canvas edge); the box '
'must lie inside the job''s canvas and an audio element has none; the element must end inside the job''s '
'timeline when it has one; p_fit_mode; p_layer_order: 0..1000; p_text_content: the text of a text element; '
'p_metadata: JSON object. Security invoker: the elements insert policy applies. Returns the element id (uuid). '
'Errors: 22023 bad parameter (named, with its value), P0002 unknown job or not the caller''s, 55000 job no '
'longer pending. Writes nothing on error. Executable by anon, authenticated, service_role.';

create function public.add_job_elements(p_job_id uuid, p_elements jsonb) returns uuid[]
language plpgsql volatile
set search_path = ''
as $$
declare
    v_status public.job_status;
    v_elem jsonb;
    v_idx integer;
    v_error text;
    v_id uuid;
    v_ids uuid [] := '{}';
    v_constraint text;
    v_detail text;
begin
    if p_job_id is null then
        raise exception 'p_job_id is required' using errcode = '22023';
    end if;
    if p_elements is null or jsonb_typeof(p_elements) <> 'array' then
        raise exception 'p_elements must be a JSON array of element objects, got %', coalesce(jsonb_typeof(p_elements), 'null')
        using errcode = '22023';
    end if;
    if jsonb_array_length(p_elements) > 500 then
        raise exception 'p_elements holds % elements; at most 500 are allowed per call', jsonb_array_length(p_elements)
        using errcode = '22023';
    end if;
    select status into v_status from public.jobs where id = p_job_id;
    if not found then
        raise exception 'job % not found (p_job_id)', p_job_id using errcode = 'P0002';
    end if;

    -- The shape of every element first: keys and JSON types.
    for v_elem, v_idx in select e.elem, e.ord - 1 from jsonb_array_elements(p_elements) with ordinality as e (elem, ord) loop
        v_error := case
            when jsonb_typeof(v_elem) <> 'object' then
                'must be a JSON object, got ' || jsonb_typeof(v_elem)
            when exists (
                select from jsonb_object_keys(v_elem) as k (key)
                where k.key not in (
                    'type', 'source_url', 'text_content', 'position_x', 'position_y', 'width', 'height', 'fit_mode',
                    'start_time', 'duration', 'layer_order', 'metadata'
                )
            ) then
                'unknown key ' || (
                    select quote_literal(min(k.key)) from jsonb_object_keys(v_elem) as k (key)
                    where k.key not in (
                        'type', 'source_url', 'text_content', 'position_x', 'position_y', 'width', 'height',
                        'fit_mode', 'start_time', 'duration', 'layer_order', 'metadata'
                    )
                ) || ' (allowed: type, source_url, text_content, position_x, position_y, width, height, fit_mode, '
                || 'start_time, duration, layer_order, metadata)'
            when jsonb_typeof(v_elem -> 'type') is distinct from 'string'
                or v_elem ->> 'type' not in ('video', 'image', 'audio', 'text', 'overlay') then
                'type must be one of video, image, audio, text, overlay, got '
                || coalesce((v_elem -> 'type')::text, 'nothing')
            when coalesce(jsonb_typeof(v_elem -> 'fit_mode'), 'null') <> 'null'
                and (jsonb_typeof(v_elem -> 'fit_mode') <> 'string'
                    or v_elem ->> 'fit_mode' not in ('auto', 'contain', 'cover', 'fill', 'stretch')) then
                'fit_mode must be one of auto, contain, cover, fill, stretch, got ' || (v_elem -> 'fit_mode')::text
            when coalesce(jsonb_typeof(v_elem -> 'source_url'), 'null') not in ('string', 'null') then
                'source_url must be a string, got ' || (v_elem -> 'source_url')::text
            when coalesce(jsonb_typeof(v_elem -> 'text_content'), 'null') not in ('string', 'null') then
                'text_content must be a string, got ' || (v_elem -> 'text_content')::text
            when coalesce(jsonb_typeof(v_elem -> 'metadata'), 'null') not in ('object', 'null') then
                'metadata must be a JSON object, got ' || (v_elem -> 'metadata')::text
            else (
                select f.key || ' must be a whole number, got ' || (v_elem -> f.key)::text
                from unnest(array['position_x', 'position_y', 'width', 'height', 'layer_order']) as f (key)
                where coalesce(jsonb_typeof(v_elem -> f.key), 'null') <> 'null'
                    and (jsonb_typeof(v_elem -> f.key) <> 'number'
                        or (v_elem ->> f.key)::numeric <> trunc((v_elem ->> f.key)::numeric)
                        or abs((v_elem ->> f.key)::numeric) > 1000000)
                union all
                select f.key || ' must be a number of seconds between 0 and 14400, got ' || (v_elem -> f.key)::text
                from unnest(array['start_time', 'duration']) as f (key)
                where coalesce(jsonb_typeof(v_elem -> f.key), 'null') <> 'null'
                    and (jsonb_typeof(v_elem -> f.key) <> 'number' or abs((v_elem ->> f.key)::numeric) > 14400)
                limit 1
            )
        end;
        if v_error is not null then
            raise exception 'p_elements[%]: %', v_idx, v_error using errcode = '22023';
        end if;
    end loop;
    if v_status <> 'pending' then
        raise exception 'job % is %: elements can only be added while it is pending', p_job_id, v_status
        using errcode = '55000';
    end if;

    -- Then each element, in order; the validation trigger checks canvas and timeline.
    for v_elem, v_idx in select e.elem, e.ord - 1 from jsonb_array_elements(p_elements) with ordinality as e (elem, ord) loop
        begin
            insert into public.elements (
                job_id, type, source_url, text_content, position_x, position_y, width, height, fit_mode,
                start_time, duration, layer_order, metadata
            )
            values (
                p_job_id, (v_elem ->> 'type')::public.element_type, v_elem ->> 'source_url', v_elem ->> 'text_content',
                (v_elem ->> 'position_x')::numeric::integer, (v_elem ->> 'position_y')::numeric::integer,
                (v_elem ->> 'width')::numeric::integer, (v_elem ->> 'height')::numeric::integer,
                coalesce((v_elem ->> 'fit_mode')::public.fit_mode, 'auto'),
                coalesce((v_elem ->> 'start_time')::numeric, 0), (v_elem ->> 'duration')::numeric,
                coalesce((v_elem ->> 'layer_order')::numeric::integer, 0),
                coalesce(nullif(v_elem -> 'metadata', 'null'), '{}')
            )
            returning id into v_id;
        exception when check_violation or not_null_violation then
            get stacked diagnostics v_constraint = constraint_name, v_detail = pg_exception_detail;
            if v_constraint = 'elements_layout' then
                raise exception 'p_elements[%]: %', v_idx, v_detail using errcode = '22023';
            end if;
            raise;
        end;
        v_ids := v_ids || v_id;
    end loop;
    return v_ids;
end
$$;
comment on function public.add_job_elements(uuid, jsonb) is
'Adds several elements to a pending job in one call (video-platform-database.md, elements). p_job_id: a job the '
'caller can see (RLS); p_elements: JSON array (at most 500) of objects with the keys of add_job_element without '
'the p_ prefix: type (required), source_url, text_content, position_x, position_y, width, height (pixels), '
'fit_mode, start_time, duration (seconds), layer_order, metadata; the same rules apply to each. Security '
'invoker. Returns the new element ids (uuid[]) in the order of p_elements. Errors: 22023 bad parameter (the '
'message names the index and key, e.g. p_elements[2]: width ...), P0002 unknown job or not the caller''s, 55000 '
'job no longer pending. Writes nothing on error: either every element is added or none. Executable by anon, '
'authenticated, service_role.';

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

create function public.timeout_stale_jobs(
    p_stale_after interval default '30 minutes',
    p_pending_after interval default '1 day'
) returns integer
language plpgsql volatile
set search_path = ''
as $$
declare
    v_count integer;
begin
    if p_stale_after is null or p_stale_after <= interval '0' then
        raise exception 'p_stale_after must be a positive interval, got %', coalesce(p_stale_after::text, 'null')
        using errcode = '22023';
    end if;
    if p_pending_after is null or p_pending_after <= interval '0' then
        raise exception 'p_pending_after must be a positive interval, got %', coalesce(p_pending_after::text, 'null')
        using errcode = '22023';
    end if;
    with stale as (
        select j.id, j.status
        from public.jobs as j
        where (j.status = 'processing' and greatest(
                j.started_at,
                (select max(greatest(t.started_at, t.finished_at)) from public.processing_timeline as t where t.job_id = j.id)
            ) < now() - p_stale_after)
            or (j.status = 'pending' and j.created_at < now() - p_pending_after)
        for update of j skip locked
    )

    update public.jobs as j
    set status = 'timeout',
        error_code = 'TIMEOUT',
        error_message = case s.status
            when 'pending' then format('not started within %s', p_pending_after)
            else format('no processing activity for %s', p_stale_after)
        end
    from stale as s
    where j.id = s.id;
    get diagnostics v_count = row_count;
    return v_count;
end
$$;
comment on function public.timeout_stale_jobs(interval, interval) is
'Moves stale jobs to status timeout (video-platform-database.md, job_status timeout). p_stale_after: a processing '
'job whose last activity (started_at or the latest start or finish in processing_timeline) is older than this '
'(default 30 minutes); p_pending_after: a pending job created longer ago than this (default 1 day). Jobs locked '
'by a worker are skipped. Returns the number of jobs timed out. Errors: 22023 non-positive interval. Executable '
'by service_role only.';

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
    end), 0) into v_progress
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

-- ---------------------------------------------------------------------------------------------------------
-- Processing timeline and elements (workers)
-- ---------------------------------------------------------------------------------------------------------

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

create function public.complete_processing_step(
    p_timeline_id uuid,
    p_success boolean default true,
    p_error_message text default null,
    p_resource_usage jsonb default null,
    p_details jsonb default null
) returns integer
language plpgsql volatile
set search_path = ''
as $$
declare
    v_entry public.processing_timeline%rowtype;
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
    -- Lock the job row first (the lock the progress UPDATE below takes anyway): completions of one job's steps
    -- serialize on it, and that UPDATE, a later statement with a snapshot taken after the lock, counts every step
    -- whose completion committed before. Locked only by the UPDATE itself, it would compute the progress from
    -- its own older snapshot and miss the step a concurrent completion just committed (a lost update). Job row
    -- before timeline row, as in start_processing_step.
    perform from public.jobs
    where id = (select t.job_id from public.processing_timeline as t where t.id = p_timeline_id)
    for no key update;
    select * into v_entry from public.processing_timeline where id = p_timeline_id for update;
    if not found then
        raise exception 'timeline entry % not found (p_timeline_id)', p_timeline_id using errcode = 'P0002';
    end if;
    if v_entry.finished_at is not null then
        raise exception 'timeline entry % (step % of job %) already finished at %', p_timeline_id, v_entry.step,
            v_entry.job_id, v_entry.finished_at
        using errcode = '55000';
    end if;
    update public.processing_timeline
    set finished_at = greatest(clock_timestamp(), started_at),
        success = p_success,
        error_message = p_error_message,
        resource_usage = resource_usage || coalesce(p_resource_usage, '{}'),
        details = details || coalesce(p_details, '{}')
    where id = p_timeline_id;
    update public.jobs
    set progress_percentage = greatest(progress_percentage, public.calculate_job_progress(v_entry.job_id))
    where id = v_entry.job_id and status = 'processing'
    returning progress_percentage into v_progress;
    if v_progress is null then
        select progress_percentage into v_progress from public.jobs where id = v_entry.job_id;
    end if;
    return v_progress;
end
$$;
comment on function public.complete_processing_step(uuid, boolean, text, jsonb, jsonb) is
'Finishes a running processing step (video-platform-database.md, "Step-by-step processing"). p_timeline_id: the '
'id start_processing_step returned; p_success: outcome; p_error_message: required when p_success is false; '
'p_resource_usage: JSON object merged into resource_usage (e.g. {"cpu_percent": 80, "memory_mb": 512}); '
'p_details: JSON object merged into details. Sets finished_at (duration_ms follows) and, while the job is '
'processing, raises its progress to calculate_job_progress (never lowers it). Locks the job row first, so '
'concurrent completions of one job''s steps serialize and each counts the steps committed before it. A failed '
'step does not fail the job: the worker decides (retry or update_job_status failed). Returns the job''s progress '
'in percent. Errors: 22023 bad parameter, P0002 unknown entry, 55000 entry already finished. Writes nothing on '
'error. Executable by service_role only.';

create function public.update_element_status(
    p_element_id uuid,
    p_status text,
    p_local_path text default null,
    p_error_message text default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_status text;
begin
    if p_element_id is null then
        raise exception 'p_element_id is required' using errcode = '22023';
    end if;
    if p_status is null or p_status not in ('processing', 'completed', 'failed') then
        raise exception 'p_status must be one of processing, completed, failed, got %', coalesce(quote_literal(p_status), 'null')
        using errcode = '22023';
    end if;
    if p_status = 'failed' and (p_error_message is null or btrim(p_error_message) = '') then
        raise exception 'p_error_message is required when p_status is failed' using errcode = '22023';
    end if;
    select processing_status into v_status from public.elements where id = p_element_id for update;
    if not found then
        raise exception 'element % not found (p_element_id)', p_element_id using errcode = 'P0002';
    end if;
    if v_status in ('completed', 'failed') then
        raise exception 'element % is already %: a finished element keeps its status', p_element_id, v_status
        using errcode = '55000';
    end if;
    if v_status = 'processing' and p_status = 'processing' then
        return;
    end if;
    update public.elements
    set processing_status = p_status,
        local_path = coalesce(p_local_path, local_path),
        error_message = coalesce(p_error_message, error_message),
        processed_at = case when p_status in ('completed', 'failed') then now() end
    where id = p_element_id;
end
$$;
comment on function public.update_element_status(uuid, text, text, text) is
'Worker update of an element''s processing status (video-platform-database.md, elements "processing status"). '
'p_element_id: the element; p_status: processing, completed or failed (pending -> processing -> completed | '
'failed; a finished element stays finished); p_local_path: where the media was cached; p_error_message: '
'required for failed. Returns nothing. Errors: 22023 bad parameter, P0002 unknown element, 55000 element already '
'finished. Writes nothing on error. Executable by service_role only.';

-- ---------------------------------------------------------------------------------------------------------
-- Storage, access logs and metrics (workers)
-- ---------------------------------------------------------------------------------------------------------

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

-- ---------------------------------------------------------------------------------------------------------
-- Analytics (security invoker: callers see statistics of the jobs RLS lets them see)
-- ---------------------------------------------------------------------------------------------------------

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

-- ---------------------------------------------------------------------------------------------------------
-- Maintenance (admins and service accounts)
-- ---------------------------------------------------------------------------------------------------------

-- Retention in keyset batches: each batch deletes the next p_batch_size eligible rows in (timestamp, id) order
-- (the indexes idx_jobs_completed_at and idx_system_metrics_recorded_at), starting where the previous batch
-- ended, so no batch walks the index entries of rows deleted before it and the cost stays linear. The functions
-- run every batch in the caller's transaction; the procedures commit after each batch (psql, pg_cron).

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

create function dreamcut_private.delete_old_jobs_batch(
    p_days integer,
    p_batch_size integer,
    inout p_from_completed_at timestamptz,
    inout p_from_id uuid,
    inout p_deleted integer,
    out p_done boolean
)
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
    v_cutoff timestamptz := dreamcut_private.retention_cutoff('cleanup_old_jobs', p_days, p_batch_size);
    v_to_completed_at timestamptz;
    v_to_id uuid;
    v_found integer;
    v_batch integer;
begin
    -- The batch: the next p_batch_size old jobs from the keyset on, found by an index-only walk of
    -- idx_jobs_completed_at; it ends at the last of them. completed_at is set exactly when a job is finished
    -- (constraint jobs_status_timestamps), so the status condition of the DELETE removes nothing from the range.
    select b.completed_at, b.id, b.n into v_to_completed_at, v_to_id, v_found
    from (
        select j.completed_at, j.id, row_number() over (order by j.completed_at, j.id) as n
        from public.jobs as j
        where j.completed_at < v_cutoff and (j.completed_at, j.id) >= (p_from_completed_at, p_from_id)
        order by j.completed_at, j.id
        limit p_batch_size
    ) as b
    order by b.n desc
    limit 1;
    -- The row bounds cut exactly, also between jobs that finished at the same instant; the scalar bounds give
    -- the planner a row estimate (it has none for row comparisons), so that it walks the same index.
    delete from public.jobs as j
    where j.status in ('completed', 'failed', 'cancelled', 'timeout') and j.completed_at < v_cutoff
        and j.completed_at between p_from_completed_at and v_to_completed_at
        and (j.completed_at, j.id) between (p_from_completed_at, p_from_id) and (v_to_completed_at, v_to_id);
    get diagnostics v_batch = row_count;
    p_deleted := coalesce(p_deleted, 0) + v_batch;
    p_done := coalesce(v_found, 0) < p_batch_size;
    p_from_completed_at := v_to_completed_at;
    p_from_id := v_to_id;
end
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

create function dreamcut_private.delete_old_metrics_batch(
    p_days integer,
    p_batch_size integer,
    inout p_from_recorded_at timestamptz,
    inout p_from_id uuid,
    inout p_deleted integer,
    out p_done boolean
)
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
    v_cutoff timestamptz := dreamcut_private.retention_cutoff('cleanup_old_metrics', p_days, p_batch_size);
    v_to_recorded_at timestamptz;
    v_to_id uuid;
    v_found integer;
    v_batch integer;
begin
    -- The batch: the next p_batch_size old samples from the keyset on, found by an index-only walk of
    -- idx_system_metrics_recorded_at; it ends at the last of them.
    select b.recorded_at, b.id, b.n into v_to_recorded_at, v_to_id, v_found
    from (
        select m.recorded_at, m.id, row_number() over (order by m.recorded_at, m.id) as n
        from public.system_metrics as m
        where m.recorded_at < v_cutoff and (m.recorded_at, m.id) >= (p_from_recorded_at, p_from_id)
        order by m.recorded_at, m.id
        limit p_batch_size
    ) as b
    order by b.n desc
    limit 1;
    -- The row bounds cut exactly, also between samples recorded at the same instant; the scalar bounds give the
    -- planner a row estimate (it has none for row comparisons), so that it walks the same index.
    delete from public.system_metrics as m
    where m.recorded_at < v_cutoff and m.recorded_at between p_from_recorded_at and v_to_recorded_at
        and (m.recorded_at, m.id) between (p_from_recorded_at, p_from_id) and (v_to_recorded_at, v_to_id);
    get diagnostics v_batch = row_count;
    p_deleted := coalesce(p_deleted, 0) + v_batch;
    p_done := coalesce(v_found, 0) < p_batch_size;
    p_from_recorded_at := v_to_recorded_at;
    p_from_id := v_to_id;
end
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

-- ---------------------------------------------------------------------------------------------------------
-- Rate limiting and audit logging
-- ---------------------------------------------------------------------------------------------------------

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

create function public.check_rate_limit(p_client_ip text, p_limit integer, p_interval interval) returns boolean
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
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
    values (btrim(p_client_ip), v_seconds::integer, date_bin(p_interval, now(), timestamptz '2000-01-01 00:00:00+00'), 1)
    on conflict (identifier, window_seconds, window_start)
    do update set request_count = c.request_count + 1, updated_at = now()
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

-- ---------------------------------------------------------------------------------------------------------
-- Privileges: revoke what PostgreSQL (PUBLIC) and Supabase (default privileges) grant, then grant exactly.
-- ---------------------------------------------------------------------------------------------------------

revoke all on function
dreamcut_private.user_role(),
dreamcut_private.is_admin(),
dreamcut_private.request_header(text),
dreamcut_private.client_ip(),
dreamcut_private.can_subscribe_to_job(uuid),
dreamcut_private.element_input_error(
    integer, integer, numeric, public.element_type, text, text, integer, integer, integer, integer, numeric, numeric,
    integer, jsonb
),
dreamcut_private.require_admin_or_service(text),
dreamcut_private.retention_cutoff(text, integer, integer),
dreamcut_private.delete_old_jobs_batch(integer, integer, timestamptz, uuid, integer),
dreamcut_private.delete_old_metrics_batch(integer, integer, timestamptz, uuid, integer),
public.create_job(text, integer, integer, numeric, inet, text, jsonb, public.response_type, numeric, uuid),
public.add_job_element(
    uuid, public.element_type, text, numeric, numeric, integer, integer, integer, integer, public.fit_mode, integer,
    text, jsonb
),
public.add_job_elements(uuid, jsonb),
public.update_job_status(uuid, public.job_status, text, text),
public.update_job_progress(uuid, integer, public.processing_step),
public.complete_job(uuid, text, bigint, text, text, timestamptz),
public.cancel_job(uuid, text),
public.timeout_stale_jobs(interval, interval),
public.calculate_job_progress(uuid),
public.calculate_job_duration(uuid),
public.start_processing_step(uuid, public.processing_step, jsonb),
public.complete_processing_step(uuid, boolean, text, jsonb, jsonb),
public.update_element_status(uuid, text, text, text),
public.log_storage_operation(uuid, public.storage_operation, text, text, boolean, bigint, integer, text, jsonb),
public.log_url_access(uuid, text, inet, text, text, text, jsonb, bigint, integer, integer),
public.record_system_metric(text, numeric, text, jsonb, numeric, numeric),
public.get_job_statistics(timestamptz, timestamptz),
public.get_storage_statistics(timestamptz, timestamptz),
public.cleanup_old_jobs(integer, integer),
public.cleanup_old_metrics(integer, integer),
public.enforce_data_retention(integer, integer, integer, integer),
public.log_security_event(text, jsonb),
public.check_rate_limit(text, integer, interval)
from public, anon, authenticated, service_role;
revoke all on procedure
public.cleanup_old_jobs_in_batches(integer, integer, integer),
public.cleanup_old_metrics_in_batches(integer, integer, integer)
from public, anon, authenticated, service_role;

-- The security helpers run inside RLS policies and column defaults as the API roles.
grant execute on function
dreamcut_private.user_role(),
dreamcut_private.is_admin(),
dreamcut_private.client_ip(),
dreamcut_private.can_subscribe_to_job(uuid)
to anon, authenticated, service_role;

-- End-user API: security invoker, the RLS policies decide.
grant execute on function
public.create_job(text, integer, integer, numeric, inet, text, jsonb, public.response_type, numeric, uuid),
public.add_job_element(
    uuid, public.element_type, text, numeric, numeric, integer, integer, integer, integer, public.fit_mode, integer,
    text, jsonb
),
public.add_job_elements(uuid, jsonb),
public.cancel_job(uuid, text),
public.calculate_job_progress(uuid),
public.calculate_job_duration(uuid),
public.get_job_statistics(timestamptz, timestamptz),
public.get_storage_statistics(timestamptz, timestamptz)
to anon, authenticated, service_role;

-- Maintenance: admins (checked inside) and service accounts.
grant execute on function
public.cleanup_old_jobs(integer, integer),
public.cleanup_old_metrics(integer, integer),
public.enforce_data_retention(integer, integer, integer, integer)
to authenticated, service_role;

-- The committing procedures and their batches: service accounts with a database session (psql, pg_cron, a
-- worker); PostgREST cannot call procedures.
grant execute on function
dreamcut_private.delete_old_jobs_batch(integer, integer, timestamptz, uuid, integer),
dreamcut_private.delete_old_metrics_batch(integer, integer, timestamptz, uuid, integer)
to service_role;
grant execute on procedure
public.cleanup_old_jobs_in_batches(integer, integer, integer),
public.cleanup_old_metrics_in_batches(integer, integer, integer)
to service_role;

-- Workers only.
grant execute on function
public.update_job_status(uuid, public.job_status, text, text),
public.update_job_progress(uuid, integer, public.processing_step),
public.complete_job(uuid, text, bigint, text, text, timestamptz),
public.timeout_stale_jobs(interval, interval),
public.start_processing_step(uuid, public.processing_step, jsonb),
public.complete_processing_step(uuid, boolean, text, jsonb, jsonb),
public.update_element_status(uuid, text, text, text),
public.log_storage_operation(uuid, public.storage_operation, text, text, boolean, bigint, integer, text, jsonb),
public.log_url_access(uuid, text, inet, text, text, text, jsonb, bigint, integer, integer),
public.record_system_metric(text, numeric, text, jsonb, numeric, numeric),
public.log_security_event(text, jsonb),
public.check_rate_limit(text, integer, interval)
to service_role;
