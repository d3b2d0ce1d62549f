-- create_storyboard_image_iterations (video-pipeline-redesign-v2.md, table shotImages, "Image Iteration"): a
-- shot's generated images by iteration and variant, with the document's indexes, RLS, policies, grants, and the
-- trigger that enforces the img2img rules on every write (the stored procedures and direct table writes
-- alike): image iterations that follow the latest one, refine a complete image of an earlier iteration of the
-- same shot and share one parent per iteration; statuses that only move forward. Also the foreign key of
-- scene_shots.selected_image_id, now that images exist.
-- depends: 0002_create_storyboard_scenes_and_shots

create table public.shot_images (
    id uuid primary key default gen_random_uuid(),
    project_id uuid not null references public.video_projects (id) on delete cascade,
    scene_id uuid not null references public.project_scenes (id) on delete cascade,
    shot_id uuid not null references public.scene_shots (id) on delete cascade,
    iteration_number integer not null check (iteration_number >= 0),
    variant_number integer not null check (variant_number between 0 and 5),
    image_url text check (btrim(image_url) <> ''),
    image_storage_id text,
    iteration_prompt text,
    parent_image_id uuid references public.shot_images (id) on delete set null,
    replicate_image_id text,
    status text not null default 'pending' check (status in ('pending', 'processing', 'complete', 'failed')),
    is_favorite boolean not null default false,
    metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint shot_images_complete_has_url check (status <> 'complete' or image_url is not null)
);
comment on table public.shot_images is
'Generated images of a shot, by iteration and variant (video-pipeline-redesign-v2.md, table shotImages): '
'iteration 0 is the initial batch, iteration N+1 refines (img2img) a complete image of an earlier iteration.';
comment on column public.shot_images.iteration_number is
'0 = initial batch, 1+ = refinements; a new iteration is at most the latest + 1.';
comment on column public.shot_images.variant_number is 'Variant within the iteration, 0..5 (six per iteration).';
comment on column public.shot_images.image_url is 'URL of the generated image; required once status is complete.';
comment on column public.shot_images.image_storage_id is
'Storage object id of the image (Convex storage id in the original design; e.g. a Supabase Storage path).';
comment on column public.shot_images.iteration_prompt is 'Prompt used for this iteration.';
comment on column public.shot_images.parent_image_id is
'Source image of the img2img refinement: null for iteration 0, an image of the same shot from an earlier '
'iteration otherwise (set to null if that image is deleted).';
comment on column public.shot_images.replicate_image_id is 'Replicate prediction id, for tracking the generation.';
comment on column public.shot_images.status is
'pending -> processing -> complete | failed; failed may go back to pending (retry).';
comment on column public.shot_images.is_favorite is 'The user starred this variant.';
comment on column public.shot_images.metadata is 'Generation parameters (model, cfg_scale, ...): a JSON object.';

alter table public.scene_shots
add constraint scene_shots_selected_image_id_fkey
foreign key (selected_image_id) references public.shot_images (id) on delete set null;

create index idx_scene_shots_selected_image_id on public.scene_shots (selected_image_id);
create unique index idx_shot_images_by_shot on public.shot_images (shot_id, iteration_number, variant_number);
create index idx_shot_images_by_scene on public.shot_images (scene_id);
create index idx_shot_images_by_project on public.shot_images (project_id);
create index idx_shot_images_parent_image_id on public.shot_images (parent_image_id);

alter table public.shot_images enable row level security;
revoke all on table public.shot_images from public, anon, authenticated, service_role;
grant select, insert, update, delete on table public.shot_images to authenticated, service_role;

create policy shot_images_select_own on public.shot_images
for select to authenticated
using (project_id in (select dreamcut_private.storyboard_project_ids()));
create policy shot_images_insert_own on public.shot_images
for insert to authenticated
with check (project_id in (select dreamcut_private.storyboard_project_ids()));
create policy shot_images_update_own on public.shot_images
for update to authenticated
using (project_id in (select dreamcut_private.storyboard_project_ids()))
with check (project_id in (select dreamcut_private.storyboard_project_ids()));
create policy shot_images_delete_own on public.shot_images
for delete to authenticated
using (project_id in (select dreamcut_private.storyboard_project_ids()));

create trigger trigger_shot_images_updated_at
before update on public.shot_images
for each row execute function dreamcut_private.update_updated_at_column();

create function dreamcut_private.check_shot_image_write() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_shot record;
    v_latest integer;
    v_parent record;
    v_sibling record;
