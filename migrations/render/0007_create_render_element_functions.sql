-- create_render_element_functions (video-platform-database.md, table elements, "Users can add elements to
-- their jobs", "Service accounts can update processing status"): add_job_element and add_job_elements for end
-- users (security invoker: the elements insert policy applies; the validation trigger checks canvas and
-- timeline), update_element_status for the workers (service_role).
-- depends: 0006_create_render_job_api

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
revoke all on function public.add_job_element(
    uuid, public.element_type, text, numeric, numeric, integer, integer, integer, integer, public.fit_mode, integer,
    text, jsonb
) from public, anon, authenticated, service_role;
grant execute on function public.add_job_element(
    uuid, public.element_type, text, numeric, numeric, integer, integer, integer, integer, public.fit_mode, integer,
    text, jsonb
) to anon, authenticated, service_role;

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
    v_ids uuid [] := '{}'::uuid [];
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
    for v_elem, v_idx in select e.elem, (e.ord - 1)::integer from jsonb_array_elements(p_elements) with ordinality as e (elem, ord) loop
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
    for v_elem, v_idx in select e.elem, (e.ord - 1)::integer from jsonb_array_elements(p_elements) with ordinality as e (elem, ord) loop
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
revoke all on function public.add_job_elements(uuid, jsonb) from public, anon, authenticated, service_role;
grant execute on function public.add_job_elements(uuid, jsonb) to anon, authenticated, service_role;

create function public.update_element_status(
    p_element_id uuid,
    p_status text,
    p_local_path text default null,
    p_error_message text default null,
    p_job_id uuid default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_job_id uuid := p_job_id;
    v_status text;
    v_processed_at timestamptz;
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
    if v_job_id is null then
        -- Without the key, the element's job by the element's id alone (idx_elements_id); an element never
        -- changes its job.
        select e.job_id into v_job_id from public.elements as e where e.id = p_element_id;
    end if;
    select e.processing_status into v_status from public.elements as e
    where e.job_id = v_job_id and e.id = p_element_id
    for update;
    if not found then
        raise exception 'element % not found (p_element_id%)', p_element_id,
            coalesce(format(' of job %s, p_job_id', p_job_id), '')
        using errcode = 'P0002';
    end if;
    if v_status in ('completed', 'failed') then
        raise exception 'element % is already %: a finished element keeps its status', p_element_id, v_status
        using errcode = '55000';
    end if;
    if v_status = 'processing' and p_status = 'processing' then
        return;
    end if;
    if p_status in ('completed', 'failed') then
        v_processed_at := now();
    end if;
    update public.elements
    set processing_status = p_status,
        local_path = coalesce(p_local_path, local_path),
        error_message = coalesce(p_error_message, error_message),
        processed_at = v_processed_at
    where job_id = v_job_id and id = p_element_id;
end
$$;
comment on function public.update_element_status(uuid, text, text, text, uuid) is
'Worker update of an element''s processing status (video-platform-database.md, elements "processing status"). '
'p_element_id: the element; p_status: processing, completed or failed (pending -> processing -> completed | '
'failed; a finished element stays finished); p_local_path: where the media was cached; p_error_message: '
'required for failed; p_job_id: the element''s job (optional: the distribution key; with it the element is '
'found by (job_id, id), without it by its id alone). Sets processed_at when the element finishes. Returns '
'nothing. Errors: 22023 bad parameter, P0002 unknown element (or not of p_job_id), 55000 element already '
'finished. Writes nothing on error. Executable by service_role only.';
revoke all on function public.update_element_status(uuid, text, text, text, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.update_element_status(uuid, text, text, text, uuid) to service_role;
