-- create_storyboard_progress_view (video-pipeline-redesign-v2.md, "useProjectProgress" and the redesignStatus
-- workflow): per project, the counts behind get_project_progress and the furthest redesign_status the data
-- supports. A security invoker view: a caller sees the rows of the projects RLS lets it read.
-- depends: 0003_enable_storyboard_rls_policies

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
    left join public.storyboard_selections as sel on s.id = sel.shot_id
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
