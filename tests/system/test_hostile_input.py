"""Hostile input (issue 7): every callable procedure against random and adversarial values, search_path hijack,
dynamic SQL, and claims a user controls.

Each procedure is called the way PostgREST calls it: named arguments, each sent as text and cast to the
parameter's declared type (so a malformed uuid, JSON document or number is refused by PostgreSQL's input
functions with a class 22 SQLSTATE, as PostgREST would have it), as the real roles with PostgREST-style
claims. The rule for every call: it succeeds and the module's invariants still hold, or it fails with a
documented SQLSTATE (class 22 data exception, 42501, P0002, 55000) and every package table is exactly as
before. Never an internal error (XX000), a syntax or undefined-object error (42xxx other than 42501), an
integrity error the function should have caught first (23xxx), or a resource limit (54xxx).
"""

from __future__ import annotations

import json
import os
import random
import re
import uuid
from dataclasses import dataclass, field

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dreamcut_db import catalog
from helpers import set_identity
from dreamcut_helpers import asset, init_query

PACKAGE_SCHEMAS = catalog.SCHEMAS


#: SQLSTATEs a module documents for its procedures beyond the common ones (docs/<module>.md).
DOCUMENTED = {
    "storyboard": {"23505"},  # a scene, shot or variant number already used
    "content": {"23503"},  # unknown company or employee (docs/content.md)
    "render": {"23514"},  # an element outside the canvas or timeline (trigger, constraint elements_layout)
    "multimedia": {"23505"},  # a storage path already used in the bucket (docs/multimedia.md)
}


def allowed(sqlstate: str | None, module: str | None = None) -> bool:
    return bool(sqlstate) and (sqlstate.startswith("22") or sqlstate in {"42501", "P0002", "55000"}
                               or sqlstate in DOCUMENTED.get(module, set()))


# ---------------------------------------------------------------------------------------------------------------
# One clone of the migrated template for this module, with committed fixture data
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def module_conn(module_db_url):
    with psycopg.connect(module_db_url) as conn:
        yield conn


def dreamcut_fixture(conn, users: dict) -> None:
    """A's and B's queries in every state, written by a trusted worker session."""
    a, b = users["A"], users["B"]
    init_query(conn, a, [asset("video"), asset("image"), asset("audio")], options={"duration": 30})
    analyzing = init_query(conn, a, [asset("video"), asset("image")], options={"duration": 10})
    first = conn.execute("select id from public.dreamcut_assets where query_id = %s limit 1", (analyzing,)).fetchone()[0]
    conn.execute("select public.update_asset_progress(%s, 40, 'analyzing', '{\"objects\": 2}')", (first,))
    merging = init_query(conn, a, [asset("image")])
    conn.execute("select public.update_asset_progress(a.id, 100, 'completed') from public.dreamcut_assets a "
                 "where a.query_id = %s", (merging,))
    for owner in (a, a, b, b):  # queries without assets go straight to merging
        init_query(conn, owner, [])
    done = init_query(conn, a, [asset("image")])
    conn.execute("select public.update_asset_progress(a.id, null, 'failed', p_error_message => 'bad file') "
                 "from public.dreamcut_assets a where a.query_id = %s", (done,))
    conn.execute("select public.complete_dreamcut_query(%s, '{}')", (done,))
    failed = init_query(conn, b, [asset("video")])
    conn.execute("select public.fail_dreamcut_query(%s, 'worker lost')", (failed,))
    init_query(conn, b, [asset("image"), asset("audio")])


def storyboard_fixture(conn, users: dict) -> None:
    """Per user: a project with scenes, shots, iterations (complete, pending, failed images), a selection with a
    complete animation and one pending, an empty project, and a v1_legacy project."""
    def one(query, *params):
        return conn.execute(query, params).fetchone()[0]

    done = json.dumps([{"variantNumber": v, "imageUrl": f"https://cdn.example.com/{v}.png", "status": "complete"}
                       for v in range(3)])
    for user in users.values():
        project = one("select public.create_redesign_project(p_prompt => 'Neon city', p_user_id => %s::uuid)", user)
        one("select public.create_redesign_project(p_prompt => 'Empty', p_title => 'Empty', p_user_id => %s::uuid)", user)
        conn.execute("insert into public.video_projects (user_id, prompt, workflow_version, redesign_status) "
                     "values (%s, 'Legacy', 'v1_legacy', null)", (user,))
        for n in (1, 2):
            scene = one("select public.create_project_scene(%s, %s, %s)", project, n, f"Scene {n}")
            shots = [one("select public.create_scene_shot(p_scene_id => %s, p_shot_number => %s, "
                         "p_initial_prompt => 'wide shot')", scene, k) for k in (1, 2, 3)]
            images = one("select public.batch_create_shot_images(%s, %s)", shots[0], done)
            one("select public.batch_create_shot_images(%s, %s, 1, p_parent_image_id => %s)", shots[0],
                json.dumps([{"variantNumber": 0}, {"variantNumber": 1, "status": "failed"}]), images[0])
            one("select public.batch_create_shot_images(%s, %s)", shots[1], done)
            selection = one("select public.select_master_shot(%s, %s)", shots[0], images[1])
            if n == 1:
                conn.execute("select public.update_storyboard_animation(%s, 'complete', 'https://cdn.example.com/a.mp4')",
                             (selection,))


CONTENT_NAMES = ("Draft with text", "Empty draft", "In review", "Approved", "In revision")


def content_fixture(conn, users: dict) -> dict:
    """Per user: its company (the app_metadata.company_id claim of its token), two employees, content in every
    status, a course plan with research, an assessment, a finished and a running enhancement session."""
    def one(query, *params):
        return conn.execute(query, params).fetchone()[0]

    claims = {}
    for key, user in users.items():
        company = str(one("insert into public.companies (name) values (%s) returning id", f"{key} Corp"))
        claims[key] = {"app_metadata": {"company_id": company}}
        employee = one("insert into public.employees (company_id, full_name) values (%s, 'Ann Lee') returning id", company)
        one("insert into public.employees (company_id, full_name) values (%s, 'Bo Chan') returning id", company)
        ids = {name: one("select public.create_module_content(%s, 'Ann Lee', 'sess-1', p_company_id => %s)", name, company)
               for name in CONTENT_NAMES}
        for name in CONTENT_NAMES[:1] + CONTENT_NAMES[2:]:
            one("select (public.update_module_sections(%s, %s)).revision_count", ids[name],
                json.dumps({"introduction": "Cash flow basics for managers", "core_content": "Forecast weekly"}))
        for name, moves in (("In review", ["quality_check"]), ("Approved", ["quality_check", "approved"]),
                            ("In revision", ["quality_check", "revision"])):
            for status in moves:
                one("select (public.update_content_status(%s, %s)).status", ids[name], status)
        plan = one("select public.store_course_plan(%s, 'Finance 101', '{\"modules\": [{\"title\": \"Cash\"}]}', "
                   "p_company_id => %s)", employee, company)
        one("select public.store_research_results(%s, '{\"cash\": {\"sources\": 2}}')", plan)
        assessment = one("select public.store_quality_assessment(%s, 6.5, '{\"introduction\": 7}', false, "
                         "p_sections_needing_work => array['core_content'])", ids["Draft with text"])
        session = one("select public.start_enhancement_session(%s, 'section_regeneration', "
                      "p_quality_assessment_id => %s)", ids["Draft with text"], assessment)
        one("select (public.complete_enhancement_session(%s, true, true)).status", session)
        one("select public.start_enhancement_session(%s, 'tone', array['introduction'])", ids["In revision"])
    return claims


MM_ASSETS = [
    {"asset_type": "video", "asset_name": "intro.mp4", "section_name": "introduction", "duration_seconds": 60},
    {"asset_type": "audio", "asset_name": "full.mp3", "duration_seconds": 90},
    {"asset_type": "audio", "asset_name": "seg1.mp3", "section_name": "narrations", "duration_seconds": 30},
    {"asset_type": "slide", "asset_name": "s1.png"},
    {"asset_type": "presentation", "asset_name": "deck.pdf"},
    {"asset_type": "thumbnail", "asset_name": "t.jpg"},
    {"asset_type": "script", "asset_name": "s.txt", "status": "failed"},
]


def multimedia_fixture(conn, users: dict) -> dict:
    """Per company (content_fixture made them): a session in progress on the approved content with assets of
    every type, a narration with a segment and a presentation with its PDF; a completed session; rendering jobs
    queued, running (worker-<user key>), completed and failed, tagged in their payload."""
    def one(query, *params):
        return conn.execute(query, params).fetchone()[0]

    for key in users:
        company = one("select id from public.companies where name = %s", f"{key} Corp")
        content = one("select content_id from public.cm_module_content where company_id = %s and module_name = "
                      "'Approved'", company)
        live = one("select public.create_multimedia_session(%s)", content)
        one("select (public.update_session_status(%s, 'processing', 40, 'slides')).status", live)
        ids = one("select array_agg(asset_id order by ordinal) from public.register_multimedia_assets(%s, %s)",
                  live, json.dumps(MM_ASSETS))
        one("select public.register_audio_narration(%s, 'Full narration', p_master_audio_id => %s, "
            "p_audio_segments => %s)", live, ids[1], json.dumps([{"asset_id": str(ids[2]), "duration_seconds": 30}]))
        one("select public.register_slide_presentation(%s, 'Deck', '[{\"n\": 1}, {\"n\": 2}]', "
            "p_pdf_asset_id => %s)", live, ids[4])
        done = one("select public.create_multimedia_session(%s, p_session_type => 'audio_only')", content)
        one("select public.register_multimedia_asset(%s, p_asset_type => 'audio', p_asset_name => 'done.mp3')", done)
        one("select (public.update_session_status(%s, 'completed')).status", done)
        worker = f"worker-{key}"
        for tag in ("running", "completed", "failed"):
            job = one("select public.enqueue_rendering_job(%s, 'module_video', %s, 100)", live, json.dumps({"tag": tag}))
            assert one("select job_id from public.claim_rendering_job(%s)", worker) == job
        one("select (public.complete_rendering_job(job_id, %s)).status from public.mm_rendering_queue "
            "where payload ->> 'tag' = 'completed' and locked_by = %s", worker, worker)
        one("select (public.fail_rendering_job(job_id, %s, 'bad source', false)).status from public.mm_rendering_queue "
            "where payload ->> 'tag' = 'failed' and locked_by = %s", worker, worker)
        one("select public.enqueue_rendering_job(%s, 'module_video', '{\"tag\": \"queued\"}')", live)
    return {}


def render_fixture(conn, users: dict) -> dict:
    """Per user (and one anonymous caller): render jobs pending (with an element and a finished validation step),
    processing (a running download step), completed and failed; a metric sample, a rate-limit window and a
    security event. Jobs carry their state in metadata.tag for the baselines."""
    def job(user, tag, fmt="mp4"):
        return conn.execute(
            "insert into public.jobs (user_id, client_ip, output_format, width, height, duration_seconds, metadata) "
            "values (%s, %s, %s, 1920, 1080, 60, %s) returning id",
            (user, IP_A, fmt, json.dumps({"tag": tag}))).fetchone()[0]

    for user in [*users.values(), None]:
        pending = job(user, "pending")
        conn.execute("insert into public.elements (job_id, type, source_url, width, height) "
                     "values (%s, 'video', 'https://cdn.example.com/a.mp4', 640, 360)", (pending,))
        conn.execute("insert into public.processing_timeline (job_id, step, finished_at, success) "
                     "values (%s, 'validation', clock_timestamp(), true)", (pending,))
        processing = job(user, "processing")
        conn.execute("select public.start_processing_step(%s, 'download')", (processing,))
        done = job(user, "completed")
        conn.execute("update public.jobs set status = 'processing' where id = %s", (done,))
        conn.execute("update public.jobs set status = 'completed', result_url = 'https://cdn.example.com/o.mp4', "
                     "file_size_bytes = 1000 where id = %s", (done,))
        failed = job(user, "failed", "gif")
        conn.execute("update public.jobs set status = 'failed', error_message = 'bad source' where id = %s", (failed,))
    conn.execute("select public.record_system_metric('queue.depth', 3, 'jobs', '{}', 10, 20)")
    conn.execute("select public.check_rate_limit(%s, 100, '1 hour')", (IP_A,))
    conn.execute("select public.log_security_event('fixture_event')")
    return {}


