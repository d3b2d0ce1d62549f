-- create_multimedia_schema (video-pipeline-content-multimedia.md, "Multimedia Tables (mm_*)"): sessions,
-- assets, audio narrations and slide presentations with the document's columns, each row carrying its
-- company (company isolation) and tied to its content and session by composite foreign keys, so a row can
-- never point at another company's content, session or asset.
-- depends: 0001_supabase_platform 0004_create_content_procedures

insert into dreamcut_private.installed_modules (module) values ('multimedia');

create function public.mm_storage_path(
    p_asset_type text, p_section_name text, p_filename text, p_at timestamptz default now()
) returns text
language sql stable
set search_path = ''
as $$
    select p_asset_type || '/' || p_section_name || '/'
        || to_char(p_at at time zone 'UTC', 'YYYYMMDD"_"HH24MISS"_"US') || '_' || p_filename
$$;
comment on function public.mm_storage_path(text, text, text, timestamptz) is
'The storage path of an asset in its bucket (video-pipeline-content-multimedia.md, "Supabase Storage '
'Integration": {asset_type}/{section_name}/{timestamp}_{filename}). p_asset_type, p_section_name, p_filename: '
'text; p_at: the time stamped into the path (default now()), written in UTC as YYYYMMDD_HHMMSS_microseconds, '
'e.g. video/introduction/20250101_120000_000000_intro.mp4. Returns text (null when an argument is null); '
'raises nothing. register_multimedia_asset uses it with the clock time of the call.';
revoke all on function public.mm_storage_path(text, text, text, timestamptz) from public, anon, authenticated, service_role;
grant execute on function public.mm_storage_path(text, text, text, timestamptz) to authenticated, service_role;

create table public.mm_multimedia_sessions (
    session_id uuid primary key default gen_random_uuid(),
    content_id uuid not null,
    company_id uuid not null references public.companies (id),
    session_type text not null default 'full_generation' check (
        session_type in ('full_generation', 'section_video', 'audio_only', 'slides_only', 'regeneration')
    ),
    module_name text not null check (btrim(module_name) <> ''),
    employee_name text,
    generation_config jsonb not null default '{}' check (jsonb_typeof(generation_config) = 'object'),
    content_sections text[] not null default '{}' check (content_sections <@ public.cm_content_sections()),
    status text not null default 'started' check (status in ('started', 'processing', 'completed', 'failed')),
    current_stage text,
    progress_percentage numeric(5, 2) not null default 0 check (progress_percentage between 0 and 100),
    total_assets_generated integer not null default 0 check (total_assets_generated >= 0),
    slides_generated integer not null default 0 check (slides_generated >= 0),
    audio_files_generated integer not null default 0 check (audio_files_generated >= 0),
    video_files_generated integer not null default 0 check (video_files_generated >= 0),
    processing_duration_seconds integer check (processing_duration_seconds >= 0),
    started_at timestamptz not null default now(),
    completed_at timestamptz,
    check ((status in ('completed', 'failed')) = (completed_at is not null)),
    check (completed_at >= started_at),
    check (slides_generated + audio_files_generated + video_files_generated <= total_assets_generated),
    unique (session_id, company_id),
    unique (session_id, content_id, company_id),
    foreign key (content_id, company_id) references public.cm_module_content (content_id, company_id)
    on delete cascade
);
comment on table public.mm_multimedia_sessions is
'A multimedia generation session for a module''s content (video-pipeline-content-multimedia.md, mm_*, table 1). '
'A signed-in user sees and writes only the sessions of the company in its JWT claim app_metadata.company_id.';
comment on column public.mm_multimedia_sessions.company_id is
'The content''s company (the foreign key keeps them equal); RLS compares it with app_metadata.company_id.';
comment on column public.mm_multimedia_sessions.status is
'started -> processing -> completed | failed (started may finish directly); a finished session stays finished.';
comment on column public.mm_multimedia_sessions.progress_percentage is 'Progress 0..100; never goes down; 100 when completed.';
comment on column public.mm_multimedia_sessions.total_assets_generated is
'Assets of the session whose status is not failed (kept by trigger; cannot be written directly).';
comment on column public.mm_multimedia_sessions.slides_generated is 'Of those, assets of type slide (kept by trigger).';
comment on column public.mm_multimedia_sessions.audio_files_generated is 'Of those, assets of type audio (kept by trigger).';
comment on column public.mm_multimedia_sessions.video_files_generated is 'Of those, assets of type video (kept by trigger).';
comment on column public.mm_multimedia_sessions.processing_duration_seconds is
'Total processing time in seconds; set from started_at when the session finishes unless given.';
create index idx_mm_multimedia_sessions_content_id on public.mm_multimedia_sessions (content_id, company_id);
create index idx_mm_multimedia_sessions_company_id on public.mm_multimedia_sessions (company_id, started_at desc);
create index idx_mm_multimedia_sessions_status on public.mm_multimedia_sessions (status);

