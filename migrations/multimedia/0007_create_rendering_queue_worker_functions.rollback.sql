drop function if exists public.fail_rendering_job(uuid, text, text, boolean, integer, uuid);
drop function if exists public.complete_rendering_job(uuid, text, jsonb, uuid);
drop function if exists public.heartbeat_rendering_job(uuid, text, integer, uuid);
drop function if exists dreamcut_private.running_job_of_worker(uuid, text, uuid);
drop function if exists public.claim_rendering_job(text, integer, text[], uuid);
