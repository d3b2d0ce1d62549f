"""Content management (cm_*): every stored procedure and trigger of the content module, as the real roles."""

from __future__ import annotations

import pytest
from psycopg.types.json import Jsonb

from content_helpers import (
    CM_TABLES, SECTIONS, as_member, become_member, count, create_content, fails, keys_not_led_by_company,
    make_company, make_employee, rpc, rpc_value, snapshot_rows, trigger_functions_branching,
)
from helpers import acting_as, raises_sqlstate

TEXT = {
    "introduction": "Welcome to Financial Analysis Fundamentals.",
    "core_content": "Ratios compare figures:\tliquidity,\nprofitability and solvency.",
    "practical_applications": "Compute the current ratio of a small bakery.",
    "case_studies": "A retailer whose margins shrank while revenue grew.",
    "assessments": "Q1. What does the quick ratio leave out?",
}
WORDS = {"introduction": 5, "core_content": 7, "practical_applications": 8, "case_studies": 8, "assessments": 8}


def content_row(conn, content_id):
    return rpc(conn, "get_module_content", p_content_id=content_id)[0]


def filled(conn, content_id):
    return rpc(conn, "update_module_sections", p_content_id=content_id, p_sections=TEXT)[0]


# --- create_module_content ---------------------------------------------------------------------------------

def test_create_module_content_takes_the_company_from_the_claim(cm, acme):
    with as_member(cm, acme):
        first = create_content(cm)
        second = create_content(cm, module_name="Budgeting")
        row = content_row(cm, first)
        assert first != second
        assert str(row["company_id"]) == acme
        assert (row["module_name"], row["employee_name"], row["session_id"]) == (
            "Financial Analysis Fundamentals", "John Doe", "session_123")
        assert row["module_spec"] == {"level": "beginner"} and row["research_context"] == {}
        assert (row["status"], row["priority_level"], row["revision_count"]) == ("draft", "medium", 0)
        assert row["total_word_count"] == 0
        assert row["section_word_counts"] == {s: 0 for s in SECTIONS}


def test_create_module_content_by_the_backend_names_the_company(cm, acme, globex):
    with acting_as(cm, "service_role"):
        cid = create_content(cm, globex, p_priority_level="critical")
        row = content_row(cm, cid)
        assert (str(row["company_id"]), row["priority_level"]) == (globex, "critical")
        before = snapshot_rows(cm, CM_TABLES)
        assert "p_company_id is required" in fails(cm, "22023", "create_module_content", p_module_name="M")
        fails(cm, "23503", "create_module_content", p_module_name="M",
              p_company_id="00000000-0000-0000-0000-000000000000")
        assert snapshot_rows(cm, CM_TABLES) == before


@pytest.mark.parametrize("params, sqlstate, fragment", [
    ({"p_module_name": "  "}, "22023", "p_module_name"),
    ({"p_module_name": None}, "22023", "p_module_name"),
    ({"p_module_spec": Jsonb([1])}, "22023", "p_module_spec must be a JSON object, got array"),
    ({"p_research_context": Jsonb("x")}, "22023", "p_research_context"),
    ({"p_priority_level": "urgent"}, "22023", "'urgent'"),
    ({"p_company_id": "OTHER"}, "42501", "is not the company of the signed-in user"),
])
def test_create_module_content_rejects_bad_input(cm, acme, globex, params, sqlstate, fragment):
    params = {"p_module_name": "M", **params}
    if params.get("p_company_id") == "OTHER":
        params["p_company_id"] = globex
    with as_member(cm, acme):
        before = snapshot_rows(cm, CM_TABLES)
        assert fragment in fails(cm, sqlstate, "create_module_content", **params)
        assert snapshot_rows(cm, CM_TABLES) == before


# --- sections, word counts, revisions ------------------------------------------------------------------------

def test_update_module_section_recomputes_word_counts_and_bumps_revision(cm, acme):
    with as_member(cm, acme):
        cid = create_content(cm)
        row = rpc(cm, "update_module_section", p_content_id=cid, p_section_name="introduction",
                  p_section_content=TEXT["introduction"])[0]
        assert row["introduction"] == TEXT["introduction"]
        assert (row["total_word_count"], row["section_word_counts"]["introduction"], row["revision_count"]) == (5, 5, 1)
        row = rpc(cm, "update_module_section", p_content_id=cid, p_section_name="core_content",
                  p_section_content=TEXT["core_content"])[0]
        assert (row["total_word_count"], row["section_word_counts"]["core_content"], row["revision_count"]) == (12, 7, 2)
        # the same text again is no revision
        row = rpc(cm, "update_module_section", p_content_id=cid, p_section_name="core_content",
                  p_section_content=TEXT["core_content"])[0]
        assert row["revision_count"] == 2
        # null clears a section
        row = rpc(cm, "update_module_section", p_content_id=cid, p_section_name="introduction",
                  p_section_content=None)[0]
        assert (row["introduction"], row["total_word_count"], row["revision_count"]) == (None, 7, 3)
        assert content_row(cm, cid)["revision_count"] == 3


