-- enable_multimedia_realtime_publication (video-pipeline-content-multimedia.md, "Future Enhancements:
-- real-time progress tracking via subscriptions"): sessions (status, stage, progress, counters) and rendering
-- jobs in publication supabase_realtime; RLS decides what each subscriber receives.
-- depends: 0007_create_rendering_queue_worker_functions

alter publication supabase_realtime add table public.mm_multimedia_sessions, public.mm_rendering_queue;
