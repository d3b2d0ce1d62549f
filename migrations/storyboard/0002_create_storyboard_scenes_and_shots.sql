-- create_storyboard_scenes_and_shots (video-pipeline-redesign-v2.md, tables projectScenes and sceneShots):
-- scenes of a project and shots of a scene, with the document's indexes (unique where its order keys must be),
-- RLS, policies, grants and the triggers that keep each shot's project equal to its scene's and never let a
-- row move to another parent. Every child row carries its project (and scene) id, as the document's hierarchy
-- references do. Deleting a project or scene removes everything under it. scene_shots.selected_image_id is
-- written by no role: a trigger (create_storyboard_selections) copies it from storyboard_selections.
-- Messages name the column and the stored procedure parameter it comes from (p_...).
-- depends: 0001_create_storyboard_projects

create table public.project_scenes (
    id uuid primary key default gen_random_uuid(),
    project_id uuid not null references public.video_projects (id) on delete cascade,
    scene_number integer not null check (scene_number >= 1),
    title text not null check (btrim(title) <> ''),
    description text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
comment on table public.project_scenes is
'Top-level scenes of a v2_redesign project (video-pipeline-redesign-v2.md, table projectScenes).';
comment on column public.project_scenes.scene_number is 'Display order, 1-based and unique within the project.';
comment on column public.project_scenes.description is 'Scene narrative or context.';

create table public.scene_shots (
    id uuid primary key default gen_random_uuid(),
    project_id uuid not null references public.video_projects (id) on delete cascade,
    scene_id uuid not null references public.project_scenes (id) on delete cascade,
    shot_number integer not null check (shot_number >= 1),
    description text,
    initial_prompt text,
    selected_image_id uuid,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
comment on table public.scene_shots is
'Shots (camera angles, moments) of a scene (video-pipeline-redesign-v2.md, table sceneShots).';
comment on column public.scene_shots.project_id is 'The scene''s project, copied from the scene for project-wide queries.';
comment on column public.scene_shots.shot_number is 'Order within the scene, 1-based and unique within the scene.';
comment on column public.scene_shots.description is 'Shot description or direction.';
comment on column public.scene_shots.initial_prompt is 'Base prompt of the first generation (iteration 0).';
comment on column public.scene_shots.selected_image_id is
'The shot''s final chosen image: a copy of its storyboard selection''s image, kept by trigger (select_master_shot '
'writes it; no role may write it directly).';

create unique index idx_project_scenes_by_project on public.project_scenes (project_id, scene_number);
create unique index idx_scene_shots_by_scene on public.scene_shots (scene_id, shot_number);
create index idx_scene_shots_by_project on public.scene_shots (project_id);

alter table public.project_scenes enable row level security;
alter table public.scene_shots enable row level security;
revoke all on table public.project_scenes, public.scene_shots from public, anon, authenticated, service_role;
grant select, insert, update, delete on table public.project_scenes to authenticated, service_role;
grant select, delete on table public.scene_shots to authenticated, service_role;
grant insert (
    id, project_id, scene_id, shot_number, description, initial_prompt, created_at, updated_at
) on table public.scene_shots to authenticated, service_role;
grant update (
    project_id, scene_id, shot_number, description, initial_prompt, created_at, updated_at
) on table public.scene_shots to authenticated, service_role;

create policy project_scenes_select_own on public.project_scenes
for select to authenticated
using (project_id in (select dreamcut_private.storyboard_project_ids()));
create policy project_scenes_insert_own on public.project_scenes
for insert to authenticated
with check (project_id in (select dreamcut_private.storyboard_project_ids()));
create policy project_scenes_update_own on public.project_scenes
for update to authenticated
using (project_id in (select dreamcut_private.storyboard_project_ids()))
with check (project_id in (select dreamcut_private.storyboard_project_ids()));
create policy project_scenes_delete_own on public.project_scenes
for delete to authenticated
using (project_id in (select dreamcut_private.storyboard_project_ids()));

create policy scene_shots_select_own on public.scene_shots
for select to authenticated
using (project_id in (select dreamcut_private.storyboard_project_ids()));
create policy scene_shots_insert_own on public.scene_shots
for insert to authenticated
with check (project_id in (select dreamcut_private.storyboard_project_ids()));
create policy scene_shots_update_own on public.scene_shots
for update to authenticated
using (project_id in (select dreamcut_private.storyboard_project_ids()))
with check (project_id in (select dreamcut_private.storyboard_project_ids()));
create policy scene_shots_delete_own on public.scene_shots
for delete to authenticated
using (project_id in (select dreamcut_private.storyboard_project_ids()));

create trigger trigger_project_scenes_updated_at
before update on public.project_scenes
for each row execute function dreamcut_private.update_updated_at_column();

create trigger trigger_scene_shots_updated_at
before update on public.scene_shots
for each row execute function dreamcut_private.update_updated_at_column();

create function dreamcut_private.check_project_scene_write() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_version text;
begin
    if tg_op = 'UPDATE' then
        if new.project_id <> old.project_id then
            raise exception 'scene % cannot move to another project (project_id)', old.id using errcode = '55000';
        end if;
        return new;
    end if;
    -- A project the caller cannot see is left to the foreign key and RLS, which refuse it.
    select p.workflow_version into v_version from public.video_projects as p where p.id = new.project_id;
    if v_version = 'v1_legacy' then
        raise exception 'project % (p_project_id) is a v1_legacy project: scenes belong to v2_redesign projects',
            new.project_id
        using errcode = '55000';
    end if;
    return new;
end
$$;
comment on function dreamcut_private.check_project_scene_write() is
'BEFORE INSERT OR UPDATE trigger function on project_scenes. Raises 55000 when a scene is added to a v1_legacy '
'project or moved to another project. Returns the new row.';
revoke all on function dreamcut_private.check_project_scene_write() from public;

create trigger trigger_check_project_scene_write
before insert or update on public.project_scenes
for each row execute function dreamcut_private.check_project_scene_write();

create function dreamcut_private.check_scene_shot_write() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_project_id uuid;
begin
    if tg_op = 'UPDATE' then
        if new.project_id <> old.project_id or new.scene_id <> old.scene_id then
            raise exception 'shot % cannot move to another scene or project (scene_id, project_id)', old.id
            using errcode = '55000';
        end if;
        return new;
    end if;
    select c.project_id into v_project_id from public.project_scenes as c where c.id = new.scene_id;
    if not found then
        -- Another user's scene is hidden by RLS, which checks only this row's project_id, and the foreign key
        -- alone would accept it. A caller under RLS is refused; for one that bypasses it, the scene is unknown
        -- (or null) and the foreign key (or not-null constraint) refuses the row.
        if new.scene_id is not null and not exists (
            select from pg_catalog.pg_roles as r
            where r.rolname = current_user and (r.rolsuper or r.rolbypassrls)
        ) then
            raise exception 'scene_id (p_scene_id) % is not a scene of one of your projects', new.scene_id
            using errcode = '42501';
        end if;
        return new;
    end if;
    if new.project_id is null then
        new.project_id := v_project_id;
    elsif new.project_id <> v_project_id then
        raise exception 'project_id (p_project_id) % is not the project of scene % (%)',
            new.project_id, new.scene_id, v_project_id
        using errcode = '55000';
    end if;
    return new;
end
$$;
comment on function dreamcut_private.check_scene_shot_write() is
'BEFORE INSERT OR UPDATE trigger function on scene_shots: fills project_id from the scene when it is null. '
'Raises 42501 when a caller under RLS names a scene it cannot see (another user''s), 55000 when project_id '
'is not the scene''s project or a shot is moved to another scene or project. '
'Returns the new row.';
revoke all on function dreamcut_private.check_scene_shot_write() from public;

create trigger trigger_check_scene_shot_write
before insert or update on public.scene_shots
for each row execute function dreamcut_private.check_scene_shot_write();
