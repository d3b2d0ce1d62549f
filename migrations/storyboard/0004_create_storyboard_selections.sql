-- create_storyboard_selections (video-pipeline-redesign-v2.md, table storyboardSelections, "Storyboard
-- Selection", "Animation Generation"): one master shot per shot and its animation, with the document's indexes,
-- RLS, policies, grants, and the triggers that keep a master shot a complete image of its own shot, the
-- animation status moving forward only, and scene_shots.selected_image_id equal to the shot's selection.
-- depends: 0003_create_storyboard_image_iterations

create table public.storyboard_selections (
    id uuid primary key default gen_random_uuid(),
    project_id uuid not null references public.video_projects (id) on delete cascade,
    scene_id uuid not null references public.project_scenes (id) on delete cascade,
    shot_id uuid not null references public.scene_shots (id) on delete cascade,
    selected_image_id uuid not null references public.shot_images (id) on delete cascade,
    animation_status text not null default 'pending' check (
        animation_status in ('pending', 'processing', 'complete', 'failed')
    ),
    animated_video_url text check (btrim(animated_video_url) <> ''),
    replicate_video_id text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint storyboard_selections_complete_has_url check (
        animation_status <> 'complete' or animated_video_url is not null
    )
);
comment on table public.storyboard_selections is
'The final storyboard: one master shot per shot and its animation (video-pipeline-redesign-v2.md, table '
'storyboardSelections).';
comment on column public.storyboard_selections.selected_image_id is
'The master shot: a complete image of the same shot. Changing it starts a new animation (status pending).';
comment on column public.storyboard_selections.animation_status is
'pending -> processing -> complete | failed; failed may go back to pending (retry).';
comment on column public.storyboard_selections.animated_video_url is 'URL of the final animation; required once complete.';
comment on column public.storyboard_selections.replicate_video_id is 'Replicate prediction id of the video generation.';

create index idx_storyboard_selections_by_project on public.storyboard_selections (project_id);
create index idx_storyboard_selections_by_scene on public.storyboard_selections (scene_id);
create unique index idx_storyboard_selections_by_shot on public.storyboard_selections (shot_id);
create index idx_storyboard_selections_selected_image_id on public.storyboard_selections (selected_image_id);

alter table public.storyboard_selections enable row level security;
revoke all on table public.storyboard_selections from public, anon, authenticated, service_role;
grant select, insert, update, delete on table public.storyboard_selections to authenticated, service_role;

create policy storyboard_selections_select_own on public.storyboard_selections
for select to authenticated
using (project_id in (select dreamcut_private.storyboard_project_ids()));
create policy storyboard_selections_insert_own on public.storyboard_selections
for insert to authenticated
with check (project_id in (select dreamcut_private.storyboard_project_ids()));
create policy storyboard_selections_update_own on public.storyboard_selections
for update to authenticated
using (project_id in (select dreamcut_private.storyboard_project_ids()))
with check (project_id in (select dreamcut_private.storyboard_project_ids()));
create policy storyboard_selections_delete_own on public.storyboard_selections
for delete to authenticated
using (project_id in (select dreamcut_private.storyboard_project_ids()));

create trigger trigger_storyboard_selections_updated_at
before update on public.storyboard_selections
for each row execute function dreamcut_private.update_updated_at_column();

create function dreamcut_private.check_storyboard_selection_write() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_shot record;
    v_image record;
begin
    if tg_op = 'UPDATE' then
        if new.project_id <> old.project_id or new.scene_id <> old.scene_id or new.shot_id <> old.shot_id then
            raise exception 'storyboard selection % cannot move to another shot, scene or project', old.id
            using errcode = '55000';
        end if;
    else
        select s.scene_id, s.project_id into v_shot from public.scene_shots as s where s.id = new.shot_id;
        if not found then
            -- Another user's shot is hidden by RLS, and the foreign key alone would accept it; then
            -- sync_shot_selected_image (security definer) would write that user's shot.
            if new.shot_id is not null and not exists (
                select from pg_catalog.pg_roles as r
                where r.rolname = current_user and (r.rolsuper or r.rolbypassrls)
            ) then
                raise exception 'shot_id (p_shot_id) % is not a shot of one of your projects', new.shot_id
                using errcode = '42501';
            end if;
            return new;
        end if;
        if new.scene_id is null then
            new.scene_id := v_shot.scene_id;
        elsif new.scene_id <> v_shot.scene_id then
            raise exception 'scene_id (p_scene_id) % is not the scene of shot % (%)', new.scene_id, new.shot_id,
                v_shot.scene_id
            using errcode = '55000';
        end if;
        if new.project_id is null then
            new.project_id := v_shot.project_id;
        elsif new.project_id <> v_shot.project_id then
            raise exception 'project_id (p_project_id) % is not the project of shot % (%)', new.project_id,
                new.shot_id, v_shot.project_id
            using errcode = '55000';
        end if;
    end if;

    if tg_op = 'INSERT' or new.selected_image_id <> old.selected_image_id then
        select i.shot_id, i.status into v_image from public.shot_images as i where i.id = new.selected_image_id;
        if not found then
            raise exception 'selected_image_id (p_selected_image_id) % not found', new.selected_image_id
            using errcode = 'P0002';
        end if;
        if v_image.shot_id <> new.shot_id then
            raise exception 'selected_image_id (p_selected_image_id) % belongs to shot %, not to shot %: a master '
                'shot is one of the shot''s own images', new.selected_image_id, v_image.shot_id, new.shot_id
            using errcode = '55000';
        end if;
        if v_image.status <> 'complete' then
            raise exception 'selected_image_id (p_selected_image_id) % is %: only a complete image can be the '
                'master shot', new.selected_image_id, v_image.status
            using errcode = '55000';
        end if;
        if tg_op = 'UPDATE' then
            -- A new master shot starts a new animation.
            new.animation_status := 'pending';
            new.animated_video_url := null;
            new.replicate_video_id := null;
        end if;
    elsif new.animation_status <> old.animation_status and not (
        (old.animation_status = 'pending' and new.animation_status in ('processing', 'complete', 'failed'))
        or (old.animation_status = 'processing' and new.animation_status in ('complete', 'failed'))
        or (old.animation_status = 'failed' and new.animation_status = 'pending')
    ) then
        raise exception 'animation_status (p_animation_status) of storyboard selection % cannot move from % to %: '
            'pending -> processing -> complete | failed, and failed -> pending to retry',
            old.id, old.animation_status, new.animation_status
        using errcode = '55000';
    end if;
    return new;
end
$$;
comment on function dreamcut_private.check_storyboard_selection_write() is
'BEFORE INSERT OR UPDATE trigger function on storyboard_selections (video-pipeline-redesign-v2.md, "Storyboard '
'Selection", "Animation Generation"). A caller under RLS must see the shot (42501 for another user''s). '
'Fills project_id and scene_id from the shot (55000 when given and '
'different); the selected image must exist (P0002), belong to the same shot and be complete (55000); a new '
'selected image resets the animation (pending, no URL, no prediction id); otherwise animation_status moves '
'pending -> processing -> complete | failed, failed -> pending (55000 else). Raises 55000 when a selection moves '
'to another shot. Returns the new row.';
revoke all on function dreamcut_private.check_storyboard_selection_write() from public;

create trigger trigger_check_storyboard_selection_write
before insert or update on public.storyboard_selections
for each row execute function dreamcut_private.check_storyboard_selection_write();

create function dreamcut_private.sync_shot_selected_image() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
    if tg_op = 'DELETE' then
        update public.scene_shots set selected_image_id = null
        where id = old.shot_id and selected_image_id is not null;
    else
        update public.scene_shots set selected_image_id = new.selected_image_id
        where id = new.shot_id and selected_image_id is distinct from new.selected_image_id;
    end if;
    return null;
end
$$;
comment on function dreamcut_private.sync_shot_selected_image() is
'AFTER INSERT OR UPDATE OF selected_image_id OR DELETE trigger function on storyboard_selections: copies the '
'selection''s image into scene_shots.selected_image_id (null when the selection goes), so the two never differ. '
'Security definer because no API role may write that column itself; it only touches the shot of the selection '
'row that was just written (and checked by RLS). Raises nothing.';
revoke all on function dreamcut_private.sync_shot_selected_image() from public, anon, authenticated, service_role;

create trigger trigger_sync_shot_selected_image
after insert or update of selected_image_id or delete on public.storyboard_selections
for each row execute function dreamcut_private.sync_shot_selected_image();
