-- create_storyboard_image_iterations (video-pipeline-redesign-v2.md, table shotImages, "Image Iteration"): a
-- shot's generated images by iteration and variant, with the document's indexes, RLS, policy, grants, and the
-- triggers that enforce the img2img rules on every write (the stored procedures and direct table writes
-- alike): image iterations that follow the latest one, refine a complete image of an earlier iteration of the
-- same shot and share one parent per iteration; statuses that only move forward. Also the foreign key of
-- scene_shots.selected_image_id, now that images exist. A deleted image leaves its refinements with
-- parent_image_id null (a trigger: a foreign key that includes the distribution key cannot set null); both
-- references to images are checked at commit, after that trigger ran.
-- depends: 0002_create_storyboard_scenes_and_shots

create table public.shot_images (
    id uuid not null default gen_random_uuid(),
    project_id uuid not null,
    user_id uuid not null,
    scene_id uuid not null,
    shot_id uuid not null,
    iteration_number integer not null check (iteration_number >= 0),
    variant_number integer not null check (variant_number between 0 and 5),
    image_url text check (btrim(image_url) <> ''),
    image_storage_id text,
    iteration_prompt text,
    parent_image_id uuid,
    replicate_image_id text,
    status text not null default 'pending' check (status in ('pending', 'processing', 'complete', 'failed')),
    is_favorite boolean not null default false,
    metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint shot_images_complete_has_url check (status <> 'complete' or image_url is not null),
    primary key (project_id, id),
    foreign key (project_id, user_id) references public.video_projects (id, user_id) on delete cascade,
    foreign key (project_id, scene_id) references public.project_scenes (project_id, id) on delete cascade,
    foreign key (project_id, shot_id) references public.scene_shots (project_id, id) on delete cascade,
    foreign key (project_id, parent_image_id) references public.shot_images (project_id, id)
    deferrable initially deferred
);
comment on table public.shot_images is
'Generated images of a shot, by iteration and variant (video-pipeline-redesign-v2.md, table shotImages): '
'iteration 0 is the initial batch, iteration N+1 refines (img2img) a complete image of an earlier iteration.';
comment on column public.shot_images.user_id is
'The project''s owner, copied from the shot (the RLS policy compares it with the sub claim).';
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
foreign key (project_id, selected_image_id) references public.shot_images (project_id, id)
deferrable initially deferred;

create index idx_scene_shots_selected_image_id on public.scene_shots (project_id, selected_image_id);
create index idx_shot_images_id on public.shot_images (id);
create unique index idx_shot_images_by_shot on public.shot_images (
    project_id, shot_id, iteration_number, variant_number
);
create index idx_shot_images_by_scene on public.shot_images (project_id, scene_id);
create index idx_shot_images_by_project on public.shot_images (project_id, user_id);
create index idx_shot_images_parent_image_id on public.shot_images (project_id, parent_image_id);

alter table public.shot_images enable row level security;
revoke all on table public.shot_images from public, anon, authenticated, service_role;
grant select, insert, update, delete on table public.shot_images to authenticated, service_role;

create policy shot_images_owner on public.shot_images
for all to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));

create trigger trigger_shot_images_updated_at
before update on public.shot_images
for each row execute function dreamcut_private.update_updated_at_column();

