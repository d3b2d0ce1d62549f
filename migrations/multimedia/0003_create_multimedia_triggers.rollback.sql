drop trigger if exists trigger_mm_audio_narrations_segments on public.mm_audio_narrations;
drop function if exists dreamcut_private.mm_check_narration_segments();
drop trigger if exists trigger_mm_multimedia_sessions_workflow on public.mm_multimedia_sessions;
drop function if exists dreamcut_private.mm_multimedia_session_workflow();
drop trigger if exists trigger_mm_multimedia_assets_count_delete on public.mm_multimedia_assets;
drop trigger if exists trigger_mm_multimedia_assets_count_update on public.mm_multimedia_assets;
drop trigger if exists trigger_mm_multimedia_assets_count_insert on public.mm_multimedia_assets;
drop function if exists dreamcut_private.mm_count_session_assets();
