-- create_storyboard_selection_functions (video-pipeline-redesign-v2.md, "Storyboard Selection", "Animation
-- Generation", "Utility Hooks"): master shots, animations and progress, as stored procedures.
-- Security invoker, parameters checked first, nothing written on error: the conventions of
-- create_storyboard_project_functions.
-- depends: 0009_create_storyboard_image_functions

create function public.select_master_shot(
    p_shot_id uuid,
    p_selected_image_id uuid,
    p_project_id uuid default null,
    p_scene_id uuid default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_shot record;
    v_selection_id uuid;
begin
    if p_shot_id is null then
        raise exception 'p_shot_id is required, got null' using errcode = '22023';
    end if;
    if p_selected_image_id is null then
        raise exception 'p_selected_image_id is required, got null' using errcode = '22023';
    end if;
    if p_project_id is null then  -- the distribution key, when the caller did not pass it
        select s.project_id into p_project_id from public.scene_shots as s where s.id = p_shot_id;
    end if;
    select s.scene_id into v_shot from public.scene_shots as s where s.project_id = p_project_id and s.id = p_shot_id;
    if not found then
        raise exception 'shot % not found (p_shot_id)', p_shot_id using errcode = 'P0002';
    end if;
    if p_scene_id <> v_shot.scene_id then
        raise exception 'p_scene_id % is not the scene of shot % (%)', p_scene_id, p_shot_id, v_shot.scene_id
        using errcode = '55000';
    end if;
    insert into public.storyboard_selections as sel (project_id, scene_id, shot_id, selected_image_id)
    values (p_project_id, v_shot.scene_id, p_shot_id, p_selected_image_id)
    on conflict (project_id, shot_id) do update
    set selected_image_id = excluded.selected_image_id,
        -- Selecting the same image again retries a failed animation; a new image restarts it (trigger).
        animation_status = case when sel.animation_status = 'failed' then 'pending' else sel.animation_status end,
        replicate_video_id = case when sel.animation_status = 'failed' then null else sel.replicate_video_id end
    returning sel.id into v_selection_id;
    return v_selection_id;
end
$$;
comment on function public.select_master_shot(uuid, uuid, uuid, uuid) is
'Chooses a shot''s master shot for the storyboard (video-pipeline-redesign-v2.md, useSelectMasterShot, "Storyboard '
'Selection"): creates or updates the shot''s storyboard selection and sets scene_shots.selected_image_id. A '
'different image restarts the animation (pending); the same image again retries a failed animation. When every '
'shot of the project has a selection, the project moves to storyboard_final. p_shot_id: the shot (uuid); '
'p_selected_image_id: a complete image of that shot (uuid); p_project_id: the shot''s project, optional (the shot '
'is looked up in it: one shard on a distributed database); p_scene_id: optional, checked against the shot. Returns '
'the selection id (uuid). Errors: 22023 null parameter, P0002 unknown shot (or not in p_project_id) or image, '
'55000 image of another shot or not complete, p_scene_id not the shot''s. Writes nothing on error.';
revoke all on function public.select_master_shot(uuid, uuid, uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.select_master_shot(uuid, uuid, uuid, uuid) to authenticated, service_role;

create function public.create_storyboard_selection(
    p_shot_id uuid,
    p_selected_image_id uuid,
    p_project_id uuid default null,
    p_scene_id uuid default null
) returns uuid
language sql volatile
set search_path = ''
as $$
    select public.select_master_shot(p_shot_id, p_selected_image_id, p_project_id, p_scene_id)
$$;
comment on function public.create_storyboard_selection(uuid, uuid, uuid, uuid) is
'The document''s createStoryboardSelection (video-pipeline-redesign-v2.md, "Storyboard Selection"): the same as '
'select_master_shot (same parameters, return value and errors: 22023, P0002, 55000).';
revoke all on function public.create_storyboard_selection(uuid, uuid, uuid, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.create_storyboard_selection(uuid, uuid, uuid, uuid) to authenticated, service_role;

create function public.update_storyboard_animation(
    p_selection_id uuid,
    p_animation_status text,
    p_animated_video_url text default null,
    p_replicate_video_id text default null,
    p_project_id uuid default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_url text;
begin
    if p_selection_id is null then
        raise exception 'p_selection_id is required, got null' using errcode = '22023';
    end if;
    if p_animation_status is null or p_animation_status not in ('pending', 'processing', 'complete', 'failed') then
        raise exception 'p_animation_status must be one of pending, processing, complete, failed, got %',
            coalesce(quote_literal(p_animation_status), 'null')
        using errcode = '22023';
    end if;
    if btrim(p_animated_video_url) = '' then
        raise exception 'p_animated_video_url must be null or a non-empty URL, got %', quote_literal(p_animated_video_url)
        using errcode = '22023';
    end if;
    if p_project_id is null then  -- the distribution key, when the caller did not pass it
        select sel.project_id into p_project_id from public.storyboard_selections as sel where sel.id = p_selection_id;
    end if;
    select sel.animated_video_url into v_url
    from public.storyboard_selections as sel
    where sel.project_id = p_project_id and sel.id = p_selection_id for update;
    if not found then
        raise exception 'storyboard selection % not found (p_selection_id)', p_selection_id using errcode = 'P0002';
    end if;
    if p_animation_status = 'complete' and coalesce(p_animated_video_url, v_url) is null then
        raise exception 'p_animated_video_url is required when p_animation_status is complete' using errcode = '22023';
    end if;
    update public.storyboard_selections
    set animation_status = p_animation_status,
        animated_video_url = coalesce(p_animated_video_url, animated_video_url),
        replicate_video_id = coalesce(p_replicate_video_id, replicate_video_id)
    where project_id = p_project_id and id = p_selection_id;
end
$$;
comment on function public.update_storyboard_animation(uuid, text, text, text, uuid) is
'Records an animation''s progress (video-pipeline-redesign-v2.md, updateStoryboardAnimation, "Animation '
'Generation"). p_selection_id: the storyboard selection (uuid); p_animation_status: pending -> processing -> '
'complete | failed, failed -> pending (retry); p_animated_video_url: URL of the video, required for complete '
'unless already set, null keeps; p_replicate_video_id: prediction id, null keeps; p_project_id: the selection''s '
'project (uuid), optional (the selection is looked up in it). When every shot''s animation is complete the project '
'moves to animation_complete. Returns nothing. Errors: 22023 bad parameter, P0002 unknown selection, 55000 status '
'moving backwards. Writes nothing on error.';
revoke all on function public.update_storyboard_animation(uuid, text, text, text, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.update_storyboard_animation(uuid, text, text, text, uuid) to authenticated, service_role;

create function public.is_scene_storyboard_complete(p_scene_id uuid, p_project_id uuid default null) returns boolean
language plpgsql stable
set search_path = ''
as $$
begin
    if p_scene_id is null then
        raise exception 'p_scene_id is required, got null' using errcode = '22023';
    end if;
    if p_project_id is null then  -- the distribution key, when the caller did not pass it
        select c.project_id into p_project_id from public.project_scenes as c where c.id = p_scene_id;
    end if;
    perform from public.project_scenes as c where c.project_id = p_project_id and c.id = p_scene_id;
    if not found then
        raise exception 'scene % not found (p_scene_id)', p_scene_id using errcode = 'P0002';
    end if;
    return coalesce((
        select count(*) > 0 and count(*) = count(sel.id)
        from public.scene_shots as s
        left join public.storyboard_selections as sel on s.project_id = sel.project_id and s.id = sel.shot_id
        where s.project_id = p_project_id and s.scene_id = p_scene_id
    ), false);
end
$$;
comment on function public.is_scene_storyboard_complete(uuid, uuid) is
'Whether a scene''s storyboard is complete (video-pipeline-redesign-v2.md, useSceneStoryboardComplete): the scene '
'has at least one shot and every shot has a storyboard selection (master shot). p_scene_id: the scene (uuid); '
'p_project_id: its project (uuid), optional (the scene is looked up in it). Returns boolean. Errors: 22023 null '
'parameter, P0002 unknown scene.';
revoke all on function public.is_scene_storyboard_complete(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.is_scene_storyboard_complete(uuid, uuid) to authenticated, service_role;

create function public.get_project_progress(p_project_id uuid) returns jsonb
language plpgsql stable
set search_path = ''
as $$
declare
    v_progress jsonb;
begin
    if p_project_id is null then
        raise exception 'p_project_id is required, got null' using errcode = '22023';
    end if;
    select jsonb_build_object(
        'totalScenes', v.total_scenes,
        'totalShots', v.total_shots,
        'shotsWithSelections', v.shots_with_selections,
        'shotsWithAnimations', v.shots_with_animations,
        'selectionProgress',
        case when v.total_shots = 0 then 0 else trim_scale(round(100.0 * v.shots_with_selections / v.total_shots, 1)) end,
        'animationProgress',
        case when v.total_shots = 0 then 0 else trim_scale(round(100.0 * v.shots_with_animations / v.total_shots, 1)) end,
        'isSelectionComplete', v.total_shots > 0 and v.shots_with_selections = v.total_shots,
        'isAnimationComplete', v.total_shots > 0 and v.shots_with_animations = v.total_shots
    ) into v_progress
    from public.video_project_progress as v
    where v.project_id = p_project_id;
    if not found then
        raise exception 'project % not found (p_project_id)', p_project_id using errcode = 'P0002';
    end if;
    return v_progress;
end
$$;
comment on function public.get_project_progress(uuid) is
'A project''s progress (video-pipeline-redesign-v2.md, useProjectProgress). p_project_id: the project (uuid). '
'Returns JSON with exactly the document''s fields: {"totalScenes": int, "totalShots": int, "shotsWithSelections": '
'int (shots with a storyboard selection), "shotsWithAnimations": int (selections whose animation is complete), '
'"selectionProgress": percent of shots with a selection, 0..100 rounded to 0.1, "animationProgress": percent of '
'shots with a complete animation, "isSelectionComplete": bool, "isAnimationComplete": bool} (percentages 0 and '
'completeness false when the project has no shot). Errors: 22023 null parameter, P0002 unknown project.';
revoke all on function public.get_project_progress(uuid) from public, anon, authenticated, service_role;
grant execute on function public.get_project_progress(uuid) to authenticated, service_role;
