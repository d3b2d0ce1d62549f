"""DreamCut (module ``dreamcut``): worker updates, completion detection, query creation, RLS reads.

Every comparison runs on one server in one run. Where one connection is measured, the two sides run *mixed in
the same pgbench run* (pgbench picks one script per transaction), so both see the same machine at the same
moment: this VM is shared, and back-to-back runs differ by 30% or more. Throughput at 8 connections needs each
side alone on the connections, so those runs alternate in short rounds and the median of the per-round ratios
counts.

The floor ("the raw SQL it must at least do") runs against ``bench_floor``: trigger-less twins of the three
tables, made with ``create table ... (like ... including all)`` plus the same foreign keys and holding the
same rows: same columns, defaults, identity, check constraints, indexes and foreign keys; no triggers.
"""

from __future__ import annotations

import json
import time

from .common import Result, bulk_load, median, spread

TABLES = ("dreamcut_queries", "dreamcut_assets", "dreamcut_messages")

#: bench.id(kind, n): a deterministic uuid, so pgbench scripts can address rows by number.
HELPERS = """
create schema if not exists bench;
create or replace function bench.id(p_kind integer, p_n bigint) returns uuid
language sql immutable parallel safe
as $$ select (lpad(to_hex(p_kind), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(p_n), 12, '0'))::uuid $$;
grant usage on schema bench to public;
grant execute on function bench.id(integer, bigint) to public;
"""


def make_floor(conn) -> None:
    """bench_floor.<table>: a trigger-less twin of each DreamCut table, with the same rows."""
    conn.execute("create schema bench_floor")
    for t in TABLES:
        conn.execute(f"create table bench_floor.{t} (like public.{t} including all)")
    conn.execute("set search_path = ''")
    for t in TABLES:
        fks = conn.execute(
            "select pg_get_constraintdef(oid) from pg_constraint where conrelid = %s::regclass and contype = 'f'",
            (f"public.{t}",),
        ).fetchall()
        for (definition,) in fks:
            conn.execute(f"alter table bench_floor.{t} add {definition.replace('public.', 'bench_floor.')}")
    conn.execute("reset search_path")
    for t in TABLES:  # the same rows (identity columns such as seq keep their values)
        conn.execute(f"insert into bench_floor.{t} overriding system value select * from public.{t}")


def set_triggers(srv, db: str, state: str) -> None:
    """'all' (as shipped), 'no_notify' (``dreamcut.notify = off``, the Supabase setting: the pg_notify triggers are
    skipped by their WHEN clause) or 'none' (every user trigger disabled: a diagnostic of what the triggers cost).

    Takes effect for the sessions opened afterwards (each pgbench run opens its own).
    """
    with srv.admin(db) as conn:
        conn.execute(f'alter database "{db}" reset dreamcut.notify')
        for t in TABLES:
            conn.execute(f"alter table public.{t} enable trigger user")
        if state == "none":
            for t in TABLES:
                conn.execute(f"alter table public.{t} disable trigger user")
        elif state == "no_notify":
            conn.execute(f'alter database "{db}" set dreamcut.notify = off')


# ---------------------------------------------------------------------------------------------------------
# Worker updates: update_asset_progress against the UPDATE + INSERT it must at least do
# ---------------------------------------------------------------------------------------------------------

N_QUERIES, ASSETS_PER_QUERY = 1000, 10

# The worker reports one more percent each time (read from the asset, the same lookup on both sides).
UPDATE_FUNC = """\\set a random(1, :nassets)
select public.update_asset_progress(
    p_asset_id => bench.id(2, :a), p_status => 'analyzing',
    p_progress => (select least(x.progress + 1, 99) from public.dreamcut_assets as x where x.id = bench.id(2, :a)),
    p_analysis => '{"scene": "neon city at night"}',
    p_model_used => 'gpt-4o', p_message => 'Analyzing frames...', p_message_type => 'asset_progress',
    p_emoji => '🔍', p_worker_id => 'worker-' || :client_id);
"""

