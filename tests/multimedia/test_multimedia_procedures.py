"""Multimedia (mm_*): sessions, assets and their storage paths, bulk registration, the session counters and
workflow, narrations, presentations, listing: every procedure and trigger of the multimedia module."""

from __future__ import annotations

import re

import pytest
from psycopg.types.json import Jsonb

from content_helpers import (
    MM_TABLES, SECTIONS, as_member, counters, create_content, create_session, fails, keys_not_led_by_company,
    register, rpc, rpc_value, snapshot_rows, trigger_functions_branching, true_counts,
)
from helpers import acting_as, raises_sqlstate

NIL = "00000000-0000-0000-0000-000000000000"
PATH = re.compile(r"^(?P<type>[a-z]+)/(?P<section>[a-z0-9_-]+)/(?P<stamp>\d{8}_\d{6}_\d{6})_(?P<name>.+)$")


@pytest.fixture
def content(cm, acme):
    return create_content(cm, acme)


@pytest.fixture
def session(cm, content):
    return create_session(cm, content)


def session_row(conn, session_id):
    return conn.execute("select status, current_stage, progress_percentage, completed_at, processing_duration_seconds "
                        "from public.mm_multimedia_sessions where session_id = %s", (session_id,)).fetchone()


# --- sessions ----------------------------------------------------------------------------------------------------

def test_create_multimedia_session_defaults_from_the_content(cm, acme, content):
    with as_member(cm, acme):
        sid = create_session(cm, content)
        row = cm.execute(
            "select content_id::text, company_id::text, session_type, module_name, employee_name, generation_config, "
            "content_sections, status, current_stage, progress_percentage, total_assets_generated, completed_at "
            "from public.mm_multimedia_sessions where session_id = %s", (sid,)).fetchone()
        assert row == (content, acme, "full_generation", "Financial Analysis Fundamentals", "John Doe", {}, SECTIONS,
                       "started", "initialization", 0, 0, None)
        sid = create_session(cm, content, p_module_name="Financial Analysis", p_employee_name="Jane Roe",
                             p_session_type="section_video", p_generation_config={"voice": "alloy"},
                             p_content_sections=["introduction"])
        assert cm.execute("select module_name, employee_name, session_type, generation_config, content_sections "
                          "from public.mm_multimedia_sessions where session_id = %s", (sid,)).fetchone() == (
            "Financial Analysis", "Jane Roe", "section_video", {"voice": "alloy"}, ["introduction"])


def test_create_multimedia_session_rejects_bad_input(cm, acme, globex, content):
    theirs = create_content(cm, globex)
    with as_member(cm, acme):
        before = snapshot_rows(cm, MM_TABLES)
        for params, sqlstate, fragment in [
            ({"p_content_id": None}, "22023", "p_content_id"),
            ({"p_module_name": " "}, "22023", "p_module_name"),
            ({"p_session_type": "hologram"}, "22023", "'hologram'"),
            ({"p_generation_config": Jsonb([])}, "22023", "p_generation_config"),
            ({"p_content_sections": ["introduction", "outro"]}, "22023", "p_content_sections"),
            ({"p_content_id": NIL}, "P0002", "not found"),
            ({"p_content_id": theirs}, "P0002", "not found"),
        ]:
            assert fragment in fails(cm, sqlstate, "create_multimedia_session", **{"p_content_id": content, **params})
        assert snapshot_rows(cm, MM_TABLES) == before


def test_session_status_workflow(cm, acme, session):
    with as_member(cm, acme):
        def update(**params):
            return rpc(cm, "update_session_status", p_session_id=session, **params)[0]

        row = update(p_status="processing", p_progress_percentage=40, p_current_stage="slides")
        assert (row["status"], row["progress_percentage"], row["current_stage"]) == ("processing", 40, "slides")
        assert update(p_progress_percentage=55.5)["progress_percentage"] == 55.5
        assert "cannot go back" in fails(cm, "55000", "update_session_status", p_session_id=session,
                                         p_progress_percentage=50)
        assert "cannot move from status processing to started" in fails(
            cm, "55000", "update_session_status", p_session_id=session, p_status="started")
        row = update(p_status="completed", p_current_stage="done")
        assert (row["status"], row["progress_percentage"]) == ("completed", 100)
        assert row["completed_at"] is not None and row["processing_duration_seconds"] >= 0
        for params in ({"p_status": "processing"}, {"p_status": "failed"}, {"p_current_stage": "again"}):
            fails(cm, "55000", "update_session_status", p_session_id=session, **params)
        assert update(p_status="completed", p_progress_percentage=100)["status"] == "completed"  # no change


