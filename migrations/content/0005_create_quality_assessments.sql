-- create_quality_assessments (video-pipeline-content-multimedia.md, cm_quality_assessments,
-- cm_enhancement_sessions, "Content Creation Workflow" step 3): quality assessments of module content and the
-- enhancement workflows they start, under company isolation, and the procedures that store, read, start and
-- end them.
-- depends: 0004_create_course_plans

create table public.cm_quality_assessments (
    assessment_id uuid not null default gen_random_uuid(),
    content_id uuid not null,
    company_id uuid not null references public.companies (id),
    overall_score double precision not null check (overall_score between 0 and 10),
    section_scores jsonb not null default '{}' check (jsonb_typeof(section_scores) = 'object'),
    accuracy_score double precision check (accuracy_score between 0 and 10),
    clarity_score double precision check (clarity_score between 0 and 10),
    completeness_score double precision check (completeness_score between 0 and 10),
    engagement_score double precision check (engagement_score between 0 and 10),
    personalization_score double precision check (personalization_score between 0 and 10),
    quality_feedback text,
    passed boolean not null,
    requires_revision boolean not null default false,
    sections_needing_work text[] not null default '{}' check (sections_needing_work <@ public.cm_content_sections()),
    critical_issues text[] not null default '{}',
    assessed_at timestamptz not null default clock_timestamp(),
    primary key (company_id, assessment_id),
    unique (company_id, assessment_id, content_id),
    foreign key (company_id, content_id) references public.cm_module_content (company_id, content_id) on delete cascade
);
comment on table public.cm_quality_assessments is
'Quality assessment results of module content (video-pipeline-content-multimedia.md, cm_*, table 4). '
'Scores are 0..10.';
comment on column public.cm_quality_assessments.company_id is
'The content''s company (the foreign key keeps them equal).';
comment on column public.cm_quality_assessments.section_scores is
'{"<section name>": score 0..10, ...} for sections of cm_content_sections().';
comment on column public.cm_quality_assessments.assessed_at is
'clock_timestamp() of the insert, so the latest of several assessments written in one transaction is defined.';
create index idx_cm_quality_assessments_content_id on public.cm_quality_assessments (
    company_id, content_id, assessed_at desc
);
create index idx_cm_quality_assessments_assessment_id on public.cm_quality_assessments (assessment_id);

create table public.cm_enhancement_sessions (
    session_id uuid not null default gen_random_uuid(),
    content_id uuid not null,
    company_id uuid not null references public.companies (id),
    quality_assessment_id uuid,
    enhancement_type text not null check (btrim(enhancement_type) <> ''),
    sections_to_enhance text[] not null check (
        cardinality(sections_to_enhance) > 0 and sections_to_enhance <@ public.cm_content_sections()
    ),
    sections_preserved text[] not null default '{}' check (sections_preserved <@ public.cm_content_sections()),
    research_conducted boolean not null default false,
    content_regenerated boolean not null default false,
    status text not null default 'in_progress' check (status in ('in_progress', 'completed', 'failed')),
    created_at timestamptz not null default now(),
    completed_at timestamptz,
    check (not sections_to_enhance && sections_preserved),
    check ((status = 'in_progress') = (completed_at is null)),
    check (completed_at >= created_at),
    primary key (company_id, session_id),
    foreign key (company_id, content_id) references public.cm_module_content (company_id, content_id)
    on delete cascade,
    foreign key (company_id, quality_assessment_id, content_id)
    references public.cm_quality_assessments (company_id, assessment_id, content_id)
);
comment on table public.cm_enhancement_sessions is
'Content enhancement workflows (video-pipeline-content-multimedia.md, cm_*, table 5): which sections are '
'regenerated after a quality assessment. At most one session per content is in progress.';
comment on column public.cm_enhancement_sessions.company_id is
'The content''s company (the foreign key keeps them equal).';
comment on column public.cm_enhancement_sessions.quality_assessment_id is
'The assessment that triggered the enhancement; it must be an assessment of the same content (and company), '
'which cannot be deleted while a session refers to it (23503).';
comment on column public.cm_enhancement_sessions.status is 'in_progress -> completed | failed.';
create index idx_cm_enhancement_sessions_content_id on public.cm_enhancement_sessions (company_id, content_id);
create index idx_cm_enhancement_sessions_session_id on public.cm_enhancement_sessions (session_id);
create index idx_cm_enhancement_sessions_assessment on public.cm_enhancement_sessions (
    company_id, quality_assessment_id, content_id
);
create unique index idx_cm_enhancement_sessions_one_in_progress on public.cm_enhancement_sessions (
    company_id, content_id
)
where status = 'in_progress';

