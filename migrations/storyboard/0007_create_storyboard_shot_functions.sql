-- create_storyboard_shot_functions (video-pipeline-redesign-v2.md, "Shot Creation", "Mutations", "Composite
-- Hooks"): the document's shot functions, and a scene with its shots in one call, as stored procedures.
-- Security invoker, parameters checked first, nothing written on error: the conventions of
-- create_storyboard_project_functions.
-- depends: 0006_create_storyboard_project_functions

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
    v_shot_id uuid;
begin
    if p_scene_id is null then
        raise exception 'p_scene_id is required, got null' using errcode = '22023';
    end if;
    if p_shot_number is null or p_shot_number < 1 then
        raise exception 'p_shot_number must be a whole number >= 1, got %', coalesce(p_shot_number::text, 'null')
        using errcode = '22023';
    end if;
    if p_project_id is null then  -- the distribution key, when the caller did not pass it
        select c.project_id into p_project_id from public.project_scenes as c where c.id = p_scene_id;
    end if;
    perform from public.project_scenes as c where c.project_id = p_project_id and c.id = p_scene_id;
    if not found then
        raise exception 'scene % not found (p_scene_id)', p_scene_id using errcode = 'P0002';
    end if;
    select s.id into v_shot_id
    from public.scene_shots as s
    where s.project_id = p_project_id and s.scene_id = p_scene_id and s.shot_number = p_shot_number;
    if found then
        raise exception 'p_shot_number % is already used by shot % of scene %', p_shot_number, v_shot_id, p_scene_id
        using errcode = '23505';
    end if;
    insert into public.scene_shots (project_id, scene_id, shot_number, description, initial_prompt)
    values (p_project_id, p_scene_id, p_shot_number, nullif(p_description, ''), nullif(p_initial_prompt, ''))
    returning id into v_shot_id;
    return v_shot_id;
end
$$;
comment on function public.create_scene_shot(uuid, integer, text, text, uuid) is
'Creates a shot of a scene (video-pipeline-redesign-v2.md, createSceneShot, "Shot Creation"). p_scene_id: the '
'scene (uuid); p_shot_number: order in the scene, integer >= 1, unique in the scene; p_description: shot direction '
'(text or null); p_initial_prompt: base prompt of iteration 0 (text or null); p_project_id: the scene''s project '
'(uuid), optional: the scene is looked up in it (one shard on a distributed database). Returns the shot id '
'(uuid). Errors: 22023 bad parameter, P0002 unknown scene (or not in p_project_id), 23505 shot number taken. '
'Writes nothing on error.';
revoke all on function public.create_scene_shot(uuid, integer, text, text, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.create_scene_shot(uuid, integer, text, text, uuid) to authenticated, service_role;

create function public.update_scene_shot(
    p_shot_id uuid,
    p_shot_number integer default null,
    p_description text default null,
    p_initial_prompt text default null,
    p_project_id uuid default null
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
    if p_project_id is null then  -- the distribution key, when the caller did not pass it
        select s.project_id into p_project_id from public.scene_shots as s where s.id = p_shot_id;
    end if;
    select s.scene_id into v_scene_id
    from public.scene_shots as s where s.project_id = p_project_id and s.id = p_shot_id for update;
    if not found then
        raise exception 'shot % not found (p_shot_id)', p_shot_id using errcode = 'P0002';
    end if;
    select s.id into v_other
    from public.scene_shots as s
    where s.project_id = p_project_id and s.scene_id = v_scene_id and s.shot_number = p_shot_number
        and s.id <> p_shot_id;
    if found then
        raise exception 'p_shot_number % is already used by shot % of scene %', p_shot_number, v_other, v_scene_id
        using errcode = '23505';
    end if;
    update public.scene_shots
    set shot_number = coalesce(p_shot_number, shot_number),
        description = case when p_description is null then description else nullif(p_description, '') end,
        initial_prompt = case when p_initial_prompt is null then initial_prompt else nullif(p_initial_prompt, '') end
    where project_id = p_project_id and id = p_shot_id;
end
$$;
comment on function public.update_scene_shot(uuid, integer, text, text, uuid) is
'Updates a shot (video-pipeline-redesign-v2.md, useUpdateSceneShot). p_shot_id: the shot (uuid); p_shot_number: '
'integer >= 1, unique in the scene, or null (keep); p_description, p_initial_prompt: text, '''' clears, null keeps; '
'p_project_id: the shot''s project (uuid), optional (the shot is looked up in it). The selected image is changed '
'with select_master_shot. Returns nothing. Errors: 22023 bad parameter, P0002 unknown shot, 23505 shot number '
'taken. Writes nothing on error.';
revoke all on function public.update_scene_shot(uuid, integer, text, text, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.update_scene_shot(uuid, integer, text, text, uuid) to authenticated, service_role;

create function public.delete_scene_shot(p_shot_id uuid, p_project_id uuid default null) returns void
language sql volatile
set search_path = ''
begin atomic
    select dreamcut_private.delete_storyboard_row('scene_shots', p_shot_id, p_project_id);
end;
comment on function public.delete_scene_shot(uuid, uuid) is
'Deletes a shot with its images and storyboard selection (video-pipeline-redesign-v2.md, useDeleteSceneShot); '
'if every remaining shot has a selection, the project may advance to storyboard_final. p_shot_id: the shot '
'(uuid); p_project_id: its project (uuid), optional (the shot is looked up in it). Returns nothing. Errors: '
'22023 null parameter, P0002 unknown shot.';
revoke all on function public.delete_scene_shot(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.delete_scene_shot(uuid, uuid) to authenticated, service_role;

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
