-- create_storyboard_indexes (video-pipeline-redesign-v2.md, the tables' "Indexes"): by_project, by_scene and
-- by_shot as real indexes, unique where the document's order keys must be (scene number in a project, shot
-- number in a scene, iteration + variant in a shot, one storyboard selection per shot), plus one index per
-- remaining foreign key and the owner column the policies filter on.
-- depends: 0001_create_storyboard_schema

create index idx_video_projects_user_id on public.video_projects (user_id, created_at desc);

create unique index idx_project_scenes_by_project on public.project_scenes (project_id, scene_number);

create unique index idx_scene_shots_by_scene on public.scene_shots (scene_id, shot_number);
create index idx_scene_shots_by_project on public.scene_shots (project_id);
create index idx_scene_shots_selected_image_id on public.scene_shots (selected_image_id);

create unique index idx_shot_images_by_shot on public.shot_images (shot_id, iteration_number, variant_number);
create index idx_shot_images_by_scene on public.shot_images (scene_id);
create index idx_shot_images_by_project on public.shot_images (project_id);
create index idx_shot_images_parent_image_id on public.shot_images (parent_image_id);

create index idx_storyboard_selections_by_project on public.storyboard_selections (project_id);
create index idx_storyboard_selections_by_scene on public.storyboard_selections (scene_id);
create unique index idx_storyboard_selections_by_shot on public.storyboard_selections (shot_id);
create index idx_storyboard_selections_selected_image_id on public.storyboard_selections (selected_image_id);