def test_a_failed_session_keeps_its_progress_and_given_duration(cm, acme, content):
    with as_member(cm, acme):
        sid = create_session(cm, content)
        rpc(cm, "update_session_status", p_session_id=sid, p_progress_percentage=30)
        row = rpc(cm, "update_session_status", p_session_id=sid, p_status="failed",
                  p_processing_duration_seconds=42)[0]
        assert (row["status"], row["progress_percentage"], row["processing_duration_seconds"]) == ("failed", 30, 42)
        assert row["completed_at"] is not None


def test_update_session_status_rejects_bad_input(cm, acme, session):
    with as_member(cm, acme):
        before = snapshot_rows(cm, MM_TABLES)
        for params, sqlstate, fragment in [
            ({"p_status": "paused"}, "22023", "'paused'"),
            ({"p_progress_percentage": 101}, "22023", "p_progress_percentage must be between 0 and 100, got 101"),
            ({"p_progress_percentage": -1}, "22023", "p_progress_percentage"),
            ({"p_current_stage": " "}, "22023", "p_current_stage"),
            ({"p_processing_duration_seconds": -5}, "22023", "p_processing_duration_seconds"),
            ({}, "22023", "nothing to update"),
            ({"p_session_id": None, "p_status": "processing"}, "22023", "p_session_id"),
            ({"p_session_id": NIL, "p_status": "processing"}, "P0002", "not found"),
        ]:
            assert fragment in fails(cm, sqlstate, "update_session_status", **{"p_session_id": session, **params})
        assert snapshot_rows(cm, MM_TABLES) == before


def test_the_session_workflow_holds_for_direct_writes(cm, acme, session):
    with acting_as(cm, "service_role"):
        with raises_sqlstate("55000"), cm.transaction():
            cm.execute("update public.mm_multimedia_sessions set status = 'completed' where session_id = %s", (session,))
            cm.execute("update public.mm_multimedia_sessions set status = 'started' where session_id = %s", (session,))
        with raises_sqlstate("22023"), cm.transaction():
            cm.execute("update public.mm_multimedia_sessions set total_assets_generated = 5 where session_id = %s",
                       (session,))
        with raises_sqlstate("22023"), cm.transaction():
            cm.execute("insert into public.mm_multimedia_sessions (content_id, company_id, module_name, "
                       "video_files_generated, total_assets_generated) select content_id, company_id, 'x', 1, 1 "
                       "from public.mm_multimedia_sessions where session_id = %s", (session,))


# --- assets and storage paths ------------------------------------------------------------------------------------

def test_mm_storage_path_follows_the_documents_pattern(cm):
    with acting_as(cm, "authenticated"):
        assert rpc_value(cm, "mm_storage_path", p_asset_type="video", p_section_name="introduction",
                         p_filename="intro.mp4", p_at="2025-01-02 03:04:05.123456+00") == (
            "video/introduction/20250102_030405_123456_intro.mp4")


