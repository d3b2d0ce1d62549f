drop function if exists public.register_slide_presentation(
    uuid, text, jsonb, text, text, jsonb, uuid, uuid, uuid, text, uuid
);
drop table if exists public.mm_slide_presentations;
