drop function if exists public.register_audio_narration(
    uuid, text, text, text, text, jsonb, jsonb, uuid, double precision, text, uuid
);
drop table if exists public.mm_audio_narrations;
drop function if exists dreamcut_private.mm_check_narration_segments();
