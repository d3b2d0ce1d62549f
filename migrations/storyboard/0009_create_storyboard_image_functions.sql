-- create_storyboard_image_functions (video-pipeline-redesign-v2.md, "Mutations", "Favorites System", "Wire up
-- with Replicate API"): what the user and the generation workers change on one image, as stored procedures.
-- Security invoker, parameters checked first, nothing written on error: the conventions of
-- create_storyboard_project_functions.
-- depends: 0008_create_storyboard_image_iteration_functions

create function public.update_shot_image(
    p_image_id uuid,
    p_image_url text default null,
    p_status text default null,
    p_image_storage_id text default null,
    p_replicate_image_id text default null,
    p_iteration_prompt text default null,
    p_is_favorite boolean default null,
    p_metadata jsonb default null,
    p_project_id uuid default null
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
    if p_project_id is null then  -- the distribution key, when the caller did not pass it
        select i.project_id into p_project_id from public.shot_images as i where i.id = p_image_id;
    end if;
    select i.image_url into v_image
    from public.shot_images as i where i.project_id = p_project_id and i.id = p_image_id for update;
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
    where project_id = p_project_id and id = p_image_id;
end
$$;
comment on function public.update_shot_image(uuid, text, text, text, text, text, boolean, jsonb, uuid) is
'Updates an image (video-pipeline-redesign-v2.md, useUpdateShotImage; what a generation worker writes). '
'p_image_id: the image (uuid); p_image_url: URL; p_status: pending -> processing -> complete | failed, failed -> '
'pending (retry); p_image_storage_id, p_replicate_image_id, p_iteration_prompt: text; p_is_favorite: boolean; '
'p_metadata: JSON object shallow-merged into the image''s metadata. Null keeps a value. p_project_id: the image''s '
'project (uuid), optional (the image is looked up in it: one shard on a distributed database). Returns nothing. '
'Errors: 22023 bad parameter (complete without a URL), P0002 unknown image, 55000 status moving backwards. Writes '
'nothing on error.';
revoke all on function public.update_shot_image(uuid, text, text, text, text, text, boolean, jsonb, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.update_shot_image(uuid, text, text, text, text, text, boolean, jsonb, uuid)
to authenticated, service_role;

create function public.update_shot_image_status(
    p_image_id uuid,
    p_status text,
    p_image_url text default null,
    p_project_id uuid default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
begin
    if p_status is null then
        raise exception 'p_status is required (pending, processing, complete or failed), got null'
        using errcode = '22023';
    end if;
    perform public.update_shot_image(
        p_image_id => p_image_id, p_status => p_status, p_image_url => p_image_url, p_project_id => p_project_id
    );
end
$$;
comment on function public.update_shot_image_status(uuid, text, text, uuid) is
'Sets an image''s status and URL, as a generation worker does when a prediction starts, completes or fails '
'(video-pipeline-redesign-v2.md, "Wire up with Replicate API"). p_image_id: the image (uuid); p_status: pending '
'-> processing -> complete | failed, failed -> pending (retry); p_image_url: URL, required for complete unless '
'already set, null keeps; p_project_id: the image''s project, optional (as update_shot_image). Returns nothing. '
'Errors: 22023 bad parameter, P0002 unknown image, 55000 status moving backwards. Writes nothing on error.';
revoke all on function public.update_shot_image_status(uuid, text, text, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.update_shot_image_status(uuid, text, text, uuid) to authenticated, service_role;

create function public.toggle_shot_image_favorite(p_image_id uuid, p_project_id uuid default null) returns boolean
language plpgsql volatile
set search_path = ''
as $$
declare
    v_favorite boolean;
begin
    if p_image_id is null then
        raise exception 'p_image_id is required, got null' using errcode = '22023';
    end if;
    if p_project_id is null then  -- the distribution key, when the caller did not pass it
        select i.project_id into p_project_id from public.shot_images as i where i.id = p_image_id;
    end if;
    update public.shot_images set is_favorite = not is_favorite where project_id = p_project_id and id = p_image_id
    returning is_favorite into v_favorite;
    if not found then
        raise exception 'image % not found (p_image_id)', p_image_id using errcode = 'P0002';
    end if;
    return v_favorite;
end
$$;
comment on function public.toggle_shot_image_favorite(uuid, uuid) is
'Stars or unstars an image (video-pipeline-redesign-v2.md, "Favorites System: star images for easy filtering"). '
'p_image_id: the image (uuid); p_project_id: its project (uuid), optional (the image is looked up in it). Returns '
'the new is_favorite (boolean). Errors: 22023 null parameter, P0002 unknown image.';
revoke all on function public.toggle_shot_image_favorite(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.toggle_shot_image_favorite(uuid, uuid) to authenticated, service_role;

create function public.delete_shot_image(p_image_id uuid, p_project_id uuid default null) returns void
language sql volatile
set search_path = ''
begin atomic
    select dreamcut_private.delete_storyboard_row('shot_images', p_image_id, p_project_id);
end;
comment on function public.delete_shot_image(uuid, uuid) is
'Deletes an image (video-pipeline-redesign-v2.md, useDeleteShotImage). A storyboard selection of it goes too '
'(and the shot''s selected_image_id becomes null); refinements of it keep their rows with parent_image_id null. '
'p_image_id: the image (uuid); p_project_id: its project (uuid), optional (the image is looked up in it). Returns '
'nothing. Errors: 22023 null parameter, P0002 unknown image.';
revoke all on function public.delete_shot_image(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function public.delete_shot_image(uuid, uuid) to authenticated, service_role;