#: Invariants of each module, as queries returning the rows that break them (superuser view).
INVARIANTS = {
    "dreamcut": {
        "counters equal the recomputed counts": """
            select q.id from public.dreamcut_queries q
            left join lateral (select count(*) n, count(*) filter (where a.status in ('completed', 'failed')) f,
                                      coalesce(sum(case when a.status = 'failed' then 100 else a.progress end), 0) p
                               from public.dreamcut_assets a where a.query_id = q.id) c on true
            where (q.asset_count, q.assets_finished, q.asset_progress_total) <> (c.n, c.f, c.p)""",
        "a processing query whose assets all finished is merging, and only then": """
            select id from public.dreamcut_queries
            where status = 'processing' and ((assets_finished = asset_count) <> (stage = 'merging'))""",
        "exactly one merge message from merging on, none before": """
            select q.id from public.dreamcut_queries q
            where (select count(*) from public.dreamcut_messages m where m.query_id = q.id and m.type = 'merge')
                  <> (case when q.stage in ('merging', 'done') then 1 else 0 end)""",
        "a completed query is done at 100 with a completion time": """
            select id from public.dreamcut_queries where status = 'completed'
            and (stage <> 'done' or progress <> 100 or completed_at is null)""",
        "a failed query has its error and completion time": """
            select id from public.dreamcut_queries where status = 'failed' and (error_message is null or completed_at is null)""",
        "a completed asset is at 100, a finished one has its time": """
            select id from public.dreamcut_assets
            where (status = 'completed' and progress <> 100) or (status in ('completed', 'failed') and analyzed_at is null)""",
        "numbers are finite and in range": """
            select id from public.dreamcut_queries where cost_estimate = 'NaN' or cost_estimate < 0
            union all select id from public.dreamcut_assets
            where quality_score = 'NaN' or confidence_score = 'NaN' or quality_score not between 0 and 1
               or confidence_score not between 0 and 1""",
        "messages have content": "select id from public.dreamcut_messages where btrim(content) = ''",
    },
    "content": {
        "a course plan's employee belongs to the plan's company": """
            select p.plan_id from public.cm_course_plans p join public.employees e on e.id = p.employee_id
            where e.company_id <> p.company_id""",
        "content past draft has text": """
            select content_id from public.cm_module_content where status in ('quality_check', 'approved')
            and concat(introduction, core_content, practical_applications, case_studies, assessments) !~ '\\S'""",
        "a session's assessment is of the same content and company": """
            select s.session_id from public.cm_enhancement_sessions s
            join public.cm_quality_assessments a on a.assessment_id = s.quality_assessment_id
            where (a.content_id, a.company_id) <> (s.content_id, s.company_id)""",
    },
    "multimedia": {
        "session counters equal the recomputed counts": """
            select s.session_id from public.mm_multimedia_sessions s
            left join lateral (select count(*) filter (where a.status <> 'failed') t,
                                      count(*) filter (where a.status <> 'failed' and a.asset_type = 'slide') sl,
                                      count(*) filter (where a.status <> 'failed' and a.asset_type = 'audio') au,
                                      count(*) filter (where a.status <> 'failed' and a.asset_type = 'video') vi
                               from public.mm_multimedia_assets a where a.session_id = s.session_id) c on true
            where (s.total_assets_generated, s.slides_generated, s.audio_files_generated, s.video_files_generated)
                  <> (c.t, c.sl, c.au, c.vi)""",
        "a finished session has its time, a completed one 100": """
            select session_id from public.mm_multimedia_sessions
            where (status in ('completed', 'failed') and (completed_at is null or processing_duration_seconds is null))
               or (status = 'completed' and progress_percentage <> 100)""",
        "storage paths follow {asset_type}/{section_name}/{timestamp}_{filename}": """
            select asset_id from public.mm_multimedia_assets
            where storage_path !~ ('^' || asset_type || '/' || section_name || '/[0-9][0-9TZ_.:-]*_')
               or right(storage_path, length(asset_name) + 1) <> '_' || asset_name""",
        "narration segments and exports are assets of their own session": """
            select n.narration_id from public.mm_audio_narrations n, unnest(n.segments_audio_ids) as g (id)
            where not exists (select from public.mm_multimedia_assets m where m.asset_id = g.id
                              and m.session_id = n.session_id and m.asset_type = 'audio')
            union all select p.presentation_id from public.mm_slide_presentations p
            join public.mm_multimedia_assets m on m.asset_id in (p.pdf_asset_id, p.pptx_asset_id, p.html_asset_id)
            where m.session_id <> p.session_id or m.asset_type <> 'presentation'""",
        "a running job has its lease and worker; a queued one has attempts left": """
            select job_id from public.mm_rendering_queue
            where (status = 'running') <> (locked_by is not null and locked_until is not null)
               or (status = 'queued' and attempts >= max_attempts)""",
    },
    "render": {
        "a finished job has its time; a completed one its URL and 100; a failed one its error": """
            select id from public.jobs
            where (status in ('completed', 'failed', 'cancelled', 'timeout') and completed_at is null)
               or (status = 'completed' and (result_url is null or progress_percentage <> 100))
               or (status in ('failed', 'timeout') and error_message is null)
               or (status = 'processing' and started_at is null)""",
        "one running entry per job and step": """
            select min(id::text)::uuid from public.processing_timeline where success is null
            group by job_id, step having count(*) > 1""",
        "elements fit their job's canvas": """
            select e.id from public.elements e join public.jobs j on j.id = e.job_id
            where e.type <> 'audio' and (e.position_x + e.width > j.width or e.position_y + e.height > j.height
                                         or e.position_x < 0 or e.position_y < 0)""",
    },
    "storyboard": {
        "children carry their parents' project and scene": """
            select c.id from public.project_scenes c left join public.video_projects p on p.id = c.project_id
            where p.id is null
            union all select s.id from public.scene_shots s join public.project_scenes c on c.id = s.scene_id
            where s.project_id <> c.project_id
            union all select i.id from public.shot_images i join public.scene_shots s on s.id = i.shot_id
            where (i.scene_id, i.project_id) <> (s.scene_id, s.project_id)
            union all select l.id from public.storyboard_selections l join public.scene_shots s on s.id = l.shot_id
            where (l.scene_id, l.project_id) <> (s.scene_id, s.project_id)""",
        "scene_shots.selected_image_id is the shot's selection": """
            select s.id from public.scene_shots s left join public.storyboard_selections l on l.shot_id = s.id
            where s.selected_image_id is distinct from l.selected_image_id""",
        "a master shot is a complete image of its own shot": """
            select l.id from public.storyboard_selections l join public.shot_images i on i.id = l.selected_image_id
            where i.shot_id <> l.shot_id or i.status <> 'complete'""",
        "a refinement's parent is an earlier image of the same shot, one parent per iteration": """
            select i.id from public.shot_images i join public.shot_images p on p.id = i.parent_image_id
            where p.shot_id <> i.shot_id or p.iteration_number >= i.iteration_number
            union all select i.id from public.shot_images i where i.iteration_number = 0 and i.parent_image_id is not null
            union all select min(i.id::text)::uuid from public.shot_images i group by i.shot_id, i.iteration_number
            having count(distinct i.parent_image_id) > 1""",
        "completed things have their URL": """
            select id from public.shot_images where status = 'complete' and image_url is null
            union all select id from public.storyboard_selections
            where animation_status = 'complete' and animated_video_url is null""",
        "redesign_status is never behind what the data reached": """
            select p.id from public.video_projects p join public.video_project_progress v on v.project_id = p.id
            where p.workflow_version = 'v2_redesign' and array_position(array['prompt_planning', 'scenes_setup',
                'shot_iteration', 'storyboard_final', 'animation_complete'], p.redesign_status)
                < array_position(array['prompt_planning', 'scenes_setup', 'shot_iteration'], v.reached_status)""",
        "v1_legacy projects have no redesign status and no scenes": """
            select p.id from public.video_projects p where p.workflow_version = 'v1_legacy'
            and (p.redesign_status is not null or exists (select from public.project_scenes c where c.project_id = p.id))""",
    },
}

#: Per module: rows whose change is monotone. A success must not move any of them back.
MONOTONE = {
    "dreamcut": """
        select 'q' || id, jsonb_build_object('progress', progress, 'status', status, 'stage', stage,
               'final', case when status <> 'processing' then to_jsonb(q) - 'updated_at' end)
        from public.dreamcut_queries q
        union all
        select 'a' || id, jsonb_build_object('progress', progress, 'status', status,
               'final', case when status in ('completed', 'failed') then to_jsonb(a) - 'updated_at' end)
        from public.dreamcut_assets a""",
    "render": """
        select 'j' || id, jsonb_build_object('progress', progress_percentage, 'status', status,
               'final', case when status in ('completed', 'failed', 'cancelled', 'timeout')
                             then jsonb_build_array(status, progress_percentage, result_url, completed_at) end)
        from public.jobs""",
    "storyboard": """
        select 'p' || id, jsonb_build_object('progress', coalesce(array_position(array['prompt_planning',
               'scenes_setup', 'shot_iteration', 'storyboard_final', 'animation_complete'], redesign_status), 0),
               'status', 'processing', 'final', case when workflow_version = 'v2_redesign' then workflow_version end)
        from public.video_projects
        union all
        select 'i' || id, jsonb_build_object('progress', 0, 'status', 'pending',
               'final', case when status = 'complete' then status end)
        from public.shot_images""",
}
MONOTONE["multimedia"] = """
    select 's' || session_id, jsonb_build_object('progress', progress_percentage,
           'status', case status when 'started' then 'pending' else status end,
           'final', case when status in ('completed', 'failed')
                         then jsonb_build_array(status, progress_percentage, completed_at, current_stage) end)
    from public.mm_multimedia_sessions
    union all
    select 'j' || job_id, jsonb_build_object('progress', 0, 'status', 'pending',
           'final', case when status in ('completed', 'failed')
                         then jsonb_build_array(status, attempts, completed_at, md5(result::text), last_error) end)
    from public.mm_rendering_queue"""
STAGES = ["init", "analyzing", "merging", "done"]
STATUS_RANK = {"pending": 0, "analyzing": 1, "processing": 1, "completed": 2, "failed": 2, "cancelled": 2,
               "timeout": 2}

FIXTURES = {"dreamcut": dreamcut_fixture, "storyboard": storyboard_fixture, "content": content_fixture,
            "render": render_fixture, "multimedia": multimedia_fixture}


ADMIN = "c0ffee00-0000-4000-8000-00000000ad01"  # the render module's admin (app_metadata.role = 'admin')
IP_A = "203.0.113.10"  # the address of every API call here (PostgREST's x-forwarded-for)


@dataclass
class World:
    users: dict
    uuids: list
    vocabulary: list
    keys: list
    modules: list
    pools: dict = field(default_factory=dict)
    claims: dict = field(default_factory=dict)  # user key -> the trusted claims its token carries
    enums: dict = field(default_factory=dict)  # enum type -> labels
    admin: str = ADMIN


def claims_for(world: World, sub: str | None) -> dict:
    """The trusted claims (app_metadata) of the signed-in user ``sub``, as its JWT would carry them."""
    if sub == world.admin:
        return {"app_metadata": {"role": "admin"}}
    return next((world.claims.get(k, {}) for k, u in world.users.items() if u == sub), {})


def package_tables(conn) -> list[str]:
    return [r[0] for r in conn.execute(
        """select format('%%I.%%I', n.nspname, c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where c.relkind in ('r', 'p') and n.nspname = any(%s) order by 1""", (list(PACKAGE_SCHEMAS),))]


