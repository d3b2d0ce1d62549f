-- create_storyboard_image_iteration_functions (video-pipeline-redesign-v2.md, "Image Generation", "Image
-- Iteration", "Utility Hooks"): creating a shot's image iterations and reading them, as stored procedures.
-- Security invoker, parameters checked first, nothing written on error: the conventions of
-- create_storyboard_project_functions.
-- depends: 0007_create_storyboard_shot_functions

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

    if p_project_id is null then  -- the distribution key, when the caller did not pass it
        select s.project_id into p_project_id from public.scene_shots as s where s.id = p_shot_id;
    end if;
    -- The shot's row lock makes concurrent batches for one shot queue: each one reads the latest iteration
    -- only after the previous batch has committed, so no iteration is created twice.
    select s.scene_id, s.initial_prompt into v_shot
    from public.scene_shots as s where s.project_id = p_project_id and s.id = p_shot_id for update;
    if not found then
        raise exception 'shot % not found (p_shot_id)', p_shot_id using errcode = 'P0002';
    end if;
    if p_scene_id <> v_shot.scene_id then
        raise exception 'p_scene_id % is not the scene of shot % (%)', p_scene_id, p_shot_id, v_shot.scene_id
        using errcode = '55000';
    end if;
    select max(i.iteration_number) into v_latest
    from public.shot_images as i where i.project_id = p_project_id and i.shot_id = p_shot_id;
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
            p_project_id,
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
'p_project_id: the shot''s project, optional (the shot is looked up in it: one shard on a distributed database); '
'p_scene_id: optional, checked against the shot. Locks the shot row, so concurrent batches for one shot queue and '
'never create the same iteration twice. Returns the image ids (uuid[]) in p_images order. The project moves to '
'shot_iteration if it was behind. Errors: 22023 bad parameter (p_images[i] names the element, e.g. variantNumber '
'6), P0002 unknown shot (or not in p_project_id) or parent, 55000 iteration already existing or skipping ahead, '
'parent from another shot, a later iteration or not complete, p_scene_id not the shot''s. Writes nothing on error.';
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
    p_metadata jsonb default null,
    p_project_id uuid default null
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
    if p_project_id is null then  -- the distribution key, when the caller did not pass it
        select s.project_id into p_project_id from public.scene_shots as s where s.id = p_shot_id;
    end if;
    select s.initial_prompt into v_shot
    from public.scene_shots as s where s.project_id = p_project_id and s.id = p_shot_id for update;
    if not found then
        raise exception 'shot % not found (p_shot_id)', p_shot_id using errcode = 'P0002';
    end if;
    -- An image added to an existing iteration takes the iteration's parent and prompt unless given.
    select i.parent_image_id, i.iteration_prompt into v_iteration
    from public.shot_images as i
    where i.project_id = p_project_id and i.shot_id = p_shot_id and i.iteration_number = p_iteration_number
    order by i.variant_number
    limit 1;
    if exists (
        select from public.shot_images as i
        where i.project_id = p_project_id and i.shot_id = p_shot_id and i.iteration_number = p_iteration_number
            and i.variant_number = p_variant_number
    ) then
        raise exception 'p_variant_number %: variant % of iteration % of shot % already exists', p_variant_number,
            p_variant_number, p_iteration_number, p_shot_id
        using errcode = '23505';
    end if;
    insert into public.shot_images (
        project_id, shot_id, iteration_number, variant_number, image_url, image_storage_id, iteration_prompt,
        parent_image_id, replicate_image_id, status, metadata
    )
    values (
        p_project_id, p_shot_id, p_iteration_number, p_variant_number, p_image_url, p_image_storage_id,
        coalesce(p_iteration_prompt, v_iteration.iteration_prompt, v_shot.initial_prompt),
        coalesce(p_parent_image_id, v_iteration.parent_image_id), p_replicate_image_id, p_status,
        coalesce(p_metadata, '{}')
    )
    returning id into v_image_id;
    return v_image_id;
end
$$;
comment on function public.create_shot_image(uuid, integer, integer, text, uuid, text, text, text, text, jsonb, uuid)
is
'Creates one image of a shot (video-pipeline-redesign-v2.md, useCreateShotImage), e.g. a variant added to an '
'iteration. p_shot_id: the shot (uuid); p_iteration_number: an existing iteration or the next one (latest + 1); '
'p_variant_number: 0..5, free in that iteration; p_iteration_prompt: text, default the iteration''s (or the shot''s '
'initial) prompt; p_parent_image_id: as batch_create_shot_images, default the iteration''s parent; p_image_url: '
'URL (required when complete); p_status: pending | processing | complete | failed (default pending); '
'p_image_storage_id, p_replicate_image_id: text; p_metadata: JSON object; p_project_id: the shot''s project, '
'optional (the shot is looked up in it). Returns the image id (uuid). Errors: 22023 bad parameter, P0002 unknown '
'shot or parent, 23505 variant taken, 55000 iteration skipping ahead or parent not allowed. Writes nothing on '
'error.';
revoke all on function public.create_shot_image(uuid, integer, integer, text, uuid, text, text, text, text, jsonb, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.create_shot_image(uuid, integer, integer, text, uuid, text, text, text, text, jsonb, uuid)
to authenticated, service_role;

create function public.get_latest_iteration_number(p_shot_id uuid, p_project_id uuid default null) returns integer
language plpgsql stable
set search_path = ''
as $$
begin
    if p_shot_id is null then
        raise exception 'p_shot_id is required, got null' using errcode = '22023';
    end if;
    if p_project_id is null then  -- the distribution key, when the caller did not pass it
        select s.project_id into p_project_id from public.scene_shots as s where s.id = p_shot_id;
    end if;
    perform from public.scene_shots as s where s.project_id = p_project_id and s.id = p_shot_id;
    if not found then
        raise exception 'shot % not found (p_shot_id)', p_shot_id using errcode = 'P0002';
    end if;
    return coalesce((
        select max(i.iteration_number) from public.shot_images as i
        where i.project_id = p_project_id and i.shot_id = p_shot_id
    ), -1);
end
$$;
comment on function public.get_latest_iteration_number(uuid, uuid) is
'The latest iteration of a shot''s images (video-pipeline-redesign-v2.md, getLatestIterationNumber: "use before '
'creating a new iteration"). p_shot_id: the shot (uuid); p_project_id: its project (uuid), optional (the shot is '
'looked up in it). Returns the highest iteration_number (integer), -1 when the shot has no image yet, so that the '
'next iteration is always the result + 1. Errors: 22023 null parameter, P0002 unknown shot.';
revoke all on function public.get_latest_iteration_number(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.get_latest_iteration_number(uuid, uuid) to authenticated, service_role;

create function public.get_shot_images_by_iteration(p_shot_id uuid, p_project_id uuid default null) returns jsonb
language plpgsql stable
set search_path = ''
as $$
begin
    if p_shot_id is null then
        raise exception 'p_shot_id is required, got null' using errcode = '22023';
    end if;
    if p_project_id is null then  -- the distribution key, when the caller did not pass it
        select s.project_id into p_project_id from public.scene_shots as s where s.id = p_shot_id;
    end if;
    perform from public.scene_shots as s where s.project_id = p_project_id and s.id = p_shot_id;
    if not found then
        raise exception 'shot % not found (p_shot_id)', p_shot_id using errcode = 'P0002';
    end if;
    return coalesce((
        select jsonb_agg(
            jsonb_build_object(
                'iterationNumber', g.iteration_number,
                'prompt', g.prompt,
                'parentImageId', g.parent_image_id,
                'parentImage', (
                    select to_jsonb(p) from public.shot_images as p
                    where p.project_id = p_project_id and p.id = g.parent_image_id
                ),
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
            where i.project_id = p_project_id and i.shot_id = p_shot_id
            group by i.iteration_number
        ) as g
    ), '[]');
end
$$;
comment on function public.get_shot_images_by_iteration(uuid, uuid) is
'A shot''s images grouped by iteration (video-pipeline-redesign-v2.md, useGroupedShotImages). p_shot_id: the shot '
'(uuid); p_project_id: its project (uuid), optional (the shot is looked up in it). Returns a JSON array ordered by iteration: [{"iterationNumber": 0, "prompt": text, "parentImageId": '
'uuid | null, "parentImage": image | null, "images": [image, ...]}], images ordered by variant, each an object '
'with the shot_images columns (snake_case, as a table read returns them); [] when the shot has no image. Errors: '
'22023 null parameter, P0002 unknown shot.';
revoke all on function public.get_shot_images_by_iteration(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.get_shot_images_by_iteration(uuid, uuid) to authenticated, service_role;