def test_update_module_sections_updates_several_sections_as_one_revision(cm, acme):
    with as_member(cm, acme):
        cid = create_content(cm)
        row = filled(cm, cid)
        assert row["section_word_counts"] == WORDS
        assert row["total_word_count"] == sum(WORDS.values())
        assert row["revision_count"] == 1
        row = rpc(cm, "update_module_sections", p_content_id=cid,
                  p_sections={"case_studies": "  one  two\u00a0", "assessments": None})[0]
        assert row["core_content"] == TEXT["core_content"]  # sections not named keep their text
        assert row["section_word_counts"]["case_studies"] == 2
        assert row["section_word_counts"]["assessments"] == 0
        assert row["total_word_count"] == sum(WORDS.values()) - 8 - 8 + 2
        assert row["revision_count"] == 2


@pytest.mark.parametrize("sections, fragment", [
    ({"conclusion": "x"}, "unknown section 'conclusion'"),
    ({"introduction": "ok", "Introduction": "x"}, "unknown section 'Introduction'"),
    ({"introduction": 3}, "p_sections.introduction: a section is text or null, got number"),
    ({}, "at least one"),
    ([], "must be a JSON object"),
    (None, "must be a JSON object"),
])
def test_update_module_sections_rejects_bad_sections(cm, acme, sections, fragment):
    with as_member(cm, acme):
        cid = create_content(cm)
        before = snapshot_rows(cm, CM_TABLES)
        msg = fails(cm, "22023", "update_module_sections", p_content_id=cid,
                    p_sections=None if sections is None else Jsonb(sections))
        assert fragment in msg
        assert snapshot_rows(cm, CM_TABLES) == before


def test_update_module_section_rejects_unknown_section_and_content(cm, acme, globex):
    theirs = create_content(cm, globex)
    with as_member(cm, acme):
        cid = create_content(cm)
        before = snapshot_rows(cm, CM_TABLES)
        assert "'summary'" in fails(cm, "22023", "update_module_section", p_content_id=cid,
                                    p_section_name="summary", p_section_content="x")
        fails(cm, "22023", "update_module_section", p_content_id=cid, p_section_name=None, p_section_content="x")
        fails(cm, "22023", "update_module_section", p_content_id=None, p_section_name="introduction",
              p_section_content="x")
        fails(cm, "P0002", "update_module_section", p_content_id="00000000-0000-0000-0000-000000000000",
              p_section_name="introduction", p_section_content="x")
        # another company's content does not exist for this user
        fails(cm, "P0002", "update_module_section", p_content_id=theirs, p_section_name="introduction",
              p_section_content="x")
        assert snapshot_rows(cm, CM_TABLES) == before


def test_derived_columns_cannot_be_written_directly(cm, acme):
    with acting_as(cm, "service_role"):
        cid = create_content(cm, acme)
        with raises_sqlstate("22023"), cm.transaction():
            cm.execute("update public.cm_module_content set revision_count = 7 where content_id = %s", (cid,))
        with raises_sqlstate("22023"), cm.transaction():
            cm.execute("insert into public.cm_module_content (company_id, module_name, revision_count) "
                       "values (%s, 'x', 3)", (acme,))
        with raises_sqlstate("428C9"), cm.transaction():
            cm.execute("update public.cm_module_content set total_word_count = 99 where content_id = %s", (cid,))
        # a direct section update follows the same rules as the procedures
        cm.execute("update public.cm_module_content set introduction = 'one two three' where content_id = %s", (cid,))
        row = content_row(cm, cid)
        assert (row["total_word_count"], row["revision_count"]) == (3, 1)


def test_updated_at_moves_on_update(db):
    cid = create_content(db, make_company(db))
    db.commit()
    filled(db, cid)
    row = content_row(db, cid)
    assert row["updated_at"] > row["created_at"]


# --- status workflow ------------------------------------------------------------------------------------------

