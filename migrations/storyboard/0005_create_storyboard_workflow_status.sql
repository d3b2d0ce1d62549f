-- create_storyboard_workflow_status (video-pipeline-redesign-v2.md, the redesignStatus workflow and
-- "useProjectProgress"): per project, the counts behind get_project_progress and the furthest redesign_status
-- the data supports (view video_project_progress, security invoker: a caller sees the rows of the projects RLS
-- lets it read); redesign_status only moves forward and is advanced when the data reaches a later state.
-- depends: 0004_create_storyboard_selections

create view public.video_project_progress
with (security_invoker = true)
as
select
    p.id as project_id,
    sc.total_scenes,
    sh.total_shots,
    sh.shots_with_selections,
    sh.shots_with_animations,
    case
        when sh.total_shots > 0 and sh.shots_with_animations = sh.total_shots then 'animation_complete'
        when sh.total_shots > 0 and sh.shots_with_selections = sh.total_shots then 'storyboard_final'
        when exists (
            select from public.shot_images as i
            where i.project_id = p.id
        ) then 'shot_iteration'
        when sc.total_scenes > 0 then 'scenes_setup'
        else 'prompt_planning'
    end as reached_status
from public.video_projects as p
cross join
    lateral (
        select count(*)::integer as total_scenes
        from public.project_scenes as c
        where c.project_id = p.id
    ) as sc
cross join lateral (
    select
        count(*)::integer as total_shots,
        count(sel.id)::integer as shots_with_selections,
        (count(*) filter (where sel.animation_status = 'complete'))::integer as shots_with_animations
    from public.scene_shots as s
    left join public.storyboard_selections as sel on s.project_id = sel.project_id and s.id = sel.shot_id
    where s.project_id = p.id
) as sh;
comment on view public.video_project_progress is
'Progress of each project (video-pipeline-redesign-v2.md, useProjectProgress): total_scenes, total_shots, '
'shots_with_selections (shots with a storyboard selection), shots_with_animations (selections whose animation '
'is complete) and reached_status, the furthest redesign_status the data supports: animation_complete when '
'every shot''s animation is complete, storyboard_final when every shot has a selection (at least one shot), '
'shot_iteration once an image exists, scenes_setup once a scene exists, else prompt_planning. '
'Security invoker: RLS of the underlying tables applies.';
comment on column public.video_project_progress.reached_status is
'The furthest redesign_status whose condition holds now (see the view''s comment).';

revoke all on table public.video_project_progress from public, anon, authenticated, service_role;
grant select on table public.video_project_progress to authenticated, service_role;

create function dreamcut_private.validate_video_project_update() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    c_order constant text[] := array[
        'prompt_planning', 'scenes_setup', 'shot_iteration', 'storyboard_final', 'animation_complete'
    ];
    v_reached text;
begin
    if old.workflow_version = 'v2_redesign' and new.workflow_version = 'v1_legacy' then
        raise exception 'project % is v2_redesign: workflow_version cannot move back to v1_legacy', old.id
        using errcode = '55000';
    end if;
    if new.redesign_status is not distinct from old.redesign_status then
        return new;
    end if;
    if array_position(c_order, new.redesign_status) < array_position(c_order, old.redesign_status) then
        raise exception 'redesign_status (p_status) of project % cannot move back from % to %: it only moves forward '
            '(prompt_planning -> scenes_setup -> shot_iteration -> storyboard_final -> animation_complete)',
            old.id, old.redesign_status, new.redesign_status
        using errcode = '55000';
    end if;
    if new.redesign_status in ('storyboard_final', 'animation_complete') then
        select v.reached_status into v_reached from public.video_project_progress as v where v.project_id = old.id;
        if array_position(c_order, v_reached) < array_position(c_order, new.redesign_status) then
            raise exception 'redesign_status (p_status) of project % cannot move to % yet: %', old.id,
                new.redesign_status,
                case new.redesign_status
                    when 'storyboard_final' then 'every shot needs a storyboard selection (select_master_shot) first'
                    else 'the animation of every shot must be complete first'
                end
            using errcode = '55000';
        end if;
    end if;
    return new;
