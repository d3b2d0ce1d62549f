"""Soak: web clients and workers of every module drive the procedures at once for a bounded time; afterwards
every invariant holds (issue 7, "Concurrency").

Threads, each on its own connection, acting as the real roles with PostgREST-style claims:

- DreamCut: 2 web clients (initialize_dreamcut_query), 3 asset workers racing on the same assets, 2 mergers
  (complete or fail merging queries; now and then one fails a query still analyzing).
- render: 2 web clients (an anonymous caller by address, a signed-in user: create_job, add_job_elements,
  cancel_job), 1 API server (check_rate_limit on a few keys), 2 render workers racing on the same jobs (steps,
  progress, elements, completion, failure), 1 reaper (timeout_stale_jobs with short limits).
- multimedia: 3 members of 2 companies (sessions, single and bulk assets, assets marked failed, session status,
  enqueue), 3 queue workers (claim, heartbeat, complete, fail with or without retry; some crash and leave the
  job to its lease, some stall past their lease and find the job taken over).
- storyboard: 3 browser tabs of 2 users (image batches with the next or a named iteration, master selections,
  favorites, new shots, progress), 2 Replicate workers (image and animation status).

Only the refusals listed in REFUSALS (SQLSTATE and why the load provokes it) are accepted; any other error fails.

"Never went backwards" is checked on observations: after each successful write, inside its transaction, the
caller reads the written row under a share lock together with clock_timestamp(). Every writer of that row holds
a conflicting lock until it commits, so ordering a row's observations by their clock orders them as the commits
were ordered; consecutive observations must move forward (WATCHED).

Bounded: ``DREAMCUT_SOAK_SECONDS`` of load (default 8), loopback only. The figures (operations per procedure,
refusals per SQLSTATE, invariants checked, seconds) are printed: ``pytest -s tests/system/test_soak.py``.
"""

from __future__ import annotations

import os
import random
import threading
import time
import traceback
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from content_helpers import create_content, make_company
from helpers import new_user, set_identity
from render_helpers import set_headers
from storyboard_helpers import tree, variants

SECONDS = float(os.environ.get("DREAMCUT_SOAK_SECONDS", "8"))

#: Per procedure, the SQLSTATEs this load may provoke and why (docs/errors.md); anything else fails the soak.
REFUSALS: dict[str, dict[str, str]] = {
    "update_asset_progress": {"55000": "a racing worker finished the asset or reported more progress first, or the "
                                       "query failed meanwhile"},
    "complete_dreamcut_query": {"55000": "the other merger completed or failed the query first"},
    "fail_dreamcut_query": {"55000": "the query was completed or failed first"},
    "add_job_elements": {"55000": "the job is no longer pending: a worker started it, or it was cancelled or "
                                  "timed out"},
    "cancel_job": {"55000": "the job finished meanwhile (completed, failed, timed out)"},
    "start_processing_step": {"55000": "the job finished meanwhile, or a racing worker is running the same step"},
    "complete_processing_step": {"55000": "a racing worker finished the same timeline entry first"},
    "update_job_progress": {"55000": "a racing worker reported more progress first, or the job is not processing"},
    "complete_job": {"55000": "the job is not processing: still pending, or finished meanwhile"},
    "update_job_status": {"55000": "the job finished meanwhile"},
    "update_element_status": {"55000": "a racing worker finished the element first"},
    "register_multimedia_asset": {"55000": "another member completed or failed the session meanwhile"},
    "register_multimedia_assets": {"55000": "another member completed or failed the session meanwhile"},
    "update_session_status": {"55000": "another member finished the session or reported more progress first"},
    "heartbeat_rendering_job": {"55000": "the worker stalled past its lease and the job was taken over"},
    "complete_rendering_job": {"55000": "the worker stalled past its lease and the job was taken over"},
    "fail_rendering_job": {"55000": "the worker stalled past its lease and the job was taken over"},
    "batch_create_shot_images": {"55000": "a racing tab created the named iteration first"},
    "create_scene_shot": {"23505": "a racing tab took the shot number first"},
    "update_shot_image_status": {"55000": "a racing worker moved the image first"},
    "update_storyboard_animation": {"55000": "a racing worker moved the animation first, or a new master image "
                                             "restarted it"},
}

#: Rows whose changes the callers observe: table -> (key, state column, progress column or None, direct moves).
WATCHED = {
    "dreamcut_assets": ("id", "status", "progress", {
        "pending": {"analyzing", "completed", "failed"}, "analyzing": {"completed", "failed"}}),
    "jobs": ("id", "status::text", "progress_percentage", {
        "pending": {"processing", "failed", "cancelled", "timeout"},
        "processing": {"completed", "failed", "cancelled", "timeout"}}),
    "elements": ("id", "processing_status", None, {"pending": {"processing", "completed", "failed"},
                                                   "processing": {"completed", "failed"}}),
    "mm_multimedia_sessions": ("session_id", "status", "progress_percentage", {
        "started": {"processing", "completed", "failed"}, "processing": {"completed", "failed"}}),
    "shot_images": ("id", "status", None, {"pending": {"processing"}, "processing": {"complete", "failed"},
                                           "failed": {"pending"}}),
}


