do $$
declare
    v_table text;
begin
    foreach v_table in array array['processing_timeline', 'elements', 'jobs'] loop
        if exists (
            select from pg_catalog.pg_publication_tables
            where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = v_table
        ) then
            execute format('alter publication supabase_realtime drop table public.%I', v_table);
        end if;
    end loop;
end
$$;
drop trigger if exists trigger_notify_timeline_change on public.processing_timeline;
drop function if exists dreamcut_private.notify_timeline_change();
drop trigger if exists trigger_notify_job_update on public.jobs;
drop trigger if exists trigger_notify_job_insert on public.jobs;
drop function if exists dreamcut_private.notify_job_change();
drop trigger if exists trigger_elements_updated_at on public.elements;
drop trigger if exists trigger_validate_element on public.elements;
drop function if exists dreamcut_private.validate_element();
drop trigger if exists trigger_jobs_updated_at on public.jobs;
drop trigger if exists trigger_validate_job_update on public.jobs;
drop function if exists dreamcut_private.validate_job_update();
