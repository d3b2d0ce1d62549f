-- create_render_elements (video-platform-database.md, table elements and the enums it uses): the elements of a
-- job's video composition with their constraints and index, RLS, grants and policies (an element follows its
-- job: visible with it, added by end users only to a visible pending job; written otherwise by service_role),
-- and the validation trigger that keeps every element inside its job's canvas and timeline while the job is
-- pending; in publication supabase_realtime.
-- depends: 0002_create_render_jobs

create type public.element_type as enum ('video', 'image', 'audio', 'text', 'overlay');
comment on type public.element_type is 'Kind of a video composition element (video-platform-database.md).';

create type public.fit_mode as enum ('auto', 'contain', 'cover', 'fill', 'stretch');
comment on type public.fit_mode is 'How an element''s media is fitted into its box (video-platform-database.md).';

create table public.elements (
    id uuid not null default gen_random_uuid(),
    job_id uuid not null references public.jobs (id) on delete cascade,
    type public.element_type not null,
    source_url text check (source_url ~ '^(https?|s3)://\S+$' and length(source_url) <= 2048),
    text_content text check (length(text_content) between 1 and 10000),

    position_x integer check (position_x >= 0),
    position_y integer check (position_y >= 0),
    width integer check (width > 0),
    height integer check (height > 0),
    fit_mode public.fit_mode not null default 'auto',

    start_time numeric(10, 3) not null default 0 check (start_time >= 0 and start_time < 14400),
    duration numeric(10, 3) check (duration > 0 and duration <= 14400),
    layer_order integer not null default 0 check (layer_order between 0 and 1000),

    processing_status text not null default 'pending'
    check (processing_status in ('pending', 'processing', 'completed', 'failed')),
    local_path text,
    error_message text,
    metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),

    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    processed_at timestamptz,

    constraint elements_has_source check (
        case when type = 'text' then text_content is not null else source_url is not null end
    ),
    constraint elements_geometry check (
        case
            when type = 'audio' then position_x is null and position_y is null and width is null and height is null
            else position_x is not null and position_y is not null and width is not null and height is not null
        end
    ),
    constraint elements_failure_has_error check (processing_status <> 'failed' or error_message is not null),
    -- Keyed by the job (the distribution key of the render tables, docs/render.md "Distribution").
    primary key (job_id, id)
);
comment on table public.elements is
'One element of a job''s video composition (video-platform-database.md, table elements): its media, its box on '
'the canvas, its place on the timeline, its layer and its processing status.';
comment on column public.elements.source_url is 'Media URL (https:// or s3://); required except for text elements.';
comment on column public.elements.text_content is 'The text of a text element.';
comment on column public.elements.position_x is
'Left edge in pixels from the canvas'' left (>= 0); null only for audio. The box stays inside the job''s canvas.';
comment on column public.elements.position_y is 'Top edge in pixels from the canvas'' top (>= 0); null only for audio.';
comment on column public.elements.width is 'Box width in pixels (default: to the canvas'' right edge); null only for audio.';
comment on column public.elements.height is 'Box height in pixels (default: to the canvas'' bottom edge); null only for audio.';
comment on column public.elements.start_time is 'Start on the job''s timeline, in seconds (>= 0).';
comment on column public.elements.duration is
'Length on the timeline in seconds, or null: until the end of the job''s timeline (or the media''s own end).';
comment on column public.elements.layer_order is 'Stacking order 0..1000; a higher layer is drawn on top.';
comment on column public.elements.processing_status is
'pending -> processing -> completed | failed (set by the workers with update_element_status).';
comment on column public.elements.local_path is 'Where a worker cached the downloaded media.';

create index idx_elements_job_id on public.elements (job_id, layer_order);
-- update_element_status finds an element by its id alone when the caller does not pass the job.
create index idx_elements_id on public.elements (id);

alter table public.elements enable row level security;
revoke all on table public.elements from public, anon, authenticated, service_role;
grant select on table public.elements to anon, authenticated;
grant insert (
    job_id, type, source_url, text_content, position_x, position_y, width, height, fit_mode, start_time, duration,
    layer_order, metadata
) on table public.elements to anon, authenticated;
grant select, insert, update, delete on table public.elements to service_role;

create policy elements_select_own_job on public.elements
for select to anon, authenticated
using (exists (
    select from public.jobs as j
    where j.id = elements.job_id
));
comment on policy elements_select_own_job on public.elements is 'Elements follow their job: visible with the job.';

