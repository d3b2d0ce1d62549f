drop function if exists public.enforce_data_retention(integer, integer, integer, integer);
drop procedure if exists public.cleanup_old_metrics_in_batches(integer, integer, integer);
drop procedure if exists public.cleanup_old_jobs_in_batches(integer, integer, integer);
drop function if exists public.cleanup_old_metrics(integer, integer);
drop function if exists public.cleanup_old_jobs(integer, integer);
drop function if exists dreamcut_private.delete_old_metrics_batch(integer, integer, timestamptz, uuid, integer);
drop function if exists dreamcut_private.delete_old_jobs_batch(integer, integer, timestamptz, uuid, integer);
drop function if exists dreamcut_private.delete_old_rows_batch(
    regclass, name, timestamptz, integer, timestamptz, uuid, integer
);
drop function if exists dreamcut_private.retention_cutoff(text, integer, integer);
