"""The package's access rules, as data (issue 7, "Access control, complete"): checked by test_access_rules.py.

TABLES: every table and view of the package, for each role and command, what happens to a row of the owner
(user A) when the role tries it:

- roles: ``anon`` (request from address A, the address the owner's render jobs come from); ``owner``
  (authenticated, sub = A, company A in app_metadata); ``other`` (authenticated, sub = B, company B, with rows
  of its own); ``admin`` (authenticated, sub = C, ``app_metadata.role = 'admin'``: the render module's admin;
  for the modules without admins it is one more other user, and its cells default to ``other``'s);
  ``service_role``.
- commands: ``select`` (read A's row), ``insert`` (a new row belonging to A), ``update`` and ``delete`` (A's row).
- outcomes: ``"rows"`` (the command reaches the row), ``"no rows"`` (allowed, but RLS hides the row: nothing
  read or changed), or the SQLSTATE of the refusal (``"42501"``: no grant, no schema usage, or RLS refusing
  the new row).

``how`` says, per table, which row is A's (``row``: a WHERE clause), how to insert one (``insert``), what a
harmless update sets (``set``), and optionally ``takeover``: an update that would hand A's row to B, with the
outcome expected for the owner. Placeholders are the fixture's ids: %(A)s, %(B)s, %(query)s, %(asset)s, ...

FUNCTIONS: every function and procedure of the package, with the API roles that may EXECUTE it ("public" =
every role).
SCHEMAS: which API roles have USAGE (and none has CREATE) on the package's schemas.
A table, view or function of the package missing here fails the suite, and so does a stale entry.
"""

from __future__ import annotations

R, NO, DENIED = "rows", "no rows", "42501"
NOT_UPDATABLE = "55000"  # a view PostgreSQL cannot write through: refused before any privilege check
ROLES = ("anon", "owner", "other", "admin", "service_role")
COMMANDS = ("select", "insert", "update", "delete")


def rules(*, anon, owner, other, service_role, admin=None):
    """One rule row per role, by name: each value a 4-tuple of outcomes in COMMANDS order (select, insert,
    update, delete); ``admin`` defaults to ``other``'s. Keyword-only, so a swapped role cannot go unnoticed."""
    cells = {"anon": anon, "owner": owner, "other": other, "admin": admin or other, "service_role": service_role}
    return {role: dict(zip(COMMANDS, cells[role], strict=True)) for role in ROLES}


ALL_DENIED = (DENIED,) * 4
EVERYTHING = (R,) * 4
READ_ONLY = (R, DENIED, DENIED, DENIED)
ALL_NO_WRITE = (NO, DENIED, DENIED, DENIED)  # RLS hides the row; writing is not granted
VIEW_WRITES = (NOT_UPDATABLE,) * 3  # insert, update, delete through a view PostgreSQL cannot write through

