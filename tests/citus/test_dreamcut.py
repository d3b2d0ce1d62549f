"""The DreamCut storyboard (dreamcut-production-schema.md, "Exact Storyboard Flow") on the distributed database,
as the product runs it: each call its own request as ``service_role``, queries keyed by ``query_id`` spread over
both workers; the director's messages come out in the order they have on one node (the per-query counter
taken under the query's lock, never identity ranges of a node)."""

from __future__ import annotations

import json
import uuid

from citus_helpers import as_role, on_both_workers
from dreamcut_helpers import STORYBOARD

ASSETS = [
    {"url": "https://cdn.example.com/cyberpunk_ref.jpg", "filename": "cyberpunk_ref.jpg", "type": "image"},
    {"url": "https://cdn.example.com/city_drive.mp4", "filename": "city_drive.mp4", "type": "video"},
    {"url": "https://cdn.example.com/voiceover.mp3", "filename": "voiceover.mp3", "type": "audio"},
]
VERDICTS = [
    ("🖼️", "image", "cyberpunk_ref.jpg", "→ ✅ cyberpunk, cinematic style, dark, futuristic mood", {}),
    ("🎥", "video", "city_drive.mp4", "→ ✅ footage, 45s, needs trimming", {"duration": 45}),
    ("🎵", "audio", "voiceover.mp3", "→ ✅ dramatic, cinematic narration detected", {}),
]


def call(conn, sql: str, params=()):
    """One request of the DreamCut service: ``sql`` in its own transaction as service_role; its first value."""
    with as_role(conn, "service_role"):
        return conn.execute(sql, params).fetchone()[0]


def storyboard(conn) -> str:
    """The document's storyboard from the submit to the completion; returns the query id."""
    qid = call(conn, "select public.initialize_dreamcut_query(p_user_id => %s, p_user_prompt => "
                     "'Make a cinematic 30-second cyberpunk trailer', p_intent => 'video', p_options => %s, "
                     "p_assets => %s)", (str(uuid.uuid4()), json.dumps({"duration": 30, "aspect_ratio": "16:9"}),
                                         json.dumps(ASSETS)))
    assets = [a for a, in conn.execute("select id from public.dreamcut_assets where query_id = %s order by seq",
                                       (qid,))]
    for aid, (emoji, kind, name, verdict, analysis) in zip(assets, VERDICTS):
        # with the key: by the asset id alone the lookup locks rows on every shard, which Citus refuses
        update = "select public.update_asset_progress(p_asset_id => %s, p_progress => %s, p_status => %s, " \
                 "p_message => %s, p_emoji => %s, p_analysis => %s, p_query_id => %s)"
        call(conn, update, (aid, 25, "analyzing", f"Analyzing {kind}: {name}", emoji, None, qid))
        call(conn, update, (aid, 50, None, None, None, None, qid))
        call(conn, update, (aid, 100, "completed", verdict, None, json.dumps(analysis), qid))
    call(conn, "select public.complete_dreamcut_query(p_query_id => %s, p_payload => %s)", (qid, json.dumps({
        "intent": "cinematic 30s trailer", "assets_summary": "1 image (style), 1 video (footage), 1 audio (voiceover)",
        "suggested_directions": ["Neon Noir", "Fast-paced Montage"]})))
    return qid


def test_the_storyboard_on_both_workers_in_the_order_of_one_node(service):
    queries = on_both_workers(service, "public.dreamcut_queries", lambda: storyboard(service), 4)
    for qid in queries:
        chat = [f"{e} {c}" if e else c for e, c in service.execute(
            "select emoji, content from public.dreamcut_messages where query_id = %s order by seq", (qid,))]
        assert chat == STORYBOARD
        seqs, created = service.execute("select array_agg(seq order by seq), array_agg(created_at order by seq) "
                                        "from public.dreamcut_messages where query_id = %s", (qid,)).fetchone()
        assert seqs == list(range(1, len(STORYBOARD) + 1)) and created == sorted(created)
        assert service.execute("select status, progress from public.dreamcut_queries where id = %s",
                               (qid,)).fetchone() == ("completed", 100)
