"""plpgsql_check (the static checker behind ``supabase db lint``) over the package's PL/pgSQL functions.

Every PL/pgSQL function and procedure in the package's own schemas (``public``, ``dreamcut_private``) is
checked with every warning class on (``all_warnings``: other, extra, performance, security, compatibility),
past the first error (``fatal_errors => false``) and with no in-comment option able to silence a check. A
trigger function is checked once per trigger that uses it, in that trigger's context: its table (``relid``,
so ``new``/``old`` have that table's columns) and its transition tables (``referencing new table as ...``).
Zero errors and zero warnings are required.

The extension is created in a transaction that is always rolled back, so the database is left as it was.
Where it cannot be created (not installed on that server, or the role may not create it) the check is
skipped with one line saying why.
"""

from __future__ import annotations

import psycopg

from .. import catalog

_CHECKS = """
select p.oid::regprocedure::text, t.tgname::text, t.tgrelid::regclass::text, r.lineno, r.level, r.message
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
join pg_language l on l.oid = p.prolang
left join pg_trigger t on t.tgfoid = p.oid and not t.tgisinternal
cross join lateral plpgsql_check.plpgsql_check_function_tb(
    p.oid, coalesce(t.tgrelid, 0),
    fatal_errors => false, all_warnings => true, use_incomment_options => false,
    oldtable => t.tgoldtable, newtable => t.tgnewtable) r
where n.nspname = any(%(schemas)s) and l.lanname = 'plpgsql'
  and p.prorettype <> 'event_trigger'::regtype
  and (p.prorettype <> 'trigger'::regtype or t.oid is not null)
order by 1, 2, r.lineno
"""


def check(conn) -> tuple[list[str], str | None]:
    """Run plpgsql_check on ``conn`` (a migrated database). Returns (findings, None), each finding
    ``function [(trigger T on TABLE)]: line N: level: message``; or ([], why) when the extension cannot be
    created there (``why`` is one line)."""
    with conn.transaction(force_rollback=True):
        try:
            with conn.transaction():
                conn.execute("create schema plpgsql_check")
                conn.execute("create extension plpgsql_check with schema plpgsql_check")
        except psycopg.Error as exc:
            reason = (exc.diag.message_primary or str(exc)).strip().splitlines()[0]
            return [], f"plpgsql_check: skipped, the extension cannot be created on this server ({reason})"
        conn.execute("set local search_path = ''")
        rows = conn.execute(_CHECKS, {"schemas": list(catalog.SCHEMAS)}).fetchall()
    return [
        f"{function}{f' (trigger {trigger} on {table})' if trigger else ''}: line {line}: {level}: {message}"
        for function, trigger, table, line, level, message in rows
    ], None
