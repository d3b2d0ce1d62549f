"""Company isolation of the content module (video-pipeline-content-multimedia.md, "Row Level Security").

The matrix below is the rule, cell by cell: users of two companies (user_a of company A, user_b of company B,
their company coming from the JWT claim app_metadata.company_id), anon and service_role, against a row of
company A and a row of company B, for select / insert / update / delete on each table. ok: the row is read or
written; none: RLS hides it (0 rows, no error); deny: 42501.
"""

from __future__ import annotations

from content_helpers import (
    CM_TABLES, CONTENT_SPECS, as_member, build_content_world, check_matrix, fails, rpc, snapshot_rows,
)
from helpers import raises_sqlstate

MATRIX = """
# table                   actor          select     insert     update     delete
companies                 user_a         ok/none    deny/deny  deny/deny  deny/deny
companies                 user_b         none/ok    deny/deny  deny/deny  deny/deny
companies                 anon           deny/deny  deny/deny  deny/deny  deny/deny
companies                 service_role   ok/ok      ok/ok      ok/ok      ok/ok
employees                 user_a         ok/none    deny/deny  deny/deny  deny/deny
employees                 user_b         none/ok    deny/deny  deny/deny  deny/deny
employees                 anon           deny/deny  deny/deny  deny/deny  deny/deny
employees                 service_role   ok/ok      ok/ok      ok/ok      ok/ok
cm_module_content         user_a         ok/none    ok/deny    ok/none    ok/none
cm_module_content         user_b         none/ok    deny/ok    none/ok    none/ok
cm_module_content         anon           deny/deny  deny/deny  deny/deny  deny/deny
cm_module_content         service_role   ok/ok      ok/ok      ok/ok      ok/ok
cm_course_plans           user_a         ok/none    ok/deny    ok/none    ok/none
cm_course_plans           user_b         none/ok    deny/ok    none/ok    none/ok
cm_course_plans           anon           deny/deny  deny/deny  deny/deny  deny/deny
cm_course_plans           service_role   ok/ok      ok/ok      ok/ok      ok/ok
cm_research_results       user_a         ok/none    ok/deny    ok/none    ok/none
cm_research_results       user_b         none/ok    deny/ok    none/ok    none/ok
cm_research_results       anon           deny/deny  deny/deny  deny/deny  deny/deny
cm_research_results       service_role   ok/ok      ok/ok      ok/ok      ok/ok
cm_quality_assessments    user_a         ok/none    ok/deny    ok/none    ok/none
cm_quality_assessments    user_b         none/ok    deny/ok    none/ok    none/ok
cm_quality_assessments    anon           deny/deny  deny/deny  deny/deny  deny/deny
cm_quality_assessments    service_role   ok/ok      ok/ok      ok/ok      ok/ok
cm_enhancement_sessions   user_a         ok/none    ok/deny    ok/none    ok/none
cm_enhancement_sessions   user_b         none/ok    deny/ok    none/ok    none/ok
cm_enhancement_sessions   anon           deny/deny  deny/deny  deny/deny  deny/deny
cm_enhancement_sessions   service_role   ok/ok      ok/ok      ok/ok      ok/ok
"""


def test_company_isolation_matrix(cm):
    world = build_content_world(cm)
    assert check_matrix(cm, world, CONTENT_SPECS, MATRIX) == []


def test_a_child_row_cannot_claim_another_company_than_its_parent(cm):
    """The composite foreign keys keep a child's company equal to its parent's, whoever writes."""
    world = build_content_world(cm)
    a, b = world["A"], world["B"]
    for sql, params in [
        ("insert into public.cm_quality_assessments (company_id, content_id, overall_score, passed) "
         "values (%s, %s, 5, true)", (b["company"], a["content"])),
        ("insert into public.cm_research_results (company_id, plan_id) values (%s, %s)", (b["company"], a["plan"])),
        ("update public.cm_enhancement_sessions set company_id = %s where session_id = %s",
         (b["company"], a["enhancement"])),
    ]:
        with raises_sqlstate("23503"), cm.transaction():
            cm.execute(sql, params)


def test_procedures_do_not_reach_another_companys_rows(cm):
    """Company B's user calls every procedure on company A's rows: not found (P0002) or refused (42501),
    and nothing is written."""
    world = build_content_world(cm)
    a, b = world["A"], world["B"]
    with as_member(cm, b["company"]):
        before = snapshot_rows(cm, CM_TABLES)
        for name, params, sqlstate in [
            ("get_module_content", {"p_content_id": a["content"]}, "P0002"),
            ("get_content_sections", {"p_content_id": a["content"]}, "P0002"),
            ("update_module_section", {"p_content_id": a["content"], "p_section_name": "introduction",
                                       "p_section_content": "x"}, "P0002"),
            ("update_module_sections", {"p_content_id": a["content"], "p_sections": {"assessments": "x"}}, "P0002"),
            ("update_content_status", {"p_content_id": a["content"], "p_status": "quality_check"}, "P0002"),
            ("create_module_content", {"p_module_name": "M", "p_company_id": a["company"]}, "42501"),
            ("store_course_plan", {"p_employee_id": a["employee"], "p_course_title": "T",
                                   "p_course_structure": {}, "p_company_id": a["company"]}, "42501"),
            ("store_research_results", {"p_plan_id": a["plan"], "p_research_findings": {}}, "P0002"),
            ("store_quality_assessment", {"p_content_id": a["content"], "p_overall_score": 5,
                                          "p_passed": True}, "P0002"),
            ("get_latest_quality_assessment", {"p_content_id": a["content"]}, "P0002"),
            ("start_enhancement_session", {"p_content_id": a["content2"], "p_enhancement_type": "x",
                                            "p_sections_to_enhance": ["introduction"]}, "P0002"),
            ("complete_enhancement_session", {"p_session_id": a["enhancement"]}, "P0002"),
        ]:
            fails(cm, sqlstate, name, **params)
        assert rpc(cm, "search_module_content", p_query="financial") != []  # B's own content
        assert {str(r["content_id"]) for r in rpc(cm, "search_module_content", p_query="financial")} <= {
            b["content"], b["content2"]}
        assert snapshot_rows(cm, CM_TABLES) == before
