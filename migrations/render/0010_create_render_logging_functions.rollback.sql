drop function if exists public.record_system_metric(text, numeric, text, jsonb, numeric, numeric);
drop function if exists public.log_url_access(uuid, text, inet, text, text, text, jsonb, bigint, integer, integer);
drop function if exists public.log_storage_operation(
    uuid, public.storage_operation, text, text, boolean, bigint, integer, text, jsonb
);
