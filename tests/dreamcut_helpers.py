"""Helpers of the DreamCut tests (dreamcut-production-schema.md): submitting a query as the product does, its
assets, row counts, and the storyboard's expected messages. Holds no tests itself."""

from __future__ import annotations

import json
import uuid

#: The director's messages of the document's storyboard (the cyberpunk trailer), in order, as `demo` prints them.
STORYBOARD = [
    "🎬 Got your request. Let's break it down...",
    "🖼️ Analyzing image: cyberpunk_ref.jpg",
    "→ ✅ cyberpunk, cinematic style, dark, futuristic mood",
    "🎥 Analyzing video: city_drive.mp4",
    "→ ✅ footage, 45s, needs trimming",
    "⚠️ Video is 45s but you want 30s - I'll trim it",
    "🎵 Analyzing audio: voiceover.mp3",
    "→ ✅ dramatic, cinematic narration detected",
    "🏁 Combining query + assets into creative brief...",
    "🎬 Creative brief ready 🎬",
    "🎯 - Intent: cinematic 30s trailer",
    "📁 - Assets: 1 image (style), 1 video (footage), 1 audio (voiceover)",
    "💡 - Suggested directions: Neon Noir, Fast-paced Montage",
    "🚀 Ready for production!",
]


def init_query(conn, user_id: str, assets: list[dict] | None = None, options: dict | None = None,
               intent: str | None = "video", prompt: str = "Make a cinematic 30-second cyberpunk trailer") -> str:
    """Call initialize_dreamcut_query as the connection's current identity; returns the query id (str)."""
    row = conn.execute(
        "select public.initialize_dreamcut_query(%s, %s, %s, %s, %s)",
        (user_id, prompt, intent, json.dumps(options or {}), json.dumps(assets if assets is not None else [])),
    ).fetchone()
    return str(row[0])


def asset(kind: str = "image", name: str | None = None, **extra) -> dict:
    """One element of p_assets."""
    ext = {"image": "jpg", "video": "mp4", "audio": "mp3"}[kind]
    name = name or f"{uuid.uuid4().hex[:8]}.{ext}"
    return {"url": f"https://cdn.example.com/{name}", "filename": name, "type": kind, **extra}


def counts(conn, query_id=None) -> dict[str, int]:
    """Row counts of the three DreamCut tables (of one query when given), read as the superuser."""
    where = "" if query_id is None else " where query_id = %(q)s"
    return {
        "queries": conn.execute(
            "select count(*) from public.dreamcut_queries" + ("" if query_id is None else " where id = %(q)s"),
            {"q": query_id}).fetchone()[0],
        "assets": conn.execute("select count(*) from public.dreamcut_assets" + where, {"q": query_id}).fetchone()[0],
        "messages": conn.execute("select count(*) from public.dreamcut_messages" + where, {"q": query_id}).fetchone()[0],
    }