@pytest.fixture(scope="module")
def world(module_conn) -> World:
    conn = module_conn
    users = {"A": str(uuid.uuid4()), "B": str(uuid.uuid4())}
    modules = [r[0] for r in conn.execute("select module from dreamcut_private.installed_modules order by installed_at")]
    claims = {"A": {}, "B": {}}
    for module in modules:
        if module in FIXTURES:
            for key, extra in (FIXTURES[module](conn, users) or {}).items():
                claims[key] = {**claims[key], **extra}
    conn.commit()
    uuids = []
    for table in package_tables(conn):
        cols = [r[0] for r in conn.execute(
            "select attname from pg_attribute where attrelid = %s::regclass and atttypid = 'uuid'::regtype "
            "and attnum > 0 and not attisdropped", (table,))]
        for col in cols:
            uuids += [str(r[0]) for r in conn.execute(f"select distinct {col} from {table} where {col} is not null")]
    # Words the functions accept: string literals of the package's CHECK constraints and function bodies.
    texts = " ".join(r[0] for r in conn.execute(
        """select pg_get_constraintdef(c.oid) from pg_constraint c join pg_namespace n on n.oid = c.connamespace
           where n.nspname = any(%(s)s) and c.contype = 'c'
           union all select p.prosrc from pg_proc p join pg_namespace n on n.oid = p.pronamespace
           where n.nspname = any(%(s)s)""", {"s": list(PACKAGE_SCHEMAS)}))
    vocabulary = sorted({w for w in re.findall(r"'([a-z][a-z0-9_]{1,30})'", texts)})
    keys = sorted({w for w in re.findall(r"->>? *'([a-z][a-z0-9_]{0,30})'", texts)})
    # Ids by the name a parameter gives them: p_<fk column> takes the ids of the table that column references.
    pools = {}
    for column, target in conn.execute(
            """select a.attname, format('%%I.%%I', n.nspname, t.relname) from pg_constraint c
               join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
               join pg_class t on t.oid = c.confrelid join pg_namespace n on n.oid = t.relnamespace
               where c.contype = 'f' and n.nspname = any(%s) and cardinality(c.conkey) = 1""",
            (list(PACKAGE_SCHEMAS),)).fetchall():
        pools[column] = [str(r[0]) for r in conn.execute(f"select id from {target}")]
    enums = {r[0]: list(r[1]) for r in conn.execute(
        """select t.oid::regtype::text, array_agg(e.enumlabel order by e.enumsortorder)
           from pg_type t join pg_enum e on e.enumtypid = t.oid
           where t.typnamespace = 'public'::regnamespace group by t.oid""")}
    return World(users=users, uuids=sorted(set(uuids)), vocabulary=vocabulary, keys=keys, modules=modules,
                 pools=pools, claims=claims, enums=enums)


# ---------------------------------------------------------------------------------------------------------------
# The callable procedures and how each is called
# ---------------------------------------------------------------------------------------------------------------

#: Every procedure of the package that an API role may execute, with who calls it in the tests. A callable
#: procedure missing here fails test_every_callable_procedure_is_fuzzed.
W, SELF, OTHER, ANON = "service_role", "self", "other", "anon"
SB = (SELF, SELF, W, OTHER, ANON)  # storyboard: users on their own projects mostly, workers, intruders
CALLABLE = {  # procedure -> (module, who calls it in the tests; repeats weigh)
    "public.initialize_dreamcut_query": ("dreamcut", (W, SELF, OTHER, ANON)),
    "public.update_asset_progress": ("dreamcut", (W, W, SELF)),
    "public.complete_dreamcut_query": ("dreamcut", (W, W, SELF)),
    "public.fail_dreamcut_query": ("dreamcut", (W, W, OTHER)),
    **{f"public.{name}": ("storyboard", SB) for name in (
        "create_redesign_project", "update_redesign_project", "update_redesign_status", "delete_redesign_project",
        "create_project_scene", "update_project_scene", "delete_project_scene", "create_scene_shot",
        "update_scene_shot", "delete_scene_shot", "create_scene_with_shots", "batch_create_shot_images",
        "create_shot_image", "update_shot_image", "update_shot_image_status", "toggle_shot_image_favorite",
        "delete_shot_image", "get_latest_iteration_number", "select_master_shot", "create_storyboard_selection",
        "update_storyboard_animation", "get_shot_images_by_iteration", "is_scene_storyboard_complete",
        "get_project_progress")},
    **{f"public.{name}": ("content", SB) for name in (
        "create_module_content", "update_module_section", "update_module_sections", "update_content_status",
        "get_module_content", "get_content_sections", "store_course_plan", "store_research_results",
        "store_quality_assessment", "get_latest_quality_assessment", "start_enhancement_session",
        "complete_enhancement_session", "search_module_content", "cm_content_sections", "cm_caller_company_id")},
    **{f"public.{name}": ("render", (SELF, SELF, ANON, W, OTHER)) for name in (
        "create_job", "add_job_element", "add_job_elements", "cancel_job", "calculate_job_progress",
        "calculate_job_duration", "get_job_statistics", "get_storage_statistics")},
    **{f"public.{name}": ("render", (W, W, SELF)) for name in (
        "cleanup_old_jobs", "cleanup_old_metrics", "enforce_data_retention", "update_job_status",
        "update_job_progress", "complete_job", "timeout_stale_jobs", "start_processing_step",
        "complete_processing_step", "update_element_status", "log_storage_operation", "log_url_access",
        "record_system_metric", "check_rate_limit", "log_security_event")},
    **{f"public.{name}": ("multimedia", SB) for name in (
        "create_multimedia_session", "register_multimedia_asset", "register_multimedia_assets",
        "update_session_status", "register_audio_narration", "register_slide_presentation", "list_session_assets",
        "mm_storage_path", "enqueue_rendering_job", "get_multimedia_session")},
    **{f"public.{name}": ("multimedia", (W, W, SELF)) for name in (
        "claim_rendering_job", "heartbeat_rendering_job", "complete_rendering_job", "fail_rendering_job")},
    "dreamcut_private.running_job_of_worker": ("multimedia", (W, W, SELF)),
    # the storyboard delete procedures' one body
    "dreamcut_private.delete_storyboard_row": ("storyboard", (W, W, SELF)),
    # executable by the API roles, reachable by service_role only (USAGE on dreamcut_private)
    **{f"dreamcut_private.{name}": ("content", (W, W, SELF)) for name in (
        "cm_word_count", "cm_section_word_counts", "jwt_company_id")},
    **{f"dreamcut_private.{name}": ("render", (W, W, SELF)) for name in (
        "can_subscribe_to_job", "client_ip", "is_admin", "user_role", "delete_old_rows", "retention_cutoff")},
}

def callable_procedures(conn, kind: str = "f") -> dict[str, list[tuple[str, str, bool]]]:
    """name -> [(parameter, type, has default)] for every package function (``kind`` "f"; "p": procedure) an API
    role may execute."""
    rows = conn.execute(
        """select p.oid, format('%%I.%%I', n.nspname, p.proname), p.proargnames, p.proargtypes::regtype[]::text[],
                  p.pronargdefaults, p.pronargs
           from pg_proc p join pg_namespace n on n.oid = p.pronamespace
           where n.nspname = any(%s) and p.prokind = %s
             and not exists (select from pg_depend d where d.objid = p.oid and d.deptype = 'e')
             and p.prorettype <> 'trigger'::regtype
             and (has_function_privilege('anon', p.oid, 'execute')
                  or has_function_privilege('authenticated', p.oid, 'execute')
                  or has_function_privilege('service_role', p.oid, 'execute'))""",
        (list(PACKAGE_SCHEMAS), kind)).fetchall()
    out = {}
    for _oid, name, argnames, argtypes, ndefaults, nargs in rows:
        out[name] = [(argnames[i], argtypes[i], i >= nargs - ndefaults) for i in range(nargs)]
    return out


def test_every_callable_procedure_is_fuzzed(module_conn):
    found = set(callable_procedures(module_conn))
    assert found - set(CALLABLE) == set(), "add these procedures to CALLABLE (and give them a fixture/invariants)"
    assert set(CALLABLE) - found == set(), "CALLABLE lists procedures that no longer exist or are not callable"


# ---------------------------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------------------------

SQL_FRAGMENTS = [
    "'; drop table public.dreamcut_queries; --", "\" or 1=1 --", "$$; select pg_sleep(10); $$", "%s %I %L %%",
    "public.dreamcut_queries", "pg_catalog.pg_sleep(10)", "' || (select current_user) || '", "\\x00\\u0000",
    "E'\\\\'", "1; rollback; begin", "') or ('1'='1", "*/ select 1 /*", "${jndi:ldap://x}", "<script>alert(1)</script>",
    "null", "NULL", "undefined", "true", "[]", "{}", "0", "-1",
]
WEIRD = [
    "\u202eevil\u202c", "zero\u200bwidth", "e\u0301\u0301\u0301", "👩‍👩‍👧‍👦🎬", "\ufeffbom", "\ue000private",
    "\U0010ffff", "line\u2028sep", "tab\tnew\nline\rret", " ", "\u3000", "ǅ", "İ", "ß" * 50, "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\\", "'", '"',
]
text_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")


def huge_text():
    """Incompressible strings of 3 k to 200 k characters (bigger than a btree index row)."""
    return st.tuples(st.integers(0, 2**32), st.sampled_from([3000, 20_000, 200_000])).map(
        lambda t: "".join(random.Random(t[0]).choices("abcdefghijklmnopqrstuvwxyz0123456789éλ漢🎬", k=t[1])))


def json_values(world: World, max_leaves: int = 12):
    scalars = st.one_of(
        st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=False, allow_infinity=False),
        st.text(text_chars, max_size=20), st.sampled_from(world.vocabulary or ["x"]), st.sampled_from(WEIRD),
    )
    key = st.one_of(st.sampled_from(world.keys or ["k"]), st.text(text_chars, max_size=8))
    return st.recursive(scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(key, inner, max_size=5)), max_leaves=max_leaves)


def shaped_objects(world: World):
    """JSON objects whose keys are the ones the functions read, with plausible and wrong values."""
    value = st.one_of(
        st.sampled_from(world.vocabulary or ["x"]), st.integers(-5, 10**6), st.floats(-1e9, 1e12),
        st.sampled_from(["https://cdn.example.com/a.mp4", "", " ", "1.5", "1e400"]), st.none(), st.booleans(),
        st.lists(st.text(text_chars, max_size=10), max_size=3), st.dictionaries(st.sampled_from(world.keys or ["k"]),
                                                                               st.integers(0, 100), max_size=2),
        st.sampled_from([1e300, 1000.0, -0.0, 9223372036854775807, 9223372036854775808]),
    )
    return st.dictionaries(st.sampled_from((world.keys or ["k"]) + ["url", "type", "filename", "extra"]), value, max_size=6)


def asset_lists(world: World):
    good = st.fixed_dictionaries(
        {"url": st.sampled_from(["https://cdn.example.com/a.mp4", "s3://b/k.png", "x"]),
         "type": st.sampled_from(["image", "video", "audio"])},
        optional={"filename": st.text(text_chars, max_size=12), "description": st.sampled_from(WEIRD + SQL_FRAGMENTS),
                  "size": st.one_of(st.integers(0, 2**40), st.sampled_from([1000.0, 1.5, -1, 2**63, 1e400])),
                  "metadata": st.one_of(st.just({}), st.dictionaries(st.sampled_from(["duration", "fps", "x"]),
                                                                       st.integers(0, 120), max_size=2))})
    return st.lists(st.one_of(good, good, shaped_objects(world)), max_size=6)


def deep_json(depth: int, kind: str) -> str:
    return ("[" * depth + "]" * depth) if kind == "array" else ('{"a":' * depth + "1" + "}" * depth)


