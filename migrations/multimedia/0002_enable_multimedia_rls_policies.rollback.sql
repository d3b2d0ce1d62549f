drop policy if exists mm_slide_presentations_company on public.mm_slide_presentations;
drop policy if exists mm_audio_narrations_company on public.mm_audio_narrations;
drop policy if exists mm_multimedia_assets_company on public.mm_multimedia_assets;
drop policy if exists mm_multimedia_sessions_company on public.mm_multimedia_sessions;
do $$
begin
    if to_regclass('public.mm_multimedia_sessions') is not null then
        revoke all on table public.mm_multimedia_sessions, public.mm_multimedia_assets, public.mm_audio_narrations,
        public.mm_slide_presentations
        from anon, authenticated, service_role;
        alter table public.mm_multimedia_sessions disable row level security;
        alter table public.mm_multimedia_assets disable row level security;
        alter table public.mm_audio_narrations disable row level security;
        alter table public.mm_slide_presentations disable row level security;
    end if;
end
$$;
