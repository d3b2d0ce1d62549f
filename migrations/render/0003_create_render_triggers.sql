-- create_render_triggers (video-platform-database.md, migration 003_triggers.sql): validation triggers (a job's
-- status only moves forward and a finished job stays finished, its canvas is fixed, its progress never goes back;
-- an element lies inside its job's canvas and timeline and is only added or moved while the job is pending),
-- updated_at, pg_notify with small payloads for plain-PostgreSQL listeners, and the job tables in publication
-- supabase_realtime for Supabase Realtime.
-- depends: 0002_create_render_functions

create function dreamcut_private.validate_job_update() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if new.id <> old.id then
        raise exception 'job % cannot change its id', old.id using errcode = '55000';
    end if;
    if (new.output_format, new.width, new.height, new.fps) is distinct from (old.output_format, old.width, old.height, old.fps)
        or new.duration_seconds is distinct from old.duration_seconds then
        raise exception 'job % keeps the output format, dimensions, fps and duration it was created with (%x% % at % fps)',
            old.id, old.width, old.height, old.output_format, old.fps
        using errcode = '55000';
    end if;
    if new.status is distinct from old.status then
        if old.status in ('completed', 'failed', 'cancelled', 'timeout') then
            raise exception 'job % is already %: a finished job keeps its status (refused: %)', old.id, old.status, new.status
            using errcode = '55000';
        end if;
        if not (
            (old.status = 'pending' and new.status in ('processing', 'failed', 'cancelled', 'timeout'))
            or (old.status = 'processing' and new.status in ('completed', 'failed', 'cancelled', 'timeout'))
        ) then
            raise exception 'job % cannot go from % to %: status only moves forward', old.id, old.status, new.status
            using errcode = '55000';
        end if;
        if new.status = 'processing' then
            new.started_at := coalesce(new.started_at, clock_timestamp());
        else
            new.completed_at := coalesce(new.completed_at, clock_timestamp());
        end if;
        if new.status = 'completed' then
            new.progress_percentage := 100;
        end if;
    end if;
    if new.progress_percentage <> old.progress_percentage then
        if new.progress_percentage < old.progress_percentage then
            raise exception 'job % progress cannot go back from % to %', old.id, old.progress_percentage,
                new.progress_percentage
            using errcode = '55000';
        end if;
        if old.status <> 'processing' then
            raise exception 'job % is %: its progress can only change while it is processing', old.id, old.status
            using errcode = '55000';
        end if;
    end if;
    return new;
end
$$;
comment on function dreamcut_private.validate_job_update() is
'BEFORE UPDATE trigger function on jobs (video-platform-database.md, "Validation triggers"): status only moves '
'forward (pending -> processing | failed | cancelled | timeout, processing -> completed | failed | cancelled | '
'timeout) and a completed, failed, cancelled or timed-out job keeps its status; sets started_at on processing, '
'completed_at on a terminal status and progress 100 on completed; progress never goes back and only changes '
'while processing; output format, dimensions, fps and duration are fixed at creation. Raises 55000.';
revoke all on function dreamcut_private.validate_job_update() from public, anon, authenticated, service_role;

create trigger trigger_validate_job_update
before update on public.jobs
for each row execute function dreamcut_private.validate_job_update();

create trigger trigger_jobs_updated_at
before update on public.jobs
for each row execute function dreamcut_private.update_updated_at_column();

create function dreamcut_private.validate_element() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_job record;
    v_error text;
begin
    if tg_op = 'UPDATE' then
        if new.job_id <> old.job_id then
            raise exception 'element % cannot move to another job', old.id using errcode = '55000';
        end if;
        if (new.type, new.source_url, new.text_content, new.position_x, new.position_y, new.width, new.height,
            new.fit_mode, new.start_time, new.duration, new.layer_order)
            is not distinct from
            (old.type, old.source_url, old.text_content, old.position_x, old.position_y, old.width, old.height,
                old.fit_mode, old.start_time, old.duration, old.layer_order) then
            return new;
        end if;
    end if;
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
'BEFORE INSERT OR UPDATE trigger function on elements (video-platform-database.md, "Validation triggers"): an '
'element is added, or its layout changed, only while its job is pending (55000); a visual element''s missing '
'position becomes 0 and its missing size reaches the canvas edge; the box must lie inside the job''s canvas and '
'the element must end inside the job''s timeline (23514 with constraint name elements_layout and the reason, '
'naming the column and value, as detail); an element never moves to another job (55000). Updates of the processing status alone are not checked. Security definer, to lock the '
'job row (FOR SHARE) against a concurrent start; it says nothing about jobs the caller cannot see.';
revoke all on function dreamcut_private.validate_element() from public, anon, authenticated, service_role;

create trigger trigger_validate_element
before insert or update on public.elements
for each row execute function dreamcut_private.validate_element();

create trigger trigger_elements_updated_at
before update on public.elements
for each row execute function dreamcut_private.update_updated_at_column();

create function dreamcut_private.notify_job_change() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_payload text := json_build_object(
        'id', new.id,
        'status', new.status,
        'progress_percentage', new.progress_percentage,
        'current_step', new.current_step
    )::text;
begin
    perform pg_notify('jobs:' || new.id, v_payload);
    perform pg_notify('jobs', v_payload);
    return null;
end
$$;
comment on function dreamcut_private.notify_job_change() is
'AFTER INSERT / AFTER UPDATE (of status, progress or current step) trigger function on jobs: pg_notify on channel '
'jobs:<job id> (one job''s subscribers) and jobs (active job monitoring) with a small JSON payload {"id", '
'"status", "progress_percentage", "current_step"}, for plain-PostgreSQL listeners (video-platform-database.md, '
'"Real-time Subscriptions"). Raises nothing.';
revoke all on function dreamcut_private.notify_job_change() from public, anon, authenticated, service_role;

create trigger trigger_notify_job_insert
after insert on public.jobs
for each row execute function dreamcut_private.notify_job_change();

create trigger trigger_notify_job_update
after update on public.jobs
for each row
when (
    old.status is distinct from new.status
    or old.progress_percentage is distinct from new.progress_percentage
    or old.current_step is distinct from new.current_step
)
execute function dreamcut_private.notify_job_change();

create function dreamcut_private.notify_timeline_change() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    perform pg_notify(
        'processing_timeline:' || new.job_id,
        json_build_object(
            'id', new.id, 'job_id', new.job_id, 'step', new.step, 'success', new.success,
            'finished', new.finished_at is not null
        )::text
    );
    return null;
end
$$;
comment on function dreamcut_private.notify_timeline_change() is
'AFTER INSERT OR UPDATE trigger function on processing_timeline: pg_notify on channel processing_timeline:<job '
'id> with {"id", "job_id", "step", "success", "finished"} (video-platform-database.md, "Processing Timeline" '
'subscription). Raises nothing.';
revoke all on function dreamcut_private.notify_timeline_change() from public, anon, authenticated, service_role;

create trigger trigger_notify_timeline_change
after insert or update on public.processing_timeline
for each row execute function dreamcut_private.notify_timeline_change();

alter publication supabase_realtime add table public.jobs, public.elements, public.processing_timeline;
