drop function if exists public.update_session_status(uuid, text, double precision, text, integer, uuid);
drop function if exists public.get_multimedia_session(uuid, uuid);
drop function if exists public.create_multimedia_session(uuid, text, text, text, jsonb, text[], uuid);
drop table if exists public.mm_multimedia_sessions;
drop function if exists dreamcut_private.mm_multimedia_session_finish();
drop function if exists dreamcut_private.mm_multimedia_session_workflow();
drop function if exists dreamcut_private.mm_multimedia_session_new();
delete from dreamcut_private.installed_modules
where module = 'multimedia';
