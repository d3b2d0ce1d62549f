"""Company isolation of the multimedia module (video-pipeline-content-multimedia.md, "Row Level Security").

As for the content module: users of company A and B (company from the JWT claim app_metadata.company_id), anon
and service_role, against a row of A and a row of B, for each command. ok: read or written; none: hidden by
RLS (0 rows); deny: 42501. Users only read and enqueue rendering jobs (insert, at priority 0).
"""

from __future__ import annotations

from content_helpers import (
    MM_TABLES, MULTIMEDIA_SPECS, as_member, build_multimedia_world, check_matrix, fails, rpc, snapshot_rows,
)
from helpers import acting_as, raises_sqlstate

MATRIX = """
# table                   actor          select     insert     update     delete
mm_multimedia_sessions    user_a         ok/none    ok/deny    ok/none    ok/none
mm_multimedia_sessions    user_b         none/ok    deny/ok    none/ok    none/ok
mm_multimedia_sessions    anon           deny/deny  deny/deny  deny/deny  deny/deny
mm_multimedia_sessions    service_role   ok/ok      ok/ok      ok/ok      ok/ok
mm_multimedia_assets      user_a         ok/none    ok/deny    ok/none    ok/none
mm_multimedia_assets      user_b         none/ok    deny/ok    none/ok    none/ok
mm_multimedia_assets      anon           deny/deny  deny/deny  deny/deny  deny/deny
mm_multimedia_assets      service_role   ok/ok      ok/ok      ok/ok      ok/ok
mm_audio_narrations       user_a         ok/none    ok/deny    ok/none    ok/none
mm_audio_narrations       user_b         none/ok    deny/ok    none/ok    none/ok
mm_audio_narrations       anon           deny/deny  deny/deny  deny/deny  deny/deny
mm_audio_narrations       service_role   ok/ok      ok/ok      ok/ok      ok/ok
mm_slide_presentations    user_a         ok/none    ok/deny    ok/none    ok/none
mm_slide_presentations    user_b         none/ok    deny/ok    none/ok    none/ok
mm_slide_presentations    anon           deny/deny  deny/deny  deny/deny  deny/deny
mm_slide_presentations    service_role   ok/ok      ok/ok      ok/ok      ok/ok
mm_rendering_queue        user_a         ok/none    ok/deny    deny/deny  deny/deny
mm_rendering_queue        user_b         none/ok    deny/ok    deny/deny  deny/deny
mm_rendering_queue        anon           deny/deny  deny/deny  deny/deny  deny/deny
mm_rendering_queue        service_role   ok/ok      ok/ok      ok/ok      ok/ok
"""


def test_company_isolation_matrix(cm):
    world = build_multimedia_world(cm)
    assert check_matrix(cm, world, MULTIMEDIA_SPECS, MATRIX) == []


def test_rows_cannot_point_at_another_companys_session_or_asset(cm):
    """Composite foreign keys: whoever writes, an asset, narration, presentation or job belongs to its session's
    content and company, and exports and master audio are assets of the same session."""
    world = build_multimedia_world(cm)
    a, b = world["A"], world["B"]
    for sql, params in [
        ("insert into public.mm_multimedia_assets (session_id, content_id, company_id, asset_type, asset_name, "
         "storage_path) values (%s, %s, %s, 'script', 'x.txt', 'script/complete_module/1_x.txt')",
         (a["session"], a["content"], b["company"])),
        ("insert into public.mm_multimedia_assets (session_id, content_id, company_id, asset_type, asset_name, "
         "storage_path) values (%s, %s, %s, 'script', 'x.txt', 'script/complete_module/1_x.txt')",
         (a["session"], a["content2"], a["company"])),
        ("insert into public.mm_rendering_queue (session_id, company_id, job_type) values (%s, %s, 'x')",
         (a["session"], b["company"])),
        ("update public.mm_slide_presentations set pdf_asset_id = %s where presentation_id = %s",
         (b["deck"], a["presentation"])),
        ("update public.mm_audio_narrations set master_audio_id = %s where narration_id = %s",
         (b["audio"], a["narration"])),
        ("update public.mm_audio_narrations set segments_audio_ids = array[%s::uuid] where narration_id = %s",
         (b["audio"], a["narration"])),
    ]:
        with raises_sqlstate("23503"), cm.transaction():
            cm.execute(sql, params)


def test_procedures_do_not_reach_another_companys_rows(cm):
    world = build_multimedia_world(cm)
    a, b = world["A"], world["B"]
    with as_member(cm, b["company"]):
        before = snapshot_rows(cm, MM_TABLES)
        for name, params in [
            ("create_multimedia_session", {"p_content_id": a["content"]}),
            ("register_multimedia_asset", {"p_session_id": a["session"], "p_asset_type": "video",
                                           "p_asset_name": "x.mp4"}),
            ("register_multimedia_assets", {"p_session_id": a["session"],
                                            "p_assets": [{"asset_type": "video", "asset_name": "x.mp4"}]}),
            ("update_session_status", {"p_session_id": a["session"], "p_status": "processing"}),
            ("register_audio_narration", {"p_session_id": a["session"], "p_narration_name": "N"}),
            ("register_slide_presentation", {"p_session_id": a["session"], "p_presentation_name": "D"}),
            ("list_session_assets", {"p_session_id": a["session"]}),
            ("enqueue_rendering_job", {"p_session_id": a["session"], "p_job_type": "module_video"}),
        ]:
            fails(cm, "P0002", name, **params)
        # B's own session, with A's assets as exports or audio: not assets of B's session
        fails(cm, "22023", "register_slide_presentation", p_session_id=b["session"], p_presentation_name="D",
              p_pdf_asset_id=a["deck"])
        fails(cm, "22023", "register_audio_narration", p_session_id=b["session"], p_narration_name="N",
              p_master_audio_id=a["audio"])
        assert snapshot_rows(cm, MM_TABLES) == before
        assert {str(r["asset_id"]) for r in rpc(cm, "list_session_assets", p_session_id=b["session"])} == {
            b["audio"], b["leaf_asset"], b["deck"]}
        assert [r[0] for r in cm.execute("select job_id::text from public.mm_rendering_queue")] == [b["job"]]
    with acting_as(cm, "anon"):
        fails(cm, "42501", "enqueue_rendering_job", p_session_id=a["session"], p_job_type="module_video")
        fails(cm, "42501", "list_session_assets", p_session_id=a["session"])
