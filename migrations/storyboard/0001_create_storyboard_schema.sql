-- create_storyboard_schema (video-pipeline-redesign-v2.md, "Database Schema"): the v2 storyboard workflow's
-- five tables, the document's Convex camelCase turned into snake_case. Project -> scenes -> shots -> image
-- iterations (six variants each) -> one storyboard selection (master shot + animation) per shot. Every child
-- row carries its project (and scene) id, as the document's hierarchy references do; triggers (migration
-- 0005) fill them from the parent and keep them from moving. Deleting a project, scene or shot removes
-- everything under it.
-- depends: 0001_supabase_platform

insert into dreamcut_private.installed_modules (module) values ('storyboard');

create table public.video_projects (
    id uuid primary key default gen_random_uuid(),
    user_id uuid not null default auth.uid(),
    title text check (btrim(title) <> ''),
    prompt text not null check (btrim(prompt) <> ''),
    workflow_version text not null default 'v2_redesign' check (workflow_version in ('v1_legacy', 'v2_redesign')),
    prompt_planner_data jsonb,
    redesign_status text default 'prompt_planning' check (
        redesign_status in ('prompt_planning', 'scenes_setup', 'shot_iteration', 'storyboard_final', 'animation_complete')
    ),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint video_projects_redesign_status_check_version check (
        (workflow_version = 'v2_redesign' and redesign_status is not null)
        or (workflow_version = 'v1_legacy' and redesign_status is null)
    )
);
comment on table public.video_projects is
'A video project (video-pipeline-redesign-v2.md, "Extended videoProjects Table"): its owner, prompt and, for '
'v2_redesign projects, the prompt planner brain dump and the workflow state.';
comment on column public.video_projects.user_id is
'Owner: the Supabase auth user id (auth.uid()). RLS compares it with the request''s sub claim.';
comment on column public.video_projects.title is 'Project title; null when the user gave none.';
comment on column public.video_projects.workflow_version is
'v1_legacy (the old scenes workflow, redesign_status null) or v2_redesign (this module''s workflow). '
'Moves only from v1_legacy to v2_redesign.';
comment on column public.video_projects.prompt_planner_data is
'The brain dump of the Prompt Planner page (promptPlannerData): any JSON, typically a string.';
comment on column public.video_projects.redesign_status is
'Workflow state of a v2_redesign project: prompt_planning -> scenes_setup -> shot_iteration -> storyboard_final '
'-> animation_complete. Only moves forward; storyboard_final needs every shot selected, animation_complete every '
'animation complete; advanced automatically when the data reaches a later state (docs/storyboard.md).';

create table public.project_scenes (
    id uuid primary key default gen_random_uuid(),
    project_id uuid not null references public.video_projects (id) on delete cascade,
    scene_number integer not null check (scene_number >= 1),
    title text not null check (btrim(title) <> ''),
    description text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
comment on table public.project_scenes is
'Top-level scenes of a v2_redesign project (video-pipeline-redesign-v2.md, table projectScenes).';
comment on column public.project_scenes.scene_number is 'Display order, 1-based and unique within the project.';
comment on column public.project_scenes.description is 'Scene narrative or context.';

create table public.scene_shots (
    id uuid primary key default gen_random_uuid(),
    project_id uuid not null references public.video_projects (id) on delete cascade,
    scene_id uuid not null references public.project_scenes (id) on delete cascade,
    shot_number integer not null check (shot_number >= 1),
    description text,
    initial_prompt text,
    selected_image_id uuid,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
comment on table public.scene_shots is
'Shots (camera angles, moments) of a scene (video-pipeline-redesign-v2.md, table sceneShots).';
comment on column public.scene_shots.project_id is 'The scene''s project, copied from the scene for project-wide queries.';
comment on column public.scene_shots.shot_number is 'Order within the scene, 1-based and unique within the scene.';
comment on column public.scene_shots.description is 'Shot description or direction.';
comment on column public.scene_shots.initial_prompt is 'Base prompt of the first generation (iteration 0).';
comment on column public.scene_shots.selected_image_id is
'The shot''s final chosen image: a copy of its storyboard selection''s image, kept by trigger (select_master_shot '
'writes it; no role may write it directly).';

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