def values_for(world: World, pg_type: str, name: str, context: dict, hostile: bool):
    """A strategy of values (text, a list for arrays, or None) for one parameter of type ``pg_type``: plausible
    ones (so that calls get past validation and reach the writes), or, with ``hostile``, adversarial ones."""
    column = name.removeprefix("p_")
    if pg_type == "uuid":
        pool = world.pools.get(column) or world.uuids or [str(uuid.uuid4())]
        if not hostile:
            return st.sampled_from(pool)
        return st.one_of(st.sampled_from(world.uuids or pool), st.uuids().map(str), st.none(),
                         st.sampled_from(["", "not-a-uuid", "00000000-0000-0000-0000-000000000000", " " + pool[0]]),
                         st.sampled_from(SQL_FRAGMENTS))
    if pg_type in ("integer", "bigint", "smallint"):
        if not hostile:
            return st.one_of(st.integers(0, 100).map(str), st.sampled_from(["0", "100"]), st.none())
        return st.one_of(st.integers(-2**70, 2**70).map(str), st.integers(-5, 5).map(str),
                         st.sampled_from(["101", "-1", "2147483647", "2147483648", "-2147483649",
                                          "9223372036854775808", "1.5", "1e3", "abc", "", " 42 "]))
    if pg_type == "numeric":
        if not hostile:
            return st.one_of(st.decimals(min_value=0, max_value=1, places=2).map(str), st.none())
        return st.one_of(st.floats(allow_nan=False).map(repr),
                         st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-2, max_value=2).map(str),
                         st.sampled_from(["NaN", "Infinity", "-Infinity", "1e400", "-0", "0.995", "0.999", "1",
                                          "1e-400", "999999.99995", "abc"]))
    if pg_type in ("jsonb", "json"):
        if not hostile:
            if "asset" in name:
                return asset_lists(world).map(json.dumps)
            return st.one_of(shaped_objects(world).map(json.dumps), st.just("{}"), st.just("{}"), st.none())
        return st.one_of(json_values(world).map(json.dumps), shaped_objects(world).map(json.dumps),
                         st.sampled_from(['{', '[1,', '{"a":}', "nul", "'x'", '{"a":1,"a":2}', '"\\ud800"', "1e999",
                                          '{"a":"\\u0000"}', "", "[]", "{}", "null", '"text"', "42"]),
                         st.tuples(st.integers(1, 2000), st.sampled_from(["array", "object"])).map(lambda t: deep_json(*t)),
                         asset_lists(world).map(json.dumps))
    if pg_type == "text[]":
        if not hostile:
            return st.one_of(st.none(), st.lists(st.sampled_from(world.vocabulary or ["x"]), max_size=3))
        return st.one_of(st.lists(st.one_of(st.none(), st.text(text_chars, max_size=15), st.sampled_from(SQL_FRAGMENTS),
                                            st.sampled_from(WEIRD)), max_size=5),
                         st.sampled_from(['{', '{"a",', "not an array", "{}"]))
    if pg_type in world.enums:
        labels = world.enums[pg_type]
        if not hostile:
            return st.sampled_from(labels)
        return st.one_of(st.sampled_from(["", "garbage", labels[0].upper(), " " + labels[0], "null"]),
                         st.sampled_from(SQL_FRAGMENTS), st.none())
    if pg_type == "inet":
        if not hostile:
            return st.sampled_from([IP_A, "192.0.2.1", None])
        return st.sampled_from(["not-an-ip", "::1", "999.1.1.1", "10.0.0.0/8", "", "198.51.100.7", "fe80::1%eth0"])
    if pg_type == "interval":
        if not hostile:
            return st.sampled_from(["1 hour", "30 minutes", "1 day", None])
        return st.sampled_from(["-1 day", "infinity", "1000000 years", "garbage", "0", "1 month", "1.5 seconds",
                                "178000000 years"])
    if pg_type == "boolean":
        return st.sampled_from(["true", "false", None]) if not hostile else st.sampled_from(["t", "yes", "maybe", ""])
    if pg_type.startswith("timestamp") or pg_type == "date":
        if not hostile:
            return st.sampled_from([None, "2024-01-01", "now"])
        return st.sampled_from(["infinity", "-infinity", "2024-02-30", "294277-01-01", "garbage", "epoch"])
    # text, and anything else sent as text
    users = [context["sub"] or world.users["A"], world.users["A"], world.users["B"]]
    if not hostile:
        plausible = [st.sampled_from(world.vocabulary or ["x"]), st.text(text_chars, min_size=1, max_size=30), st.none()]
        if "user" in name:
            plausible = [st.sampled_from(users)]
        return st.one_of(*plausible)
    return st.one_of(st.sampled_from(SQL_FRAGMENTS), st.sampled_from(WEIRD), st.text(text_chars, max_size=40),
                     huge_text(), st.sampled_from(["", "   ", None]), st.sampled_from(users))


ROLES = {
    "service_role": lambda w: ("service_role", None),
    "self": lambda w: ("authenticated", w.users["A"]),
    "other": lambda w: ("authenticated", w.users["B"]),
    "anon": lambda w: ("anon", None),
}


@st.composite
def calls(draw, world: World, name: str, params: list, baseline: tuple):
    """A call derived from the procedure's valid baseline: some arguments replaced by plausible or hostile
    values or left out (their default), sometimes another caller, sometimes claims the user controls."""
    base_role, base_sub, base_args = baseline
    if draw(st.integers(0, 3)) == 0:
        role, sub = ROLES[draw(st.sampled_from(CALLABLE[name][1]))](world)
    else:
        role, sub = base_role, base_sub
    names = [p for p, _, _ in params]
    changed = draw(st.sets(st.sampled_from(names), max_size=len(names))) if names else set()
    args, values = [], []
    for pname, ptype, has_default in params:
        if pname in changed:
            if has_default and draw(st.integers(0, 4)) == 0:
                continue
            value = draw(values_for(world, ptype, pname, {"sub": sub}, hostile=draw(st.booleans())))
        elif pname in base_args:
            value = base_args[pname]
        else:
            continue
        args.append(f"{pname} => %s::{ptype}")
        values.append(value)
    claims = draw(st.sampled_from([{}, {}, {"user_metadata": {"role": "service_role", "sub": world.users["B"]}}]))
    return role, sub, claims, f"select {name}({', '.join(args)})", values


# ---------------------------------------------------------------------------------------------------------------
# The property
# ---------------------------------------------------------------------------------------------------------------


def fingerprint(conn, tables) -> dict:
    return {t: conn.execute(f"select count(*), md5(coalesce(string_agg(x::text, '|' order by x::text), '')) "
                            f"from (select to_jsonb(r) as x from {t} as r) s").fetchone() for t in tables}


def violations(conn, world: World, only: str | None = None) -> dict:
    found = {}
    for module in [only] if only else world.modules:
        for label, query in INVARIANTS.get(module, {}).items():
            rows = conn.execute(query).fetchall()
            if rows:
                found[f"{module}: {label}"] = rows[:3]
    return found


def monotone(conn, world: World, only: str | None = None) -> dict:
    state = {}
    for module in [only] if only else world.modules:
        if module in MONOTONE:
            state.update({k: v for k, v in conn.execute(MONOTONE[module])})
    return state


def went_back(before: dict, after: dict) -> list[str]:
    bad = []
    for key, old in before.items():
        new = after.get(key)
        if new is None:
            continue
        if old.get("final") is not None and new.get("final") != old["final"]:
            bad.append(f"{key}: finished row changed")
        if new["progress"] < old["progress"]:
            bad.append(f"{key}: progress {old['progress']} -> {new['progress']}")
        if STATUS_RANK[new["status"]] < STATUS_RANK[old["status"]]:
            bad.append(f"{key}: status {old['status']} -> {new['status']}")
        if "stage" in old and STAGES.index(new["stage"]) < STAGES.index(old["stage"]):
            bad.append(f"{key}: stage {old['stage']} -> {new['stage']}")
    return bad


#: DREAMCUT_HOSTILE_EXAMPLES raises the number of examples per procedure for a longer hunt (CI: 30; the edge
#: sweep below covers every parameter deterministically).
HOSTILE = settings(max_examples=int(os.environ.get("DREAMCUT_HOSTILE_EXAMPLES", "30")), deadline=None, database=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                          HealthCheck.data_too_large, HealthCheck.large_base_example])


@dataclass
class Committed:
    """The committed state every call starts from (each call is rolled back): computed once per test."""
    tables: list
    fingerprint: dict
    monotone: dict


def committed(conn, world: World) -> Committed:
    tables = package_tables(conn)
    return Committed(tables, fingerprint(conn, tables), monotone(conn, world))


def check_call(conn, world: World, base: Committed, name: str, role: str, sub, claims: dict, query: str,
               values) -> str:
    """Run one call in a rolled-back transaction; assert the property; return "ok" or the SQLSTATE."""
    with conn.transaction(force_rollback=True):
        try:
            with conn.transaction():
                conn.execute("set local statement_timeout = '20s'")
                set_identity(conn, role, sub, **{**claims_for(world, sub), **claims})
                conn.execute("select set_config('request.headers', %s, true)", (json.dumps({"x-forwarded-for": IP_A}),))
                conn.execute(query, values)
                conn.execute("reset role")
        except psycopg.Error as exc:
            assert allowed(exc.sqlstate, CALLABLE[name][0]), (
                f"{name} as {role}: SQLSTATE {exc.sqlstate} is not a documented error: {str(exc)[:300]}\n"
                f"{query} {str(values)[:500]}")
            assert fingerprint(conn, base.tables) == base.fingerprint, f"{name}: a failed call changed the data"
            return exc.sqlstate
        # A procedure writes the tables of its own module only (foreign keys between modules do not exist).
        broken = violations(conn, world, CALLABLE[name][0])
        assert not broken, f"{name} as {role} broke invariants: {broken}\n{query} {str(values)[:500]}"
        back = went_back(base.monotone, monotone(conn, world, CALLABLE[name][0]))
        assert not back, f"{name} as {role} moved rows back: {back}\n{query} {str(values)[:500]}"
        return "ok"


@pytest.mark.parametrize("name", sorted(CALLABLE))
def test_hostile_arguments_succeed_whole_or_fail_cleanly(module_conn, world, name):
    conn = module_conn
    procedures = callable_procedures(conn)
    if name not in procedures:
        pytest.skip(f"{name} is not installed")
    base = committed(conn, world)
    outcomes: dict[str, int] = {}
    baseline = BASELINES[name](conn, world)

    @HOSTILE
    @given(call=calls(world, name, procedures[name], baseline))
    def check(call):
        outcome = check_call(conn, world, base, name, *call)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    check()
    print(f"{name}: {outcomes}")
    assert outcomes.get("ok", 0) >= 1, f"no call got through validation: {outcomes}"


def first(conn, query: str, *params) -> str:
    row = conn.execute(query, params).fetchone()
    assert row, query
    return str(row[0])


#: A valid call of each procedure (role, sub, named arguments as text): the sweep changes one argument at a time.
BASELINES = {
    "public.initialize_dreamcut_query": lambda c, w: ("service_role", None, {
        "p_user_id": w.users["A"], "p_user_prompt": "Make a trailer", "p_intent": "video",
        "p_options": '{"duration": 30}',
        "p_assets": json.dumps([asset("video", metadata={"duration": 40}), asset("image", size=1024)])}),
    "public.update_asset_progress": lambda c, w: ("service_role", None, {
        "p_asset_id": first(c, "select a.id from public.dreamcut_assets a join public.dreamcut_queries q "
                               "on q.id = a.query_id where a.status = 'pending' and q.status = 'processing' "
                               "and a.type = 'video' order by a.id limit 1"),
        "p_progress": "50", "p_status": "analyzing", "p_analysis": '{"duration": 45}', "p_model_used": "clip",
        "p_message": "Looking at the shots", "p_message_type": "asset_progress", "p_emoji": "🔍",
        "p_worker_id": "worker-1", "p_processing_time_ms": "1200", "p_error_message": "none",
        "p_quality_score": "0.8", "p_confidence_score": "0.9"}),
    "public.complete_dreamcut_query": lambda c, w: ("service_role", None, {
        "p_query_id": first(c, "select id from public.dreamcut_queries where stage = 'merging' "
                               "and status = 'processing' order by id limit 1"),
        "p_payload": '{"intent": "trailer", "assets_summary": "1 image", "suggested_directions": ["dark"]}',
        "p_processing_time_ms": "5000", "p_models_used": ["clip", "gpt"], "p_cost_estimate": "0.042"}),
    "public.fail_dreamcut_query": lambda c, w: ("service_role", None, {
        "p_query_id": first(c, "select id from public.dreamcut_queries where status = 'processing' order by id limit 1"),
        "p_error_message": "worker lost"}),
}

