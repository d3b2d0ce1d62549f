-- enable_storyboard_rls_policies: RLS on, grants explicit (revoked first: Supabase's default privileges may
-- have granted everything to the API roles). A signed-in user (authenticated, sub claim) reads and writes
-- their own projects and every row under them; other users see nothing of them; anon has no grant at all;
-- service_role (the generation workers, BYPASSRLS) does everything. scene_shots.selected_image_id is written
-- by no role: a trigger copies it from storyboard_selections.
-- depends: 0002_create_storyboard_indexes

alter table public.video_projects enable row level security;
alter table public.project_scenes enable row level security;
alter table public.scene_shots enable row level security;
alter table public.shot_images enable row level security;
alter table public.storyboard_selections enable row level security;

revoke all on table public.video_projects, public.project_scenes, public.scene_shots, public.shot_images,
public.storyboard_selections
from public, anon, authenticated, service_role;
grant select, insert, update, delete on table public.video_projects, public.project_scenes, public.shot_images,
public.storyboard_selections
to authenticated, service_role;
grant select, delete on table public.scene_shots to authenticated, service_role;
grant insert (
    id, project_id, scene_id, shot_number, description, initial_prompt, created_at, updated_at
) on table public.scene_shots to authenticated, service_role;
grant update (
    project_id, scene_id, shot_number, description, initial_prompt, created_at, updated_at
) on table public.scene_shots to authenticated, service_role;

create policy video_projects_select_own on public.video_projects
for select to authenticated
using (user_id = (select auth.uid()));
create policy video_projects_insert_own on public.video_projects
for insert to authenticated
with check (user_id = (select auth.uid()));
create policy video_projects_update_own on public.video_projects
for update to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));
create policy video_projects_delete_own on public.video_projects
for delete to authenticated
using (user_id = (select auth.uid()));

create policy project_scenes_select_own on public.project_scenes
for select to authenticated
using (
    project_id in (
        select p.id from public.video_projects as p
        where p.user_id = (select auth.uid())
    )
);
create policy project_scenes_insert_own on public.project_scenes
for insert to authenticated
with check (
    project_id in (
        select p.id from public.video_projects as p
        where p.user_id = (select auth.uid())
    )
);
create policy project_scenes_update_own on public.project_scenes
for update to authenticated
using (
    project_id in (
        select p.id from public.video_projects as p
        where p.user_id = (select auth.uid())
    )
)
with check (
    project_id in (
        select p.id from public.video_projects as p
        where p.user_id = (select auth.uid())
    )
);
create policy project_scenes_delete_own on public.project_scenes
for delete to authenticated
using (
    project_id in (
        select p.id from public.video_projects as p
        where p.user_id = (select auth.uid())
    )
);

create policy scene_shots_select_own on public.scene_shots
for select to authenticated
using (
    project_id in (
        select p.id from public.video_projects as p
        where p.user_id = (select auth.uid())
    )
);
create policy scene_shots_insert_own on public.scene_shots
for insert to authenticated
with check (
    project_id in (
        select p.id from public.video_projects as p
        where p.user_id = (select auth.uid())
    )
);
create policy scene_shots_update_own on public.scene_shots
for update to authenticated
using (
    project_id in (
        select p.id from public.video_projects as p
        where p.user_id = (select auth.uid())
    )
)
with check (
    project_id in (
        select p.id from public.video_projects as p
        where p.user_id = (select auth.uid())
    )
);
create policy scene_shots_delete_own on public.scene_shots
for delete to authenticated
using (
    project_id in (
        select p.id from public.video_projects as p
        where p.user_id = (select auth.uid())
    )
);

create policy shot_images_select_own on public.shot_images
for select to authenticated
using (
    project_id in (
        select p.id from public.video_projects as p
        where p.user_id = (select auth.uid())
    )
);
create policy shot_images_insert_own on public.shot_images
for insert to authenticated
with check (
    project_id in (
        select p.id from public.video_projects as p
        where p.user_id = (select auth.uid())
    )
);
create policy shot_images_update_own on public.shot_images
for update to authenticated
using (
    project_id in (
        select p.id from public.video_projects as p
        where p.user_id = (select auth.uid())
    )
)
with check (
    project_id in (
        select p.id from public.video_projects as p
        where p.user_id = (select auth.uid())
    )
);
create policy shot_images_delete_own on public.shot_images
for delete to authenticated
using (
    project_id in (
        select p.id from public.video_projects as p
        where p.user_id = (select auth.uid())
    )
);

create policy storyboard_selections_select_own on public.storyboard_selections
for select to authenticated
using (
    project_id in (
        select p.id from public.video_projects as p
        where p.user_id = (select auth.uid())
    )
);
create policy storyboard_selections_insert_own on public.storyboard_selections
for insert to authenticated
with check (
    project_id in (
        select p.id from public.video_projects as p
        where p.user_id = (select auth.uid())
    )
);
create policy storyboard_selections_update_own on public.storyboard_selections
for update to authenticated
using (
    project_id in (
        select p.id from public.video_projects as p
        where p.user_id = (select auth.uid())
    )
)
with check (
    project_id in (
        select p.id from public.video_projects as p
        where p.user_id = (select auth.uid())
    )
);
create policy storyboard_selections_delete_own on public.storyboard_selections
for delete to authenticated
using (
    project_id in (
        select p.id from public.video_projects as p
        where p.user_id = (select auth.uid())
    )
);
