"""The DreamCut production database for the adoption tests (issue 17), built from the product documents.

``build(url, bulk=N)`` makes, in an empty database, what dreamcut-migration-summary.md says production holds:
its six migrations as dreamcut-production-schema.md gives them (tests/adopt/dreamcut_production.sql), the
legacy ``briefs`` and ``jobs`` with rows, and queries in every state made through the production functions:
processing/init, analyzing with some assets done, merging, completed, failed; plus rows the package's
tighter constraints refuse (a null asset type, a null message type, null options) and rows they accept at
the edge (a whitespace prompt, progress at 0 and 100). ``bulk`` more queries (three assets each and their
messages, in every state) are written set-wise, so the batched path has rows to work through.

On plain PostgreSQL it first creates what a Supabase project has (the API roles, ``auth.uid()`` and
``auth.role()``, publication ``supabase_realtime``) where missing; on the Supabase-shaped server
(supabase_helpers) those exist and it runs as ``postgres``. Holds no tests itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import psycopg
from psycopg.types.json import Jsonb

TABLES = ("dreamcut_queries", "dreamcut_assets", "dreamcut_messages")
LEGACY = ("briefs", "jobs")
PRODUCTION_SQL = Path(__file__).parent / "adopt" / "dreamcut_production.sql"

#: What a Supabase project has before any migration, created where missing (plain PostgreSQL).
SUPABASE_PIECES = """
do $$
declare
    v_role text;