def test_status_moves_along_the_workflow(cm, acme):
    with as_member(cm, acme):
        cid = create_content(cm)

        def move(status):
            return rpc(cm, "update_content_status", p_content_id=cid, p_status=status)[0]

        assert "no text" in fails(cm, "55000", "update_content_status", p_content_id=cid, p_status="quality_check")
        for bad in ("approved", "revision"):
            assert "cannot move from status draft" in fails(cm, "55000", "update_content_status",
                                                             p_content_id=cid, p_status=bad)
        filled(cm, cid)
        assert move("quality_check")["status"] == "quality_check"
        # sections are frozen while checked
        assert "move it to revision first" in fails(cm, "55000", "update_module_section", p_content_id=cid,
                                                    p_section_name="introduction", p_section_content="x")
        fails(cm, "55000", "update_content_status", p_content_id=cid, p_status="draft")
        assert move("revision")["status"] == "revision"
        row = rpc(cm, "update_module_section", p_content_id=cid, p_section_name="introduction",
                  p_section_content="A better introduction.")[0]
        assert row["revision_count"] == 2
        move("quality_check")
        row = move("approved")
        assert (row["status"], row["revision_count"]) == ("approved", 2)
        fails(cm, "55000", "update_module_sections", p_content_id=cid, p_sections={"assessments": "x"})
        fails(cm, "55000", "update_content_status", p_content_id=cid, p_status="quality_check")
        fails(cm, "55000", "update_content_status", p_content_id=cid, p_status="draft")
        assert move("revision")["status"] == "revision"  # approved content can be reopened
        assert move("revision")["status"] == "revision"  # setting the same status changes nothing
        assert content_row(cm, cid)["revision_count"] == 2


def test_update_content_status_rejects_bad_input(cm, acme):
    with as_member(cm, acme):
        cid = create_content(cm)
        before = snapshot_rows(cm, CM_TABLES)
        assert "'published'" in fails(cm, "22023", "update_content_status", p_content_id=cid, p_status="published")
        fails(cm, "22023", "update_content_status", p_content_id=cid, p_status=None)
        fails(cm, "22023", "update_content_status", p_content_id=None, p_status="draft")
        fails(cm, "P0002", "update_content_status", p_content_id="00000000-0000-0000-0000-000000000000",
              p_status="quality_check")
        assert snapshot_rows(cm, CM_TABLES) == before


def test_the_workflow_holds_for_direct_writes_too(cm, acme):
    with acting_as(cm, "service_role"):
        cid = create_content(cm, acme)
        with raises_sqlstate("55000"), cm.transaction():
            cm.execute("update public.cm_module_content set status = 'approved' where content_id = %s", (cid,))


# --- reading ---------------------------------------------------------------------------------------------------

def test_get_module_content_and_its_sections(cm, acme, globex):
    theirs = create_content(cm, globex)
    with as_member(cm, acme):
        cid = create_content(cm)
        rpc(cm, "update_module_sections", p_content_id=cid,
            p_sections={"introduction": TEXT["introduction"], "assessments": TEXT["assessments"]})
        sections = rpc(cm, "get_content_sections", p_content_id=cid)
        assert [s["section_name"] for s in sections] == SECTIONS
        assert [s["section_order"] for s in sections] == [1, 2, 3, 4, 5]
        assert [s["section_content"] for s in sections] == [
            TEXT["introduction"], None, None, None, TEXT["assessments"]]
        assert [s["word_count"] for s in sections] == [5, 0, 0, 0, 8]
        for fn in ("get_module_content", "get_content_sections"):
            fails(cm, "P0002", fn, p_content_id=theirs)
            fails(cm, "P0002", fn, p_content_id="00000000-0000-0000-0000-000000000000")


def test_cm_content_sections_lists_the_sections_in_order(cm):
    with acting_as(cm, "authenticated"):
        assert rpc_value(cm, "cm_content_sections") == SECTIONS


# --- course plans and research ------------------------------------------------------------------------------

def test_store_course_plan(cm, acme, globex):
    employee = make_employee(cm, acme)
    structure = {"modules": [{"title": "Ratios"}, {"title": "Cash flow"}, {"title": "Budgets"}]}
    with as_member(cm, acme):
        pid = rpc_value(cm, "store_course_plan", p_employee_id=employee, p_course_title="Finance for managers",
                        p_course_structure=structure, p_employee_name="John Doe", p_session_id="session_123",
                        p_prioritized_gaps=[{"skill": "forecasting", "gap": 0.6}], p_course_duration_weeks=4)
        plan = cm.execute(
            "select company_id::text, employee_id::text, total_modules, course_duration_weeks, status, "
            "prioritized_gaps, learning_path from public.cm_course_plans where plan_id = %s", (pid,)).fetchone()
        assert plan == (acme, employee, 3, 4, "active", [{"skill": "forecasting", "gap": 0.6}], {})
        pid2 = rpc_value(cm, "store_course_plan", p_employee_id=employee, p_course_title="T",
                         p_course_structure={"modules": "n/a"}, p_total_modules=0, p_status="draft")
        assert cm.execute("select total_modules, status from public.cm_course_plans where plan_id = %s",
                          (pid2,)).fetchone() == (0, "draft")
        assert count(cm, "cm_course_plans") == 2