# The same UPDATE of the asset (the function's SET list with the same arguments) and INSERT of the message,
# in one statement: one round trip, like the function call.
UPDATE_FLOOR = """\\set a random(1, :nassets)
with a as (
    update {schema}.dreamcut_assets
    set status = 'analyzing',
        progress = (select least(x.progress + 1, 99) from {schema}.dreamcut_assets as x where x.id = bench.id(2, :a)),
        analysis = analysis || '{{"scene": "neon city at night"}}',
        model_used = 'gpt-4o', worker_id = 'worker-' || :client_id,
        processing_time_ms = processing_time_ms, error_message = error_message, quality_score = quality_score,
        confidence_score = confidence_score, analyzed_at = analyzed_at
    where id = bench.id(2, :a)
    returning query_id, id
)
insert into {schema}.dreamcut_messages (query_id, type, emoji, content, asset_id)
select a.query_id, 'asset_progress', '🔍', 'Analyzing frames...', a.id from a;
"""


def _load_worker_data(conn) -> None:
    conn.execute(HELPERS)
    conn.execute(
        f"""insert into public.dreamcut_queries (id, user_id, user_prompt, intent, options)
            select bench.id(1, q), bench.id(9, q % 100)::text, 'Make a cinematic 30-second cyberpunk trailer',
                'video', '{{"duration": 30}}'
            from generate_series(1, {N_QUERIES}) as q"""
    )
    conn.execute(
        f"""insert into public.dreamcut_assets (id, query_id, url, filename, type)
            select bench.id(2, n), bench.id(1, (n - 1) / {ASSETS_PER_QUERY} + 1),
                'https://cdn.example.com/' || n || '.jpg', n || '.jpg', 'image'
            from generate_series(1, {N_QUERIES * ASSETS_PER_QUERY}) as n"""
    )
    make_floor(conn)
    conn.execute("vacuum analyze")