create table public.mm_multimedia_assets (
    asset_id uuid primary key default gen_random_uuid(),
    session_id uuid not null,
    content_id uuid not null,
    company_id uuid not null references public.companies (id),
    asset_type text not null check (
        asset_type in ('video', 'audio', 'slide', 'script', 'thumbnail', 'presentation')
    ),
    asset_name text not null check (asset_name ~ '^[^/[:cntrl:]]{1,255}$' and asset_name not in ('.', '..')),
    file_path text,
    file_size_bytes bigint check (file_size_bytes >= 0),
    mime_type text check (mime_type ~* '^[a-z]+/[a-z0-9][a-z0-9.+_-]*$'),
    section_name text not null default 'complete_module' check (section_name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    duration_seconds numeric check (duration_seconds >= 0 and duration_seconds < 'Infinity'),
    generation_config jsonb not null default '{}' check (jsonb_typeof(generation_config) = 'object'),
    status text not null default 'generated' check (status in ('generated', 'processed', 'failed')),
    storage_bucket text not null default 'multimedia-assets' check (storage_bucket ~ '^[a-z0-9][a-z0-9._-]{1,62}$'),
    storage_path text not null,
    public_url text,
    created_at timestamptz not null default clock_timestamp(),
    check (
        starts_with(storage_path, asset_type || '/' || section_name || '/')
        and right(storage_path, length(asset_name) + 1) = '_' || asset_name
    ),
    unique (storage_bucket, storage_path),
    unique (asset_id, session_id),
    foreign key (session_id, content_id, company_id)
    references public.mm_multimedia_sessions (session_id, content_id, company_id) on delete cascade
);
comment on table public.mm_multimedia_assets is
'Every multimedia asset of a session: videos, audio, slides, scripts, thumbnails, presentation exports '
'(video-pipeline-content-multimedia.md, mm_*, table 2), with its place in Supabase Storage.';
comment on column public.mm_multimedia_assets.company_id is 'The session''s company (the foreign key keeps them equal).';
comment on column public.mm_multimedia_assets.asset_name is 'File name (no slash, no control character).';
comment on column public.mm_multimedia_assets.file_path is 'Local path of the file where it was generated.';
comment on column public.mm_multimedia_assets.file_size_bytes is 'File size in bytes.';
comment on column public.mm_multimedia_assets.section_name is
'Content section or grouping the asset belongs to (introduction, core_content, complete_module, narrations, ...): '
'a lowercase path segment.';
comment on column public.mm_multimedia_assets.duration_seconds is 'Duration in seconds (audio and video).';
comment on column public.mm_multimedia_assets.storage_path is
'{asset_type}/{section_name}/{timestamp}_{asset_name} inside storage_bucket (unique per bucket).';
comment on column public.mm_multimedia_assets.public_url is 'Public URL of the object, when the bucket is public.';
comment on column public.mm_multimedia_assets.created_at is
'clock_timestamp() of the insert: assets registered in one transaction keep their order.';
create index idx_mm_multimedia_assets_session_id on public.mm_multimedia_assets (session_id, content_id, company_id);
create index idx_mm_multimedia_assets_content_id on public.mm_multimedia_assets (content_id);
create index idx_mm_multimedia_assets_company_id on public.mm_multimedia_assets (company_id);

create table public.mm_audio_narrations (
    narration_id uuid primary key default gen_random_uuid(),
    session_id uuid not null,
    content_id uuid not null,
    company_id uuid not null,
    narration_name text not null check (btrim(narration_name) <> ''),
    narration_type text not null default 'full_module' check (narration_type in ('full_module', 'section')),
    section_name text check (section_name = any(public.cm_content_sections())),
    total_duration_seconds numeric not null default 0 check (
        total_duration_seconds >= 0 and total_duration_seconds < 'Infinity'
    ),
    audio_segments jsonb not null default '[]' check (jsonb_typeof(audio_segments) = 'array'),
    voice_config jsonb not null default '{}' check (jsonb_typeof(voice_config) = 'object'),
    script_content text,
    master_audio_id uuid,
    segments_audio_ids uuid[] not null default '{}',
    synthesis_completed boolean generated always as (status = 'completed') stored,
    status text not null default 'pending' check (status in ('pending', 'synthesizing', 'completed', 'failed')),
    created_at timestamptz not null default now(),
    check ((narration_type = 'section') = (section_name is not null)),
    foreign key (session_id, content_id, company_id)
    references public.mm_multimedia_sessions (session_id, content_id, company_id) on delete cascade,
    foreign key (master_audio_id, session_id) references public.mm_multimedia_assets (asset_id, session_id)
);
comment on table public.mm_audio_narrations is
'Audio narrations of a session, whole module or one section (video-pipeline-content-multimedia.md, mm_*, table 3).';
comment on column public.mm_audio_narrations.company_id is 'The session''s company (the foreign key keeps them equal).';
comment on column public.mm_audio_narrations.section_name is 'The content section narrated (narration_type section only).';
comment on column public.mm_audio_narrations.total_duration_seconds is 'Total duration in seconds.';
comment on column public.mm_audio_narrations.audio_segments is
'JSON array of segments in order, e.g. {"asset_id": ..., "duration_seconds": 12.5, "text": ...}.';
comment on column public.mm_audio_narrations.voice_config is 'Voice settings, e.g. {"voice": "alloy", "speed": 1.0}.';
comment on column public.mm_audio_narrations.master_audio_id is 'The full narration''s audio asset (of the same session).';
comment on column public.mm_audio_narrations.segments_audio_ids is
'Audio assets of the segments, in order; each is an asset of the same session (checked by trigger).';
comment on column public.mm_audio_narrations.synthesis_completed is 'TTS done (generated: status = completed).';
create index idx_mm_audio_narrations_session_id on public.mm_audio_narrations (session_id, content_id, company_id);
create index idx_mm_audio_narrations_company_id on public.mm_audio_narrations (company_id);
create index idx_mm_audio_narrations_master_audio on public.mm_audio_narrations (master_audio_id, session_id);

create table public.mm_slide_presentations (
    presentation_id uuid primary key default gen_random_uuid(),
    session_id uuid not null,
    content_id uuid not null,
    company_id uuid not null,
    presentation_name text not null check (btrim(presentation_name) <> ''),
    presentation_type text not null default 'module' check (btrim(presentation_type) <> ''),
    slide_order jsonb not null default '[]' check (jsonb_typeof(slide_order) = 'array'),
    total_slides integer generated always as (jsonb_array_length(slide_order)) stored,
    template_used text,
    theme_config jsonb not null default '{}' check (jsonb_typeof(theme_config) = 'object'),
    pdf_generated boolean generated always as (pdf_asset_id is not null) stored,
    pptx_generated boolean generated always as (pptx_asset_id is not null) stored,
    html_generated boolean generated always as (html_asset_id is not null) stored,
    pdf_asset_id uuid,
    pptx_asset_id uuid,
    html_asset_id uuid,
    status text not null default 'completed' check (status in ('draft', 'generating', 'completed', 'failed')),
    created_at timestamptz not null default now(),
    foreign key (session_id, content_id, company_id)
    references public.mm_multimedia_sessions (session_id, content_id, company_id) on delete cascade,
    foreign key (pdf_asset_id, session_id) references public.mm_multimedia_assets (asset_id, session_id),
    foreign key (pptx_asset_id, session_id) references public.mm_multimedia_assets (asset_id, session_id),
    foreign key (html_asset_id, session_id) references public.mm_multimedia_assets (asset_id, session_id)
);
comment on table public.mm_slide_presentations is
'Slide decks of a session and their exports (video-pipeline-content-multimedia.md, mm_*, table 4).';
comment on column public.mm_slide_presentations.company_id is 'The session''s company (the foreign key keeps them equal).';
comment on column public.mm_slide_presentations.slide_order is 'JSON array of the slides in order.';
comment on column public.mm_slide_presentations.total_slides is 'Number of slides (generated: length of slide_order).';
comment on column public.mm_slide_presentations.pdf_generated is 'PDF export exists (generated: pdf_asset_id is set).';
comment on column public.mm_slide_presentations.pptx_generated is 'PowerPoint export exists (generated: pptx_asset_id is set).';
comment on column public.mm_slide_presentations.html_generated is 'HTML export exists (generated: html_asset_id is set).';
comment on column public.mm_slide_presentations.pdf_asset_id is 'The PDF export: a presentation asset of the same session.';
comment on column public.mm_slide_presentations.pptx_asset_id is 'The PPTX export: a presentation asset of the same session.';
comment on column public.mm_slide_presentations.html_asset_id is 'The HTML export: a presentation asset of the same session.';
create index idx_mm_slide_presentations_session_id on public.mm_slide_presentations (
    session_id, content_id, company_id
);
create index idx_mm_slide_presentations_company_id on public.mm_slide_presentations (company_id);
create index idx_mm_slide_presentations_pdf on public.mm_slide_presentations (pdf_asset_id, session_id);
create index idx_mm_slide_presentations_pptx on public.mm_slide_presentations (pptx_asset_id, session_id);
create index idx_mm_slide_presentations_html on public.mm_slide_presentations (html_asset_id, session_id);
