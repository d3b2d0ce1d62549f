-- create_module_content (video-pipeline-content-multimedia.md, cm_module_content, "Status Tracking", "Audit
-- Trail: revision tracking for content"): the course module content with its five text sections, the word
-- counts and full-text search vector as generated columns, company isolation, and the status workflow and
-- revision count kept by trigger, so that direct table writes follow the same rules as the procedures.
-- depends: 0001_create_content_companies

create function public.cm_content_sections() returns text[]
language sql immutable
set search_path = ''
as $$
    select array['introduction', 'core_content', 'practical_applications', 'case_studies', 'assessments']
$$;
comment on function public.cm_content_sections() is
'The section names of a module''s content, in reading order (video-pipeline-content-multimedia.md, '
'cm_module_content): introduction, core_content, practical_applications, case_studies, assessments. Takes no '
'parameters; returns text[]; raises nothing. Used by the checks and procedures that take section names.';
revoke all on function public.cm_content_sections() from public, anon, authenticated, service_role;
grant execute on function public.cm_content_sections() to authenticated, service_role;

create function dreamcut_private.cm_word_count(p_text text) returns integer
language sql immutable
set search_path = ''
as $$
    select coalesce(regexp_count(p_text, '\S+'), 0)
$$;
comment on function dreamcut_private.cm_word_count(text) is
'Number of words of p_text (runs of non-whitespace characters, as Python''s len(text.split())); 0 for null or '
'blank text. Returns integer; raises nothing. Feeds the generated word count columns of cm_module_content.';
revoke all on function dreamcut_private.cm_word_count(text) from public;
grant execute on function dreamcut_private.cm_word_count(text) to authenticated, service_role;

create function dreamcut_private.cm_section_word_counts(
    p_introduction text,
    p_core_content text,
    p_practical_applications text,
    p_case_studies text,
    p_assessments text
) returns jsonb
language sql immutable
set search_path = ''
as $$
    -- The words of cm_word_count(), inlined: a SQL function body is resolved by name as the caller, who may
    -- have no USAGE on dreamcut_private.
    select jsonb_build_object(
        'introduction', coalesce(regexp_count(p_introduction, '\S+'), 0),
        'core_content', coalesce(regexp_count(p_core_content, '\S+'), 0),
        'practical_applications', coalesce(regexp_count(p_practical_applications, '\S+'), 0),
        'case_studies', coalesce(regexp_count(p_case_studies, '\S+'), 0),
        'assessments', coalesce(regexp_count(p_assessments, '\S+'), 0)
    )
$$;
comment on function dreamcut_private.cm_section_word_counts(text, text, text, text, text) is
'Word count of each of the five sections (in the order of cm_content_sections()) as a JSON object '
'{"introduction": n, "core_content": n, ...}. Returns jsonb; raises nothing. Feeds the generated column '
'cm_module_content.section_word_counts.';
revoke all on function dreamcut_private.cm_section_word_counts(text, text, text, text, text) from public;
grant execute on function dreamcut_private.cm_section_word_counts(text, text, text, text, text)
to authenticated, service_role;

create table public.cm_module_content (
    content_id uuid not null default gen_random_uuid(),
    company_id uuid not null references public.companies (id),
    module_name text not null check (btrim(module_name) <> ''),
    employee_name text,
    session_id text,

    introduction text,
    core_content text,
    practical_applications text,
    case_studies text,
    assessments text,

    module_spec jsonb not null default '{}' check (jsonb_typeof(module_spec) = 'object'),
    research_context jsonb not null default '{}' check (jsonb_typeof(research_context) = 'object'),

    total_word_count integer generated always as (
        dreamcut_private.cm_word_count(introduction)
        + dreamcut_private.cm_word_count(core_content)
        + dreamcut_private.cm_word_count(practical_applications)
        + dreamcut_private.cm_word_count(case_studies)
        + dreamcut_private.cm_word_count(assessments)
    ) stored,
    section_word_counts jsonb generated always as (
        dreamcut_private.cm_section_word_counts(
            introduction, core_content, practical_applications, case_studies, assessments
        )
    ) stored,

    status text not null default 'draft' check (status in ('draft', 'quality_check', 'revision', 'approved')),
    priority_level text not null default 'medium' check (priority_level in ('critical', 'high', 'medium', 'low')),
    revision_count integer not null default 0 check (revision_count >= 0),

    search_vector tsvector generated always as (
        setweight(to_tsvector('english'::regconfig, coalesce(module_name, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(introduction, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, coalesce(core_content, '')), 'C')
        || setweight(to_tsvector('english'::regconfig, coalesce(practical_applications, '')), 'C')
        || setweight(to_tsvector('english'::regconfig, coalesce(case_studies, '')), 'C')
        || setweight(to_tsvector('english'::regconfig, coalesce(assessments, '')), 'D')
    ) stored,

    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (company_id, content_id)
);
comment on table public.cm_module_content is
'Course module content with its five text sections (video-pipeline-content-multimedia.md, cm_*, table 1). '
'A signed-in user sees and writes only the rows of the company in its JWT claim app_metadata.company_id.';
comment on column public.cm_module_content.company_id is
'Owning company, the distribution key of the content and multimedia tables (every key leads with it); RLS '
'compares it with the JWT claim app_metadata.company_id.';
comment on column public.cm_module_content.employee_name is 'Learner''s name, for personalization.';
comment on column public.cm_module_content.session_id is 'Content pipeline session identifier (free text).';
comment on column public.cm_module_content.total_word_count is
'Words over the five sections (generated: always equal to the sum of section_word_counts).';
comment on column public.cm_module_content.section_word_counts is
'{"introduction": n, "core_content": n, "practical_applications": n, "case_studies": n, "assessments": n} '
'(generated from the sections).';
comment on column public.cm_module_content.status is
'draft -> quality_check -> approved | revision; revision -> quality_check; approved -> revision. Sections can '
'change only in draft or revision (trigger).';
comment on column public.cm_module_content.revision_count is
'Number of updates that changed a section (kept by trigger; 0 at creation).';
comment on column public.cm_module_content.search_vector is
'English full-text vector (generated): module name (weight A), introduction (B), core content, practical '
'applications and case studies (C), assessments (D). Searched by search_module_content().';
create index idx_cm_module_content_company_id on public.cm_module_content (company_id, created_at desc);
create index idx_cm_module_content_content_id on public.cm_module_content (content_id);
create index idx_cm_module_content_session_id on public.cm_module_content (session_id);
create index idx_cm_module_content_status on public.cm_module_content (status);
create index idx_cm_module_content_search_vector on public.cm_module_content using gin (search_vector);

call dreamcut_private.enable_company_isolation('public.cm_module_content');

create trigger trigger_cm_module_content_updated_at
before update on public.cm_module_content
for each row execute function dreamcut_private.update_updated_at_column();

create function dreamcut_private.cm_module_content_new() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if new.revision_count <> 0 then
        raise exception 'revision_count is kept by trigger: a new content starts at 0, got %', new.revision_count
        using errcode = '22023';
    end if;
    if new.status <> 'draft' then
        raise exception 'a new content starts in status draft (then draft -> quality_check -> approved), got %',
            new.status
        using errcode = '55000';
    end if;
    return new;
end
$$;
comment on function dreamcut_private.cm_module_content_new() is
'BEFORE INSERT trigger function on cm_module_content (video-pipeline-content-multimedia.md, "Status tracking and '
'revision management"): a new content starts with revision_count 0 (22023 otherwise) in status draft (55000 '
'otherwise). Returns the row.';
revoke all on function dreamcut_private.cm_module_content_new() from public;

create trigger trigger_cm_module_content_new
before insert on public.cm_module_content
for each row execute function dreamcut_private.cm_module_content_new();

create function dreamcut_private.cm_module_content_workflow() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if new.revision_count <> old.revision_count then
        raise exception 'revision_count of content % is kept by trigger and cannot be set (from % to %)',
            old.content_id, old.revision_count, new.revision_count
        using errcode = '22023';
    end if;

    if (new.introduction, new.core_content, new.practical_applications, new.case_studies, new.assessments)
        is distinct from
        (old.introduction, old.core_content, old.practical_applications, old.case_studies, old.assessments) then
        if old.status not in ('draft', 'revision') then
            raise exception 'content % is in status %: its sections can change only in draft or revision '
                '(move it to revision first)', old.content_id, old.status
            using errcode = '55000';
        end if;
        new.revision_count := old.revision_count + 1;
    end if;

    if new.status is distinct from old.status then
        if (old.status, new.status) not in (
            ('draft', 'quality_check'),
            ('quality_check', 'approved'),
            ('quality_check', 'revision'),
            ('revision', 'quality_check'),
            ('approved', 'revision')
        ) then
            raise exception 'content % cannot move from status % to % (draft -> quality_check -> approved | '
                'revision; revision -> quality_check; approved -> revision)', old.content_id, old.status, new.status
            using errcode = '55000';
        end if;
        if new.status = 'quality_check' and concat(
            new.introduction, new.core_content, new.practical_applications, new.case_studies, new.assessments
        ) !~ '\S' then
            raise exception 'content % has no text in any section: nothing to check', old.content_id
            using errcode = '55000';
        end if;
    end if;
    return new;
end
$$;
comment on function dreamcut_private.cm_module_content_workflow() is
'BEFORE UPDATE trigger function on cm_module_content (video-pipeline-content-multimedia.md, "Status tracking and '
'revision management"). revision_count is bumped by one for every update that changes a section; it cannot be '
'written directly (22023). Sections change only in status draft or revision (55000). Status moves draft -> '
'quality_check -> approved | revision, revision -> quality_check, approved -> revision (else 55000); '
'quality_check needs text in at least one section (55000). Returns the row.';
revoke all on function dreamcut_private.cm_module_content_workflow() from public;

create trigger trigger_cm_module_content_workflow
before update on public.cm_module_content
for each row execute function dreamcut_private.cm_module_content_workflow();
