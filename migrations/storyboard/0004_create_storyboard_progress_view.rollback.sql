drop view if exists public.video_project_progress;
