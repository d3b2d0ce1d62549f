-- create_storyboard_scenes_and_shots (video-pipeline-redesign-v2.md, tables projectScenes and sceneShots):
-- scenes of a project and shots of a scene, with the document's indexes (unique where its order keys must be),
-- RLS, policies, grants and the triggers that fill each row's project and owner from its parent and never let a
-- row move to another parent. Every child row carries its project (and scene) id, as the document's hierarchy
-- references do, and its project's owner: keys and foreign keys lead with project_id, the module's distribution
-- key, so a parent and its children always share a project and an owner. Deleting a project or scene removes
-- everything under it. scene_shots.selected_image_id is written by no role: a trigger
-- (create_storyboard_selections) copies it from storyboard_selections. Messages name the column and the stored
-- procedure parameter it comes from (p_...).
-- depends: 0001_create_storyboard_projects

create table public.project_scenes (
    id uuid not null default gen_random_uuid(),
    project_id uuid not null,
    user_id uuid not null,
    scene_number integer not null check (scene_number >= 1),
    title text not null check (btrim(title) <> ''),
    description text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (project_id, id),
    foreign key (project_id, user_id) references public.video_projects (id, user_id) on delete cascade
);
comment on table public.project_scenes is
'Top-level scenes of a v2_redesign project (video-pipeline-redesign-v2.md, table projectScenes).';
comment on column public.project_scenes.user_id is
'The project''s owner, copied from the project (the RLS policy compares it with the sub claim).';
comment on column public.project_scenes.scene_number is 'Display order, 1-based and unique within the project.';
comment on column public.project_scenes.description is 'Scene narrative or context.';

create table public.scene_shots (
    id uuid not null default gen_random_uuid(),
    project_id uuid not null,
    user_id uuid not null,
    scene_id uuid not null,
    shot_number integer not null check (shot_number >= 1),
    description text,
    initial_prompt text,
    selected_image_id uuid,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (project_id, id),
    foreign key (project_id, user_id) references public.video_projects (id, user_id) on delete cascade,
    foreign key (project_id, scene_id) references public.project_scenes (project_id, id) on delete cascade
);
comment on table public.scene_shots is
'Shots (camera angles, moments) of a scene (video-pipeline-redesign-v2.md, table sceneShots).';
comment on column public.scene_shots.project_id is 'The scene''s project, copied from the scene for project-wide queries.';
comment on column public.scene_shots.user_id is
'The project''s owner, copied from the scene (the RLS policy compares it with the sub claim).';
comment on column public.scene_shots.shot_number is 'Order within the scene, 1-based and unique within the scene.';
comment on column public.scene_shots.description is 'Shot description or direction.';
comment on column public.scene_shots.initial_prompt is 'Base prompt of the first generation (iteration 0).';
comment on column public.scene_shots.selected_image_id is
'The shot''s final chosen image: a copy of its storyboard selection''s image, kept by trigger (select_master_shot '
'writes it; no role may write it directly).';

create index idx_project_scenes_id on public.project_scenes (id);
create unique index idx_project_scenes_by_project on public.project_scenes (project_id, scene_number);
create index idx_project_scenes_owner on public.project_scenes (project_id, user_id);
create index idx_scene_shots_id on public.scene_shots (id);
create unique index idx_scene_shots_by_scene on public.scene_shots (project_id, scene_id, shot_number);
create index idx_scene_shots_by_project on public.scene_shots (project_id, user_id);

alter table public.project_scenes enable row level security;
alter table public.scene_shots enable row level security;
revoke all on table public.project_scenes, public.scene_shots from public, anon, authenticated, service_role;
grant select, insert, update, delete on table public.project_scenes to authenticated, service_role;
grant select, delete on table public.scene_shots to authenticated, service_role;
grant insert (
    id, project_id, user_id, scene_id, shot_number, description, initial_prompt, created_at, updated_at
) on table public.scene_shots to authenticated, service_role;
grant update (
    project_id, scene_id, shot_number, description, initial_prompt, created_at, updated_at
) on table public.scene_shots to authenticated, service_role;