def worker_updates(srv, template: str, cfg) -> list[Result]:
    db = srv.clone(template)
    with srv.admin(db) as conn:
        _load_worker_data(conn)
    nassets = {"nassets": N_QUERIES * ASSETS_PER_QUERY}
    func = UPDATE_FUNC
    floor = UPDATE_FLOOR.format(schema="bench_floor")
    raw_live = UPDATE_FLOOR.format(schema="public")  # the same two statements on the live tables (triggers fire)

    results = []
    # 1 connection: function and floor mixed in the same runs.
    r1 = Result("worker_updates_1", "update_asset_progress ≥ 70% of the raw UPDATE + INSERT, 1 connection")
    print("  worker updates, 1 connection (function and floor mixed in each run)", flush=True)
    ratios = []
    for _ in range(cfg.reps):
        srv.checkpoint(db)
        run = srv.run_pgbench(db, {"function": func, "floor": floor, "raw_on_live_tables": raw_live},
                              clients=1, seconds=cfg.seconds, variables=nassets)
        f, fl, raw = run.scripts["function"], run.scripts["floor"], run.scripts["raw_on_live_tables"]
        ratios.append(fl.latency_ms / f.latency_ms)
        r1.line(f"function {f.latency_ms:.3f} ms/call, floor {fl.latency_ms:.3f} ms, the floor's statement on the "
                f"live tables (triggers fire) {raw.latency_ms:.3f} ms: throughput ratio {ratios[-1]:.2f}")
    r1.judge(median(ratios), 0.70, ">=")
    r1.measured = f"{spread(ratios)}"
    results.append(r1)

    def one_round(clients: int, seconds: int) -> tuple[dict, dict]:
        """Each variant alone on the connections: throughput and server CPU per call."""
        tps, cpu = {}, {}
        for variant in ("all", "no_notify", "none", "floor"):
            if variant not in ("all", "floor"):
                set_triggers(srv, db, variant)
            srv.checkpoint(db)
            run = srv.run_pgbench(db, {variant: floor if variant == "floor" else func}, clients=clients,
                                  seconds=seconds, variables=nassets, cpu=True)
            tps[variant], cpu[variant] = run.tps, run.cpu_ms
            if variant not in ("all", "floor"):
                set_triggers(srv, db, "all")
        return tps, cpu

    def describe(tps: dict, cpu: dict) -> str:
        return (f"function {tps['all']:.0f} tps, floor {tps['floor']:.0f} tps: ratio {tps['all'] / tps['floor']:.2f}; "
                f"server CPU per call: function {cpu['all']:.3f} ms, floor {cpu['floor']:.3f} ms "
                f"(ratio {cpu['floor'] / cpu['all']:.2f}); with dreamcut.notify = off "
                f"{tps['no_notify']:.0f} tps ({tps['no_notify'] / tps['floor']:.2f}), {cpu['no_notify']:.3f} ms CPU; "
                f"with every trigger disabled {tps['none']:.0f} tps ({tps['none'] / tps['floor']:.2f}), "
                f"{cpu['none']:.3f} ms CPU")

    # 1 connection, each variant alone: server CPU per call (robust to the machine's other load) and attribution.
    print("  worker updates, 1 connection, each variant alone (server CPU per call; dreamcut.notify = off; triggers disabled as diagnostic)",
          flush=True)
    cpu1 = []
    for rnd in range(cfg.reps):
        tps, cpu = one_round(1, cfg.short)
        cpu1.append(cpu["floor"] / cpu["all"])
        r1.line(f"alone, round {rnd + 1}: " + describe(tps, cpu))
    r1.measured += f"; server CPU per call: {median(cpu1):.2f}"
    if r1.met and median(cpu1) < 0.70:
        r1.note = f"on the wall clock only; on server CPU {median(cpu1):.2f}"

    # 8 connections: each side alone on the connections, in alternating rounds.
    r8 = Result("worker_updates_8", "update_asset_progress ≥ 70% of the raw UPDATE + INSERT, 8 connections")
    print("  worker updates, 8 connections (alternating rounds; with dreamcut.notify = off, and every trigger disabled as diagnostic)", flush=True)
    ratios8, ratios8_off = [], []
    for rnd in range(cfg.reps):
        tps, cpu = one_round(8, cfg.short)
        ratios8.append(tps["all"] / tps["floor"])
        ratios8_off.append(tps["no_notify"] / tps["floor"])
        r8.line(f"round {rnd + 1}: " + describe(tps, cpu))
    r8.judge(median(ratios8), 0.70, ">=")
    r8.measured = f"{spread(ratios8)}; with dreamcut.notify = off (Supabase): {spread(ratios8_off)}"
    results.append(r8)

    print("  worker updates: durable commits (diagnostic)", flush=True)
    durable = {}
    for clients in (1, 8):
        for name, script in (("function", func), ("floor", floor)):
            srv.checkpoint(db)
            durable[(name, clients)] = srv.run_pgbench(db, {name: script}, clients=clients, seconds=cfg.short,
                                                       variables=nassets, options="").tps
    r8.line(f"diagnostic, durable commits (synchronous_commit on): function {durable[('function', 1)]:.0f} tps at 1 "
            f"connection, {durable[('function', 8)]:.0f} tps at 8 "
            f"({durable[('function', 8)] / durable[('function', 1)]:.1f}x); floor {durable[('floor', 1)]:.0f} tps at "
            f"1, {durable[('floor', 8)]:.0f} tps at 8 ({durable[('floor', 8)] / durable[('floor', 1)]:.1f}x)")
    with srv.admin(db) as conn:
        n = conn.execute("select count(*) from public.dreamcut_messages").fetchone()[0]
    r8.line(f"{n} messages written by the function in this benchmark")
    srv.drop(db)
    return results


# ---------------------------------------------------------------------------------------------------------
# Completion detection: one asset update in a query of 1000 assets against one of 10
# ---------------------------------------------------------------------------------------------------------

#: steady state: 100 queries of 10 assets against 1 query of 1000 assets (1000 assets on each side)
STEADY = {10: 100, 1000: 1}
FINAL_QUERIES = 200  # queries per size whose last asset is completed


