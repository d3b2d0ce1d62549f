drop function if exists public.list_session_assets(uuid, text);
drop function if exists public.register_slide_presentation(uuid, text, jsonb, text, text, jsonb, uuid, uuid, uuid, text);
drop function if exists public.register_audio_narration(uuid, text, text, text, text, jsonb, jsonb, uuid, double precision, text);
drop function if exists public.update_session_status(uuid, text, double precision, text, integer);
drop function if exists public.register_multimedia_assets(uuid, jsonb);
drop function if exists public.register_multimedia_asset(
    uuid, uuid, text, text, double precision, text, text, text, bigint, text, jsonb, text, text, text
);
drop function if exists public.create_multimedia_session(uuid, text, text, text, jsonb, text[]);
