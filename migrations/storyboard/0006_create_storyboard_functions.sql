-- create_storyboard_functions (video-pipeline-redesign-v2.md, "Data Flow", "Mutations", "Composite Hooks",
-- "Utility Hooks"): the document's Convex functions and hooks as stored procedures, named in snake_case with
-- p_ parameters. All are security invoker: they run with the caller's grants and RLS, so a signed-in user works
-- on their own projects only (another user's rows are "not found"), and service_role on everything. They check
-- their parameters first (22023, the message names the parameter and the bad value); the triggers of
-- migration 0005 enforce the workflow rules (55000, P0002) for them and for direct table writes alike. A call
-- that fails writes nothing. Update procedures keep a value when its parameter is null.
-- depends: 0005_create_storyboard_trigger_functions

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
language plpgsql volatile
set search_path = ''
as $$
begin
    if p_project_id is null then
        raise exception 'p_project_id is required, got null' using errcode = '22023';
    end if;
    delete from public.video_projects where id = p_project_id;
    if not found then
        raise exception 'project % not found (p_project_id)', p_project_id using errcode = 'P0002';
    end if;
end
$$;
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
    p_description text default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_project_id uuid;
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
    select c.project_id into v_project_id from public.project_scenes as c where c.id = p_scene_id for update;
    if not found then
        raise exception 'scene % not found (p_scene_id)', p_scene_id using errcode = 'P0002';
    end if;
    select c.id into v_other
    from public.project_scenes as c
    where c.project_id = v_project_id and c.scene_number = p_scene_number and c.id <> p_scene_id;
    if found then
        raise exception 'p_scene_number % is already used by scene % of project %', p_scene_number, v_other,
            v_project_id
        using errcode = '23505';
    end if;
    update public.project_scenes
    set scene_number = coalesce(p_scene_number, scene_number),
        title = coalesce(p_title, title),
        description = case when p_description is null then description else nullif(p_description, '') end
    where id = p_scene_id;
end
$$;
comment on function public.update_project_scene(uuid, integer, text, text) is
'Updates a scene (video-pipeline-redesign-v2.md, useUpdateProjectScene). p_scene_id: the scene (uuid); '
'p_scene_number: integer >= 1, unique in the project, or null (keep); p_title: non-empty text or null (keep); '
'p_description: text, '''' clears it, null keeps it. Returns nothing. Errors: 22023 bad parameter, P0002 unknown '
'scene, 23505 scene number taken. Writes nothing on error.';
revoke all on function public.update_project_scene(uuid, integer, text, text)
from public, anon, authenticated, service_role;
grant execute on function public.update_project_scene(uuid, integer, text, text) to authenticated, service_role;

create function public.delete_project_scene(p_scene_id uuid) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
    if p_scene_id is null then
        raise exception 'p_scene_id is required, got null' using errcode = '22023';
    end if;
    delete from public.project_scenes where id = p_scene_id;
    if not found then
        raise exception 'scene % not found (p_scene_id)', p_scene_id using errcode = 'P0002';
    end if;
end
$$;
comment on function public.delete_project_scene(uuid) is
'Deletes a scene with its shots, images and storyboard selections (video-pipeline-redesign-v2.md, '
'useDeleteProjectScene, "Delete scenes/shots cascade to all child entities"). p_scene_id: the scene (uuid). '
'Returns nothing. Errors: 22023 null parameter, P0002 unknown scene.';
revoke all on function public.delete_project_scene(uuid) from public, anon, authenticated, service_role;
grant execute on function public.delete_project_scene(uuid) to authenticated, service_role;

create function public.create_scene_shot(
    p_scene_id uuid,
    p_shot_number integer,
    p_description text default null,
    p_initial_prompt text default null,
    p_project_id uuid default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_project_id uuid;
    v_shot_id uuid;
begin
    if p_scene_id is null then
        raise exception 'p_scene_id is required, got null' using errcode = '22023';
    end if;
    if p_shot_number is null or p_shot_number < 1 then
        raise exception 'p_shot_number must be a whole number >= 1, got %', coalesce(p_shot_number::text, 'null')
        using errcode = '22023';
    end if;
    select c.project_id into v_project_id from public.project_scenes as c where c.id = p_scene_id;
    if not found then
        raise exception 'scene % not found (p_scene_id)', p_scene_id using errcode = 'P0002';
    end if;
    if p_project_id <> v_project_id then
        raise exception 'p_project_id % is not the project of scene % (%)', p_project_id, p_scene_id, v_project_id
        using errcode = '55000';
    end if;
    select s.id into v_shot_id
    from public.scene_shots as s where s.scene_id = p_scene_id and s.shot_number = p_shot_number;
    if found then
        raise exception 'p_shot_number % is already used by shot % of scene %', p_shot_number, v_shot_id, p_scene_id
        using errcode = '23505';
    end if;
    insert into public.scene_shots (project_id, scene_id, shot_number, description, initial_prompt)
    values (v_project_id, p_scene_id, p_shot_number, nullif(p_description, ''), nullif(p_initial_prompt, ''))
    returning id into v_shot_id;
    return v_shot_id;
end
$$;
comment on function public.create_scene_shot(uuid, integer, text, text, uuid) is
'Creates a shot of a scene (video-pipeline-redesign-v2.md, createSceneShot, "Shot Creation"). p_scene_id: the '
'scene (uuid); p_shot_number: order in the scene, integer >= 1, unique in the scene; p_description: shot direction '
'(text or null); p_initial_prompt: base prompt of iteration 0 (text or null); p_project_id: the scene''s project '
'(uuid), optional, checked when given. Returns the shot id (uuid). Errors: 22023 bad parameter, P0002 unknown '
'scene, 23505 shot number taken, 55000 p_project_id is not the scene''s project. Writes nothing on error.';
revoke all on function public.create_scene_shot(uuid, integer, text, text, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.create_scene_shot(uuid, integer, text, text, uuid) to authenticated, service_role;

create function public.update_scene_shot(
    p_shot_id uuid,
    p_shot_number integer default null,
    p_description text default null,
    p_initial_prompt text default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_scene_id uuid;
    v_other uuid;
begin
    if p_shot_id is null then
        raise exception 'p_shot_id is required, got null' using errcode = '22023';
    end if;
    if p_shot_number < 1 then
        raise exception 'p_shot_number must be a whole number >= 1 or null (keep), got %', p_shot_number
        using errcode = '22023';
    end if;
    select s.scene_id into v_scene_id from public.scene_shots as s where s.id = p_shot_id for update;
    if not found then
        raise exception 'shot % not found (p_shot_id)', p_shot_id using errcode = 'P0002';
    end if;
    select s.id into v_other
    from public.scene_shots as s
    where s.scene_id = v_scene_id and s.shot_number = p_shot_number and s.id <> p_shot_id;
    if found then
        raise exception 'p_shot_number % is already used by shot % of scene %', p_shot_number, v_other, v_scene_id
        using errcode = '23505';
    end if;
    update public.scene_shots
    set shot_number = coalesce(p_shot_number, shot_number),
        description = case when p_description is null then description else nullif(p_description, '') end,
        initial_prompt = case when p_initial_prompt is null then initial_prompt else nullif(p_initial_prompt, '') end
    where id = p_shot_id;
end
$$;
comment on function public.update_scene_shot(uuid, integer, text, text) is
'Updates a shot (video-pipeline-redesign-v2.md, useUpdateSceneShot). p_shot_id: the shot (uuid); p_shot_number: '
'integer >= 1, unique in the scene, or null (keep); p_description, p_initial_prompt: text, '''' clears, null keeps. '
'The selected image is changed with select_master_shot. Returns nothing. Errors: 22023 bad parameter, P0002 '
'unknown shot, 23505 shot number taken. Writes nothing on error.';
revoke all on function public.update_scene_shot(uuid, integer, text, text)
from public, anon, authenticated, service_role;
grant execute on function public.update_scene_shot(uuid, integer, text, text) to authenticated, service_role;

create function public.delete_scene_shot(p_shot_id uuid) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
    if p_shot_id is null then
        raise exception 'p_shot_id is required, got null' using errcode = '22023';
    end if;
    delete from public.scene_shots where id = p_shot_id;
    if not found then
        raise exception 'shot % not found (p_shot_id)', p_shot_id using errcode = 'P0002';
    end if;
end
$$;
comment on function public.delete_scene_shot(uuid) is
'Deletes a shot with its images and storyboard selection (video-pipeline-redesign-v2.md, useDeleteSceneShot); '
'if every remaining shot has a selection, the project may advance to storyboard_final. p_shot_id: the shot '
'(uuid). Returns nothing. Errors: 22023 null parameter, P0002 unknown shot.';
revoke all on function public.delete_scene_shot(uuid) from public, anon, authenticated, service_role;
grant execute on function public.delete_scene_shot(uuid) to authenticated, service_role;

create function public.create_scene_with_shots(
    p_project_id uuid,
    p_scene_number integer,
    p_title text,
    p_description text default null,
    p_shots jsonb default '[]'
) returns jsonb
language plpgsql volatile
set search_path = ''
as $$
declare
    v_bad record;
    v_scene_id uuid;
    v_shot_ids uuid[];
begin
    if p_shots is null or jsonb_typeof(p_shots) <> 'array' then
        raise exception 'p_shots must be a JSON array, got %', coalesce(jsonb_typeof(p_shots), 'null')
        using errcode = '22023';
    end if;
    if jsonb_array_length(p_shots) > 1000 then
        raise exception 'p_shots holds % shots; at most 1000 are allowed', jsonb_array_length(p_shots)
        using errcode = '22023';
    end if;
    select e.idx, e.err into v_bad
    from (
        select
            s.ord - 1 as idx,
            case
                when jsonb_typeof(s.elem) is distinct from 'object' then
                    'must be a JSON object, got ' || jsonb_typeof(s.elem)
                when exists (
                    select from jsonb_object_keys(s.elem) as k (key)
                    where k.key not in ('shotNumber', 'description', 'initialPrompt')
                ) then
                    'unknown key ' || (
                        select quote_literal(k.key) from jsonb_object_keys(s.elem) as k (key)
                        where k.key not in ('shotNumber', 'description', 'initialPrompt')
                        order by k.key limit 1
                    ) || ' (allowed: shotNumber, description, initialPrompt)'
                when jsonb_typeof(s.elem -> 'shotNumber') is distinct from 'number' then
                    'shotNumber must be a whole number >= 1, got ' || coalesce((s.elem -> 'shotNumber')::text, 'nothing')
                when (s.elem ->> 'shotNumber')::numeric not between 1 and 2147483647
                    or (s.elem ->> 'shotNumber')::numeric <> trunc((s.elem ->> 'shotNumber')::numeric) then
                    'shotNumber must be a whole number >= 1, got ' || (s.elem ->> 'shotNumber')
                when coalesce(jsonb_typeof(s.elem -> 'description'), 'null') not in ('string', 'null') then
                    'description must be a string, got ' || (s.elem -> 'description')::text
                when coalesce(jsonb_typeof(s.elem -> 'initialPrompt'), 'null') not in ('string', 'null') then
                    'initialPrompt must be a string, got ' || (s.elem -> 'initialPrompt')::text
                when exists (
                    select from jsonb_array_elements(p_shots) with ordinality as o (elem, ord)
                    where o.ord < s.ord and o.elem -> 'shotNumber' = s.elem -> 'shotNumber'
                ) then
                    'shotNumber ' || (s.elem ->> 'shotNumber') || ' appears twice'
            end as err
        from jsonb_array_elements(p_shots) with ordinality as s (elem, ord)
    ) as e
    where e.err is not null
    order by e.idx
    limit 1;
    if found then
        raise exception 'p_shots[%]: %', v_bad.idx, v_bad.err using errcode = '22023';
    end if;

    v_scene_id := public.create_project_scene(p_project_id, p_scene_number, p_title, p_description);

    with inserted as (
        insert into public.scene_shots (project_id, scene_id, shot_number, description, initial_prompt)
        select
            p_project_id,
            v_scene_id,
            (s.elem ->> 'shotNumber')::numeric::integer,
            nullif(s.elem ->> 'description', ''),
            nullif(s.elem ->> 'initialPrompt', '')
        from jsonb_array_elements(p_shots) with ordinality as s (elem, ord)
        order by s.ord
        returning id, shot_number
    )
    select coalesce(array_agg(i.id order by s.ord), '{}') into v_shot_ids
    from inserted as i
    inner join jsonb_array_elements(p_shots) with ordinality as s (elem, ord)
        on i.shot_number = (s.elem ->> 'shotNumber')::numeric::integer;

    return jsonb_build_object('sceneId', v_scene_id, 'shotIds', to_jsonb(v_shot_ids));
end
$$;
comment on function public.create_scene_with_shots(uuid, integer, text, text, jsonb) is
'Creates a scene and its shots in one call (video-pipeline-redesign-v2.md, useCreateSceneWithShots). '
'p_project_id, p_scene_number, p_title, p_description: as create_project_scene; p_shots: JSON array of at most '
'1000 objects {shotNumber (whole number >= 1, unique, required), description (string), initialPrompt (string)}. '
'Returns JSON {"sceneId": uuid, "shotIds": [uuid, ...]} with the shot ids in p_shots order. Errors: 22023 bad '
'parameter (p_shots[i] names the element), P0002 unknown project, 23505 scene number taken, 55000 v1_legacy '
'project. Writes nothing on error.';
revoke all on function public.create_scene_with_shots(uuid, integer, text, text, jsonb)
from public, anon, authenticated, service_role;
grant execute on function public.create_scene_with_shots(uuid, integer, text, text, jsonb)
to authenticated, service_role;

create function public.batch_create_shot_images(
    p_shot_id uuid,
    p_images jsonb,
    p_iteration_number integer default null,
    p_iteration_prompt text default null,
    p_parent_image_id uuid default null,
    p_project_id uuid default null,
    p_scene_id uuid default null
) returns uuid[]
language plpgsql volatile
set search_path = ''
as $$
declare
    v_bad record;
    v_shot record;
    v_latest integer;
    v_iteration integer;
    v_image_ids uuid[];
begin
    if p_shot_id is null then
        raise exception 'p_shot_id is required, got null' using errcode = '22023';
    end if;
    if p_images is null or jsonb_typeof(p_images) <> 'array' then
        raise exception 'p_images must be a JSON array, got %', coalesce(jsonb_typeof(p_images), 'null')
        using errcode = '22023';
    end if;
    if jsonb_array_length(p_images) not between 1 and 6 then
        raise exception 'p_images must hold 1 to 6 variants, got %', jsonb_array_length(p_images)
        using errcode = '22023';
    end if;
    select e.idx, e.err into v_bad
    from (
        select
            s.ord - 1 as idx,
            case
                when jsonb_typeof(s.elem) is distinct from 'object' then
                    'must be a JSON object, got ' || jsonb_typeof(s.elem)
                when exists (
                    select from jsonb_object_keys(s.elem) as k (key)
                    where k.key not in (
                        'variantNumber', 'imageUrl', 'imageStorageId', 'replicateImageId', 'status', 'metadata'
                    )
                ) then
                    'unknown key ' || (
                        select quote_literal(k.key) from jsonb_object_keys(s.elem) as k (key)
                        where k.key not in (
                            'variantNumber', 'imageUrl', 'imageStorageId', 'replicateImageId', 'status', 'metadata'
                        )
                        order by k.key limit 1
                    ) || ' (allowed: variantNumber, imageUrl, imageStorageId, replicateImageId, status, metadata)'
                when jsonb_typeof(s.elem -> 'variantNumber') is distinct from 'number' then
                    'variantNumber must be a whole number from 0 to 5, got '
                    || coalesce((s.elem -> 'variantNumber')::text, 'nothing')
                when (s.elem ->> 'variantNumber')::numeric not in (0, 1, 2, 3, 4, 5) then
                    'variantNumber must be a whole number from 0 to 5, got ' || (s.elem ->> 'variantNumber')
                when exists (
                    select from jsonb_array_elements(p_images) with ordinality as o (elem, ord)
                    where o.ord < s.ord and o.elem -> 'variantNumber' = s.elem -> 'variantNumber'
                ) then
                    'variantNumber ' || (s.elem ->> 'variantNumber') || ' appears twice'
                when coalesce(jsonb_typeof(s.elem -> 'imageUrl'), 'null') not in ('string', 'null')
                    or btrim(s.elem ->> 'imageUrl') = '' then
                    'imageUrl must be a non-empty string, got ' || (s.elem -> 'imageUrl')::text
                when coalesce(jsonb_typeof(s.elem -> 'imageStorageId'), 'null') not in ('string', 'null') then
                    'imageStorageId must be a string, got ' || (s.elem -> 'imageStorageId')::text
                when coalesce(jsonb_typeof(s.elem -> 'replicateImageId'), 'null') not in ('string', 'null') then
                    'replicateImageId must be a string, got ' || (s.elem -> 'replicateImageId')::text
                when coalesce(s.elem ->> 'status', 'pending') not in ('pending', 'processing', 'complete', 'failed')
                    or jsonb_typeof(s.elem -> 'status') not in ('string', 'null') then
                    'status must be one of pending, processing, complete, failed, got ' || (s.elem -> 'status')::text
                when s.elem ->> 'status' = 'complete' and s.elem ->> 'imageUrl' is null then
                    'imageUrl is required when status is complete'
                when coalesce(jsonb_typeof(s.elem -> 'metadata'), 'null') not in ('object', 'null') then
                    'metadata must be a JSON object, got ' || (s.elem -> 'metadata')::text
            end as err
        from jsonb_array_elements(p_images) with ordinality as s (elem, ord)
    ) as e
    where e.err is not null
    order by e.idx
    limit 1;
    if found then
        raise exception 'p_images[%]: %', v_bad.idx, v_bad.err using errcode = '22023';
    end if;
    if p_iteration_number < 0 then
        raise exception 'p_iteration_number must be >= 0 or null (the next iteration), got %', p_iteration_number
        using errcode = '22023';
    end if;
    if btrim(p_iteration_prompt) = '' then
        raise exception 'p_iteration_prompt must be null (the shot''s initial prompt) or non-empty text, got %',
            quote_literal(p_iteration_prompt)
        using errcode = '22023';
    end if;

    -- The shot's row lock makes concurrent batches for one shot queue: each one reads the latest iteration
    -- only after the previous batch has committed, so no iteration is created twice.
    select s.scene_id, s.project_id, s.initial_prompt into v_shot
    from public.scene_shots as s where s.id = p_shot_id for update;
    if not found then
        raise exception 'shot % not found (p_shot_id)', p_shot_id using errcode = 'P0002';
    end if;
    if p_project_id <> v_shot.project_id then
        raise exception 'p_project_id % is not the project of shot % (%)', p_project_id, p_shot_id, v_shot.project_id
        using errcode = '55000';
    end if;
    if p_scene_id <> v_shot.scene_id then
        raise exception 'p_scene_id % is not the scene of shot % (%)', p_scene_id, p_shot_id, v_shot.scene_id
        using errcode = '55000';
    end if;
    select max(i.iteration_number) into v_latest from public.shot_images as i where i.shot_id = p_shot_id;
    v_iteration := coalesce(p_iteration_number, v_latest + 1, 0);
    if v_iteration <= v_latest then
        raise exception 'p_iteration_number %: iteration % of shot % already exists (the latest is %); a batch '
            'creates the next iteration, %', p_iteration_number, v_iteration, p_shot_id, v_latest, v_latest + 1
        using errcode = '55000';
    end if;

    with inserted as (
        insert into public.shot_images (
            project_id, scene_id, shot_id, iteration_number, variant_number, image_url, image_storage_id,
            iteration_prompt, parent_image_id, replicate_image_id, status, metadata
        )
        select
            v_shot.project_id,
            v_shot.scene_id,
            p_shot_id,
            v_iteration,
            (s.elem ->> 'variantNumber')::numeric::integer,
            s.elem ->> 'imageUrl',
            s.elem ->> 'imageStorageId',
            coalesce(p_iteration_prompt, v_shot.initial_prompt),
            p_parent_image_id,
            s.elem ->> 'replicateImageId',
            coalesce(s.elem ->> 'status', 'pending'),
            coalesce(nullif(s.elem -> 'metadata', 'null'), '{}')
        from jsonb_array_elements(p_images) with ordinality as s (elem, ord)
        order by s.ord
        returning id, variant_number
    )
    select array_agg(i.id order by s.ord) into v_image_ids
    from inserted as i
    inner join jsonb_array_elements(p_images) with ordinality as s (elem, ord)
        on i.variant_number = (s.elem ->> 'variantNumber')::numeric::integer;
    return v_image_ids;
end
$$;
comment on function public.batch_create_shot_images(uuid, jsonb, integer, text, uuid, uuid, uuid) is
'Creates one new iteration of a shot''s images in one call (video-pipeline-redesign-v2.md, batchCreateShotImages, '
'"Image Generation", "Image Iteration"). p_shot_id: the shot (uuid); p_images: JSON array of 1 to 6 objects '
'{variantNumber (0..5, unique, required), imageUrl (string; required when status is complete), imageStorageId, '
'replicateImageId (strings), status (pending | processing | complete | failed, default pending), metadata '
'(object)}; p_iteration_number: the new iteration, which must be the latest + 1 (0 for the first batch), or null '
'for exactly that; p_iteration_prompt: non-empty text, default the shot''s initial_prompt; p_parent_image_id: '
'null for iteration 0, else required: a complete image of the same shot from an earlier iteration (img2img); '
'p_project_id, p_scene_id: optional, checked against the shot. Locks the shot row, so concurrent batches for one '
'shot queue and never create the same iteration twice. Returns the image ids (uuid[]) in p_images order. The '
'project moves to shot_iteration if it was behind. Errors: 22023 bad parameter (p_images[i] names the element, '
'e.g. variantNumber 6), P0002 unknown shot or parent, 55000 iteration already existing or skipping ahead, parent '
'from another shot, a later iteration or not complete, p_project_id/p_scene_id not the shot''s. Writes nothing on '
'error.';
revoke all on function public.batch_create_shot_images(uuid, jsonb, integer, text, uuid, uuid, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.batch_create_shot_images(uuid, jsonb, integer, text, uuid, uuid, uuid)
to authenticated, service_role;

create function public.create_shot_image(
    p_shot_id uuid,
    p_iteration_number integer,
    p_variant_number integer,
    p_iteration_prompt text default null,
    p_parent_image_id uuid default null,
    p_image_url text default null,
    p_status text default 'pending',
    p_image_storage_id text default null,
    p_replicate_image_id text default null,
    p_metadata jsonb default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_shot record;
    v_iteration record;
    v_image_id uuid;
begin
    if p_shot_id is null then
        raise exception 'p_shot_id is required, got null' using errcode = '22023';
    end if;
    if p_iteration_number is null or p_iteration_number < 0 then
        raise exception 'p_iteration_number must be a whole number >= 0, got %', coalesce(p_iteration_number::text, 'null')
        using errcode = '22023';
    end if;
    if p_variant_number is null or p_variant_number not between 0 and 5 then
        raise exception 'p_variant_number must be a whole number from 0 to 5, got %',
            coalesce(p_variant_number::text, 'null')
        using errcode = '22023';
    end if;
    if p_status is null or p_status not in ('pending', 'processing', 'complete', 'failed') then
        raise exception 'p_status must be one of pending, processing, complete, failed, got %',
            coalesce(quote_literal(p_status), 'null')
        using errcode = '22023';
    end if;
    if btrim(p_image_url) = '' or (p_status = 'complete' and p_image_url is null) then
        raise exception 'p_image_url must be a non-empty URL (required when p_status is complete), got %',
            coalesce(quote_literal(p_image_url), 'null')
        using errcode = '22023';
    end if;
    if btrim(p_iteration_prompt) = '' then
        raise exception 'p_iteration_prompt must be null or non-empty text, got %', quote_literal(p_iteration_prompt)
        using errcode = '22023';
    end if;
    if jsonb_typeof(p_metadata) <> 'object' then
        raise exception 'p_metadata must be a JSON object, got %', jsonb_typeof(p_metadata) using errcode = '22023';
    end if;
    select s.initial_prompt into v_shot from public.scene_shots as s where s.id = p_shot_id for update;
    if not found then
        raise exception 'shot % not found (p_shot_id)', p_shot_id using errcode = 'P0002';
    end if;
    -- An image added to an existing iteration takes the iteration's parent and prompt unless given.
    select i.parent_image_id, i.iteration_prompt into v_iteration
    from public.shot_images as i
    where i.shot_id = p_shot_id and i.iteration_number = p_iteration_number
    order by i.variant_number
    limit 1;
    if exists (
        select from public.shot_images as i
        where i.shot_id = p_shot_id and i.iteration_number = p_iteration_number and i.variant_number = p_variant_number
    ) then
        raise exception 'p_variant_number %: variant % of iteration % of shot % already exists', p_variant_number,
            p_variant_number, p_iteration_number, p_shot_id
        using errcode = '23505';
    end if;
    insert into public.shot_images (
        shot_id, iteration_number, variant_number, image_url, image_storage_id, iteration_prompt, parent_image_id,
        replicate_image_id, status, metadata
    )
    values (
        p_shot_id, p_iteration_number, p_variant_number, p_image_url, p_image_storage_id,
        coalesce(p_iteration_prompt, v_iteration.iteration_prompt, v_shot.initial_prompt),
        coalesce(p_parent_image_id, v_iteration.parent_image_id), p_replicate_image_id, p_status,
        coalesce(p_metadata, '{}')
    )
    returning id into v_image_id;
    return v_image_id;
end
$$;
comment on function public.create_shot_image(uuid, integer, integer, text, uuid, text, text, text, text, jsonb) is
'Creates one image of a shot (video-pipeline-redesign-v2.md, useCreateShotImage), e.g. a variant added to an '
'iteration. p_shot_id: the shot (uuid); p_iteration_number: an existing iteration or the next one (latest + 1); '
'p_variant_number: 0..5, free in that iteration; p_iteration_prompt: text, default the iteration''s (or the shot''s '
'initial) prompt; p_parent_image_id: as batch_create_shot_images, default the iteration''s parent; p_image_url: '
'URL (required when complete); p_status: pending | processing | complete | failed (default pending); '
'p_image_storage_id, p_replicate_image_id: text; p_metadata: JSON object. Returns the image id (uuid). Errors: '
'22023 bad parameter, P0002 unknown shot or parent, 23505 variant taken, 55000 iteration skipping ahead or parent '
'not allowed. Writes nothing on error.';
revoke all on function public.create_shot_image(uuid, integer, integer, text, uuid, text, text, text, text, jsonb)
from public, anon, authenticated, service_role;
grant execute on function public.create_shot_image(uuid, integer, integer, text, uuid, text, text, text, text, jsonb)
to authenticated, service_role;

create function public.update_shot_image(
    p_image_id uuid,
    p_image_url text default null,
    p_status text default null,
    p_image_storage_id text default null,
    p_replicate_image_id text default null,
    p_iteration_prompt text default null,
    p_is_favorite boolean default null,
    p_metadata jsonb default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_image record;
begin
    if p_image_id is null then
        raise exception 'p_image_id is required, got null' using errcode = '22023';
    end if;
    if p_status not in ('pending', 'processing', 'complete', 'failed') then
        raise exception 'p_status must be one of pending, processing, complete, failed or null (keep), got %',
            quote_literal(p_status)
        using errcode = '22023';
    end if;
    if btrim(p_image_url) = '' then
        raise exception 'p_image_url must be null (keep) or a non-empty URL, got %', quote_literal(p_image_url)
        using errcode = '22023';
    end if;
    if btrim(p_iteration_prompt) = '' then
        raise exception 'p_iteration_prompt must be null (keep) or non-empty text, got %', quote_literal(p_iteration_prompt)
        using errcode = '22023';
    end if;
    if jsonb_typeof(p_metadata) <> 'object' then
        raise exception 'p_metadata must be a JSON object, got %', jsonb_typeof(p_metadata) using errcode = '22023';
    end if;
    select i.image_url into v_image from public.shot_images as i where i.id = p_image_id for update;
    if not found then
        raise exception 'image % not found (p_image_id)', p_image_id using errcode = 'P0002';
    end if;
    if p_status = 'complete' and coalesce(p_image_url, v_image.image_url) is null then
        raise exception 'p_image_url is required when p_status is complete (image % has no URL yet)', p_image_id
        using errcode = '22023';
    end if;
    update public.shot_images
    set image_url = coalesce(p_image_url, image_url),
        status = coalesce(p_status, status),
        image_storage_id = coalesce(p_image_storage_id, image_storage_id),
        replicate_image_id = coalesce(p_replicate_image_id, replicate_image_id),
        iteration_prompt = coalesce(p_iteration_prompt, iteration_prompt),
        is_favorite = coalesce(p_is_favorite, is_favorite),
        metadata = metadata || coalesce(p_metadata, '{}')
    where id = p_image_id;
end
$$;
comment on function public.update_shot_image(uuid, text, text, text, text, text, boolean, jsonb) is
'Updates an image (video-pipeline-redesign-v2.md, useUpdateShotImage; what a generation worker writes). '
'p_image_id: the image (uuid); p_image_url: URL; p_status: pending -> processing -> complete | failed, failed -> '
'pending (retry); p_image_storage_id, p_replicate_image_id, p_iteration_prompt: text; p_is_favorite: boolean; '
'p_metadata: JSON object shallow-merged into the image''s metadata. Null keeps a value. Returns nothing. Errors: '
'22023 bad parameter (complete without a URL), P0002 unknown image, 55000 status moving backwards. Writes nothing '
'on error.';
revoke all on function public.update_shot_image(uuid, text, text, text, text, text, boolean, jsonb)
from public, anon, authenticated, service_role;
grant execute on function public.update_shot_image(uuid, text, text, text, text, text, boolean, jsonb)
to authenticated, service_role;

create function public.update_shot_image_status(
    p_image_id uuid,
    p_status text,
    p_image_url text default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
    if p_status is null then
        raise exception 'p_status is required (pending, processing, complete or failed), got null'
        using errcode = '22023';
    end if;
    perform public.update_shot_image(p_image_id => p_image_id, p_status => p_status, p_image_url => p_image_url);
end
$$;
comment on function public.update_shot_image_status(uuid, text, text) is
'Sets an image''s status and URL, as a generation worker does when a prediction starts, completes or fails '
'(video-pipeline-redesign-v2.md, "Wire up with Replicate API"). p_image_id: the image (uuid); p_status: pending '
'-> processing -> complete | failed, failed -> pending (retry); p_image_url: URL, required for complete unless '
'already set, null keeps. Returns nothing. Errors: 22023 bad parameter, P0002 unknown image, 55000 status moving '
'backwards. Writes nothing on error.';
revoke all on function public.update_shot_image_status(uuid, text, text) from public, anon, authenticated, service_role;
grant execute on function public.update_shot_image_status(uuid, text, text) to authenticated, service_role;

create function public.toggle_shot_image_favorite(p_image_id uuid) returns boolean
language plpgsql volatile
set search_path = ''
as $$
declare
    v_favorite boolean;
begin
    if p_image_id is null then
        raise exception 'p_image_id is required, got null' using errcode = '22023';
    end if;
    update public.shot_images set is_favorite = not is_favorite where id = p_image_id
    returning is_favorite into v_favorite;
    if not found then
        raise exception 'image % not found (p_image_id)', p_image_id using errcode = 'P0002';
    end if;
    return v_favorite;
end
$$;
comment on function public.toggle_shot_image_favorite(uuid) is
'Stars or unstars an image (video-pipeline-redesign-v2.md, "Favorites System: star images for easy filtering"). '
'p_image_id: the image (uuid). Returns the new is_favorite (boolean). Errors: 22023 null parameter, P0002 unknown '
'image.';
revoke all on function public.toggle_shot_image_favorite(uuid) from public, anon, authenticated, service_role;
grant execute on function public.toggle_shot_image_favorite(uuid) to authenticated, service_role;

create function public.delete_shot_image(p_image_id uuid) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
    if p_image_id is null then
        raise exception 'p_image_id is required, got null' using errcode = '22023';
    end if;
    delete from public.shot_images where id = p_image_id;
    if not found then
        raise exception 'image % not found (p_image_id)', p_image_id using errcode = 'P0002';
    end if;
end
$$;
comment on function public.delete_shot_image(uuid) is
'Deletes an image (video-pipeline-redesign-v2.md, useDeleteShotImage). A storyboard selection of it goes too '
'(and the shot''s selected_image_id becomes null); refinements of it keep their rows with parent_image_id null. '
'p_image_id: the image (uuid). Returns nothing. Errors: 22023 null parameter, P0002 unknown image.';
revoke all on function public.delete_shot_image(uuid) from public, anon, authenticated, service_role;
grant execute on function public.delete_shot_image(uuid) to authenticated, service_role;

create function public.get_latest_iteration_number(p_shot_id uuid) returns integer
language plpgsql stable
set search_path = ''
as $$
begin
    if p_shot_id is null then
        raise exception 'p_shot_id is required, got null' using errcode = '22023';
    end if;
    perform from public.scene_shots as s where s.id = p_shot_id;
    if not found then
        raise exception 'shot % not found (p_shot_id)', p_shot_id using errcode = 'P0002';
    end if;
    return coalesce((select max(i.iteration_number) from public.shot_images as i where i.shot_id = p_shot_id), -1);
end
$$;
comment on function public.get_latest_iteration_number(uuid) is
'The latest iteration of a shot''s images (video-pipeline-redesign-v2.md, getLatestIterationNumber: "use before '
'creating a new iteration"). p_shot_id: the shot (uuid). Returns the highest iteration_number (integer), -1 when '
'the shot has no image yet, so that the next iteration is always the result + 1. Errors: 22023 null parameter, '
'P0002 unknown shot.';
revoke all on function public.get_latest_iteration_number(uuid) from public, anon, authenticated, service_role;
grant execute on function public.get_latest_iteration_number(uuid) to authenticated, service_role;

create function public.select_master_shot(
    p_shot_id uuid,
    p_selected_image_id uuid,
    p_project_id uuid default null,
    p_scene_id uuid default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
    v_shot record;
    v_selection_id uuid;
begin
    if p_shot_id is null then
        raise exception 'p_shot_id is required, got null' using errcode = '22023';
    end if;
    if p_selected_image_id is null then
        raise exception 'p_selected_image_id is required, got null' using errcode = '22023';
    end if;
    select s.scene_id, s.project_id into v_shot from public.scene_shots as s where s.id = p_shot_id;
    if not found then
        raise exception 'shot % not found (p_shot_id)', p_shot_id using errcode = 'P0002';
    end if;
    if p_project_id <> v_shot.project_id then
        raise exception 'p_project_id % is not the project of shot % (%)', p_project_id, p_shot_id, v_shot.project_id
        using errcode = '55000';
    end if;
    if p_scene_id <> v_shot.scene_id then
        raise exception 'p_scene_id % is not the scene of shot % (%)', p_scene_id, p_shot_id, v_shot.scene_id
        using errcode = '55000';
    end if;
    insert into public.storyboard_selections as sel (project_id, scene_id, shot_id, selected_image_id)
    values (v_shot.project_id, v_shot.scene_id, p_shot_id, p_selected_image_id)
    on conflict (shot_id) do update
    set selected_image_id = excluded.selected_image_id,
        -- Selecting the same image again retries a failed animation; a new image restarts it (trigger).
        animation_status = case when sel.animation_status = 'failed' then 'pending' else sel.animation_status end,
        replicate_video_id = case when sel.animation_status = 'failed' then null else sel.replicate_video_id end
    returning sel.id into v_selection_id;
    return v_selection_id;
end
$$;
comment on function public.select_master_shot(uuid, uuid, uuid, uuid) is
'Chooses a shot''s master shot for the storyboard (video-pipeline-redesign-v2.md, useSelectMasterShot, "Storyboard '
'Selection"): creates or updates the shot''s storyboard selection and sets scene_shots.selected_image_id. A '
'different image restarts the animation (pending); the same image again retries a failed animation. When every '
'shot of the project has a selection, the project moves to storyboard_final. p_shot_id: the shot (uuid); '
'p_selected_image_id: a complete image of that shot (uuid); p_project_id, p_scene_id: optional, checked against '
'the shot. Returns the selection id (uuid). Errors: 22023 null parameter, P0002 unknown shot or image, 55000 image '
'of another shot or not complete, p_project_id/p_scene_id not the shot''s. Writes nothing on error.';
revoke all on function public.select_master_shot(uuid, uuid, uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.select_master_shot(uuid, uuid, uuid, uuid) to authenticated, service_role;

create function public.create_storyboard_selection(
    p_shot_id uuid,
    p_selected_image_id uuid,
    p_project_id uuid default null,
    p_scene_id uuid default null
) returns uuid
language sql volatile
set search_path = ''
as $$
    select public.select_master_shot(p_shot_id, p_selected_image_id, p_project_id, p_scene_id)
$$;
comment on function public.create_storyboard_selection(uuid, uuid, uuid, uuid) is
'The document''s createStoryboardSelection (video-pipeline-redesign-v2.md, "Storyboard Selection"): the same as '
'select_master_shot (same parameters, return value and errors: 22023, P0002, 55000).';
revoke all on function public.create_storyboard_selection(uuid, uuid, uuid, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.create_storyboard_selection(uuid, uuid, uuid, uuid) to authenticated, service_role;

create function public.update_storyboard_animation(
    p_selection_id uuid,
    p_animation_status text,
    p_animated_video_url text default null,
    p_replicate_video_id text default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
    v_url text;
begin
    if p_selection_id is null then
        raise exception 'p_selection_id is required, got null' using errcode = '22023';
    end if;
    if p_animation_status is null or p_animation_status not in ('pending', 'processing', 'complete', 'failed') then
        raise exception 'p_animation_status must be one of pending, processing, complete, failed, got %',
            coalesce(quote_literal(p_animation_status), 'null')
        using errcode = '22023';
    end if;
    if btrim(p_animated_video_url) = '' then
        raise exception 'p_animated_video_url must be null or a non-empty URL, got %', quote_literal(p_animated_video_url)
        using errcode = '22023';
    end if;
    select sel.animated_video_url into v_url
    from public.storyboard_selections as sel where sel.id = p_selection_id for update;
    if not found then
        raise exception 'storyboard selection % not found (p_selection_id)', p_selection_id using errcode = 'P0002';
    end if;
    if p_animation_status = 'complete' and coalesce(p_animated_video_url, v_url) is null then
        raise exception 'p_animated_video_url is required when p_animation_status is complete' using errcode = '22023';
    end if;
    update public.storyboard_selections
    set animation_status = p_animation_status,
        animated_video_url = coalesce(p_animated_video_url, animated_video_url),
        replicate_video_id = coalesce(p_replicate_video_id, replicate_video_id)
    where id = p_selection_id;
end
$$;
comment on function public.update_storyboard_animation(uuid, text, text, text) is
'Records an animation''s progress (video-pipeline-redesign-v2.md, updateStoryboardAnimation, "Animation '
'Generation"). p_selection_id: the storyboard selection (uuid); p_animation_status: pending -> processing -> '
'complete | failed, failed -> pending (retry); p_animated_video_url: URL of the video, required for complete '
'unless already set, null keeps; p_replicate_video_id: prediction id, null keeps. When every shot''s animation is '
'complete the project moves to animation_complete. Returns nothing. Errors: 22023 bad parameter, P0002 unknown '
'selection, 55000 status moving backwards. Writes nothing on error.';
revoke all on function public.update_storyboard_animation(uuid, text, text, text)
from public, anon, authenticated, service_role;
grant execute on function public.update_storyboard_animation(uuid, text, text, text) to authenticated, service_role;

create function public.get_shot_images_by_iteration(p_shot_id uuid) returns jsonb
language plpgsql stable
set search_path = ''
as $$
begin
    if p_shot_id is null then
        raise exception 'p_shot_id is required, got null' using errcode = '22023';
    end if;
    perform from public.scene_shots as s where s.id = p_shot_id;
    if not found then
        raise exception 'shot % not found (p_shot_id)', p_shot_id using errcode = 'P0002';
    end if;
    return coalesce((
        select jsonb_agg(
            jsonb_build_object(
                'iterationNumber', g.iteration_number,
                'prompt', g.prompt,
                'parentImageId', g.parent_image_id,
                'parentImage', (select to_jsonb(p) from public.shot_images as p where p.id = g.parent_image_id),
                'images', g.images
            )
            order by g.iteration_number
        )
        from (
            select
                i.iteration_number,
                (array_agg(i.iteration_prompt order by i.variant_number))[1] as prompt,
                (array_agg(i.parent_image_id order by i.variant_number))[1] as parent_image_id,
                jsonb_agg(to_jsonb(i) order by i.variant_number) as images
            from public.shot_images as i
            where i.shot_id = p_shot_id
            group by i.iteration_number
        ) as g
    ), '[]');
end
$$;
comment on function public.get_shot_images_by_iteration(uuid) is
'A shot''s images grouped by iteration (video-pipeline-redesign-v2.md, useGroupedShotImages). p_shot_id: the shot '
'(uuid). Returns a JSON array ordered by iteration: [{"iterationNumber": 0, "prompt": text, "parentImageId": '
'uuid | null, "parentImage": image | null, "images": [image, ...]}], images ordered by variant, each an object '
'with the shot_images columns (snake_case, as a table read returns them); [] when the shot has no image. Errors: '
'22023 null parameter, P0002 unknown shot.';
revoke all on function public.get_shot_images_by_iteration(uuid) from public, anon, authenticated, service_role;
grant execute on function public.get_shot_images_by_iteration(uuid) to authenticated, service_role;

create function public.is_scene_storyboard_complete(p_scene_id uuid) returns boolean
language plpgsql stable
set search_path = ''
as $$
begin
    if p_scene_id is null then
        raise exception 'p_scene_id is required, got null' using errcode = '22023';
    end if;
    perform from public.project_scenes as c where c.id = p_scene_id;
    if not found then
        raise exception 'scene % not found (p_scene_id)', p_scene_id using errcode = 'P0002';
    end if;
    return coalesce((
        select count(*) > 0 and count(*) = count(sel.id)
        from public.scene_shots as s
        left join public.storyboard_selections as sel on s.id = sel.shot_id
        where s.scene_id = p_scene_id
    ), false);
end
$$;
comment on function public.is_scene_storyboard_complete(uuid) is
'Whether a scene''s storyboard is complete (video-pipeline-redesign-v2.md, useSceneStoryboardComplete): the scene '
'has at least one shot and every shot has a storyboard selection (master shot). p_scene_id: the scene (uuid). '
'Returns boolean. Errors: 22023 null parameter, P0002 unknown scene.';
revoke all on function public.is_scene_storyboard_complete(uuid) from public, anon, authenticated, service_role;
grant execute on function public.is_scene_storyboard_complete(uuid) to authenticated, service_role;

create function public.get_project_progress(p_project_id uuid) returns jsonb
language plpgsql stable
set search_path = ''
as $$
declare
    v_progress jsonb;
begin
    if p_project_id is null then
        raise exception 'p_project_id is required, got null' using errcode = '22023';
    end if;
    select jsonb_build_object(
        'totalScenes', v.total_scenes,
        'totalShots', v.total_shots,
        'shotsWithSelections', v.shots_with_selections,
        'shotsWithAnimations', v.shots_with_animations,
        'selectionProgress',
        case when v.total_shots = 0 then 0 else trim_scale(round(100.0 * v.shots_with_selections / v.total_shots, 1)) end,
        'animationProgress',
        case when v.total_shots = 0 then 0 else trim_scale(round(100.0 * v.shots_with_animations / v.total_shots, 1)) end,
        'isSelectionComplete', v.total_shots > 0 and v.shots_with_selections = v.total_shots,
        'isAnimationComplete', v.total_shots > 0 and v.shots_with_animations = v.total_shots
    ) into v_progress
    from public.video_project_progress as v
    where v.project_id = p_project_id;
    if not found then
        raise exception 'project % not found (p_project_id)', p_project_id using errcode = 'P0002';
    end if;
    return v_progress;
end
$$;
comment on function public.get_project_progress(uuid) is
'A project''s progress (video-pipeline-redesign-v2.md, useProjectProgress). p_project_id: the project (uuid). '
'Returns JSON with exactly the document''s fields: {"totalScenes": int, "totalShots": int, "shotsWithSelections": '
'int (shots with a storyboard selection), "shotsWithAnimations": int (selections whose animation is complete), '
'"selectionProgress": percent of shots with a selection, 0..100 rounded to 0.1, "animationProgress": percent of '
'shots with a complete animation, "isSelectionComplete": bool, "isAnimationComplete": bool} (percentages 0 and '
'completeness false when the project has no shot). Errors: 22023 null parameter, P0002 unknown project.';
revoke all on function public.get_project_progress(uuid) from public, anon, authenticated, service_role;
grant execute on function public.get_project_progress(uuid) to authenticated, service_role;
