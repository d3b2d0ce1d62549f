-- create_multimedia_triggers (video-pipeline-content-multimedia.md, "Status Tracking", "Atomic Operations"):
-- the session counters (total assets, slides, audio files, videos) kept true by a statement-level trigger on
-- the assets, the session status workflow, and the narration segments' assets checked like a foreign key.
-- depends: 0002_enable_multimedia_rls_policies

create function dreamcut_private.mm_count_session_assets() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_changes jsonb := '[]';
    v_finished record;
begin
    if tg_op <> 'DELETE' then
        v_changes := (
            select coalesce(jsonb_agg(jsonb_build_object(
                'session_id', n.session_id, 'asset_type', n.asset_type, 'status', n.status, 'sign', 1
            )), '[]')
            from new_assets as n
        );
    end if;
    if tg_op <> 'INSERT' then
        v_changes := v_changes || (
            select coalesce(jsonb_agg(jsonb_build_object(
                'session_id', o.session_id, 'asset_type', o.asset_type, 'status', o.status, 'sign', -1
            )), '[]')
            from old_assets as o
        );
    end if;

    -- Lock the sessions in id order, FOR NO KEY UPDATE: it does not conflict with the KEY SHARE locks the
    -- assets' foreign key checks hold, so concurrent registrations queue here instead of deadlocking, and each
    -- adds its counts to the latest committed values.
    perform from public.mm_multimedia_sessions as s
    where s.session_id in (select c.session_id from jsonb_to_recordset(v_changes) as c (session_id uuid))
    order by s.session_id
    for no key update;

    if tg_op = 'INSERT' then
        select s.session_id, s.status into v_finished
        from public.mm_multimedia_sessions as s
        where s.session_id in (select c.session_id from jsonb_to_recordset(v_changes) as c (session_id uuid))
            and s.status in ('completed', 'failed')
        limit 1;
        if found then
            raise exception 'multimedia session % is already %: no more assets can be registered',
                v_finished.session_id, v_finished.status
            using errcode = '55000';
        end if;
    end if;

    update public.mm_multimedia_sessions as s
    set total_assets_generated = s.total_assets_generated + d.total,
        slides_generated = s.slides_generated + d.slides,
        audio_files_generated = s.audio_files_generated + d.audio,
        video_files_generated = s.video_files_generated + d.video
    from (
        select
            c.session_id,
            coalesce(sum(c.sign) filter (where c.status <> 'failed'), 0) as total,
            coalesce(sum(c.sign) filter (where c.status <> 'failed' and c.asset_type = 'slide'), 0) as slides,
            coalesce(sum(c.sign) filter (where c.status <> 'failed' and c.asset_type = 'audio'), 0) as audio,
            coalesce(sum(c.sign) filter (where c.status <> 'failed' and c.asset_type = 'video'), 0) as video
        from jsonb_to_recordset(v_changes) as c (session_id uuid, asset_type text, status text, sign integer)
        group by c.session_id
    ) as d
    where s.session_id = d.session_id and (d.total, d.slides, d.audio, d.video) <> (0, 0, 0, 0);
    return null;
end
$$;
comment on function dreamcut_private.mm_count_session_assets() is
'Statement-level AFTER INSERT / UPDATE / DELETE trigger function on mm_multimedia_assets (transition tables '
'new_assets, old_assets): adds each statement''s changes to the counters of the affected sessions in one UPDATE '
'(total_assets_generated: assets not failed; slides_generated, audio_files_generated, video_files_generated: '
'those of type slide, audio, video), after locking the sessions in id order, so counts stay exact under '
'concurrent registration. Raises 55000 when assets are inserted into a completed or failed session.';
revoke all on function dreamcut_private.mm_count_session_assets() from public;

create trigger trigger_mm_multimedia_assets_count_insert
after insert on public.mm_multimedia_assets
referencing new table as new_assets
for each statement execute function dreamcut_private.mm_count_session_assets();

create trigger trigger_mm_multimedia_assets_count_update
after update on public.mm_multimedia_assets
referencing old table as old_assets new table as new_assets
for each statement execute function dreamcut_private.mm_count_session_assets();

create trigger trigger_mm_multimedia_assets_count_delete
after delete on public.mm_multimedia_assets
referencing old table as old_assets
for each statement execute function dreamcut_private.mm_count_session_assets();

