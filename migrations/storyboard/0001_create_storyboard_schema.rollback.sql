drop table if exists public.storyboard_selections;
drop table if exists public.shot_images, public.scene_shots;
drop table if exists public.project_scenes;
drop table if exists public.video_projects;
delete from dreamcut_private.installed_modules
where module = 'storyboard';