def sb(conn, world: World, what: str) -> str:
    """An id of user A's storyboard rows in a given state (see storyboard_fixture)."""
    main = "(select id from public.video_projects where user_id = %(a)s and prompt = 'Neon city')"
    scene = f"(select id from public.project_scenes where project_id = {main} and scene_number = %(n)s)"
    shot = f"(select id from public.scene_shots where scene_id = {scene} and shot_number = %(k)s)"
    queries = {
        "project": (main, {}),
        "empty project": ("(select id from public.video_projects where user_id = %(a)s and title = 'Empty')", {}),
        "scene": (scene, {"n": 1}),
        "shot": (shot, {"n": 1, "k": 1}),  # iterations 0 (complete) and 1 (pending, failed), a selection
        "unselected shot": (shot, {"n": 1, "k": 2}),  # complete images, no selection
        "bare shot": (shot, {"n": 1, "k": 3}),  # no images
        "pending image": (f"(select id from public.shot_images where shot_id = {shot} and iteration_number = 1 "
                          "and variant_number = 0)", {"n": 1, "k": 1}),
        "complete image": (f"(select id from public.shot_images where shot_id = {shot} and iteration_number = 0 "
                           "and variant_number = 2)", {"n": 1, "k": 2}),
        "pending selection": (f"(select id from public.storyboard_selections where shot_id = {shot})", {"n": 2, "k": 1}),
    }
    query, params = queries[what]
    return str(conn.execute(f"select {query}", {"a": world.users["A"], **params}).fetchone()[0])


def sb_call(role: str = "self", **args):
    """A storyboard baseline: user A on its own rows (or a worker); values naming rows are looked up with sb()."""
    def build(conn, world):
        db_role, sub = ROLES[role](world)
        return (db_role, sub,
                {k: sb(conn, world, v[1:]) if isinstance(v, str) and v.startswith("@") else v for k, v in args.items()})
    return build


BASELINES.update({
    "public.create_redesign_project": sb_call(p_prompt="A heist", p_title="Heist", p_prompt_planner_data='"brain dump"'),
    "public.update_redesign_project": sb_call(p_project_id="@project", p_title="New title", p_prompt="New prompt",
                                              p_prompt_planner_data='{"notes": ["a"]}'),
    "public.update_redesign_status": sb_call(p_project_id="@project", p_status="shot_iteration"),
    "public.delete_redesign_project": sb_call(p_project_id="@empty project"),
    "public.create_project_scene": sb_call(p_project_id="@project", p_scene_number="7", p_title="Chase",
                                           p_description="Rooftops"),
    "public.update_project_scene": sb_call(p_scene_id="@scene", p_scene_number="9", p_title="Renamed",
                                           p_description=""),
    "public.delete_project_scene": sb_call(p_scene_id="@scene"),
    "public.create_scene_shot": sb_call(p_scene_id="@scene", p_shot_number="8", p_description="Close-up",
                                        p_initial_prompt="eyes", p_project_id="@project"),
    "public.update_scene_shot": sb_call(p_shot_id="@shot", p_shot_number="9", p_description="d", p_initial_prompt="p"),
    "public.delete_scene_shot": sb_call(p_shot_id="@shot"),
    "public.create_scene_with_shots": sb_call(
        p_project_id="@project", p_scene_number="5", p_title="Finale", p_description="End",
        p_shots=json.dumps([{"shotNumber": 1, "description": "a", "initialPrompt": "b"}, {"shotNumber": 2}])),
    "public.batch_create_shot_images": sb_call(
        p_shot_id="@bare shot", p_images=json.dumps([{"variantNumber": 0, "imageUrl": "https://x/0.png",
                                                      "status": "complete", "metadata": {"seed": 1}},
                                                     {"variantNumber": 1}]),
        p_iteration_prompt="moody"),
    "public.create_shot_image": sb_call(p_shot_id="@shot", p_iteration_number="0", p_variant_number="4",
                                        p_iteration_prompt="p", p_image_url="https://x/4.png", p_status="processing",
                                        p_image_storage_id="s", p_replicate_image_id="r", p_metadata='{"seed": 4}'),
    "public.update_shot_image": sb_call(p_image_id="@pending image", p_image_url="https://x/p.png",
                                        p_status="processing", p_image_storage_id="s", p_replicate_image_id="r",
                                        p_iteration_prompt="p", p_is_favorite="true", p_metadata='{"a": 1}'),
    "public.update_shot_image_status": sb_call(p_image_id="@pending image", p_status="complete",
                                               p_image_url="https://x/done.png"),
    "public.toggle_shot_image_favorite": sb_call(p_image_id="@complete image"),
    "public.delete_shot_image": sb_call(p_image_id="@complete image"),
    "public.get_latest_iteration_number": sb_call(p_shot_id="@shot"),
    "public.select_master_shot": sb_call(p_shot_id="@unselected shot", p_selected_image_id="@complete image"),
    "public.create_storyboard_selection": sb_call(p_shot_id="@unselected shot", p_selected_image_id="@complete image",
                                                  p_project_id="@project", p_scene_id="@scene"),
    "public.update_storyboard_animation": sb_call(p_selection_id="@pending selection", p_animation_status="complete",
                                                  p_animated_video_url="https://x/v.mp4", p_replicate_video_id="rv"),
    "public.get_shot_images_by_iteration": sb_call(p_shot_id="@shot"),
    "public.is_scene_storyboard_complete": sb_call(p_scene_id="@scene"),
    "public.get_project_progress": sb_call(p_project_id="@project"),
    "dreamcut_private.delete_storyboard_row": sb_call("service_role", p_table="shot_images", p_id="@complete image"),
})

def cm(conn, world: World, what: str) -> str:
    """An id of company A's content rows (see content_fixture)."""
    company = world.claims["A"]["app_metadata"]["company_id"]
    content = "(select content_id from public.cm_module_content where company_id = %(c)s and module_name = %(n)s)"
    queries = {
        "company": "%(c)s::uuid",
        "employee": "(select id from public.employees where company_id = %(c)s and full_name = 'Ann Lee')",
        "plan": "(select plan_id from public.cm_course_plans where company_id = %(c)s limit 1)",
        "assessment": f"(select assessment_id from public.cm_quality_assessments where content_id = {content})",
        "running session": f"(select session_id from public.cm_enhancement_sessions where content_id = {content} "
                           "and status = 'in_progress')",
    }
    name = {"assessment": "Draft with text", "running session": "In revision"}.get(what, what)
    query = queries.get(what, content)
    return str(conn.execute(f"select {query}", {"c": company, "n": name}).fetchone()[0])


def cm_call(**args):
    """A content baseline: a user of company A on its company's rows; "@..." values are looked up with cm()."""
    def build(conn, world):
        return ("authenticated", world.users["A"],
                {k: cm(conn, world, v[1:]) if isinstance(v, str) and v.startswith("@") else v for k, v in args.items()})
    return build


BASELINES.update({
    "public.create_module_content": cm_call(p_module_name="Cash flow", p_employee_name="Ann", p_session_id="s-9",
                                            p_module_spec='{"level": 2}', p_research_context='{"gaps": []}',
                                            p_priority_level="high"),
    "public.update_module_section": cm_call(p_content_id="@Draft with text", p_section_name="case_studies",
                                            p_section_content="Acme's 2023 cash crunch"),
    "public.update_module_sections": cm_call(p_content_id="@In revision",
                                             p_sections='{"assessments": "Quiz", "introduction": null}'),
    "public.update_content_status": cm_call(p_content_id="@In review", p_status="approved"),
    "public.get_module_content": cm_call(p_content_id="@Approved"),
    "public.get_content_sections": cm_call(p_content_id="@Approved"),
    "public.store_course_plan": cm_call(
        p_employee_id="@employee", p_course_title="Treasury", p_course_structure='{"modules": [{}, {}]}',
        p_employee_name="Ann", p_session_id="s-2", p_prioritized_gaps='["cash"]', p_research_strategy='{}',
        p_learning_path='{}', p_employee_profile='{"role": "cfo"}', p_course_duration_weeks="6", p_status="draft"),
    "public.store_research_results": cm_call(
        p_plan_id="@plan", p_research_findings='[{"topic": "fx"}]', p_content_library='{}', p_module_mappings='{}',
        p_search_queries=["fx hedging"], p_sources_analyzed=["https://example.com"], p_session_id="r-1",
        p_status="in_progress"),
    "public.store_quality_assessment": cm_call(
        p_content_id="@Approved", p_overall_score="8.5", p_section_scores='{"introduction": 9}', p_passed="true",
        p_accuracy_score="9", p_clarity_score="8", p_completeness_score="7.5", p_engagement_score="6",
        p_personalization_score="10", p_quality_feedback="Good", p_requires_revision="false",
        p_sections_needing_work=["case_studies"], p_critical_issues=["none"]),
    "public.get_latest_quality_assessment": cm_call(p_content_id="@Draft with text"),
    "public.start_enhancement_session": cm_call(p_content_id="@Draft with text", p_enhancement_type="rewrite",
                                                p_sections_to_enhance=["introduction"],
                                                p_quality_assessment_id="@assessment"),
    "public.complete_enhancement_session": cm_call(p_session_id="@running session", p_research_conducted="true",
                                                   p_content_regenerated="false", p_status="failed"),
    "public.search_module_content": cm_call(p_query="cash flow", p_limit="5", p_status="approved"),
    "public.cm_content_sections": cm_call(),
    "public.cm_caller_company_id": cm_call(p_company_id="@company"),
    "dreamcut_private.cm_word_count": lambda c, w: ("service_role", None, {"p_text": "two  words"}),
    "dreamcut_private.cm_section_word_counts": lambda c, w: ("service_role", None, {
        "p_introduction": "a b", "p_core_content": None, "p_practical_applications": "c",
        "p_case_studies": " ", "p_assessments": "d e f"}),
    "dreamcut_private.jwt_company_id": lambda c, w: ("service_role", None, {}),
})


def mm(conn, world: World, what: str) -> str:
    """An id of company A's multimedia rows (see multimedia_fixture)."""
    company = world.claims["A"]["app_metadata"]["company_id"]
    live = ("(select session_id from public.mm_multimedia_sessions where company_id = %(c)s "
            "and session_type = 'full_generation')")
    asset = f"(select asset_id from public.mm_multimedia_assets where session_id = {live} and asset_name = %(n)s)"
    queries = {
        "content": ("(select content_id from public.cm_module_content where company_id = %(c)s "
                    "and module_name = 'Approved')", None),
        "session": (live, None),
        "audio": (asset, "seg1.mp3"), "master": (asset, "full.mp3"), "deck": (asset, "deck.pdf"),
        "running job": ("(select job_id from public.mm_rendering_queue where company_id = %(c)s "
                        "and payload ->> 'tag' = 'running')", None),
    }
    query, name = queries[what]
    return str(conn.execute(f"select {query}", {"c": company, "n": name}).fetchone()[0])