create function dreamcut_private.mm_multimedia_session_workflow() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if tg_op = 'INSERT' then
        if (new.total_assets_generated, new.slides_generated, new.audio_files_generated, new.video_files_generated)
            <> (0, 0, 0, 0) then
            raise exception 'the asset counters of a session are kept by trigger: a new session starts at 0'
            using errcode = '22023';
        end if;
    else
        -- The counting trigger on the assets updates them one trigger level down.
        if pg_trigger_depth() < 2 and (
            new.total_assets_generated, new.slides_generated, new.audio_files_generated, new.video_files_generated
        ) is distinct from (
            old.total_assets_generated, old.slides_generated, old.audio_files_generated, old.video_files_generated
        ) then
            raise exception 'the asset counters of session % are kept by trigger and cannot be set', old.session_id
            using errcode = '22023';
        end if;
        if old.status in ('completed', 'failed') and (new.status, new.progress_percentage, new.current_stage)
            is distinct from (old.status, old.progress_percentage, old.current_stage) then
            raise exception 'multimedia session % is already %: its status and progress cannot change',
                old.session_id, old.status
            using errcode = '55000';
        end if;
        if (old.status, new.status) not in (
            ('started', 'started'), ('started', 'processing'), ('started', 'completed'), ('started', 'failed'),
            ('processing', 'processing'), ('processing', 'completed'), ('processing', 'failed'),
            ('completed', 'completed'), ('failed', 'failed')
        ) then
            raise exception 'multimedia session % cannot move from status % to % (started -> processing -> '
                'completed | failed)', old.session_id, old.status, new.status
            using errcode = '55000';
        end if;
        if new.progress_percentage < old.progress_percentage then
            raise exception 'progress of multimedia session % cannot go back from % to %', old.session_id,
                old.progress_percentage, new.progress_percentage
            using errcode = '55000';
        end if;
    end if;

    if new.status = 'completed' then
        new.progress_percentage := 100;
    end if;
    if new.status in ('completed', 'failed') then
        new.completed_at := coalesce(new.completed_at, greatest(now(), new.started_at));
        new.processing_duration_seconds := coalesce(
            new.processing_duration_seconds, round(extract(epoch from new.completed_at - new.started_at))::integer
        );
    end if;
    return new;
end
$$;
comment on function dreamcut_private.mm_multimedia_session_workflow() is
'BEFORE INSERT OR UPDATE trigger function on mm_multimedia_sessions (video-pipeline-content-multimedia.md, '
'"Status tracking"). Status moves started -> processing -> completed | failed (started may finish directly); a '
'finished session keeps its status, progress and stage; progress never goes down (55000). The asset counters '
'start at 0 and change only through the assets'' counting trigger (22023). On completion progress becomes 100; '
'on completion or failure completed_at is set (now) and processing_duration_seconds (seconds since started_at) '
'unless given. Returns the row.';
revoke all on function dreamcut_private.mm_multimedia_session_workflow() from public;

create trigger trigger_mm_multimedia_sessions_workflow
before insert or update on public.mm_multimedia_sessions
for each row execute function dreamcut_private.mm_multimedia_session_workflow();

create function dreamcut_private.mm_check_narration_segments() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_missing uuid;
begin
    select a.id into v_missing
    from unnest(new.segments_audio_ids) as a (id)
    where a.id is null or not exists (
        select from public.mm_multimedia_assets as m where m.asset_id = a.id and m.session_id = new.session_id
    )
    limit 1;
    if found then
        raise exception 'segments_audio_ids of narration %: % is not an asset of session %', new.narration_id,
            coalesce(v_missing::text, 'null'), new.session_id
        using errcode = '23503';
    end if;
    return new;
end
$$;
comment on function dreamcut_private.mm_check_narration_segments() is
'BEFORE INSERT OR UPDATE OF segments_audio_ids, session_id trigger function on mm_audio_narrations: every '
'element of segments_audio_ids is an asset of the narration''s session, as a foreign key would say for an array '
'(23503 otherwise). Returns the row.';
revoke all on function dreamcut_private.mm_check_narration_segments() from public;

create trigger trigger_mm_audio_narrations_segments
before insert or update of segments_audio_ids, session_id on public.mm_audio_narrations
for each row execute function dreamcut_private.mm_check_narration_segments();
