-- create_storyboard_trigger_functions: the workflow's rules, enforced on every write (the stored procedures and
-- direct table writes alike): updated_at; each child row's project and scene filled from its parent and never
-- moved; image iterations that follow the latest one, refine a complete image of an earlier iteration of the
-- same shot and share one parent per iteration; statuses that only move forward; a master shot that is a
-- complete image of its own shot; scene_shots.selected_image_id kept equal to the shot's storyboard selection;
-- and redesign_status, which only moves forward and is advanced when the data reaches a later state.
-- Messages name the column and the stored procedure parameter it comes from (p_...).
-- depends: 0004_create_storyboard_progress_view

create trigger trigger_video_projects_updated_at
before update on public.video_projects
for each row execute function dreamcut_private.update_updated_at_column();

create trigger trigger_project_scenes_updated_at
before update on public.project_scenes
for each row execute function dreamcut_private.update_updated_at_column();

create trigger trigger_scene_shots_updated_at
before update on public.scene_shots
for each row execute function dreamcut_private.update_updated_at_column();

create trigger trigger_shot_images_updated_at
before update on public.shot_images
for each row execute function dreamcut_private.update_updated_at_column();

create trigger trigger_storyboard_selections_updated_at
before update on public.storyboard_selections
for each row execute function dreamcut_private.update_updated_at_column();

create function dreamcut_private.check_video_project_write() returns trigger
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
comment on function dreamcut_private.check_video_project_write() is
'BEFORE UPDATE trigger function on video_projects (video-pipeline-redesign-v2.md, redesignStatus). Raises 55000 '
'when workflow_version moves back to v1_legacy, when redesign_status moves backwards, or when it moves to '
'storyboard_final (or animation_complete) before every shot has a storyboard selection (or a complete '
'animation), as video_project_progress.reached_status tells. Returns the new row.';
revoke all on function dreamcut_private.check_video_project_write() from public;

create trigger trigger_check_video_project_write
before update on public.video_projects
for each row execute function dreamcut_private.check_video_project_write();

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

create function dreamcut_private.advance_redesign_status() returns trigger
language plpgsql
set search_path = ''
as $$
declare
    c_order constant text[] := array[
        'prompt_planning', 'scenes_setup', 'shot_iteration', 'storyboard_final', 'animation_complete'
    ];
begin
    if tg_argv[0] in ('scenes_setup', 'shot_iteration') then
        -- The new rows themselves prove that their projects reached this state.
        update public.video_projects
        set redesign_status = tg_argv[0]
        where id in (select c.project_id from changed_rows as c)
            and array_position(c_order, redesign_status) < array_position(c_order, tg_argv[0]);
        return null;
    end if;
    -- Selections and shot deletions: lock the projects first, so that two transactions completing a project's
    -- last two shots queue, and the second one sees the first one's selection.
    perform
    from public.video_projects as p
    where p.id in (select c.project_id from changed_rows as c) and p.redesign_status <> 'animation_complete'
    order by p.id
    for no key update;
    update public.video_projects as p
    set redesign_status = v.reached_status
    from public.video_project_progress as v
    where v.project_id = p.id
        and p.id in (select c.project_id from changed_rows as c)
        and array_position(c_order, v.reached_status) > array_position(c_order, p.redesign_status);
    return null;
end
$$;
comment on function dreamcut_private.advance_redesign_status() is
'AFTER ... FOR EACH STATEMENT trigger function (transition table changed_rows) that advances redesign_status '
'of the affected v2_redesign projects, never backwards (video-pipeline-redesign-v2.md, "Update status: keep '
'redesignStatus in sync"). Argument: scenes_setup (a scene was added) or shot_iteration (images were added) '
'moves projects behind that state to it; reached_status (storyboard selections written, shots deleted) locks '
'the projects and moves them to video_project_progress.reached_status when it is further: storyboard_final once '
'every shot has a selection, animation_complete once every animation is complete. Raises nothing.';
revoke all on function dreamcut_private.advance_redesign_status() from public;

create trigger trigger_project_scenes_advance_status
after insert on public.project_scenes
referencing new table as changed_rows
for each statement execute function dreamcut_private.advance_redesign_status('scenes_setup');

create trigger trigger_shot_images_advance_status
after insert on public.shot_images
referencing new table as changed_rows
for each statement execute function dreamcut_private.advance_redesign_status('shot_iteration');

create trigger trigger_storyboard_selections_insert_advance_status
after insert on public.storyboard_selections
referencing new table as changed_rows
for each statement execute function dreamcut_private.advance_redesign_status('reached_status');

create trigger trigger_storyboard_selections_update_advance_status
after update on public.storyboard_selections
referencing new table as changed_rows
for each statement execute function dreamcut_private.advance_redesign_status('reached_status');

create trigger trigger_scene_shots_delete_advance_status
after delete on public.scene_shots
referencing old table as changed_rows
for each statement execute function dreamcut_private.advance_redesign_status('reached_status');
