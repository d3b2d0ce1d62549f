drop function if exists public.get_storage_statistics(timestamptz, timestamptz);
drop function if exists public.get_job_statistics(timestamptz, timestamptz);
drop function if exists public.calculate_job_duration(uuid);
