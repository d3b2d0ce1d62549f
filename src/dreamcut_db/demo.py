"""``dreamcut-db demo`` and ``watch``: the storyboard of dreamcut-production-schema.md, live over LISTEN/NOTIFY.

The demo plays the cyberpunk trailer the way the product runs it: the web app (a signed-in user, with the
claims PostgREST would set) calls ``initialize_dreamcut_query``; workers (``service_role``) analyze the image,
the 45 s video (against a wanted 30 s) and the audio with ``update_asset_progress``; the synthesis worker waits
for stage ``merging`` and calls ``complete_dreamcut_query``. Meanwhile the follower prints each director
message as its notification arrives, in order (``seq``), with its emoji.
"""

from __future__ import annotations

import json
import threading
import time
import uuid

from psycopg import sql

from .database import connect, set_request_identity
from .errors import DreamcutError

PROMPT = "Make a cinematic 30-second cyberpunk trailer..."
ASSETS = [
    {"url": "https://cdn.supabase.io/assets/cyberpunk_ref.jpg", "filename": "cyberpunk_ref.jpg", "type": "image",
     "description": "Moodboard reference for style and lighting"},
    {"url": "https://cdn.supabase.io/assets/city_drive.mp4", "filename": "city_drive.mp4", "type": "video",
     "description": "Night drive footage"},
    {"url": "https://cdn.supabase.io/assets/voiceover.mp3", "filename": "voiceover.mp3", "type": "audio",
     "description": "Trailer narration"},
]
#: What each worker says (dreamcut-production-schema.md, "Exact Storyboard Flow").
ANALYSIS = {
    "image": ("🖼️", "llava-13b", {"style": "cyberpunk, cinematic, neon", "mood": "dark, futuristic"},
              "→ ✅ cyberpunk, cinematic style, dark, futuristic mood"),
    "video": ("🎥", "apollo-7b", {"content": "footage", "duration": 45, "needs_trimming": True},
              "→ ✅ footage, 45s, needs trimming"),
    "audio": ("🎵", "whisper-large-v3", {"tone": "dramatic", "kind": "cinematic narration"},
              "→ ✅ dramatic, cinematic narration detected"),
}
PAYLOAD = {
    "intent": "cinematic 30s trailer",
    "assets_summary": "1 image (style), 1 video (footage), 1 audio (voiceover)",
    "suggested_directions": ["Neon Noir", "Fast-paced Montage"],
}


def format_message(emoji: str | None, content: str) -> str:
    return f"{emoji} {content}" if emoji else content


def follow(url: str, query_id: str, out=print, timeout: float = 120.0, progress: bool = False) -> str:
    """Print the query's messages (and, with ``progress``, its progress) as they arrive until it finishes.

    Listens on dreamcut_messages:<id>, dreamcut_queries:<id> and dreamcut_assets:<id>, reads what is new in
    ``seq`` order after each notification. Returns the final status (completed | failed). Raises DreamcutError
    for an unknown query or when nothing finishes within ``timeout`` seconds.
    """
    with connect(url, autocommit=True) as conn:
        for channel in ("dreamcut_messages", "dreamcut_queries", "dreamcut_assets"):
            conn.execute(sql.SQL("listen {}").format(sql.Identifier(f"{channel}:{query_id}")))
        last_seq = 0
        deadline = time.monotonic() + timeout
        last_progress = None
        while True:
            row = conn.execute("select status, stage, progress from public.dreamcut_queries where id = %s",
                               (query_id,)).fetchone()
            if row is None:
                raise DreamcutError(f"query {query_id} not found")
            for seq, emoji, content in conn.execute(
                "select seq, emoji, content from public.dreamcut_messages where query_id = %s and seq > %s order by seq",
                (query_id, last_seq),
            ):
                out(format_message(emoji, content))
                last_seq = seq
            if progress and row[1:] != last_progress:
                out(f"   [{row[1]} {row[2]}%]")
                last_progress = row[1:]
            if row[0] != "processing":
                return row[0]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DreamcutError(f"query {query_id} did not finish within {timeout:.0f}s (status {row[0]}, stage {row[1]})")
            for _ in conn.notifies(timeout=min(remaining, 1.0), stop_after=1):
                pass


def _workers(url: str, query_id: str, pace: float) -> None:
    with connect(url) as conn:
        assets = conn.execute(
            "select id, type, filename from public.dreamcut_assets where query_id = %s order by seq",
            (query_id,)).fetchall()
        order = {"image": 0, "video": 1, "audio": 2}
        for asset_id, kind, filename in sorted(assets, key=lambda a: order[a[1]]):
            emoji, model, analysis, verdict = ANALYSIS[kind]
            steps = [
                dict(p_progress=25, p_status="analyzing", p_model_used=model, p_worker_id=f"worker-{kind}",
                     p_analysis={k: "analyzing..." for k in analysis},
                     p_message=f"Analyzing {kind}: {filename}", p_message_type="asset_start", p_emoji=emoji),
                dict(p_progress=50),
                dict(p_progress=75),
                dict(p_progress=100, p_status="completed", p_analysis=analysis, p_message=verdict,
                     p_message_type="asset_complete"),
            ]
            for step in steps:
                with conn.transaction():
                    set_request_identity(conn, "service_role")
                    args = {"p_asset_id": asset_id} | {
                        k: json.dumps(v) if isinstance(v, dict) else v for k, v in step.items()}
                    conn.execute(
                        "select public.update_asset_progress(" + ", ".join(f"{k} => %({k})s" for k in args) + ")",
                        args)
                time.sleep(pace)
        # The synthesis worker: waits for the trigger to move the query to merging, then completes it.
        for _ in range(200):
            stage = conn.execute("select stage from public.dreamcut_queries where id = %s", (query_id,)).fetchone()[0]
            conn.commit()
            if stage == "merging":
                break
            time.sleep(0.05)
        time.sleep(pace)
        with conn.transaction():
            set_request_identity(conn, "service_role")
            conn.execute(
                "select public.complete_dreamcut_query(%s, %s, 45000, array['llava-13b','apollo-7b','whisper-large-v3'], 0.23)",
                (query_id, json.dumps(PAYLOAD)))


def demo(url: str, out=print, pace: float = 0.15) -> str:
    """Play the storyboard; print the director's messages as they arrive. Returns the query id."""
    user_id = str(uuid.uuid4())
    with connect(url) as conn:
        with conn.transaction():
            set_request_identity(conn, "authenticated", user_id)
            query_id = str(conn.execute(
                "select public.initialize_dreamcut_query(p_user_id => %s, p_user_prompt => %s, p_intent => 'video', "
                "p_options => %s, p_assets => %s)",
                (user_id, PROMPT, json.dumps({"duration": 30, "aspect_ratio": "16:9"}), json.dumps(ASSETS)),
            ).fetchone()[0])
    out(f"query {query_id} for user {user_id}: {PROMPT}")
    errors: list[BaseException] = []

    def run() -> None:
        try:
            _workers(url, query_id, pace)
        except BaseException as exc:  # reported after the follower ends
            errors.append(exc)

    worker = threading.Thread(target=run, name="dreamcut-demo-workers")
    worker.start()
    try:
        status = follow(url, query_id, out=out, timeout=60)
    finally:
        worker.join()
    if errors:
        raise DreamcutError(f"demo worker failed: {errors[0]}")
    out(f"query {query_id}: {status}")
    return query_id