begin
    foreach v_role in array array['anon', 'authenticated', 'service_role'] loop
        if not exists (select from pg_roles where rolname = v_role) then
            execute format('create role %I nologin', v_role);
        end if;
    end loop;
    if not exists (select from pg_namespace where nspname = 'auth') then
        create schema auth;
        grant usage on schema auth to anon, authenticated, service_role;
        create function auth.uid() returns uuid language sql stable as $f$
            select (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')::uuid
        $f$;
        create function auth.role() returns text language sql stable as $f$
            select nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'
        $f$;
    end if;
    if not exists (select from pg_publication where pubname = 'supabase_realtime') then
        create publication supabase_realtime;
    end if;
end
$$;
"""

#: ``bulk`` queries in the five states (g % 5: init, analyzing, merging, completed, failed), three assets each
#: (image, video, audio) and the messages the production functions would have written, a minute apart per
#: query; the two completion messages of a query share one created_at, as complete_dreamcut_query writes them.
BULK = """
with q as (
    insert into dreamcut_queries (user_id, user_prompt, intent, options, status, stage, progress, payload,
                                  created_at, updated_at, completed_at)
    select 'bulk-user-' || (g %% 97), 'bulk prompt ' || g, 'video', jsonb_build_object('n', g),
           case g %% 5 when 3 then 'completed' when 4 then 'failed' else 'processing' end,
           case g %% 5 when 0 then 'init' when 1 then 'analyzing' when 2 then 'merging' when 3 then 'done'
                else 'analyzing' end,
           case g %% 5 when 0 then 0 when 1 then 30 when 2 then 90 when 3 then 100 else 45 end,
           case when g %% 5 = 3 then jsonb_build_object('intent', 'bulk') end,
           t, t + interval '5 minutes', case when g %% 5 in (3, 4) then t + interval '5 minutes' end
    from generate_series(1, %(bulk)s) as g,
         lateral (select timestamptz '2025-06-01 00:00+00' + g * interval '1 minute' as t) as ts
    returning id, created_at, status, stage
), a as (
    insert into dreamcut_assets (query_id, url, filename, type, status, progress, created_at, updated_at)
    select q.id, 'https://cdn.example.com/' || q.id || '/' || k.name, k.name, k.type,
           case when q.stage = 'init' then 'pending'
                when q.stage in ('merging', 'done') or k.n = 1 then 'completed'
                when q.status = 'failed' and k.n = 2 then 'failed'
                else 'analyzing' end,
           case when q.stage = 'init' then 0 when q.stage in ('merging', 'done') or k.n = 1 then 100 else 25 end,
           q.created_at, q.created_at
    from q, (values (1, 'ref.jpg', 'image'), (2, 'drive.mp4', 'video'), (3, 'voice.mp3', 'audio')) as k (n, name, type)
    returning id, query_id, status, type, created_at
)
insert into dreamcut_messages (query_id, type, content, emoji, asset_id, created_at)
select a.query_id, 'asset_start', 'Analyzing ' || a.type, '🔎', a.id, a.created_at + interval '1 second'
from a where a.status <> 'pending'
union all
select a.query_id, 'asset_complete', '→ ✅ ' || a.type, '✅', a.id, a.created_at + interval '2 seconds'
from a where a.status = 'completed'
union all
select q.id, 'status', 'Got your request. Let''s break it down...', '🎬', null, q.created_at from q
union all
select q.id, 'merge', 'Combining query + assets into creative brief...', '🏁', null, q.created_at + interval '3 seconds'
from q where q.stage in ('merging', 'done')
union all
select q.id, 'final', m.content, m.emoji, null, q.created_at + interval '4 seconds'
from q, (values ('Creative brief ready 🎬', '🎬'), ('Ready for production!', '🚀')) as m (content, emoji)
where q.status = 'completed'
"""


@dataclass
class Production:
    """The ids of the queries and rows a test follows (uuid strings)."""

    init: str
    analyzing: str
    analyzing_pending_assets: list[str]
    merging: str
    completed: str
    failed: str
    blank_prompt: str
    null_options: str
    typeless_asset: str
    typeless_message: str


def _call(conn, fn: str, **args) -> object:
    """``select fn(name => value, ...)`` with named arguments, as PostgREST calls functions (dicts and the
    ``p_assets`` list as jsonb)."""
    placeholders = ", ".join(f"{name} => %({name})s" for name in args)
    values = {k: Jsonb(v) if isinstance(v, dict) or k == "p_assets" else v for k, v in args.items()}
    return conn.execute(f"select {fn}({placeholders})", values).fetchone()[0]


def _assets(conn, query_id) -> dict[str, str]:
    """The query's assets: filename -> id."""
    return {name: str(i) for i, name in conn.execute(
        "select id, filename from dreamcut_assets where query_id = %s", (query_id,))}


def _submit(conn, user: str, prompt: str, assets: list[tuple[str, str]], options=None) -> str:
    return str(_call(conn, "initialize_dreamcut_query", p_user_id=user, p_user_prompt=prompt, p_intent="video",
                     p_options=options if options is not None else {"duration": 30},
                     p_assets=[{"url": f"https://cdn.example.com/{name}", "filename": name, "type": kind}
                               for name, kind in assets]))


def _progress(conn, asset_id: str, progress: int, status: str, message: str, kind: str, emoji: str) -> None:
    _call(conn, "update_asset_progress", p_asset_id=asset_id, p_progress=progress, p_status=status,
          p_analysis={"step": progress}, p_model_used="llava-13b", p_message=message, p_message_type=kind,
          p_emoji=emoji)


def build(url: str, bulk: int = 0) -> Production:
    """Make the production state in the (empty) database at ``url``; returns the ids the tests follow.

    Every call commits on its own (autocommit), as the product's API requests do, so created_at orders them.
    """
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(SUPABASE_PIECES)
        conn.execute("set search_path = public")
        conn.execute(PRODUCTION_SQL.read_text())
        brief = conn.execute("insert into briefs (user_id, query) values ('legacy-user', 'an old brief') "
                             "returning id").fetchone()[0]
        conn.execute("insert into jobs (brief_id, status) values (%s, 'done'), (%s, 'queued')", (brief, brief))
        conn.execute("update jobs set status = 'running' where status = 'queued'")

        init = _submit(conn, "user-init", "A quiet morning montage", [("sunrise.jpg", "image"), ("birds.mp3", "audio")])

        analyzing = _submit(conn, "user-analyzing", "Make a cinematic 30-second cyberpunk trailer...",
                            [("cyberpunk_ref.jpg", "image"), ("city_drive.mp4", "video"), ("voiceover.mp3", "audio")])
        assets = _assets(conn, analyzing)
        ref, drive, voice = assets["cyberpunk_ref.jpg"], assets["city_drive.mp4"], assets["voiceover.mp3"]
        _progress(conn, ref, 25, "analyzing", "Analyzing image: cyberpunk_ref.jpg", "asset_start", "🖼️")
        _progress(conn, ref, 100, "completed", "→ ✅ cyberpunk, cinematic style, dark, futuristic mood",
                  "asset_complete", "✅")
        _progress(conn, drive, 25, "analyzing", "Analyzing video: city_drive.mp4", "asset_start", "🎥")

        merging = _submit(conn, "user-merging", "A product teaser", [("logo.png", "image"), ("jingle.wav", "audio")])
        for i, asset in enumerate(_assets(conn, merging).values()):
            _progress(conn, asset, 100, "completed", f"→ ✅ asset {i + 1}", "asset_complete", "✅")

        completed = _submit(conn, "user-completed", "A travel vlog intro", [("beach.mp4", "video")])
        beach = _assets(conn, completed)["beach.mp4"]
        _progress(conn, beach, 50, "analyzing", "Analyzing video: beach.mp4", "asset_start", "🎥")
        _progress(conn, beach, 100, "completed", "→ ✅ sunny, upbeat", "asset_complete", "✅")
        _call(conn, "complete_dreamcut_query", p_query_id=completed, p_payload={"intent": "travel vlog"},
              p_processing_time_ms=42000, p_models_used=["llava-13b", "apollo-7b"], p_cost_estimate=Decimal("0.23"))

        failed = _submit(conn, "user-failed", "A broken upload", [("corrupt.mov", "video"), ("ok.jpg", "image")])
        bad = _assets(conn, failed)["corrupt.mov"]
        _progress(conn, bad, 10, "failed", "Could not decode corrupt.mov", "error", "❌")
        conn.execute("update dreamcut_queries set status = 'failed', error_message = 'asset corrupt.mov failed' "
                     "where id = %s", (failed,))

        # Rows the package's constraints refuse, as an older worker or a hand-made insert left them.
        blank_prompt = _submit(conn, "user-edge", "   ", [("edge.jpg", "image")])
        null_options = str(_call(conn, "initialize_dreamcut_query", p_user_id="user-edge", p_user_prompt="no options",
                                 p_options=None, p_assets=[]))
        typeless_asset = str(conn.execute(
            "insert into dreamcut_assets (query_id, url, filename, type, status, progress) "
            "values (%s, 'https://cdn.example.com/clip.MOV?sig=1', 'clip.MOV', null, 'completed', 100) returning id",
            (blank_prompt,)).fetchone()[0])
        typeless_message = str(conn.execute(
            "insert into dreamcut_messages (query_id, type, content) values (%s, null, 'note from an old worker') "
            "returning id", (blank_prompt,)).fetchone()[0])
        if bulk:
            conn.execute(BULK, {"bulk": bulk})
        conn.execute("analyze")
    return Production(
        init=init, analyzing=analyzing, analyzing_pending_assets=[drive, voice], merging=merging,
        completed=completed, failed=failed, blank_prompt=blank_prompt, null_options=null_options,
        typeless_asset=typeless_asset, typeless_message=typeless_message,
    )


def document_columns(conn) -> dict[str, list[str]]:
    """Per DreamCut table, its columns in the database of ``conn`` (before adoption: the document's)."""
    return {t: [c for c, in conn.execute(
        "select attname from pg_attribute where attrelid = %s::regclass and attnum > 0 and not attisdropped "
        "order by attnum", (f"public.{t}",))] for t in TABLES}


def rows(url: str, columns: dict[str, list[str]]) -> dict[str, dict[str, tuple]]:
    """Per table, id -> the row's values of ``columns`` (as text), read as the connecting role."""
    with psycopg.connect(url) as conn:
        return {t: {str(r[0]): r[1:] for r in conn.execute(
            f"select id, {', '.join(f'{c}::text' for c in cols)} from public.{t}")} for t, cols in columns.items()}


#: The repair rules every adoption test chooses, and the values they give the refused rows of the fixture.
RULES = ["null-default", "asset-type-from-extension", "message-type-status"]


def repaired(rows_before: dict, columns: dict, ids: Production) -> dict:
    """``rows_before`` (of rows()) as the adoption with RULES leaves them: the asset clip.MOV is a video, the
    message without a type a status message, the null options the default {}."""
    expected = {t: dict(r) for t, r in rows_before.items()}
    for table, row_id, column, value in (("dreamcut_assets", ids.typeless_asset, "type", "video"),
                                         ("dreamcut_messages", ids.typeless_message, "type", "status"),
                                         ("dreamcut_queries", ids.null_options, "options", "{}")):
        row = list(expected[table][row_id])
        row[columns[table].index(column)] = value
        expected[table][row_id] = tuple(row)
    return expected


#: The objects and rows adoption must leave alone whatever happens, and what dry runs must not touch at all.
STATE = """
select jsonb_build_object(
  'schemas', (select jsonb_agg(nspname order by nspname) from pg_namespace where nspname !~ '^pg_'),
  'publication', (select jsonb_agg(schemaname || '.' || tablename order by schemaname, tablename) from pg_publication_tables
                  where pubname = 'supabase_realtime'),
  'triggers', (select jsonb_agg(tgrelid::regclass::text || ' ' || tgname || ' ' || tgenabled::text
                                  order by tgrelid::regclass::text, tgname)
               from pg_trigger where not tgisinternal),
  'functions', (select jsonb_agg(p.oid::regprocedure::text || ' ' || md5(p.prosrc) || ' ' || coalesce(p.proacl::text, '')
                order by p.oid::regprocedure::text) from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public'),
  'legacy', (select jsonb_build_object(
      'briefs', (select jsonb_agg(b order by b.id) from public.briefs as b),
      'jobs', (select jsonb_agg(j order by j.id) from public.jobs as j),
      'jobs_definition', (select jsonb_agg(attname || ' ' || format_type(atttypid, atttypmod) order by attnum)
                          from pg_attribute where attrelid = 'public.jobs'::regclass and attnum > 0)))
)
"""


def state(url: str) -> dict:
    """STATE of the database at ``url``: its schemas, publication, triggers, public functions and legacy tables."""
    with psycopg.connect(url) as conn:
        return conn.execute(STATE).fetchone()[0]
