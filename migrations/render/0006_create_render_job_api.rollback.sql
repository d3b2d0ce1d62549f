drop function if exists public.cancel_job(uuid, text);
drop function if exists public.create_job(
    text, integer, integer, numeric, inet, text, jsonb, public.response_type, numeric, uuid
);
