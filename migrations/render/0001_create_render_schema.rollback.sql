drop table if exists dreamcut_private.security_events;
drop table if exists dreamcut_private.rate_limit_counters;
drop table if exists public.system_metrics;
drop table if exists public.url_access_logs;
drop table if exists public.processing_timeline;
drop table if exists public.storage_operations;
drop table if exists public.elements;
drop table if exists public.jobs;
drop type if exists public.response_type;
drop type if exists public.storage_operation;
drop type if exists public.processing_step;
drop type if exists public.fit_mode;
drop type if exists public.element_type;
drop type if exists public.job_status;
delete from dreamcut_private.installed_modules
where module = 'render';
