drop function if exists public.list_session_assets(uuid, text);
drop function if exists public.register_multimedia_assets(uuid, jsonb);
drop function if exists public.register_multimedia_asset(
    uuid, uuid, text, text, double precision, text, text, text, bigint, text, jsonb, text, text, text
);