def mm_call(role: str = "self", **args):
    """A multimedia baseline: a user of company A (or a worker) on A's rows; "@..." values are looked up with mm(),
    and "{@...}" inside a JSON text too."""
    def build(conn, world):
        db_role, sub = ROLES[role](world)

        def value(v):
            if isinstance(v, str) and v.startswith("@"):
                return mm(conn, world, v[1:])
            if isinstance(v, str):
                return re.sub(r"\{@([a-z ]+)\}", lambda m: mm(conn, world, m.group(1)), v)
            return v
        return db_role, sub, {k: value(v) for k, v in args.items()}
    return build


BASELINES.update({
    "public.create_multimedia_session": mm_call(
        p_content_id="@content", p_module_name="Cash", p_employee_name="Ann", p_session_type="section_video",
        p_generation_config='{"voice": "alloy"}', p_content_sections=["introduction"]),
    "public.register_multimedia_asset": mm_call(
        p_session_id="@session", p_content_id="@content", p_asset_type="video", p_file_path="/tmp/v.mp4",
        p_duration_seconds="12.5", p_storage_bucket="multimedia-assets", p_section_name="core_content",
        p_asset_name="v.mp4", p_file_size_bytes="1000", p_mime_type="video/mp4", p_generation_config="{}",
        p_status="processed", p_public_url="https://cdn.example.com/v.mp4",
        p_storage_path="video/core_content/20250101_000000_v.mp4"),
    "public.register_multimedia_assets": mm_call(p_session_id="@session", p_assets=json.dumps([
        {"asset_type": "slide", "asset_name": "s2.png", "file_size_bytes": 2048},
        {"asset_type": "audio", "file_path": "/a/b.mp3", "duration_seconds": 3, "section_name": "narrations"}])),
    "public.update_session_status": mm_call(p_session_id="@session", p_status="processing",
                                            p_progress_percentage="60", p_current_stage="narration",
                                            p_processing_duration_seconds="10"),
    "public.register_audio_narration": mm_call(
        p_session_id="@session", p_narration_name="Intro", p_narration_type="section", p_section_name="introduction",
        p_script_content="Welcome", p_voice_config='{"voice": "nova"}',
        p_audio_segments='[{"asset_id": "{@audio}", "duration_seconds": 5, "text": "Welcome"}]',
        p_master_audio_id="@master", p_total_duration_seconds="35", p_status="completed"),
    "public.register_slide_presentation": mm_call(
        p_session_id="@session", p_presentation_name="Summary deck", p_slide_order='[{"n": 1}]',
        p_presentation_type="summary", p_template_used="plain", p_theme_config='{"palette": "blue"}',
        p_pdf_asset_id="@deck", p_status="draft"),
    "public.list_session_assets": mm_call(p_session_id="@session", p_asset_type="audio"),
    "public.get_multimedia_session": mm_call(p_session_id="@session"),
    "public.mm_storage_path": mm_call(p_asset_type="video", p_section_name="introduction", p_filename="a.mp4",
                                      p_at="2025-01-01T00:00:00Z"),
    "public.enqueue_rendering_job": mm_call(p_session_id="@session", p_job_type="section_video",
                                            p_payload='{"section": "introduction"}', p_priority="0",
                                            p_max_attempts="5", p_run_after="2024-01-01"),
    "public.claim_rendering_job": mm_call("service_role", p_worker_id="worker-9", p_lease_seconds="60",
                                          p_job_types=["module_video"]),
    "public.heartbeat_rendering_job": mm_call("service_role", p_job_id="@running job", p_worker_id="worker-A",
                                              p_lease_seconds="120"),
    "public.complete_rendering_job": mm_call("service_role", p_job_id="@running job", p_worker_id="worker-A",
                                             p_result='{"asset_id": "a1"}'),
    "public.fail_rendering_job": mm_call("service_role", p_job_id="@running job", p_worker_id="worker-A",
                                         p_error="encoder crashed", p_retry="true", p_retry_delay_seconds="0"),
    "dreamcut_private.running_job_of_worker": mm_call("service_role", p_job_id="@running job",
                                                      p_worker_id="worker-A"),
})


def rj(conn, world: World, what: str) -> str:
    """An id of user A's render rows (see render_fixture): a job by state, its element or running step."""
    job = "(select id from public.jobs where user_id = %(a)s and metadata ->> 'tag' = %(t)s)"
    queries = {
        "element": (f"(select id from public.elements where job_id = {job})", "pending"),
        "running step": (f"(select id from public.processing_timeline where job_id = {job} and success is null)",
                         "processing"),
    }
    query, tag = queries.get(what, (job, what))
    return str(conn.execute(f"select {query}", {"a": world.users["A"], "t": tag}).fetchone()[0])


def rj_call(role: str = "self", **args):
    """A render baseline: user A (or a worker, or the admin) on A's jobs; "@..." values are looked up with rj()."""
    def build(conn, world):
        db_role, sub = ROLES[role](world)
        return (db_role, sub,
                {k: rj(conn, world, v[1:]) if isinstance(v, str) and v.startswith("@") else v for k, v in args.items()})
    return build


BASELINES.update({
    "public.create_job": rj_call(p_output_format="mp4", p_width="1280", p_height="720", p_fps="25",
                                 p_user_agent="curl/8", p_metadata='{"campaign": "x"}', p_response_type="async",
                                 p_duration_seconds="12.5"),
    "public.add_job_element": rj_call(
        p_job_id="@pending", p_type="image", p_source_url="https://cdn.example.com/b.png", p_start_time="1",
        p_duration="5", p_position_x="10", p_position_y="20", p_width="320", p_height="180", p_fit_mode="cover",
        p_layer_order="3", p_metadata='{"alt": "logo"}'),
    "public.add_job_elements": rj_call(p_job_id="@pending", p_elements=json.dumps([
        {"type": "text", "text_content": "Hello", "width": 400, "height": 100},
        {"type": "audio", "source_url": "s3://bucket/track.mp3", "start_time": 0, "duration": 30}])),
    "public.cancel_job": rj_call(p_job_id="@pending", p_reason="changed my mind"),
    "public.calculate_job_progress": rj_call(p_job_id="@processing"),
    "public.calculate_job_duration": rj_call(p_job_id="@completed"),
    "public.get_job_statistics": rj_call(p_start_date="2000-01-01", p_end_date="2100-01-01"),
    "public.get_storage_statistics": rj_call(p_start_date="2000-01-01", p_end_date="2100-01-01"),
    "public.update_job_status": rj_call("service_role", p_job_id="@processing", p_status="failed",
                                        p_error_message="encoder crashed", p_error_code="E42"),
    "public.update_job_progress": rj_call("service_role", p_job_id="@processing", p_progress="40",
                                          p_current_step="encoding"),
    "public.complete_job": rj_call("service_role", p_job_id="@processing", p_result_url="https://cdn.example.com/r.mp4",
                                   p_file_size_bytes="123456", p_s3_bucket="renders", p_s3_key="r.mp4",
                                   p_expires_at="2100-01-01"),
    "public.timeout_stale_jobs": rj_call("service_role", p_stale_after="30 minutes", p_pending_after="1 day"),
    "public.start_processing_step": rj_call("service_role", p_job_id="@pending", p_step="download",
                                            p_details='{"worker": "w1"}'),
    "public.complete_processing_step": rj_call("service_role", p_timeline_id="@running step", p_success="true",
                                               p_resource_usage='{"cpu": 0.5}', p_details='{"ok": true}'),
    "public.update_element_status": rj_call("service_role", p_element_id="@element", p_status="processing",
                                            p_local_path="/tmp/a.mp4"),
    "public.log_storage_operation": rj_call("service_role", p_job_id="@completed", p_operation="upload",
                                            p_bucket="renders", p_object_key="out/r.mp4", p_success="true",
                                            p_bytes="1000", p_duration_ms="50", p_metadata='{}'),
    "public.log_url_access": rj_call("service_role", p_job_id="@completed", p_url="https://cdn.example.com/o.mp4",
                                     p_ip_address="192.0.2.1", p_user_agent="vlc", p_referrer="https://example.com",
                                     p_country_code="FR", p_geolocation='{"city": "Lyon"}', p_bytes_transferred="10",
                                     p_response_time_ms="5", p_status_code="200"),
    "public.record_system_metric": rj_call("service_role", p_metric_name="queue.depth", p_metric_value="7",
                                           p_unit="jobs", p_tags='{"region": "eu"}', p_warning_threshold="10",
                                           p_critical_threshold="20"),
    "public.check_rate_limit": rj_call("service_role", p_client_ip=IP_A, p_limit="100", p_interval="1 hour"),
    "public.log_security_event": rj_call("service_role", p_event_type="unauthorized_access",
                                         p_details='{"path": "/admin"}'),
    "public.cleanup_old_jobs": rj_call("service_role", p_days="30", p_batch_size="100", p_max_batches="1"),
    "public.cleanup_old_metrics": rj_call("service_role", p_days="7", p_batch_size="100", p_max_batches="1"),
    "public.enforce_data_retention": rj_call("service_role", p_job_days="90", p_access_log_days="90",
                                             p_metric_days="30", p_security_event_days="365"),
    "dreamcut_private.delete_old_rows": rj_call("service_role", p_table="public.system_metrics",
                                                p_cutoff="2000-01-01", p_batch_size="100", p_max_batches="1"),
    "dreamcut_private.retention_cutoff": rj_call("service_role", p_parameter="p_days", p_days="30"),
    "dreamcut_private.can_subscribe_to_job": rj_call("service_role", p_job_id="@pending"),
    "dreamcut_private.client_ip": rj_call("service_role"),
    "dreamcut_private.is_admin": rj_call("service_role"),
    "dreamcut_private.user_role": rj_call("service_role"),
})


EDGES = {
    "text": [None, "", "   ", "HUGE", "REPETITIVE", *WEIRD[:5], *SQL_FRAGMENTS[:5]],
    "uuid": [None, "", "not-a-uuid", "00000000-0000-0000-0000-000000000000", "'; select 1; --"],
    "integer": [None, "-1", "0", "101", "2147483647", "2147483648", "-2147483649", "1.5", "abc"],
    "numeric": [None, "NaN", "Infinity", "-Infinity", "1e400", "-0", "1e-400", "-1", "2", "0.995", "abc"],
    "jsonb": [None, "{", "[1,", "null", "[]", "{}", '"text"', "42", "true", '{"a": "\\u0000"}', "DEEP",
              '{"duration": "NaN"}', '{"duration": 1e300}', '{"duration": -5}', '{"intent": 5}',
              '{"suggested_directions": [1, null]}', '[{"url": "x", "type": "image", "size": 1000.0}]',
              '[{"url": "x", "type": "image", "size": 1e30}]', '[{"url": "x", "type": "image", "size": -0.0}]',
              '[{"url": " ", "type": "image"}]', '[{"url": "x", "type": "video", "metadata": null}]', '[null]'],
    "text[]": [None, [], [None], ["x" * 3000], "{", '{"a",'],
    "double precision": [None, "NaN", "Infinity", "-Infinity", "1e308", "1e309", "-0", "-1", "11", "abc"],
    "boolean": [None, "t", "yes", "maybe", ""],
    "timestamp with time zone": [None, "infinity", "-infinity", "2024-02-30", "294277-01-01", "epoch", "garbage"],
    "inet": [None, "::1", "999.1.1.1", "10.0.0.0/8", "not-an-ip", "198.51.100.7"],
    "interval": [None, "-1 day", "infinity", "0", "1 month", "1.5 seconds", "178000000 years", "garbage"],
    "enum": [None, "", "garbage", "'; select 1; --"],
}
EDGES["bigint"] = EDGES["integer"] + ["9223372036854775807", "9223372036854775808"]


def edge_value(value):
    if value == "HUGE":
        return "".join(random.Random(7).choices("abcdefghijklmnopqrstuvwxyz0123456789éλ漢", k=3000))
    if value == "REPETITIVE":
        return "ab" * 500_000
    if value == "DEEP":
        return deep_json(3000, "array")
    return value