# ------------------------------------------------------------------------------------------ shared scaffolding

@dataclass
class Who:
    """An identity as PostgREST sets it: API role, JWT ``sub`` and claims, the caller's address (x-forwarded-for)."""
    role: str
    sub: str | None = None
    claims: dict = field(default_factory=dict)
    ip: str | None = None

    def apply(self, conn) -> None:
        set_identity(conn, self.role, self.sub, **self.claims)
        if self.ip:
            set_headers(conn, self.ip)


SERVICE = Who("service_role")


def first(rows):
    """The first value of the first row a call returned (a scalar function's result)."""
    return next(iter(rows[0].values()))


class Soak:
    """What the threads share: the stop signal, counts, unexpected errors, logs and observed rows."""

    def __init__(self, url: str):
        self.url = url
        self.stop = threading.Event()
        self.ops: Counter = Counter()
        self.failures: list[str] = []
        self.logs: dict[str, list] = defaultdict(list)
        self.seen: dict[str, list] = defaultdict(list)
        self._lock = threading.Lock()

    def running(self) -> bool:
        return not self.stop.is_set()

    def idle(self, seconds: float = 0.02) -> None:
        self.stop.wait(seconds)

    def log(self, kind: str, *record) -> None:
        with self._lock:
            self.logs[kind].append(record)

    def fail(self, what: str) -> None:
        with self._lock:
            self.failures.append(what)

    def read(self, conn, who: Who, sql: str, params=()) -> list[tuple]:
        """A read as ``who`` in a transaction of its own (RLS applies)."""
        with conn.transaction(force_rollback=True):
            who.apply(conn)
            return conn.execute(sql, params).fetchall()

    def call(self, conn, who: Who, procedure: str, *, sql: str | None = None, observe: tuple | None = None,
             **params) -> list[dict] | None:
        """Call ``public.<procedure>(p_x => ...)`` (or run ``sql``) as ``who`` in a transaction of its own.

        Returns the rows as dicts, or None when refused: a refusal listed in REFUSALS is counted, any other error
        is a failure. ``observe``: (table of WATCHED, key) of the row the call writes, read before the commit.
        """
        if sql is None:
            sql = f"select * from public.{procedure}({', '.join(f'{k} => %({k})s' for k in params)})"
        seen = []
        try:
            with conn.transaction():
                who.apply(conn)
                with conn.cursor(row_factory=dict_row) as cur:
                    rows = cur.execute(sql, {k: Jsonb(v) if isinstance(v, (dict, list)) else v
                                             for k, v in params.items()}).fetchall()
                if observe:
                    seen = self._observe(conn, *observe)
        except psycopg.Error as exc:
            if exc.sqlstate in REFUSALS.get(procedure, {}):
                with self._lock:
                    self.ops[f"{procedure} refused {exc.sqlstate}"] += 1
            else:
                self.fail(f"{procedure} as {who.role}: {exc.sqlstate} {exc}")
            return None
        with self._lock:
            self.ops[procedure] += 1
            if observe:
                self.seen[observe[0]] += seen
        return rows

    @staticmethod
    def _observe(conn, table: str, key_value) -> list[tuple]:
        key, state, progress, _ = WATCHED[table]
        conn.execute("set local role none")
        conn.execute(f"select from public.{table} where {key} = %s for share", (key_value,))
        return conn.execute(f"select {key}, clock_timestamp(), {state}, {progress or 'null'} "
                            f"from public.{table} where {key} = %s", (key_value,)).fetchall()

    def run(self, drivers: list[tuple], seconds: float) -> float:
        """Run each ``(driver, *args)`` as ``driver(soak, conn, rng, *args)`` in a thread for ``seconds``."""
        def thread(n, driver, args):
            try:
                with psycopg.connect(self.url) as conn:
                    driver(self, conn, random.Random(n), *args)
            except Exception:  # noqa: BLE001 (a broken driver fails the soak)
                self.fail(f"{driver.__name__}: {traceback.format_exc()}")

        threads = [threading.Thread(target=thread, args=(n, d[0], d[1:])) for n, d in enumerate(drivers)]
        started = time.monotonic()
        for t in threads:
            t.start()
        self.stop.wait(seconds)
        self.stop.set()
        for t in threads:
            t.join(60)
        self.failures += [f"{t.name} did not stop" for t in threads if t.is_alive()]
        return time.monotonic() - started


