drop function if exists public.timeout_stale_jobs(interval, interval);
drop function if exists public.complete_job(uuid, text, bigint, text, text, timestamptz);
drop function if exists public.update_job_progress(uuid, integer, public.processing_step);
drop function if exists public.update_job_status(uuid, public.job_status, text, text);