@pytest.mark.parametrize("params, sqlstate, fragment", [
    ({"p_employee_id": None}, "22023", "p_employee_id"),
    ({"p_course_title": ""}, "22023", "p_course_title"),
    ({"p_course_structure": None}, "22023", "p_course_structure"),
    ({"p_total_modules": -1}, "22023", "p_total_modules must be >= 0, got -1"),
    ({"p_course_duration_weeks": 0}, "22023", "p_course_duration_weeks must be > 0, got 0"),
    ({"p_status": "done"}, "22023", "'done'"),
    ({"p_company_id": "OTHER"}, "42501", "not the company"),
    ({"p_employee_id": "00000000-0000-0000-0000-000000000000"}, "23503", "employee_id"),
])
def test_store_course_plan_rejects_bad_input(cm, acme, globex, params, sqlstate, fragment):
    employee = make_employee(cm, acme)
    params = {"p_employee_id": employee, "p_course_title": "T", "p_course_structure": {"modules": []}, **params}
    if params.get("p_company_id") == "OTHER":
        params["p_company_id"] = globex
    with as_member(cm, acme):
        before = snapshot_rows(cm, CM_TABLES)
        assert fragment in fails(cm, sqlstate, "store_course_plan", **params)
        assert snapshot_rows(cm, CM_TABLES) == before


def test_store_research_results(cm, acme, globex):
    employee = make_employee(cm, acme)
    other_employee = make_employee(cm, globex)
    theirs = rpc_value(cm, "store_course_plan", p_employee_id=other_employee, p_course_title="T",
                       p_course_structure={}, p_company_id=globex)
    with as_member(cm, acme):
        pid = rpc_value(cm, "store_course_plan", p_employee_id=employee, p_course_title="T",
                        p_course_structure={"modules": []}, p_session_id="session_9")
        rid = rpc_value(cm, "store_research_results", p_plan_id=pid,
                        p_research_findings={"ratios": {}, "cash_flow": {}, "budgets": {}},
                        p_search_queries=["current ratio", "quick ratio"],
                        p_sources_analyzed=["https://a.example", "https://b.example"])
        row = cm.execute("select company_id::text, session_id, total_topics, total_sources, search_queries, status "
                         "from public.cm_research_results where research_id = %s", (rid,)).fetchone()
        assert row == (acme, "session_9", 3, 2, ["current ratio", "quick ratio"], "completed")
        rid = rpc_value(cm, "store_research_results", p_plan_id=pid, p_research_findings=[{"t": 1}, {"t": 2}],
                        p_total_sources=10, p_session_id="other", p_status="in_progress")
        assert cm.execute("select session_id, total_topics, total_sources, status from public.cm_research_results "
                          "where research_id = %s", (rid,)).fetchone() == ("other", 2, 10, "in_progress")

        before = snapshot_rows(cm, CM_TABLES)
        for params, sqlstate in [
            ({"p_plan_id": None}, "22023"),
            ({"p_research_findings": Jsonb("text")}, "22023"),
            ({"p_research_findings": None}, "22023"),
            ({"p_total_topics": -1}, "22023"),
            ({"p_total_sources": -2}, "22023"),
            ({"p_status": "queued"}, "22023"),
            ({"p_plan_id": "00000000-0000-0000-0000-000000000000"}, "P0002"),
            ({"p_plan_id": theirs}, "P0002"),
        ]:
            fails(cm, sqlstate, "store_research_results", **{"p_plan_id": pid, "p_research_findings": {}, **params})
        assert snapshot_rows(cm, CM_TABLES) == before


# --- quality assessments --------------------------------------------------------------------------------------