def check_moves(soak: Soak, table: str) -> int:
    """Each row's observations, in commit order, only move forward (WATCHED); returns how many were checked."""
    _, _, _, moves = WATCHED[table]
    reach = {}
    for start in moves:
        todo, reach[start] = [start], set()
        while todo:
            for nxt in moves.get(todo.pop(), ()):
                if nxt not in reach[start]:
                    reach[start].add(nxt)
                    todo.append(nxt)
    rows = defaultdict(list)
    for key, at, state, progress in soak.seen[table]:
        rows[key].append((at, state, progress))
    back = []
    for key, seen in rows.items():
        seen.sort(key=lambda s: s[0])
        for (_, s1, p1), (_, s2, p2) in zip(seen, seen[1:]):
            if (s2 != s1 and s2 not in reach.get(s1, ())) or (p1 is not None and p2 < p1):
                back.append((key, s1, p1, s2, p2))
    assert back == [], f"{table}: rows moved backwards (id, from, progress, to, progress): {back[:5]}"
    return len(soak.seen[table])


# ------------------------------------------------------------------------------------------------- DreamCut

def dreamcut_web_client(soak, conn, rng):
    user = new_user()
    who = Who("authenticated", user)
    while soak.running():
        assets = [{"url": f"https://cdn.example.com/{i}", "type": rng.choice(["image", "video", "audio"])}
                  for i in range(rng.randint(0, 5))]
        soak.call(conn, who, "initialize_dreamcut_query", p_user_id=user, p_user_prompt="soak", p_intent="mixed",
                  p_options={"duration": 30}, p_assets=assets)
        others = soak.read(conn, who, "select count(*) from public.dreamcut_queries where user_id <> %s", (user,))
        if others[0][0]:
            soak.fail(f"user {user} saw {others[0][0]} queries of other users")


def dreamcut_asset_worker(soak, conn, rng):
    while soak.running():
        rows = soak.read(conn, SERVICE, "select a.id, a.progress from public.dreamcut_assets a "
                                        "join public.dreamcut_queries q on q.id = a.query_id "
                                        "where a.status in ('pending', 'analyzing') and q.status = 'processing' "
                                        "limit 12")
        if not rows:
            soak.idle()
            continue
        asset_id, progress = rng.choice(rows)  # the workers often pick the same asset: they race
        roll = rng.random()
        if roll < 0.1:
            args = dict(p_status="failed", p_error_message="soak failure", p_message="failed")
        elif roll < 0.4 or progress >= 75:
            args = dict(p_status="completed", p_analysis={"duration": rng.randint(10, 60)}, p_message="done")
        else:  # from what it read: a racing worker may have reported more since
            new = min(99, progress + rng.randint(5, 40))
            args = dict(p_status="analyzing", p_progress=new, p_message=f"at {new}")
        soak.call(conn, SERVICE, "update_asset_progress", observe=("dreamcut_assets", asset_id), p_asset_id=asset_id,
                  **args)


def dreamcut_merger(soak, conn, rng):
    while soak.running():
        rows = soak.read(conn, SERVICE, "select id, stage from public.dreamcut_queries where status = 'processing' "
                                        "and stage in ('analyzing', 'merging') limit 8")
        merging = [q for q, stage in rows if stage == "merging"]
        if rows and rng.random() < 0.03:  # the pipeline gives up on a query, whatever its stage
            soak.call(conn, SERVICE, "fail_dreamcut_query", p_query_id=rng.choice(rows)[0],
                      p_error_message="soak: pipeline error")
        elif merging and rng.random() < 0.1:
            soak.call(conn, SERVICE, "fail_dreamcut_query", p_query_id=rng.choice(merging),
                      p_error_message="soak: merge failed")
        elif merging:
            soak.call(conn, SERVICE, "complete_dreamcut_query", p_query_id=rng.choice(merging),
                      p_payload={"intent": "soak"})
        else:
            soak.idle()


def dreamcut_drivers(world):
    return [(dreamcut_web_client,)] * 2 + [(dreamcut_asset_worker,)] * 3 + [(dreamcut_merger,)] * 2


