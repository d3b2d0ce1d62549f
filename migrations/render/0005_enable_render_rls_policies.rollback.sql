drop policy if exists system_metrics_select_admin on public.system_metrics;
drop policy if exists url_access_logs_select_own_job on public.url_access_logs;
drop policy if exists processing_timeline_select_own_job on public.processing_timeline;
drop policy if exists storage_operations_select_own_job on public.storage_operations;
drop policy if exists elements_insert_own_pending_job on public.elements;
drop policy if exists elements_select_own_job on public.elements;
drop policy if exists jobs_delete_admin on public.jobs;
drop policy if exists jobs_cancel_authenticated on public.jobs;
drop policy if exists jobs_cancel_anon on public.jobs;
drop policy if exists jobs_insert_authenticated on public.jobs;
drop policy if exists jobs_insert_anon on public.jobs;
drop policy if exists jobs_select_authenticated on public.jobs;
drop policy if exists jobs_select_anon on public.jobs;
do $$
begin
    if to_regclass('public.jobs') is not null then
        revoke all on table public.jobs, public.elements, public.storage_operations, public.processing_timeline,
        public.url_access_logs, public.system_metrics
        from anon, authenticated, service_role;
        alter table public.jobs alter column user_id drop default;
        alter table public.jobs alter column client_ip drop default;
    end if;
end
$$;
