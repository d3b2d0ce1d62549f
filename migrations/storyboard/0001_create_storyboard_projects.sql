-- create_storyboard_projects (video-pipeline-redesign-v2.md, "Extended videoProjects Table"): the v2 storyboard
-- module and its root table, video_projects, with its index, RLS, policy and grants. A signed-in user
-- (authenticated, sub claim) reads and writes their own projects and every row under them; other users see
-- nothing of them; anon has no grant at all; service_role (the generation workers, BYPASSRLS) does everything.
-- The project is the distribution key of the module: every child row carries project_id (the leading column of
-- its primary key, unique indexes and foreign keys) and the project's owner, user_id, which its one policy
-- compares, as here.
-- depends: 0001_supabase_platform

insert into dreamcut_private.installed_modules (module) values ('storyboard');

create table public.video_projects (
    id uuid primary key default gen_random_uuid(),
    user_id uuid not null default auth.uid(),
    title text check (btrim(title) <> ''),
    prompt text not null check (btrim(prompt) <> ''),
    workflow_version text not null default 'v2_redesign' check (workflow_version in ('v1_legacy', 'v2_redesign')),
    prompt_planner_data jsonb,
    redesign_status text default 'prompt_planning' check (
        redesign_status in ('prompt_planning', 'scenes_setup', 'shot_iteration', 'storyboard_final', 'animation_complete')
    ),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint video_projects_redesign_status_check_version check (
        (workflow_version = 'v2_redesign' and redesign_status is not null)
        or (workflow_version = 'v1_legacy' and redesign_status is null)
    ),
    constraint video_projects_id_user_id_key unique (id, user_id)
);
comment on table public.video_projects is
'A video project (video-pipeline-redesign-v2.md, "Extended videoProjects Table"): its owner, prompt and, for '
'v2_redesign projects, the prompt planner brain dump and the workflow state.';
comment on column public.video_projects.user_id is
'Owner: the Supabase auth user id (auth.uid()). RLS compares it with the request''s sub claim. Every row under '
'the project carries it too (foreign keys (project_id, user_id)), so it changes only while the project has none.';
comment on column public.video_projects.title is 'Project title; null when the user gave none.';
comment on column public.video_projects.workflow_version is
'v1_legacy (the old scenes workflow, redesign_status null) or v2_redesign (this module''s workflow). '
'Moves only from v1_legacy to v2_redesign.';
comment on column public.video_projects.prompt_planner_data is
'The brain dump of the Prompt Planner page (promptPlannerData): any JSON, typically a string.';
comment on column public.video_projects.redesign_status is
'Workflow state of a v2_redesign project: prompt_planning -> scenes_setup -> shot_iteration -> storyboard_final '
'-> animation_complete. Only moves forward; storyboard_final needs every shot selected, animation_complete every '
'animation complete; advanced automatically when the data reaches a later state (docs/storyboard.md).';

create index idx_video_projects_user_id on public.video_projects (user_id, created_at desc);

alter table public.video_projects enable row level security;
revoke all on table public.video_projects from public, anon, authenticated, service_role;
grant select, insert, update, delete on table public.video_projects to authenticated, service_role;

create policy video_projects_owner on public.video_projects
for all to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));

create trigger trigger_video_projects_updated_at
before update on public.video_projects
for each row execute function dreamcut_private.update_updated_at_column();
