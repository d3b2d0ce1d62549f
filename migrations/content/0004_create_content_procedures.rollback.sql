drop function if exists public.search_module_content(text, integer, text);
drop function if exists public.complete_enhancement_session(uuid, boolean, boolean, text);
drop function if exists public.start_enhancement_session(uuid, text, text[], uuid);
drop function if exists public.get_latest_quality_assessment(uuid);
drop function if exists public.store_quality_assessment(
    uuid, double precision, jsonb, boolean, double precision, double precision, double precision,
    double precision, double precision, text, boolean, text[], text[]
);
drop function if exists public.store_research_results(
    uuid, jsonb, jsonb, jsonb, text[], text[], integer, integer, text, text
);
drop function if exists public.store_course_plan(
    uuid, text, jsonb, text, text, jsonb, jsonb, jsonb, jsonb, integer, integer, text, uuid
);
drop function if exists public.get_content_sections(uuid);
drop function if exists public.get_module_content(uuid);
drop function if exists public.update_content_status(uuid, text);
drop function if exists public.update_module_section(uuid, text, text);
drop function if exists public.update_module_sections(uuid, jsonb);
drop function if exists public.create_module_content(text, text, text, jsonb, uuid, jsonb, text);