@pytest.mark.parametrize("name", sorted(CALLABLE))
def test_edge_values_in_every_parameter(module_conn, world, name):
    """Every parameter in turn gets every edge value of its type, the others staying valid."""
    conn = module_conn
    procedures = callable_procedures(conn)
    if name not in procedures:
        pytest.skip(f"{name} is not installed")
    assert name in BASELINES, f"give {name} a valid baseline call in BASELINES"
    state = committed(conn, world)
    role, sub, base = BASELINES[name](conn, world)
    types = {p: t for p, t, _ in procedures[name]}

    def call(args: dict) -> str:
        query = f"select {name}({', '.join(f'{p} => %s::{types[p]}' for p in args)})"
        return check_call(conn, world, state, name, role, sub, {}, query, list(args.values()))

    assert call(base) == "ok", "the baseline call must succeed"
    outcomes: dict[str, int] = {}
    for param, ptype in types.items():
        for value in EDGES.get(ptype) or (EDGES["enum"] if ptype in world.enums else EDGES["text"]):
            outcome = call({**base, param: edge_value(value)})
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    print(f"{name}: {outcomes}")


def test_the_fixture_data_satisfies_the_invariants(module_conn, world):
    assert violations(module_conn, world) == {}


def test_json_nested_beyond_the_server_stack_is_refused_before_any_function_runs(module_conn, world):
    """PostgreSQL's JSON parser refuses documents nested deeper than its stack allows (54001, a server limit
    met while reading the argument, before the function starts); anything the parser accepts is handled."""
    conn = module_conn
    tables = package_tables(conn)
    q = conn.execute("select id from public.dreamcut_queries where status = 'processing' limit 1").fetchone()[0]
    conn.commit()
    before = fingerprint(conn, tables)
    for depth, expected in ((5000, None), (500_000, "54001")):
        for kind in ("array", "object"):
            try:
                with conn.transaction():
                    conn.execute("select public.initialize_dreamcut_query('u', 'p', null, %s::jsonb)", (deep_json(depth, kind),))
                    conn.execute("select public.complete_dreamcut_query(%s, %s::jsonb)", (q, deep_json(depth, kind)))
                code = None
            except psycopg.Error as exc:
                code = exc.sqlstate
            if expected is None:
                assert code is None or allowed(code, "dreamcut"), code
            else:
                assert code == expected
    conn.rollback()
    assert fingerprint(conn, tables) == before


def test_no_procedure_is_callable_by_an_api_role(module_conn):
    """PostgREST cannot call procedures and the package needs none (retention runs in bounded calls of functions,
    docs/render.md): a procedure an API role may CALL would be a path this harness does not fuzz."""
    assert callable_procedures(module_conn, "p") == {}


# ---------------------------------------------------------------------------------------------------------------
# Dynamic SQL
# ---------------------------------------------------------------------------------------------------------------


def test_dynamic_sql_in_package_functions_quotes_what_it_interpolates(module_conn):
    """Every EXECUTE in a package function builds its text with format() and %I / %L only (no %s, no ||)."""
    found = []
    for name, body in module_conn.execute(
            """select p.oid::regprocedure::text, p.prosrc from pg_proc p join pg_namespace n on n.oid = p.pronamespace
               where n.nspname = any(%s) and p.prolang = (select oid from pg_language where lanname = 'plpgsql')""",
            (list(PACKAGE_SCHEMAS),)):
        for statement in re.findall(r"\bexecute\b(.*?);", body, flags=re.S | re.I):
            if not re.match(r"\s*format\(\s*'[^']*'", statement) or re.search(r"%s|\|\|", statement):
                found.append(f"{name}: execute{statement[:120]}")
    assert found == []


# ---------------------------------------------------------------------------------------------------------------
# search_path hijack
# ---------------------------------------------------------------------------------------------------------------

KEYWORDS = {"in", "exists", "values", "coalesce", "nullif", "greatest", "least", "case", "select", "array", "any",
            "all", "cast", "if", "and", "or", "not", "when", "then", "else", "from", "where", "returning", "using",
            "raise", "exception", "perform", "filter", "over", "row", "on", "as", "into", "set", "insert", "update",
            "delete", "ordinality", "with", "by", "limit", "is", "distinct", "join", "lateral", "table", "return"}
TYPES_OK = ("text", "jsonb", "json", "integer", "bigint", "numeric", "uuid", "boolean", "timestamp with time zone",
            "text[]", "character varying", "smallint", "double precision", "name", "regclass", "interval", "date",
            "inet", "timestamp with time zone", "real", "tsvector", "tsquery", "uuid[]")
OPERATORS = ["=", "<>", "||", "->", "->>", "<", ">", "<=", ">=", "+", "-", "*", "/", "?", "@>", "~~"]


def hijack_sql(conn) -> list[str]:
    """DDL for schema evil: a look-alike of every pg_catalog function the package's bodies call by name, and of
    every common operator on the package's types, each raising the notice HIJACKED."""
    bodies = " ".join(r[0] for r in conn.execute(
        "select p.prosrc from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = any(%s)",
        (list(PACKAGE_SCHEMAS),)))
    names = sorted({m.lower() for m in re.findall(r"(?<![.\w])([a-zA-Z_][a-zA-Z0-9_]*)\s*\(", bodies)} - KEYWORDS)
    ddl = []
    for name, args, result, retset in conn.execute(
            """select p.proname, array(select format_type(t, null) from unnest(p.proargtypes) t),
                      format_type(p.prorettype, null), p.proretset
               from pg_proc p where p.pronamespace = 'pg_catalog'::regnamespace and p.prokind = 'f'
                 and p.proname = any(%s) and p.proallargtypes is null""", (names,)):
        if not all(a in TYPES_OK for a in args) or result not in TYPES_OK:
            continue
        ret = f"setof {result}" if retset else result
        body = "begin raise notice 'HIJACKED %', '{0}'; return{1}; end".format(name, "" if retset else " null")
        ddl.append(f"create function evil.{name}({', '.join(args)}) returns {ret} language plpgsql as $h${body}$h$")
    n = 0
    for op, left, right, result in conn.execute(
            """select o.oprname, format_type(o.oprleft, null), format_type(o.oprright, null), format_type(o.oprresult, null)
               from pg_operator o where o.oprnamespace = 'pg_catalog'::regnamespace and o.oprname = any(%s)
                 and o.oprleft <> 0""", (OPERATORS,)):
        if left not in TYPES_OK or right not in TYPES_OK or result not in TYPES_OK:
            continue
        n += 1
        ddl.append(f"create function evil.op_{n}(a {left}, b {right}) returns {result} language plpgsql "
                   f"as $h$begin raise notice 'HIJACKED %', '{op}'; return null; end$h$")
        ddl.append(f"create operator evil.{op} (leftarg = {left}, rightarg = {right}, function = evil.op_{n})")
    return ddl