def completion(srv, template: str, cfg) -> list[Result]:
    db = srv.clone(template)
    with srv.admin(db) as conn:
        conn.execute(HELPERS)
        # Steady state: kind 4/3 = queries/assets of 10 assets, kind 6/5 = of 1000 assets.
        for qkind, akind, size in ((4, 3, 10), (6, 5, 1000)):
            conn.execute(
                f"""insert into public.dreamcut_queries (id, user_id, user_prompt, intent, options)
                    select bench.id({qkind}, q), 'bench-user', 'Make a trailer', 'video', '{{"duration": 30}}'
                    from generate_series(1, {STEADY[size]}) as q"""
            )
            conn.execute(
                f"""insert into public.dreamcut_assets (id, query_id, url, type)
                    select bench.id({akind}, n), bench.id({qkind}, (n - 1) / {size} + 1),
                        'https://cdn.example.com/' || n || '.jpg', 'image'
                    from generate_series(1, {STEADY[size] * size}) as n"""
            )
        # The last update: kind 8/7 (10 assets) and 11/10 (1000 assets): every asset completed but the last.
        # The queries, and then the 2 x 100 last assets, are inserted interleaved, so the rows the measured
        # calls touch lie side by side in the heap whatever the size of their query.
        conn.execute(
            f"""insert into public.dreamcut_queries (id, user_id, user_prompt, intent, options)
                select bench.id(k, q), 'bench-user', 'Make a trailer', 'video', '{{"duration": 30}}'
                from generate_series(1, {FINAL_QUERIES}) as q, unnest(array[8, 11]) as k order by q, k"""
        )
        for qkind, akind, size in ((8, 7, 10), (11, 10, 1000)):
            conn.execute(
                f"""insert into public.dreamcut_assets (id, query_id, url, type, status, progress, analyzed_at)
                    select bench.id({akind}, n), bench.id({qkind}, (n - 1) / {size} + 1),
                        'https://cdn.example.com/' || n || '.jpg', 'image', 'completed', 100, now()
                    from generate_series(1, {FINAL_QUERIES * size}) as n where n % {size} <> 0"""
            )
        conn.execute(
            f"""insert into public.dreamcut_assets (id, query_id, url, type, status, progress)
                select bench.id(g.akind, q * g.size), bench.id(g.qkind, q), 'https://cdn.example.com/last.jpg',
                    'image', 'analyzing', 50
                from generate_series(1, {FINAL_QUERIES}) as q,
                    (values (8, 7, 10), (11, 10, 1000)) as g (qkind, akind, size)
                order by q, g.size"""
        )
        conn.execute("vacuum analyze")

    script = """\\set a random(1, {n})
select public.update_asset_progress(
    p_asset_id => bench.id({kind}, :a), p_status => 'analyzing',
    p_progress => (select least(x.progress + 1, 99) from public.dreamcut_assets as x where x.id = bench.id({kind}, :a)),
    p_analysis => '{{"scene": "neon city at night"}}',
    p_model_used => 'gpt-4o', p_message => 'Analyzing frames...', p_message_type => 'asset_progress',
    p_emoji => '🔍', p_worker_id => 'worker-1');
"""
    r = Result("completion_update", "one asset update, query of 1000 assets ≤ 1.2× query of 10 assets")
    print("  completion detection: asset updates in 100 queries of 10 assets and in 1 query of 1000 assets "
          "(mixed in each run)", flush=True)
    ratios = []
    for _ in range(cfg.reps):
        srv.checkpoint(db)
        run = srv.run_pgbench(
            db,
            {"q10": script.format(kind=3, n=STEADY[10] * 10), "q1000": script.format(kind=5, n=STEADY[1000] * 1000)},
            clients=1, seconds=cfg.seconds,
        )
        a, b = run.scripts["q10"], run.scripts["q1000"]
        ratios.append(b.latency_ms / a.latency_ms)
        r.line(f"10 assets {a.latency_ms:.3f} ms/update, 1000 assets {b.latency_ms:.3f} ms: ratio {ratios[-1]:.2f}")
    r.judge(median(ratios), 1.2, "<=")
    r.measured = spread(ratios)

    # The update that completes a query: all other assets finished, this one completes -> merging.
    rf = Result("completion_last", "the last asset's update (query → merging), 1000 assets ≤ 1.2× 10 assets")
    print("  completion detection: the last asset's update, interleaved", flush=True)
    times = {10: [], 1000: []}
    with srv.session(db) as conn:
        call = """select public.update_asset_progress(p_asset_id => bench.id(%s, %s), p_status => 'completed',
                  p_progress => 100, p_message => 'Analysis complete', p_message_type => 'asset_complete',
                  p_emoji => '✅')"""
        for i in range(1, FINAL_QUERIES + 1):
            order = ((10, 7), (1000, 10)) if i % 2 else ((1000, 10), (10, 7))
            for size, akind in order:
                t = time.perf_counter()
                conn.execute(call, (akind, i * size))
                times[size].append(time.perf_counter() - t)
        bad = conn.execute(
            """select count(*) filter (where q.stage <> 'merging' or q.progress <> 90),
                      count(*) filter (where (select count(*) from public.dreamcut_messages m
                                              where m.query_id = q.id and m.type = 'merge') <> 1)
               from public.dreamcut_queries q where q.id in (select bench.id(k, n) from unnest(array[8, 11]) as k,
                                                             generate_series(1, %s) as n)""",
            (FINAL_QUERIES,),
        ).fetchone()
    m10, m1000 = median(times[10]) * 1000, median(times[1000]) * 1000
    pairs = [b / a for a, b in zip(times[10], times[1000])]
    rf.line(f"{FINAL_QUERIES} queries of each size, called alternately: median {m10:.3f} ms (10 assets), "
            f"{m1000:.3f} ms (1000 assets); median of the {len(pairs)} adjacent-pair ratios {median(pairs):.2f}")
    rf.line(f"queries not in merging/90 afterwards: {bad[0]}; queries without exactly one merge message: {bad[1]}")
    rf.judge(median(pairs), 1.2, "<=")
    if bad[0] or bad[1]:
        rf.met = False
    rf.measured = f"{median(pairs):.2f} (median of {len(pairs)} adjacent pairs of calls)"
    srv.drop(db)
    return [r, rf]


