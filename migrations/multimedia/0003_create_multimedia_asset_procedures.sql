-- create_multimedia_asset_procedures (video-pipeline-content-multimedia.md, "Multimedia Generation Workflow"
-- step 2, "Batch Operations: bulk asset registration", "Data Retrieval Patterns"): registering one asset or
-- many in one call (same checks, defaults and storage path), and listing a session's assets. Security invoker:
-- RLS applies, another company's session is "not found" (P0002).
-- depends: 0002_create_multimedia_assets

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
    p_storage_path text default null,
    p_company_id uuid default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_session public.mm_multimedia_sessions;
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

    v_session := public.get_multimedia_session(p_session_id, p_company_id);
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
    uuid, uuid, text, text, double precision, text, text, text, bigint, text, jsonb, text, text, text, uuid
) is
'Registers one generated asset of a session (video-pipeline-content-multimedia.md, "Multimedia Generation '
'Workflow" step 2, register_multimedia_asset). p_session_id: the session (its content and company are the '
'asset''s); p_content_id: optional, must be the session''s content; p_asset_type: video | audio | slide | script | '
'thumbnail | presentation (required); p_file_path: local path; p_duration_seconds: seconds >= 0; p_storage_bucket: '
'default multimedia-assets; p_section_name: lowercase path segment, default complete_module; p_asset_name: file '
'name (default: the last part of p_file_path); p_file_size_bytes: bytes >= 0; p_mime_type: default guessed from '
'the extension (mp4, webm, mov, mp3, wav, m4a, ogg, png, jpg, webp, svg, pdf, html, txt, md, json, vtt, srt, '
'pptx); p_generation_config: JSON object; p_status: generated | processed | failed; p_public_url: text; '
'p_storage_path: default mm_storage_path(type, section, name, clock time) = '
'{asset_type}/{section_name}/{YYYYMMDD_HHMMSS_us}_{filename}; a given path must follow the same pattern; '
'p_company_id: optional, the session''s company (the distribution key; without it the session is found by its id '
'alone). Returns the new asset_id (uuid). The session''s counters follow by trigger. Errors: 22023 bad parameter '
'(unknown asset type, negative duration, bad name, section, bucket, MIME type or path, content of another '
'session), P0002 unknown session (or another company''s), 55000 session completed or failed, 23505 storage path '
'already used in the company''s bucket. Writes nothing on error.';
revoke all on function public.register_multimedia_asset(
    uuid, uuid, text, text, double precision, text, text, text, bigint, text, jsonb, text, text, text, uuid
) from public, anon, authenticated, service_role;
grant execute on function public.register_multimedia_asset(
    uuid, uuid, text, text, double precision, text, text, text, bigint, text, jsonb, text, text, text, uuid
) to authenticated, service_role;

create function public.register_multimedia_assets(p_session_id uuid, p_assets jsonb, p_company_id uuid default null)
returns table (ordinal integer, asset_id uuid, storage_path text)
language plpgsql volatile
set search_path = ''
as $$
declare
    v_bad record;
    v_index bigint;
    v_asset jsonb;
    v_ids uuid[] := '{}'::uuid[];
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
                p_storage_path => v_asset ->> 'storage_path',
                p_company_id => p_company_id
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
    join public.mm_multimedia_assets as a on a.asset_id = i.id and (p_company_id is null or a.company_id = p_company_id)
    order by i.ord;
end
$$;
comment on function public.register_multimedia_assets(uuid, jsonb, uuid) is
'Registers several assets of a session in one call (video-pipeline-content-multimedia.md, "Batch Operations: bulk '
'asset registration"). p_session_id: the session; p_assets: JSON array of 1..1000 objects with the keys of '
'register_multimedia_asset without the p_ prefix: asset_type (required), file_path, duration_seconds (number, '
'seconds), storage_bucket, section_name, asset_name, file_size_bytes (whole number), mime_type, generation_config '
'(object), status, public_url, storage_path, content_id; p_company_id: optional, the session''s company (the '
'distribution key; without it the session is found by its id alone). Each element gets the same checks, defaults '
'and storage path as register_multimedia_asset. Returns rows (ordinal: 0-based index in p_assets, asset_id, '
'storage_path) in input order. Errors: 22023 bad parameter, naming the element as p_assets[i] (unknown key, wrong '
'JSON type, or the single-asset checks), P0002 unknown session (or another company''s), 55000 session completed or '
'failed, 23505 storage path already used. All or nothing: writes nothing on error.';
revoke all on function public.register_multimedia_assets(uuid, jsonb, uuid) from public, anon, authenticated, service_role;
grant execute on function public.register_multimedia_assets(uuid, jsonb, uuid) to authenticated, service_role;

create function public.list_session_assets(
    p_session_id uuid, p_asset_type text default null, p_company_id uuid default null
)
returns setof public.mm_multimedia_assets
language plpgsql stable
set search_path = ''
as $$
declare
    v_session public.mm_multimedia_sessions;
begin
    if p_asset_type is not null
        and p_asset_type not in ('video', 'audio', 'slide', 'script', 'thumbnail', 'presentation') then
        raise exception 'p_asset_type must be one of video, audio, slide, script, thumbnail, presentation (or null), '
            'got %', quote_literal(p_asset_type)
        using errcode = '22023';
    end if;
    v_session := public.get_multimedia_session(p_session_id, p_company_id);
    return query
    select * from public.mm_multimedia_assets as a
    where a.company_id = v_session.company_id and a.session_id = p_session_id
        and (p_asset_type is null or a.asset_type = p_asset_type)
    order by a.created_at, a.storage_path, a.asset_id;
end
$$;
comment on function public.list_session_assets(uuid, text, uuid) is
'The assets of a session (video-pipeline-content-multimedia.md, "Data Retrieval Patterns": assets of a session). '
'p_session_id: the session; p_asset_type: only that type, or null for all; p_company_id: optional, the session''s '
'company (the distribution key; without it the session is found by its id alone). Returns mm_multimedia_assets '
'rows in registration order. Errors: 22023 unknown asset type, P0002 unknown session (or another company''s).';
revoke all on function public.list_session_assets(uuid, text, uuid) from public, anon, authenticated, service_role;
grant execute on function public.list_session_assets(uuid, text, uuid) to authenticated, service_role;
