drop function if exists public.enqueue_rendering_job(uuid, text, jsonb, integer, integer, timestamptz, uuid);
drop table if exists public.mm_rendering_queue;
drop function if exists dreamcut_private.notify_rendering_job();