def test_store_and_get_the_latest_quality_assessment(cm, acme):
    with as_member(cm, acme):
        cid = create_content(cm)
        assert rpc(cm, "get_latest_quality_assessment", p_content_id=cid)[0]["assessment_id"] is None
        first = rpc_value(cm, "store_quality_assessment", p_content_id=cid, p_overall_score=6.5,
                          p_section_scores={"introduction": 7, "core_content": 5.5}, p_passed=False,
                          p_sections_needing_work=["core_content"], p_critical_issues=["too abstract"])
        latest = rpc(cm, "get_latest_quality_assessment", p_content_id=cid)[0]
        assert str(latest["assessment_id"]) == first
        assert (latest["overall_score"], latest["passed"], latest["requires_revision"]) == (6.5, False, True)
        assert latest["section_scores"] == {"introduction": 7, "core_content": 5.5}
        assert (latest["sections_needing_work"], latest["critical_issues"]) == (["core_content"], ["too abstract"])
        second = rpc_value(cm, "store_quality_assessment", p_content_id=cid, p_overall_score=10, p_passed=True,
                           p_accuracy_score=0, p_clarity_score=9.5, p_completeness_score=10,
                           p_engagement_score=8, p_personalization_score=7, p_quality_feedback="Clear.")
        latest = rpc(cm, "get_latest_quality_assessment", p_content_id=cid)[0]
        assert str(latest["assessment_id"]) == second
        assert (latest["requires_revision"], latest["accuracy_score"], latest["quality_feedback"]) == (
            False, 0, "Clear.")
        assert content_row(cm, cid)["status"] == "draft"  # storing an assessment changes no status


@pytest.mark.parametrize("params, fragment", [
    ({"p_overall_score": 10.5}, "p_overall_score must be a score between 0 and 10, got 10.5"),
    ({"p_overall_score": -1}, "p_overall_score"),
    ({"p_overall_score": float("nan")}, "p_overall_score"),
    ({"p_overall_score": None}, "p_overall_score"),
    ({"p_clarity_score": 11}, "p_clarity_score"),
    ({"p_personalization_score": -0.1}, "p_personalization_score"),
    ({"p_passed": None}, "p_passed"),
    ({"p_section_scores": {"summary": 5}}, "'summary'"),
    ({"p_section_scores": {"introduction": 12}}, "'introduction'"),
    ({"p_section_scores": {"introduction": "high"}}, "'introduction'"),
    ({"p_section_scores": None}, "p_section_scores"),
    ({"p_sections_needing_work": ["intro"]}, "p_sections_needing_work"),
    ({"p_content_id": None}, "p_content_id"),
])
def test_store_quality_assessment_rejects_bad_input(cm, acme, params, fragment):
    with as_member(cm, acme):
        cid = create_content(cm)
        before = snapshot_rows(cm, CM_TABLES)
        params = {"p_content_id": cid, "p_overall_score": 8.5, "p_passed": True, **params}
        assert fragment in fails(cm, "22023", "store_quality_assessment", **params)
        assert snapshot_rows(cm, CM_TABLES) == before


def test_quality_assessments_of_unknown_or_foreign_content(cm, acme, globex):
    theirs = create_content(cm, globex)
    with as_member(cm, acme):
        for cid in (theirs, "00000000-0000-0000-0000-000000000000"):
            fails(cm, "P0002", "store_quality_assessment", p_content_id=cid, p_overall_score=5, p_passed=True)
            fails(cm, "P0002", "get_latest_quality_assessment", p_content_id=cid)


def test_score_checks_hold_for_direct_writes(cm, acme):
    cid = create_content(cm, acme)
    with raises_sqlstate("23514"), cm.transaction():
        cm.execute("insert into public.cm_quality_assessments (content_id, company_id, overall_score, passed) "
                   "values (%s, %s, 11, true)", (cid, acme))


# --- enhancement sessions -------------------------------------------------------------------------------------

def test_enhancement_session_lifecycle(cm, acme):
    with as_member(cm, acme):
        cid = create_content(cm)
        aid = rpc_value(cm, "store_quality_assessment", p_content_id=cid, p_overall_score=5, p_passed=False,
                        p_sections_needing_work=["case_studies", "introduction"])
        sid = rpc_value(cm, "start_enhancement_session", p_content_id=cid, p_enhancement_type="section_regeneration",
                        p_quality_assessment_id=aid)
        row = cm.execute("select status, sections_to_enhance, sections_preserved, completed_at, "
                         "quality_assessment_id::text from public.cm_enhancement_sessions where session_id = %s",
                         (sid,)).fetchone()
        assert row == ("in_progress", ["introduction", "case_studies"],
                       ["core_content", "practical_applications", "assessments"], None, aid)
        assert "already has enhancement session" in fails(
            cm, "55000", "start_enhancement_session", p_content_id=cid, p_enhancement_type="x",
            p_sections_to_enhance=["assessments"])
        done = rpc(cm, "complete_enhancement_session", p_session_id=sid, p_research_conducted=True,
                   p_content_regenerated=True)[0]
        assert (done["status"], done["research_conducted"], done["content_regenerated"]) == ("completed", True, True)
        assert done["completed_at"] is not None
        fails(cm, "55000", "complete_enhancement_session", p_session_id=sid)
        sid2 = rpc_value(cm, "start_enhancement_session", p_content_id=cid, p_enhancement_type="full_regeneration",
                         p_sections_to_enhance=SECTIONS[::-1])
        assert cm.execute("select sections_to_enhance, sections_preserved from public.cm_enhancement_sessions "
                          "where session_id = %s", (sid2,)).fetchone() == (SECTIONS, [])
        failed = rpc(cm, "complete_enhancement_session", p_session_id=sid2, p_status="failed")[0]
        assert (failed["status"], failed["research_conducted"]) == ("failed", False)


