drop function if exists public.complete_enhancement_session(uuid, boolean, boolean, text, uuid);
drop function if exists public.start_enhancement_session(uuid, text, text[], uuid, uuid);
drop function if exists public.get_latest_quality_assessment(uuid, uuid);
drop function if exists public.store_quality_assessment(
    uuid, double precision, jsonb, boolean, double precision, double precision, double precision,
    double precision, double precision, text, boolean, text[], text[], uuid
);
drop table if exists public.cm_enhancement_sessions;
drop table if exists public.cm_quality_assessments;
