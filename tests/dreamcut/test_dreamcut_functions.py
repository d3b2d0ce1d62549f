"""DreamCut realtime analyzer: the stored procedures, the completion trigger and pg_notify (issue 2, section 8).

Every happy path of initialize_dreamcut_query, update_asset_progress, complete_dreamcut_query and
fail_dreamcut_query against the storyboard of dreamcut-production-schema.md, and every bad input the SQL
rejects: the SQLSTATE and that nothing was written.

The module shares one clone of the migrated template (cloning costs ~0.4 s, times ~110 cases): every test
works on queries of its own, and setup data is committed, so "nothing was written" compares committed state
before and after a failing call made in a rolled-back transaction.
"""

from __future__ import annotations

import json
import secrets
from contextlib import contextmanager

import psycopg
import pytest
from psycopg import sql

from helpers import acting_as, new_user, raises_sqlstate, row_fingerprint, set_identity
from dreamcut_helpers import STORYBOARD, asset, counts

TABLES = ("dreamcut_queries", "dreamcut_assets", "dreamcut_messages")

SIGNATURES = {
    "initialize_dreamcut_query": {
        "p_user_id": "text", "p_user_prompt": "text", "p_intent": "text", "p_options": "jsonb", "p_assets": "jsonb",
    },
    "update_asset_progress": {
        "p_asset_id": "uuid", "p_progress": "integer", "p_status": "text", "p_analysis": "jsonb",
        "p_model_used": "text", "p_message": "text", "p_message_type": "text", "p_emoji": "text",
        "p_worker_id": "text", "p_processing_time_ms": "integer", "p_error_message": "text",
        "p_quality_score": "numeric", "p_confidence_score": "numeric", "p_query_id": "uuid",
    },
    "complete_dreamcut_query": {
        "p_query_id": "uuid", "p_payload": "jsonb", "p_processing_time_ms": "integer", "p_models_used": "text[]",
        "p_cost_estimate": "numeric",
    },
    "fail_dreamcut_query": {"p_query_id": "uuid", "p_error_message": "text"},
}

DOC_PROMPT = "Make a cinematic 30-second cyberpunk trailer..."
DOC_OPTIONS = {"duration": 30, "aspect_ratio": "16:9"}
DOC_ASSETS = [
    {"url": "https://cdn.supabase.io/assets/cyberpunk_ref.jpg", "filename": "cyberpunk_ref.jpg", "type": "image",
     "description": "Moodboard reference for style and lighting"},
    {"url": "https://cdn.supabase.io/assets/city_drive.mp4", "filename": "city_drive.mp4", "type": "video",
     "description": "Driving footage", "size": 73400320, "metadata": {"fps": 24}},
    {"url": "https://cdn.supabase.io/assets/voiceover.mp3", "filename": "voiceover.mp3", "type": "audio"},
]
GOT_REQUEST = "Got your request. Let's break it down..."
MERGE = "Combining query + assets into creative brief..."


# --------------------------------------------------------------------------------------------------- helpers

def call(conn, fn: str, **kwargs):
    """``select public.<fn>(name => value::type, ...)``; dicts/lists/strings for jsonb parameters are sent as JSON."""
    types = SIGNATURES[fn]
    params = {}
    for name, value in kwargs.items():
        if types[name] == "jsonb" and value is not None:
            value = json.dumps(value, ensure_ascii=False)
        params[name] = value
    args = sql.SQL(", ").join(
        sql.SQL("{} => {}::{}").format(sql.Identifier(name), sql.Placeholder(name), sql.SQL(types[name]))
        for name in kwargs)
    return conn.execute(sql.SQL("select public.{}({})").format(sql.Identifier(fn), args), params).fetchone()[0]


@contextmanager
def committed_as(conn, role: str = "service_role", sub: str | None = None):
    """One committed transaction as ``role`` (the connection is in autocommit mode)."""
    with conn.transaction():
        set_identity(conn, role, sub)
        yield conn


def snapshot(conn) -> dict:
    """A fingerprint of every row of the three tables, as the superuser."""
    return row_fingerprint(conn, TABLES)


def query_row(conn, qid) -> dict:
    cur = conn.execute("select * from public.dreamcut_queries where id = %s", (qid,))
    cols = [c.name for c in cur.description]
    return dict(zip(cols, cur.fetchone()))