# ---------------------------------------------------------------------------------------------------------
# Query creation: initialize_dreamcut_query at 1, 10, 100, 1000 assets, and the multi-row INSERT floor
# ---------------------------------------------------------------------------------------------------------

CREATION_SIZES = (1, 10, 100, 1000)
USER = "00000000-0000-4000-8000-000000000042"
PROMPT = "Make a cinematic 30-second cyberpunk trailer"


def _assets(n: int) -> list[dict]:
    kinds = ("image", "video", "audio")
    return [
        {"url": f"https://cdn.example.com/asset-{i}.bin", "filename": f"asset-{i}.bin", "type": kinds[i % 3],
         "description": f"shot {i}", "size": 1048576 + i, "metadata": {"source": "upload"}}
        for i in range(n)
    ]


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def creation_scripts(n: int) -> tuple[str, str]:
    assets = _assets(n)
    func = (f"select public.initialize_dreamcut_query({_lit(USER)}, {_lit(PROMPT)}, 'video', "
            f"'{{\"duration\": 30}}', {_lit(json.dumps(assets))});\n")
    rows = ",\n".join(
        f"({_lit(a['url'])}, {_lit(a['filename'])}, {_lit(a['type'])}, {_lit(a['description'])}, {a['size']}, "
        f"{_lit(json.dumps(a['metadata']))})"
        for a in assets
    )
    # The same rows: the query (with the asset count the function's trigger would keep), its first message,
    # and the assets in one multi-row INSERT.
    floor = f"""with q as (
    insert into bench_floor.dreamcut_queries (user_id, user_prompt, intent, options, asset_count)
    values ({_lit(USER)}, {_lit(PROMPT)}, 'video', '{{"duration": 30}}', {n})
    returning id
), m as (
    insert into bench_floor.dreamcut_messages (query_id, type, emoji, content)
    select q.id, 'status', '🎬', 'Got your request. Let''s break it down...' from q
)
insert into bench_floor.dreamcut_assets (query_id, url, filename, type, user_description, file_size_bytes, metadata)
select q.id, v.url, v.filename, v.type, v.description, v.size, v.metadata::jsonb
from q cross join (values
{rows}
) as v (url, filename, type, description, size, metadata);
"""
    return func.replace("\n", " ").strip() + "\n", floor.replace("\n", " ").strip() + "\n"


