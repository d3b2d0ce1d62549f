drop function if exists public.list_session_assets(uuid, text, uuid);
drop function if exists public.register_multimedia_assets(uuid, jsonb, uuid);
drop function if exists public.register_multimedia_asset(
    uuid, uuid, text, text, double precision, text, text, text, bigint, text, jsonb, text, text, text, uuid
);