create policy elements_insert_own_pending_job on public.elements
for insert to anon, authenticated
with check (exists (
    select from public.jobs as j
    where j.id = elements.job_id and j.status = 'pending'
));
comment on policy elements_insert_own_pending_job on public.elements is
'Elements can be added to a job the caller can see while it is pending.';

create function dreamcut_private.element_input_error(
    p_canvas_width integer,
    p_canvas_height integer,
    p_timeline_seconds numeric,
    p_type public.element_type,
    p_source_url text,
    p_text_content text,
    p_position_x integer,
    p_position_y integer,
    p_width integer,
    p_height integer,
    p_start_time numeric,
    p_duration numeric,
    p_layer_order integer,
    p_metadata jsonb
) returns text
language plpgsql immutable
set search_path = ''
as $$
declare
    v_x integer := coalesce(p_position_x, 0);
    v_y integer := coalesce(p_position_y, 0);
    v_width integer;
    v_height integer;
begin
    if p_type is null then
        return 'type is required (video, image, audio, text or overlay)';
    end if;
    if p_type = 'text' and (p_text_content is null or btrim(p_text_content) = '') then
        return 'text_content is required for a text element, got ' || coalesce(quote_literal(p_text_content), 'null');
    end if;
    if length(p_text_content) > 10000 then
        return 'text_content must be at most 10000 characters, got ' || length(p_text_content);
    end if;
    if p_type <> 'text' and p_source_url is null then
        return format('source_url is required for %s elements', p_type);
    end if;
    if p_source_url is not null and (p_source_url !~ '^(https?|s3)://\S+$' or length(p_source_url) > 2048) then
        return 'source_url must be an http(s):// or s3:// URL of at most 2048 characters, got '
            || quote_literal(left(p_source_url, 200));
    end if;
    if p_type = 'audio' then
        if num_nonnulls(p_position_x, p_position_y, p_width, p_height) > 0 then
            return 'position_x, position_y, width and height must be null for an audio element';
        end if;
    else
        if v_x < 0 or v_x >= p_canvas_width then
            return format('position_x must be between 0 and %s (canvas width %s px), got %s',
                p_canvas_width - 1, p_canvas_width, v_x);
        end if;
        if v_y < 0 or v_y >= p_canvas_height then
            return format('position_y must be between 0 and %s (canvas height %s px), got %s',
                p_canvas_height - 1, p_canvas_height, v_y);
        end if;
        v_width := coalesce(p_width, p_canvas_width - v_x);
        v_height := coalesce(p_height, p_canvas_height - v_y);
        if v_width <= 0 or v_x + v_width > p_canvas_width then
            return format('width must be between 1 and %s px so that the element ends inside the %s px wide canvas '
                '(position_x %s), got %s', p_canvas_width - v_x, p_canvas_width, v_x, v_width);
        end if;
        if v_height <= 0 or v_y + v_height > p_canvas_height then
            return format('height must be between 1 and %s px so that the element ends inside the %s px high canvas '
                '(position_y %s), got %s', p_canvas_height - v_y, p_canvas_height, v_y, v_height);
        end if;
    end if;
    if p_start_time is null or p_start_time < 0 or p_start_time >= 14400 then
        return 'start_time must be >= 0 and < 14400 seconds, got ' || coalesce(trim_scale(p_start_time)::text, 'null');
    end if;
    if p_duration is not null and (p_duration <= 0 or p_duration > 14400) then
        return 'duration must be > 0 and <= 14400 seconds (or null), got ' || trim_scale(p_duration);
    end if;
    if p_timeline_seconds is not null and p_start_time >= p_timeline_seconds then
        return format('start_time must be before the end of the job''s %s s timeline, got %s',
            trim_scale(p_timeline_seconds), trim_scale(p_start_time));
    end if;
    if p_timeline_seconds is not null and p_start_time + coalesce(p_duration, 0) > p_timeline_seconds then
        return format('start_time + duration must be <= the job''s %s s timeline, got %s + %s',
            trim_scale(p_timeline_seconds), trim_scale(p_start_time), trim_scale(p_duration));
    end if;
    if p_layer_order is null or p_layer_order not between 0 and 1000 then
        return 'layer_order must be between 0 and 1000, got ' || coalesce(p_layer_order::text, 'null');
    end if;
    if p_metadata is not null and jsonb_typeof(p_metadata) <> 'object' then
        return 'metadata must be a JSON object, got ' || jsonb_typeof(p_metadata);
    end if;
    return null;