def asset_rows(conn, qid) -> list[dict]:
    cur = conn.execute("select * from public.dreamcut_assets where query_id = %s order by seq", (qid,))
    cols = [c.name for c in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def asset_row(conn, aid) -> dict:
    cur = conn.execute("select * from public.dreamcut_assets where id = %s", (aid,))
    cols = [c.name for c in cur.description]
    return dict(zip(cols, cur.fetchone()))


def messages(conn, qid) -> list[tuple]:
    """(type, emoji, content) of the query's messages in seq order."""
    return conn.execute(
        "select type, emoji, content from public.dreamcut_messages where query_id = %s order by seq", (qid,)
    ).fetchall()


def asset_ids(conn, qid) -> list[str]:
    return [str(r["id"]) for r in asset_rows(conn, qid)]


def start(conn, assets=None, options=None, intent="video", user_id=None) -> str:
    """A committed query created as the service_role (the API route's server side)."""
    with committed_as(conn):
        return str(call(conn, "initialize_dreamcut_query", p_user_id=user_id or new_user(),
                        p_user_prompt=DOC_PROMPT, p_intent=intent, p_options=options or {},
                        p_assets=assets if assets is not None else []))


def update(conn, aid, **kwargs) -> None:
    """A committed update_asset_progress as the service_role."""
    with committed_as(conn):
        call(conn, "update_asset_progress", p_asset_id=aid, **kwargs)


def expected_query_progress(conn, qid) -> int:
    """The documented formula, recomputed from the assets: 90% of the mean progress, a failed asset counting 100."""
    n, total = conn.execute(
        "select count(*), coalesce(sum(case when status = 'failed' then 100 else progress end), 0) "
        "from public.dreamcut_assets where query_id = %s", (qid,)).fetchone()
    return min(90, total * 90 // (max(n, 1) * 100))


@pytest.fixture(scope="module")
def module_conn(module_db_url):
    with psycopg.connect(module_db_url, autocommit=True) as conn:
        yield conn


@pytest.fixture
def conn(module_conn):
    """The module database's superuser connection, in autocommit mode (each block commits or rolls back itself)."""
    assert module_conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    return module_conn


# --------------------------------------------------------------------------------------- initialize_dreamcut_query

def test_initialize_with_the_documents_example(conn):
    before = counts(conn)
    qid = start(conn, DOC_ASSETS, DOC_OPTIONS, user_id="user123")
    q = query_row(conn, qid)
    assert (q["user_id"], q["user_prompt"], q["intent"], q["options"]) == ("user123", DOC_PROMPT, "video", DOC_OPTIONS)
    assert (q["status"], q["stage"], q["progress"]) == ("processing", "init", 0)
    assert (q["asset_count"], q["assets_finished"], q["asset_progress_total"]) == (3, 0, 0)
    assert q["payload"] is None and q["completed_at"] is None and q["error_message"] is None

    assets = asset_rows(conn, qid)
    assert [(a["url"], a["filename"], a["type"], a["user_description"]) for a in assets] == [
        (a["url"], a["filename"], a["type"], a.get("description")) for a in DOC_ASSETS]
    assert [(a["file_size_bytes"], a["metadata"]) for a in assets] == [(None, {}), (73400320, {"fps": 24}), (None, {})]
    assert all((a["status"], a["progress"], a["analysis"], a["analyzed_at"]) == ("pending", 0, {}, None)
               for a in assets)

    rows = conn.execute(
        "select type, emoji, content, asset_id from public.dreamcut_messages where query_id = %s", (qid,)).fetchall()
    assert rows == [("status", "🎬", GOT_REQUEST, None)]
    assert counts(conn) == {k: before[k] + d for k, d in {"queries": 1, "assets": 3, "messages": 1}.items()}


def test_initialize_as_the_signed_in_user_for_itself(conn):
    user = new_user()
    with committed_as(conn, "authenticated", user):
        qid = str(call(conn, "initialize_dreamcut_query", p_user_id=user, p_user_prompt="Trailer",
                       p_assets=[asset("image")]))
        # The new rows are readable through RLS by their owner in the same transaction.
        assert conn.execute("select count(*) from public.dreamcut_assets where query_id = %s",
                            (qid,)).fetchone()[0] == 1
    q = query_row(conn, qid)
    assert (q["user_id"], q["intent"], q["options"], q["stage"]) == (user, None, {}, "init")


def test_initialize_keeps_the_order_of_many_assets(conn):
    kinds = ["video", "audio", "image"] * 7
    given = [asset(kind, name=f"{i:02d}-{kind}") for i, kind in enumerate(kinds)]
    qid = start(conn, given)
    assert [a["filename"] for a in asset_rows(conn, qid)] == [a["filename"] for a in given]
    assert query_row(conn, qid)["asset_count"] == len(given)


@pytest.mark.parametrize("assets", [[], None], ids=["empty-array", "null"])
def test_initialize_without_assets_goes_straight_to_merging(conn, assets):
    qid = start(conn, assets)
    q = query_row(conn, qid)
    assert (q["stage"], q["progress"], q["status"], q["asset_count"]) == ("merging", 90, "processing", 0)
    assert messages(conn, qid) == [("status", "🎬", GOT_REQUEST), ("merge", "🏁", MERGE)]


# ------------------------------------------------------------------------------------------ update_asset_progress

def test_update_asset_progress_documents_worker_flow(conn):
    qid = start(conn, DOC_ASSETS, DOC_OPTIONS)
    image = asset_ids(conn, qid)[0]
    update(conn, image, p_progress=25, p_status="analyzing",
           p_analysis={"style": "analyzing...", "mood": "detecting..."}, p_model_used="llava-13b",
           p_message="Analyzing image: cyberpunk_ref.jpg", p_message_type="asset_start", p_emoji="🖼️",
           p_worker_id="worker-7")
    a = asset_row(conn, image)
    assert (a["status"], a["progress"], a["model_used"], a["worker_id"]) == ("analyzing", 25, "llava-13b", "worker-7")
    assert a["analysis"] == {"style": "analyzing...", "mood": "detecting..."}
    assert a["analyzed_at"] is None
    q = query_row(conn, qid)
    assert (q["stage"], q["progress"]) == ("analyzing", 25 * 90 // 300)
    msg = conn.execute(
        "select type, emoji, content, asset_id from public.dreamcut_messages where query_id = %s "
        "order by seq desc limit 1",
        (qid,)).fetchone()
    assert msg == ("asset_start", "🖼️", "Analyzing image: cyberpunk_ref.jpg", a["id"])

    update(conn, image, p_progress=100, p_status="completed",
           p_analysis={"style": "cyberpunk, cinematic, neon", "mood": "dark, futuristic", "quality": "high"},
           p_message="→ ✅ cyberpunk, cinematic style, dark, futuristic mood", p_message_type="asset_complete",
           p_emoji="✅", p_processing_time_ms=1200, p_quality_score=0.9, p_confidence_score=0.85)
    a = asset_row(conn, image)
    assert (a["status"], a["progress"], a["processing_time_ms"]) == ("completed", 100, 1200)
    assert (str(a["quality_score"]), str(a["confidence_score"])) == ("0.90", "0.85")
    assert a["analysis"] == {"style": "cyberpunk, cinematic, neon", "mood": "dark, futuristic", "quality": "high"}
    assert a["model_used"] == "llava-13b" and a["worker_id"] == "worker-7"  # kept when not passed
    assert a["analyzed_at"] is not None
    q = query_row(conn, qid)
    assert (q["stage"], q["progress"], q["assets_finished"]) == ("analyzing", 100 * 90 // 300, 1)
    assert messages(conn, qid)[-1] == (
        "asset_complete", "✅", "→ ✅ cyberpunk, cinematic style, dark, futuristic mood")


ANALYSIS_MAX_BYTES = 524288  # 512 KiB of JSON text: below Supabase Realtime's 1 MiB per record


def test_analysis_is_bounded_below_what_realtime_delivers(conn):
    """The merged analysis may hold exactly the bound as JSON text; one byte more is 22023 naming p_analysis and
    the size, and writes nothing (neither the analysis nor the message nor the progress)."""
    qid = start(conn, [asset("video"), asset("audio")])
    aid = asset_ids(conn, qid)[0]
    frame = len(json.dumps({"a": ""}))  # {"a": ""} as jsonb prints it
    update(conn, aid, p_status="analyzing", p_analysis={"a": "x" * (ANALYSIS_MAX_BYTES - frame)})
    assert conn.execute("select octet_length(analysis::text) from public.dreamcut_assets where id = %s",
                        (aid,)).fetchone()[0] == ANALYSIS_MAX_BYTES
    assert_rejected(conn, "update_asset_progress",
                    {"p_asset_id": aid, "p_progress": 50, "p_message": "more", "p_analysis": {"a": "x" * (
                        ANALYSIS_MAX_BYTES - frame + 1)}}, "22023", names="p_analysis")
    update(conn, aid, p_progress=50)  # without p_analysis the asset still moves on
    assert asset_row(conn, aid)["progress"] == 50


def test_an_update_without_p_analysis_does_not_rewrite_the_analysis(conn):
    """analysis is assigned only when p_analysis is given: a progress update leaves a large (TOASTed) analysis
    where it is, so neither its WAL nor a Realtime record of the update carries it; an update with p_analysis
    rewrites it. Measured as the WAL each committed update writes (a 400 kB analysis of incompressible text)."""
    qid = start(conn, [asset("video"), asset("audio")])
    aid = asset_ids(conn, qid)[0]
    update(conn, aid, p_status="analyzing", p_analysis={"frames": secrets.token_hex(200_000)})

    def wal_of(**kwargs) -> int:
        before = conn.execute("select pg_current_wal_insert_lsn()").fetchone()[0]
        update(conn, aid, **kwargs)
        return int(conn.execute("select pg_current_wal_insert_lsn() - %s::pg_lsn", (before,)).fetchone()[0])

    assert wal_of(p_progress=10, p_message="10%") < 50_000
    assert wal_of(p_progress=20, p_analysis={"mood": "dark"}) > 200_000
    assert asset_row(conn, aid)["analysis"].keys() == {"frames", "mood"}


def test_analysis_is_merged_shallowly(conn):
    qid = start(conn, [asset("video")])
    aid = asset_ids(conn, qid)[0]
    update(conn, aid, p_status="analyzing", p_analysis={"style": "?", "scene": {"cuts": 3, "night": True}})
    update(conn, aid, p_progress=40, p_analysis={"mood": "dark", "scene": {"cuts": 5}})
    update(conn, aid, p_progress=60)  # no p_analysis: unchanged
    a = asset_row(conn, aid)
    assert a["analysis"] == {"style": "?", "mood": "dark", "scene": {"cuts": 5}}
    assert (a["status"], a["progress"]) == ("analyzing", 60)


@pytest.mark.parametrize("prepare, kwargs, expected_type", [
    ({}, {"p_status": "analyzing", "p_progress": 10}, "asset_start"),
    ({}, {"p_progress": 5}, "asset_start"),
    ({"p_status": "analyzing"}, {"p_progress": 50}, "asset_progress"),
    ({"p_status": "analyzing"}, {"p_status": "completed"}, "asset_complete"),
    ({}, {"p_status": "completed"}, "asset_complete"),
    ({"p_status": "analyzing"}, {"p_status": "failed", "p_error_message": "codec"}, "error"),
    ({"p_status": "analyzing"}, {"p_progress": 50, "p_message_type": "suggestion"}, "suggestion"),
])
def test_message_type_is_derived_from_the_status(conn, prepare, kwargs, expected_type):
    qid = start(conn, [asset("image"), asset("audio")])
    aid = asset_ids(conn, qid)[0]
    if prepare:
        update(conn, aid, **prepare)
    update(conn, aid, p_message="a note", p_emoji="📝", **kwargs)
    row = conn.execute(
        "select type, emoji, content, asset_id::text from public.dreamcut_messages where query_id = %s "
        "order by seq desc limit 1", (qid,)).fetchone()
    assert row == (expected_type, "📝", "a note", aid)


def test_an_update_without_message_writes_none(conn):
    qid = start(conn, [asset("image")])
    update(conn, asset_ids(conn, qid)[0], p_status="analyzing", p_progress=30, p_emoji="🖼️",
           p_message_type="status")
    assert messages(conn, qid) == [("status", "🎬", GOT_REQUEST)]


def test_first_update_moves_query_to_analyzing(conn):
    qid = start(conn, [asset("image"), asset("video")])
    assert query_row(conn, qid)["stage"] == "init"
    update(conn, asset_ids(conn, qid)[1], p_model_used="apollo-7b")  # any first update, even without progress
    q = query_row(conn, qid)
    assert (q["stage"], q["progress"], q["status"]) == ("analyzing", 0, "processing")


def test_query_progress_is_90_percent_of_mean_asset_progress_failed_counting_100(conn):
    qid = start(conn, [asset("image"), asset("video"), asset("audio"), asset("image")])
    a = asset_ids(conn, qid)
    steps = [
        (a[0], {"p_status": "analyzing", "p_progress": 10}, 2),    # 10 * .9 / 4 = 2.25
        (a[1], {"p_status": "analyzing", "p_progress": 60}, 15),   # 70 -> 15.75
        (a[2], {"p_status": "failed", "p_error_message": "unreadable"}, 38),  # failed at 0 counts 100: 170 -> 38.25
        (a[0], {"p_status": "completed"}, 58),                     # 260 -> 58.5
        (a[1], {"p_progress": 99}, 67),                            # 299 -> 67.275
        (a[3], {"p_progress": 33}, 74),                            # 332 -> 74.7
    ]
    for aid, kwargs, expected in steps:
        update(conn, aid, **kwargs)
        q = query_row(conn, qid)
        assert q["progress"] == expected == expected_query_progress(conn, qid), kwargs
        assert q["stage"] == "analyzing"
    assert asset_row(conn, a[0])["progress"] == 100  # completed implies 100
    failed = asset_row(conn, a[2])
    assert (failed["status"], failed["progress"], failed["error_message"]) == ("failed", 0, "unreadable")
    assert failed["analyzed_at"] is not None


@pytest.mark.parametrize("kind, analysis, metadata, options, conflict", [
    ("video", {"duration": 45}, None, {"duration": 30}, "Video is 45s but you want 30s - I'll trim it"),
    ("video", {"duration": 45.5}, None, {"duration": 30}, "Video is 45.5s but you want 30s - I'll trim it"),
    ("video", {}, {"duration": 45}, {"duration": 30}, "Video is 45s but you want 30s - I'll trim it"),
    ("video", {"duration": 30}, None, {"duration": 30}, None),
    ("video", {"duration": 20}, None, {"duration": 30}, None),
    ("video", {"duration": 45}, None, {}, None),
    ("video", {"duration": "45"}, None, {"duration": 30}, None),
    ("image", {"duration": 45}, None, {"duration": 30}, None),
])
def test_conflict_message_when_a_video_is_longer_than_wanted(conn, kind, analysis, metadata, options, conflict):
    extra = {"metadata": metadata} if metadata else {}
    qid = start(conn, [asset(kind, **extra), asset("audio")], options)
    aid = asset_ids(conn, qid)[0]
    update(conn, aid, p_status="analyzing", p_progress=50)
    update(conn, aid, p_status="completed", p_analysis=analysis, p_message="→ ✅ footage, 45s, needs trimming",
           p_emoji="✅")
    rows = conn.execute(
        "select type, emoji, content, asset_id::text, data from public.dreamcut_messages where query_id = %s "
        "order by seq", (qid,)).fetchall()
    if conflict is None:
        assert [r[0] for r in rows] == ["status", "asset_complete"]
    else:
        assert [r[:3] for r in rows[-2:]] == [("asset_complete", "✅", "→ ✅ footage, 45s, needs trimming"),
                                             ("conflict", "⚠️", conflict)]
        assert rows[-1][3] == aid
        assert rows[-1][4]["action"] == "trim" and rows[-1][4]["wanted_duration"] == 30


@pytest.mark.parametrize("last", ["completed", "failed"])
def test_merge_after_the_last_asset_finishes_exactly_once(conn, last):
    qid = start(conn, DOC_ASSETS, DOC_OPTIONS)
    image, video, audio = asset_ids(conn, qid)
    update(conn, image, p_status="analyzing", p_progress=25)
    update(conn, video, p_status="analyzing", p_progress=25)
    update(conn, audio, p_status="analyzing", p_progress=25)
    update(conn, image, p_status="completed")
    update(conn, video, p_status="completed", p_analysis={"duration": 45})
    q = query_row(conn, qid)
    assert (q["stage"], q["assets_finished"]) == ("analyzing", 2)
    assert q["progress"] < 90
    assert [m for m in messages(conn, qid) if m[0] == "merge"] == []

    update(conn, audio, p_status=last, p_message=f"audio {last}")
    q = query_row(conn, qid)
    assert (q["stage"], q["progress"], q["status"]) == ("merging", 90, "processing")
    assert (q["asset_count"], q["assets_finished"]) == (3, 3)
    msgs = messages(conn, qid)
    assert msgs[-2:] == [("asset_complete" if last == "completed" else "error", None, f"audio {last}"),
                         ("merge", "🏁", MERGE)]
    assert [m[0] for m in msgs].count("merge") == 1
    assert [m[0] for m in msgs].count("conflict") == 1


def test_deleting_an_asset_keeps_its_messages(conn):
    """The document's messages.asset_id "on delete set null", kept by a trigger (the key holds the query id)."""
    qid = start(conn, [asset("image"), asset("video")])
    gone, kept = asset_ids(conn, qid)
    update(conn, gone, p_status="analyzing", p_message="Analyzing image")
    update(conn, kept, p_status="analyzing", p_message="Analyzing video")
    with committed_as(conn):
        conn.execute("delete from public.dreamcut_assets where id = %s", (gone,))
    rows = conn.execute("select content, asset_id::text from public.dreamcut_messages where query_id = %s "
                        "order by seq", (qid,)).fetchall()
    assert rows == [(GOT_REQUEST, None), ("Analyzing image", None), ("Analyzing video", kept)]
    with committed_as(conn):
        conn.execute("delete from public.dreamcut_queries where id = %s", (qid,))
    assert counts(conn, qid) == {"queries": 0, "assets": 0, "messages": 0}


def test_deleting_the_last_unfinished_asset_moves_the_query_to_merging_once(conn):
    qid = start(conn, [asset("image"), asset("video")])
    done, unfinished = asset_ids(conn, qid)
    update(conn, done, p_status="completed")
    conn.execute("delete from public.dreamcut_assets where id = %s", (unfinished,))
    q = query_row(conn, qid)
    assert (q["stage"], q["progress"], q["asset_count"], q["assets_finished"]) == ("merging", 90, 1, 1)
    assert [m[0] for m in messages(conn, qid)].count("merge") == 1


def test_a_failed_asset_does_not_stop_the_others(conn):
    qid = start(conn, [asset("image"), asset("video"), asset("audio")])
    first, second, third = asset_ids(conn, qid)
    update(conn, first, p_status="failed", p_error_message="404 from CDN", p_message="Could not fetch image",
           p_emoji="❌")
    q = query_row(conn, qid)
    assert (q["status"], q["stage"], q["assets_finished"], q["progress"]) == ("processing", "analyzing", 1, 30)
    update(conn, second, p_status="analyzing", p_progress=50)
    update(conn, second, p_status="completed")
    assert query_row(conn, qid)["stage"] == "analyzing"
    update(conn, third, p_status="completed")
    q = query_row(conn, qid)
    assert (q["status"], q["stage"], q["progress"], q["assets_finished"]) == ("processing", "merging", 90, 3)
    assert [r["status"] for r in asset_rows(conn, qid)] == ["failed", "completed", "completed"]
    assert ("error", "❌", "Could not fetch image") in messages(conn, qid)


def test_updated_at_changes_on_update(conn):
    qid = start(conn, [asset("image"), asset("audio")])
    aid = asset_ids(conn, qid)[0]
    q0, a0 = query_row(conn, qid), asset_row(conn, aid)
    assert q0["updated_at"] == q0["created_at"] and a0["updated_at"] == a0["created_at"]
    update(conn, aid, p_status="analyzing", p_progress=10)
    q1, a1 = query_row(conn, qid), asset_row(conn, aid)
    assert a1["updated_at"] > a0["updated_at"] and q1["updated_at"] > q0["updated_at"]
    assert (a1["created_at"], q1["created_at"]) == (a0["created_at"], q0["created_at"])
    other = asset_row(conn, asset_ids(conn, qid)[1])
    assert other["updated_at"] == other["created_at"]  # only the updated asset


# ----------------------------------------------------------------------------- complete / fail_dreamcut_query

def finish_all(conn, qid) -> None:
    for aid in asset_ids(conn, qid):
        update(conn, aid, p_status="completed")


def test_complete_writes_the_documents_completion_messages_in_order(conn):
    qid = start(conn, DOC_ASSETS, DOC_OPTIONS)
    finish_all(conn, qid)
    n_before = len(messages(conn, qid))
    payload = {
        "intent": "cinematic 30s trailer",
        "assets_summary": "1 image (style), 1 video (footage), 1 audio (voiceover)",
        "suggested_directions": ["Neon Noir", "Fast-paced Montage"],
        "scenes": [{"n": 1, "shot": "neon street"}],
    }
    with committed_as(conn):
        call(conn, "complete_dreamcut_query", p_query_id=qid, p_payload=payload, p_processing_time_ms=45000,
             p_models_used=["llava-13b", "apollo-7b", "whisper-large-v3"], p_cost_estimate=0.23)
    assert messages(conn, qid)[n_before:] == [
        ("final", "🎬", "Creative brief ready 🎬"),
        ("final", "🎯", "- Intent: cinematic 30s trailer"),
        ("final", "📁", "- Assets: 1 image (style), 1 video (footage), 1 audio (voiceover)"),
        ("suggestion", "💡", "- Suggested directions: Neon Noir, Fast-paced Montage"),
        ("final", "🚀", "Ready for production!"),
    ]
    q = query_row(conn, qid)
    assert (q["status"], q["stage"], q["progress"]) == ("completed", "done", 100)
    assert q["completed_at"] is not None and q["completed_at"] >= q["created_at"]
    assert q["payload"] == payload
    assert (q["processing_time_ms"], q["models_used"], str(q["cost_estimate"])) == (
        45000, ["llava-13b", "apollo-7b", "whisper-large-v3"], "0.2300")
    data = conn.execute("select data from public.dreamcut_messages where query_id = %s and type = 'suggestion'",
                        (qid,)).fetchone()[0]
    assert data == {"suggested_directions": ["Neon Noir", "Fast-paced Montage"]}


def test_complete_defaults_intent_and_assets_summary_and_skips_missing_lines(conn):
    qid = start(conn, [asset("image"), asset("audio"), asset("video"), asset("image"), asset("audio")],
                intent="mixed")
    finish_all(conn, qid)
    n_before = len(messages(conn, qid))
    with committed_as(conn):
        call(conn, "complete_dreamcut_query", p_query_id=qid, p_payload={})
    assert messages(conn, qid)[n_before:] == [
        ("final", "🎬", "Creative brief ready 🎬"),
        ("final", "🎯", "- Intent: mixed"),
        ("final", "📁", "- Assets: 2 images, 1 video, 2 audio"),
        ("final", "🚀", "Ready for production!"),
    ]
    q = query_row(conn, qid)
    assert (q["status"], q["payload"], q["processing_time_ms"], q["models_used"], q["cost_estimate"]) == (
        "completed", {}, None, None, None)


def test_complete_a_query_without_assets(conn):
    qid = start(conn, [], intent=None)
    with committed_as(conn):
        call(conn, "complete_dreamcut_query", p_query_id=qid, p_payload={"suggested_directions": []})
    assert messages(conn, qid) == [
        ("status", "🎬", GOT_REQUEST), ("merge", "🏁", MERGE),
        ("final", "🎬", "Creative brief ready 🎬"), ("final", "🚀", "Ready for production!"),
    ]
    assert query_row(conn, qid)["stage"] == "done"


def test_the_whole_storyboard(conn):
    """The chat of dreamcut-production-schema.md, "Exact Storyboard Flow", end to end."""
    qid = start(conn, DOC_ASSETS, DOC_OPTIONS)
    image, video, audio = asset_ids(conn, qid)
    for aid, emoji, kind, name, verdict, analysis in [
        (image, "🖼️", "image", "cyberpunk_ref.jpg",
         "→ ✅ cyberpunk, cinematic style, dark, futuristic mood", {}),
        (video, "🎥", "video", "city_drive.mp4", "→ ✅ footage, 45s, needs trimming", {"duration": 45}),
        (audio, "🎵", "audio", "voiceover.mp3", "→ ✅ dramatic, cinematic narration detected", {}),
    ]:
        update(conn, aid, p_progress=25, p_status="analyzing", p_message=f"Analyzing {kind}: {name}", p_emoji=emoji)
        update(conn, aid, p_progress=50)
        update(conn, aid, p_progress=100, p_status="completed", p_analysis=analysis, p_message=verdict)
    with committed_as(conn):
        call(conn, "complete_dreamcut_query", p_query_id=qid, p_payload={
            "intent": "cinematic 30s trailer",
            "assets_summary": "1 image (style), 1 video (footage), 1 audio (voiceover)",
            "suggested_directions": ["Neon Noir", "Fast-paced Montage"]})
    chat = [f"{e} {c}" if e else c for _t, e, c in messages(conn, qid)]
    assert chat == STORYBOARD
    created = conn.execute("select array_agg(created_at order by seq) from public.dreamcut_messages "
                           "where query_id = %s", (qid,)).fetchone()[0]
    assert created == sorted(created)
    # The feed's positions come from the query, not from a sequence shared by every query (or by every node).
    seqs = conn.execute("select array_agg(seq order by seq) from public.dreamcut_messages where query_id = %s",
                        (qid,)).fetchone()[0]
    assert seqs == list(range(1, len(STORYBOARD) + 1))
    assert [r["seq"] for r in asset_rows(conn, qid)] == [1, 2, 3]


def test_direct_inserts_take_the_next_position_of_their_query(conn):
    """A worker (service_role) writing a message or an asset directly, without seq, gets the next one."""
    qid = start(conn, [asset("image"), asset("video")])
    other = start(conn, [asset("audio")])
    with committed_as(conn):
        conn.execute("insert into public.dreamcut_messages (query_id, type, content) values (%s, 'status', 'one'), "
                     "(%s, 'status', 'two'), (%s, 'status', 'elsewhere')", (qid, qid, other))
        conn.execute("insert into public.dreamcut_assets (query_id, url, type) values (%s, 'https://x/a.mp3', 'audio')",
                     (qid,))
    assert conn.execute("select array_agg(content order by seq), array_agg(seq order by seq) "
                        "from public.dreamcut_messages where query_id = %s", (qid,)).fetchone() == (
        [GOT_REQUEST, "one", "two"], [1, 2, 3])
    assert [r["seq"] for r in asset_rows(conn, qid)] == [1, 2, 3]
    assert [r["seq"] for r in asset_rows(conn, other)] == [1]


def test_completed_at_is_never_before_created_at(conn, module_db_url):
    """A merger whose transaction began before the query was created completes and fails it after its creation
    (now() would be the merger's transaction start, before created_at: a soak failure once)."""
    with psycopg.connect(module_db_url) as merger:
        merger.execute("select now()")  # the merger's transaction has begun
        done, failed = start(conn, []), start(conn, [])
        set_identity(merger, "service_role")
        merger.execute("select public.complete_dreamcut_query(%s, '{}')", (done,))
        merger.execute("select public.fail_dreamcut_query(%s, 'gave up')", (failed,))
        merger.commit()
    for qid in (done, failed):
        q = query_row(conn, qid)
        assert q["completed_at"] >= q["created_at"], q


@pytest.mark.parametrize("stage_before", ["init", "analyzing", "merging"])
def test_fail_query(conn, stage_before):
    qid = start(conn, [] if stage_before == "merging" else [asset("image"), asset("video")])
    if stage_before == "analyzing":
        update(conn, asset_ids(conn, qid)[0], p_status="analyzing", p_progress=40)
    progress_before = query_row(conn, qid)["progress"]
    with committed_as(conn):
        call(conn, "fail_dreamcut_query", p_query_id=qid, p_error_message="Model quota exceeded")
    q = query_row(conn, qid)
    assert (q["status"], q["stage"], q["progress"], q["error_message"]) == (
        "failed", stage_before, progress_before, "Model quota exceeded")
    assert q["completed_at"] is not None
    assert messages(conn, qid)[-1] == ("error", "❌", "Model quota exceeded")


# --------------------------------------------------------------------------------------------------- pg_notify

def drain(listener, timeout: float = 10.0) -> list:
    """The notifications queued for ``listener`` so far: it notifies itself and reads up to that marker.

    Notifications are queued at commit, in commit order, so everything committed before the marker is read and
    nothing that commits later can be among them. No sleeping, no guessing how long to wait.
    """
    marker = f"marker-{new_user()}"
    listener.execute("select pg_notify('dreamcut_test_marker', %s)", (marker,))
    got = []
    for n in listener.notifies(timeout=timeout):
        if n.channel == "dreamcut_test_marker" and n.payload == marker:
            return got
        got.append(n)
    raise AssertionError(f"marker not received within {timeout}s; got {got}")


def by_channel(notifications) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for n in notifications:
        assert len(n.payload.encode()) < 300, n.payload  # small: ids and status, never the JSON documents
        out.setdefault(n.channel, []).append(json.loads(n.payload))
    return out


@pytest.fixture
def listener(module_db_url):
    with psycopg.connect(module_db_url, autocommit=True) as conn:
        conn.execute("listen dreamcut_test_marker")
        yield conn


@pytest.fixture
def writer(module_db_url):
    with psycopg.connect(module_db_url) as conn:
        yield conn


def test_pg_notify_after_commit_on_the_documents_channels(listener, writer):
    with writer.transaction():
        set_identity(writer, "service_role")
        qid = str(call(writer, "initialize_dreamcut_query", p_user_id="user123", p_user_prompt=DOC_PROMPT,
                       p_options=DOC_OPTIONS, p_assets=DOC_ASSETS[:2]))
        channels = {t: f"{t}:{qid}" for t in TABLES}
        for channel in channels.values():
            listener.execute(sql.SQL("listen {}").format(sql.Identifier(channel)))
        assert drain(listener) == []  # nothing before commit
    got = by_channel(drain(listener))
    assert set(got) == set(channels.values())
    image, video = (str(r[0]) for r in writer.execute(
        "select id from public.dreamcut_assets where query_id = %s order by seq", (qid,)).fetchall())
    msg_id, seq = writer.execute("select id::text, seq from public.dreamcut_messages where query_id = %s",
                                 (qid,)).fetchone()
    writer.commit()
    assert got[channels["dreamcut_messages"]] == [{"id": msg_id, "query_id": qid, "seq": seq, "type": "status"}]
    # The assets of one INSERT: one notification with their number, not one per asset.
    assert got[channels["dreamcut_assets"]] == [{"query_id": qid, "inserted": 2}]
    assert {"id": qid, "stage": "init", "status": "processing", "progress": 0} in got[channels["dreamcut_queries"]]

    # A worker update with a large analysis: the payloads stay small and name the new state.
    big = "x" * 20000
    with writer.transaction():
        set_identity(writer, "service_role")
        call(writer, "update_asset_progress", p_asset_id=image, p_status="analyzing", p_progress=50,
             p_analysis={"notes": big}, p_message="Analyzing image: cyberpunk_ref.jpg", p_emoji="🖼️")
        assert drain(listener) == []
    got = by_channel(drain(listener))
    assert got[channels["dreamcut_assets"]] == [{"id": image, "query_id": qid, "status": "analyzing", "progress": 50}]
    assert got[channels["dreamcut_queries"]] == [{"id": qid, "stage": "analyzing", "status": "processing",
                                                  "progress": 22}]
    [m] = got[channels["dreamcut_messages"]]
    assert (m["query_id"], m["type"], m["seq"] > seq) == (qid, "asset_start", True)

    # The last asset finishes: merging and the merge message; then completion.
    for aid in (image, video):
        with writer.transaction():
            set_identity(writer, "service_role")
            call(writer, "update_asset_progress", p_asset_id=aid, p_status="completed")
    got = by_channel(drain(listener))
    assert got[channels["dreamcut_queries"]][-1] == {"id": qid, "stage": "merging", "status": "processing",
                                                     "progress": 90}
    assert [m["type"] for m in got[channels["dreamcut_messages"]]] == ["merge"]
    with writer.transaction():
        set_identity(writer, "service_role")
        call(writer, "complete_dreamcut_query", p_query_id=qid, p_payload={"blob": big})
    got = by_channel(drain(listener))
    assert got[channels["dreamcut_queries"]] == [{"id": qid, "stage": "done", "status": "completed", "progress": 100}]
    # No intent anywhere and no suggested directions: those two lines are left out.
    assert [m["type"] for m in got[channels["dreamcut_messages"]]] == ["final", "final", "final"]
    seqs = [m["seq"] for m in got[channels["dreamcut_messages"]]]
    assert seqs == sorted(seqs)


def test_pg_notify_query_channel_only_when_stage_status_or_progress_change(listener, writer):
    with writer.transaction():
        set_identity(writer, "service_role")
        qid = str(call(writer, "initialize_dreamcut_query", p_user_id="u", p_user_prompt="p",
                       p_assets=[asset("image")] * 10))
    aid = writer.execute("select id::text from public.dreamcut_assets where query_id = %s order by seq limit 1",
                         (qid,)).fetchone()[0]
    writer.commit()
    listener.execute(sql.SQL("listen {}").format(sql.Identifier(f"dreamcut_queries:{qid}")))
    listener.execute(sql.SQL("listen {}").format(sql.Identifier(f"dreamcut_assets:{qid}")))
    # 10 assets: the query's progress is 90 * (sum of asset progress) / 1000, in whole percent. 1% moves the
    # query from init to analyzing (notified), 5% leaves it at 0% (counters change, nothing visible: no
    # notification), 12% makes it 1% (notified).
    for progress in (1, 5, 12):
        with writer.transaction():
            set_identity(writer, "service_role")
            call(writer, "update_asset_progress", p_asset_id=aid, p_status="analyzing", p_progress=progress)
    got = by_channel(drain(listener))
    assert got[f"dreamcut_queries:{qid}"] == [
        {"id": qid, "stage": "analyzing", "status": "processing", "progress": 0},
        {"id": qid, "stage": "analyzing", "status": "processing", "progress": 1},
    ]
    assert [p["progress"] for p in got[f"dreamcut_assets:{qid}"]] == [1, 5, 12]  # every asset update


def test_pg_notify_off_by_setting(listener, writer):
    """dreamcut.notify = off (per database on Supabase, where Realtime reads the publication): no pg_notify."""
    with writer.transaction():
        set_identity(writer, "service_role")
        writer.execute("set local dreamcut.notify = off")
        qid = str(call(writer, "initialize_dreamcut_query", p_user_id="u", p_user_prompt="p",
                       p_assets=[asset("image")]))
        listener.execute("listen dreamcut_test_marker")
        for t in TABLES:
            listener.execute(sql.SQL("listen {}").format(sql.Identifier(f"{t}:{qid}")))
        aid = writer.execute("select id::text from public.dreamcut_assets where query_id = %s",
                             (qid,)).fetchone()[0]
        call(writer, "update_asset_progress", p_asset_id=aid, p_status="completed", p_message="done")
    assert drain(listener) == []
    rows = writer.execute("select count(*) from public.dreamcut_messages where query_id = %s", (qid,)).fetchone()[0]
    assert rows == 3  # the writes themselves happened: first message, asset message, merge message
    writer.commit()


def test_pg_notify_nothing_after_rollback(listener, writer):
    with writer.transaction():
        set_identity(writer, "service_role")
        qid = str(call(writer, "initialize_dreamcut_query", p_user_id="u", p_user_prompt="p",
                       p_assets=[asset("image")]))
    aid = writer.execute("select id::text from public.dreamcut_assets where query_id = %s", (qid,)).fetchone()[0]
    writer.commit()
    for t in TABLES:
        listener.execute(sql.SQL("listen {}").format(sql.Identifier(f"{t}:{qid}")))
    with writer.transaction(force_rollback=True):
        set_identity(writer, "service_role")
        call(writer, "update_asset_progress", p_asset_id=aid, p_status="completed", p_message="done")
    assert drain(listener) == []
    with writer.transaction():
        set_identity(writer, "service_role")
        call(writer, "fail_dreamcut_query", p_query_id=qid, p_error_message="boom")
    got = by_channel(drain(listener))
    assert set(got) == {f"dreamcut_queries:{qid}", f"dreamcut_messages:{qid}"}
    assert got[f"dreamcut_queries:{qid}"] == [{"id": qid, "stage": "init", "status": "failed", "progress": 0}]
    [m] = got[f"dreamcut_messages:{qid}"]
    assert (m["query_id"], m["type"]) == (qid, "error")


# ------------------------------------------------------------------------------------------------- bad inputs

@pytest.fixture(scope="module")
def world(module_conn):
    """Committed queries and assets in every state a bad call can meet (each bad call is rolled back)."""
    conn = module_conn
    w = {}
    w["q"] = start(conn, [asset("image"), asset("video"), asset("audio"), asset("image"), asset("video")])
    w["pending"], w["analyzing"], w["completed"], w["failed"], _ = asset_ids(conn, w["q"])
    update(conn, w["analyzing"], p_status="analyzing", p_progress=50, p_analysis={"style": "noir"})
    update(conn, w["completed"], p_status="completed")
    update(conn, w["failed"], p_status="failed", p_error_message="corrupt")
    w["init"] = start(conn, [asset("image")])
    w["merging"] = start(conn, [])
    w["done"] = start(conn, [])
    with committed_as(conn):
        call(conn, "complete_dreamcut_query", p_query_id=w["done"], p_payload={})
    w["failed_query"] = start(conn, [asset("image")])
    w["asset_of_failed_query"] = asset_ids(conn, w["failed_query"])[0]
    with committed_as(conn):
        call(conn, "fail_dreamcut_query", p_query_id=w["failed_query"], p_error_message="gave up")
    w["unknown"] = new_user()
    return w


def resolve(world, kwargs: dict) -> dict:
    """Replace ``"@name"`` values by the world's ids."""
    return {k: world[v[1:]] if isinstance(v, str) and v.startswith("@") else v for k, v in kwargs.items()}


def assert_rejected(conn, fn, kwargs, sqlstate, role="service_role", sub=None, names=None):
    before, rows_before = counts(conn), snapshot(conn)
    with raises_sqlstate(sqlstate) as info:
        with acting_as(conn, role, sub):
            call(conn, fn, **kwargs)
    assert counts(conn) == before
    assert snapshot(conn) == rows_before
    if names:
        assert names in str(info.value), str(info.value)


OK_ASSET = {"url": "https://cdn.example.com/a.jpg", "type": "image"}
INIT_OK = {"p_user_id": "user123", "p_user_prompt": "Make a trailer", "p_intent": "video",
           "p_options": {"duration": 30}, "p_assets": [OK_ASSET]}

INIT_BAD = {
    "user_id null": ({"p_user_id": None}, "p_user_id"),
    "user_id empty": ({"p_user_id": ""}, "p_user_id"),
    "user_id blank": ({"p_user_id": "   "}, "p_user_id"),
    "prompt null": ({"p_user_prompt": None}, "p_user_prompt"),
    "prompt empty": ({"p_user_prompt": ""}, "p_user_prompt"),
    "prompt blank": ({"p_user_prompt": "   "}, "p_user_prompt"),
    "prompt tabs and newlines": ({"p_user_prompt": "\t\n\r "}, "p_user_prompt"),
    "prompt above 10000 characters": ({"p_user_prompt": "é" * 10001}, "p_user_prompt"),
    "intent unknown": ({"p_intent": "film"}, "p_intent"),
    "intent empty": ({"p_intent": ""}, "p_intent"),
    "options array": ({"p_options": [1]}, "p_options"),
    "options string": ({"p_options": "duration=30"}, "p_options"),
    "assets object": ({"p_assets": OK_ASSET}, "p_assets"),
    "assets string": ({"p_assets": "a.jpg"}, "p_assets"),
    "options above 16 KiB": ({"p_options": {"k": "x" * 16384}}, "p_options"),
    "too many assets": ({"p_assets": [OK_ASSET] * 1001}, "1001"),
    "assets above 1 MiB": ({"p_assets": [OK_ASSET | {"description": "x" * 1100}] * 1000}, "p_assets"),
    "asset not object": ({"p_assets": ["https://cdn.example.com/a.jpg"]}, "p_assets[0]"),
    "asset unknown key": ({"p_assets": [OK_ASSET | {"colour": "red"}]}, "'colour'"),
    "asset without url": ({"p_assets": [{"type": "image"}]}, "url"),
    "asset url empty": ({"p_assets": [{"url": " ", "type": "image"}]}, "url"),
    "asset url number": ({"p_assets": [{"url": 5, "type": "image"}]}, "url"),
    "asset without type": ({"p_assets": [{"url": "https://x/a"}]}, "type"),
    "asset type unknown": ({"p_assets": [OK_ASSET | {"type": "pdf"}]}, "pdf"),
    "asset filename number": ({"p_assets": [OK_ASSET | {"filename": 7}]}, "filename"),
    "asset description object": ({"p_assets": [OK_ASSET | {"description": {}}]}, "description"),
    "asset size string": ({"p_assets": [OK_ASSET | {"size": "1MB"}]}, "size"),
    "asset size negative": ({"p_assets": [OK_ASSET | {"size": -1}]}, "size"),
    "asset size fraction": ({"p_assets": [OK_ASSET | {"size": 1.5}]}, "size"),
    "asset size beyond bigint": ({"p_assets": [OK_ASSET | {"size": 2 ** 63}]}, "size"),
    "asset metadata array": ({"p_assets": [OK_ASSET | {"metadata": []}]}, "metadata"),
    "second asset bad": ({"p_assets": [OK_ASSET, OK_ASSET | {"type": "gif"}]}, "p_assets[1]"),
}


@pytest.mark.parametrize("change, names", INIT_BAD.values(), ids=INIT_BAD.keys())
def test_initialize_rejects(conn, change, names):
    assert_rejected(conn, "initialize_dreamcut_query", INIT_OK | change, "22023", names=names)


def test_initialize_accepts_the_edges_of_the_rules(conn):
    """The valid neighbours of the bad inputs above are accepted (so the rejections are about the value)."""
    with acting_as(conn, "service_role"):
        qid = call(conn, "initialize_dreamcut_query", **INIT_OK | {"p_intent": None, "p_options": None, "p_assets": [
            OK_ASSET | {"size": 2 ** 63 - 1, "metadata": None, "filename": None, "description": "d"},
            OK_ASSET | {"size": 0}]})
        assert [a["file_size_bytes"] for a in asset_rows(conn, qid)] == [2 ** 63 - 1, 0]
        qid = call(conn, "initialize_dreamcut_query", **INIT_OK | {"p_assets": [OK_ASSET] * 1000})
        assert query_row(conn, qid)["asset_count"] == 1000


UPDATE_BAD = {
    "asset_id null": ("@pending", {"p_asset_id": None}, "22023"),
    "progress negative": ("@pending", {"p_progress": -1}, "22023"),
    "progress above 100": ("@analyzing", {"p_progress": 101}, "22023"),
    "status unknown": ("@pending", {"p_status": "done"}, "22023"),
    "analysis array": ("@analyzing", {"p_analysis": ["a"]}, "22023"),
    "analysis string": ("@analyzing", {"p_analysis": "noir"}, "22023"),
    "message empty": ("@analyzing", {"p_message": ""}, "22023"),
    "message blank": ("@analyzing", {"p_message": "  "}, "22023"),
    "message above 4000 characters": ("@analyzing", {"p_message": "m" * 4001}, "22023"),
    "error message above 4000 characters": ("@analyzing", {"p_status": "failed", "p_error_message": "e" * 4001}, "22023"),
    "message type unknown": ("@analyzing", {"p_message": "hi", "p_message_type": "chat"}, "22023"),
    "processing time negative": ("@analyzing", {"p_processing_time_ms": -5}, "22023"),
    "quality above 1": ("@analyzing", {"p_quality_score": 1.5}, "22023"),
    "quality negative": ("@analyzing", {"p_quality_score": -0.1}, "22023"),
    "confidence above 1": ("@analyzing", {"p_confidence_score": 2}, "22023"),
    "completed below 100": ("@analyzing", {"p_status": "completed", "p_progress": 60}, "22023"),
    "unknown asset": ("@unknown", {"p_progress": 10}, "P0002"),
    "asset of another query": ("@pending", {"p_progress": 10, "p_query_id": "@init"}, "P0002"),
    "completed asset": ("@completed", {"p_progress": 100, "p_message": "again"}, "55000"),
    "failed asset": ("@failed", {"p_status": "analyzing"}, "55000"),
    "failed asset retried": ("@failed", {"p_status": "completed"}, "55000"),
    "query already failed": ("@asset_of_failed_query", {"p_status": "analyzing", "p_message": "hi"}, "55000"),
    "back to pending": ("@analyzing", {"p_status": "pending"}, "55000"),
    "progress goes back": ("@analyzing", {"p_progress": 40, "p_message": "hmm"}, "55000"),
    "failed below current": ("@analyzing", {"p_status": "failed", "p_progress": 10}, "55000"),
}


@pytest.mark.parametrize("target, change, sqlstate", UPDATE_BAD.values(), ids=UPDATE_BAD.keys())
def test_update_asset_progress_rejects(conn, world, target, change, sqlstate):
    kwargs = resolve(world, {"p_asset_id": target} | change)
    assert_rejected(conn, "update_asset_progress", kwargs, sqlstate)


COMPLETE_BAD = {
    "query_id null": ({"p_query_id": None}, "22023"),
    "payload null": ({"p_payload": None}, "22023"),
    "payload array": ({"p_payload": [{"intent": "x"}]}, "22023"),
    "payload string": ({"p_payload": "brief"}, "22023"),
    "intent not string": ({"p_payload": {"intent": 5}}, "22023"),
    "assets_summary not string": ({"p_payload": {"assets_summary": ["1 image"]}}, "22023"),
    "directions not array": ({"p_payload": {"suggested_directions": "Neon Noir"}}, "22023"),
    "directions not strings": ({"p_payload": {"suggested_directions": ["Neon Noir", 2]}}, "22023"),
    "payload above 512 KiB": ({"p_payload": {"intent": "trailer", "brief": "b" * 524288}}, "22023"),
    "processing time negative": ({"p_processing_time_ms": -1}, "22023"),
    "cost negative": ({"p_cost_estimate": -0.01}, "22023"),
    "cost beyond decimal(10,4)": ({"p_cost_estimate": 1000000}, "22003"),  # raised by PostgreSQL (errors.md)
    "unknown query": ({"p_query_id": "@unknown"}, "P0002"),
    "query in init": ({"p_query_id": "@init"}, "55000"),
    "query analyzing": ({"p_query_id": "@q"}, "55000"),
    "query completed": ({"p_query_id": "@done"}, "55000"),
    "query failed": ({"p_query_id": "@failed_query"}, "55000"),
}


@pytest.mark.parametrize("change, sqlstate", COMPLETE_BAD.values(), ids=COMPLETE_BAD.keys())
def test_complete_dreamcut_query_rejects(conn, world, change, sqlstate):
    kwargs = resolve(world, {"p_query_id": "@merging", "p_payload": {"intent": "trailer"},
                             "p_processing_time_ms": 10, "p_models_used": ["m"], "p_cost_estimate": 0.1} | change)
    assert_rejected(conn, "complete_dreamcut_query", kwargs, sqlstate)


FAIL_BAD = {
    "query_id null": ({"p_query_id": None}, "22023"),
    "message null": ({"p_error_message": None}, "22023"),
    "message empty": ({"p_error_message": ""}, "22023"),
    "message blank": ({"p_error_message": "   "}, "22023"),
    "message above 4000 characters": ({"p_error_message": "e" * 4001}, "22023"),
    "unknown query": ({"p_query_id": "@unknown"}, "P0002"),
    "query completed": ({"p_query_id": "@done"}, "55000"),
    "query failed": ({"p_query_id": "@failed_query"}, "55000"),
}


@pytest.mark.parametrize("change, sqlstate", FAIL_BAD.values(), ids=FAIL_BAD.keys())
def test_fail_dreamcut_query_rejects(conn, world, change, sqlstate):
    kwargs = resolve(world, {"p_query_id": "@q", "p_error_message": "boom"} | change)
    assert_rejected(conn, "fail_dreamcut_query", kwargs, sqlstate)


def test_the_world_accepts_the_good_neighbours(conn, world):
    """The same targets accept a valid call, so each rejection above is caused by the one bad value."""
    with acting_as(conn, "service_role"):
        call(conn, "update_asset_progress", p_asset_id=world["pending"], p_progress=0, p_status="pending",
             p_message="queued", p_quality_score=1, p_confidence_score=0, p_query_id=world["q"])
        call(conn, "update_asset_progress", p_asset_id=world["analyzing"], p_progress=50, p_status="failed",
             p_analysis={}, p_processing_time_ms=0)
        call(conn, "complete_dreamcut_query", p_query_id=world["merging"], p_payload={"intent": "trailer"},
             p_processing_time_ms=0, p_models_used=[], p_cost_estimate=0)
        call(conn, "fail_dreamcut_query", p_query_id=world["q"], p_error_message="boom")


DIRECT_BAD = {
    "asset into a merging query": (
        "insert into public.dreamcut_assets (query_id, url, type) values (%(merging)s, 'https://x/a.jpg', 'image')"),
    "asset into a completed query": (
        "insert into public.dreamcut_assets (query_id, url, type) values (%(done)s, 'https://x/a.jpg', 'image')"),
    "asset into a failed query": (
        "insert into public.dreamcut_assets (query_id, url, type) "
        "values (%(failed_query)s, 'https://x/a.jpg', 'image')"),
    "assets into a live and a failed query": (
        "insert into public.dreamcut_assets (query_id, url, type) "
        "values (%(q)s, 'https://x/a.jpg', 'image'), (%(failed_query)s, 'https://x/b.jpg', 'image')"),
    "asset moved to another query": "update public.dreamcut_assets set query_id = %(init)s where id = %(pending)s",
}


@pytest.mark.parametrize("statement", DIRECT_BAD.values(), ids=DIRECT_BAD.keys())
def test_triggers_reject_direct_writes_of_workers(conn, world, statement):
    """The service_role writes tables directly too; the triggers keep the rules (55000) and write nothing."""
    before, rows_before = counts(conn), snapshot(conn)
    with raises_sqlstate("55000"):
        with acting_as(conn, "service_role"):
            conn.execute(statement, world)
    assert counts(conn) == before and snapshot(conn) == rows_before


def test_direct_asset_insert_keeps_the_counters(conn, world):
    with acting_as(conn, "service_role"):
        conn.execute("insert into public.dreamcut_assets (query_id, url, type, status, progress) values "
                     "(%(q)s, 'https://x/a.jpg', 'image', 'analyzing', 40), (%(q)s, 'https://x/b.mp4', 'video', "
                     "'failed', 0), (%(init)s, 'https://x/c.mp3', 'audio', 'pending', 0)", world)
        for qid in (world["q"], world["init"]):
            assert conn.execute(
                "select asset_count, assets_finished, asset_progress_total from public.dreamcut_queries where id = %s",
                (qid,)).fetchone() == conn.execute(
                "select count(*), count(*) filter (where status in ('completed', 'failed')), "
                "sum(case when status = 'failed' then 100 else progress end) from public.dreamcut_assets "
                "where query_id = %s", (qid,)).fetchone()