def query_creation(srv, template: str, cfg) -> list[Result]:
    db = srv.clone(template)
    with srv.admin(db) as conn:
        make_floor(conn)
    weights = {1: 20, 10: 10, 100: 4, 1000: 1}  # about the same time for each size
    scripts = {}
    for n in CREATION_SIZES:
        func, floor = creation_scripts(n)
        scripts[f"function_{n}"] = (func, weights[n])
        scripts[f"floor_{n}"] = (floor, weights[n])
    print("  query creation: initialize_dreamcut_query and the multi-row INSERT at 1, 10, 100, 1000 assets "
          "(mixed in each run)", flush=True)
    lat = {k: [] for k in scripts}
    for _ in range(cfg.reps):
        with srv.admin(db) as conn:
            conn.execute("truncate public.dreamcut_queries, public.dreamcut_assets, public.dreamcut_messages, "
                         "bench_floor.dreamcut_queries, bench_floor.dreamcut_assets, bench_floor.dreamcut_messages")
            conn.execute("checkpoint")
        run = srv.run_pgbench(db, scripts, clients=1, seconds=cfg.seconds, protocol="simple")
        for k in scripts:
            lat[k].append(run.scripts[k].latency_ms)
    with srv.admin(db) as conn:
        check = conn.execute(
            """select count(*) filter (where asset_count <> (select count(*) from public.dreamcut_assets a
                                                            where a.query_id = q.id)) from public.dreamcut_queries q"""
        ).fetchone()[0]
    # Diagnostic at 1000 assets, each variant alone: server CPU per call with the function's triggers as shipped,
    # with dreamcut.notify = off, with every trigger disabled, and of the multi-row INSERT.
    func1000, floor1000 = scripts["function_1000"][0], scripts["floor_1000"][0]
    cpu_runs = {v: [] for v in ("all", "no_notify", "none", "floor")}
    for _ in range(2):
        for variant in cpu_runs:
            if variant not in ("all", "floor"):
                set_triggers(srv, db, variant)
            with srv.admin(db) as conn:
                conn.execute("truncate public.dreamcut_queries, public.dreamcut_assets, public.dreamcut_messages, "
                             "bench_floor.dreamcut_queries, bench_floor.dreamcut_assets, bench_floor.dreamcut_messages")
                conn.execute("checkpoint")
            run = srv.run_pgbench(db, {variant: floor1000 if variant == "floor" else func1000}, clients=1,
                                  transactions=10 if cfg.reps == 1 else 25, protocol="simple", cpu=True)
            cpu_runs[variant].append(run.cpu_ms)
            if variant not in ("all", "floor"):
                set_triggers(srv, db, "all")
    cpu = {v: median(x) for v, x in cpu_runs.items()}
    # Where the function's own time goes: validating the 1000 elements (dreamcut_private.assets_input_error,
    # one call for the array) against only expanding the array, mixed in one run.
    j = _lit(json.dumps(_assets(1000)))
    validation = srv.run_pgbench(db, {
        "expand": f"select count(*) from jsonb_array_elements({j}::jsonb) as a (elem);\n",
        "assets_input_error": f"select dreamcut_private.assets_input_error({j}::jsonb);\n",
    }, clients=1, seconds=cfg.short, protocol="simple")
    srv.drop(db)
    t = {n: median(lat[f"function_{n}"]) for n in CREATION_SIZES}
    tf = {n: median(lat[f"floor_{n}"]) for n in CREATION_SIZES}

    rl = Result("creation_linear", "initialize_dreamcut_query linear in assets (1, 10, 100, 1000)")
    for n in CREATION_SIZES:
        per = f", {(t[n] - t[1]) / (n - 1) * 1000:.1f} µs per asset beyond the first" if n > 1 else ""
        rl.line(f"{n:>4} assets: function {t[n]:.3f} ms, multi-row INSERT {tf[n]:.3f} ms "
                f"(ratio {t[n] / tf[n]:.2f}){per}")
    slope_lo = (t[100] - t[10]) / 90
    slope_hi = (t[1000] - t[100]) / 900
    rl.line(f"marginal cost per asset: {slope_lo * 1000:.1f} µs from 10 to 100 assets, {slope_hi * 1000:.1f} µs from "
            f"100 to 1000: ratio {slope_hi / slope_lo:.2f} (1.0 = linear; above 1.5 counts as super-linear)")
    rl.line(f"queries whose asset_count differs from their assets after the runs: {check}")
    rl.judge(slope_hi / slope_lo, 1.5, "<=")
    if check:
        rl.met = False
    rl.measured = f"{slope_hi / slope_lo:.2f} (per-asset cost 100→1000 / 10→100)"

    rf = Result("creation_floor", "initialize_dreamcut_query at 1000 assets ≤ 2× a multi-row INSERT of the same rows")
    ratios = [a / b for a, b in zip(lat["function_1000"], lat["floor_1000"])]
    rf.line("per run, function / multi-row INSERT at 1000 assets: " + ", ".join(f"{x:.2f}" for x in ratios))
    rf.line(f"diagnostic at 1000 assets, each variant alone (2 runs of a fixed number of calls, median), server CPU "
            f"per call: function {cpu['all']:.1f} ms "
            f"({cpu['all'] / cpu['floor']:.2f}x the INSERT), with dreamcut.notify = off {cpu['no_notify']:.1f} ms "
            f"({cpu['no_notify'] / cpu['floor']:.2f}x), with every trigger disabled {cpu['none']:.1f} ms "
            f"({cpu['none'] / cpu['floor']:.2f}x), multi-row INSERT {cpu['floor']:.1f} ms")
    v = validation.scripts
    rf.line(f"diagnostic, 1000 elements: expanding p_assets {v['expand'].latency_ms:.1f} ms; validating them "
            f"(dreamcut_private.assets_input_error) {v['assets_input_error'].latency_ms:.1f} ms")
    rf.judge(median(ratios), 2.0, "<=")
    rf.measured = spread(ratios) + f"; server CPU per call: {cpu['all'] / cpu['floor']:.2f}"
    return [rl, rf]


