drop function if exists public.enforce_data_retention(integer, integer, integer, integer);
drop function if exists public.cleanup_old_metrics(integer, integer, integer);
drop function if exists public.cleanup_old_jobs(integer, integer, integer);
drop function if exists dreamcut_private.delete_old_rows(text, timestamptz, integer, integer);
drop function if exists dreamcut_private.retention_cutoff(text, integer);