create policy project_scenes_owner on public.project_scenes
for all to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));
create policy scene_shots_owner on public.scene_shots
for all to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));

create trigger trigger_project_scenes_updated_at
before update on public.project_scenes
for each row execute function dreamcut_private.update_updated_at_column();

create trigger trigger_scene_shots_updated_at
before update on public.scene_shots
for each row execute function dreamcut_private.update_updated_at_column();

create function dreamcut_private.validate_project_scene_insert() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_project record;
begin
    select p.user_id, p.workflow_version into v_project from public.video_projects as p where p.id = new.project_id;
    if not found then
        -- A project the caller cannot see (another user's) leaves user_id null, which RLS refuses (42501), as does
        -- the not-null constraint for a caller that bypasses RLS.
        new.user_id := null;
        return new;
    end if;
    if v_project.workflow_version = 'v1_legacy' then
        raise exception 'project % (p_project_id) is a v1_legacy project: scenes belong to v2_redesign projects',
            new.project_id
        using errcode = '55000';
    end if;
    new.user_id := v_project.user_id;
    return new;
end
$$;
comment on function dreamcut_private.validate_project_scene_insert() is
'BEFORE INSERT trigger function on project_scenes: takes user_id from the project (null when the project is not '
'visible, so the row is refused). Raises 55000 when the project is a v1_legacy project. Returns the new row.';
revoke all on function dreamcut_private.validate_project_scene_insert() from public;

create trigger trigger_project_scenes_validate_insert
before insert on public.project_scenes
for each row execute function dreamcut_private.validate_project_scene_insert();

create function dreamcut_private.validate_project_scene_update() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if new.project_id <> old.project_id or new.user_id <> old.user_id then
        raise exception 'scene % cannot move to another project (project_id)', old.id using errcode = '55000';
    end if;
    return new;
end
$$;
comment on function dreamcut_private.validate_project_scene_update() is
'BEFORE UPDATE trigger function on project_scenes. Raises 55000 when a scene would move to another project (or '
'owner). Returns the new row.';
revoke all on function dreamcut_private.validate_project_scene_update() from public;

create trigger trigger_project_scenes_validate_update
before update on public.project_scenes
for each row execute function dreamcut_private.validate_project_scene_update();

create function dreamcut_private.inherit_scene_parents() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_owner uuid;
begin
    if new.project_id is null then  -- plain PostgreSQL only: a distributed insert must name its key
        select c.project_id into new.project_id from public.project_scenes as c where c.id = new.scene_id;
    end if;
    -- A scene the caller cannot see (another user's), or one of another project, leaves user_id null, which
    -- RLS refuses (42501), as does the not-null constraint for a caller that bypasses RLS.
    select c.user_id into v_owner from public.project_scenes as c where c.project_id = new.project_id and c.id = new.scene_id;
    new.user_id := v_owner;
    return new;
end
$$;
comment on function dreamcut_private.inherit_scene_parents() is
'BEFORE INSERT trigger function on scene_shots: takes project_id (when null) and user_id from the scene; a scene '
'that is not in the row''s project (or not visible) leaves user_id null, so the row is refused. Returns the new '
'row.';
revoke all on function dreamcut_private.inherit_scene_parents() from public;

create trigger trigger_scene_shots_inherit_scene
before insert on public.scene_shots
for each row execute function dreamcut_private.inherit_scene_parents();

create function dreamcut_private.validate_scene_shot_update() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if new.project_id <> old.project_id or new.scene_id <> old.scene_id or new.user_id <> old.user_id then
        raise exception 'shot % cannot move to another scene or project (scene_id, project_id)', old.id
        using errcode = '55000';
    end if;
    return new;
end
$$;
comment on function dreamcut_private.validate_scene_shot_update() is
'BEFORE UPDATE trigger function on scene_shots. Raises 55000 when a shot would move to another scene or project. '
'Returns the new row.';
revoke all on function dreamcut_private.validate_scene_shot_update() from public;

create trigger trigger_scene_shots_validate_update
before update on public.scene_shots
for each row execute function dreamcut_private.validate_scene_shot_update();