TABLES = {
    # platform: the package's bookkeeping, reachable by no API role (no grant; anon and authenticated have no
    # USAGE on dreamcut_private either).
    "dreamcut_private.package_owned_objects": {
        "rules": rules(anon=ALL_DENIED, owner=ALL_DENIED, other=ALL_DENIED, service_role=ALL_DENIED),
        "how": {"row": "kind = 'table' and name = 'access_rules_probe'",
                "insert": "insert into {t} (kind, name) values ('table', 'access_rules_insert')",
                "set": "created_at = created_at"},
    },
    "dreamcut_private.installed_modules": {
        "rules": rules(anon=ALL_DENIED, owner=ALL_DENIED, other=ALL_DENIED, service_role=ALL_DENIED),
        "how": {"row": "module = 'platform'", "insert": "insert into {t} (module) values ('access_rules_insert')",
                "set": "installed_at = installed_at"},
    },
    # dreamcut (docs/dreamcut.md, "Access"): users read their own queries, assets and messages and write
    # nothing directly (initialize_dreamcut_query does it for them); anon has SELECT but no policy.
    "public.dreamcut_queries": {
        "rules": rules(
            anon=(NO, DENIED, DENIED, DENIED),
            owner=(R, DENIED, DENIED, DENIED),
            other=(NO, DENIED, DENIED, DENIED),
            service_role=EVERYTHING,
        ),
        "how": {"row": "id = %(query)s", "set": "progress = progress",
                "insert": "insert into {t} (user_id, user_prompt) values (%(A)s, 'probe')"},
    },
    "public.dreamcut_assets": {
        "rules": rules(
            anon=(NO, DENIED, DENIED, DENIED),
            owner=(R, DENIED, DENIED, DENIED),
            other=(NO, DENIED, DENIED, DENIED),
            service_role=EVERYTHING,
        ),
        "how": {"row": "id = %(asset)s", "set": "progress = progress",
                "insert": "insert into {t} (query_id, url, type) values (%(query)s, 'https://x/y.png', 'image')"},
    },
    "public.dreamcut_messages": {
        "rules": rules(
            anon=(NO, DENIED, DENIED, DENIED),
            owner=(R, DENIED, DENIED, DENIED),
            other=(NO, DENIED, DENIED, DENIED),
            service_role=EVERYTHING,
        ),
        "how": {"row": "id = %(message)s", "set": "content = content",
                "insert": "insert into {t} (query_id, type, content) values (%(query)s, 'status', 'probe')"},
    },
    # storyboard (docs/storyboard.md, "Access"): owners do everything under their own projects, other users
    # reach nothing, anon has no grant at all.
    "public.video_projects": {
        "rules": rules(anon=ALL_DENIED, owner=EVERYTHING, other=(NO, DENIED, NO, NO), service_role=EVERYTHING),
        "how": {"row": "id = %(project)s", "set": "title = title",
                "insert": "insert into {t} (user_id, prompt) values (%(A)s, 'probe')",
                "takeover": ("user_id = %(B)s", DENIED)},
    },
    "public.project_scenes": {
        "rules": rules(anon=ALL_DENIED, owner=EVERYTHING, other=(NO, DENIED, NO, NO), service_role=EVERYTHING),
        "how": {"row": "id = %(scene)s", "set": "title = title",
                "insert": "insert into {t} (project_id, scene_number, title) values (%(project)s, 99, 'probe')",
                "takeover": ("project_id = %(B_project)s", "55000")},
    },
    "public.scene_shots": {
        "rules": rules(anon=ALL_DENIED, owner=EVERYTHING, other=(NO, DENIED, NO, NO), service_role=EVERYTHING),
        "how": {"row": "id = %(shot)s", "set": "description = description",
                "insert": "insert into {t} (project_id, scene_id, shot_number) values (%(project)s, %(scene)s, 99)",
                "takeover": ("project_id = %(B_project)s", "55000")},
    },
    "public.shot_images": {
        "rules": rules(anon=ALL_DENIED, owner=EVERYTHING, other=(NO, DENIED, NO, NO), service_role=EVERYTHING),
        "how": {"row": "id = %(image)s", "set": "is_favorite = is_favorite",
                "insert": "insert into {t} (project_id, scene_id, shot_id, iteration_number, variant_number) "
                          "values (%(project)s, %(scene)s, %(shot)s, 0, 5)",
                "takeover": ("project_id = %(B_project)s", "55000")},
    },
    "public.storyboard_selections": {
        "rules": rules(anon=ALL_DENIED, owner=EVERYTHING, other=(NO, DENIED, NO, NO), service_role=EVERYTHING),
        "how": {"row": "id = %(selection)s", "set": "replicate_video_id = replicate_video_id",
                "insert": "insert into {t} (project_id, scene_id, shot_id, selected_image_id) "
                          "values (%(project)s, %(scene)s, %(shot2)s, %(image2)s)",
                "takeover": ("project_id = %(B_project)s", "55000")},
    },
    # content (docs/content.md, "Where the company comes from"): a user reaches only rows of its company (the
    # app_metadata.company_id claim); companies and employees (created by the module when missing) are
    # read-only for users; anon has no grant.
    **{table: {"rules": rules(
        anon=ALL_DENIED,
        owner=EVERYTHING,
        other=(NO, DENIED, NO, NO),
        service_role=EVERYTHING,
    ), "how": how}
       for table, how in {
           "public.cm_module_content": {
               "row": "content_id = %(content)s", "set": "employee_name = employee_name",
               "insert": "insert into {t} (company_id, module_name) values (%(company)s, 'probe')",
               "takeover": ("company_id = %(B_company)s", DENIED)},
           "public.cm_course_plans": {
               "row": "plan_id = %(plan)s", "set": "session_id = session_id",
               "insert": "insert into {t} (company_id, employee_id, course_title) "
                         "values (%(company)s, %(employee)s, 'probe')",
               # its employee is of company A: the employee's company check refuses it before RLS does
               "takeover": ("company_id = %(B_company)s", "23503")},
           "public.cm_research_results": {
               "row": "research_id = %(research)s", "set": "session_id = session_id",
               "insert": "insert into {t} (plan_id, company_id) values (%(plan)s, %(company)s)",
               "takeover": ("company_id = %(B_company)s", DENIED)},
           "public.cm_quality_assessments": {
               "row": "assessment_id = %(assessment)s", "set": "quality_feedback = quality_feedback",
               "insert": "insert into {t} (content_id, company_id, overall_score, passed) "
                         "values (%(content)s, %(company)s, 5, true)",
               "takeover": ("company_id = %(B_company)s", DENIED)},
           "public.cm_enhancement_sessions": {
               "row": "session_id = %(session)s", "set": "research_conducted = research_conducted",
               "insert": "insert into {t} (content_id, company_id, enhancement_type, sections_to_enhance) "
                         "values (%(content)s, %(company)s, 'probe', array['introduction'])",
               "takeover": ("company_id = %(B_company)s", DENIED)},
       }.items()},
    "public.companies": {  # deleting a company that still has rows fails (no cascade into the application)
        "rules": rules(
            anon=ALL_DENIED,
            owner=(R, DENIED, DENIED, DENIED),
            other=(NO, DENIED, DENIED, DENIED),
            service_role=(R, R, R, "23503"),
        ),
        "how": {"row": "id = %(company)s", "set": "name = name", "insert": "insert into {t} (name) values ('probe')"},
    },
    "public.employees": {
        "rules": rules(
            anon=ALL_DENIED,
            owner=(R, DENIED, DENIED, DENIED),
            other=(NO, DENIED, DENIED, DENIED),
            service_role=(R, R, R, "23503"),
        ),
        "how": {"row": "id = %(employee)s", "set": "email = email",
                "insert": "insert into {t} (company_id, full_name) values (%(company)s, 'probe')"},
    },
    # multimedia (docs/multimedia.md, "Company isolation"): as content; users read rendering jobs and enqueue
    # new ones (insert at priority 0), the rest is written by the workers (service_role).
    **{table: {"rules": rules(
        anon=ALL_DENIED,
        owner=EVERYTHING,
        other=(NO, DENIED, NO, NO),
        service_role=EVERYTHING,
    ), "how": how}
       for table, how in {
           "public.mm_multimedia_sessions": {
               "row": "session_id = %(mm_session)s", "set": "current_stage = current_stage",
               "insert": "insert into {t} (content_id, company_id, module_name) values (%(content)s, %(company)s, 'probe')",
               "takeover": ("company_id = %(B_company)s", DENIED)},
           "public.mm_multimedia_assets": {
               "row": "asset_id = %(mm_asset)s", "set": "public_url = public_url",
               "insert": "insert into {t} (session_id, content_id, company_id, asset_type, asset_name, storage_path) "
                         "values (%(mm_session)s, %(content)s, %(company)s, 'script', 'probe.txt', "
                         "'script/complete_module/1_probe.txt')",
               "takeover": ("company_id = %(B_company)s", DENIED)},
           "public.mm_audio_narrations": {
               "row": "narration_id = %(mm_narration)s", "set": "narration_name = narration_name",
               "insert": "insert into {t} (session_id, content_id, company_id, narration_name) "
                         "values (%(mm_session)s, %(content)s, %(company)s, 'probe')",
               "takeover": ("company_id = %(B_company)s", DENIED)},
           "public.mm_slide_presentations": {
               "row": "presentation_id = %(mm_presentation)s", "set": "presentation_name = presentation_name",
               "insert": "insert into {t} (session_id, content_id, company_id, presentation_name) "
                         "values (%(mm_session)s, %(content)s, %(company)s, 'probe')",
               "takeover": ("company_id = %(B_company)s", DENIED)},
       }.items()},
    "public.mm_rendering_queue": {
        "rules": rules(anon=ALL_DENIED, owner=(R, R, DENIED, DENIED), other=ALL_NO_WRITE, service_role=EVERYTHING),
        "how": {"row": "job_id = %(mm_job)s", "set": "priority = priority",
                "insert": "insert into {t} (session_id, company_id, job_type) values (%(mm_session)s, %(company)s, 'probe')"},
    },
    # render (docs/render.md, "The rule table"): A's job was created from address A, where the anon caller is:
    # a signed-in user's job is never an anonymous caller's. End users cancel (status = 'cancelled') and add
    # elements to pending jobs they see; admins see and delete everything; the rest is written by workers.
    "public.jobs": {
        "rules": rules(
            anon=(NO, DENIED, NO, DENIED),
            owner=(R, R, R, NO),
            other=(NO, DENIED, NO, NO),
            service_role=EVERYTHING,
            admin=(R, DENIED, R, R),
        ),
        "how": {"row": "id = %(job)s", "set": "status = 'cancelled'",
                "insert": "insert into {t} (output_format, width, height, user_id) values ('mp4', 640, 360, %(A)s)",
                "takeover": ("user_id = %(B)s", DENIED)},
    },
    "public.elements": {
        "rules": rules(
            anon=(NO, DENIED, DENIED, DENIED),
            owner=(R, R, DENIED, DENIED),
            other=ALL_NO_WRITE,
            service_role=EVERYTHING,
            admin=(R, R, DENIED, DENIED),
        ),
        "how": {"row": "id = %(element)s", "set": "layer_order = layer_order",
                "insert": "insert into {t} (job_id, type, source_url) values (%(job)s, 'image', 'https://x/b.png')"},
    },
    **{table: {"rules": rules(
        anon=ALL_NO_WRITE,
        owner=READ_ONLY,
        other=ALL_NO_WRITE,
        service_role=EVERYTHING,
        admin=READ_ONLY,
    ), "how": how}
       for table, how in {
           "public.storage_operations": {
               "row": "id = %(storage)s", "set": "bytes = bytes",
               "insert": "insert into {t} (job_id, operation, bucket, object_key, success) "
                         "values (%(job)s, 'upload', 'renders', 'k', true)"},
           "public.processing_timeline": {
               "row": "id = %(timeline)s", "set": "details = details",
               "insert": "insert into {t} (job_id, step) values (%(job)s, 'download')"},
           "public.url_access_logs": {
               "row": "id = %(url_log)s", "set": "status_code = status_code",
               "insert": "insert into {t} (job_id, url) values (%(job)s, 'https://x/a.mp4')"},
       }.items()},
    "public.system_metrics": {  # not a user's row: a sample of the platform's metrics
        "rules": rules(
            anon=ALL_DENIED,
            owner=(NO, DENIED, DENIED, DENIED),
            other=(NO, DENIED, DENIED, DENIED),
            service_role=EVERYTHING,
            admin=READ_ONLY,
        ),
        "how": {"row": "id = %(metric)s", "set": "unit = unit",
                "insert": "insert into {t} (metric_name, metric_value) values ('probe.value', 1)"},
    },
    # service_role reads them and deletes what retention removes (enforce_data_retention, security invoker).
    "dreamcut_private.rate_limit_counters": {
        "rules": rules(anon=ALL_DENIED, owner=ALL_DENIED, other=ALL_DENIED, service_role=(R, DENIED, DENIED, R)),
        "how": {"row": "identifier = 'access-rules-probe'", "set": "request_count = request_count",
                "insert": "insert into {t} (identifier, window_seconds, window_start) values ('x', 60, now())"},
    },
    "dreamcut_private.security_events": {
        "rules": rules(anon=ALL_DENIED, owner=ALL_DENIED, other=ALL_DENIED, service_role=(R, DENIED, DENIED, R)),
        "how": {"row": "event_type = 'access_rules_probe'", "set": "details = details",
                "insert": "insert into {t} (event_type, api_role) values ('x', 'service_role')"},
    },
    # render views: security invoker, SELECT only. Per job: A's job (or A's failed job) and the rule of jobs.
    # Aggregates (per day, hour, step, bucket, metric, type): whether the role reaches any of the data they
    # sum up (each role sees its own jobs' share: the per-job views above check the rows).
    **{view: {"rules": rules(
        anon=(NO,) + writes,
        owner=(R,) + writes,
        other=(NO,) + writes,
        service_role=(R,) + writes,
        admin=(R,) + writes,
    ),
              "how": {"row": f"{column} = %({key})s", "set": f"{column} = {column}",
                      "insert": f"insert into {{t}} ({column}) values (%({key})s)"}}
       for view, (column, key, writes) in {
           # job_status_realtime is a plain projection of jobs, so PostgreSQL could write through it: only
           # the missing grants refuse (42501); the others are not updatable (55000).
           "public.job_status_realtime": ("id", "job", (DENIED,) * 3),
           "public.job_summary": ("id", "job", VIEW_WRITES),
           "public.active_jobs": ("id", "job", VIEW_WRITES),
           "public.failed_jobs": ("id", "failed_job", VIEW_WRITES),
           "public.url_access_stats": ("job_id", "job", VIEW_WRITES),
       }.items()},
    **{view: {"rules": rules(
        anon=(NO,) + VIEW_WRITES,
        owner=(R,) + VIEW_WRITES,
        other=(R,) + VIEW_WRITES,
        service_role=(R,) + VIEW_WRITES,
        admin=(R,) + VIEW_WRITES,
    ),
              "how": {"row": "true", "set": f"{column} = {column}",
                      "insert": f"insert into {{t}} ({column}) values (null)"}}
       for view, column in {
           "public.daily_job_stats": "day",
           "public.hourly_processing_load": "hour_start",
           "public.step_performance": "step",
           "public.storage_usage": "bucket",
           "public.recent_errors": "source",
           "public.element_type_stats": "type",
       }.items()},
    "public.system_health": {
        "rules": rules(
            anon=(DENIED,) + VIEW_WRITES,
            owner=(NO,) + VIEW_WRITES,
            other=(NO,) + VIEW_WRITES,
            service_role=(R,) + VIEW_WRITES,
            admin=(R,) + VIEW_WRITES,
        ),
        "how": {"row": "true", "set": "metric_name = metric_name",
                "insert": "insert into {t} (metric_name) values ('x')"},
    },
    "public.video_project_progress": {  # a security invoker view (RLS of video_projects applies), not updatable
        "rules": rules(
            anon=(DENIED,) + (NOT_UPDATABLE,) * 3,
            owner=(R,) + (NOT_UPDATABLE,) * 3,
            other=(NO,) + (NOT_UPDATABLE,) * 3,
            service_role=(R,) + (NOT_UPDATABLE,) * 3,
        ),
        "how": {"row": "project_id = %(project)s", "set": "total_scenes = total_scenes",
                "insert": "insert into {t} (project_id) values (%(project)s)"},
    },
}

