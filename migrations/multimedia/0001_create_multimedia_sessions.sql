-- create_multimedia_sessions (video-pipeline-content-multimedia.md, mm_multimedia_sessions, "Multimedia
-- Generation Workflow" steps 1 and 3, "Status Tracking"): a multimedia generation session of a module's
-- content, tied to its content and company by a composite foreign key and under company isolation, its status
-- workflow kept by trigger, and the procedures that create, read and move it. The procedures run as the
-- caller (security invoker), so another company's rows are "not found" (P0002).
-- depends: 0001_supabase_platform 0005_create_quality_assessments

insert into dreamcut_private.installed_modules (module) values ('multimedia');

create table public.mm_multimedia_sessions (
    session_id uuid not null default gen_random_uuid(),
    content_id uuid not null,
    company_id uuid not null references public.companies (id),
    session_type text not null default 'full_generation' check (
        session_type in ('full_generation', 'section_video', 'audio_only', 'slides_only', 'regeneration')
    ),
    module_name text not null check (btrim(module_name) <> ''),
    employee_name text,
    generation_config jsonb not null default '{}' check (jsonb_typeof(generation_config) = 'object'),
    content_sections text[] not null default '{}' check (content_sections <@ public.cm_content_sections()),
    status text not null default 'started' check (status in ('started', 'processing', 'completed', 'failed')),
    current_stage text,
    progress_percentage numeric(5, 2) not null default 0 check (progress_percentage between 0 and 100),
    total_assets_generated integer not null default 0 check (total_assets_generated >= 0),
    slides_generated integer not null default 0 check (slides_generated >= 0),
    audio_files_generated integer not null default 0 check (audio_files_generated >= 0),
    video_files_generated integer not null default 0 check (video_files_generated >= 0),
    processing_duration_seconds integer check (processing_duration_seconds >= 0),
    started_at timestamptz not null default now(),
    completed_at timestamptz,
    check ((status in ('completed', 'failed')) = (completed_at is not null)),
    check (completed_at >= started_at),
    check (slides_generated + audio_files_generated + video_files_generated <= total_assets_generated),
    primary key (company_id, session_id),
    unique (company_id, session_id, content_id),
    foreign key (company_id, content_id) references public.cm_module_content (company_id, content_id)
    on delete cascade
);
comment on table public.mm_multimedia_sessions is
'A multimedia generation session for a module''s content (video-pipeline-content-multimedia.md, mm_*, table 1). '
'A signed-in user sees and writes only the sessions of the company in its JWT claim app_metadata.company_id.';
comment on column public.mm_multimedia_sessions.company_id is
'The content''s company (the foreign key keeps them equal); RLS compares it with app_metadata.company_id.';
comment on column public.mm_multimedia_sessions.status is
'started -> processing -> completed | failed (started may finish directly); a finished session stays finished.';
comment on column public.mm_multimedia_sessions.progress_percentage is 'Progress 0..100; never goes down; 100 when completed.';
comment on column public.mm_multimedia_sessions.total_assets_generated is
'Assets of the session whose status is not failed (kept by trigger; cannot be written directly).';
comment on column public.mm_multimedia_sessions.slides_generated is 'Of those, assets of type slide (kept by trigger).';
comment on column public.mm_multimedia_sessions.audio_files_generated is 'Of those, assets of type audio (kept by trigger).';
comment on column public.mm_multimedia_sessions.video_files_generated is 'Of those, assets of type video (kept by trigger).';
comment on column public.mm_multimedia_sessions.processing_duration_seconds is
'Total processing time in seconds; set from started_at when the session finishes unless given.';
create index idx_mm_multimedia_sessions_content_id on public.mm_multimedia_sessions (company_id, content_id);
create index idx_mm_multimedia_sessions_company_id on public.mm_multimedia_sessions (company_id, started_at desc);
create index idx_mm_multimedia_sessions_session_id on public.mm_multimedia_sessions (session_id);
create index idx_mm_multimedia_sessions_status on public.mm_multimedia_sessions (status);

call dreamcut_private.enable_company_isolation('public.mm_multimedia_sessions');

create function dreamcut_private.mm_multimedia_session_new() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if (new.total_assets_generated, new.slides_generated, new.audio_files_generated, new.video_files_generated)
        <> (0, 0, 0, 0) then
        raise exception 'the asset counters of a session are kept by trigger: a new session starts at 0'
        using errcode = '22023';
    end if;
    return new;
end
$$;
comment on function dreamcut_private.mm_multimedia_session_new() is
'BEFORE INSERT trigger function on mm_multimedia_sessions (video-pipeline-content-multimedia.md, "Status '
'tracking"): a new session''s asset counters start at 0 (22023 otherwise). Returns the row.';
revoke all on function dreamcut_private.mm_multimedia_session_new() from public;

create trigger trigger_mm_multimedia_sessions_new
before insert on public.mm_multimedia_sessions
for each row execute function dreamcut_private.mm_multimedia_session_new();

create function dreamcut_private.mm_multimedia_session_workflow() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    -- The counting trigger on the assets updates them one trigger level down.
    if pg_trigger_depth() < 2 and (
        new.total_assets_generated, new.slides_generated, new.audio_files_generated, new.video_files_generated
    ) is distinct from (
        old.total_assets_generated, old.slides_generated, old.audio_files_generated, old.video_files_generated
    ) then
        raise exception 'the asset counters of session % are kept by trigger and cannot be set', old.session_id
        using errcode = '22023';
    end if;
    if old.status in ('completed', 'failed') and (new.status, new.progress_percentage, new.current_stage)
        is distinct from (old.status, old.progress_percentage, old.current_stage) then
        raise exception 'multimedia session % is already %: its status and progress cannot change',
            old.session_id, old.status
        using errcode = '55000';
    end if;
    if (old.status, new.status) not in (
        ('started', 'started'), ('started', 'processing'), ('started', 'completed'), ('started', 'failed'),
        ('processing', 'processing'), ('processing', 'completed'), ('processing', 'failed'),
        ('completed', 'completed'), ('failed', 'failed')
    ) then
        raise exception 'multimedia session % cannot move from status % to % (started -> processing -> '
            'completed | failed)', old.session_id, old.status, new.status
        using errcode = '55000';
    end if;
    if new.progress_percentage < old.progress_percentage then
        raise exception 'progress of multimedia session % cannot go back from % to %', old.session_id,
            old.progress_percentage, new.progress_percentage
        using errcode = '55000';
    end if;
    return new;
end
$$;
comment on function dreamcut_private.mm_multimedia_session_workflow() is
'BEFORE UPDATE trigger function on mm_multimedia_sessions (video-pipeline-content-multimedia.md, "Status '
'tracking"). Status moves started -> processing -> completed | failed (started may finish directly); a finished '
'session keeps its status, progress and stage; progress never goes down (55000). The asset counters change only '
'through the assets'' counting triggers (22023). Returns the row.';
revoke all on function dreamcut_private.mm_multimedia_session_workflow() from public;

create trigger trigger_mm_multimedia_sessions_workflow
before update on public.mm_multimedia_sessions
for each row execute function dreamcut_private.mm_multimedia_session_workflow();

create function dreamcut_private.mm_multimedia_session_finish() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if new.status = 'completed' then
        new.progress_percentage := 100;
    end if;
    if new.status in ('completed', 'failed') then
        new.completed_at := coalesce(new.completed_at, greatest(now(), new.started_at));
        new.processing_duration_seconds := coalesce(
            new.processing_duration_seconds, round(extract(epoch from new.completed_at - new.started_at))::integer
        );
    end if;
    return new;
end
$$;
comment on function dreamcut_private.mm_multimedia_session_finish() is
'BEFORE INSERT OR UPDATE trigger function on mm_multimedia_sessions, after the checks (triggers fire in name '
'order: _new, _workflow, then _workflow_finish): on completion progress becomes 100; on completion or failure '
'completed_at is set (now) and processing_duration_seconds (seconds since started_at) unless given. Returns the '
'row.';
revoke all on function dreamcut_private.mm_multimedia_session_finish() from public;

create trigger trigger_mm_multimedia_sessions_workflow_finish
before insert or update on public.mm_multimedia_sessions
for each row execute function dreamcut_private.mm_multimedia_session_finish();

create function public.create_multimedia_session(
    p_content_id uuid,
    p_module_name text default null,
    p_employee_name text default null,
    p_session_type text default 'full_generation',
    p_generation_config jsonb default '{}',
    p_content_sections text[] default null,
    p_company_id uuid default null
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
    from public.cm_module_content
    where content_id = p_content_id and (p_company_id is null or company_id = p_company_id);
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
comment on function public.create_multimedia_session(uuid, text, text, text, jsonb, text[], uuid) is
'Starts a multimedia generation session for a module''s content (video-pipeline-content-multimedia.md, "Multimedia '
'Generation Workflow" step 1, create_multimedia_session). p_content_id: the content (its company is the '
'session''s); p_module_name, p_employee_name: default the content''s; p_session_type: full_generation | '
'section_video | audio_only | slides_only | regeneration; p_generation_config: JSON object; p_content_sections: '
'text[] of sections to generate (default all of cm_content_sections()); p_company_id: optional, the content''s '
'company (the distribution key; without it the content is found by its id alone). Returns the new session_id '
'(uuid); status started, stage initialization, progress 0, counters 0. Errors: 22023 bad parameter, P0002 unknown '
'content (or another company''s). Writes nothing on error.';
revoke all on function public.create_multimedia_session(uuid, text, text, text, jsonb, text[], uuid)
from public, anon, authenticated, service_role;
grant execute on function public.create_multimedia_session(uuid, text, text, text, jsonb, text[], uuid)
to authenticated, service_role;

create function public.get_multimedia_session(p_session_id uuid, p_company_id uuid default null)
returns public.mm_multimedia_sessions
language plpgsql stable
set search_path = ''
as $$
declare
    v_row public.mm_multimedia_sessions;
begin
    select * into v_row from public.mm_multimedia_sessions
    where session_id = p_session_id and (p_company_id is null or company_id = p_company_id);
    if not found then
        raise exception 'multimedia session % not found (p_session_id)', p_session_id using errcode = 'P0002';
    end if;
    return v_row;
end
$$;
comment on function public.get_multimedia_session(uuid, uuid) is
'A multimedia session (video-pipeline-content-multimedia.md, mm_multimedia_sessions: status, stage, progress and '
'counters). p_session_id: the session; p_company_id: optional, its company (the distribution key; without it the '
'session is found by its id alone). Returns the mm_multimedia_sessions row. Errors: P0002 unknown session (or '
'another company''s). The session and asset procedures look their session up through it.';
revoke all on function public.get_multimedia_session(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.get_multimedia_session(uuid, uuid) to authenticated, service_role;

create function public.update_session_status(
    p_session_id uuid,
    p_status text default null,
    p_progress_percentage double precision default null,
    p_current_stage text default null,
    p_processing_duration_seconds integer default null,
    p_company_id uuid default null
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
    where session_id = p_session_id and (p_company_id is null or company_id = p_company_id)
    returning * into v_row;
    if not found then
        raise exception 'multimedia session % not found (p_session_id)', p_session_id using errcode = 'P0002';
    end if;
    return v_row;
end
$$;
comment on function public.update_session_status(uuid, text, double precision, text, integer, uuid) is
'Updates a session''s status and progress (video-pipeline-content-multimedia.md, "Multimedia Generation Workflow" '
'step 3, update_session_status). p_session_id: the session; p_status: started -> processing -> completed | failed '
'(null keeps it); p_progress_percentage: 0..100, never below the current value (completed sets 100); '
'p_current_stage: text (e.g. slides, narration, rendering); p_processing_duration_seconds: seconds >= 0 (default '
'on completion or failure: seconds since started_at); p_company_id: optional, its company (the distribution key; '
'without it the session is found by its id alone). At least one of the first four is required. Returns the updated '
'mm_multimedia_sessions row (completed_at set when it finishes). Errors: 22023 bad parameter, P0002 unknown '
'session (or another company''s), 55000 transition not allowed, progress going back, or session already finished. '
'Writes nothing on error.';
revoke all on function public.update_session_status(uuid, text, double precision, text, integer, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.update_session_status(uuid, text, double precision, text, integer, uuid) to authenticated, service_role;