def check_dreamcut(db, soak, world) -> dict:
    bad = db.execute("""
        select q.id from public.dreamcut_queries q
        left join lateral (
            select count(*) as n,
                   count(*) filter (where a.status in ('completed', 'failed')) as finished,
                   coalesce(sum(case when a.status = 'failed' then 100 else a.progress end), 0) as total
            from public.dreamcut_assets a where a.query_id = q.id) a on true
        where (q.asset_count, q.assets_finished, q.asset_progress_total) is distinct from (a.n, a.finished, a.total)
    """).fetchall()
    assert bad == [], "DreamCut query counters differ from the recomputed counts"
    stuck = db.execute("select id from public.dreamcut_queries where status = 'processing' "
                       "and assets_finished = asset_count and stage not in ('merging', 'done')").fetchall()
    assert stuck == [], "queries whose assets all finished but never reached merging"
    merges = db.execute("""
        select q.id, q.stage, q.status, q.assets_finished = q.asset_count,
               (select count(*) from public.dreamcut_messages m where m.query_id = q.id and m.type = 'merge'),
               (select count(*) from public.dreamcut_messages m where m.query_id = q.id
                and m.content = 'Ready for production!')
        from public.dreamcut_queries q""").fetchall()
    for qid, stage, status, all_done, n, final in merges:
        expected = 1 if stage in ("merging", "done") or (status == "failed" and all_done) else 0
        assert n == expected, f"query {qid} ({stage}/{status}) has {n} merge messages"
        assert final == (status == "completed"), f"query {qid} ({status}) has {final} final messages"
    return {"DreamCut query counters equal recomputed counts": len(merges),
            "DreamCut queries with the right merge and final messages": len(merges),
            "DreamCut asset observations moving forward": check_moves(soak, "dreamcut_assets")}


# --------------------------------------------------------------------------------------------------- render

RATE_KEYS = [f"soak-client-{n}" for n in range(4)]
RATE_LIMIT = 50
STEPS = ["validation", "download", "processing", "composition", "encoding", "upload"]