def test_search_path_hijack_cannot_reach_package_code(module_conn, world):
    conn = module_conn
    notices = []

    def on_notice(diag):
        notices.append(diag.message_primary)

    conn.add_notice_handler(on_notice)
    a = world.users["A"]
    with conn.transaction(force_rollback=True):
        conn.execute("create schema evil authorization authenticated")
        # Control: a security definer function that does not pin search_path is hijacked by this very setup.
        conn.execute("create function public.hijack_control(p text) returns text language plpgsql security definer "
                     "as $$ begin return btrim(p); end $$")
        conn.execute("grant execute on function public.hijack_control(text) to authenticated")
        ddl = hijack_sql(conn)
        conn.execute("set local role authenticated")
        for statement in ddl:
            conn.execute(statement)
        conn.execute("create temp table dreamcut_queries (id uuid, user_id text)")  # shadows, if anything is unqualified
        conn.execute("create temp table dreamcut_assets (id uuid, query_id uuid)")
        conn.execute("reset role")
        assert len(ddl) > 100

        def attacker(role: str, sub: str | None):
            set_identity(conn, role, sub, **claims_for(world, sub))
            conn.execute("set local search_path = evil, pg_catalog, public")

        with conn.transaction():
            attacker("authenticated", a)
            conn.execute("select public.hijack_control(' x ')")
            conn.execute("reset role; set local search_path = pg_catalog, public")
        assert any("HIJACKED" in n for n in notices), "the control should have been hijacked"
        notices.clear()

        def as_attacker(role: str, sub: str | None, statement: str, params=None):
            """One call of package code with the attacker's search_path; the test's own reads use a clean one."""
            with conn.transaction():
                attacker(role, sub)
                row = conn.execute(statement, params).fetchone()
                conn.execute("reset role; set local search_path = pg_catalog, public")
            return row[0] if row else None

        q = str(as_attacker("authenticated", a, "select public.initialize_dreamcut_query(%s, 'p', 'video', %s, %s)",
                            (a, json.dumps({"duration": 1}),
                             json.dumps([asset("video"), asset("image", metadata={"duration": 3})]))))
        for (asset_id,) in conn.execute("select id from public.dreamcut_assets where query_id = %s", (q,)).fetchall():
            as_attacker("service_role", None, "select public.update_asset_progress(%s, 50, 'analyzing', "
                        "'{\"duration\": 9}', p_message => ' go ')", (asset_id,))
            as_attacker("service_role", None, "select public.update_asset_progress(%s, 100, 'completed')", (asset_id,))
        as_attacker("service_role", None, "select public.complete_dreamcut_query(%s, "
                    "'{\"suggested_directions\": [\"a\"]}', 5, array['m'], 0.5)", (q,))
        other = as_attacker("service_role", None, "select public.initialize_dreamcut_query('worker-made', 'p', null, "
                            "'{}', %s)", (json.dumps([asset("audio")]),))
        as_attacker("service_role", None, "select public.fail_dreamcut_query(%s, ' broken ')", (other,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            as_attacker("authenticated", a, "select public.initialize_dreamcut_query(%s, 'p')", (world.users["B"],))
        if "storyboard" in world.modules:  # its procedures and its security definer trigger (the selection sync)
            project = as_attacker("authenticated", a, "select public.create_redesign_project('Hijack')")
            scene = as_attacker("authenticated", a, "select public.create_project_scene(%s, 1, ' S ')", (project,))
            shot = as_attacker("authenticated", a, "select public.create_scene_shot(p_scene_id => %s, "
                               "p_shot_number => 1)", (scene,))
            images = as_attacker("authenticated", a, "select public.batch_create_shot_images(%s, %s)", (
                shot, json.dumps([{"variantNumber": 0, "imageUrl": "https://x/0.png", "status": "complete"}])))
            selection = as_attacker("authenticated", a, "select public.select_master_shot(%s, %s)", (shot, images[0]))
            as_attacker("authenticated", a, "select public.update_storyboard_animation(%s, 'complete', 'https://x/v')",
                        (selection,))
            as_attacker("authenticated", a, "select public.get_shot_images_by_iteration(%s)", (shot,))
            as_attacker("authenticated", a, "select public.get_project_progress(%s)", (project,))
            assert conn.execute("select selected_image_id from public.scene_shots where id = %s",
                                (shot,)).fetchone()[0] == images[0]
        if "content" in world.modules:  # its procedures, generated columns, policies and definer trigger
            content = as_attacker("authenticated", a, "select public.create_module_content(' Cash  flow ')")
            as_attacker("authenticated", a, "select (public.update_module_sections(%s, %s)).revision_count",
                        (content, json.dumps({"introduction": "Cash is king", "core_content": "Forecast"})))
            as_attacker("authenticated", a, "select (public.update_content_status(%s, 'quality_check')).status",
                        (content,))
            employee = cm(conn, world, "employee")
            as_attacker("authenticated", a, "select public.store_course_plan(%s, 'T', '{\"modules\": [1]}')",
                        (employee,))
            as_attacker("authenticated", a, "select count(*) from public.search_module_content('cash')")
            as_attacker("authenticated", a, "select public.store_quality_assessment(%s, 7, '{}', true)", (content,))
            assert conn.execute("select total_word_count from public.cm_module_content where content_id = %s",
                                (content,)).fetchone()[0] == 4
        if "render" in world.modules:  # policies on user_role/is_admin/client_ip, the definer element trigger,
            # the definer maintenance and audit functions
            conn.execute("select set_config('request.headers', %s, false)", (json.dumps({"x-forwarded-for": IP_A}),))
            job = as_attacker("authenticated", a, "select public.create_job('mp4', 1280, 720)")
            as_attacker("authenticated", a, "select public.add_job_element(%s, 'image', 'https://x/a.png', "
                        "p_width => 100, p_height => 100)", (job,))
            as_attacker("authenticated", a, "select public.add_job_elements(%s, '[{\"type\": \"text\", "
                        "\"text_content\": \"Hi\"}]')", (job,))
            as_attacker("authenticated", a, "select count(*) from public.job_summary")
            as_attacker("anon", None, "select public.create_job('webm', 640, 360)")
            step = as_attacker("service_role", None, "select public.start_processing_step(%s, 'download')", (job,))
            as_attacker("service_role", None, "select public.complete_processing_step(%s, true)", (step,))
            as_attacker("service_role", None, "select public.check_rate_limit('hijack', 1, '1 minute')")
            as_attacker("service_role", None, "select public.check_rate_limit('hijack', 1, '1 minute')")
            as_attacker("service_role", None, "select dreamcut_private.can_subscribe_to_job(%s)", (job,))
            as_attacker("service_role", None, "select public.cleanup_old_jobs(30)")
            as_attacker("service_role", None, "select public.enforce_data_retention()")
            as_attacker("authenticated", a, "select public.cancel_job(%s, 'bye')", (job,))
            conn.execute("select set_config('request.headers', '', false)")
            assert conn.execute("select status::text from public.jobs where id = %s", (job,)).fetchone()[0] == "cancelled"
        if "multimedia" in world.modules:  # its procedures, counting and workflow triggers, the queue
            session = as_attacker("authenticated", a, "select public.create_multimedia_session(%s)",
                                  (mm(conn, world, "content"),))
            as_attacker("authenticated", a, "select count(*) from public.register_multimedia_assets(%s, %s)", (
                session, json.dumps([{"asset_type": "audio", "file_path": "/x/a.mp3", "duration_seconds": 3},
                                     {"asset_type": "slide", "asset_name": "s.png"}])))
            audio = conn.execute("select asset_id from public.mm_multimedia_assets where session_id = %s "
                                 "and asset_type = 'audio'", (session,)).fetchone()[0]
            as_attacker("authenticated", a, "select public.register_audio_narration(%s, ' N ', p_audio_segments => %s)",
                        (session, json.dumps([{"asset_id": str(audio), "duration_seconds": 3}])))
            as_attacker("authenticated", a, "select count(*) from public.list_session_assets(%s)", (session,))
            as_attacker("authenticated", a, "select public.enqueue_rendering_job(%s, 'module_video')", (session,))
            job = as_attacker("service_role", None, "select job_id from public.claim_rendering_job('w-hijack', 60)")
            as_attacker("service_role", None, "select public.heartbeat_rendering_job(%s, 'w-hijack')", (job,))
            as_attacker("service_role", None, "select (public.fail_rendering_job(%s, 'w-hijack', 'x')).status", (job,))
            as_attacker("authenticated", a, "select (public.update_session_status(%s, 'completed')).status", (session,))
            assert conn.execute("select total_assets_generated, slides_generated, audio_files_generated, "
                                "progress_percentage from public.mm_multimedia_sessions where session_id = %s",
                                (session,)).fetchone() == (2, 1, 1, 100)
        assert [n for n in notices if "HIJACKED" in n] == []
        state = conn.execute("select status, stage, progress from public.dreamcut_queries where id = %s", (q,)).fetchone()
        assert state == ("completed", "done", 100)
        assert conn.execute("select count(*) from public.dreamcut_messages where query_id = %s and type = 'conflict'",
                            (q,)).fetchone()[0] == 1
    conn.remove_notice_handler(on_notice)


def test_every_package_function_pins_its_search_path(module_conn):
    unpinned = module_conn.execute(
        """select format('%%I.%%I', n.nspname, p.proname), p.prokind, p.prosecdef
           from pg_proc p join pg_namespace n on n.oid = p.pronamespace
           where n.nspname = any(%s)
             and not exists (select from pg_depend d where d.objid = p.oid and d.deptype = 'e')
             and not coalesce(p.proconfig, '{}') && array['search_path=""', 'search_path=']""",
        (list(PACKAGE_SCHEMAS),)).fetchall()
    assert unpinned == []


# ---------------------------------------------------------------------------------------------------------------
# Claims
# ---------------------------------------------------------------------------------------------------------------


def test_no_package_code_reads_user_metadata(module_conn):
    """user_metadata is editable by the user (supabase.auth.updateUser): no function, policy or view reads it."""
    conn = module_conn
    hits = conn.execute(
        """select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
           where n.nspname = any(%(s)s) and p.prosrc ilike '%%user_metadata%%'
           union all
           select schemaname || '.' || tablename || ' ' || policyname from pg_policies
           where schemaname = any(%(s)s) and (coalesce(qual, '') || coalesce(with_check, '')) ilike '%%user_metadata%%'
           union all
           select schemaname || '.' || viewname from pg_views
           where schemaname = any(%(s)s) and definition ilike '%%user_metadata%%'""",
        {"s": list(PACKAGE_SCHEMAS)}).fetchall()
    assert hits == []


@pytest.mark.parametrize("claims", [
    {"user_metadata": {"role": "service_role", "is_admin": True, "user_role": "admin"}},
    {"user_metadata": {"sub": "B"}},
    {"user_metadata": {"app_metadata": {"role": "admin", "company_id": "B"}}},
    {"user_role": "admin", "is_admin": True},
], ids=["role", "sub", "nested-app_metadata", "top-level-extras"])
def test_claims_the_user_controls_grant_nothing(module_conn, world, claims):
    conn = module_conn
    a, b = world.users["A"], world.users["B"]
    claims = json.loads(json.dumps(claims).replace('"B"', json.dumps(b)))
    visible_as_plain = {}
    for forged in (False, True):
        with conn.transaction(force_rollback=True):
            set_identity(conn, "authenticated", a, **(claims if forged else {}))
            seen = {t: conn.execute(f"select count(*) from public.{t}").fetchone()[0]
                    for t in ("dreamcut_queries", "dreamcut_assets", "dreamcut_messages")}
            if not forged:
                visible_as_plain = seen
            else:
                assert seen == visible_as_plain
            for statement, params in (
                ("select public.initialize_dreamcut_query(%s, 'p')", (b,)),
                ("select public.fail_dreamcut_query(id, 'x') from public.dreamcut_queries limit 1", None),
                ("update public.dreamcut_queries set progress = progress", None),
                ("insert into public.dreamcut_messages (query_id, type, content) "
                 "select id, 'status', 'x' from public.dreamcut_queries limit 1", None),
            ):
                with pytest.raises(psycopg.Error) as info:
                    with conn.transaction():
                        conn.execute(statement, params)
                assert info.value.sqlstate == "42501", statement
            q = init_query(conn, a, [])
            assert conn.execute("select user_id from public.dreamcut_queries where id = %s", (q,)).fetchone()[0] == a


def test_identity_comes_from_the_session_role_and_sub_only(module_conn, world):
    conn = module_conn
    a, b = world.users["A"], world.users["B"]
    # A role claim that says service_role does not make an authenticated session trusted.
    with conn.transaction(force_rollback=True):
        conn.execute("select set_config('role', 'authenticated', true), set_config('request.jwt.claims', %s, true)",
                     (json.dumps({"sub": a, "role": "service_role"}),))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            init_query(conn, b, [])
    # No sub: an authenticated session is nobody, and may create nothing.
    with conn.transaction(force_rollback=True):
        set_identity(conn, "authenticated", None)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            init_query(conn, a, [])
    # A sub that is not a uuid is refused as data (22P02), not an internal error.
    with conn.transaction(force_rollback=True):
        set_identity(conn, "authenticated", "'; drop table x; --")
        with pytest.raises(psycopg.Error) as info:
            init_query(conn, "'; drop table x; --", [])
        assert info.value.sqlstate.startswith("22")


def test_a_whole_size_is_accepted_however_json_spells_it(module_conn, world):
    """`size` must be a whole number of bytes: 1000.0, 1e3 and -0.0 are whole numbers and must be stored, not
    refused by a cast after validation (found by the edge sweep: 1000.0 failed with 22P02)."""
    conn = module_conn
    with conn.transaction(force_rollback=True):
        q = init_query(conn, world.users["A"], [asset("image", size=s) for s in (1000.0, 1e3, -0.0, 2**62)])
        sizes = [r[0] for r in conn.execute(
            "select file_size_bytes from public.dreamcut_assets where query_id = %s order by file_size_bytes", (q,))]
        assert sizes == [0, 1000, 1000, 2**62]


def test_whole_shot_and_variant_numbers_are_accepted_however_json_spells_them(module_conn, world):
    """shotNumber and variantNumber must be whole numbers: 2.0 and 1e0 are, and must be stored, not refused by
    an integer cast after validation (22P02 before the fix, like `size` above)."""
    conn = module_conn
    with conn.transaction(force_rollback=True):
        set_identity(conn, "authenticated", world.users["A"])
        result = conn.execute("select public.create_scene_with_shots(%s, 40, 'Spelled', p_shots => %s)",
                              (sb(conn, world, "project"), json.dumps([{"shotNumber": 2.0}, {"shotNumber": 1e0}]))
                              ).fetchone()[0]
        numbers = [r[0] for r in conn.execute("select shot_number from public.scene_shots where id = any(%s::uuid[])",
                                              (result["shotIds"],))]
        assert sorted(numbers) == [1, 2] and len(result["shotIds"]) == 2
        ids = conn.execute("select public.batch_create_shot_images(%s, %s)",
                           (result["shotIds"][0], json.dumps([{"variantNumber": 3.0}, {"variantNumber": 0e5}]))
                           ).fetchone()[0]
        variants = [r[0] for r in conn.execute(
            "select variant_number from public.shot_images where id = any(%s) order by 1", (ids,))]
        assert variants == [0, 3]


def test_a_company_claim_counts_only_from_app_metadata(module_conn, world):
    """Content isolation reads app_metadata.company_id only: a company named in user_metadata (which the user
    edits) or at the top level of the token reaches nothing of that company."""
    if "content" not in world.modules:
        pytest.skip("module content is not installed")
    conn = module_conn
    a = world.users["A"]
    company_a = world.claims["A"]["app_metadata"]["company_id"]
    company_b = world.claims["B"]["app_metadata"]["company_id"]
    b_content = str(conn.execute("select content_id from public.cm_module_content where company_id = %s limit 1",
                                 (company_b,)).fetchone()[0])
    forged = {"user_metadata": {"company_id": company_b, "app_metadata": {"company_id": company_b}},
              "company_id": company_b}
    for trusted in ({"app_metadata": {"company_id": company_a}}, {}):
        with conn.transaction(force_rollback=True):
            set_identity(conn, "authenticated", a, **forged, **trusted)
            assert conn.execute("select count(*) from public.cm_module_content where company_id = %s",
                                (company_b,)).fetchone()[0] == 0
            assert conn.execute("select count(*) from public.employees where company_id = %s",
                                (company_b,)).fetchone()[0] == 0
            for statement, expected in (
                ("select public.get_module_content(%s)", "P0002"),
                ("select public.update_module_section(%s, 'introduction', 'x')", "P0002"),
                ("select public.create_module_content('x', p_company_id => '" + company_b + "') where %s::uuid is not null",
                 "42501"),
            ):
                with pytest.raises(psycopg.Error) as info:
                    with conn.transaction():
                        conn.execute(statement, (b_content,))
                assert info.value.sqlstate == expected, statement
