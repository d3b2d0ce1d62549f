-- enable_content_rls_policies (video-pipeline-content-multimedia.md, "Row Level Security: company-based
-- isolation via company_id ... service role key for backend operations"): RLS on every cm_* table. A
-- signed-in user reads and writes only the rows of its company, the company coming from the trusted JWT
-- claim app_metadata.company_id (dreamcut_private.jwt_company_id()); service_role (BYPASSRLS) does
-- everything; anon has no grant at all.
-- depends: 0001_create_content_schema

alter table public.cm_module_content enable row level security;
alter table public.cm_course_plans enable row level security;
alter table public.cm_research_results enable row level security;
alter table public.cm_quality_assessments enable row level security;
alter table public.cm_enhancement_sessions enable row level security;

revoke all on table public.cm_module_content, public.cm_course_plans, public.cm_research_results,
public.cm_quality_assessments, public.cm_enhancement_sessions
from public, anon, authenticated, service_role;
grant select, insert, update, delete on table public.cm_module_content, public.cm_course_plans,
public.cm_research_results, public.cm_quality_assessments, public.cm_enhancement_sessions
to authenticated, service_role;

create policy cm_module_content_company on public.cm_module_content
for all to authenticated
using (company_id = (select dreamcut_private.jwt_company_id()))
with check (company_id = (select dreamcut_private.jwt_company_id()));

create policy cm_course_plans_company on public.cm_course_plans
for all to authenticated
using (company_id = (select dreamcut_private.jwt_company_id()))
with check (company_id = (select dreamcut_private.jwt_company_id()));

create policy cm_research_results_company on public.cm_research_results
for all to authenticated
using (company_id = (select dreamcut_private.jwt_company_id()))
with check (company_id = (select dreamcut_private.jwt_company_id()));

create policy cm_quality_assessments_company on public.cm_quality_assessments
for all to authenticated
using (company_id = (select dreamcut_private.jwt_company_id()))
with check (company_id = (select dreamcut_private.jwt_company_id()));

create policy cm_enhancement_sessions_company on public.cm_enhancement_sessions
for all to authenticated
using (company_id = (select dreamcut_private.jwt_company_id()))
with check (company_id = (select dreamcut_private.jwt_company_id()));
