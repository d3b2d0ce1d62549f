-- create_storyboard_project_functions (video-pipeline-redesign-v2.md, "Project Creation", "Scene Setup",
-- "Mutations"): the document's project and scene functions as stored procedures (snake_case, p_ parameters).
-- All are security invoker: they run with the caller's grants and RLS, so a signed-in user works on their own
-- projects only (another user's rows are "not found"), and service_role on everything. They check their
-- parameters first (22023, the message names the parameter and the bad value); the triggers enforce the
-- workflow rules (55000, P0002) for them and for direct table writes alike. A call that fails writes nothing.
-- Update procedures keep a value when its parameter is null.
-- depends: 0005_create_storyboard_workflow_status

create function dreamcut_private.delete_storyboard_row(p_table text, p_id uuid, p_project_id uuid default null)
returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_noun text;
    v_parameter text;
    v_key text;
    v_deleted integer;
begin
    select x.noun, x.parameter, x.key into v_noun, v_parameter, v_key
    from (values
        ('video_projects', 'project', 'p_project_id', 'id'),
        ('project_scenes', 'scene', 'p_scene_id', 'project_id'),
        ('scene_shots', 'shot', 'p_shot_id', 'project_id'),
        ('shot_images', 'image', 'p_image_id', 'project_id')
    ) as x (table_name, noun, parameter, key)
    where x.table_name = p_table;
    if not found then
        raise exception 'p_table must be one of video_projects, project_scenes, scene_shots, shot_images, got %',
            coalesce(quote_literal(p_table), 'null')
        using errcode = '22023';
    end if;
    if p_id is null then
        raise exception '% is required, got null', v_parameter using errcode = '22023';
    end if;
    if p_project_id is null then  -- the distribution key, when the caller did not pass it
        execute format('select %I from public.%I where id = $1', v_key, p_table) into p_project_id using p_id;
    end if;
    execute format('delete from public.%I where %I = $1 and id = $2', p_table, v_key) using p_project_id, p_id;
    get diagnostics v_deleted = row_count;
    if v_deleted = 0 then
        raise exception '% % not found (%)', v_noun, p_id, v_parameter using errcode = 'P0002';
    end if;
end
$$;
comment on function dreamcut_private.delete_storyboard_row(text, uuid, uuid) is
'The one body of the storyboard delete procedures (delete_redesign_project, delete_project_scene, '
'delete_scene_shot, delete_shot_image): deletes the row of p_table (video_projects | project_scenes | scene_shots '
'| shot_images) whose id is p_id (uuid), in project p_project_id (uuid) when given (else in the row''s own '
'project), as the caller (grants and RLS apply); what lies under it goes by the foreign keys. Returns nothing. '
'Errors: 22023 unknown p_table or null p_id (the message names the procedure''s parameter, e.g. p_scene_id), '
'P0002 no such row (in that project, or another user''s).';
revoke all on function dreamcut_private.delete_storyboard_row(text, uuid, uuid)
from public, anon, authenticated, service_role;
grant execute on function dreamcut_private.delete_storyboard_row(text, uuid, uuid) to authenticated, service_role;

create function public.create_redesign_project(
    p_prompt text,
    p_title text default null,
    p_prompt_planner_data jsonb default null,
    p_user_id uuid default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_caller uuid := (select auth.uid());
    v_project_id uuid;
begin
    if p_prompt is null or btrim(p_prompt) = '' then
        raise exception 'p_prompt is required (non-empty text), got %', coalesce(quote_literal(p_prompt), 'null')
        using errcode = '22023';
    end if;
    if btrim(p_title) = '' then
        raise exception 'p_title must be null or non-empty text, got %', quote_literal(p_title) using errcode = '22023';
    end if;
    if coalesce(p_user_id, v_caller) is null then
        raise exception 'p_user_id is required when the caller is not a signed-in user, got null'
        using errcode = '22023';
    end if;
    if current_user = 'authenticated' and coalesce(p_user_id, v_caller) is distinct from v_caller then
        raise exception 'p_user_id % is not the signed-in user (%): a user can only create projects for itself',
            p_user_id, coalesce(v_caller::text, 'none')
        using errcode = '42501';
    end if;
    insert into public.video_projects (user_id, title, prompt, workflow_version, prompt_planner_data, redesign_status)
    values (coalesce(p_user_id, v_caller), p_title, p_prompt, 'v2_redesign', p_prompt_planner_data, 'prompt_planning')
    returning id into v_project_id;
    return v_project_id;
end
$$;
comment on function public.create_redesign_project(text, text, jsonb, uuid) is
'Creates a v2_redesign project in state prompt_planning (video-pipeline-redesign-v2.md, createRedesignProject, '
'"Project Creation"; also the useInitializeProject hook). p_prompt: non-empty text; p_title: text or null; '
'p_prompt_planner_data: the Prompt Planner brain dump, any JSON (typically a string) or null; p_user_id: the owner '
'(uuid), default auth.uid(); a signed-in user may only pass its own id, service_role must pass one. Returns the '
'project id (uuid). Errors: 22023 bad parameter, 42501 another user''s id. Writes nothing on error.';
revoke all on function public.create_redesign_project(text, text, jsonb, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.create_redesign_project(text, text, jsonb, uuid) to authenticated, service_role;

create function public.update_redesign_project(
    p_project_id uuid,
    p_title text default null,
    p_prompt text default null,
    p_prompt_planner_data jsonb default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
    if p_project_id is null then
        raise exception 'p_project_id is required, got null' using errcode = '22023';
    end if;
    if btrim(p_prompt) = '' then
        raise exception 'p_prompt must be null (keep) or non-empty text, got %', quote_literal(p_prompt)
        using errcode = '22023';
    end if;
    update public.video_projects
    set title = case when p_title is null then title when btrim(p_title) = '' then null else p_title end,
        prompt = coalesce(p_prompt, prompt),
        prompt_planner_data = coalesce(p_prompt_planner_data, prompt_planner_data)
    where id = p_project_id;
    if not found then
        raise exception 'project % not found (p_project_id)', p_project_id using errcode = 'P0002';
    end if;
end
$$;
comment on function public.update_redesign_project(uuid, text, text, jsonb) is
'Updates a project''s title, prompt or prompt planner data (video-pipeline-redesign-v2.md, "Prompt Planner '
'Page"). p_project_id: the project (uuid); p_title: new title, '''' clears it, null keeps it; p_prompt: '
'non-empty text or null (keep); p_prompt_planner_data: any JSON or null (keep). Returns nothing. Errors: 22023 bad '
'parameter, P0002 unknown (or another user''s) project. Writes nothing on error.';
revoke all on function public.update_redesign_project(uuid, text, text, jsonb)
from public, anon, authenticated, service_role;
grant execute on function public.update_redesign_project(uuid, text, text, jsonb) to authenticated, service_role;

create function public.update_redesign_status(p_project_id uuid, p_status text) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_current text;
begin
    if p_project_id is null then
        raise exception 'p_project_id is required, got null' using errcode = '22023';
    end if;
    if p_status is null or p_status not in (
        'prompt_planning', 'scenes_setup', 'shot_iteration', 'storyboard_final', 'animation_complete'
    ) then
        raise exception 'p_status must be one of prompt_planning, scenes_setup, shot_iteration, storyboard_final, '
            'animation_complete, got %', coalesce(quote_literal(p_status), 'null')
        using errcode = '22023';
    end if;
    select p.redesign_status into v_current from public.video_projects as p where p.id = p_project_id for update;
    if not found then
        raise exception 'project % not found (p_project_id)', p_project_id using errcode = 'P0002';
    end if;
    if v_current is null then
        raise exception 'project % (p_project_id) is a v1_legacy project: it has no redesign_status', p_project_id
        using errcode = '55000';
    end if;
    update public.video_projects set redesign_status = p_status
    where id = p_project_id and redesign_status <> p_status;
end
$$;
comment on function public.update_redesign_status(uuid, text) is
'Moves a v2_redesign project''s workflow state forward (video-pipeline-redesign-v2.md, "Update status: keep '
'redesignStatus in sync with workflow progress"). p_project_id: the project (uuid); p_status: prompt_planning | '
'scenes_setup | shot_iteration | storyboard_final | animation_complete, the current one or a later one; '
'storyboard_final needs a storyboard selection for every shot, animation_complete a complete animation for every '
'shot. Returns nothing. Errors: 22023 bad parameter, P0002 unknown project, 55000 status moving backwards, '
'condition not met or v1_legacy project. Writes nothing on error.';
revoke all on function public.update_redesign_status(uuid, text) from public, anon, authenticated, service_role;
grant execute on function public.update_redesign_status(uuid, text) to authenticated, service_role;

create function public.delete_redesign_project(p_project_id uuid) returns void
language sql volatile
set search_path = ''
begin atomic
    select dreamcut_private.delete_storyboard_row('video_projects', p_project_id, p_project_id);
end;
comment on function public.delete_redesign_project(uuid) is
'Deletes a project with its scenes, shots, images and storyboard selections (video-pipeline-redesign-v2.md, '
'"Clean up"). p_project_id: the project (uuid). Returns nothing. Errors: 22023 null parameter, P0002 unknown (or '
'another user''s) project.';
revoke all on function public.delete_redesign_project(uuid) from public, anon, authenticated, service_role;
grant execute on function public.delete_redesign_project(uuid) to authenticated, service_role;

create function public.create_project_scene(
    p_project_id uuid,
    p_scene_number integer,
    p_title text,
    p_description text default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_scene_id uuid;
begin
    if p_project_id is null then
        raise exception 'p_project_id is required, got null' using errcode = '22023';
    end if;
    if p_scene_number is null or p_scene_number < 1 then
        raise exception 'p_scene_number must be a whole number >= 1, got %', coalesce(p_scene_number::text, 'null')
        using errcode = '22023';
    end if;
    if p_title is null or btrim(p_title) = '' then
        raise exception 'p_title is required (non-empty text), got %', coalesce(quote_literal(p_title), 'null')
        using errcode = '22023';
    end if;
    perform from public.video_projects as p where p.id = p_project_id;
    if not found then
        raise exception 'project % not found (p_project_id)', p_project_id using errcode = 'P0002';
    end if;
    select c.id into v_scene_id
    from public.project_scenes as c where c.project_id = p_project_id and c.scene_number = p_scene_number;
    if found then
        raise exception 'p_scene_number % is already used by scene % of project %', p_scene_number, v_scene_id,
            p_project_id
        using errcode = '23505';
    end if;
    insert into public.project_scenes (project_id, scene_number, title, description)
    values (p_project_id, p_scene_number, p_title, nullif(p_description, ''))
    returning id into v_scene_id;
    return v_scene_id;
end
$$;
comment on function public.create_project_scene(uuid, integer, text, text) is
'Creates a scene of a v2_redesign project (video-pipeline-redesign-v2.md, createProjectScene, "Scene Setup"); '
'the project moves to scenes_setup if it was in prompt_planning. p_project_id: the project (uuid); '
'p_scene_number: display order, integer >= 1, unique in the project; p_title: non-empty text; p_description: '
'text or null. Returns the scene id (uuid). Errors: 22023 bad parameter, P0002 unknown project, 23505 scene '
'number taken, 55000 v1_legacy project. Writes nothing on error.';
revoke all on function public.create_project_scene(uuid, integer, text, text)
from public, anon, authenticated, service_role;
grant execute on function public.create_project_scene(uuid, integer, text, text) to authenticated, service_role;

create function public.update_project_scene(
    p_scene_id uuid,
    p_scene_number integer default null,
    p_title text default null,
    p_description text default null,
    p_project_id uuid default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_other uuid;
begin
    if p_scene_id is null then
        raise exception 'p_scene_id is required, got null' using errcode = '22023';
    end if;
    if p_scene_number < 1 then
        raise exception 'p_scene_number must be a whole number >= 1 or null (keep), got %', p_scene_number
        using errcode = '22023';
    end if;
    if btrim(p_title) = '' then
        raise exception 'p_title must be null (keep) or non-empty text, got %', quote_literal(p_title)
        using errcode = '22023';
    end if;
    if p_project_id is null then  -- the distribution key, when the caller did not pass it
        select c.project_id into p_project_id from public.project_scenes as c where c.id = p_scene_id;
    end if;
    perform from public.project_scenes as c where c.project_id = p_project_id and c.id = p_scene_id for update;
    if not found then
        raise exception 'scene % not found (p_scene_id)', p_scene_id using errcode = 'P0002';
    end if;
    select c.id into v_other
    from public.project_scenes as c
    where c.project_id = p_project_id and c.scene_number = p_scene_number and c.id <> p_scene_id;
    if found then
        raise exception 'p_scene_number % is already used by scene % of project %', p_scene_number, v_other,
            p_project_id
        using errcode = '23505';
    end if;
    update public.project_scenes
    set scene_number = coalesce(p_scene_number, scene_number),
        title = coalesce(p_title, title),
        description = case when p_description is null then description else nullif(p_description, '') end
    where project_id = p_project_id and id = p_scene_id;
end
$$;
comment on function public.update_project_scene(uuid, integer, text, text, uuid) is
'Updates a scene (video-pipeline-redesign-v2.md, useUpdateProjectScene). p_scene_id: the scene (uuid); '
'p_scene_number: integer >= 1, unique in the project, or null (keep); p_title: non-empty text or null (keep); '
'p_description: text, '''' clears it, null keeps it; p_project_id: the scene''s project (uuid), optional: the '
'scene is looked up in it (one shard on a distributed database). Returns nothing. Errors: 22023 bad parameter, '
'P0002 unknown scene (or not in p_project_id), 23505 scene number taken. Writes nothing on error.';
revoke all on function public.update_project_scene(uuid, integer, text, text, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.update_project_scene(uuid, integer, text, text, uuid) to authenticated, service_role;

create function public.delete_project_scene(p_scene_id uuid, p_project_id uuid default null) returns void
language sql volatile
set search_path = ''
begin atomic
    select dreamcut_private.delete_storyboard_row('project_scenes', p_scene_id, p_project_id);
end;
comment on function public.delete_project_scene(uuid, uuid) is
'Deletes a scene with its shots, images and storyboard selections (video-pipeline-redesign-v2.md, '
'useDeleteProjectScene, "Delete scenes/shots cascade to all child entities"). p_scene_id: the scene (uuid); '
'p_project_id: its project (uuid), optional (the scene is looked up in it). Returns nothing. Errors: 22023 null '
'parameter, P0002 unknown scene.';
revoke all on function public.delete_project_scene(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.delete_project_scene(uuid, uuid) to authenticated, service_role;