# ---------------------------------------------------------------------------------------------------------
# RLS: a signed-in user's queries with assets and messages, 1,000,000 messages across 10,000 users
# ---------------------------------------------------------------------------------------------------------

USERS, QUERIES_PER_USER, ASSETS_PER_Q, MESSAGES_PER_Q = 10_000, 5, 4, 20

READ = """select q.id, q.user_prompt, q.intent, q.status, q.stage, q.progress, q.created_at,
    coalesce((select json_agg(a order by a.seq) from public.dreamcut_assets as a
              where a.query_id = q.id), '[]') as assets,
    coalesce((select json_agg(m order by m.seq) from public.dreamcut_messages as m
              where m.query_id = q.id), '[]') as messages
from public.dreamcut_queries as q
{where}
order by q.created_at desc
limit 20"""


def _read_script(role: str, user_filter: bool) -> str:
    where = "where q.user_id = bench.id(9, :u)::text" if user_filter else ""
    return (
        "\\set u random(1, :users)\n"
        "begin;\n"
        f"select set_config('role', '{role}', true), set_config('request.jwt.claims', "
        f"json_build_object('sub', bench.id(9, :u), 'role', '{role}')::text, true);\n"
        + " ".join(READ.format(where=where).split()) + ";\n"
        "commit;\n"
    )


def load_rls_data(conn) -> None:
    conn.execute(HELPERS)
    nq = USERS * QUERIES_PER_USER
    # Bulk load as superuser (bulk_load: triggers off, secondary indexes built afterwards; the counters are
    # written directly); ids in ascending order, so the primary keys take them at their right edge.
    bulk_load(
        conn, [f"public.{t}" for t in TABLES],
        f"""insert into public.dreamcut_queries (id, user_id, user_prompt, intent, options, status, stage, progress,
                    asset_count, assets_finished, asset_progress_total, created_at, updated_at, completed_at)
                select bench.id(1, q), bench.id(9, (q - 1) % {USERS} + 1)::text,
                    'Make a cinematic 30-second trailer #' || q, 'video', '{{"duration": 30}}', 'completed', 'done', 100,
                    {ASSETS_PER_Q}, {ASSETS_PER_Q}, {ASSETS_PER_Q * 100},
                    now() - ({nq} - q) * interval '1 minute', now() - ({nq} - q) * interval '1 minute',
                    now() - ({nq} - q) * interval '1 minute' + interval '40 seconds'
                from generate_series(1, {nq}) as q""",
        f"""insert into public.dreamcut_assets (id, query_id, url, filename, type, status, progress, analysis,
                    model_used, created_at, analyzed_at)
                select bench.id(2, a), bench.id(1, (a - 1) % {nq} + 1), 'https://cdn.example.com/' || a || '.mp4',
                    a || '.mp4', (array['image', 'video', 'audio'])[a % 3 + 1], 'completed', 100,
                    '{{"labels": ["city", "night", "neon"], "duration": 12}}', 'gpt-4o',
                    now() - ({nq} - (a - 1) % {nq} - 1) * interval '1 minute', now()
                from generate_series(1, {nq * ASSETS_PER_Q}) as a""",
        f"""insert into public.dreamcut_messages (id, query_id, type, emoji, content, created_at)
                select bench.id(3, m), bench.id(1, (m - 1) % {nq} + 1),
                    (array['status', 'asset_start', 'asset_progress', 'asset_complete', 'merge', 'final'])[m % 6 + 1],
                    '🎬', 'Analyzing the uploaded footage, step ' || m,
                    now() - ({nq} - (m - 1) % {nq} - 1) * interval '1 minute'
                from generate_series(1, {nq * MESSAGES_PER_Q}) as m""",
    )


