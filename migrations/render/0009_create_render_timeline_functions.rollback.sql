drop function if exists public.complete_processing_step(uuid, boolean, text, jsonb, jsonb, uuid);
drop function if exists public.start_processing_step(uuid, public.processing_step, jsonb);
drop function if exists public.calculate_job_progress(uuid);
