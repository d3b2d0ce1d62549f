-- enable_render_rls_policies (video-platform-database.md, migration 005_rls_policies.sql): the document's
-- "Row Level Security Policies" made real, as the rule table of docs/render.md:
--   jobs: anon creates anonymous jobs of its own address, sees and cancels only those; a signed-in user creates,
--   sees and cancels its own; admins (JWT app_metadata.role = 'admin') see and cancel all and delete; service_role
--   (BYPASSRLS) does all.
--   elements, storage_operations, processing_timeline, url_access_logs follow their job; elements can be added
--   to a visible pending job; the other child tables are written by service_role only.
--   system_metrics: admins read, service_role writes. Private tables: no API access.
-- RLS itself was enabled in 0001 with every grant revoked; this migration grants and adds the policies.
-- depends: 0004_create_render_views

-- A direct insert through the API records the caller: its address (x-forwarded-for) and its user id.
alter table public.jobs alter column client_ip set default dreamcut_private.client_ip();
alter table public.jobs alter column user_id set default auth.uid();

grant select on table public.jobs to anon, authenticated;
grant insert (
    user_id, client_ip, user_agent, output_format, width, height, fps, duration_seconds, response_type, metadata
) on table public.jobs to anon, authenticated;
-- Cancelling is the only update an end user may make (the policies demand the result be cancelled).
grant update (status, error_message, error_code) on table public.jobs to anon, authenticated;
grant delete on table public.jobs to authenticated;

grant select on table public.elements to anon, authenticated;
grant insert (
    job_id, type, source_url, text_content, position_x, position_y, width, height, fit_mode, start_time, duration,
    layer_order, metadata
) on table public.elements to anon, authenticated;

grant select on table public.storage_operations, public.processing_timeline, public.url_access_logs
to anon, authenticated;
grant select on table public.system_metrics to authenticated;

grant select, insert, update, delete on table
public.jobs, public.elements, public.storage_operations, public.processing_timeline, public.url_access_logs,
public.system_metrics
to service_role;

create policy jobs_select_anon on public.jobs
for select to anon
using (user_id is null and client_ip = (select dreamcut_private.client_ip()));

create policy jobs_select_authenticated on public.jobs
for select to authenticated
using (user_id = (select auth.uid()) or (select dreamcut_private.is_admin()));

create policy jobs_insert_anon on public.jobs
for insert to anon
with check (user_id is null and client_ip = (select dreamcut_private.client_ip()));

create policy jobs_insert_authenticated on public.jobs
for insert to authenticated
with check (user_id = (select auth.uid()) and client_ip is not distinct from (select dreamcut_private.client_ip()));

create policy jobs_cancel_anon on public.jobs
for update to anon
using (user_id is null and client_ip = (select dreamcut_private.client_ip()) and status in ('pending', 'processing'))
with check (user_id is null and client_ip = (select dreamcut_private.client_ip()) and status = 'cancelled');

create policy jobs_cancel_authenticated on public.jobs
for update to authenticated
using ((user_id = (select auth.uid()) or (select dreamcut_private.is_admin())) and status in ('pending', 'processing'))
with check ((user_id = (select auth.uid()) or (select dreamcut_private.is_admin())) and status = 'cancelled');

create policy jobs_delete_admin on public.jobs
for delete to authenticated
using ((select dreamcut_private.is_admin()));

create policy elements_select_own_job on public.elements
for select to anon, authenticated
using (exists (
    select from public.jobs as j
    where j.id = elements.job_id
));

create policy elements_insert_own_pending_job on public.elements
for insert to anon, authenticated
with check (exists (
    select from public.jobs as j
    where j.id = elements.job_id and j.status = 'pending'
));

create policy storage_operations_select_own_job on public.storage_operations
for select to anon, authenticated
using (exists (
    select from public.jobs as j
    where j.id = storage_operations.job_id
));

create policy processing_timeline_select_own_job on public.processing_timeline
for select to anon, authenticated
using (exists (
    select from public.jobs as j
    where j.id = processing_timeline.job_id
));

create policy url_access_logs_select_own_job on public.url_access_logs
for select to anon, authenticated
using (exists (
    select from public.jobs as j
    where j.id = url_access_logs.job_id
));

create policy system_metrics_select_admin on public.system_metrics
for select to authenticated
using ((select dreamcut_private.is_admin()));

comment on policy jobs_select_anon on public.jobs is
'Anonymous callers see the anonymous jobs created from their own address (client_ip() = x-forwarded-for).';
comment on policy jobs_select_authenticated on public.jobs is
'Signed-in users see their own jobs; admins (JWT app_metadata.role = admin) see every job.';
comment on policy jobs_insert_anon on public.jobs is
'Anonymous callers create anonymous jobs recorded with their own address (the public API).';
comment on policy jobs_insert_authenticated on public.jobs is
'Signed-in users create jobs owned by themselves, recorded with their own address.';
comment on policy jobs_cancel_anon on public.jobs is
'Anonymous callers cancel their own pending or processing anonymous jobs (the only update they may make).';
comment on policy jobs_cancel_authenticated on public.jobs is
'Signed-in users cancel their own pending or processing jobs, admins any (the only update they may make).';
comment on policy jobs_delete_admin on public.jobs is 'Admins delete any job (its child rows go with it).';
comment on policy elements_select_own_job on public.elements is 'Elements follow their job: visible with the job.';
comment on policy elements_insert_own_pending_job on public.elements is
'Elements can be added to a job the caller can see while it is pending.';
comment on policy storage_operations_select_own_job on public.storage_operations is
'Storage operations follow their job: visible with the job.';
comment on policy processing_timeline_select_own_job on public.processing_timeline is
'Timeline entries follow their job: visible with the job.';
comment on policy url_access_logs_select_own_job on public.url_access_logs is
'URL access logs follow their job: visible with the job.';
comment on policy system_metrics_select_admin on public.system_metrics is 'Only admins read metrics through the API.';
