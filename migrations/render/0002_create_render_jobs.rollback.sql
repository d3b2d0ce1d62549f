-- Dropping the table takes its indexes, policies, triggers and publication membership with it.
drop table if exists public.jobs;
drop function if exists dreamcut_private.broadcast_job_change();
drop function if exists dreamcut_private.notify_job_change();
drop function if exists dreamcut_private.validate_job_update();
drop function if exists dreamcut_private.can_subscribe_to_job(uuid);
drop type if exists public.response_type;
drop type if exists public.processing_step;
drop type if exists public.job_status;