def test_enhancement_sessions_reject_bad_input(cm, acme, globex):
    theirs = create_content(cm, globex)
    with as_member(cm, acme):
        cid = create_content(cm)
        other = create_content(cm, module_name="Other")
        other_assessment = rpc_value(cm, "store_quality_assessment", p_content_id=other, p_overall_score=5,
                                     p_passed=False, p_sections_needing_work=["introduction"])
        clean = rpc_value(cm, "store_quality_assessment", p_content_id=cid, p_overall_score=9, p_passed=True)
        before = snapshot_rows(cm, CM_TABLES)
        start = {"p_content_id": cid, "p_enhancement_type": "section_regeneration",
                 "p_sections_to_enhance": ["introduction"]}
        for params, sqlstate, fragment in [
            ({"p_sections_to_enhance": ["introduction", "summary"]}, "22023", "p_sections_to_enhance"),
            ({"p_sections_to_enhance": []}, "22023", "at least one section"),
            ({"p_sections_to_enhance": None}, "22023", "at least one section"),
            ({"p_sections_to_enhance": None, "p_quality_assessment_id": clean}, "22023", "at least one section"),
            ({"p_quality_assessment_id": other_assessment}, "22023", "is not an assessment of content"),
            ({"p_enhancement_type": " "}, "22023", "p_enhancement_type"),
            ({"p_content_id": None}, "22023", "p_content_id"),
            ({"p_content_id": theirs}, "P0002", "not found"),
        ]:
            assert fragment in fails(cm, sqlstate, "start_enhancement_session", **{**start, **params})
        assert snapshot_rows(cm, CM_TABLES) == before
        sid = rpc_value(cm, "start_enhancement_session", **start)
        before = snapshot_rows(cm, CM_TABLES)
        assert "'done'" in fails(cm, "22023", "complete_enhancement_session", p_session_id=sid, p_status="done")
        fails(cm, "22023", "complete_enhancement_session", p_session_id=None)
        fails(cm, "P0002", "complete_enhancement_session", p_session_id="00000000-0000-0000-0000-000000000000")
        assert snapshot_rows(cm, CM_TABLES) == before


def test_one_enhancement_session_in_progress_even_for_direct_writes(cm, acme):
    cid = create_content(cm, acme)
    insert = ("insert into public.cm_enhancement_sessions (content_id, company_id, enhancement_type, "
              "sections_to_enhance) values (%s, %s, 'x', '{introduction}')")
    cm.execute(insert, (cid, acme))
    with raises_sqlstate("23505"), cm.transaction():
        cm.execute(insert, (cid, acme))


# --- full-text search -------------------------------------------------------------------------------------------

def test_search_module_content_ranks_and_respects_rls(cm, acme, globex):
    ours = create_content(cm, acme, module_name="Cash Flow Forecasting")
    rpc(cm, "update_module_sections", p_content_id=ours,
        p_sections={"core_content": "Forecasting cash needs week by week keeps a business solvent."})
    mention = create_content(cm, acme, module_name="Leadership")
    rpc(cm, "update_module_sections", p_content_id=mention,
        p_sections={"case_studies": "A manager who ignored the cash forecast."})
    theirs = create_content(cm, globex, module_name="Cash Flow Forecasting")
    with acting_as(cm, "service_role"):
        assert {str(r["content_id"]) for r in rpc(cm, "search_module_content", p_query="cash forecast")} == {
            ours, mention, theirs}
    with as_member(cm, acme):
        hits = rpc(cm, "search_module_content", p_query="cash forecasting")
        assert [str(h["content_id"]) for h in hits] == [ours, mention]  # title match (weight A) ranks first
        assert hits[0]["rank"] > hits[1]["rank"]
        assert "<b>" in hits[0]["headline"]
        assert rpc(cm, "search_module_content", p_query='"cash forecast" -manager') == []
        assert [str(h["content_id"]) for h in rpc(cm, "search_module_content", p_query="cash", p_limit=1)] == [ours]
        assert rpc(cm, "search_module_content", p_query="cash", p_status="approved") == []
        for params in ({"p_query": " "}, {"p_query": None}, {"p_query": "cash", "p_limit": 0},
                       {"p_query": "cash", "p_limit": 101}, {"p_query": "cash", "p_status": "live"}):
            fails(cm, "22023", "search_module_content", **params)


