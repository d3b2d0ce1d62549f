-- enable_storyboard_realtime_publication (video-pipeline-redesign-v2.md, "Real-time Sync": the hooks re-render
-- when data changes): the five tables in publication supabase_realtime, so Supabase Realtime postgres_changes
-- subscriptions (which apply RLS) replace Convex's reactivity.
-- depends: 0010_create_storyboard_selection_functions

alter publication supabase_realtime add table public.video_projects, public.project_scenes, public.scene_shots,
public.shot_images, public.storyboard_selections;