create function dreamcut_private.inherit_shot_parents() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_shot record;
begin
    if new.project_id is null then  -- plain PostgreSQL only: a distributed insert must name its key
        select s.project_id into new.project_id from public.scene_shots as s where s.id = new.shot_id;
    end if;
    -- One row lock on the shot serializes the writers of its images and its selection: the latest iteration the
    -- validation trigger reads next stays the latest until this transaction ends.
    select s.scene_id, s.user_id into v_shot
    from public.scene_shots as s where s.project_id = new.project_id and s.id = new.shot_id for update;
    if not found then
        -- A shot the caller cannot see (another user's), or one of another project, leaves user_id null, which
        -- RLS refuses (42501), as does the not-null constraint for a caller that bypasses RLS.
        new.user_id := null;
        return new;
    end if;
    if new.scene_id is null then
        new.scene_id := v_shot.scene_id;
    elsif new.scene_id <> v_shot.scene_id then
        raise exception 'scene_id (p_scene_id) % is not the scene of shot % (%)', new.scene_id, new.shot_id,
            v_shot.scene_id
        using errcode = '55000';
    end if;
    new.user_id := v_shot.user_id;
    return new;
end
$$;
comment on function dreamcut_private.inherit_shot_parents() is
'BEFORE INSERT trigger function on shot_images and storyboard_selections (fired first: trigger names sort '
'inherit before validate): locks the shot row (FOR UPDATE, so concurrent writers of one shot queue) and takes '
'project_id (when null), scene_id (when null) and user_id from the shot. Raises 55000 when scene_id is not the '
'shot''s. A shot that is not in the row''s project (or not visible to the caller) leaves user_id null, so the row '
'is refused. Returns the new row.';
revoke all on function dreamcut_private.inherit_shot_parents() from public;

create trigger trigger_shot_images_inherit_shot
before insert on public.shot_images
for each row execute function dreamcut_private.inherit_shot_parents();

create function dreamcut_private.validate_shot_image_insert() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_latest integer;
    v_parent record;
    v_sibling record;
begin
    if new.user_id is null then
        return new;  -- no such shot (inherit_shot_parents): RLS or the not-null constraint refuses the row
    end if;
    select max(i.iteration_number) into v_latest
    from public.shot_images as i where i.project_id = new.project_id and i.shot_id = new.shot_id;
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
        from public.shot_images as i where i.project_id = new.project_id and i.id = new.parent_image_id;
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
    where i.project_id = new.project_id and i.shot_id = new.shot_id and i.iteration_number = new.iteration_number
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
comment on function dreamcut_private.validate_shot_image_insert() is
'BEFORE INSERT trigger function on shot_images (video-pipeline-redesign-v2.md, "Image Iteration"), after '
'inherit_shot_parents (under the shot''s lock): checks that the iteration is at most the latest + 1 (55000), that '
'iteration 0 has no parent and a later iteration has one (22023), that the parent exists in the project (P0002), '
'belongs to the same shot, comes from an earlier iteration and is complete (55000), and that all images of an '
'iteration share the parent (55000). Returns the new row.';
revoke all on function dreamcut_private.validate_shot_image_insert() from public;

create trigger trigger_shot_images_validate_insert
before insert on public.shot_images
for each row execute function dreamcut_private.validate_shot_image_insert();

create function dreamcut_private.validate_shot_image_update() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if new.project_id <> old.project_id or new.scene_id <> old.scene_id or new.shot_id <> old.shot_id
        or new.user_id <> old.user_id
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
end
$$;
comment on function dreamcut_private.validate_shot_image_update() is
'BEFORE UPDATE trigger function on shot_images. Raises 55000 when the project, scene, shot, iteration or variant '
'changes, when the parent changes (other than to null) or when status moves other than pending -> processing -> '
'complete | failed, failed -> pending. Returns the new row.';
revoke all on function dreamcut_private.validate_shot_image_update() from public;

create trigger trigger_shot_images_validate_update
before update on public.shot_images
for each row execute function dreamcut_private.validate_shot_image_update();

create function dreamcut_private.release_parent_image() returns trigger
language plpgsql
set search_path = ''
as $$
begin
    update public.shot_images set parent_image_id = null
    where project_id = old.project_id and parent_image_id = old.id;
    return null;
end
$$;
comment on function dreamcut_private.release_parent_image() is
'AFTER DELETE trigger function on shot_images: the refinements of a deleted image keep their rows with '
'parent_image_id null, what ON DELETE SET NULL did before the foreign key included project_id (which cannot be '
'set null). Raises nothing.';
revoke all on function dreamcut_private.release_parent_image() from public;

create trigger trigger_shot_images_release_parent
after delete on public.shot_images
for each row execute function dreamcut_private.release_parent_image();
