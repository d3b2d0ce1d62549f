-- create_module_content_procedures (video-pipeline-content-multimedia.md, "Database Operations Patterns:
-- Content Creation Workflow", "Data Retrieval Patterns", "Content Storage: enables full-text search"): the
-- content manager's operations on module content as stored procedures, and full-text search. All run as the
-- caller (security invoker), so the company isolation policies apply to them exactly as to direct table
-- access: another company's rows are "not found" (P0002).
-- depends: 0002_create_module_content

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
    v_company_id uuid;
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
    v_company_id := public.cm_caller_company_id(p_company_id);

    insert into public.cm_module_content (
        company_id, module_name, employee_name, session_id, module_spec, research_context, priority_level
    )
    values (
        v_company_id, p_module_name, p_employee_name, p_session_id,
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

create function public.update_module_sections(p_content_id uuid, p_sections jsonb, p_company_id uuid default null)
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
    where content_id = p_content_id and (p_company_id is null or company_id = p_company_id)
    returning * into v_row;
    if not found then
        raise exception 'content % not found (p_content_id)', p_content_id using errcode = 'P0002';
    end if;
    return v_row;
end
$$;
comment on function public.update_module_sections(uuid, jsonb, uuid) is
'Updates several sections of a module''s content in one call (video-pipeline-content-multimedia.md, "Batch updates '
'for all sections"). p_content_id: the content; p_company_id: optional, its company (the distribution key; without '
'it the content is found by its id alone); p_sections: JSON object {"<section>": text or null} whose keys are '
'among cm_content_sections() (introduction, core_content, practical_applications, case_studies, assessments); '
'sections not named keep their text, null clears one. Returns the updated cm_module_content row: total_word_count '
'and section_word_counts are recomputed (generated columns) and revision_count is bumped by one when a section '
'changed. Errors: 22023 bad parameter or unknown section, P0002 unknown content (or another company''s), 55000 '
'content not in status draft or revision. Writes nothing on error.';
revoke all on function public.update_module_sections(uuid, jsonb, uuid) from public, anon, authenticated, service_role;
grant execute on function public.update_module_sections(uuid, jsonb, uuid) to authenticated, service_role;

create function public.update_module_section(
    p_content_id uuid, p_section_name text, p_section_content text, p_company_id uuid default null
)
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
    return public.update_module_sections(
        p_content_id, jsonb_build_object(p_section_name, p_section_content), p_company_id
    );
end
$$;
comment on function public.update_module_section(uuid, text, text, uuid) is
'Updates one section of a module''s content (video-pipeline-content-multimedia.md, "Content Creation Workflow" '
'step 2, update_module_section). p_content_id: the content; p_company_id: optional, its company (the distribution '
'key; without it the content is found by its id alone); p_section_name: one of cm_content_sections() '
'(introduction, core_content, practical_applications, case_studies, assessments); p_section_content: the new text '
'(null clears it). Returns the updated cm_module_content row with recomputed total_word_count and '
'section_word_counts and revision_count bumped by one when the text changed. Errors: 22023 bad parameter or '
'unknown section, P0002 unknown content (or another company''s), 55000 content not in status draft or revision. '
'Writes nothing on error.';
revoke all on function public.update_module_section(uuid, text, text, uuid) from public, anon, authenticated, service_role;
grant execute on function public.update_module_section(uuid, text, text, uuid) to authenticated, service_role;

create function public.update_content_status(p_content_id uuid, p_status text, p_company_id uuid default null)
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
    update public.cm_module_content set status = p_status
    where content_id = p_content_id and (p_company_id is null or company_id = p_company_id)
    returning * into v_row;
    if not found then
        raise exception 'content % not found (p_content_id)', p_content_id using errcode = 'P0002';
    end if;
    return v_row;
end
$$;
comment on function public.update_content_status(uuid, text, uuid) is
'Moves a module''s content along its workflow (video-pipeline-content-multimedia.md, "Status tracking and revision '
'management"). p_content_id: the content; p_company_id: optional, its company (the distribution key; without it '
'the content is found by its id alone); p_status: draft -> quality_check -> approved | revision, revision -> '
'quality_check, approved -> revision (setting the current status again changes nothing). Returns the updated '
'cm_module_content row. Errors: 22023 bad parameter, P0002 unknown content (or another company''s), 55000 '
'transition not allowed or quality_check with no text. Writes nothing on error.';
revoke all on function public.update_content_status(uuid, text, uuid) from public, anon, authenticated, service_role;
grant execute on function public.update_content_status(uuid, text, uuid) to authenticated, service_role;

create function public.get_module_content(p_content_id uuid, p_company_id uuid default null)
returns public.cm_module_content
language plpgsql stable
set search_path = ''
as $$
declare
    v_row public.cm_module_content;
begin
    select * into v_row from public.cm_module_content
    where content_id = p_content_id and (p_company_id is null or company_id = p_company_id);
    if not found then
        raise exception 'content % not found (p_content_id)', p_content_id using errcode = 'P0002';
    end if;
    return v_row;
end
$$;
comment on function public.get_module_content(uuid, uuid) is
'A module''s content (video-pipeline-content-multimedia.md, "Data Retrieval Patterns", get_module_content). '
'p_content_id: the content; p_company_id: optional, its company (the distribution key; without it the content is '
'found by its id alone). Returns the cm_module_content row (sections, word counts, status, revision_count). '
'Errors: P0002 unknown content (or another company''s).';
revoke all on function public.get_module_content(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.get_module_content(uuid, uuid) to authenticated, service_role;

create function public.get_content_sections(p_content_id uuid, p_company_id uuid default null)
returns table (section_name text, section_order integer, section_content text, word_count integer)
language plpgsql stable
set search_path = ''
as $$
declare
    v_row public.cm_module_content;
begin
    v_row := public.get_module_content(p_content_id, p_company_id);
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
comment on function public.get_content_sections(uuid, uuid) is
'The sections of a module''s content in reading order (video-pipeline-content-multimedia.md, "Data Retrieval '
'Patterns", get_content_sections). p_content_id: the content; p_company_id: optional, its company (the '
'distribution key; without it the content is found by its id alone). Returns five rows (section_name, '
'section_order 1..5, section_content or null, word_count). Errors: P0002 unknown content (or another company''s).';
revoke all on function public.get_content_sections(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.get_content_sections(uuid, uuid) to authenticated, service_role;

create function public.search_module_content(
    p_query text, p_limit integer default 20, p_status text default null, p_company_id uuid default null
)
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
    -- Bounded before the parser sees it: a search is a few words, and websearch_to_tsquery on tens of kilobytes of
    -- operators runs out of its own stack (XX000) or the server's (54001).
    if length(p_query) > 1000 then
        raise exception 'p_query must be at most 1000 characters, got %', length(p_query) using errcode = '22023';
    end if;
    if cardinality(regexp_split_to_array(btrim(p_query), '\s+')) > 64 then
        raise exception 'p_query must be at most 64 words, got %',
            cardinality(regexp_split_to_array(btrim(p_query), '\s+'))
        using errcode = '22023';
    end if;
    -- each "-" may nest one NOT, and the tsquery parser's stack holds 32
    if length(p_query) - length(replace(p_query, '-', '')) > 32 then
        raise exception 'p_query must hold at most 32 "-" (websearch''s NOT), got %',
            length(p_query) - length(replace(p_query, '-', ''))
        using errcode = '22023';
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
        and (p_company_id is null or c.company_id = p_company_id)
    order by ts_rank(c.search_vector, v_query) desc, c.created_at desc, c.content_id
    limit p_limit;
end
$$;
comment on function public.search_module_content(text, integer, text, uuid) is
'Full-text search over module content (video-pipeline-content-multimedia.md, "Content Storage: enables full-text '
'search capabilities"), through the GIN-indexed generated column search_vector (English). p_query: web-search '
'syntax ("quoted phrase", or, -word), 1..1000 characters, at most 64 words (separated by white space) and at '
'most 32 "-", checked before the parser sees it; p_limit: 1..100 rows; p_status: only content in that status, or null; '
'p_company_id: only that company''s content, or null (a signed-in user sees its own company''s only anyway). Returns '
'rows (content_id, module_name, employee_name, status, rank: ts_rank, higher is better, headline: matching '
'fragments of the sections) best first. Runs as the caller, so RLS applies: a signed-in user finds only its '
'company''s content. Errors: 22023 bad parameter.';
revoke all on function public.search_module_content(text, integer, text, uuid) from public, anon, authenticated, service_role;
grant execute on function public.search_module_content(text, integer, text, uuid) to authenticated, service_role;
