drop function if exists public.store_research_results(
    uuid, jsonb, jsonb, jsonb, text[], text[], integer, integer, text, text, uuid
);
drop function if exists public.store_course_plan(
    uuid, text, jsonb, text, text, jsonb, jsonb, jsonb, jsonb, integer, integer, text, uuid
);
drop table if exists public.cm_research_results;
drop table if exists public.cm_course_plans;
drop function if exists dreamcut_private.cm_course_plan_employee_company();
