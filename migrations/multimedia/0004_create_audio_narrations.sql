-- create_audio_narrations (video-pipeline-content-multimedia.md, mm_audio_narrations): audio narrations of a
-- session, whole module or one section, with their segments; tied to the session (and so its content and
-- company) by a composite foreign key, the master audio and every segment's audio an asset of the same
-- session, under company isolation; and the procedure that registers one.
-- depends: 0003_create_multimedia_asset_procedures

create table public.mm_audio_narrations (
    narration_id uuid not null default gen_random_uuid(),
    session_id uuid not null,
    content_id uuid not null,
    company_id uuid not null,
    narration_name text not null check (btrim(narration_name) <> ''),
    narration_type text not null default 'full_module' check (narration_type in ('full_module', 'section')),
    section_name text check (section_name = any(public.cm_content_sections())),
    total_duration_seconds numeric not null default 0 check (
        total_duration_seconds >= 0 and total_duration_seconds < 'Infinity'
    ),
    audio_segments jsonb not null default '[]' check (jsonb_typeof(audio_segments) = 'array'),
    voice_config jsonb not null default '{}' check (jsonb_typeof(voice_config) = 'object'),
    script_content text,
    master_audio_id uuid,
    segments_audio_ids uuid[] not null default '{}',
    synthesis_completed boolean generated always as (status = 'completed') stored,
    status text not null default 'pending' check (status in ('pending', 'synthesizing', 'completed', 'failed')),
    created_at timestamptz not null default now(),
    check ((narration_type = 'section') = (section_name is not null)),
    primary key (company_id, narration_id),
    foreign key (company_id, session_id, content_id)
    references public.mm_multimedia_sessions (company_id, session_id, content_id) on delete cascade,
    foreign key (company_id, master_audio_id, session_id)
    references public.mm_multimedia_assets (company_id, asset_id, session_id)
);
comment on table public.mm_audio_narrations is
'Audio narrations of a session, whole module or one section (video-pipeline-content-multimedia.md, mm_*, table 3).';
comment on column public.mm_audio_narrations.company_id is 'The session''s company (the foreign key keeps them equal).';
comment on column public.mm_audio_narrations.section_name is 'The content section narrated (narration_type section only).';
comment on column public.mm_audio_narrations.total_duration_seconds is 'Total duration in seconds.';
comment on column public.mm_audio_narrations.audio_segments is
'JSON array of segments in order, e.g. {"asset_id": ..., "duration_seconds": 12.5, "text": ...}.';
comment on column public.mm_audio_narrations.voice_config is 'Voice settings, e.g. {"voice": "alloy", "speed": 1.0}.';
comment on column public.mm_audio_narrations.master_audio_id is 'The full narration''s audio asset (of the same session).';
comment on column public.mm_audio_narrations.segments_audio_ids is
'Audio assets of the segments, in order; each is an asset of the same session (checked by trigger).';
comment on column public.mm_audio_narrations.synthesis_completed is 'TTS done (generated: status = completed).';
create index idx_mm_audio_narrations_session_id on public.mm_audio_narrations (company_id, session_id, content_id);
create index idx_mm_audio_narrations_narration_id on public.mm_audio_narrations (narration_id);
create index idx_mm_audio_narrations_master_audio on public.mm_audio_narrations (
    company_id, master_audio_id, session_id
);

call dreamcut_private.enable_company_isolation('public.mm_audio_narrations');

create function dreamcut_private.mm_check_narration_segments() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_missing uuid;
begin
    select a.id into v_missing
    from unnest(new.segments_audio_ids) as a (id)
    where a.id is null or not exists (
        select from public.mm_multimedia_assets as m
        where m.company_id = new.company_id and m.asset_id = a.id and m.session_id = new.session_id
    )
    limit 1;
    if found then
        raise exception 'segments_audio_ids of narration %: % is not an asset of session %', new.narration_id,
            coalesce(v_missing::text, 'null'), new.session_id
        using errcode = '23503';
    end if;
    return new;
end
$$;
comment on function dreamcut_private.mm_check_narration_segments() is
'BEFORE INSERT OR UPDATE OF segments_audio_ids, session_id trigger function on mm_audio_narrations: every '
'element of segments_audio_ids is an asset of the narration''s session, as a foreign key would say for an array '
'(23503 otherwise). Returns the row.';
revoke all on function dreamcut_private.mm_check_narration_segments() from public;

create trigger trigger_mm_audio_narrations_segments
before insert or update of segments_audio_ids, session_id on public.mm_audio_narrations
for each row execute function dreamcut_private.mm_check_narration_segments();

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
    p_status text default null,
    p_company_id uuid default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_session public.mm_multimedia_sessions;
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

    v_session := public.get_multimedia_session(p_session_id, p_company_id);

    select s.ord - 1 as idx, s.seg into v_bad
    from jsonb_array_elements(p_audio_segments) with ordinality as s (seg, ord)
    where jsonb_typeof(s.seg) <> 'object'
        or coalesce(jsonb_typeof(s.seg -> 'duration_seconds'), 'null') not in ('number', 'null')
        or case when jsonb_typeof(s.seg -> 'duration_seconds') = 'number'
            then (s.seg ->> 'duration_seconds')::numeric < 0 else false end
        or coalesce(jsonb_typeof(s.seg -> 'asset_id'), 'null') not in ('string', 'null')
        or jsonb_typeof(s.seg -> 'asset_id') = 'string' and not exists (
            select from public.mm_multimedia_assets as a
            where a.company_id = v_session.company_id and a.asset_id::text = lower(s.seg ->> 'asset_id')
                and a.session_id = p_session_id
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
        where a.company_id = v_session.company_id and a.asset_id = p_master_audio_id and a.session_id = p_session_id
            and a.asset_type = 'audio';
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
comment on function public.register_audio_narration(
    uuid, text, text, text, text, jsonb, jsonb, uuid, double precision, text, uuid
) is
'Registers an audio narration of a session with its segments (video-pipeline-content-multimedia.md, '
'mm_audio_narrations). p_session_id: the session; p_narration_name: non-empty text; p_narration_type: full_module '
'| section; p_section_name: a section of cm_content_sections(), required for and only for type section; '
'p_script_content: the full script; p_voice_config: JSON object (voice, speed, ...); p_audio_segments: JSON array '
'of segment objects in order, each with optional duration_seconds (number >= 0) and asset_id (an audio asset of '
'the session) and any other keys; p_master_audio_id: the full narration''s audio asset of the session; '
'p_total_duration_seconds: seconds >= 0 (default: sum of the segments'' durations, else the master''s duration, '
'else 0); p_status: pending | synthesizing | completed | failed (default completed when audio is given, else '
'pending); p_company_id: optional, the session''s company (the distribution key; without it the session is found '
'by its id alone). segments_audio_ids is the segments'' asset_ids in order. Returns the new narration_id (uuid). '
'Errors: 22023 bad parameter (bad segment p_audio_segments[i], asset not an audio asset of the session), P0002 '
'unknown session (or another company''s). Writes nothing on error.';
revoke all on function public.register_audio_narration(
    uuid, text, text, text, text, jsonb, jsonb, uuid, double precision, text, uuid
) from public, anon, authenticated, service_role;
grant execute on function public.register_audio_narration(
    uuid, text, text, text, text, jsonb, jsonb, uuid, double precision, text, uuid
) to authenticated, service_role;