def rls_read(srv, template: str, cfg) -> list[Result]:
    db = srv.clone(template)
    print(f"  RLS: loading {USERS} users, {USERS * QUERIES_PER_USER} queries, "
          f"{USERS * QUERIES_PER_USER * ASSETS_PER_Q} assets, {USERS * QUERIES_PER_USER * MESSAGES_PER_Q} messages",
          flush=True)
    t0 = time.perf_counter()
    with srv.admin(db) as conn:
        load_rls_data(conn)
        counts = conn.execute(
            "select (select count(*) from public.dreamcut_messages), "
            "(select count(distinct user_id) from public.dreamcut_queries)"
        ).fetchone()
    r = Result("rls_read", "RLS read of a user's queries + assets + messages ≤ 1.5× the same read as service_role")
    r.line(f"loaded {counts[0]} messages across {counts[1]} users in {time.perf_counter() - t0:.0f} s "
           "(set-based INSERT ... SELECT generate_series as superuser, indexes built afterwards, then VACUUM ANALYZE)")
    scripts = {
        "authenticated": _read_script("authenticated", True),
        "service_role": _read_script("service_role", True),
        "authenticated_rls_only": _read_script("authenticated", False),
    }
    stmt_ratios, txn_ratios, only_ratios = [], [], []
    for _ in range(cfg.reps):
        run = srv.run_pgbench(db, scripts, clients=1, seconds=cfg.seconds, variables={"users": USERS},
                              per_statement=True)
        a, s, o = run.scripts["authenticated"], run.scripts["service_role"], run.scripts["authenticated_rls_only"]
        sa, ss, so = (x.statement_ms("json_agg") for x in (a, s, o))
        stmt_ratios.append(sa / ss)
        txn_ratios.append(a.latency_ms / s.latency_ms)
        only_ratios.append(so / ss)
        r.line(f"read statement: authenticated {sa:.3f} ms, service_role {ss:.3f} ms (ratio {sa / ss:.2f}); "
               f"whole PostgREST-style transaction (begin, set_config role + claims, read, commit): "
               f"{a.latency_ms:.3f} vs {s.latency_ms:.3f} ms (ratio {txn_ratios[-1]:.2f}); authenticated without "
               f"the user_id filter (RLS alone) {so:.3f} ms (ratio {so / ss:.2f})")
    r.judge(median(stmt_ratios), 1.5, "<=")
    r.measured = f"{spread(stmt_ratios)} (read statement); {median(txn_ratios):.2f} (whole transaction)"

    # EXPLAIN of the read as the signed-in user.
    with srv.admin(db) as conn:
        user = conn.execute("select bench.id(9, 4242)::text").fetchone()[0]
        plans = {}
        for role, where in (("authenticated", True), ("service_role", True), ("authenticated", False)):
            with conn.transaction(force_rollback=True):
                conn.execute("select set_config('role', %s, true), set_config('request.jwt.claims', %s, true)",
                             (role, json.dumps({"sub": user, "role": role})))
                sql = READ.format(where=f"where q.user_id = '{user}'" if where else "")
                for _ in range(3):  # warm
                    conn.execute(sql).fetchall()
                plan = "\n".join(row[0] for row in conn.execute("explain (analyze, buffers) " + sql).fetchall())
            plans[(role, where)] = plan
    auth_plan = plans[("authenticated", True)]
    seq = [line.strip() for line in auth_plan.splitlines() if "Seq Scan" in line]
    r.line("EXPLAIN (authenticated): " + ("uses indexes only, no sequential scan" if not seq else
                                          "SEQUENTIAL SCANS: " + "; ".join(seq)))
    if seq:
        r.met = False
    r.sections["EXPLAIN (ANALYZE, BUFFERS) of the read as `authenticated` (user bench.id(9, 4242))"] = (
        f"```sql\n-- role authenticated, request.jwt.claims = {{\"sub\": \"{user}\", \"role\": \"authenticated\"}}\n"
        + READ.format(where=f"where q.user_id = '{user}'") + "\n```\n\n```\n" + auth_plan + "\n```")
    r.sections["The same read as `service_role` (RLS bypassed)"] = "```\n" + plans[("service_role", True)] + "\n```"
    r.sections["As `authenticated` without the `user_id` filter (RLS alone selects the rows)"] = (
        "```\n" + plans[("authenticated", False)] + "\n```")
    srv.drop(db)
    return [r]
