drop table if exists public.video_projects;
delete from dreamcut_private.installed_modules
where module = 'storyboard';
