-- create_slide_presentations (video-pipeline-content-multimedia.md, mm_slide_presentations): slide decks of a
-- session and their PDF, PPTX and HTML exports (presentation assets of the same session), tied to the session
-- by a composite foreign key, under company isolation; and the procedure that registers one.
-- depends: 0004_create_audio_narrations

create table public.mm_slide_presentations (
    presentation_id uuid not null default gen_random_uuid(),
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
    primary key (company_id, presentation_id),
    foreign key (company_id, session_id, content_id)
    references public.mm_multimedia_sessions (company_id, session_id, content_id) on delete cascade,
    foreign key (company_id, pdf_asset_id, session_id)
    references public.mm_multimedia_assets (company_id, asset_id, session_id),
    foreign key (company_id, pptx_asset_id, session_id)
    references public.mm_multimedia_assets (company_id, asset_id, session_id),
    foreign key (company_id, html_asset_id, session_id)
    references public.mm_multimedia_assets (company_id, asset_id, session_id)
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
    company_id, session_id, content_id
);
create index idx_mm_slide_presentations_presentation_id on public.mm_slide_presentations (presentation_id);
create index idx_mm_slide_presentations_pdf on public.mm_slide_presentations (company_id, pdf_asset_id, session_id);
create index idx_mm_slide_presentations_pptx on public.mm_slide_presentations (company_id, pptx_asset_id, session_id);
create index idx_mm_slide_presentations_html on public.mm_slide_presentations (company_id, html_asset_id, session_id);

call dreamcut_private.enable_company_isolation('public.mm_slide_presentations');

create function public.register_slide_presentation(
    p_session_id uuid,
    p_presentation_name text,
    p_slide_order jsonb default '[]',
    p_presentation_type text default 'module',
    p_template_used text default null,
    p_theme_config jsonb default '{}',
    p_pdf_asset_id uuid default null,
    p_pptx_asset_id uuid default null,
    p_html_asset_id uuid default null,
    p_status text default 'completed',
    p_company_id uuid default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_session public.mm_multimedia_sessions;
    v_bad record;
    v_presentation_id uuid;
begin
    if p_session_id is null then
        raise exception 'p_session_id is required' using errcode = '22023';
    end if;
    if p_presentation_name is null or btrim(p_presentation_name) = '' then
        raise exception 'p_presentation_name is required, got %', coalesce(quote_literal(p_presentation_name), 'null')
        using errcode = '22023';
    end if;
    if p_presentation_type is null or btrim(p_presentation_type) = '' then
        raise exception 'p_presentation_type is required, got %', coalesce(quote_literal(p_presentation_type), 'null')
        using errcode = '22023';
    end if;
    if p_slide_order is null or jsonb_typeof(p_slide_order) <> 'array' then
        raise exception 'p_slide_order must be a JSON array of slides, got %', coalesce(jsonb_typeof(p_slide_order), 'null')
        using errcode = '22023';
    end if;
    if p_theme_config is null or jsonb_typeof(p_theme_config) <> 'object' then
        raise exception 'p_theme_config must be a JSON object, got %', coalesce(jsonb_typeof(p_theme_config), 'null')
        using errcode = '22023';
    end if;
    if p_status is null or p_status not in ('draft', 'generating', 'completed', 'failed') then
        raise exception 'p_status must be one of draft, generating, completed, failed, got %',
            coalesce(quote_literal(p_status), 'null')
        using errcode = '22023';
    end if;

    v_session := public.get_multimedia_session(p_session_id, p_company_id);
    select e.name, e.id into v_bad
    from (values (1, 'p_pdf_asset_id', p_pdf_asset_id), (2, 'p_pptx_asset_id', p_pptx_asset_id),
        (3, 'p_html_asset_id', p_html_asset_id)) as e (ord, name, id)
    where e.id is not null and not exists (
        select from public.mm_multimedia_assets as a
        where a.company_id = v_session.company_id and a.asset_id = e.id and a.session_id = p_session_id
            and a.asset_type = 'presentation'
    )
    order by e.ord
    limit 1;
    if found then
        raise exception '% % is not a presentation asset of session %', v_bad.name, v_bad.id, p_session_id
        using errcode = '22023';
    end if;

    insert into public.mm_slide_presentations (
        session_id, content_id, company_id, presentation_name, presentation_type, slide_order, template_used,
        theme_config, pdf_asset_id, pptx_asset_id, html_asset_id, status
    )
    values (
        p_session_id, v_session.content_id, v_session.company_id, p_presentation_name, p_presentation_type,
        p_slide_order, p_template_used, p_theme_config, p_pdf_asset_id, p_pptx_asset_id, p_html_asset_id, p_status
    )
    returning presentation_id into v_presentation_id;
    return v_presentation_id;
end
$$;
comment on function public.register_slide_presentation(
    uuid, text, jsonb, text, text, jsonb, uuid, uuid, uuid, text, uuid
) is
'Registers a slide presentation of a session with its exports (video-pipeline-content-multimedia.md, '
'mm_slide_presentations). p_session_id: the session; p_presentation_name: non-empty text; p_slide_order: JSON '
'array of the slides in order (total_slides is its length); p_presentation_type: non-empty text (default module); '
'p_template_used: text; p_theme_config: JSON object; p_pdf_asset_id, p_pptx_asset_id, p_html_asset_id: '
'presentation assets of the session, or null (pdf_generated, pptx_generated, html_generated follow); p_status: '
'draft | generating | completed | failed; p_company_id: optional, the session''s company (the distribution key; '
'without it the session is found by its id alone). Returns the new presentation_id (uuid). Errors: 22023 bad '
'parameter (export not a presentation asset of the session), P0002 unknown session (or another company''s). Writes '
'nothing on error.';
revoke all on function public.register_slide_presentation(
    uuid, text, jsonb, text, text, jsonb, uuid, uuid, uuid, text, uuid
) from public, anon, authenticated, service_role;
grant execute on function public.register_slide_presentation(
    uuid, text, jsonb, text, text, jsonb, uuid, uuid, uuid, text, uuid
) to authenticated, service_role;
