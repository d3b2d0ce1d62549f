drop table if exists public.mm_slide_presentations;
drop table if exists public.mm_audio_narrations;
drop table if exists public.mm_multimedia_assets;
drop table if exists public.mm_multimedia_sessions;
drop function if exists public.mm_storage_path(text, text, text, timestamptz);
delete from dreamcut_private.installed_modules
where module = 'multimedia';
