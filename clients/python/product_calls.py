"""The product documents' calls from Python, typed with ``dreamcut_db.types``: ``mypy --strict`` must accept it.

A pipeline on supabase-py (the content and multimedia managers of video-pipeline-content-multimedia.md, the
DreamCut submit of dreamcut-production-schema.md) and a worker on psycopg (the progressive asset updates).
supabase-py's ``rpc`` asks for a plain ``dict``: pass ``dict(args)``.
"""

from __future__ import annotations

from typing import Any, cast

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb
from supabase import Client

from dreamcut_db.types import (
    CreateModuleContentArgs,
    DreamcutQueries,
    InitializeDreamcutQueryArgs,
    JobStatus,
    MmMultimediaAssets,
    RegisterMultimediaAssetArgs,
    UpdateAssetProgressArgs,
    UpdateSessionStatusArgs,
)


def submit_query(client: Client, user_id: str, prompt: str) -> str:
    args: InitializeDreamcutQueryArgs = {
        "p_user_id": user_id,
        "p_user_prompt": prompt,
        "p_intent": "video",
        "p_options": {"duration": 30, "aspect_ratio": "16:9"},
        "p_assets": [{"url": "https://cdn.supabase.io/assets/cyberpunk_ref.jpg", "filename": "cyberpunk_ref.jpg",
                      "type": "image", "description": "Moodboard reference for style and lighting"}],
    }
    query_id = client.rpc("initialize_dreamcut_query", dict(args)).execute().data
    if not isinstance(query_id, str):
        raise TypeError(f"initialize_dreamcut_query returned {query_id!r}")
    return query_id


def generate_module(client: Client, session_id: str) -> str:
    content: CreateModuleContentArgs = {
        "p_module_name": "Financial Analysis",
        "p_employee_name": "John Doe",
        "p_session_id": session_id,
        "p_module_spec": {"duration_minutes": 45},
    }
    content_id = str(client.rpc("create_module_content", dict(content)).execute().data)
    asset: RegisterMultimediaAssetArgs = {
        "p_session_id": session_id,
        "p_content_id": content_id,
        "p_asset_type": "video",
        "p_file_path": "/path/to/video.mp4",
        "p_duration_seconds": 600,
        "p_storage_bucket": "multimedia-assets",
    }
    client.rpc("register_multimedia_asset", dict(asset)).execute()
    progress: UpdateSessionStatusArgs = {"p_session_id": session_id, "p_status": "completed",
                                         "p_progress_percentage": 100}
    client.rpc("update_session_status", dict(progress)).execute()
    return content_id


def session_assets(client: Client, session_id: str) -> list[MmMultimediaAssets]:
    # supabase-py types a table's rows as JSON: say which rows they are.
    rows = cast(list[MmMultimediaAssets],
                client.table("mm_multimedia_assets").select("*").eq("session_id", session_id).execute().data)
    return [row for row in rows if row["status"] != "failed"]


def call(conn: psycopg.Connection[Any], function: str, args: UpdateAssetProgressArgs) -> None:
    """``select public.<function>(name => value, ...)``; jsonb values wrapped for psycopg."""
    named = sql.SQL(", ").join(sql.SQL("{} => {}").format(sql.Identifier(k), sql.Placeholder(k)) for k in args)
    params = {k: Jsonb(v) if k == "p_analysis" else v for k, v in args.items()}
    conn.execute(sql.SQL("select public.{}({})").format(sql.Identifier(function), named), params)


def analyze_asset(conn: psycopg.Connection[Any], asset_id: str) -> DreamcutQueries:
    call(conn, "update_asset_progress", {
        "p_asset_id": asset_id, "p_progress": 25, "p_status": "analyzing",
        "p_analysis": {"style": "analyzing...", "mood": "detecting..."}, "p_model_used": "llava-13b",
        "p_message": "Analyzing image: cyberpunk_ref.jpg", "p_message_type": "asset_start", "p_emoji": "🖼️",
    })
    call(conn, "update_asset_progress", {
        "p_asset_id": asset_id, "p_progress": 100, "p_status": "completed",
        "p_analysis": {"style": "cyberpunk, cinematic, neon", "mood": "dark, futuristic", "quality": "high"},
        "p_message": "→ ✅ cyberpunk, cinematic style, dark, futuristic mood", "p_message_type": "asset_complete",
    })
    # to_jsonb gives a row in the JSON shape the TypedDicts describe (what PostgREST sends).
    found = conn.execute("select to_jsonb(q) from public.dreamcut_queries q join public.dreamcut_assets a "
                         "on a.query_id = q.id where a.id = %s", [asset_id]).fetchone()
    if found is None:
        raise LookupError(f"no query for asset {asset_id}")
    query: DreamcutQueries = found[0]
    print(f"{query['stage']} {query['status']} {query['progress']}%")
    return query


def finished(status: JobStatus) -> bool:
    return status in ("completed", "failed", "cancelled", "timeout")