@pytest.mark.parametrize("query, fragment", [
    ("-" * 60000 + "a", "at most 1000 characters, got 60001"),  # was XX000 tsquery stack too small
    ('{"k": [' + ",".join(["1"] * 50000) + "]}", "at most 1000 characters"),  # was 54001 stack depth
    (" ".join(["w"] * 65), "at most 64 words, got 65"),
    ("-" * 33 + "a", 'at most 32 "-"'),  # 33 nested NOTs overflow the tsquery parser's stack (XX000)
    ("a " + "- " * 33 + "b", 'at most 32 "-"'),
])
def test_search_module_content_bounds_the_query_before_parsing_it(cm, acme, query, fragment):
    with as_member(cm, acme):
        assert fragment in fails(cm, "22023", "search_module_content", p_query=query)
        assert "p_query" in fails(cm, "22023", "search_module_content", p_query=query)
        # at the bounds, operators and all, the parser answers
        assert rpc(cm, "search_module_content", p_query="-" * 32 + "a") == []
        assert rpc(cm, "search_module_content", p_query=" ".join(["(w"] * 64)) == []


def test_search_uses_the_gin_index(cm):
    cm.execute("set local enable_seqscan = off")
    plan = "\n".join(r[0] for r in cm.execute(
        "explain select content_id from public.cm_module_content "
        "where search_vector @@ websearch_to_tsquery('english', 'cash')"))
    assert "idx_cm_module_content_search_vector" in plan


# --- who may call what ---------------------------------------------------------------------------------------

CONTENT_FUNCTIONS = [
    "create_module_content(text, text, text, jsonb, uuid, jsonb, text)",
    "update_module_section(uuid, text, text, uuid)",
    "update_module_sections(uuid, jsonb, uuid)",
    "update_content_status(uuid, text, uuid)",
    "get_module_content(uuid, uuid)",
    "get_content_sections(uuid, uuid)",
    "store_course_plan(uuid, text, jsonb, text, text, jsonb, jsonb, jsonb, jsonb, integer, integer, text, uuid)",
    "store_research_results(uuid, jsonb, jsonb, jsonb, text[], text[], integer, integer, text, text, uuid)",
    "store_quality_assessment(uuid, double precision, jsonb, boolean, double precision, double precision, "
    "double precision, double precision, double precision, text, boolean, text[], text[], uuid)",
    "get_latest_quality_assessment(uuid, uuid)",
    "start_enhancement_session(uuid, text, text[], uuid, uuid)",
    "complete_enhancement_session(uuid, boolean, boolean, text, uuid)",
    "search_module_content(text, integer, text, uuid)",
    "cm_content_sections()",
]


@pytest.mark.parametrize("signature", CONTENT_FUNCTIONS)
def test_function_grants(cm, signature):
    """anon may execute none of them; authenticated and service_role all (RLS then decides on rows)."""
    rows = dict(cm.execute(
        "select r, has_function_privilege(r, %s, 'execute') from unnest(array['anon', 'authenticated', "
        "'service_role']) as r", (f"public.{signature}",)).fetchall())
    assert rows == {"anon": False, "authenticated": True, "service_role": True}


def test_anon_is_refused(cm, acme):
    cid = create_content(cm, acme)
    with acting_as(cm, "anon"):
        fails(cm, "42501", "get_module_content", p_content_id=cid)
        fails(cm, "42501", "create_module_content", p_module_name="M", p_company_id=acme)
        with raises_sqlstate("42501"):
            cm.execute("select count(*) from public.cm_module_content")


def test_a_member_without_a_company_claim_sees_and_creates_nothing(cm, acme):
    create_content(cm, acme)
    with acting_as(cm, "authenticated", "00000000-0000-0000-0000-00000000000a",
                   user_metadata={"company_id": acme}):  # user_metadata is user-editable: never trusted
        assert count(cm, "cm_module_content") == 0
        fails(cm, "22023", "create_module_content", p_module_name="M")
        fails(cm, "42501", "create_module_content", p_module_name="M", p_company_id=acme)
    with acting_as(cm, "authenticated", "00000000-0000-0000-0000-00000000000b",
                   app_metadata={"company_id": "not-a-uuid"}):
        assert count(cm, "cm_module_content") == 0