end
$$;
comment on function dreamcut_private.element_input_error(
    integer, integer, numeric, public.element_type, text, text, integer, integer, integer, integer, numeric, numeric,
    integer, jsonb
) is
'Validates one element against its job (video-platform-database.md, "element inside the job''s canvas and '
'timeline"). p_canvas_width, p_canvas_height: the job''s canvas in pixels; p_timeline_seconds: the job''s '
'duration_seconds (null: open); the other parameters are the element''s columns (pixels, seconds). A null '
'position is 0 and a null size reaches the canvas edge. Returns null when valid, else the reason, starting with '
'the column name and naming the bad value. Raises nothing.';
revoke all on function dreamcut_private.element_input_error(
    integer, integer, numeric, public.element_type, text, text, integer, integer, integer, integer, numeric, numeric,
    integer, jsonb
) from public, anon, authenticated, service_role;

create function dreamcut_private.validate_element() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_job record;
    v_error text;
begin
    select j.width, j.height, j.duration_seconds, j.status into v_job
    from public.jobs as j where j.id = new.job_id
    for share;
    if not found then
        return new;
    end if;
    if dreamcut_private.user_role() in ('anon', 'authenticated', 'admin')
        and not dreamcut_private.can_subscribe_to_job(new.job_id) then
        -- Not the caller's job: the foreign key or the RLS policy refuses the row without telling about the job.
        return new;
    end if;
    if v_job.status <> 'pending' then
        raise exception 'job % is %: its elements can only be added or changed while it is pending', new.job_id, v_job.status
        using errcode = '55000';
    end if;
    if new.type <> 'audio' then
        new.position_x := coalesce(new.position_x, 0);
        new.position_y := coalesce(new.position_y, 0);
        new.width := coalesce(new.width, v_job.width - new.position_x);
        new.height := coalesce(new.height, v_job.height - new.position_y);
    end if;
    v_error := dreamcut_private.element_input_error(
        v_job.width, v_job.height, v_job.duration_seconds, new.type, new.source_url, new.text_content,
        new.position_x, new.position_y, new.width, new.height, new.start_time, new.duration, new.layer_order,
        new.metadata
    );
    if v_error is not null then
        raise exception 'element of job %: %', new.job_id, v_error
        using errcode = '23514', constraint = 'elements_layout', detail = v_error;
    end if;
    return new;
end
$$;
comment on function dreamcut_private.validate_element() is
'BEFORE INSERT and BEFORE UPDATE (of the layout) trigger function on elements (video-platform-database.md, '
'"Validation triggers"): an element is added, or its layout changed, only while its job is pending (55000); a '
'visual element''s missing position becomes 0 and its missing size reaches the canvas edge; the box must lie '
'inside the job''s canvas and the element must end inside the job''s timeline (23514 with constraint name '
'elements_layout and the reason, naming the column and value, as detail). Security definer, to lock the job row '
'(FOR SHARE) against a concurrent start; it says nothing about jobs the caller cannot see.';
revoke all on function dreamcut_private.validate_element() from public, anon, authenticated, service_role;

create trigger trigger_validate_element_insert
before insert on public.elements
for each row execute function dreamcut_private.validate_element();

-- Updates of the processing status alone (update_element_status) are not checked.
create trigger trigger_validate_element_update
before update on public.elements
for each row
when (
    old.type is distinct from new.type
    or old.source_url is distinct from new.source_url
    or old.text_content is distinct from new.text_content
    or old.position_x is distinct from new.position_x
    or old.position_y is distinct from new.position_y
    or old.width is distinct from new.width
    or old.height is distinct from new.height
    or old.fit_mode is distinct from new.fit_mode
    or old.start_time is distinct from new.start_time
    or old.duration is distinct from new.duration
    or old.layer_order is distinct from new.layer_order
)
execute function dreamcut_private.validate_element();

create function dreamcut_private.refuse_element_move() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    raise exception 'element % cannot move to another job', old.id using errcode = '55000';
end
$$;
comment on function dreamcut_private.refuse_element_move() is
'BEFORE UPDATE trigger function on elements, fired when job_id changes (video-platform-database.md, "Validation '
'triggers"): an element never moves to another job. Raises 55000.';
revoke all on function dreamcut_private.refuse_element_move() from public, anon, authenticated, service_role;

-- Named so that it fires before trigger_validate_element_update (triggers fire in name order).
create trigger trigger_element_keeps_job
before update of job_id on public.elements
for each row
when (old.job_id is distinct from new.job_id)
execute function dreamcut_private.refuse_element_move();

create trigger trigger_elements_updated_at
before update on public.elements
for each row execute function dreamcut_private.update_updated_at_column();

alter publication supabase_realtime add table public.elements;
