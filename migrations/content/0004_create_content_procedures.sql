-- create_content_procedures (video-pipeline-content-multimedia.md, "Database Operations Patterns: Content
-- Creation Workflow" and "Data Retrieval Patterns"): the content manager's operations as stored procedures,
-- plus full-text search. All run as the caller (security invoker), so the company isolation policies apply to
-- them exactly as to direct table access: another company's rows are "not found" (P0002).
-- depends: 0003_create_content_triggers

create function public.create_module_content(
    p_module_name text,
    p_employee_name text default null,
    p_session_id text default null,
    p_module_spec jsonb default '{}',
    p_company_id uuid default null,
    p_research_context jsonb default '{}',
    p_priority_level text default 'medium'
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_claim text := auth.jwt() -> 'app_metadata' ->> 'company_id';
    v_content_id uuid;
begin
    if p_module_name is null or btrim(p_module_name) = '' then
        raise exception 'p_module_name is required, got %', coalesce(quote_literal(p_module_name), 'null')
        using errcode = '22023';
    end if;
    if p_module_spec is not null and jsonb_typeof(p_module_spec) <> 'object' then
        raise exception 'p_module_spec must be a JSON object, got %', jsonb_typeof(p_module_spec) using errcode = '22023';
    end if;
    if p_research_context is not null and jsonb_typeof(p_research_context) <> 'object' then
        raise exception 'p_research_context must be a JSON object, got %', jsonb_typeof(p_research_context)
        using errcode = '22023';
    end if;
    if p_priority_level is null or p_priority_level not in ('critical', 'high', 'medium', 'low') then
        raise exception 'p_priority_level must be one of critical, high, medium, low, got %',
            coalesce(quote_literal(p_priority_level), 'null')
        using errcode = '22023';
    end if;
    if length(p_session_id) > 255 then
        raise exception 'p_session_id must be at most 255 characters, got %', length(p_session_id)
        using errcode = '22023';
    end if;
    if p_company_id is null and v_claim is null then
        raise exception 'p_company_id is required (the caller has no app_metadata.company_id claim)'
        using errcode = '22023';
    end if;
    if p_company_id is not null and v_claim is not null and p_company_id::text <> lower(v_claim) then
        raise exception 'p_company_id % is not the company of the signed-in user (%)', p_company_id, v_claim
        using errcode = '42501';
    end if;

    insert into public.cm_module_content (
        company_id, module_name, employee_name, session_id, module_spec, research_context, priority_level
    )
    values (
        coalesce(p_company_id, v_claim::uuid), p_module_name, p_employee_name, p_session_id,
        coalesce(p_module_spec, '{}'), coalesce(p_research_context, '{}'), p_priority_level
    )
    returning content_id into v_content_id;
    return v_content_id;
end
$$;
comment on function public.create_module_content(text, text, text, jsonb, uuid, jsonb, text) is
'Creates a module content entry (video-pipeline-content-multimedia.md, "Content Creation Workflow" step 1, '
'create_module_content). p_module_name: non-empty text; p_employee_name: learner''s name; p_session_id: '
'pipeline session (text); p_module_spec, p_research_context: JSON objects; p_company_id: the owning company '
'(default: the caller''s JWT claim app_metadata.company_id; a signed-in caller may pass only its own); '
'p_priority_level: critical | high | medium | low. Returns the new content_id (uuid). The content starts in '
'status draft with revision_count 0 and word counts 0; sections are written with update_module_section(s). '
'Errors: 22023 bad parameter, 42501 another company than the caller''s, 23503 unknown company. Writes '
'nothing on error.';
revoke all on function public.create_module_content(text, text, text, jsonb, uuid, jsonb, text)
from public, anon, authenticated, service_role;
grant execute on function public.create_module_content(text, text, text, jsonb, uuid, jsonb, text)
to authenticated, service_role;

create function public.update_module_sections(p_content_id uuid, p_sections jsonb)
returns public.cm_module_content
language plpgsql volatile
set search_path = ''
as $$
declare
    v_bad record;
    v_row public.cm_module_content;
begin
    if p_content_id is null then
        raise exception 'p_content_id is required' using errcode = '22023';
    end if;
    if p_sections is null or jsonb_typeof(p_sections) <> 'object' then
        raise exception 'p_sections must be a JSON object {"<section>": "text" | null, ...}, got %',
            coalesce(jsonb_typeof(p_sections), 'null')
        using errcode = '22023';
    end if;
    if p_sections = '{}' then
        raise exception 'p_sections must name at least one of the sections %', public.cm_content_sections()
        using errcode = '22023';
    end if;
    select s.key, jsonb_typeof(s.value) as kind into v_bad
    from jsonb_each(p_sections) as s
    where s.key <> all (public.cm_content_sections()) or jsonb_typeof(s.value) not in ('string', 'null')
    order by s.key
    limit 1;
    if found then
        if v_bad.key <> all (public.cm_content_sections()) then
            raise exception 'p_sections: unknown section %, the sections are %', quote_literal(v_bad.key),
                public.cm_content_sections()
            using errcode = '22023';
        end if;
        raise exception 'p_sections.%: a section is text or null, got %', v_bad.key, v_bad.kind
        using errcode = '22023';
    end if;

    update public.cm_module_content
    set introduction = case when p_sections ? 'introduction' then p_sections ->> 'introduction' else introduction end,
        core_content = case when p_sections ? 'core_content' then p_sections ->> 'core_content' else core_content end,
        practical_applications = case
            when p_sections ? 'practical_applications' then p_sections ->> 'practical_applications'
            else practical_applications
        end,
        case_studies = case when p_sections ? 'case_studies' then p_sections ->> 'case_studies' else case_studies end,
        assessments = case when p_sections ? 'assessments' then p_sections ->> 'assessments' else assessments end
    where content_id = p_content_id
    returning * into v_row;
    if not found then
        raise exception 'content % not found (p_content_id)', p_content_id using errcode = 'P0002';
    end if;
    return v_row;
end
$$;
comment on function public.update_module_sections(uuid, jsonb) is
'Updates several sections of a module''s content in one call (video-pipeline-content-multimedia.md, "Batch '
'updates for all sections"). p_content_id: the content; p_sections: JSON object {"<section>": text or null} '
'whose keys are among cm_content_sections() (introduction, core_content, practical_applications, case_studies, '
'assessments); sections not named keep their text, null clears one. Returns the updated cm_module_content row: '
'total_word_count and section_word_counts are recomputed (generated columns) and revision_count is bumped by '
'one when a section changed. Errors: 22023 bad parameter or unknown section, P0002 unknown content (or '
'another company''s), 55000 content not in status draft or revision. Writes nothing on error.';
revoke all on function public.update_module_sections(uuid, jsonb) from public, anon, authenticated, service_role;
grant execute on function public.update_module_sections(uuid, jsonb) to authenticated, service_role;

create function public.update_module_section(p_content_id uuid, p_section_name text, p_section_content text)
returns public.cm_module_content
language plpgsql volatile
set search_path = ''
as $$
begin
    if p_section_name is null or p_section_name <> all (public.cm_content_sections()) then
        raise exception 'p_section_name must be one of %, got %', public.cm_content_sections(),
            coalesce(quote_literal(p_section_name), 'null')
        using errcode = '22023';
    end if;
    return public.update_module_sections(p_content_id, jsonb_build_object(p_section_name, p_section_content));
end
$$;
comment on function public.update_module_section(uuid, text, text) is
'Updates one section of a module''s content (video-pipeline-content-multimedia.md, "Content Creation Workflow" '
'step 2, update_module_section). p_content_id: the content; p_section_name: one of cm_content_sections() '
'(introduction, core_content, practical_applications, case_studies, assessments); p_section_content: the new '
'text (null clears it). Returns the updated cm_module_content row with recomputed total_word_count and '
'section_word_counts and revision_count bumped by one when the text changed. Errors: 22023 bad parameter or '
'unknown section, P0002 unknown content (or another company''s), 55000 content not in status draft or '
'revision. Writes nothing on error.';
revoke all on function public.update_module_section(uuid, text, text) from public, anon, authenticated, service_role;
grant execute on function public.update_module_section(uuid, text, text) to authenticated, service_role;

create function public.update_content_status(p_content_id uuid, p_status text)
returns public.cm_module_content
language plpgsql volatile
set search_path = ''
as $$
declare
    v_row public.cm_module_content;
begin
    if p_content_id is null then
        raise exception 'p_content_id is required' using errcode = '22023';
    end if;
    if p_status is null or p_status not in ('draft', 'quality_check', 'revision', 'approved') then
        raise exception 'p_status must be one of draft, quality_check, revision, approved, got %',
            coalesce(quote_literal(p_status), 'null')
        using errcode = '22023';
    end if;
    update public.cm_module_content set status = p_status where content_id = p_content_id returning * into v_row;
    if not found then
        raise exception 'content % not found (p_content_id)', p_content_id using errcode = 'P0002';
    end if;
    return v_row;
end
$$;
comment on function public.update_content_status(uuid, text) is
'Moves a module''s content along its workflow (video-pipeline-content-multimedia.md, "Status tracking and '
'revision management"). p_content_id: the content; p_status: draft -> quality_check -> approved | revision, '
'revision -> quality_check, approved -> revision (setting the current status again changes nothing). Returns '
'the updated cm_module_content row. Errors: 22023 bad parameter, P0002 unknown content (or another '
'company''s), 55000 transition not allowed or quality_check with no text. Writes nothing on error.';
revoke all on function public.update_content_status(uuid, text) from public, anon, authenticated, service_role;
grant execute on function public.update_content_status(uuid, text) to authenticated, service_role;

create function public.get_module_content(p_content_id uuid)
returns public.cm_module_content
language plpgsql stable
set search_path = ''
as $$
declare
    v_row public.cm_module_content;
begin
    select * into v_row from public.cm_module_content where content_id = p_content_id;
    if not found then
        raise exception 'content % not found (p_content_id)', p_content_id using errcode = 'P0002';
    end if;
    return v_row;
end
$$;
comment on function public.get_module_content(uuid) is
'A module''s content (video-pipeline-content-multimedia.md, "Data Retrieval Patterns", get_module_content). '
'p_content_id: the content. Returns the cm_module_content row (sections, word counts, status, revision_count). '
'Errors: P0002 unknown content (or another company''s).';
revoke all on function public.get_module_content(uuid) from public, anon, authenticated, service_role;
grant execute on function public.get_module_content(uuid) to authenticated, service_role;

create function public.get_content_sections(p_content_id uuid)
returns table (section_name text, section_order integer, section_content text, word_count integer)
language plpgsql stable
set search_path = ''
as $$
declare
    v_row public.cm_module_content;
begin
    v_row := public.get_module_content(p_content_id);
    return query
    select s.name, s.ord::integer, s.content, (v_row.section_word_counts ->> s.name)::integer
    from unnest(
        public.cm_content_sections(),
        array[
            v_row.introduction, v_row.core_content, v_row.practical_applications, v_row.case_studies,
            v_row.assessments
        ]
    ) with ordinality as s (name, content, ord)
    order by s.ord;
end
$$;
comment on function public.get_content_sections(uuid) is
'The sections of a module''s content in reading order (video-pipeline-content-multimedia.md, "Data Retrieval '
'Patterns", get_content_sections). p_content_id: the content. Returns five rows (section_name, section_order '
'1..5, section_content or null, word_count). Errors: P0002 unknown content (or another company''s).';
revoke all on function public.get_content_sections(uuid) from public, anon, authenticated, service_role;
grant execute on function public.get_content_sections(uuid) to authenticated, service_role;

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
    v_claim text := auth.jwt() -> 'app_metadata' ->> 'company_id';
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
    if p_company_id is null and v_claim is null then
        raise exception 'p_company_id is required (the caller has no app_metadata.company_id claim)'
        using errcode = '22023';
    end if;
    if p_company_id is not null and v_claim is not null and p_company_id::text <> lower(v_claim) then
        raise exception 'p_company_id % is not the company of the signed-in user (%)', p_company_id, v_claim
        using errcode = '42501';
    end if;

    insert into public.cm_course_plans (
        company_id, employee_id, employee_name, session_id, course_structure, prioritized_gaps, research_strategy,
        learning_path, employee_profile, total_modules, course_duration_weeks, course_title, status
    )
    values (
        coalesce(p_company_id, v_claim::uuid), p_employee_id, p_employee_name, p_session_id, p_course_structure,
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
    p_status text default 'completed'
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
    select plan_id, company_id, session_id into v_plan from public.cm_course_plans where plan_id = p_plan_id;
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
    uuid, jsonb, jsonb, jsonb, text[], text[], integer, integer, text, text
) is
'Stores the Research Agent''s findings for a course plan (video-pipeline-content-multimedia.md, '
'cm_research_results). p_plan_id: the plan (its company is used); p_research_findings: JSON object or array; '
'p_content_library, p_module_mappings: JSON; p_search_queries: text[] of queries used; p_sources_analyzed: '
'text[] of URLs/sources; p_total_topics: >= 0 (default: number of findings, i.e. array elements or object '
'keys); p_total_sources: >= 0 (default: cardinality of p_sources_analyzed); p_session_id: default the plan''s; '
'p_status: in_progress | completed | failed. Returns the new research_id (uuid). Errors: 22023 bad parameter, '
'P0002 unknown plan (or another company''s). Writes nothing on error.';
revoke all on function public.store_research_results(
    uuid, jsonb, jsonb, jsonb, text[], text[], integer, integer, text, text
) from public, anon, authenticated, service_role;
grant execute on function public.store_research_results(
    uuid, jsonb, jsonb, jsonb, text[], text[], integer, integer, text, text
) to authenticated, service_role;

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
    p_critical_issues text[] default '{}'
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

    select company_id into v_company_id from public.cm_module_content where content_id = p_content_id;
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
    double precision, double precision, text, boolean, text[], text[]
) is
'Stores a quality assessment of a module''s content (video-pipeline-content-multimedia.md, "Content Creation '
'Workflow" step 3, store_quality_assessment). p_content_id: the content; p_overall_score: 0..10 (required); '
'p_section_scores: JSON object {"<section>": 0..10} over cm_content_sections(); p_passed: boolean (required); '
'p_accuracy_score, p_clarity_score, p_completeness_score, p_engagement_score, p_personalization_score: 0..10 '
'or null; p_quality_feedback: text; p_requires_revision: default not p_passed; p_sections_needing_work: '
'text[] of section names; p_critical_issues: text[]. Returns the new assessment_id (uuid); assessed_at is the '
'clock time of the call. The content''s status is not changed (use update_content_status). Errors: 22023 bad '
'parameter (score out of range, unknown section), P0002 unknown content (or another company''s). Writes '
'nothing on error.';
revoke all on function public.store_quality_assessment(
    uuid, double precision, jsonb, boolean, double precision, double precision, double precision,
    double precision, double precision, text, boolean, text[], text[]
) from public, anon, authenticated, service_role;
grant execute on function public.store_quality_assessment(
    uuid, double precision, jsonb, boolean, double precision, double precision, double precision,
    double precision, double precision, text, boolean, text[], text[]
) to authenticated, service_role;

create function public.get_latest_quality_assessment(p_content_id uuid)
returns public.cm_quality_assessments
language plpgsql stable
set search_path = ''
as $$
declare
    v_company_id uuid;
    v_row public.cm_quality_assessments;
begin
    select company_id into v_company_id from public.cm_module_content where content_id = p_content_id;
    if not found then
        raise exception 'content % not found (p_content_id)', p_content_id using errcode = 'P0002';
    end if;
    select * into v_row from public.cm_quality_assessments
    where content_id = p_content_id and company_id = v_company_id
    order by assessed_at desc, assessment_id desc
    limit 1;
    return v_row;
end
$$;
comment on function public.get_latest_quality_assessment(uuid) is
'The latest quality assessment of a content (video-pipeline-content-multimedia.md, "Data Retrieval Patterns", '
'get_latest_quality_assessment). p_content_id: the content. Returns the cm_quality_assessments row with the '
'latest assessed_at, or null when the content has none. Errors: P0002 unknown content (or another company''s).';
revoke all on function public.get_latest_quality_assessment(uuid) from public, anon, authenticated, service_role;
grant execute on function public.get_latest_quality_assessment(uuid) to authenticated, service_role;

create function public.start_enhancement_session(
    p_content_id uuid,
    p_enhancement_type text,
    p_sections_to_enhance text[] default null,
    p_quality_assessment_id uuid default null
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

    -- The content row lock serializes sessions of one content: at most one is in progress.
    select company_id into v_company_id from public.cm_module_content where content_id = p_content_id for update;
    if not found then
        raise exception 'content % not found (p_content_id)', p_content_id using errcode = 'P0002';
    end if;
    if p_quality_assessment_id is not null then
        select coalesce(v_sections, a.sections_needing_work) into v_sections
        from public.cm_quality_assessments as a
        where a.assessment_id = p_quality_assessment_id and a.content_id = p_content_id;
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
    where content_id = p_content_id and status = 'in_progress';
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
comment on function public.start_enhancement_session(uuid, text, text[], uuid) is
'Starts a content enhancement workflow (video-pipeline-content-multimedia.md, cm_enhancement_sessions). '
'p_content_id: the content; p_enhancement_type: non-empty text (e.g. section_regeneration); '
'p_sections_to_enhance: text[] of sections of cm_content_sections() (default: the sections_needing_work of '
'p_quality_assessment_id); p_quality_assessment_id: an assessment of the same content, or null. The other '
'sections are recorded as sections_preserved. Returns the new session_id (uuid), status in_progress. Errors: '
'22023 bad parameter (unknown section, no section, assessment of another content), P0002 unknown content (or '
'another company''s), 55000 the content already has a session in progress. Writes nothing on error.';
revoke all on function public.start_enhancement_session(uuid, text, text[], uuid)
from public, anon, authenticated, service_role;
grant execute on function public.start_enhancement_session(uuid, text, text[], uuid) to authenticated, service_role;

create function public.complete_enhancement_session(
    p_session_id uuid,
    p_research_conducted boolean default false,
    p_content_regenerated boolean default false,
    p_status text default 'completed'
) returns public.cm_enhancement_sessions
language plpgsql volatile
set search_path = ''
as $$
declare
    v_row public.cm_enhancement_sessions;
begin
    if p_session_id is null then
        raise exception 'p_session_id is required' using errcode = '22023';
    end if;
    if p_status is null or p_status not in ('completed', 'failed') then
        raise exception 'p_status must be completed or failed, got %', coalesce(quote_literal(p_status), 'null')
        using errcode = '22023';
    end if;
    select * into v_row from public.cm_enhancement_sessions where session_id = p_session_id for update;
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
        -- the clock, not now(): this transaction may have started before the session was created
        completed_at = clock_timestamp()
    where session_id = p_session_id
    returning * into v_row;
    return v_row;
end
$$;
comment on function public.complete_enhancement_session(uuid, boolean, boolean, text) is
'Ends a content enhancement workflow (video-pipeline-content-multimedia.md, cm_enhancement_sessions). '
'p_session_id: an enhancement session in progress; p_research_conducted, p_content_regenerated: what was done '
'(booleans); p_status: completed | failed. Returns the updated cm_enhancement_sessions row with completed_at. '
'Errors: 22023 bad parameter, P0002 unknown session (or another company''s), 55000 session already finished. '
'Writes nothing on error.';
revoke all on function public.complete_enhancement_session(uuid, boolean, boolean, text)
from public, anon, authenticated, service_role;
grant execute on function public.complete_enhancement_session(uuid, boolean, boolean, text)
to authenticated, service_role;

create function public.search_module_content(p_query text, p_limit integer default 20, p_status text default null)
returns table (
    content_id uuid, module_name text, employee_name text, status text, rank real, headline text
)
language plpgsql stable
set search_path = ''
as $$
declare
    v_query tsquery;
begin
    if p_query is null or btrim(p_query) = '' then
        raise exception 'p_query is required, got %', coalesce(quote_literal(p_query), 'null') using errcode = '22023';
    end if;
    if p_limit is null or p_limit not between 1 and 100 then
        raise exception 'p_limit must be between 1 and 100, got %', coalesce(p_limit::text, 'null')
        using errcode = '22023';
    end if;
    if p_status is not null and p_status not in ('draft', 'quality_check', 'revision', 'approved') then
        raise exception 'p_status must be one of draft, quality_check, revision, approved (or null), got %',
            quote_literal(p_status)
        using errcode = '22023';
    end if;
    v_query := websearch_to_tsquery('english'::regconfig, p_query);
    return query
    select
        c.content_id, c.module_name, c.employee_name, c.status, ts_rank(c.search_vector, v_query),
        ts_headline(
            'english'::regconfig,
            concat_ws(' ', c.introduction, c.core_content, c.practical_applications, c.case_studies, c.assessments),
            v_query,
            'MaxFragments=2, MaxWords=20, MinWords=5'
        )
    from public.cm_module_content as c
    where c.search_vector @@ v_query and (p_status is null or c.status = p_status)
    order by ts_rank(c.search_vector, v_query) desc, c.created_at desc
    limit p_limit;
end
$$;
comment on function public.search_module_content(text, integer, text) is
'Full-text search over module content (video-pipeline-content-multimedia.md, "Content Storage: enables '
'full-text search capabilities"), through the GIN-indexed generated column search_vector (English). p_query: '
'web-search syntax ("quoted phrase", or, -word); p_limit: 1..100 rows; p_status: only content in that status, '
'or null. Returns rows (content_id, module_name, employee_name, status, rank: ts_rank, higher is better, '
'headline: matching fragments of the sections) best first. Runs as the caller, so RLS applies: a signed-in '
'user finds only its company''s content. Errors: 22023 bad parameter.';
revoke all on function public.search_module_content(text, integer, text) from public, anon, authenticated, service_role;
grant execute on function public.search_module_content(text, integer, text) to authenticated, service_role;
