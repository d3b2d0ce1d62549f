-- create_multimedia_procedures (video-pipeline-content-multimedia.md, "Multimedia Generation Workflow",
-- "Supabase Storage Integration", "Batch Operations: bulk asset registration"): the multimedia manager's
-- operations as stored procedures. All run as the caller (security invoker), so the company isolation
-- policies apply to them exactly as to direct table access: another company's rows are "not found" (P0002).
-- depends: 0003_create_multimedia_triggers

create function public.create_multimedia_session(
    p_content_id uuid,
    p_module_name text default null,
    p_employee_name text default null,
    p_session_type text default 'full_generation',
    p_generation_config jsonb default '{}',
    p_content_sections text[] default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_content record;
    v_session_id uuid;
begin
    if p_content_id is null then
        raise exception 'p_content_id is required' using errcode = '22023';
    end if;
    if p_module_name is not null and btrim(p_module_name) = '' then
        raise exception 'p_module_name must not be blank' using errcode = '22023';
    end if;
    if p_session_type is null
        or p_session_type not in ('full_generation', 'section_video', 'audio_only', 'slides_only', 'regeneration') then
        raise exception 'p_session_type must be one of full_generation, section_video, audio_only, slides_only, '
            'regeneration, got %', coalesce(quote_literal(p_session_type), 'null')
        using errcode = '22023';
    end if;
    if p_generation_config is not null and jsonb_typeof(p_generation_config) <> 'object' then
        raise exception 'p_generation_config must be a JSON object, got %', jsonb_typeof(p_generation_config)
        using errcode = '22023';
    end if;
    if not p_content_sections <@ public.cm_content_sections() then
        raise exception 'p_content_sections must hold sections of %, got %', public.cm_content_sections(),
            p_content_sections
        using errcode = '22023';
    end if;
    select content_id, company_id, module_name, employee_name into v_content
    from public.cm_module_content where content_id = p_content_id;
    if not found then
        raise exception 'content % not found (p_content_id)', p_content_id using errcode = 'P0002';
    end if;

    insert into public.mm_multimedia_sessions (
        content_id, company_id, session_type, module_name, employee_name, generation_config, content_sections,
        current_stage
    )
    values (
        p_content_id, v_content.company_id, p_session_type, coalesce(p_module_name, v_content.module_name),
        coalesce(p_employee_name, v_content.employee_name), coalesce(p_generation_config, '{}'),
        coalesce(p_content_sections, public.cm_content_sections()), 'initialization'
    )
    returning session_id into v_session_id;
    return v_session_id;
end
$$;
comment on function public.create_multimedia_session(uuid, text, text, text, jsonb, text[]) is
'Starts a multimedia generation session for a module''s content (video-pipeline-content-multimedia.md, '
'"Multimedia Generation Workflow" step 1, create_multimedia_session). p_content_id: the content (its company '
'is the session''s); p_module_name, p_employee_name: default the content''s; p_session_type: full_generation | '
'section_video | audio_only | slides_only | regeneration; p_generation_config: JSON object; p_content_sections: '
'text[] of sections to generate (default all of cm_content_sections()). Returns the new session_id (uuid); '
'status started, stage initialization, progress 0, counters 0. Errors: 22023 bad parameter, P0002 unknown '
'content (or another company''s). Writes nothing on error.';
revoke all on function public.create_multimedia_session(uuid, text, text, text, jsonb, text[])
from public, anon, authenticated, service_role;
grant execute on function public.create_multimedia_session(uuid, text, text, text, jsonb, text[])
to authenticated, service_role;

create function public.register_multimedia_asset(
    p_session_id uuid,
    p_content_id uuid default null,
    p_asset_type text default null,
    p_file_path text default null,
    p_duration_seconds double precision default null,
    p_storage_bucket text default 'multimedia-assets',
    p_section_name text default 'complete_module',
    p_asset_name text default null,
    p_file_size_bytes bigint default null,
    p_mime_type text default null,
    p_generation_config jsonb default '{}',
    p_status text default 'generated',
    p_public_url text default null,
    p_storage_path text default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_session record;
    v_name text := coalesce(p_asset_name, substring(p_file_path from '[^/]+$'));
    v_prefix text;
    v_stamp text;
    v_asset_id uuid;
begin
    if p_session_id is null then
        raise exception 'p_session_id is required' using errcode = '22023';
    end if;
    if p_asset_type is null or p_asset_type not in ('video', 'audio', 'slide', 'script', 'thumbnail', 'presentation') then
        raise exception 'p_asset_type must be one of video, audio, slide, script, thumbnail, presentation, got %',
            coalesce(quote_literal(p_asset_type), 'null')
        using errcode = '22023';
    end if;
    if v_name is null or v_name !~ '^[^/[:cntrl:]]{1,255}$' or v_name in ('.', '..') then
        raise exception 'p_asset_name (or the file name of p_file_path) must be a file name of 1..255 characters '
            'without a slash, got %', coalesce(quote_literal(coalesce(p_asset_name, p_file_path)), 'null')
        using errcode = '22023';
    end if;
    if p_section_name is null or p_section_name !~ '^[a-z0-9][a-z0-9_-]{0,62}$' then
        raise exception 'p_section_name must be a lowercase path segment (a-z, 0-9, _ and -), e.g. introduction or '
            'complete_module, got %', coalesce(quote_literal(p_section_name), 'null')
        using errcode = '22023';
    end if;
    if not (p_duration_seconds >= 0 and p_duration_seconds < 'Infinity') then
        raise exception 'p_duration_seconds must be >= 0 seconds, got %', p_duration_seconds using errcode = '22023';
    end if;
    if p_file_size_bytes < 0 then
        raise exception 'p_file_size_bytes must be >= 0, got %', p_file_size_bytes using errcode = '22023';
    end if;
    if p_storage_bucket is null or p_storage_bucket !~ '^[a-z0-9][a-z0-9._-]{1,62}$' then
        raise exception 'p_storage_bucket must be a bucket name, got %', coalesce(quote_literal(p_storage_bucket), 'null')
        using errcode = '22023';
    end if;
    if p_mime_type is not null and p_mime_type !~* '^[a-z]+/[a-z0-9][a-z0-9.+_-]*$' then
        raise exception 'p_mime_type must be a MIME type such as video/mp4, got %', quote_literal(p_mime_type)
        using errcode = '22023';
    end if;
    if p_generation_config is not null and jsonb_typeof(p_generation_config) <> 'object' then
        raise exception 'p_generation_config must be a JSON object, got %', jsonb_typeof(p_generation_config)
        using errcode = '22023';
    end if;
    if p_status is null or p_status not in ('generated', 'processed', 'failed') then
        raise exception 'p_status must be one of generated, processed, failed, got %',
            coalesce(quote_literal(p_status), 'null')
        using errcode = '22023';
    end if;
    v_prefix := p_asset_type || '/' || p_section_name || '/';
    v_stamp := case when length(p_storage_path) > length(v_prefix) + length(v_name) + 1
        then substr(p_storage_path, length(v_prefix) + 1, length(p_storage_path) - length(v_prefix) - length(v_name) - 1)
    end;
    if p_storage_path is not null and not (
        starts_with(p_storage_path, v_prefix) and right(p_storage_path, length(v_name) + 1) = '_' || v_name
        and coalesce(v_stamp ~ '^[0-9][0-9TZ_.:-]*$', false)
    ) then
        raise exception 'p_storage_path must follow {asset_type}/{section_name}/{timestamp}_{filename}, i.e. '
            '%<timestamp>_%, got %', v_prefix, v_name, quote_literal(p_storage_path)
        using errcode = '22023';
    end if;

    select session_id, content_id, company_id into v_session
    from public.mm_multimedia_sessions where session_id = p_session_id;
    if not found then
        raise exception 'multimedia session % not found (p_session_id)', p_session_id using errcode = 'P0002';
    end if;
    if p_content_id is distinct from null and p_content_id <> v_session.content_id then
        raise exception 'p_content_id % is not the content of session % (%)', p_content_id, p_session_id,
            v_session.content_id
        using errcode = '22023';
    end if;

    insert into public.mm_multimedia_assets (
        session_id, content_id, company_id, asset_type, asset_name, file_path, file_size_bytes, mime_type,
        section_name, duration_seconds, generation_config, status, storage_bucket, storage_path, public_url
    )
    values (
        p_session_id, v_session.content_id, v_session.company_id, p_asset_type, v_name, p_file_path,
        p_file_size_bytes,
        coalesce(p_mime_type, case lower(substring(v_name from '\.([A-Za-z0-9]+)$'))
            when 'mp4' then 'video/mp4' when 'webm' then 'video/webm' when 'mov' then 'video/quicktime'
            when 'mp3' then 'audio/mpeg' when 'wav' then 'audio/wav' when 'm4a' then 'audio/mp4'
            when 'ogg' then 'audio/ogg' when 'png' then 'image/png' when 'jpg' then 'image/jpeg'
            when 'jpeg' then 'image/jpeg' when 'webp' then 'image/webp' when 'svg' then 'image/svg+xml'
            when 'pdf' then 'application/pdf' when 'html' then 'text/html' when 'txt' then 'text/plain'
            when 'md' then 'text/markdown' when 'json' then 'application/json' when 'vtt' then 'text/vtt'
            when 'srt' then 'application/x-subrip'
            when 'pptx' then 'application/vnd.openxmlformats-officedocument.presentationml.presentation'
        end),
        p_section_name, p_duration_seconds, coalesce(p_generation_config, '{}'), p_status, p_storage_bucket,
        coalesce(p_storage_path, public.mm_storage_path(p_asset_type, p_section_name, v_name, clock_timestamp())),
        p_public_url
    )
    returning asset_id into v_asset_id;
    return v_asset_id;
end
$$;
comment on function public.register_multimedia_asset(
    uuid, uuid, text, text, double precision, text, text, text, bigint, text, jsonb, text, text, text
) is
'Registers one generated asset of a session (video-pipeline-content-multimedia.md, "Multimedia Generation '
'Workflow" step 2, register_multimedia_asset). p_session_id: the session (its content and company are the '
'asset''s); p_content_id: optional, must be the session''s content; p_asset_type: video | audio | slide | script '
'| thumbnail | presentation (required); p_file_path: local path; p_duration_seconds: seconds >= 0; '
'p_storage_bucket: default multimedia-assets; p_section_name: lowercase path segment, default complete_module; '
'p_asset_name: file name (default: the last part of p_file_path); p_file_size_bytes: bytes >= 0; p_mime_type: '
'default guessed from the extension (mp4, webm, mov, mp3, wav, m4a, ogg, png, jpg, webp, svg, pdf, html, txt, '
'md, json, vtt, srt, pptx); p_generation_config: JSON object; p_status: generated | processed | failed; '
'p_public_url: text; p_storage_path: default mm_storage_path(type, section, name, clock time) = '
'{asset_type}/{section_name}/{YYYYMMDD_HHMMSS_us}_{filename}; a given path must follow the same pattern. '
'Returns the new asset_id (uuid). The session''s counters follow by trigger. Errors: 22023 bad parameter '
'(unknown asset type, negative duration, bad name, section, bucket, MIME type or path, content of another '
'session), P0002 unknown session (or another company''s), 55000 session completed or failed, 23505 storage '
'path already used in the bucket. Writes nothing on error.';
revoke all on function public.register_multimedia_asset(
    uuid, uuid, text, text, double precision, text, text, text, bigint, text, jsonb, text, text, text
) from public, anon, authenticated, service_role;
grant execute on function public.register_multimedia_asset(
    uuid, uuid, text, text, double precision, text, text, text, bigint, text, jsonb, text, text, text
) to authenticated, service_role;

create function public.register_multimedia_assets(p_session_id uuid, p_assets jsonb)
returns table (ordinal integer, asset_id uuid, storage_path text)
language plpgsql volatile
set search_path = ''
as $$
declare
    v_bad record;
    v_index integer;
    v_asset jsonb;
    v_ids uuid[] := '{}';
begin
    if p_assets is null or jsonb_typeof(p_assets) <> 'array' then
        raise exception 'p_assets must be a JSON array of asset objects, got %', coalesce(jsonb_typeof(p_assets), 'null')
        using errcode = '22023';
    end if;
    if jsonb_array_length(p_assets) not between 1 and 1000 then
        raise exception 'p_assets holds % assets; 1 to 1000 are allowed', jsonb_array_length(p_assets)
        using errcode = '22023';
    end if;
    select e.ord - 1 as idx, k.key, jsonb_typeof(e.elem) as elem_type, jsonb_typeof(k.value) as value_type,
        allowed.kind
    into v_bad
    from jsonb_array_elements(p_assets) with ordinality as e (elem, ord)
    left join lateral jsonb_each(case when jsonb_typeof(e.elem) = 'object' then e.elem end) as k on true
    left join (
        values
        ('content_id', 'string'), ('asset_type', 'string'), ('file_path', 'string'), ('duration_seconds', 'number'),
        ('storage_bucket', 'string'), ('section_name', 'string'), ('asset_name', 'string'),
        ('file_size_bytes', 'number'), ('mime_type', 'string'), ('generation_config', 'object'), ('status', 'string'),
        ('public_url', 'string'), ('storage_path', 'string')
    ) as allowed (key, kind) on allowed.key = k.key
    where jsonb_typeof(e.elem) <> 'object'
        or k.key is not null and allowed.key is null
        or jsonb_typeof(k.value) not in ('null', allowed.kind)
        or k.key = 'file_size_bytes' and case when jsonb_typeof(k.value) = 'number' then
            k.value::numeric <> trunc(k.value::numeric) or abs(k.value::numeric) > 9223372036854775807 else false end
        or k.key = 'content_id' and case when jsonb_typeof(k.value) = 'string' then
            k.value #>> '{}' !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' else false end
    order by e.ord, k.key
    limit 1;
    if found then
        if v_bad.elem_type <> 'object' then
            raise exception 'p_assets[%] must be a JSON object, got %', v_bad.idx, v_bad.elem_type
            using errcode = '22023';
        end if;
        if v_bad.kind is null then
            raise exception 'p_assets[%]: unknown key % (keys: content_id, asset_type, file_path, duration_seconds, '
                'storage_bucket, section_name, asset_name, file_size_bytes, mime_type, generation_config, status, '
                'public_url, storage_path)', v_bad.idx, quote_literal(v_bad.key)
            using errcode = '22023';
        end if;
        raise exception 'p_assets[%].% must be a JSON % (a whole number for file_size_bytes, a uuid for content_id), '
            'got %', v_bad.idx, v_bad.key, v_bad.kind, v_bad.value_type
        using errcode = '22023';
    end if;

    -- One asset after the other through register_multimedia_asset: the same checks, defaults and storage path.
    -- Any failure undoes the whole call and names the element.
    begin
        for v_asset, v_index in
            select e.elem, e.ord - 1 from jsonb_array_elements(p_assets) with ordinality as e (elem, ord) order by e.ord
        loop
            v_ids := v_ids || public.register_multimedia_asset(
                p_session_id => p_session_id,
                p_content_id => (v_asset ->> 'content_id')::uuid,
                p_asset_type => v_asset ->> 'asset_type',
                p_file_path => v_asset ->> 'file_path',
                p_duration_seconds => (v_asset ->> 'duration_seconds')::double precision,
                p_storage_bucket => coalesce(v_asset ->> 'storage_bucket', 'multimedia-assets'),
                p_section_name => coalesce(v_asset ->> 'section_name', 'complete_module'),
                p_asset_name => v_asset ->> 'asset_name',
                p_file_size_bytes => (v_asset ->> 'file_size_bytes')::bigint,
                p_mime_type => v_asset ->> 'mime_type',
                p_generation_config => coalesce(v_asset -> 'generation_config', '{}'),
                p_status => coalesce(v_asset ->> 'status', 'generated'),
                p_public_url => v_asset ->> 'public_url',
                p_storage_path => v_asset ->> 'storage_path'
            );
        end loop;
    exception
        when invalid_parameter_value then
            raise exception 'p_assets[%]: %', v_index, sqlerrm using errcode = '22023';
        when unique_violation then
            raise exception 'p_assets[%]: %', v_index, sqlerrm using errcode = '23505';
    end;

    return query
    select i.ord::integer - 1, a.asset_id, a.storage_path
    from unnest(v_ids) with ordinality as i (id, ord)
    join public.mm_multimedia_assets as a on a.asset_id = i.id
    order by i.ord;
end
$$;
comment on function public.register_multimedia_assets(uuid, jsonb) is
'Registers several assets of a session in one call (video-pipeline-content-multimedia.md, "Batch Operations: '
'bulk asset registration"). p_session_id: the session; p_assets: JSON array of 1..1000 objects with the keys '
'of register_multimedia_asset without the p_ prefix: asset_type (required), file_path, duration_seconds '
'(number, seconds), storage_bucket, section_name, asset_name, file_size_bytes (whole number), mime_type, '
'generation_config (object), status, public_url, storage_path, content_id. Each element gets the same checks, '
'defaults and storage path as register_multimedia_asset. Returns rows (ordinal: 0-based index in p_assets, '
'asset_id, storage_path) in input order. Errors: 22023 bad parameter, naming the element as p_assets[i] '
'(unknown key, wrong JSON type, or the single-asset checks), P0002 unknown session (or another company''s), '
'55000 session completed or failed, 23505 storage path already used. All or nothing: writes nothing on error.';
revoke all on function public.register_multimedia_assets(uuid, jsonb) from public, anon, authenticated, service_role;
grant execute on function public.register_multimedia_assets(uuid, jsonb) to authenticated, service_role;

create function public.update_session_status(
    p_session_id uuid,
    p_status text default null,
    p_progress_percentage double precision default null,
    p_current_stage text default null,
    p_processing_duration_seconds integer default null
) returns public.mm_multimedia_sessions
language plpgsql volatile
set search_path = ''
as $$
declare
    v_row public.mm_multimedia_sessions;
begin
    if p_session_id is null then
        raise exception 'p_session_id is required' using errcode = '22023';
    end if;
    if p_status is not null and p_status not in ('started', 'processing', 'completed', 'failed') then
        raise exception 'p_status must be one of started, processing, completed, failed, got %', quote_literal(p_status)
        using errcode = '22023';
    end if;
    if p_progress_percentage is not null and not p_progress_percentage between 0 and 100 then
        raise exception 'p_progress_percentage must be between 0 and 100, got %', p_progress_percentage
        using errcode = '22023';
    end if;
    if p_current_stage is not null and btrim(p_current_stage) = '' then
        raise exception 'p_current_stage must not be blank' using errcode = '22023';
    end if;
    if p_processing_duration_seconds < 0 then
        raise exception 'p_processing_duration_seconds must be >= 0, got %', p_processing_duration_seconds
        using errcode = '22023';
    end if;
    if num_nonnulls(p_status, p_progress_percentage, p_current_stage, p_processing_duration_seconds) = 0 then
        raise exception 'nothing to update: give p_status, p_progress_percentage, p_current_stage or '
            'p_processing_duration_seconds'
        using errcode = '22023';
    end if;
    update public.mm_multimedia_sessions
    set status = coalesce(p_status, status),
        progress_percentage = coalesce(p_progress_percentage, progress_percentage),
        current_stage = coalesce(p_current_stage, current_stage),
        processing_duration_seconds = coalesce(p_processing_duration_seconds, processing_duration_seconds)
    where session_id = p_session_id
    returning * into v_row;
    if not found then
        raise exception 'multimedia session % not found (p_session_id)', p_session_id using errcode = 'P0002';
    end if;
    return v_row;
end
$$;
comment on function public.update_session_status(uuid, text, double precision, text, integer) is
'Updates a session''s status and progress (video-pipeline-content-multimedia.md, "Multimedia Generation '
'Workflow" step 3, update_session_status). p_session_id: the session; p_status: started -> processing -> '
'completed | failed (null keeps it); p_progress_percentage: 0..100, never below the current value (completed '
'sets 100); p_current_stage: text (e.g. slides, narration, rendering); p_processing_duration_seconds: seconds '
'>= 0 (default on completion or failure: seconds since started_at). At least one is required. Returns the '
'updated mm_multimedia_sessions row (completed_at set when it finishes). Errors: 22023 bad parameter, P0002 '
'unknown session (or another company''s), 55000 transition not allowed, progress going back, or session already '
'finished. Writes nothing on error.';
revoke all on function public.update_session_status(uuid, text, double precision, text, integer)
from public, anon, authenticated, service_role;
grant execute on function public.update_session_status(uuid, text, double precision, text, integer) to authenticated, service_role;

create function public.register_audio_narration(
    p_session_id uuid,
    p_narration_name text,
    p_narration_type text default 'full_module',
    p_section_name text default null,
    p_script_content text default null,
    p_voice_config jsonb default '{}',
    p_audio_segments jsonb default '[]',
    p_master_audio_id uuid default null,
    p_total_duration_seconds double precision default null,
    p_status text default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_session record;
    v_bad record;
    v_segment_ids uuid[];
    v_master_duration numeric;
    v_narration_id uuid;
begin
    if p_session_id is null then
        raise exception 'p_session_id is required' using errcode = '22023';
    end if;
    if p_narration_name is null or btrim(p_narration_name) = '' then
        raise exception 'p_narration_name is required, got %', coalesce(quote_literal(p_narration_name), 'null')
        using errcode = '22023';
    end if;
    if p_narration_type is null or p_narration_type not in ('full_module', 'section') then
        raise exception 'p_narration_type must be full_module or section, got %',
            coalesce(quote_literal(p_narration_type), 'null')
        using errcode = '22023';
    end if;
    if p_narration_type = 'section' and (p_section_name is null or p_section_name <> all (public.cm_content_sections())) then
        raise exception 'p_section_name must be one of % for a section narration, got %', public.cm_content_sections(),
            coalesce(quote_literal(p_section_name), 'null')
        using errcode = '22023';
    end if;
    if p_narration_type = 'full_module' and p_section_name is not null then
        raise exception 'p_section_name is only for narration type section, got % for full_module',
            quote_literal(p_section_name)
        using errcode = '22023';
    end if;
    if p_voice_config is null or jsonb_typeof(p_voice_config) <> 'object' then
        raise exception 'p_voice_config must be a JSON object, got %', coalesce(jsonb_typeof(p_voice_config), 'null')
        using errcode = '22023';
    end if;
    if p_audio_segments is null or jsonb_typeof(p_audio_segments) <> 'array' then
        raise exception 'p_audio_segments must be a JSON array, got %', coalesce(jsonb_typeof(p_audio_segments), 'null')
        using errcode = '22023';
    end if;
    if not (p_total_duration_seconds >= 0 and p_total_duration_seconds < 'Infinity') then
        raise exception 'p_total_duration_seconds must be >= 0 seconds, got %', p_total_duration_seconds
        using errcode = '22023';
    end if;
    if p_status is not null and p_status not in ('pending', 'synthesizing', 'completed', 'failed') then
        raise exception 'p_status must be one of pending, synthesizing, completed, failed, got %', quote_literal(p_status)
        using errcode = '22023';
    end if;

    select session_id, content_id, company_id into v_session
    from public.mm_multimedia_sessions where session_id = p_session_id;
    if not found then
        raise exception 'multimedia session % not found (p_session_id)', p_session_id using errcode = 'P0002';
    end if;

    select s.ord - 1 as idx, s.seg into v_bad
    from jsonb_array_elements(p_audio_segments) with ordinality as s (seg, ord)
    where jsonb_typeof(s.seg) <> 'object'
        or coalesce(jsonb_typeof(s.seg -> 'duration_seconds'), 'null') not in ('number', 'null')
        or case when jsonb_typeof(s.seg -> 'duration_seconds') = 'number'
            then (s.seg ->> 'duration_seconds')::numeric < 0 else false end
        or coalesce(jsonb_typeof(s.seg -> 'asset_id'), 'null') not in ('string', 'null')
        or jsonb_typeof(s.seg -> 'asset_id') = 'string' and not exists (
            select from public.mm_multimedia_assets as a
            where a.asset_id::text = lower(s.seg ->> 'asset_id') and a.session_id = p_session_id
                and a.asset_type = 'audio'
        )
    order by s.ord
    limit 1;
    if found then
        raise exception 'p_audio_segments[%] must be an object with an optional duration_seconds >= 0 and an '
            'optional asset_id of an audio asset of session %, got %', v_bad.idx, p_session_id, v_bad.seg
        using errcode = '22023';
    end if;
    if p_master_audio_id is not null then
        select a.duration_seconds into v_master_duration from public.mm_multimedia_assets as a
        where a.asset_id = p_master_audio_id and a.session_id = p_session_id and a.asset_type = 'audio';
        if not found then
            raise exception 'p_master_audio_id % is not an audio asset of session %', p_master_audio_id, p_session_id
            using errcode = '22023';
        end if;
    end if;
    v_segment_ids := array(
        select (s.seg ->> 'asset_id')::uuid
        from jsonb_array_elements(p_audio_segments) with ordinality as s (seg, ord)
        where s.seg ? 'asset_id' and jsonb_typeof(s.seg -> 'asset_id') = 'string'
        order by s.ord
    );

    insert into public.mm_audio_narrations (
        session_id, content_id, company_id, narration_name, narration_type, section_name, total_duration_seconds,
        audio_segments, voice_config, script_content, master_audio_id, segments_audio_ids, status
    )
    values (
        p_session_id, v_session.content_id, v_session.company_id, p_narration_name, p_narration_type, p_section_name,
        coalesce(
            p_total_duration_seconds,
            (select sum((s.seg ->> 'duration_seconds')::numeric) from jsonb_array_elements(p_audio_segments) as s (seg)),
            v_master_duration,
            0
        ),
        p_audio_segments, p_voice_config, p_script_content, p_master_audio_id, v_segment_ids,
        coalesce(
            p_status,
            case when p_master_audio_id is not null or cardinality(v_segment_ids) > 0 then 'completed' else 'pending' end
        )
    )
    returning narration_id into v_narration_id;
    return v_narration_id;
end
$$;
comment on function public.register_audio_narration(uuid, text, text, text, text, jsonb, jsonb, uuid, double precision, text) is
'Registers an audio narration of a session with its segments (video-pipeline-content-multimedia.md, '
'mm_audio_narrations). p_session_id: the session; p_narration_name: non-empty text; p_narration_type: '
'full_module | section; p_section_name: a section of cm_content_sections(), required for and only for type '
'section; p_script_content: the full script; p_voice_config: JSON object (voice, speed, ...); p_audio_segments: '
'JSON array of segment objects in order, each with optional duration_seconds (number >= 0) and asset_id (an '
'audio asset of the session) and any other keys; p_master_audio_id: the full narration''s audio asset of the '
'session; p_total_duration_seconds: seconds >= 0 (default: sum of the segments'' durations, else the master''s '
'duration, else 0); p_status: pending | synthesizing | completed | failed (default completed when audio is '
'given, else pending). segments_audio_ids is the segments'' asset_ids in order. Returns the new narration_id '
'(uuid). Errors: 22023 bad parameter (bad segment p_audio_segments[i], asset not an audio asset of the '
'session), P0002 unknown session (or another company''s). Writes nothing on error.';
revoke all on function public.register_audio_narration(uuid, text, text, text, text, jsonb, jsonb, uuid, double precision, text)
from public, anon, authenticated, service_role;
grant execute on function public.register_audio_narration(uuid, text, text, text, text, jsonb, jsonb, uuid, double precision, text)
to authenticated, service_role;

create function public.register_slide_presentation(
    p_session_id uuid,
    p_presentation_name text,
    p_slide_order jsonb default '[]',
    p_presentation_type text default 'module',
    p_template_used text default null,
    p_theme_config jsonb default '{}',
    p_pdf_asset_id uuid default null,
    p_pptx_asset_id uuid default null,
    p_html_asset_id uuid default null,
    p_status text default 'completed'
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_session record;
    v_bad record;
    v_presentation_id uuid;
begin
    if p_session_id is null then
        raise exception 'p_session_id is required' using errcode = '22023';
    end if;
    if p_presentation_name is null or btrim(p_presentation_name) = '' then
        raise exception 'p_presentation_name is required, got %', coalesce(quote_literal(p_presentation_name), 'null')
        using errcode = '22023';
    end if;
    if p_presentation_type is null or btrim(p_presentation_type) = '' then
        raise exception 'p_presentation_type is required, got %', coalesce(quote_literal(p_presentation_type), 'null')
        using errcode = '22023';
    end if;
    if p_slide_order is null or jsonb_typeof(p_slide_order) <> 'array' then
        raise exception 'p_slide_order must be a JSON array of slides, got %', coalesce(jsonb_typeof(p_slide_order), 'null')
        using errcode = '22023';
    end if;
    if p_theme_config is null or jsonb_typeof(p_theme_config) <> 'object' then
        raise exception 'p_theme_config must be a JSON object, got %', coalesce(jsonb_typeof(p_theme_config), 'null')
        using errcode = '22023';
    end if;
    if p_status is null or p_status not in ('draft', 'generating', 'completed', 'failed') then
        raise exception 'p_status must be one of draft, generating, completed, failed, got %',
            coalesce(quote_literal(p_status), 'null')
        using errcode = '22023';
    end if;

    select session_id, content_id, company_id into v_session
    from public.mm_multimedia_sessions where session_id = p_session_id;
    if not found then
        raise exception 'multimedia session % not found (p_session_id)', p_session_id using errcode = 'P0002';
    end if;
    select e.name, e.id into v_bad
    from (values (1, 'p_pdf_asset_id', p_pdf_asset_id), (2, 'p_pptx_asset_id', p_pptx_asset_id),
        (3, 'p_html_asset_id', p_html_asset_id)) as e (ord, name, id)
    where e.id is not null and not exists (
        select from public.mm_multimedia_assets as a
        where a.asset_id = e.id and a.session_id = p_session_id and a.asset_type = 'presentation'
    )
    order by e.ord
    limit 1;
    if found then
        raise exception '% % is not a presentation asset of session %', v_bad.name, v_bad.id, p_session_id
        using errcode = '22023';
    end if;

    insert into public.mm_slide_presentations (
        session_id, content_id, company_id, presentation_name, presentation_type, slide_order, template_used,
        theme_config, pdf_asset_id, pptx_asset_id, html_asset_id, status
    )
    values (
        p_session_id, v_session.content_id, v_session.company_id, p_presentation_name, p_presentation_type,
        p_slide_order, p_template_used, p_theme_config, p_pdf_asset_id, p_pptx_asset_id, p_html_asset_id, p_status
    )
    returning presentation_id into v_presentation_id;
    return v_presentation_id;
end
$$;
comment on function public.register_slide_presentation(uuid, text, jsonb, text, text, jsonb, uuid, uuid, uuid, text) is
'Registers a slide presentation of a session with its exports (video-pipeline-content-multimedia.md, '
'mm_slide_presentations). p_session_id: the session; p_presentation_name: non-empty text; p_slide_order: JSON '
'array of the slides in order (total_slides is its length); p_presentation_type: non-empty text (default '
'module); p_template_used: text; p_theme_config: JSON object; p_pdf_asset_id, p_pptx_asset_id, '
'p_html_asset_id: presentation assets of the session, or null (pdf_generated, pptx_generated, html_generated '
'follow); p_status: draft | generating | completed | failed. Returns the new presentation_id (uuid). Errors: '
'22023 bad parameter (export not a presentation asset of the session), P0002 unknown session (or another '
'company''s). Writes nothing on error.';
revoke all on function public.register_slide_presentation(uuid, text, jsonb, text, text, jsonb, uuid, uuid, uuid, text)
from public, anon, authenticated, service_role;
grant execute on function public.register_slide_presentation(uuid, text, jsonb, text, text, jsonb, uuid, uuid, uuid, text)
to authenticated, service_role;

create function public.list_session_assets(p_session_id uuid, p_asset_type text default null)
returns setof public.mm_multimedia_assets
language plpgsql stable
set search_path = ''
as $$
begin
    if p_asset_type is not null
        and p_asset_type not in ('video', 'audio', 'slide', 'script', 'thumbnail', 'presentation') then
        raise exception 'p_asset_type must be one of video, audio, slide, script, thumbnail, presentation (or null), '
            'got %', quote_literal(p_asset_type)
        using errcode = '22023';
    end if;
    perform from public.mm_multimedia_sessions where session_id = p_session_id;
    if not found then
        raise exception 'multimedia session % not found (p_session_id)', p_session_id using errcode = 'P0002';
    end if;
    return query
    select * from public.mm_multimedia_assets as a
    where a.session_id = p_session_id and (p_asset_type is null or a.asset_type = p_asset_type)
    order by a.created_at, a.storage_path;
end
$$;
comment on function public.list_session_assets(uuid, text) is
'The assets of a session (video-pipeline-content-multimedia.md, "Data Retrieval Patterns": assets of a '
'session). p_session_id: the session; p_asset_type: only that type, or null for all. Returns mm_multimedia_assets '
'rows in registration order. Errors: 22023 unknown asset type, P0002 unknown session (or another company''s).';
revoke all on function public.list_session_assets(uuid, text) from public, anon, authenticated, service_role;
grant execute on function public.list_session_assets(uuid, text) to authenticated, service_role;
