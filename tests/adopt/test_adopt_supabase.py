"""Adopting the DreamCut production database on the Supabase shape (issue 17): as Supabase's postgres role,
which is not a superuser, with Supabase's default privileges (the API roles got ALL on the hand-made tables and
functions), its publication and PostgREST's event triggers. Batched, with a worker writing as service_role
between two batches (through the noting trigger, a security definer function of the bookkeeping schema).
Supabase's own state is left as it was; verify and status are clean; the in-flight query completes."""

from __future__ import annotations

import psycopg

import adopt_helpers as production
import supabase_helpers as supabase
from dreamcut_db import adopt, engine, verify
from dreamcut_db.modules import MigrationSet
from helpers import acting_as, catalog_of, set_identity


def test_adopt_on_supabase_as_postgres(supabase_new_database):
    url = supabase_new_database()
    ids = production.build(url, bulk=60)
    with psycopg.connect(url) as conn:
        columns = production.document_columns(conn)
        assert conn.execute("select rolsuper from pg_roles where rolname = current_user").fetchone() == (False,)
        assert conn.execute("select has_table_privilege('anon', 'public.dreamcut_queries', 'delete')").fetchone()[0]
    rows, shape = production.rows(url, columns), supabase.state(url)
    drive = ids.analyzing_pending_assets[0]

    def out(line: str) -> None:
        if line.startswith("batch 2/"):  # a worker's direct write, as PostgREST sends it for the service role
            with psycopg.connect(url) as worker:
                set_identity(worker, "service_role")
                worker.execute("update public.dreamcut_assets set progress = 60 where id = %s", (drive,))
                worker.commit()

    plan = adopt.adopt(url, MigrationSet.load(), "dreamcut", production.RULES, batch_size=100, out=out)
    assert plan.batched
    mset = MigrationSet.load()
    assert verify.verify(url, mset) == []
    assert engine.status(url, mset).problems() == []
    assert supabase.state(url) == shape
    expected = production.repaired(rows, columns, ids)
    after = production.rows(url, columns)
    touched = {drive, ids.analyzing}  # the worker's update, and what the production trigger did with it
    assert {t: {k: v for k, v in r.items() if k not in touched} for t, r in after.items()} == \
        {t: {k: v for k, v in r.items() if k not in touched} for t, r in expected.items()}
    grants = catalog_of(url)["table public.dreamcut_queries"]["grants"]
    assert grants["anon"] == ["SELECT"] and grants["authenticated"] == ["SELECT"]
    with psycopg.connect(url) as conn, acting_as(conn, "service_role"):
        assert conn.execute("select asset_progress_total from public.dreamcut_queries where id = %s",
                            (ids.analyzing,)).fetchone() == (160,)
        for asset in ids.analyzing_pending_assets:
            conn.execute("select public.update_asset_progress(p_asset_id => %s, p_progress => 100, "
                         "p_status => 'completed')", (asset,))
        conn.execute("select public.complete_dreamcut_query(p_query_id => %s, p_payload => '{}')", (ids.analyzing,))
        assert conn.execute("select status from public.dreamcut_queries where id = %s",
                            (ids.analyzing,)).fetchone() == ("completed",)
