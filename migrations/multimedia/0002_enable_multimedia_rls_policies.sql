-- enable_multimedia_rls_policies (video-pipeline-content-multimedia.md, "Row Level Security: company-based
-- isolation via company_id ... service role key for backend operations"): as for the cm_* tables, a signed-in
-- user reads and writes only its company's rows (JWT claim app_metadata.company_id), service_role does
-- everything, anon has no grant.
-- depends: 0001_create_multimedia_schema

alter table public.mm_multimedia_sessions enable row level security;
alter table public.mm_multimedia_assets enable row level security;
alter table public.mm_audio_narrations enable row level security;
alter table public.mm_slide_presentations enable row level security;

revoke all on table public.mm_multimedia_sessions, public.mm_multimedia_assets, public.mm_audio_narrations,
public.mm_slide_presentations
from public, anon, authenticated, service_role;
grant select, insert, update, delete on table public.mm_multimedia_sessions, public.mm_multimedia_assets,
public.mm_audio_narrations, public.mm_slide_presentations
to authenticated, service_role;

create policy mm_multimedia_sessions_company on public.mm_multimedia_sessions
for all to authenticated
using (company_id = (select dreamcut_private.jwt_company_id()))
with check (company_id = (select dreamcut_private.jwt_company_id()));

create policy mm_multimedia_assets_company on public.mm_multimedia_assets
for all to authenticated
using (company_id = (select dreamcut_private.jwt_company_id()))
with check (company_id = (select dreamcut_private.jwt_company_id()));

create policy mm_audio_narrations_company on public.mm_audio_narrations
for all to authenticated
using (company_id = (select dreamcut_private.jwt_company_id()))
with check (company_id = (select dreamcut_private.jwt_company_id()));

create policy mm_slide_presentations_company on public.mm_slide_presentations
for all to authenticated
using (company_id = (select dreamcut_private.jwt_company_id()))
with check (company_id = (select dreamcut_private.jwt_company_id()));