begin
    if tg_op = 'UPDATE' then
        if new.project_id <> old.project_id or new.scene_id <> old.scene_id or new.shot_id <> old.shot_id
            or new.iteration_number <> old.iteration_number or new.variant_number <> old.variant_number then
            raise exception 'image % cannot change its project, scene, shot, iteration_number or variant_number',
                old.id
            using errcode = '55000';
        end if;
        if new.parent_image_id is distinct from old.parent_image_id and new.parent_image_id is not null then
            raise exception 'parent_image_id of image % cannot change (it can only become null when the parent '
                'image is deleted)', old.id
            using errcode = '55000';
        end if;
        if new.status <> old.status and not (
            (old.status = 'pending' and new.status in ('processing', 'complete', 'failed'))
            or (old.status = 'processing' and new.status in ('complete', 'failed'))
            or (old.status = 'failed' and new.status = 'pending')
        ) then
            raise exception 'status (p_status) of image % cannot move from % to %: pending -> processing -> '
                'complete | failed, and failed -> pending to retry', old.id, old.status, new.status
            using errcode = '55000';
        end if;
        return new;
    end if;

    -- One row lock on the shot serializes the writers of its images: the latest iteration read below stays
    -- the latest until this transaction ends.
    select s.scene_id, s.project_id into v_shot from public.scene_shots as s where s.id = new.shot_id for update;
    if not found then
        -- Another user's shot is hidden by RLS, and the foreign key alone would accept it (as for scenes).
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
        raise exception 'project_id (p_project_id) % is not the project of shot % (%)', new.project_id, new.shot_id,
            v_shot.project_id
        using errcode = '55000';
    end if;

    select max(i.iteration_number) into v_latest from public.shot_images as i where i.shot_id = new.shot_id;
    if new.iteration_number > coalesce(v_latest + 1, 0) then
        raise exception 'iteration_number (p_iteration_number) % skips ahead: the latest iteration of shot % is %, '
            'so the next one is %', new.iteration_number, new.shot_id, coalesce(v_latest::text, 'none'),
            coalesce(v_latest + 1, 0)
        using errcode = '55000';
    end if;

    if new.iteration_number = 0 and new.parent_image_id is not null then
        raise exception 'parent_image_id (p_parent_image_id) must be null for iteration 0 (the initial batch), got %',
            new.parent_image_id
        using errcode = '22023';
    end if;
    if new.iteration_number > 0 then
        if new.parent_image_id is null then
            raise exception 'parent_image_id (p_parent_image_id) is required for iteration %: a refinement starts '
                'from an image of an earlier iteration of shot %', new.iteration_number, new.shot_id
            using errcode = '22023';
        end if;
        select i.shot_id, i.iteration_number, i.status into v_parent
        from public.shot_images as i where i.id = new.parent_image_id;
        if not found then
            raise exception 'parent_image_id (p_parent_image_id) % not found', new.parent_image_id
            using errcode = 'P0002';
        end if;
        if v_parent.shot_id <> new.shot_id then
            raise exception 'parent_image_id (p_parent_image_id) % belongs to shot %, not to shot %',
                new.parent_image_id, v_parent.shot_id, new.shot_id
            using errcode = '55000';
        end if;
        if v_parent.iteration_number >= new.iteration_number then
            raise exception 'parent_image_id (p_parent_image_id) % is from iteration %: the parent of iteration % '
                'must come from an earlier iteration', new.parent_image_id, v_parent.iteration_number,
                new.iteration_number
            using errcode = '55000';
        end if;
        if v_parent.status <> 'complete' then
            raise exception 'parent_image_id (p_parent_image_id) % is %: only a complete image can be refined',
                new.parent_image_id, v_parent.status
            using errcode = '55000';
        end if;
    end if;

    select i.parent_image_id into v_sibling
    from public.shot_images as i
    where i.shot_id = new.shot_id and i.iteration_number = new.iteration_number
    limit 1;
    if found and v_sibling.parent_image_id is distinct from new.parent_image_id then
        raise exception 'iteration % of shot % refines image %: parent_image_id (p_parent_image_id) % differs',
            new.iteration_number, new.shot_id, coalesce(v_sibling.parent_image_id::text, 'none'),
            coalesce(new.parent_image_id::text, 'null')
        using errcode = '55000';
    end if;
    return new;
end
$$;
comment on function dreamcut_private.check_shot_image_write() is
'BEFORE INSERT OR UPDATE trigger function on shot_images (video-pipeline-redesign-v2.md, "Image Iteration"). '
'Insert: a caller under RLS must see the shot (42501 for another user''s); '
'locks the shot row (FOR UPDATE, so concurrent writers of one shot queue), fills project_id and scene_id '
'from the shot, and checks that the iteration is at most the latest + 1 (55000), that iteration 0 has no parent '
'and a later iteration has one (22023), that the parent exists (P0002), belongs to the same shot, comes from an '
'earlier iteration and is complete (55000), and that all images of an iteration share the parent (55000). '
'Update: raises 55000 when the shot, iteration or variant changes, when the parent changes (other than to null) '
'or when status moves other than pending -> processing -> complete | failed, failed -> pending. Returns the new row.';
revoke all on function dreamcut_private.check_shot_image_write() from public;

create trigger trigger_check_shot_image_write
before insert or update on public.shot_images
for each row execute function dreamcut_private.check_shot_image_write();
