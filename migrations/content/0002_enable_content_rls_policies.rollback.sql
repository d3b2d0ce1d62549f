drop policy if exists cm_enhancement_sessions_company on public.cm_enhancement_sessions;
drop policy if exists cm_quality_assessments_company on public.cm_quality_assessments;
drop policy if exists cm_research_results_company on public.cm_research_results;
drop policy if exists cm_course_plans_company on public.cm_course_plans;
drop policy if exists cm_module_content_company on public.cm_module_content;
do $$
begin
    if to_regclass('public.cm_module_content') is not null then
        revoke all on table public.cm_module_content, public.cm_course_plans, public.cm_research_results,
        public.cm_quality_assessments, public.cm_enhancement_sessions
        from anon, authenticated, service_role;
        alter table public.cm_module_content disable row level security;
        alter table public.cm_course_plans disable row level security;
        alter table public.cm_research_results disable row level security;
        alter table public.cm_quality_assessments disable row level security;
        alter table public.cm_enhancement_sessions disable row level security;
    end if;
end
$$;