def render_web_client(soak, conn, rng, who):
    mine = []  # (job, width, height) of the latest jobs
    while soak.running():
        roll = rng.random()
        if roll < 0.5 or not mine:
            width, height = rng.choice([(1920, 1080), (1280, 720), (640, 640)])
            rows = soak.call(conn, who, "create_job", p_output_format="mp4", p_width=width, p_height=height,
                             p_duration_seconds=30)
            if rows:
                mine = [*mine[-9:], (first(rows), width, height)]
                soak.log("jobs", first(rows))
            continue
        job, width, height = rng.choice(mine)
        if roll < 0.9:
            elements = [{"type": "image", "source_url": f"https://cdn.example.com/{n}.png", "duration": 5,
                         "width": width // 2, "height": height // 2} for n in range(rng.randint(1, 3))]
            if soak.call(conn, who, "add_job_elements", p_job_id=job, p_elements=elements):
                soak.log("elements", job, len(elements))
        else:
            soak.call(conn, who, "cancel_job", observe=("jobs", job), p_job_id=job, p_reason="user closed the tab")


def render_api_server(soak, conn, rng):
    while soak.running():
        key = rng.choice(RATE_KEYS)
        rows = soak.call(conn, SERVICE, "check_rate_limit", key=key, limit=RATE_LIMIT,
                         sql="select public.check_rate_limit(%(key)s, %(limit)s, interval '1 hour') as allowed, "
                             "now() as called_at")
        if rows:
            soak.log("rate limit", key, rows[0]["called_at"], rows[0]["allowed"])


def render_worker(soak, conn, rng):
    while soak.running():
        jobs = soak.read(conn, SERVICE, "select id, progress_percentage from public.jobs "
                                        "where status in ('pending', 'processing') order by created_at limit 6")
        if not jobs:
            soak.idle()
            continue
        job, progress = rng.choice(jobs)
        watch = ("jobs", job)
        roll = rng.random()
        if roll < 0.3:
            running = soak.read(conn, SERVICE, "select id from public.processing_timeline "
                                               "where job_id = %s and finished_at is null", (job,))
            success = rng.random() < 0.85
            if running:
                soak.call(conn, SERVICE, "complete_processing_step", observe=watch,
                          p_timeline_id=rng.choice(running)[0], p_success=success,
                          p_error_message=None if success else "HTTP 404 on source")
        elif roll < 0.55:
            soak.call(conn, SERVICE, "start_processing_step", observe=watch, p_job_id=job, p_step=rng.choice(STEPS))
        elif roll < 0.65:
            soak.call(conn, SERVICE, "update_job_progress", observe=watch, p_job_id=job,
                      p_progress=min(100, progress + rng.randint(0, 10)))
        elif roll < 0.8:
            elements = soak.read(conn, SERVICE, "select id, processing_status from public.elements where job_id = %s "
                                                "and processing_status in ('pending', 'processing')", (job,))
            if elements:
                element, status = rng.choice(elements)
                new = "processing" if status == "pending" else rng.choice(["completed", "completed", "failed"])
                soak.call(conn, SERVICE, "update_element_status", observe=("elements", element), p_element_id=element,
                          p_status=new, p_error_message="decoder crashed" if new == "failed" else None)
        elif roll < 0.95:
            soak.call(conn, SERVICE, "complete_job", observe=watch, p_job_id=job,
                      p_result_url=f"https://cdn.example.com/{job}.mp4", p_file_size_bytes=rng.randint(1, 10 ** 9))
        else:
            soak.call(conn, SERVICE, "update_job_status", observe=watch, p_job_id=job, p_status="failed",
                      p_error_message="encoder crashed")


def render_reaper(soak, conn, rng):
    while soak.running():
        soak.call(conn, SERVICE, "timeout_stale_jobs", p_stale_after="2 seconds", p_pending_after="4 seconds")
        soak.idle(0.5)


def render_drivers(world):
    anon = Who("anon", ip="203.0.113.77")
    user = Who("authenticated", new_user(), ip="198.51.100.7")
    return [(render_web_client, anon), (render_web_client, user), (render_api_server,), (render_worker,),
            (render_worker,), (render_reaper,)]


def check_render(db, soak, world) -> dict:
    keys, ats, allowed = zip(*soak.logs["rate limit"])
    windows = db.execute("""
        select c.key, count(*), count(*) filter (where c.allowed), r.request_count
        from (select k as key, a as allowed, date_bin(interval '1 hour', t, timestamptz '2000-01-01 00:00:00+00')
                     as window_start
              from unnest(%s::text[], %s::timestamptz[], %s::boolean[]) as x(k, t, a)) as c
        left join dreamcut_private.rate_limit_counters r
          on (r.identifier, r.window_seconds, r.window_start) = (c.key, 3600, c.window_start)
        group by c.key, c.window_start, r.request_count""", (list(keys), list(ats), list(allowed))).fetchall()
    for key, calls, passed, stored in windows:
        assert stored == calls, f"rate limit {key}: {calls} calls made, {stored} counted"
        assert passed == min(calls, RATE_LIMIT), f"rate limit {key}: {passed} of {calls} calls passed"
    events = Counter(dict(db.execute("select details ->> 'identifier', count(*) from dreamcut_private.security_events "
                                     "where event_type = 'rate_limit_exceeded' group by 1").fetchall()))
    assert events == Counter(key for key, calls, *_ in windows if calls > RATE_LIMIT), "one event per window over"
    assert db.execute("select count(*) from dreamcut_private.rate_limit_counters where identifier <> all(%s)",
                      (RATE_KEYS,)).fetchone()[0] == 0

    created = [job for (job,) in soak.logs["jobs"]]
    added = Counter()
    for job, n in soak.logs["elements"]:
        added[job] += n
    stored = dict(db.execute("select j.id, count(e.id) from public.jobs j left join public.elements e "
                             "on e.job_id = j.id group by j.id").fetchall())
    assert set(stored) == set(created), "the jobs in the table are not the jobs created"
    assert {j: n for j, n in stored.items() if n} == dict(added), "elements lost or added"
    behind = db.execute("select id from public.jobs where status = 'processing' "
                        "and progress_percentage < public.calculate_job_progress(id)").fetchall()
    assert behind == [], "processing jobs whose progress is behind their timeline"
    return {"rate-limit windows: every call counted, limit and event kept": len(windows),
            "render jobs and their elements all stored": len(created),
            "render job observations moving forward": check_moves(soak, "jobs"),
            "render element observations moving forward": check_moves(soak, "elements")}


# ----------------------------------------------------------------------------------------------- multimedia

KINDS = {"video": "mp4", "audio": "mp3", "slide": "png", "script": "txt", "thumbnail": "jpg"}


def multimedia_member(soak, conn, rng, company, content):
    who = Who("authenticated", new_user(), {"app_metadata": {"company_id": company}})
    while soak.running():
        sessions = soak.read(conn, who, "select session_id, progress_percentage from public.mm_multimedia_sessions "
                                        "where status in ('started', 'processing') order by started_at desc limit 3")
        roll = rng.random()
        if roll < 0.08 or not sessions:
            soak.call(conn, who, "create_multimedia_session", p_content_id=content)
            continue
        session, progress = rng.choice(sessions)
        kind = rng.choice(list(KINDS))
        if roll < 0.4:
            soak.call(conn, who, "register_multimedia_asset", p_session_id=session, p_asset_type=kind,
                      p_file_path=f"/tmp/render/{uuid.uuid4().hex[:8]}.{KINDS[kind]}",
                      p_status="failed" if rng.random() < 0.1 else "generated")
        elif roll < 0.5:
            soak.call(conn, who, "register_multimedia_assets", p_session_id=session, p_assets=[
                {"asset_type": k, "asset_name": f"{uuid.uuid4().hex[:8]}.{KINDS[k]}"}
                for k in rng.sample(list(KINDS), 3)])
        elif roll < 0.55:
            soak.call(conn, who, "mark an asset failed (update mm_multimedia_assets)", session=session,
                      sql="update public.mm_multimedia_assets set status = 'failed' where asset_id = ("
                          "select asset_id from public.mm_multimedia_assets where session_id = %(session)s "
                          "and status <> 'failed' limit 1) returning asset_id")
        elif roll < 0.75:
            soak.call(conn, who, "enqueue_rendering_job", p_session_id=session,
                      p_job_type=rng.choice(["module_video", "section_video", "thumbnail"]),
                      p_max_attempts=rng.randint(1, 3))
        elif roll < 0.97:
            soak.call(conn, who, "update_session_status", observe=("mm_multimedia_sessions", session),
                      p_session_id=session, p_status="processing",
                      p_progress_percentage=float(min(99, progress + rng.randint(0, 15))))
        else:
            soak.call(conn, who, "update_session_status", observe=("mm_multimedia_sessions", session),
                      p_session_id=session, p_status=rng.choice(["completed", "failed"]))


def queue_worker(soak, conn, rng, name):
    while soak.running():
        mode = rng.random()  # < 0.1 crashes, < 0.2 stalls past a 1 s lease, else a healthy worker
        rows = soak.call(conn, SERVICE, "claim_rendering_job", p_worker_id=name,
                         p_lease_seconds=1 if mode < 0.2 else 30)
        if not rows:
            soak.idle()
            continue
        job = rows[0]
        job_id, attempt = job["job_id"], job["attempts"]
        soak.log("claims", job_id, attempt, name, job["heartbeat_at"], job["locked_until"])
        if mode < 0.1:
            continue
        if mode < 0.2:
            soak.idle(1.1)
        beat = soak.call(conn, SERVICE, "heartbeat_rendering_job", p_job_id=job_id, p_worker_id=name,
                         p_lease_seconds=30)
        if beat:
            soak.log("heartbeats", job_id, attempt, name, first(beat))
        roll = rng.random()
        if roll < 0.15:
            done = soak.call(conn, SERVICE, "fail_rendering_job", p_job_id=job_id, p_worker_id=name,
                             p_error="soak: encoder crashed", p_retry_delay_seconds=0)
        elif roll < 0.2:
            done = soak.call(conn, SERVICE, "fail_rendering_job", p_job_id=job_id, p_worker_id=name,
                             p_error="soak: bad input", p_retry=False)
        else:
            done = soak.call(conn, SERVICE, "complete_rendering_job", p_job_id=job_id, p_worker_id=name,
                             p_result={"by": name})
        if done:
            soak.log("outcomes", job_id, attempt, name, done[0]["status"])
        if rng.random() < 0.1:  # a follow-up job, prioritized by the backend
            soak.call(conn, SERVICE, "enqueue_rendering_job", p_session_id=job["session_id"], p_job_type="thumbnail",
                      p_priority=rng.randint(-5, 5))


def multimedia_setup(db):
    world = {}
    for name in ("A", "B"):
        company = make_company(db, f"Soak {name}")
        world[name] = (company, create_content(db, company))
    return world


def multimedia_drivers(world):
    members = [(multimedia_member, *world["A"]), (multimedia_member, *world["A"]), (multimedia_member, *world["B"])]
    return members + [(queue_worker, f"worker-{n}") for n in range(3)]


def check_queue(db, soak) -> int:
    """Every attempt of a job was claimed once, and again only after its lease expired or a failure for retry."""
    claims = defaultdict(dict)  # job -> attempt -> [worker, claimed at, lease end]
    for job, attempt, worker, at, until in soak.logs["claims"]:
        assert attempt not in claims[job], f"job {job} attempt {attempt} claimed twice"
        claims[job][attempt] = [worker, at, until]
    for job, attempt, worker, until in soak.logs["heartbeats"]:
        claim = claims[job][attempt]
        assert claim[0] == worker, f"job {job} attempt {attempt}: {worker} beat for {claim[0]}"
        claim[2] = max(claim[2], until)
    outcomes = {}
    for job, attempt, worker, status in soak.logs["outcomes"]:
        assert (job, attempt) not in outcomes and claims[job][attempt][0] == worker, (job, attempt, worker)
        outcomes[job, attempt] = status
    for job, attempts in claims.items():
        assert sorted(attempts) == list(range(1, len(attempts) + 1)), f"job {job}: attempts {sorted(attempts)}"
        for n in range(2, len(attempts) + 1):
            before, after = attempts[n - 1], attempts[n]
            assert outcomes.get((job, n - 1)) == "queued" or (
                (job, n - 1) not in outcomes and before[2] < after[1]), (
                f"job {job} attempt {n} claimed by {after[0]} at {after[1]} while {before[0]} held it "
                f"until {before[2]} ({outcomes.get((job, n - 1))})")
    rows = db.execute("select job_id, status, attempts, last_error from public.mm_rendering_queue").fetchall()
    for job, status, attempts, last_error in rows:
        claimed = len(claims.get(job, ()))
        assert attempts == claimed, f"job {job}: {attempts} attempts, {claimed} claims"
        last = outcomes.get((job, attempts))
        if status == "completed":
            assert last == "completed", f"job {job} completed without its holder completing it"
        if status == "failed":
            assert last == "failed" or "expired" in last_error, f"job {job} failed: {last_error}"
    return len(rows)


def check_multimedia(db, soak, world) -> dict:
    wrong = db.execute("""
        select s.session_id from public.mm_multimedia_sessions s
        left join lateral (
            select count(*) filter (where a.status <> 'failed') as total,
                   count(*) filter (where a.status <> 'failed' and a.asset_type = 'slide') as slides,
                   count(*) filter (where a.status <> 'failed' and a.asset_type = 'audio') as audio,
                   count(*) filter (where a.status <> 'failed' and a.asset_type = 'video') as video
            from public.mm_multimedia_assets a where a.session_id = s.session_id) a on true
        where (s.total_assets_generated, s.slides_generated, s.audio_files_generated, s.video_files_generated)
              is distinct from (a.total, a.slides, a.audio, a.video)""").fetchall()
    assert wrong == [], "multimedia session counters differ from the recomputed counts"
    sessions = db.execute("select count(*) from public.mm_multimedia_sessions").fetchone()[0]
    return {"multimedia session counters equal recomputed counts": sessions,
            "multimedia session observations moving forward": check_moves(soak, "mm_multimedia_sessions"),
            "queue jobs: each attempt claimed once, re-claimed only after lease or retry": check_queue(db, soak)}


# ----------------------------------------------------------------------------------------------- storyboard

def storyboard_tab(soak, conn, rng, user):
    who = Who("authenticated", user)
    while soak.running():
        shots = soak.read(conn, who, "select id, scene_id, project_id from public.scene_shots "  # RLS: its own
                                     "order by created_at desc limit 4")  # the latest: the tabs race on them
        shot, scene, project = rng.choice(shots)
        images = soak.read(conn, who, "select id, status, iteration_number from public.shot_images "
                                      "where shot_id = %s", (shot,))
        complete = [i for i, status, _ in images if status == "complete"]
        roll = rng.random()
        if roll < 0.02:
            new = soak.call(conn, who, "create_redesign_project", p_prompt="soak project")
            if new:
                soak.call(conn, who, "create_scene_with_shots", p_project_id=first(new), p_scene_number=1,
                          p_title="Opening", p_shots=[{"shotNumber": n, "initialPrompt": "soak"} for n in (1, 2)])
        elif roll < 0.05:
            number = soak.read(conn, who, "select max(shot_number) + 1 from public.scene_shots where scene_id = %s",
                               (scene,))[0][0]
            soak.call(conn, who, "create_scene_shot", p_scene_id=scene, p_shot_number=number,
                      p_initial_prompt="soak shot")
        elif roll < 0.5 and (complete or not images):
            # the next iteration from a complete image; now and then the number is named, as a stale tab would
            named = None if complete and roll > 0.15 else max((n for *_, n in images), default=-1) + 1
            rows = soak.call(conn, who, "batch_create_shot_images", p_shot_id=shot, p_iteration_number=named,
                             p_parent_image_id=rng.choice(complete) if complete else None,
                             p_images=variants(rng.randint(1, 6), rng.choice(["pending", "pending", "complete"])))
            if rows:
                soak.log("images", shot, len(first(rows)))
        elif roll < 0.75 and complete:
            soak.call(conn, who, "select_master_shot", p_shot_id=shot, p_selected_image_id=rng.choice(complete))
        elif roll < 0.85 and complete:
            soak.call(conn, who, "toggle_shot_image_favorite", p_image_id=rng.choice(complete))
        else:
            soak.call(conn, who, "get_project_progress", p_project_id=project)


def storyboard_worker(soak, conn, rng):
    nxt = {"pending": ["processing"], "processing": ["complete"] * 5 + ["failed"], "failed": ["pending"]}
    while soak.running():
        if rng.random() < 0.75:
            rows = soak.read(conn, SERVICE, "select id, status from public.shot_images where status <> 'complete' "
                                            "order by created_at desc limit 8")
            if rows:
                image, status = rng.choice(rows)
                new = rng.choice(nxt[status])
                url = f"https://cdn.example.com/{image}.png" if new == "complete" else None
                soak.call(conn, SERVICE, "update_shot_image_status", observe=("shot_images", image), p_image_id=image,
                          p_status=new, p_image_url=url)
                continue
        else:
            rows = soak.read(conn, SERVICE, "select id, animation_status from public.storyboard_selections "
                                            "where animation_status <> 'complete'")
            if rows:
                selection, status = rng.choice(rows)
                new = rng.choice(nxt[status])
                url = f"https://cdn.example.com/{selection}.mp4" if new == "complete" else None
                soak.call(conn, SERVICE, "update_storyboard_animation", p_selection_id=selection,
                          p_animation_status=new, p_animated_video_url=url)
                continue
        soak.idle()


def storyboard_setup(db):
    users = [new_user(), new_user()]
    images = 0
    for user in users:
        t = tree(db, user, shots=3)
        images += sum(len(ids) for ids in t["images"].values())
    return {"users": users, "images": images}


def storyboard_drivers(world):
    a, b = world["users"]
    return [(storyboard_tab, a), (storyboard_tab, a), (storyboard_tab, b)] + [(storyboard_worker,)] * 2


def check_storyboard(db, soak, world) -> dict:
    shots = db.execute("""
        select shot_id, array_agg(distinct iteration_number order by iteration_number) from public.shot_images
        group by shot_id""").fetchall()
    for shot, numbers in shots:
        assert numbers == list(range(len(numbers))), f"shot {shot}: iterations {numbers} are not 0..n"
    iterations = db.execute("""
        select i.shot_id, i.iteration_number, count(distinct i.parent_image_id), count(*) filter (where
               (i.iteration_number = 0) <> (i.parent_image_id is null) or p.shot_id <> i.shot_id
               or p.iteration_number >= i.iteration_number or p.status <> 'complete')
        from public.shot_images i left join public.shot_images p on p.id = i.parent_image_id
        group by 1, 2""").fetchall()
    bad = [(s, n) for s, n, parents, wrong in iterations if parents > 1 or wrong]
    assert bad == [], f"iterations with several or wrong parents: {bad[:5]}"
    created = sum(n for _, n in soak.logs["images"]) + world["images"]
    assert db.execute("select count(*) from public.shot_images").fetchone()[0] == created, "images lost or added"
    selections = db.execute("""
        select count(*), count(*) filter (where s.selected_image_id is distinct from sel.selected_image_id
               or i.shot_id <> sel.shot_id or i.status <> 'complete')
        from public.storyboard_selections sel join public.scene_shots s on s.id = sel.shot_id
        join public.shot_images i on i.id = sel.selected_image_id""").fetchone()
    assert selections[1] == 0, "selections whose shot or image disagree"
    order = ["prompt_planning", "scenes_setup", "shot_iteration", "storyboard_final", "animation_complete"]
    projects = db.execute("select p.redesign_status, v.reached_status from public.video_projects p "
                          "join public.video_project_progress v on v.project_id = p.id").fetchall()
    assert all(order.index(status) >= order.index(reached) for status, reached in projects), projects
    return {"storyboard shots with iterations 0..n": len(shots),
            "storyboard iterations with one right parent": len(iterations),
            "storyboard images all stored": created,
            "storyboard selections matching their shot": selections[0],
            "storyboard projects at or past their reached status": len(projects),
            "storyboard image observations moving forward": check_moves(soak, "shot_images")}


# ------------------------------------------------------------------------------------------------------ test

MODULES = {
    "dreamcut": (lambda db: None, dreamcut_drivers, check_dreamcut),
    "render": (lambda db: None, render_drivers, check_render),
    "multimedia": (multimedia_setup, multimedia_drivers, check_multimedia),
    "storyboard": (storyboard_setup, storyboard_drivers, check_storyboard),
}


def test_soak_every_module_at_once(db, db_url):
    worlds = {name: setup(db) for name, (setup, _, _) in MODULES.items()}
    db.commit()
    soak = Soak(db_url)
    drivers = [d for name, (_, make, _) in MODULES.items() for d in make(worlds[name])]
    elapsed = soak.run(drivers, SECONDS)
    print(f"\nsoak: {len(drivers)} threads for {elapsed:.1f} s; operations:")
    print("\n".join(f"  {n:8} {op}" for op, n in sorted(soak.ops.items())))
    assert soak.failures == [], "\n".join(soak.failures[:10])

    started = time.monotonic()
    checks = {}
    for name, (_, _, check) in MODULES.items():
        checks.update(check(db, soak, worlds[name]))
    print(f"invariants (checked in {time.monotonic() - started:.1f} s):")
    print("\n".join(f"  {n:8} {what}" for what, n in checks.items()))
    done = {op for op in soak.ops if " refused" not in op}
    assert {"initialize_dreamcut_query", "update_asset_progress", "complete_dreamcut_query", "create_job",
            "complete_job", "check_rate_limit", "claim_rendering_job", "complete_rendering_job",
            "register_multimedia_asset", "batch_create_shot_images", "update_shot_image_status"} <= done
