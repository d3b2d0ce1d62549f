-- create_storyboard_selections (video-pipeline-redesign-v2.md, table storyboardSelections, "Storyboard
-- Selection", "Animation Generation"): one master shot per shot and its animation, with the document's indexes,
-- RLS, policy, grants, and the triggers that keep a master shot a complete image of its own shot, the animation
-- status moving forward only, and scene_shots.selected_image_id equal to the shot's selection.
-- depends: 0003_create_storyboard_image_iterations

create table public.storyboard_selections (
    id uuid not null default gen_random_uuid(),
    project_id uuid not null,
    user_id uuid not null,
    scene_id uuid not null,
    shot_id uuid not null,
    selected_image_id uuid not null,
    animation_status text not null default 'pending' check (
        animation_status in ('pending', 'processing', 'complete', 'failed')
    ),
    animated_video_url text check (btrim(animated_video_url) <> ''),
    replicate_video_id text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint storyboard_selections_complete_has_url check (
        animation_status <> 'complete' or animated_video_url is not null
    ),
    primary key (project_id, id),
    foreign key (project_id, user_id) references public.video_projects (id, user_id) on delete cascade,
    foreign key (project_id, scene_id) references public.project_scenes (project_id, id) on delete cascade,
    foreign key (project_id, shot_id) references public.scene_shots (project_id, id) on delete cascade,
    foreign key (project_id, selected_image_id) references public.shot_images (project_id, id) on delete cascade
);
comment on table public.storyboard_selections is
'The final storyboard: one master shot per shot and its animation (video-pipeline-redesign-v2.md, table '
'storyboardSelections).';
comment on column public.storyboard_selections.user_id is
'The project''s owner, copied from the shot (the RLS policy compares it with the sub claim).';
comment on column public.storyboard_selections.selected_image_id is
'The master shot: a complete image of the same shot. Changing it starts a new animation (status pending).';
comment on column public.storyboard_selections.animation_status is
'pending -> processing -> complete | failed; failed may go back to pending (retry).';
comment on column public.storyboard_selections.animated_video_url is 'URL of the final animation; required once complete.';
comment on column public.storyboard_selections.replicate_video_id is 'Replicate prediction id of the video generation.';

create index idx_storyboard_selections_id on public.storyboard_selections (id);
create index idx_storyboard_selections_by_project on public.storyboard_selections (project_id, user_id);
create index idx_storyboard_selections_by_scene on public.storyboard_selections (project_id, scene_id);
create unique index idx_storyboard_selections_by_shot on public.storyboard_selections (project_id, shot_id);
create index idx_storyboard_selections_selected_image_id on public.storyboard_selections (
    project_id, selected_image_id
);

alter table public.storyboard_selections enable row level security;
revoke all on table public.storyboard_selections from public, anon, authenticated, service_role;
grant select, insert, update, delete on table public.storyboard_selections to authenticated, service_role;

create policy storyboard_selections_owner on public.storyboard_selections
for all to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));

create trigger trigger_storyboard_selections_updated_at
before update on public.storyboard_selections
for each row execute function dreamcut_private.update_updated_at_column();

create trigger trigger_storyboard_selections_inherit_shot
before insert on public.storyboard_selections
for each row execute function dreamcut_private.inherit_shot_parents();

create function dreamcut_private.validate_master_image() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_image record;
begin
    if new.user_id is null then
        return new;  -- no such shot (inherit_shot_parents): RLS or the not-null constraint refuses the row
    end if;
    select i.shot_id, i.status into v_image
    from public.shot_images as i where i.project_id = new.project_id and i.id = new.selected_image_id;
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
    return new;
end
$$;
comment on function dreamcut_private.validate_master_image() is
'BEFORE INSERT OR UPDATE OF selected_image_id trigger function on storyboard_selections (video-pipeline-redesign-'
'v2.md, "Storyboard Selection"), after inherit_shot_parents: the selected image must exist in the project '
'(P0002), belong to the same shot and be complete (55000). Returns the new row.';
revoke all on function dreamcut_private.validate_master_image() from public;

create trigger trigger_storyboard_selections_validate_image
before insert or update of selected_image_id on public.storyboard_selections
for each row execute function dreamcut_private.validate_master_image();

create function dreamcut_private.validate_storyboard_selection_update() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if new.project_id <> old.project_id or new.scene_id <> old.scene_id or new.shot_id <> old.shot_id
        or new.user_id <> old.user_id then
        raise exception 'storyboard selection % cannot move to another shot, scene or project', old.id
        using errcode = '55000';
    end if;
    if new.selected_image_id <> old.selected_image_id then
        -- A new master shot starts a new animation.
        new.animation_status := 'pending';
        new.animated_video_url := null;
        new.replicate_video_id := null;
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
comment on function dreamcut_private.validate_storyboard_selection_update() is
'BEFORE UPDATE trigger function on storyboard_selections (video-pipeline-redesign-v2.md, "Animation '
'Generation"): a new selected image resets the animation (pending, no URL, no prediction id); otherwise '
'animation_status moves pending -> processing -> complete | failed, failed -> pending (55000 else). Raises 55000 '
'when a selection moves to another shot. Returns the new row.';
revoke all on function dreamcut_private.validate_storyboard_selection_update() from public;

create trigger trigger_storyboard_selections_validate_update
before update on public.storyboard_selections
for each row execute function dreamcut_private.validate_storyboard_selection_update();

create function dreamcut_private.copy_master_image_to_shot() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
    update public.scene_shots set selected_image_id = new.selected_image_id
    where project_id = new.project_id and id = new.shot_id and selected_image_id is distinct from new.selected_image_id;
    return null;
end
$$;
comment on function dreamcut_private.copy_master_image_to_shot() is
'AFTER INSERT OR UPDATE OF selected_image_id trigger function on storyboard_selections: copies the selection''s '
'image into scene_shots.selected_image_id, so the two never differ. Security definer because no API role may '
'write that column itself; it only touches the shot the selection row names in its own project (a row RLS and '
'its foreign keys accepted). Raises nothing.';
revoke all on function dreamcut_private.copy_master_image_to_shot() from public, anon, authenticated, service_role;

create trigger trigger_storyboard_selections_copy_image
after insert or update of selected_image_id on public.storyboard_selections
for each row execute function dreamcut_private.copy_master_image_to_shot();

create function dreamcut_private.clear_master_image_of_shot() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
    update public.scene_shots set selected_image_id = null
    where project_id = old.project_id and id = old.shot_id and selected_image_id is not null;
    return null;
end
$$;
comment on function dreamcut_private.clear_master_image_of_shot() is
'AFTER DELETE trigger function on storyboard_selections: the shot of a deleted selection has no '
'selected_image_id. Security definer for the same reason as copy_master_image_to_shot; it only touches the shot '
'of the deleted row. Raises nothing.';
revoke all on function dreamcut_private.clear_master_image_of_shot() from public, anon, authenticated, service_role;

create trigger trigger_storyboard_selections_clear_image
after delete on public.storyboard_selections
for each row execute function dreamcut_private.clear_master_image_of_shot();
