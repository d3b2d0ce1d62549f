drop table if exists public.dreamcut_messages;
drop table if exists public.dreamcut_assets;
drop table if exists public.dreamcut_queries;
delete from dreamcut_private.installed_modules
where module = 'dreamcut';
