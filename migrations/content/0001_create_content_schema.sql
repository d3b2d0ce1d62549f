-- create_content_schema (video-pipeline-content-multimedia.md, "Content Management Tables"): the five cm_*
-- tables with the document's columns, the company each row belongs to (company isolation), the word counts
-- and full-text search vector as generated columns, and minimal public.companies / public.employees where
-- the application does not have them (recorded in dreamcut_private.package_owned_objects).
-- depends: 0001_supabase_platform

insert into dreamcut_private.installed_modules (module) values ('content');

create function dreamcut_private.jwt_company_id() returns uuid
language sql stable
set search_path = ''
as $$
    select case
        when claim.company_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then claim.company_id::uuid
    end
    from (select auth.jwt() -> 'app_metadata' ->> 'company_id' as company_id) as claim
$$;
comment on function dreamcut_private.jwt_company_id() is
'The company of the request: the JWT claim app_metadata.company_id (set by the backend through the auth '
'admin API, so users cannot change it; user_metadata is never read) as uuid. Returns null when the claim is '
'missing or not a uuid, so such a caller matches no company. Raises nothing. Used by the company isolation '
'policies of the content and multimedia modules (video-pipeline-content-multimedia.md, "Row Level Security").';
revoke all on function dreamcut_private.jwt_company_id() from public;
grant execute on function dreamcut_private.jwt_company_id() to authenticated, service_role;

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

-- companies and employees live outside the package. Create minimal ones only where they are missing and
-- remember it; where they exist, they must have a uuid key "id" for the foreign keys, and are left untouched.
do $external$
declare
    v_table text;
begin
    foreach v_table in array array['public.companies', 'public.employees'] loop
        if to_regclass(v_table) is not null and not exists (
            select from pg_catalog.pg_constraint as c
            join pg_catalog.pg_attribute as a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
            where c.conrelid = to_regclass(v_table)
                and c.contype in ('p', 'u')
                and cardinality(c.conkey) = 1
                and a.attname = 'id'
                and a.atttypid = 'pg_catalog.uuid'::pg_catalog.regtype
        ) then
            raise exception '% exists but has no uuid column "id" with a primary key or unique constraint: '
                'module content cannot reference it', v_table
            using errcode = '55000';
        end if;
    end loop;

    if to_regclass('public.companies') is null then
        create table public.companies (
            id uuid primary key default gen_random_uuid(),
            name text not null check (btrim(name) <> ''),
            created_at timestamptz not null default now()
        );
        comment on table public.companies is
        'Minimal companies table created by dreamcut-db module content because the database had none '
        '(video-pipeline-content-multimedia.md references it). Rolled back only because the package created it.';
        alter table public.companies enable row level security;
        revoke all on table public.companies from public, anon, authenticated, service_role;
        grant select on table public.companies to authenticated;
        grant select, insert, update, delete on table public.companies to service_role;
        create policy companies_select_own on public.companies
        for select to authenticated
        using (id = (select dreamcut_private.jwt_company_id()));
        insert into dreamcut_private.package_owned_objects (kind, name) values ('table', 'public.companies');
    end if;

    if to_regclass('public.employees') is null then
        create table public.employees (
            id uuid primary key default gen_random_uuid(),
            company_id uuid not null references public.companies (id),
            full_name text not null check (btrim(full_name) <> ''),
            email text,
            created_at timestamptz not null default now()
        );
        comment on table public.employees is
        'Minimal employees table created by dreamcut-db module content because the database had none '
        '(cm_course_plans.employee_id references it). Rolled back only because the package created it.';
        create index idx_employees_company_id on public.employees (company_id);
        alter table public.employees enable row level security;
        revoke all on table public.employees from public, anon, authenticated, service_role;
        grant select on table public.employees to authenticated;
        grant select, insert, update, delete on table public.employees to service_role;
        create policy employees_select_own_company on public.employees
        for select to authenticated
        using (company_id = (select dreamcut_private.jwt_company_id()));
        insert into dreamcut_private.package_owned_objects (kind, name) values ('table', 'public.employees');
    end if;
end
$external$;

create table public.cm_module_content (
    content_id uuid primary key default gen_random_uuid(),
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
    unique (content_id, company_id)
);
comment on table public.cm_module_content is
'Course module content with its five text sections (video-pipeline-content-multimedia.md, cm_*, table 1). '
'A signed-in user sees and writes only the rows of the company in its JWT claim app_metadata.company_id.';
comment on column public.cm_module_content.company_id is
'Owning company; RLS compares it with the JWT claim app_metadata.company_id.';
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
create index idx_cm_module_content_session_id on public.cm_module_content (session_id);
create index idx_cm_module_content_status on public.cm_module_content (status);
create index idx_cm_module_content_search_vector on public.cm_module_content using gin (search_vector);