#: Writes that name another user's rows from inside the writer's own project: each must be refused with the
#: SQLSTATE given, and write nothing. (A foreign key accepts any existing row, RLS checks only project_id.)
CROSS_TENANT = {
    "a shot under B's scene": (
        "insert into public.scene_shots (project_id, scene_id, shot_number) values (%(project)s, %(B_scene)s, 7)",
        "42501"),
    "an image on B's shot": (
        "insert into public.shot_images (project_id, scene_id, shot_id, iteration_number, variant_number, status, "
        "image_url) values (%(project)s, %(scene)s, %(B_shot)s, 0, 4, 'complete', 'https://evil/x.png')", "42501"),
    "a selection of B's shot (its security definer trigger would write B's shot)": (
        "insert into public.storyboard_selections (project_id, scene_id, shot_id, selected_image_id) "
        "values (%(project)s, %(scene)s, %(B_shot2)s, %(image2)s)", "42501"),
    "a refinement of B's image": (
        "insert into public.shot_images (project_id, scene_id, shot_id, iteration_number, variant_number, "
        "parent_image_id) values (%(project)s, %(scene)s, %(shot)s, 1, 0, %(B_image)s)", "P0002"),
    "selecting B's image as master shot": (
        "insert into public.storyboard_selections (project_id, scene_id, shot_id, selected_image_id) "
        "values (%(project)s, %(scene)s, %(shot2)s, %(B_image)s)", "P0002"),
    "a scene in B's project": (
        "insert into public.project_scenes (project_id, scene_number, title) values (%(B_project)s, 50, 'x')",
        "42501"),
    "an asset in B's DreamCut query": (
        "insert into public.dreamcut_assets (query_id, url, type) values (%(B_query)s, 'https://x', 'image')",
        "42501"),
    "a DreamCut query for B": ("select public.initialize_dreamcut_query(%(B)s, 'x')", "42501"),
    "a shot in B's scene, by procedure": (
        "select public.create_scene_shot(p_scene_id => %(B_scene)s, p_shot_number => 9)", "P0002"),
    "B's master shot, by procedure": ("select public.select_master_shot(%(B_shot2)s, %(B_image2)s)", "P0002"),
    "B's image status, by procedure": ("select public.update_shot_image_status(%(B_image)s, 'failed')", "P0002"),
    "B's project deleted, by procedure": ("select public.delete_redesign_project(%(B_project)s)", "P0002"),
    "a course plan for B's employee": (
        "insert into public.cm_course_plans (company_id, employee_id, course_title) "
        "values (%(company)s, %(B_employee)s, 'x')", "23503"),
    "a course plan for B's employee, by procedure": (
        "select public.store_course_plan(%(B_employee)s, 'x', '{}')", "23503"),
    "research filed under B's plan": (
        "insert into public.cm_research_results (plan_id, company_id) values (%(B_plan)s, %(company)s)", "23503"),
    "an assessment of B's content": (
        "insert into public.cm_quality_assessments (content_id, company_id, overall_score, passed) "
        "values (%(B_content)s, %(company)s, 5, true)", "23503"),
    "B's content read, by procedure": ("select public.get_module_content(%(B_content)s)", "P0002"),
    "B's content edited, by procedure": (
        "select public.update_module_section(%(B_content)s, 'introduction', 'x')", "P0002"),
    "content for company B, by procedure": (
        "select public.create_module_content('x', p_company_id => %(B_company)s)", "42501"),
    "an asset in B's multimedia session": (
        "insert into public.mm_multimedia_assets (session_id, content_id, company_id, asset_type, asset_name, "
        "storage_path) values (%(B_mm_session)s, %(B_content)s, %(company)s, 'script', 'x.txt', "
        "'script/complete_module/1_x.txt')", "23503"),
    "an asset in B's multimedia session, by procedure": (
        "select public.register_multimedia_asset(%(B_mm_session)s, p_asset_type => 'video', p_asset_name => 'x.mp4')",
        "P0002"),
    "B's multimedia session status, by procedure": (
        "select public.update_session_status(%(B_mm_session)s, 'processing')", "P0002"),
    "a rendering job for B's session, by procedure": (
        "select public.enqueue_rendering_job(%(B_mm_session)s, 'module_video')", "P0002"),
    "B's audio as the master of a narration, by procedure": (
        "select public.register_audio_narration(%(mm_session)s, 'x', p_master_audio_id => %(B_mm_audio)s)", "22023"),
    "an element in B's render job": (
        "insert into public.elements (job_id, type, source_url) values (%(B_job)s, 'image', 'https://x')", "42501"),
    "an element in B's render job, by procedure": (
        "select public.add_job_element(%(B_job)s, 'image', 'https://x/a.png')", "P0002"),
    "B's render job cancelled, by procedure": ("select public.cancel_job(%(B_job)s)", "P0002"),
    "B's render job progress read, by procedure": ("select public.calculate_job_progress(%(B_job)s)", "P0002"),
    "a render job for B, by procedure": ("select public.create_job('mp4', 640, 360, p_user_id => %(B)s)", "42501"),
    "a render job from another address, by procedure": (
        "select public.create_job('mp4', 640, 360, p_client_ip => '198.51.100.99') where %(A)s::uuid is not null",
        "42501"),
    "B's image refined, by procedure": (
        "select public.batch_create_shot_images(%(shot)s, '[{\"variantNumber\": 0}]', 1, p_parent_image_id => %(B_image)s)",
        "P0002"),
}