end
$$;
comment on function dreamcut_private.validate_video_project_update() is
'BEFORE UPDATE trigger function on video_projects (video-pipeline-redesign-v2.md, redesignStatus). Raises 55000 '
'when workflow_version moves back to v1_legacy, when redesign_status moves backwards, or when it moves to '
'storyboard_final (or animation_complete) before every shot has a storyboard selection (or a complete '
'animation), as video_project_progress.reached_status tells. Returns the new row.';
revoke all on function dreamcut_private.validate_video_project_update() from public;

create trigger trigger_video_projects_validate_update
before update on public.video_projects
for each row execute function dreamcut_private.validate_video_project_update();

create function dreamcut_private.advance_project_to_scenes_setup() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    -- The new scene itself proves that its project reached scenes_setup.
    update public.video_projects set redesign_status = 'scenes_setup'
    where id = new.project_id and redesign_status = 'prompt_planning';
    return null;
end
$$;
comment on function dreamcut_private.advance_project_to_scenes_setup() is
'AFTER INSERT FOR EACH ROW trigger function on project_scenes: moves the scene''s v2_redesign project from '
'prompt_planning to scenes_setup, never backwards (video-pipeline-redesign-v2.md, "Update status: keep '
'redesignStatus in sync"). Keyed by the row''s project_id, so that it runs on the shard of the row on a '
'distributed database; no trigger argument (a Citus 13.2 shard trigger reading tg_argv crashes the worker). '
'Raises nothing.';
revoke all on function dreamcut_private.advance_project_to_scenes_setup() from public;

create function dreamcut_private.advance_project_to_shot_iteration() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    -- The new image itself proves that its project reached shot_iteration.
    update public.video_projects set redesign_status = 'shot_iteration'
    where id = new.project_id and redesign_status in ('prompt_planning', 'scenes_setup');
    return null;
end
$$;
comment on function dreamcut_private.advance_project_to_shot_iteration() is
'AFTER INSERT FOR EACH ROW trigger function on shot_images: moves the image''s v2_redesign project to '
'shot_iteration when it is behind it (prompt_planning, scenes_setup), never backwards (video-pipeline-redesign-'
'v2.md, "Update status: keep redesignStatus in sync"). Keyed by the row''s project_id, as '
'advance_project_to_scenes_setup. Raises nothing.';
revoke all on function dreamcut_private.advance_project_to_shot_iteration() from public;

create function dreamcut_private.advance_redesign_status_to_reached() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    c_order constant text[] := array[
        'prompt_planning', 'scenes_setup', 'shot_iteration', 'storyboard_final', 'animation_complete'
    ];
    v_project_id uuid := coalesce(new.project_id, old.project_id);  -- a selection written, or a shot deleted
begin
    -- Lock the project first, so that two transactions completing a project's last two shots queue, and the
    -- second one sees the first one's selection.
    perform from public.video_projects as p
    where p.id = v_project_id and p.redesign_status <> 'animation_complete'
    for no key update;
    if not found then
        return null;
    end if;
    update public.video_projects as p
    set redesign_status = v.reached_status
    from public.video_project_progress as v
    where p.id = v_project_id and v.project_id = v_project_id
        and array_position(c_order, v.reached_status) > array_position(c_order, p.redesign_status);
    return null;
end
$$;
comment on function dreamcut_private.advance_redesign_status_to_reached() is
'AFTER ... FOR EACH ROW trigger function (a storyboard selection written, a shot deleted) that locks the row''s '
'v2_redesign project and moves it to video_project_progress.reached_status when that is further (video-pipeline-'
'redesign-v2.md, "Update status: keep redesignStatus in sync"): storyboard_final once every shot has a selection, '
'animation_complete once every animation is complete. Never moves backwards. Raises nothing.';
revoke all on function dreamcut_private.advance_redesign_status_to_reached() from public;

create trigger trigger_project_scenes_advance_status
after insert on public.project_scenes
for each row execute function dreamcut_private.advance_project_to_scenes_setup();

create trigger trigger_shot_images_advance_status
after insert on public.shot_images
for each row execute function dreamcut_private.advance_project_to_shot_iteration();

create trigger trigger_storyboard_selections_advance_status
after insert or update on public.storyboard_selections
for each row execute function dreamcut_private.advance_redesign_status_to_reached();

create trigger trigger_scene_shots_delete_advance_status
after delete on public.scene_shots
for each row execute function dreamcut_private.advance_redesign_status_to_reached();