create table public.cm_course_plans (
    plan_id uuid primary key default gen_random_uuid(),
    company_id uuid not null references public.companies (id),
    employee_id uuid not null references public.employees (id),
    employee_name text,
    session_id text,
    course_structure jsonb not null default '{}' check (jsonb_typeof(course_structure) = 'object'),
    prioritized_gaps jsonb not null default '[]',
    research_strategy jsonb not null default '{}',
    learning_path jsonb not null default '{}',
    employee_profile jsonb not null default '{}',
    total_modules integer not null default 0 check (total_modules >= 0),
    course_duration_weeks integer check (course_duration_weeks > 0),
    course_title text not null check (btrim(course_title) <> ''),
    status text not null default 'active' check (status in ('draft', 'active', 'completed', 'archived')),
    created_at timestamptz not null default now(),
    unique (plan_id, company_id)
);
comment on table public.cm_course_plans is
'Course structure and planning for one employee (video-pipeline-content-multimedia.md, cm_*, table 2).';
comment on column public.cm_course_plans.company_id is
'Owning company (not in the document: added for company isolation; RLS compares it with app_metadata.company_id).';
comment on column public.cm_course_plans.course_structure is 'Complete course structure, with its "modules" array.';
comment on column public.cm_course_plans.total_modules is 'Number of modules in the course.';
comment on column public.cm_course_plans.course_duration_weeks is 'Estimated duration in weeks (> 0).';
create index idx_cm_course_plans_company_id on public.cm_course_plans (company_id, created_at desc);
create index idx_cm_course_plans_employee_id on public.cm_course_plans (employee_id);
create index idx_cm_course_plans_session_id on public.cm_course_plans (session_id);

create table public.cm_research_results (
    research_id uuid primary key default gen_random_uuid(),
    plan_id uuid not null,
    company_id uuid not null references public.companies (id),
    session_id text,
    research_findings jsonb not null default '{}',
    content_library jsonb not null default '{}',
    module_mappings jsonb not null default '{}',
    total_topics integer not null default 0 check (total_topics >= 0),
    total_sources integer not null default 0 check (total_sources >= 0),
    search_queries text[] not null default '{}',
    sources_analyzed text[] not null default '{}',
    status text not null default 'completed' check (status in ('in_progress', 'completed', 'failed')),
    created_at timestamptz not null default now(),
    foreign key (plan_id, company_id) references public.cm_course_plans (plan_id, company_id) on delete cascade
);
comment on table public.cm_research_results is
'Findings of the Research Agent for a course plan (video-pipeline-content-multimedia.md, cm_*, table 3).';
comment on column public.cm_research_results.company_id is 'The plan''s company (the foreign key keeps them equal).';
comment on column public.cm_research_results.sources_analyzed is 'URLs or other sources analyzed.';
create index idx_cm_research_results_plan_id on public.cm_research_results (plan_id, company_id);
create index idx_cm_research_results_company_id on public.cm_research_results (company_id);
create index idx_cm_research_results_session_id on public.cm_research_results (session_id);

create table public.cm_quality_assessments (
    assessment_id uuid primary key default gen_random_uuid(),
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
    unique (assessment_id, content_id),
    foreign key (content_id, company_id) references public.cm_module_content (content_id, company_id) on delete cascade
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
    content_id, company_id, assessed_at desc
);
create index idx_cm_quality_assessments_company_id on public.cm_quality_assessments (company_id);

create table public.cm_enhancement_sessions (
    session_id uuid primary key default gen_random_uuid(),
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
    foreign key (content_id, company_id) references public.cm_module_content (content_id, company_id)
    on delete cascade,
    foreign key (quality_assessment_id, content_id)
    references public.cm_quality_assessments (assessment_id, content_id)
    on delete set null (quality_assessment_id)
);
comment on table public.cm_enhancement_sessions is
'Content enhancement workflows (video-pipeline-content-multimedia.md, cm_*, table 5): which sections are '
'regenerated after a quality assessment. At most one session per content is in progress.';
comment on column public.cm_enhancement_sessions.company_id is
'The content''s company (the foreign key keeps them equal).';
comment on column public.cm_enhancement_sessions.quality_assessment_id is
'The assessment that triggered the enhancement; it must be an assessment of the same content.';
comment on column public.cm_enhancement_sessions.status is 'in_progress -> completed | failed.';
create index idx_cm_enhancement_sessions_content_id on public.cm_enhancement_sessions (content_id, company_id);
create index idx_cm_enhancement_sessions_company_id on public.cm_enhancement_sessions (company_id);
create index idx_cm_enhancement_sessions_assessment on public.cm_enhancement_sessions (
    quality_assessment_id, content_id
);
create unique index idx_cm_enhancement_sessions_one_in_progress on public.cm_enhancement_sessions (content_id)
where status = 'in_progress';