API = {"authenticated", "service_role"}
ANYONE = {"anon", "authenticated", "service_role"}
WORKER = {"service_role"}
NOBODY: set[str] = set()
EVERY_ROLE = {"public", "anon", "authenticated", "service_role"}

FUNCTIONS = {
    # platform (stand-ins of Supabase's auth functions: created only where missing; public, as on Supabase)
    "auth.jwt()": EVERY_ROLE,
    "auth.role()": EVERY_ROLE,
    "auth.uid()": EVERY_ROLE,
    # stand-in of Supabase Realtime's realtime.send (only where realtime is missing): the owner's, called by the
    # security definer broadcast trigger of render
    "realtime.send(jsonb,text,text,boolean)": NOBODY,
    "dreamcut_private.api_caller_is_end_user()": NOBODY,
    "dreamcut_private.drop_from_realtime_publication(text[])": NOBODY,
    "dreamcut_private.update_updated_at_column()": NOBODY,
    # dreamcut
    "public.initialize_dreamcut_query(text,text,text,jsonb,jsonb)": API,
    "public.update_asset_progress(uuid,integer,text,jsonb,text,text,text,text,text,integer,text,numeric,numeric,"
    "uuid)": WORKER,
    "public.complete_dreamcut_query(uuid,jsonb,integer,text[],numeric)": WORKER,
    "public.fail_dreamcut_query(uuid,text)": WORKER,
    "dreamcut_private.assets_input_error(jsonb)": NOBODY,
    "dreamcut_private.dreamcut_assets_assign_seq()": NOBODY,
    "dreamcut_private.dreamcut_messages_assign_seq()": NOBODY,
    "dreamcut_private.dreamcut_assets_release_messages()": NOBODY,
    "dreamcut_private.dreamcut_assets_refuse_move()": NOBODY,
    "dreamcut_private.dreamcut_assets_count_insert()": NOBODY,
    "dreamcut_private.dreamcut_assets_count_delete()": NOBODY,
    "dreamcut_private.check_query_completion()": NOBODY,
    "dreamcut_private.dreamcut_queries_notify()": NOBODY,
    "dreamcut_private.dreamcut_assets_notify_insert()": NOBODY,
    "dreamcut_private.dreamcut_assets_notify_update()": NOBODY,
    "dreamcut_private.dreamcut_messages_notify()": NOBODY,
    # storyboard
    "public.create_redesign_project(text,text,jsonb,uuid)": API,
    "public.update_redesign_project(uuid,text,text,jsonb)": API,
    "public.update_redesign_status(uuid,text)": API,
    "public.delete_redesign_project(uuid)": API,
    "public.create_project_scene(uuid,integer,text,text)": API,
    "public.update_project_scene(uuid,integer,text,text,uuid)": API,
    "public.delete_project_scene(uuid,uuid)": API,
    "public.create_scene_shot(uuid,integer,text,text,uuid)": API,
    "public.update_scene_shot(uuid,integer,text,text,uuid)": API,
    "public.delete_scene_shot(uuid,uuid)": API,
    "public.create_scene_with_shots(uuid,integer,text,text,jsonb)": API,
    "public.batch_create_shot_images(uuid,jsonb,integer,text,uuid,uuid,uuid)": API,
    "public.create_shot_image(uuid,integer,integer,text,uuid,text,text,text,text,jsonb,uuid)": API,
    "public.update_shot_image(uuid,text,text,text,text,text,boolean,jsonb,uuid)": API,
    "public.update_shot_image_status(uuid,text,text,uuid)": API,
    "public.toggle_shot_image_favorite(uuid,uuid)": API,
    "public.delete_shot_image(uuid,uuid)": API,
    "public.get_latest_iteration_number(uuid,uuid)": API,
    "public.select_master_shot(uuid,uuid,uuid,uuid)": API,
    "public.create_storyboard_selection(uuid,uuid,uuid,uuid)": API,
    "public.update_storyboard_animation(uuid,text,text,text,uuid)": API,
    "public.get_shot_images_by_iteration(uuid,uuid)": API,
    "public.is_scene_storyboard_complete(uuid,uuid)": API,
    "public.get_project_progress(uuid)": API,
    # the delete procedures' one body, reached from their begin-atomic bodies by oid (runs as the caller)
    "dreamcut_private.delete_storyboard_row(text,uuid,uuid)": API,
    **{f"dreamcut_private.{name}()": NOBODY for name in (
        "validate_video_project_update", "validate_project_scene_insert", "validate_project_scene_update",
        "inherit_scene_parents", "validate_scene_shot_update", "inherit_shot_parents", "validate_shot_image_insert",
        "validate_shot_image_update", "release_parent_image", "validate_master_image",
        "validate_storyboard_selection_update", "copy_master_image_to_shot", "clear_master_image_of_shot",
        "advance_project_to_scenes_setup", "advance_project_to_shot_iteration", "advance_redesign_status_to_reached")},
    # content
    "public.create_module_content(text,text,text,jsonb,uuid,jsonb,text)": API,
    "public.update_module_section(uuid,text,text,uuid)": API,
    "public.update_module_sections(uuid,jsonb,uuid)": API,
    "public.update_content_status(uuid,text,uuid)": API,
    "public.get_module_content(uuid,uuid)": API,
    "public.get_content_sections(uuid,uuid)": API,
    "public.store_course_plan(uuid,text,jsonb,text,text,jsonb,jsonb,jsonb,jsonb,integer,integer,text,uuid)": API,
    "public.store_research_results(uuid,jsonb,jsonb,jsonb,text[],text[],integer,integer,text,text,uuid)": API,
    "public.store_quality_assessment(uuid,double precision,jsonb,boolean,double precision,double precision,"
    "double precision,double precision,double precision,text,boolean,text[],text[],uuid)": API,
    "public.get_latest_quality_assessment(uuid,uuid)": API,
    "public.start_enhancement_session(uuid,text,text[],uuid,uuid)": API,
    "public.complete_enhancement_session(uuid,boolean,boolean,text,uuid)": API,
    "public.search_module_content(text,integer,text,uuid)": API,
    "public.cm_content_sections()": API,
    "public.cm_caller_company_id(uuid)": API,
    # used by policies and generated columns, which run as the caller
    "dreamcut_private.jwt_company_id()": API,
    "dreamcut_private.cm_word_count(text)": API,
    "dreamcut_private.cm_section_word_counts(text,text,text,text,text)": API,
    "dreamcut_private.cm_module_content_new()": NOBODY,
    "dreamcut_private.cm_module_content_workflow()": NOBODY,
    "dreamcut_private.cm_course_plan_employee_company()": NOBODY,
    "dreamcut_private.enable_company_isolation(regclass)": NOBODY,  # run by the migrations
    # multimedia: users' procedures, the queue's worker functions
    "public.mm_storage_path(text,text,text,timestamp with time zone)": API,
    "public.create_multimedia_session(uuid,text,text,text,jsonb,text[],uuid)": API,
    "public.get_multimedia_session(uuid,uuid)": API,
    "public.register_multimedia_asset(uuid,uuid,text,text,double precision,text,text,text,bigint,text,jsonb,text,"
    "text,text,uuid)": API,
    "public.register_multimedia_assets(uuid,jsonb,uuid)": API,
    "public.update_session_status(uuid,text,double precision,text,integer,uuid)": API,
    "public.register_audio_narration(uuid,text,text,text,text,jsonb,jsonb,uuid,double precision,text,uuid)": API,
    "public.register_slide_presentation(uuid,text,jsonb,text,text,jsonb,uuid,uuid,uuid,text,uuid)": API,
    "public.list_session_assets(uuid,text,uuid)": API,
    "public.enqueue_rendering_job(uuid,text,jsonb,integer,integer,timestamp with time zone,uuid)": API,
    "public.claim_rendering_job(text,integer,text[],uuid)": WORKER,
    "public.heartbeat_rendering_job(uuid,text,integer,uuid)": WORKER,
    "public.complete_rendering_job(uuid,text,jsonb,uuid)": WORKER,
    "public.fail_rendering_job(uuid,text,text,boolean,integer,uuid)": WORKER,
    "dreamcut_private.running_job_of_worker(uuid,text,uuid)": WORKER,
    "dreamcut_private.mm_count_inserted_assets()": NOBODY,
    "dreamcut_private.mm_count_updated_assets()": NOBODY,
    "dreamcut_private.mm_count_deleted_assets()": NOBODY,
    "dreamcut_private.mm_multimedia_session_new()": NOBODY,
    "dreamcut_private.mm_multimedia_session_workflow()": NOBODY,
    "dreamcut_private.mm_multimedia_session_finish()": NOBODY,
    "dreamcut_private.mm_check_narration_segments()": NOBODY,
    "dreamcut_private.notify_rendering_job()": NOBODY,
    # render: end-user functions for anon too (anonymous jobs), worker functions, admin maintenance
    "public.create_job(text,integer,integer,numeric,inet,text,jsonb,public.response_type,numeric,uuid)": ANYONE,
    "public.add_job_element(uuid,public.element_type,text,numeric,numeric,integer,integer,integer,integer,"
    "public.fit_mode,integer,text,jsonb)": ANYONE,
    "public.add_job_elements(uuid,jsonb)": ANYONE,
    "public.cancel_job(uuid,text)": ANYONE,
    "public.calculate_job_progress(uuid)": ANYONE,
    "public.calculate_job_duration(uuid)": ANYONE,
    "public.get_job_statistics(timestamp with time zone,timestamp with time zone)": ANYONE,
    "public.get_storage_statistics(timestamp with time zone,timestamp with time zone)": ANYONE,
    "public.update_job_status(uuid,public.job_status,text,text)": WORKER,
    "public.update_job_progress(uuid,integer,public.processing_step)": WORKER,
    "public.complete_job(uuid,text,bigint,text,text,timestamp with time zone)": WORKER,
    "public.timeout_stale_jobs(interval,interval)": WORKER,
    "public.start_processing_step(uuid,public.processing_step,jsonb)": WORKER,
    "public.complete_processing_step(uuid,boolean,text,jsonb,jsonb,uuid)": WORKER,
    "public.update_element_status(uuid,text,text,text,uuid)": WORKER,
    "public.log_storage_operation(uuid,public.storage_operation,text,text,boolean,bigint,integer,text,jsonb)": WORKER,
    "public.log_url_access(uuid,text,inet,text,text,text,jsonb,bigint,integer,integer)": WORKER,
    "public.record_system_metric(text,numeric,text,jsonb,numeric,numeric)": WORKER,
    "public.check_rate_limit(text,integer,interval)": WORKER,
    "public.log_security_event(text,jsonb)": WORKER,
    # retention: service accounts and the owner (DBAs, pg_cron), never the end users' API roles
    "public.cleanup_old_jobs(integer,integer,integer)": WORKER,
    "public.cleanup_old_metrics(integer,integer,integer)": WORKER,
    "public.enforce_data_retention(integer,integer,integer,integer)": WORKER,
    "dreamcut_private.delete_old_rows(text,timestamp with time zone,integer,integer)": WORKER,
    "dreamcut_private.retention_cutoff(text,integer)": WORKER,
    # used by policies and defaults, which run as the caller; not reachable by name (no USAGE)
    "dreamcut_private.user_role()": ANYONE,
    "dreamcut_private.is_admin()": ANYONE,
    "dreamcut_private.client_ip()": ANYONE,
    "dreamcut_private.can_subscribe_to_job(uuid)": ANYONE,
    "dreamcut_private.element_input_error(integer,integer,numeric,public.element_type,text,text,integer,integer,"
    "integer,integer,numeric,numeric,integer,jsonb)": NOBODY,
    "dreamcut_private.validate_element()": NOBODY,
    "dreamcut_private.refuse_element_move()": NOBODY,
    "dreamcut_private.validate_job_update()": NOBODY,
    "dreamcut_private.notify_job_change()": NOBODY,
    "dreamcut_private.broadcast_job_change()": NOBODY,
    "dreamcut_private.notify_timeline_change()": NOBODY,
    "dreamcut_private.request_header(text)": NOBODY,
}

#: Functions that run with their owner's rights; every other package function is security invoker.
SECURITY_DEFINER = {
    "public.initialize_dreamcut_query(text,text,text,jsonb,jsonb)",
    "dreamcut_private.copy_master_image_to_shot()",
    "dreamcut_private.clear_master_image_of_shot()",
    "dreamcut_private.cm_course_plan_employee_company()",
    "public.check_rate_limit(text,integer,interval)",
    "public.log_security_event(text,jsonb)",
    "dreamcut_private.user_role()",
    "dreamcut_private.is_admin()",
    "dreamcut_private.client_ip()",
    "dreamcut_private.can_subscribe_to_job(uuid)",
    "dreamcut_private.validate_element()",
    "dreamcut_private.broadcast_job_change()",
    "dreamcut_private.request_header(text)",
}

SCHEMAS = {  # USAGE per API role; no API role may CREATE in the package's own schemas
    "public": {"anon", "authenticated", "service_role"},
    "auth": {"anon", "authenticated", "service_role"},
    "dreamcut_private": {"service_role"},
    "dreamcut_migrations": set(),
}
OWN_SCHEMAS = ("dreamcut_private", "dreamcut_migrations")