def test_become_member_lasts_until_the_transaction_ends(cm, acme):
    """The helper the multi-step tests use: the identity holds for the transaction, then the superuser is back."""
    with cm.transaction(force_rollback=True):
        become_member(cm, acme)
        assert cm.execute("select current_user").fetchone()[0] == "authenticated"
        create_content(cm)
        assert count(cm, "cm_module_content") == 1
    assert cm.execute("select current_user").fetchone()[0] != "authenticated"


# --- distribution keys (docs/content.md, "Distribution") ----------------------------------------------------

def test_every_key_of_the_content_tables_leads_with_company_id(cm):
    """Primary keys, unique indexes (partial ones too) and foreign keys lead with company_id, and no foreign key
    sets null on delete; the lookups by an id alone that the procedures make have a plain index. The one
    exception: the plan's employee, a foreign key to public.employees (id), a table the application may own
    (docs/content.md, "Distribution")."""
    assert keys_not_led_by_company(cm, CM_TABLES) == [
        ("cm_course_plans", "FOREIGN KEY (employee_id) REFERENCES employees(id)")]
    assert trigger_functions_branching(cm, ["cm_module_content", "cm_course_plans"]) == []
    for table, column in [("cm_module_content", "content_id"), ("cm_course_plans", "plan_id"),
                          ("cm_enhancement_sessions", "session_id")]:
        assert cm.execute("select count(*) from pg_index as i join pg_attribute as a on a.attrelid = i.indrelid "
                          "and a.attnum = i.indkey[0] where i.indrelid = %s::regclass and a.attname = %s "
                          "and i.indnatts = 1", (f"public.{table}", column)).fetchone()[0] == 1, table


def test_procedures_take_the_company_as_an_optional_key(cm, acme, globex):
    """With p_company_id the row is looked up by the whole key; the wrong company finds nothing (P0002); the
    named arguments of the product's calls (without it) work as before."""
    cid = create_content(cm, acme)
    assert str(rpc(cm, "get_module_content", p_content_id=cid, p_company_id=acme)[0]["content_id"]) == cid
    fails(cm, "P0002", "get_module_content", p_content_id=cid, p_company_id=globex)
    fails(cm, "P0002", "update_module_section", p_content_id=cid, p_section_name="introduction",
          p_section_content="x", p_company_id=globex)
    row = rpc(cm, "update_module_section", p_content_id=cid, p_section_name="introduction",
              p_section_content="Two words", p_company_id=acme)[0]
    assert row["total_word_count"] == 2
    aid = rpc_value(cm, "store_quality_assessment", p_content_id=cid, p_overall_score=4, p_passed=False,
                    p_sections_needing_work=["introduction"], p_company_id=acme)
    fails(cm, "P0002", "start_enhancement_session", p_content_id=cid, p_enhancement_type="x", p_company_id=globex)
    sid = rpc_value(cm, "start_enhancement_session", p_content_id=cid, p_enhancement_type="x",
                    p_quality_assessment_id=aid, p_company_id=acme)
    fails(cm, "P0002", "complete_enhancement_session", p_session_id=sid, p_company_id=globex)
    assert rpc(cm, "complete_enhancement_session", p_session_id=sid, p_company_id=acme)[0]["status"] == "completed"
    assert str(rpc(cm, "get_latest_quality_assessment", p_content_id=cid)[0]["assessment_id"]) == aid


def test_an_assessment_an_enhancement_session_refers_to_cannot_be_deleted(cm, acme):
    """No ON DELETE SET NULL across the distribution key: the session keeps its assessment (23503)."""
    cid = create_content(cm, acme)
    aid = rpc_value(cm, "store_quality_assessment", p_content_id=cid, p_overall_score=4, p_passed=False,
                    p_sections_needing_work=["introduction"])
    rpc_value(cm, "start_enhancement_session", p_content_id=cid, p_enhancement_type="x", p_quality_assessment_id=aid)
    with raises_sqlstate("23503"):
        with cm.transaction():
            cm.execute("delete from public.cm_quality_assessments where assessment_id = %s", (aid,))
    cm.execute("delete from public.cm_module_content where content_id = %s", (cid,))  # the content takes both
    assert count(cm, "cm_quality_assessments", "content_id = %s", (cid,)) == 0
