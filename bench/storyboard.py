"""Storyboard (module ``storyboard``): the RLS read of a signed-in user's project, before and after the keys.

The storyboard tables are keyed by ``project_id`` and every child row carries its project's owner, ``user_id``,
which the one policy of each table compares with the sub claim (``user_id = (select auth.uid())``). Before
that, each child table's policies asked ``project_id in (select dreamcut_private.storyboard_project_ids())``
(the ids of the user's projects, from video_projects). Both forms are measured in one run, mixed in the same
pgbench run: ``bench_before.<table>`` are twins of the tables (``like ... including all``: the same columns,
indexes and rows) that differ only in their policies, which are the old ones. The baseline is the same read
as ``service_role`` (RLS bypassed).
"""

from __future__ import annotations

import time

from .common import Result, bulk_load, median, postgrest_read_script, spread
from .dreamcut import HELPERS

TABLES = ("video_projects", "project_scenes", "scene_shots", "shot_images")
CHILDREN = TABLES[1:]
USERS, PROJECTS_PER_USER, SCENES, SHOTS, IMAGES = 1_000, 2, 4, 3, 6

#: One project of the user, as the storyboard page reads it: scenes, their shots, each shot's images.
READ = """select json_build_object(
    'project', (select to_jsonb(p) from {s}.video_projects as p where p.id = bench.id(1, :u)),
    'scenes', (select json_agg(json_build_object('id', c.id, 'title', c.title,
        'shots', (select json_agg(json_build_object('id', h.id, 'description', h.description,
            'images', (select json_agg(json_build_object('id', i.id, 'url', i.image_url, 'status', i.status)
                                       order by i.iteration_number, i.variant_number)
                       from {s}.shot_images as i where i.project_id = h.project_id and i.shot_id = h.id))
            order by h.shot_number)
            from {s}.scene_shots as h where h.project_id = c.project_id and h.scene_id = c.id))
        order by c.scene_number)
        from {s}.project_scenes as c where c.project_id = bench.id(1, :u)))"""

#: The policies of the children before the keys, on the twins (video_projects' own policy did not change).
BEFORE = """
create function bench_before.storyboard_project_ids() returns setof uuid
language sql stable set search_path = ''
as $$ select p.id from bench_before.video_projects as p where p.user_id = (select auth.uid()) $$;
grant usage on schema bench_before to authenticated, service_role;
grant execute on function bench_before.storyboard_project_ids() to authenticated, service_role;
"""


def _script(role: str, schema: str) -> str:
    return postgrest_read_script(role, READ.format(s=schema))


def load(conn) -> None:
    conn.execute(HELPERS)
    np_ = USERS * PROJECTS_PER_USER
    nc, nh = np_ * SCENES, np_ * SCENES * SHOTS
    # Project n belongs to user (n - 1) % USERS + 1, so project u is one of user u's; scene c to project
    # (c - 1) / SCENES + 1, shot h to scene (h - 1) / SHOTS + 1, image i to shot (i - 1) / IMAGES + 1.
    bulk_load(
        conn, [f"public.{t}" for t in TABLES],
        f"""insert into public.video_projects (id, user_id, title, prompt, redesign_status)
            select bench.id(1, n), bench.id(9, (n - 1) % {USERS} + 1), 'Project ' || n,
                'A cyberpunk trailer #' || n, 'shot_iteration'
            from generate_series(1, {np_}) as n""",
        f"""insert into public.project_scenes (id, project_id, user_id, scene_number, title)
            select bench.id(2, c), bench.id(1, (c - 1) / {SCENES} + 1), bench.id(9, ((c - 1) / {SCENES}) % {USERS} + 1),
                (c - 1) % {SCENES} + 1, 'Scene ' || c
            from generate_series(1, {nc}) as c""",
        f"""insert into public.scene_shots (id, project_id, user_id, scene_id, shot_number, description)
            select bench.id(3, h), bench.id(1, (h - 1) / {SCENES * SHOTS} + 1),
                bench.id(9, ((h - 1) / {SCENES * SHOTS}) % {USERS} + 1), bench.id(2, (h - 1) / {SHOTS} + 1),
                (h - 1) % {SHOTS} + 1, 'Shot ' || h
            from generate_series(1, {nh}) as h""",
        f"""insert into public.shot_images (id, project_id, user_id, scene_id, shot_id, iteration_number,
                variant_number, image_url, status)
            select bench.id(4, i), bench.id(1, (i - 1) / {SCENES * SHOTS * IMAGES} + 1),
                bench.id(9, ((i - 1) / {SCENES * SHOTS * IMAGES}) % {USERS} + 1),
                bench.id(2, (i - 1) / {SHOTS * IMAGES} + 1), bench.id(3, (i - 1) / {IMAGES} + 1), 0,
                (i - 1) % {IMAGES}, 'https://cdn.example.com/' || i || '.png', 'complete'
            from generate_series(1, {nh * IMAGES}) as i""",
    )
    conn.execute("create schema bench_before")
    for t in TABLES:
        conn.execute(f"create table bench_before.{t} (like public.{t} including all)")
        conn.execute(f"insert into bench_before.{t} select * from public.{t}")
        conn.execute(f"alter table bench_before.{t} enable row level security")
        conn.execute(f"grant select on bench_before.{t} to authenticated, service_role")
    conn.execute(BEFORE)
    conn.execute("create policy video_projects_select_own on bench_before.video_projects for select "
                 "to authenticated using (user_id = (select auth.uid()))")
    for t in CHILDREN:
        conn.execute(f"create policy {t}_select_own on bench_before.{t} for select to authenticated "
                     "using (project_id in (select bench_before.storyboard_project_ids()))")
    conn.execute("vacuum analyze")


def rls_read(srv, template: str, cfg) -> list[Result]:
    db = srv.clone(template)
    np_ = USERS * PROJECTS_PER_USER
    print(f"  storyboard RLS: loading {USERS} users, {np_} projects, {np_ * SCENES} scenes, "
          f"{np_ * SCENES * SHOTS} shots, {np_ * SCENES * SHOTS * IMAGES} images", flush=True)
    t0 = time.perf_counter()
    with srv.admin(db) as conn:
        load(conn)
    r = Result("storyboard_rls_read",
               "RLS read of a user's project (scenes, shots, images) keyed by project_id ≤ 1.1× the read under "
               "the policies before the keys (not worse, within one run's noise)")
    r.line(f"loaded in {time.perf_counter() - t0:.0f} s; each read: 1 project, {SCENES} scenes, "
           f"{SCENES * SHOTS} shots, {SCENES * SHOTS * IMAGES} images")
    scripts = {
        "after": _script("authenticated", "public"),
        "before": _script("authenticated", "bench_before"),
        "service_role": _script("service_role", "public"),
    }
    ratios, rls = [], []
    for _ in range(cfg.reps):
        run = srv.run_pgbench(db, scripts, clients=1, seconds=cfg.seconds, variables={"users": USERS},
                              per_statement=True)
        a, b, s = (run.scripts[k].statement_ms("json_build_object") for k in ("after", "before", "service_role"))
        ratios.append(a / b)
        rls.append(a / s)
        r.line(f"read statement: authenticated {a:.3f} ms keyed (after), {b:.3f} ms with the policies before "
               f"(ratio after/before {a / b:.2f}); service_role {s:.3f} ms (authenticated/service_role "
               f"{a / s:.2f} after, {b / s:.2f} before)")
    r.judge(median(ratios), 1.1, "<=")
    r.measured = f"{spread(ratios)} (after/before); authenticated/service_role {median(rls):.2f}"
    srv.drop(db)
    return [r]
