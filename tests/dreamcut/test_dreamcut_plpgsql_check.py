"""DreamCut under plpgsql_check (issue 16): the static checker behind ``supabase db lint`` finds no error and no
warning in any DreamCut function, each trigger function checked in the context of every trigger that uses it (its
table's columns, its transition tables). Runs where the extension can be created (CI's PostgreSQL 15 leg);
skips elsewhere with the checker's one-line reason.
"""

from __future__ import annotations

import pytest

from dreamcut_db.lint import plpgsql_check

#: The DreamCut functions, as plpgsql_check names them (regprocedure text).
DREAMCUT = (
    "public.initialize_dreamcut_query(", "public.update_asset_progress(", "public.complete_dreamcut_query(",
    "public.fail_dreamcut_query(", "dreamcut_private.check_query_completion(", "dreamcut_private.dreamcut_",
)


def test_dreamcut_functions_have_no_plpgsql_check_finding(db):
    checked = db.execute(
        "select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace "
        "join pg_language l on l.oid = p.prolang "
        "where l.lanname = 'plpgsql' and n.nspname || '.' || p.proname || '(' like any(%s)",
        ([prefix + "%" for prefix in DREAMCUT],)).fetchone()[0]
    assert checked >= 10  # the four API functions and the trigger functions: the prefixes match what exists
    found, skipped = plpgsql_check.check(db)
    if skipped:
        pytest.skip(skipped)
    assert [line for line in found if line.startswith(DREAMCUT)] == []