call dreamcut_private.enable_company_isolation('public.cm_quality_assessments');
call dreamcut_private.enable_company_isolation('public.cm_enhancement_sessions');

create function public.store_quality_assessment(
    p_content_id uuid,
    p_overall_score double precision,
    p_section_scores jsonb default '{}',
    p_passed boolean default null,
    p_accuracy_score double precision default null,
    p_clarity_score double precision default null,
    p_completeness_score double precision default null,
    p_engagement_score double precision default null,
    p_personalization_score double precision default null,
    p_quality_feedback text default null,
    p_requires_revision boolean default null,
    p_sections_needing_work text[] default '{}',
    p_critical_issues text[] default '{}',
    p_company_id uuid default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_bad record;
    v_company_id uuid;
    v_assessment_id uuid;
begin
    if p_content_id is null then
        raise exception 'p_content_id is required' using errcode = '22023';
    end if;
    select s.name, s.score into v_bad
    from (
        values
        (1, 'p_overall_score', p_overall_score), (2, 'p_accuracy_score', p_accuracy_score),
        (3, 'p_clarity_score', p_clarity_score), (4, 'p_completeness_score', p_completeness_score),
        (5, 'p_engagement_score', p_engagement_score), (6, 'p_personalization_score', p_personalization_score)
    ) as s (ord, name, score)
    where (s.ord = 1 and s.score is null) or not s.score between 0 and 10
    order by s.ord
    limit 1;
    if found then
        raise exception '% must be a score between 0 and 10, got %', v_bad.name, coalesce(v_bad.score::text, 'null')
        using errcode = '22023';
    end if;
    if p_passed is null then
        raise exception 'p_passed is required (true or false)' using errcode = '22023';
    end if;
    if p_section_scores is null or jsonb_typeof(p_section_scores) <> 'object' then
        raise exception 'p_section_scores must be a JSON object {"<section>": score}, got %',
            coalesce(jsonb_typeof(p_section_scores), 'null')
        using errcode = '22023';
    end if;
    select s.key, s.value into v_bad
    from jsonb_each(p_section_scores) as s
    where s.key <> all (public.cm_content_sections())
        or case when jsonb_typeof(s.value) = 'number' then not s.value::numeric between 0 and 10 else true end
    order by s.key
    limit 1;
    if found then
        raise exception 'p_section_scores: % must be a section of % with a score between 0 and 10, got %',
            quote_literal(v_bad.key), public.cm_content_sections(), v_bad.value
        using errcode = '22023';
    end if;
    if p_sections_needing_work is null or not p_sections_needing_work <@ public.cm_content_sections() then
        raise exception 'p_sections_needing_work must hold sections of %, got %', public.cm_content_sections(),
            coalesce(p_sections_needing_work::text, 'null')
        using errcode = '22023';
    end if;

    select company_id into v_company_id from public.cm_module_content
    where content_id = p_content_id and (p_company_id is null or company_id = p_company_id);
    if not found then
        raise exception 'content % not found (p_content_id)', p_content_id using errcode = 'P0002';
    end if;

    insert into public.cm_quality_assessments (
        content_id, company_id, overall_score, section_scores, accuracy_score, clarity_score, completeness_score,
        engagement_score, personalization_score, quality_feedback, passed, requires_revision,
        sections_needing_work, critical_issues
    )
    values (
        p_content_id, v_company_id, p_overall_score, p_section_scores, p_accuracy_score, p_clarity_score,
        p_completeness_score, p_engagement_score, p_personalization_score, p_quality_feedback, p_passed,
        coalesce(p_requires_revision, not p_passed), p_sections_needing_work, coalesce(p_critical_issues, '{}')
    )
    returning assessment_id into v_assessment_id;
    return v_assessment_id;
end
$$;
comment on function public.store_quality_assessment(
    uuid, double precision, jsonb, boolean, double precision, double precision, double precision,
    double precision, double precision, text, boolean, text[], text[], uuid
) is
'Stores a quality assessment of a module''s content (video-pipeline-content-multimedia.md, "Content Creation '
'Workflow" step 3, store_quality_assessment). p_content_id: the content; p_overall_score: 0..10 (required); '
'p_section_scores: JSON object {"<section>": 0..10} over cm_content_sections(); p_passed: boolean (required); '
'p_accuracy_score, p_clarity_score, p_completeness_score, p_engagement_score, p_personalization_score: 0..10 or '
'null; p_quality_feedback: text; p_requires_revision: default not p_passed; p_sections_needing_work: text[] of '
'section names; p_critical_issues: text[]; p_company_id: optional, its company (the distribution key; without it '
'the content is found by its id alone). Returns the new assessment_id (uuid); assessed_at is the clock time of the '
'call. The content''s status is not changed (use update_content_status). Errors: 22023 bad parameter (score out of '
'range, unknown section), P0002 unknown content (or another company''s). Writes nothing on error.';
revoke all on function public.store_quality_assessment(
    uuid, double precision, jsonb, boolean, double precision, double precision, double precision,
    double precision, double precision, text, boolean, text[], text[], uuid
) from public, anon, authenticated, service_role;
grant execute on function public.store_quality_assessment(
    uuid, double precision, jsonb, boolean, double precision, double precision, double precision,
    double precision, double precision, text, boolean, text[], text[], uuid
) to authenticated, service_role;

create function public.get_latest_quality_assessment(p_content_id uuid, p_company_id uuid default null)
returns public.cm_quality_assessments
language plpgsql stable
set search_path = ''
as $$
declare
    v_company_id uuid;
    v_row public.cm_quality_assessments;
begin
    select company_id into v_company_id from public.cm_module_content
    where content_id = p_content_id and (p_company_id is null or company_id = p_company_id);
    if not found then
        raise exception 'content % not found (p_content_id)', p_content_id using errcode = 'P0002';
    end if;
    select * into v_row from public.cm_quality_assessments
    where company_id = v_company_id and content_id = p_content_id
    order by assessed_at desc, assessment_id desc
    limit 1;
    return v_row;
end
$$;
comment on function public.get_latest_quality_assessment(uuid, uuid) is
'The latest quality assessment of a content (video-pipeline-content-multimedia.md, "Data Retrieval Patterns", '
'get_latest_quality_assessment). p_content_id: the content; p_company_id: optional, its company (the distribution '
'key; without it the content is found by its id alone). Returns the cm_quality_assessments row with the latest '
'assessed_at, or null when the content has none. Errors: P0002 unknown content (or another company''s).';
revoke all on function public.get_latest_quality_assessment(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.get_latest_quality_assessment(uuid, uuid) to authenticated, service_role;

create function public.start_enhancement_session(
    p_content_id uuid,
    p_enhancement_type text,
    p_sections_to_enhance text[] default null,
    p_quality_assessment_id uuid default null,
    p_company_id uuid default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_company_id uuid;
    v_sections text[] := p_sections_to_enhance;
    v_running uuid;
    v_session_id uuid;
begin
    if p_content_id is null then
        raise exception 'p_content_id is required' using errcode = '22023';
    end if;
    if p_enhancement_type is null or btrim(p_enhancement_type) = '' then
        raise exception 'p_enhancement_type is required, got %', coalesce(quote_literal(p_enhancement_type), 'null')
        using errcode = '22023';
    end if;
    if not v_sections <@ public.cm_content_sections() then
        raise exception 'p_sections_to_enhance must hold sections of %, got %', public.cm_content_sections(),
            v_sections
        using errcode = '22023';
    end if;

    -- The content row lock serializes sessions of one content: at most one is in progress. The company first,
    -- so that the lock names the whole key (one shard on Citus, where a lock over all shards is refused).
    v_company_id := p_company_id;
    if v_company_id is null then
        select c.company_id into v_company_id from public.cm_module_content as c where c.content_id = p_content_id;
    end if;
    perform from public.cm_module_content
    where company_id = v_company_id and content_id = p_content_id
    for update;
    if not found then
        raise exception 'content % not found (p_content_id)', p_content_id using errcode = 'P0002';
    end if;
    if p_quality_assessment_id is not null then
        select coalesce(v_sections, a.sections_needing_work) into v_sections
        from public.cm_quality_assessments as a
        where a.company_id = v_company_id and a.assessment_id = p_quality_assessment_id
            and a.content_id = p_content_id;
        if not found then
            raise exception 'p_quality_assessment_id % is not an assessment of content %', p_quality_assessment_id,
                p_content_id
            using errcode = '22023';
        end if;
    end if;
    if coalesce(cardinality(v_sections), 0) = 0 then
        raise exception 'p_sections_to_enhance must name at least one section (or p_quality_assessment_id an '
            'assessment with sections_needing_work), got %', coalesce(v_sections::text, 'null')
        using errcode = '22023';
    end if;
    v_sections := array(
        select s.name from unnest(public.cm_content_sections()) with ordinality as s (name, ord)
        where s.name = any (v_sections) order by s.ord
    );
    select session_id into v_running from public.cm_enhancement_sessions
    where company_id = v_company_id and content_id = p_content_id and status = 'in_progress';
    if found then
        raise exception 'content % already has enhancement session % in progress', p_content_id, v_running
        using errcode = '55000';
    end if;

    insert into public.cm_enhancement_sessions (
        content_id, company_id, quality_assessment_id, enhancement_type, sections_to_enhance, sections_preserved
    )
    values (
        p_content_id, v_company_id, p_quality_assessment_id, p_enhancement_type, v_sections,
        array(select s.name from unnest(public.cm_content_sections()) as s (name) where s.name <> all (v_sections))
    )
    returning session_id into v_session_id;
    return v_session_id;
end
$$;
comment on function public.start_enhancement_session(uuid, text, text[], uuid, uuid) is
'Starts a content enhancement workflow (video-pipeline-content-multimedia.md, cm_enhancement_sessions). '
'p_content_id: the content; p_enhancement_type: non-empty text (e.g. section_regeneration); p_sections_to_enhance: '
'text[] of sections of cm_content_sections() (default: the sections_needing_work of p_quality_assessment_id); '
'p_quality_assessment_id: an assessment of the same content, or null; p_company_id: optional, its company (the '
'distribution key; without it the content is found by its id alone). The other sections are recorded as '
'sections_preserved. Returns the new session_id (uuid), status in_progress. Errors: 22023 bad parameter (unknown '
'section, no section, assessment of another content), P0002 unknown content (or another company''s), 55000 the '
'content already has a session in progress. Writes nothing on error.';
revoke all on function public.start_enhancement_session(uuid, text, text[], uuid, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.start_enhancement_session(uuid, text, text[], uuid, uuid) to authenticated, service_role;

create function public.complete_enhancement_session(
    p_session_id uuid,
    p_research_conducted boolean default false,
    p_content_regenerated boolean default false,
    p_status text default 'completed',
    p_company_id uuid default null
) returns public.cm_enhancement_sessions
language plpgsql volatile
set search_path = ''
as $$
declare
    v_company_id uuid;
    v_row public.cm_enhancement_sessions;
    -- the clock, not now(): this transaction may have started before the session was created
    v_now timestamptz := clock_timestamp();
begin
    if p_session_id is null then
        raise exception 'p_session_id is required' using errcode = '22023';
    end if;
    if p_status is null or p_status not in ('completed', 'failed') then
        raise exception 'p_status must be completed or failed, got %', coalesce(quote_literal(p_status), 'null')
        using errcode = '22023';
    end if;
    v_company_id := p_company_id;
    if v_company_id is null then
        select e.company_id into v_company_id from public.cm_enhancement_sessions as e where e.session_id = p_session_id;
    end if;
    select * into v_row from public.cm_enhancement_sessions
    where company_id = v_company_id and session_id = p_session_id
    for update;
    if not found then
        raise exception 'enhancement session % not found (p_session_id)', p_session_id using errcode = 'P0002';
    end if;
    if v_row.status <> 'in_progress' then
        raise exception 'enhancement session % is already %', p_session_id, v_row.status using errcode = '55000';
    end if;
    update public.cm_enhancement_sessions
    set status = p_status,
        research_conducted = coalesce(p_research_conducted, false),
        content_regenerated = coalesce(p_content_regenerated, false),
        completed_at = v_now
    where company_id = v_company_id and session_id = p_session_id
    returning * into v_row;
    return v_row;
end
$$;
comment on function public.complete_enhancement_session(uuid, boolean, boolean, text, uuid) is
'Ends a content enhancement workflow (video-pipeline-content-multimedia.md, cm_enhancement_sessions). '
'p_session_id: an enhancement session in progress; p_research_conducted, p_content_regenerated: what was done '
'(booleans); p_status: completed | failed; p_company_id: optional, the session''s company (the distribution key; '
'without it the session is found by its id alone). Returns the updated cm_enhancement_sessions row with '
'completed_at. Errors: 22023 bad parameter, P0002 unknown session (or another company''s), 55000 session already '
'finished. Writes nothing on error.';
revoke all on function public.complete_enhancement_session(uuid, boolean, boolean, text, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.complete_enhancement_session(uuid, boolean, boolean, text, uuid)
to authenticated, service_role;
