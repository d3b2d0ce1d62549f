drop table if exists public.url_access_logs;
drop table if exists public.processing_timeline;
drop table if exists public.storage_operations;
drop function if exists dreamcut_private.notify_timeline_change();
drop type if exists public.storage_operation;
