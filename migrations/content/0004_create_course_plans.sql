-- create_course_plans (video-pipeline-content-multimedia.md, cm_course_plans, cm_research_results): an
-- employee's course plan and the Research Agent's findings for it, under company isolation, the plan's
-- employee kept in the plan's company, and the procedures that store them.
-- depends: 0003_create_module_content_procedures

create table public.cm_course_plans (
    plan_id uuid not null default gen_random_uuid(),
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
    primary key (company_id, plan_id)
);
comment on table public.cm_course_plans is
'Course structure and planning for one employee (video-pipeline-content-multimedia.md, cm_*, table 2).';
comment on column public.cm_course_plans.company_id is
'Owning company (not in the document: added for company isolation; RLS compares it with app_metadata.company_id).';
comment on column public.cm_course_plans.course_structure is 'Complete course structure, with its "modules" array.';
comment on column public.cm_course_plans.total_modules is 'Number of modules in the course.';
comment on column public.cm_course_plans.course_duration_weeks is 'Estimated duration in weeks (> 0).';
create index idx_cm_course_plans_company_id on public.cm_course_plans (company_id, created_at desc);
create index idx_cm_course_plans_plan_id on public.cm_course_plans (plan_id);
create index idx_cm_course_plans_employee_id on public.cm_course_plans (employee_id);
create index idx_cm_course_plans_session_id on public.cm_course_plans (session_id);

create table public.cm_research_results (
    research_id uuid not null default gen_random_uuid(),
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
    primary key (company_id, research_id),
    foreign key (company_id, plan_id) references public.cm_course_plans (company_id, plan_id) on delete cascade
);
comment on table public.cm_research_results is
'Findings of the Research Agent for a course plan (video-pipeline-content-multimedia.md, cm_*, table 3).';
comment on column public.cm_research_results.company_id is 'The plan''s company (the foreign key keeps them equal).';
comment on column public.cm_research_results.sources_analyzed is 'URLs or other sources analyzed.';
create index idx_cm_research_results_plan_id on public.cm_research_results (company_id, plan_id);
create index idx_cm_research_results_research_id on public.cm_research_results (research_id);
create index idx_cm_research_results_session_id on public.cm_research_results (session_id);

call dreamcut_private.enable_company_isolation('public.cm_course_plans');
call dreamcut_private.enable_company_isolation('public.cm_research_results');

create function dreamcut_private.cm_course_plan_employee_company() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_company uuid;
begin
    -- The foreign key to public.employees accepts an employee of any company. Where this module created
    -- employees (so their company_id is known), the plan's employee must be of the plan's company, like every
    -- other child row. Security definer: the caller's RLS hides other companies' employees, which must be seen
    -- to be refused. An application's own employees table is left to the application.
    if exists (
        select from dreamcut_private.package_owned_objects where kind = 'table' and name = 'public.employees'
    ) then
        select e.company_id into v_company from public.employees as e where e.id = new.employee_id;
        if v_company <> new.company_id then
            raise exception 'employee_id (p_employee_id) % is not an employee of company % (company_id, p_company_id)',
                new.employee_id, new.company_id
            using errcode = '23503';
        end if;
    end if;
    return new;
end
$$;
comment on function dreamcut_private.cm_course_plan_employee_company() is
'BEFORE INSERT OR UPDATE OF employee_id, company_id trigger function on cm_course_plans: where module content '
'created public.employees, raises 23503 when the plan''s employee belongs to another company than the plan (the '
'plain foreign key would accept it). Security definer, to see employees the caller''s RLS hides; it reads only '
'the employee''s company_id. An unknown employee is left to the foreign key (23503). Returns the row.';
revoke all on function dreamcut_private.cm_course_plan_employee_company() from public, anon, authenticated, service_role;

create trigger trigger_cm_course_plans_employee_company
before insert or update of employee_id, company_id on public.cm_course_plans
for each row execute function dreamcut_private.cm_course_plan_employee_company();