def test_register_multimedia_asset(cm, acme, content, session):
    with as_member(cm, acme):
        aid = rpc_value(cm, "register_multimedia_asset", p_session_id=session, p_content_id=content,
                        p_asset_type="video", p_file_path="/tmp/out/intro.mp4", p_duration_seconds=600,
                        p_section_name="introduction", p_file_size_bytes=5_000_000_000)
        row = cm.execute("select asset_name, mime_type, storage_bucket, storage_path, company_id::text, "
                         "content_id::text, duration_seconds, file_size_bytes, status, file_path "
                         "from public.mm_multimedia_assets where asset_id = %s", (aid,)).fetchone()
        assert row[:3] == ("intro.mp4", "video/mp4", "multimedia-assets")
        match = PATH.match(row[3])
        assert match and match.group("type", "section", "name") == ("video", "introduction", "intro.mp4"), row[3]
        assert row[4:] == (acme, content, 600, 5_000_000_000, "generated", "/tmp/out/intro.mp4")
        # defaults: section complete_module, name from the path; mime given wins; an explicit path is kept
        aid = rpc_value(cm, "register_multimedia_asset", p_session_id=session, p_asset_type="audio",
                        p_asset_name="narration.wav", p_mime_type="audio/x-wav", p_storage_bucket="course-media",
                        p_storage_path="audio/complete_module/1700000000_narration.wav", p_status="processed",
                        p_public_url="https://cdn.example/narration.wav", p_generation_config={"voice": "nova"})
        assert cm.execute("select section_name, mime_type, storage_bucket, storage_path, status, generation_config "
                          "from public.mm_multimedia_assets where asset_id = %s", (aid,)).fetchone() == (
            "complete_module", "audio/x-wav", "course-media", "audio/complete_module/1700000000_narration.wav",
            "processed", {"voice": "nova"})
        names = {"deck.pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                 "thumb.JPG": "image/jpeg", "notes.bin": None}
        for name, mime in names.items():
            aid = register(cm, session, "presentation" if name.endswith("pptx") else "thumbnail", name)
            assert cm.execute("select mime_type from public.mm_multimedia_assets where asset_id = %s",
                              (aid,)).fetchone()[0] == mime


def test_register_multimedia_asset_rejects_bad_input(cm, acme, globex, session):
    theirs = create_session(cm, create_content(cm, globex))
    other_content = create_content(cm, acme, module_name="Other")
    with as_member(cm, acme):
        register(cm, session, "video", "taken.mp4", p_storage_path="video/complete_module/1_taken.mp4")
        before = snapshot_rows(cm, MM_TABLES)
        good = {"p_session_id": session, "p_asset_type": "video", "p_file_path": "/tmp/a.mp4"}
        for params, sqlstate, fragment in [
            ({"p_asset_type": "hologram"}, "22023", "p_asset_type must be one of"),
            ({"p_asset_type": None}, "22023", "p_asset_type"),
            ({"p_duration_seconds": -1}, "22023", "p_duration_seconds must be >= 0 seconds, got -1"),
            ({"p_duration_seconds": float("nan")}, "22023", "p_duration_seconds"),
            ({"p_file_size_bytes": -1}, "22023", "p_file_size_bytes"),
            ({"p_file_path": None}, "22023", "p_asset_name"),
            ({"p_asset_name": "a/b.mp4"}, "22023", "p_asset_name"),
            ({"p_asset_name": ""}, "22023", "p_asset_name"),
            ({"p_asset_name": "x" * 256}, "22023", "p_asset_name"),
            ({"p_file_path": "/tmp/dir/"}, "22023", "p_asset_name"),
            ({"p_section_name": "Intro!"}, "22023", "p_section_name"),
            ({"p_section_name": None}, "22023", "p_section_name"),
            ({"p_storage_bucket": "Bad Bucket"}, "22023", "p_storage_bucket"),
            ({"p_mime_type": "video"}, "22023", "p_mime_type"),
            ({"p_generation_config": Jsonb([1])}, "22023", "p_generation_config"),
            ({"p_status": "uploaded"}, "22023", "p_status"),
            ({"p_storage_path": "video/introduction/1_a.mp4"}, "22023", "p_storage_path must follow"),
            ({"p_storage_path": "video/complete_module/a.mp4"}, "22023", "p_storage_path"),
            ({"p_storage_path": "video/complete_module/now_a.mp4"}, "22023", "p_storage_path"),
            ({"p_content_id": other_content}, "22023", "is not the content of session"),
            ({"p_session_id": None}, "22023", "p_session_id"),
            ({"p_session_id": NIL}, "P0002", "not found"),
            ({"p_session_id": theirs}, "P0002", "not found"),
            ({"p_asset_name": "taken.mp4", "p_storage_path": "video/complete_module/1_taken.mp4"}, "23505", "unique"),
        ]:
            assert fragment in fails(cm, sqlstate, "register_multimedia_asset", **{**good, **params})
        assert snapshot_rows(cm, MM_TABLES) == before


def test_register_multimedia_assets_in_bulk(cm, acme, session):
    with as_member(cm, acme):
        rows = rpc(cm, "register_multimedia_assets", p_session_id=session, p_assets=[
            {"asset_type": "audio", "file_path": "/a/n1.mp3", "duration_seconds": 12.5, "section_name": "narrations"},
            {"asset_type": "slide", "asset_name": "s1.png", "file_size_bytes": 2048},
            {"asset_type": "slide", "asset_name": "s1.png", "generation_config": {"theme": "dark"}},
            {"asset_type": "video", "asset_name": "v.mp4", "status": "failed", "content_id": None},
        ])
        assert [r["ordinal"] for r in rows] == [0, 1, 2, 3]
        assert [PATH.match(r["storage_path"]).group("type", "section", "name") for r in rows] == [
            ("audio", "narrations", "n1.mp3"), ("slide", "complete_module", "s1.png"),
            ("slide", "complete_module", "s1.png"), ("video", "complete_module", "v.mp4")]
        assert len({r["storage_path"] for r in rows}) == 4  # same file twice: two objects
        listed = rpc(cm, "list_session_assets", p_session_id=session)
        assert [r["asset_id"] for r in listed] == [r["asset_id"] for r in rows]
        assert counters(cm, session) == (3, 2, 1, 0)


def test_register_multimedia_assets_names_the_bad_element_and_writes_nothing(cm, acme, session):
    ok = {"asset_type": "video", "asset_name": "ok.mp4"}
    with as_member(cm, acme):
        before = snapshot_rows(cm, MM_TABLES)
        for assets, fragment in [
            ([ok, {"asset_type": "hologram", "asset_name": "x"}], "p_assets[1]: p_asset_type must be one of"),
            ([ok, ok, {"asset_type": "audio", "asset_name": "a.mp3", "duration_seconds": -3}],
             "p_assets[2]: p_duration_seconds must be >= 0"),
            ([ok, {"asset_type": "video", "asset_name": "x.mp4", "bogus": 1}], "p_assets[1]: unknown key 'bogus'"),
            ([{"asset_type": "video", "asset_name": "x.mp4", "bogus": None}], "p_assets[0]: unknown key 'bogus'"),
            ([ok, {"asset_type": "video", "asset_name": "x.mp4", "duration_seconds": "long"}],
             "p_assets[1].duration_seconds must be a JSON number"),
            ([{"asset_type": "video", "asset_name": "x.mp4", "file_size_bytes": 1.5}], "p_assets[0].file_size_bytes"),
            ([{"asset_type": "video", "asset_name": "x.mp4", "content_id": "nope"}], "p_assets[0].content_id"),
            ([{"asset_type": "video", "asset_name": "x.mp4", "generation_config": []}],
             "p_assets[0].generation_config must be a JSON object"),
            ([ok, "video"], "p_assets[1] must be a JSON object"),
            ([], "1 to 1000"),
            ([ok] * 1001, "1 to 1000"),
            ({"asset_type": "video"}, "must be a JSON array"),
        ]:
            assert fragment in fails(cm, "22023", "register_multimedia_assets", p_session_id=session,
                                     p_assets=Jsonb(assets))
        fails(cm, "P0002", "register_multimedia_assets", p_session_id=NIL, p_assets=[ok])
        assert snapshot_rows(cm, MM_TABLES) == before
        assert counters(cm, session) == (0, 0, 0, 0)


# --- counters ---------------------------------------------------------------------------------------------------

def test_counters_follow_inserts_updates_and_deletes(cm, acme, content, session):
    with as_member(cm, acme):
        ids = {kind: [register(cm, session, kind) for _ in range(n)]
               for kind, n in {"video": 2, "audio": 3, "slide": 4, "script": 1, "thumbnail": 1}.items()}
        assert counters(cm, session) == (11, 4, 3, 2)
        cm.execute("update public.mm_multimedia_assets set status = 'failed' where asset_id = any(%s)",
                   (ids["slide"][:2] + ids["video"][:1],))
        assert counters(cm, session) == (8, 2, 3, 1)
        cm.execute("update public.mm_multimedia_assets set status = 'processed' where asset_id = %s",
                   (ids["slide"][0],))  # failed -> processed counts again
        assert counters(cm, session) == (9, 3, 3, 1)
        cm.execute("update public.mm_multimedia_assets set public_url = 'https://x' where session_id = %s", (session,))
        assert counters(cm, session) == (9, 3, 3, 1)
        cm.execute("delete from public.mm_multimedia_assets where asset_id = any(%s)", (ids["audio"],))
        assert counters(cm, session) == (6, 3, 0, 1)
        # an asset moved to another session of the same content leaves one and joins the other
        other = create_session(cm, content)
        cm.execute("update public.mm_multimedia_assets set session_id = %s where asset_id = %s",
                   (other, ids["video"][1]))
        assert counters(cm, session) == (5, 3, 0, 0)
        assert counters(cm, other) == (1, 0, 0, 1)
        assert counters(cm, session) == true_counts(cm, session)
        assert counters(cm, other) == true_counts(cm, other)


def test_no_assets_into_a_finished_session(cm, acme, session):
    with as_member(cm, acme):
        kept = register(cm, session, "video")
        rpc(cm, "update_session_status", p_session_id=session, p_status="completed")
        before = snapshot_rows(cm, MM_TABLES)
        assert "already completed" in fails(cm, "55000", "register_multimedia_asset", p_session_id=session,
                                            p_asset_type="video", p_asset_name="late.mp4")
        fails(cm, "55000", "register_multimedia_assets", p_session_id=session,
              p_assets=[{"asset_type": "video", "asset_name": "late.mp4"}])
        assert snapshot_rows(cm, MM_TABLES) == before
        cm.execute("delete from public.mm_multimedia_assets where asset_id = %s", (kept,))  # cleaning up is fine
        assert counters(cm, session) == (0, 0, 0, 0)


# --- narrations -------------------------------------------------------------------------------------------------

def test_register_audio_narration_with_segments(cm, acme, session):
    with as_member(cm, acme):
        master = register(cm, session, "audio", "full.mp3", p_duration_seconds=95)
        seg = [register(cm, session, "audio", f"seg{i}.mp3", p_section_name="narrations") for i in range(3)]
        nid = rpc_value(cm, "register_audio_narration", p_session_id=session, p_narration_name="Full narration",
                        p_script_content="Welcome...", p_voice_config={"voice": "alloy", "speed": 1.1},
                        p_master_audio_id=master,
                        p_audio_segments=[{"asset_id": seg[2], "duration_seconds": 30.5, "text": "a"},
                                          {"asset_id": seg[0], "duration_seconds": 40},
                                          {"duration_seconds": 4.5, "text": "pause"}])
        row = cm.execute("select narration_type, section_name, total_duration_seconds, segments_audio_ids::text[], "
                         "master_audio_id::text, status, synthesis_completed, voice_config "
                         "from public.mm_audio_narrations where narration_id = %s", (nid,)).fetchone()
        assert row == ("full_module", None, 75, [seg[2], seg[0]], master, "completed", True,
                       {"voice": "alloy", "speed": 1.1})
        nid = rpc_value(cm, "register_audio_narration", p_session_id=session, p_narration_name="Intro",
                        p_narration_type="section", p_section_name="introduction", p_master_audio_id=master)
        assert cm.execute("select total_duration_seconds, status from public.mm_audio_narrations "
                          "where narration_id = %s", (nid,)).fetchone() == (95, "completed")
        nid = rpc_value(cm, "register_audio_narration", p_session_id=session, p_narration_name="Later",
                        p_total_duration_seconds=12)
        assert cm.execute("select total_duration_seconds, status, synthesis_completed from public.mm_audio_narrations "
                          "where narration_id = %s", (nid,)).fetchone() == (12, "pending", False)


def test_register_audio_narration_rejects_bad_input(cm, acme, content, session):
    other_session = create_session(cm, content)
    with as_member(cm, acme):
        video = register(cm, session, "video")
        foreign_audio = register(cm, other_session, "audio")
        before = snapshot_rows(cm, MM_TABLES)
        good = {"p_session_id": session, "p_narration_name": "N"}
        for params, sqlstate, fragment in [
            ({"p_narration_name": ""}, "22023", "p_narration_name"),
            ({"p_narration_type": "chapter"}, "22023", "p_narration_type"),
            ({"p_narration_type": "section"}, "22023", "p_section_name must be one of"),
            ({"p_narration_type": "section", "p_section_name": "outro"}, "22023", "'outro'"),
            ({"p_section_name": "introduction"}, "22023", "only for narration type section"),
            ({"p_voice_config": Jsonb("alloy")}, "22023", "p_voice_config"),
            ({"p_audio_segments": Jsonb({"a": 1})}, "22023", "p_audio_segments must be a JSON array"),
            ({"p_audio_segments": [{"duration_seconds": -1}]}, "22023", "p_audio_segments[0]"),
            ({"p_audio_segments": [{"duration_seconds": "long"}]}, "22023", "p_audio_segments[0]"),
            ({"p_audio_segments": Jsonb([{}, 5])}, "22023", "p_audio_segments[1]"),
            ({"p_audio_segments": [{"asset_id": video}]}, "22023", "p_audio_segments[0]"),
            ({"p_audio_segments": [{"asset_id": foreign_audio}]}, "22023", "p_audio_segments[0]"),
            ({"p_audio_segments": [{"asset_id": "not-a-uuid"}]}, "22023", "p_audio_segments[0]"),
            ({"p_master_audio_id": video}, "22023", "is not an audio asset of session"),
            ({"p_master_audio_id": foreign_audio}, "22023", "is not an audio asset of session"),
            ({"p_total_duration_seconds": -2}, "22023", "p_total_duration_seconds"),
            ({"p_status": "done"}, "22023", "p_status"),
            ({"p_session_id": NIL}, "P0002", "not found"),
        ]:
            assert fragment in fails(cm, sqlstate, "register_audio_narration", **{**good, **params})
        assert snapshot_rows(cm, MM_TABLES) == before
        with raises_sqlstate("23503"), cm.transaction():  # the array "foreign key", for direct writes
            cm.execute("insert into public.mm_audio_narrations (session_id, content_id, company_id, narration_name, "
                       "segments_audio_ids) select session_id, content_id, company_id, 'N', array[%s::uuid] "
                       "from public.mm_multimedia_sessions where session_id = %s", (foreign_audio, session))


# --- presentations ----------------------------------------------------------------------------------------------

def test_register_slide_presentation_with_exports(cm, acme, session):
    with as_member(cm, acme):
        pdf, pptx = register(cm, session, "presentation", "deck.pdf"), register(cm, session, "presentation", "deck.pptx")
        pid = rpc_value(cm, "register_slide_presentation", p_session_id=session, p_presentation_name="Module deck",
                        p_slide_order=[{"slide": 1, "title": "Welcome"}, {"slide": 2}, {"slide": 3}],
                        p_template_used="corporate", p_theme_config={"palette": "blue"},
                        p_pdf_asset_id=pdf, p_pptx_asset_id=pptx)
        row = cm.execute("select total_slides, pdf_generated, pptx_generated, html_generated, template_used, "
                         "presentation_type, status from public.mm_slide_presentations where presentation_id = %s",
                         (pid,)).fetchone()
        assert row == (3, True, True, False, "corporate", "module", "completed")


def test_register_slide_presentation_rejects_bad_input(cm, acme, content, session):
    other_session = create_session(cm, content)
    with as_member(cm, acme):
        video = register(cm, session, "video")
        foreign_deck = register(cm, other_session, "presentation")
        before = snapshot_rows(cm, MM_TABLES)
        good = {"p_session_id": session, "p_presentation_name": "Deck"}
        for params, sqlstate, fragment in [
            ({"p_presentation_name": " "}, "22023", "p_presentation_name"),
            ({"p_presentation_type": ""}, "22023", "p_presentation_type"),
            ({"p_slide_order": Jsonb({"1": "a"})}, "22023", "p_slide_order"),
            ({"p_theme_config": Jsonb([])}, "22023", "p_theme_config"),
            ({"p_status": "published"}, "22023", "p_status"),
            ({"p_pdf_asset_id": video}, "22023", "p_pdf_asset_id"),
            ({"p_html_asset_id": foreign_deck}, "22023", "p_html_asset_id"),
            ({"p_session_id": NIL}, "P0002", "not found"),
        ]:
            assert fragment in fails(cm, sqlstate, "register_slide_presentation", **{**good, **params})
        assert snapshot_rows(cm, MM_TABLES) == before


# --- listing and grants -----------------------------------------------------------------------------------------

def test_list_session_assets(cm, acme, session):
    with as_member(cm, acme):
        ids = [register(cm, session, kind) for kind in ("video", "audio", "video")]
        assert [str(r["asset_id"]) for r in rpc(cm, "list_session_assets", p_session_id=session)] == ids
        assert [str(r["asset_id"]) for r in rpc(cm, "list_session_assets", p_session_id=session,
                                                p_asset_type="video")] == [ids[0], ids[2]]
        assert rpc(cm, "list_session_assets", p_session_id=session, p_asset_type="slide") == []
        fails(cm, "22023", "list_session_assets", p_session_id=session, p_asset_type="gif")
        fails(cm, "P0002", "list_session_assets", p_session_id=NIL)


MULTIMEDIA_FUNCTIONS = {
    "mm_storage_path(text, text, text, timestamptz)": "user",
    "create_multimedia_session(uuid, text, text, text, jsonb, text[], uuid)": "user",
    "register_multimedia_asset(uuid, uuid, text, text, double precision, text, text, text, bigint, text, jsonb, "
    "text, text, text, uuid)": "user",
    "register_multimedia_assets(uuid, jsonb, uuid)": "user",
    "update_session_status(uuid, text, double precision, text, integer, uuid)": "user",
    "register_audio_narration(uuid, text, text, text, text, jsonb, jsonb, uuid, double precision, text, uuid)": "user",
    "register_slide_presentation(uuid, text, jsonb, text, text, jsonb, uuid, uuid, uuid, text, uuid)": "user",
    "list_session_assets(uuid, text, uuid)": "user",
    "enqueue_rendering_job(uuid, text, jsonb, integer, integer, timestamptz, uuid)": "user",
    "claim_rendering_job(text, integer, text[], uuid)": "worker",
    "heartbeat_rendering_job(uuid, text, integer, uuid)": "worker",
    "complete_rendering_job(uuid, text, jsonb, uuid)": "worker",
    "fail_rendering_job(uuid, text, text, boolean, integer, uuid)": "worker",
}


def test_function_grants(cm):
    """anon executes nothing; users the session and asset procedures and enqueue; only service_role the worker
    functions."""
    expected = {"user": {"anon": False, "authenticated": True, "service_role": True},
                "worker": {"anon": False, "authenticated": False, "service_role": True}}
    for signature, kind in MULTIMEDIA_FUNCTIONS.items():
        got = dict(cm.execute(
            "select r, has_function_privilege(r, %s, 'execute') from unnest(array['anon', 'authenticated', "
            "'service_role']) as r", (f"public.{signature}",)).fetchall())
        assert got == expected[kind], signature


# --- distribution keys (docs/multimedia.md, "Distribution") -------------------------------------------------

def test_every_key_of_the_multimedia_tables_leads_with_company_id(cm):
    assert keys_not_led_by_company(cm, MM_TABLES) == []
    assert trigger_functions_branching(cm, MM_TABLES) == []


def test_procedures_take_the_company_as_an_optional_key(cm, acme, globex, session):
    fails(cm, "P0002", "get_multimedia_session", p_session_id=session, p_company_id=globex)
    assert str(rpc(cm, "get_multimedia_session", p_session_id=session, p_company_id=acme)[0]["company_id"]) == acme
    fails(cm, "P0002", "register_multimedia_assets", p_session_id=session, p_assets=[{"asset_type": "video", "file_path": "/tmp/a.mp4"}],
          p_company_id=globex)
    rows = rpc(cm, "register_multimedia_assets", p_session_id=session, p_company_id=acme,
               p_assets=[{"asset_type": "video", "file_path": "/tmp/a.mp4"}])
    assert [str(r["asset_id"]) for r in rpc(cm, "list_session_assets", p_session_id=session, p_company_id=acme)] \
        == [str(r["asset_id"]) for r in rows]
    fails(cm, "P0002", "update_session_status", p_session_id=session, p_status="processing", p_company_id=globex)
    assert rpc(cm, "update_session_status", p_session_id=session, p_status="processing",
               p_company_id=acme)[0]["status"] == "processing"