create function public.store_course_plan(
    p_employee_id uuid,
    p_course_title text,
    p_course_structure jsonb,
    p_employee_name text default null,
    p_session_id text default null,
    p_prioritized_gaps jsonb default '[]',
    p_research_strategy jsonb default '{}',
    p_learning_path jsonb default '{}',
    p_employee_profile jsonb default '{}',
    p_total_modules integer default null,
    p_course_duration_weeks integer default null,
    p_status text default 'active',
    p_company_id uuid default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_company_id uuid;
    v_plan_id uuid;
begin
    if p_employee_id is null then
        raise exception 'p_employee_id is required' using errcode = '22023';
    end if;
    if p_course_title is null or btrim(p_course_title) = '' then
        raise exception 'p_course_title is required, got %', coalesce(quote_literal(p_course_title), 'null')
        using errcode = '22023';
    end if;
    if p_course_structure is null or jsonb_typeof(p_course_structure) <> 'object' then
        raise exception 'p_course_structure must be a JSON object, got %', coalesce(jsonb_typeof(p_course_structure), 'null')
        using errcode = '22023';
    end if;
    if p_total_modules < 0 then
        raise exception 'p_total_modules must be >= 0, got %', p_total_modules using errcode = '22023';
    end if;
    if p_course_duration_weeks <= 0 then
        raise exception 'p_course_duration_weeks must be > 0, got %', p_course_duration_weeks using errcode = '22023';
    end if;
    if p_status is null or p_status not in ('draft', 'active', 'completed', 'archived') then
        raise exception 'p_status must be one of draft, active, completed, archived, got %',
            coalesce(quote_literal(p_status), 'null')
        using errcode = '22023';
    end if;
    if length(p_session_id) > 255 then
        raise exception 'p_session_id must be at most 255 characters, got %', length(p_session_id)
        using errcode = '22023';
    end if;
    v_company_id := public.cm_caller_company_id(p_company_id);

    insert into public.cm_course_plans (
        company_id, employee_id, employee_name, session_id, course_structure, prioritized_gaps, research_strategy,
        learning_path, employee_profile, total_modules, course_duration_weeks, course_title, status
    )
    values (
        v_company_id, p_employee_id, p_employee_name, p_session_id, p_course_structure,
        coalesce(p_prioritized_gaps, '[]'), coalesce(p_research_strategy, '{}'), coalesce(p_learning_path, '{}'),
        coalesce(p_employee_profile, '{}'),
        coalesce(
            p_total_modules,
            case when jsonb_typeof(p_course_structure -> 'modules') = 'array'
                then jsonb_array_length(p_course_structure -> 'modules') else 0 end
        ),
        p_course_duration_weeks, p_course_title, p_status
    )
    returning plan_id into v_plan_id;
    return v_plan_id;
end
$$;
comment on function public.store_course_plan(
    uuid, text, jsonb, text, text, jsonb, jsonb, jsonb, jsonb, integer, integer, text, uuid
) is
'Stores a course plan (video-pipeline-content-multimedia.md, cm_course_plans). p_employee_id: the employee '
'(public.employees.id); p_course_title: non-empty text; p_course_structure: JSON object with the course''s '
'"modules" array; p_employee_name, p_session_id: text; p_prioritized_gaps, p_research_strategy, '
'p_learning_path, p_employee_profile: JSON; p_total_modules: >= 0 (default: length of '
'p_course_structure.modules); p_course_duration_weeks: > 0; p_status: draft | active | completed | archived; '
'p_company_id: default the caller''s app_metadata.company_id (a signed-in caller may pass only its own). '
'Returns the new plan_id (uuid). Errors: 22023 bad parameter, 42501 another company than the caller''s, 23503 '
'unknown employee or company. Writes nothing on error.';
revoke all on function public.store_course_plan(
    uuid, text, jsonb, text, text, jsonb, jsonb, jsonb, jsonb, integer, integer, text, uuid
) from public, anon, authenticated, service_role;
grant execute on function public.store_course_plan(
    uuid, text, jsonb, text, text, jsonb, jsonb, jsonb, jsonb, integer, integer, text, uuid
) to authenticated, service_role;

create function public.store_research_results(
    p_plan_id uuid,
    p_research_findings jsonb,
    p_content_library jsonb default '{}',
    p_module_mappings jsonb default '{}',
    p_search_queries text[] default '{}',
    p_sources_analyzed text[] default '{}',
    p_total_topics integer default null,
    p_total_sources integer default null,
    p_session_id text default null,
    p_status text default 'completed',
    p_company_id uuid default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_plan record;
    v_research_id uuid;
begin
    if p_plan_id is null then
        raise exception 'p_plan_id is required' using errcode = '22023';
    end if;
    if p_research_findings is null or jsonb_typeof(p_research_findings) not in ('object', 'array') then
        raise exception 'p_research_findings must be a JSON object or array, got %',
            coalesce(jsonb_typeof(p_research_findings), 'null')
        using errcode = '22023';
    end if;
    if p_total_topics < 0 then
        raise exception 'p_total_topics must be >= 0, got %', p_total_topics using errcode = '22023';
    end if;
    if p_total_sources < 0 then
        raise exception 'p_total_sources must be >= 0, got %', p_total_sources using errcode = '22023';
    end if;
    if p_status is null or p_status not in ('in_progress', 'completed', 'failed') then
        raise exception 'p_status must be one of in_progress, completed, failed, got %',
            coalesce(quote_literal(p_status), 'null')
        using errcode = '22023';
    end if;
    if length(p_session_id) > 255 then
        raise exception 'p_session_id must be at most 255 characters, got %', length(p_session_id)
        using errcode = '22023';
    end if;
    select plan_id, company_id, session_id into v_plan from public.cm_course_plans
    where plan_id = p_plan_id and (p_company_id is null or company_id = p_company_id);
    if not found then
        raise exception 'course plan % not found (p_plan_id)', p_plan_id using errcode = 'P0002';
    end if;

    insert into public.cm_research_results (
        plan_id, company_id, session_id, research_findings, content_library, module_mappings, total_topics,
        total_sources, search_queries, sources_analyzed, status
    )
    values (
        p_plan_id, v_plan.company_id, coalesce(p_session_id, v_plan.session_id), p_research_findings,
        coalesce(p_content_library, '{}'), coalesce(p_module_mappings, '{}'),
        coalesce(
            p_total_topics,
            case jsonb_typeof(p_research_findings)
                when 'array' then jsonb_array_length(p_research_findings)
                else (select count(*)::integer from jsonb_object_keys(p_research_findings))
            end
        ),
        coalesce(p_total_sources, cardinality(p_sources_analyzed), 0),
        coalesce(p_search_queries, '{}'), coalesce(p_sources_analyzed, '{}'), p_status
    )
    returning research_id into v_research_id;
    return v_research_id;
end
$$;
comment on function public.store_research_results(
    uuid, jsonb, jsonb, jsonb, text[], text[], integer, integer, text, text, uuid
) is
'Stores the Research Agent''s findings for a course plan (video-pipeline-content-multimedia.md, '
'cm_research_results). p_plan_id: the plan (its company is used); p_research_findings: JSON object or array; '
'p_content_library, p_module_mappings: JSON; p_search_queries: text[] of queries used; p_sources_analyzed: text[] '
'of URLs/sources; p_total_topics: >= 0 (default: number of findings, i.e. array elements or object keys); '
'p_total_sources: >= 0 (default: cardinality of p_sources_analyzed); p_session_id: default the plan''s; p_status: '
'in_progress | completed | failed; p_company_id: optional, the plan''s company (the distribution key; without it '
'the plan is found by its id alone). Returns the new research_id (uuid). Errors: 22023 bad parameter, P0002 '
'unknown plan (or another company''s). Writes nothing on error.';
revoke all on function public.store_research_results(
    uuid, jsonb, jsonb, jsonb, text[], text[], integer, integer, text, text, uuid
) from public, anon, authenticated, service_role;
grant execute on function public.store_research_results(
    uuid, jsonb, jsonb, jsonb, text[], text[], integer, integer, text, text, uuid
) to authenticated, service_role;
