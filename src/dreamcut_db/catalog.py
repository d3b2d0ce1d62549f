"""A normalized snapshot of what the package owns in a live database, read from pg_catalog.

``snapshot(conn)`` returns ``{key: value}`` for every table, view, function, enum and owned schema in the
package's schemas (``public`` and ``dreamcut_private``), where a key is e.g. ``table public.dreamcut_queries``
or ``function public.fail_dreamcut_query(uuid, text)`` and a value is a JSON-able dict of what defines it:
columns (type, nullability, default, comment, column grants), constraints, indexes, triggers, policies
(command, roles, expressions), RLS enabled/forced, storage options, grants to the API roles, publication
membership, comments, function arguments/result/volatility/security/search_path/body. Ownership and version
noise (oids, owners, grants to other roles) are left out, so two databases migrated the same way give equal
snapshots. ``function_definitions(conn)`` adds each function's complete ``create or replace`` statement
(pg_get_functiondef), which the generated tree shows (tree.py).
"""

from __future__ import annotations

import re
from collections import defaultdict

#: The package's schemas: what the snapshot, verify and lint judge (import this name; do not repeat the list).
SCHEMAS = ("public", "dreamcut_private")
#: The roles whose privileges are part of the contract (PUBLIC is shown as "public").
API_ROLES = ("public", "anon", "authenticated", "service_role")

_RELATIONS = """
select c.oid, n.nspname || '.' || c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity,
       obj_description(c.oid, 'pg_class'), coalesce(c.reloptions, '{}')
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any(%(schemas)s) and c.relkind in ('r', 'p', 'v', 'm')
  and not exists (select from pg_depend d where d.objid = c.oid and d.deptype = 'e')
"""
_COLUMNS = """
select a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, col_description(a.attrelid, a.attnum),
       array(select distinct case when g.grantee = 0 then 'public' else pg_get_userbyid(g.grantee) end
                             || ':' || g.privilege_type
             from aclexplode(a.attacl) g order by 1)
from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
where a.attrelid = any(%(oids)s) and a.attnum > 0 and not a.attisdropped
order by a.attrelid, a.attnum
"""
_CONSTRAINTS = """
select conrelid, conname, pg_get_constraintdef(oid) from pg_constraint
where conrelid = any(%(oids)s) and contype <> 'n'  -- PostgreSQL 18 lists NOT NULL here too; columns carry it
"""
_INDEXES = """
select i.indrelid, c.relname, pg_get_indexdef(i.indexrelid)
from pg_index i join pg_class c on c.oid = i.indexrelid where i.indrelid = any(%(oids)s)
"""
_TRIGGERS = """
select tgrelid, tgname, pg_get_triggerdef(oid), tgenabled from pg_trigger
where tgrelid = any(%(oids)s) and not tgisinternal
"""
_POLICIES = """
select p.polrelid, p.polname, p.polcmd, p.polpermissive,
       array(select case when r = 0 then 'public' else pg_get_userbyid(r) end from unnest(p.polroles) r order by 1),
       pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)
from pg_policy p where p.polrelid = any(%(oids)s)
"""
_TABLE_GRANTS = """
select c.oid, case when g.grantee = 0 then 'public' else pg_get_userbyid(g.grantee) end, g.privilege_type
from pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) g
where c.oid = any(%(oids)s)
"""
_PUBLICATIONS = """
select pr.prrelid, p.pubname from pg_publication_rel pr join pg_publication p on p.oid = pr.prpubid
where pr.prrelid = any(%(oids)s)
"""
_FUNCTIONS = """
select p.oid::regprocedure::text, pg_get_function_arguments(p.oid), pg_get_function_result(p.oid), l.lanname,
       p.provolatile, p.prosecdef, coalesce(p.proconfig, '{}'), p.prosrc, obj_description(p.oid, 'pg_proc'), p.prokind,
       array(select distinct case when g.grantee = 0 then 'public' else pg_get_userbyid(g.grantee) end
             from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) g order by 1)
from pg_proc p join pg_namespace n on n.oid = p.pronamespace join pg_language l on l.oid = p.prolang
where n.nspname = any(%(schemas)s)
  and not exists (select from pg_depend d where d.objid = p.oid and d.deptype = 'e')
"""
_ENUMS = """
select t.oid::regtype::text, array_agg(e.enumlabel order by e.enumsortorder), obj_description(t.oid, 'pg_type')
from pg_type t join pg_namespace n on n.oid = t.typnamespace join pg_enum e on e.enumtypid = t.oid
where n.nspname = any(%(schemas)s) group by t.oid
"""
_SCHEMA = """
select n.nspname, obj_description(n.oid, 'pg_namespace'),
       array(select distinct case when g.grantee = 0 then 'public' else pg_get_userbyid(g.grantee) end
                             || ':' || g.privilege_type
             from aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) g order by 1)
from pg_namespace n where n.nspname = any(%(schemas)s) and n.nspname <> 'public'
"""
_FUNCTION_DEFINITIONS = """
select p.prokind, p.oid::regprocedure::text, pg_get_functiondef(p.oid)
from pg_proc p join pg_namespace n on n.oid = p.pronamespace
where n.nspname = any(%(schemas)s) and p.prokind in ('f', 'p')
  and not exists (select from pg_depend d where d.objid = p.oid and d.deptype = 'e')
"""

_KIND = {"r": "table", "p": "table", "v": "view", "m": "materialized view"}
_CMD = {"r": "select", "a": "insert", "w": "update", "d": "delete", "*": "all"}
_VOLATILITY = {"i": "immutable", "s": "stable", "v": "volatile"}
_PROKIND = {"f": "function", "p": "procedure", "a": "aggregate", "w": "window function"}


def snapshot(conn, schemas: tuple[str, ...] = SCHEMAS) -> dict[str, dict]:
    """Return the normalized catalog of ``schemas`` (default: the package's) on ``conn`` (a psycopg connection)."""
    with conn.transaction():
        conn.execute("set local search_path = ''")
        return _snapshot(conn, {"schemas": list(schemas)})


def function_definitions(conn, schemas: tuple[str, ...] = SCHEMAS) -> dict[str, str]:
    """Snapshot key (``function public.f(uuid)``, ``procedure ...``) -> its ``CREATE OR REPLACE`` statement as
    pg_get_functiondef deparses it, every name schema-qualified."""
    with conn.transaction():
        conn.execute("set local search_path = ''")
        rows = conn.execute(_FUNCTION_DEFINITIONS, {"schemas": list(schemas)}).fetchall()
    return {f"{_PROKIND[kind]} {sig}": definition for kind, sig, definition in rows}


def _snapshot(conn, params: dict) -> dict[str, dict]:
    out: dict[str, dict] = {}
    rels = conn.execute(_RELATIONS, params).fetchall()
    by_oid: dict[int, dict] = {}
    for oid, name, kind, rls, forced, comment, options in rels:
        item: dict = {"comment": comment, "grants": defaultdict(list), "columns": {}, "options": sorted(options)}
        if kind in ("r", "p"):
            item.update(rls_enabled=rls, rls_forced=forced, constraints={}, indexes={}, triggers={}, policies={},
                        publications=[])
        else:
            item["definition"] = conn.execute("select pg_get_viewdef(%s::oid, true)", (oid,)).fetchone()[0]
            item["triggers"] = {}
        out[f"{_KIND[kind]} {name}"] = by_oid[oid] = item
    params["oids"] = list(by_oid)
    for rel, col, typ, notnull, default, identity, generated, comment, grants in conn.execute(_COLUMNS, params):
        by_oid[rel]["columns"][col] = {
            "type": typ, "not_null": notnull, "default": default, "identity": identity or None,
            "generated": generated or None, "comment": comment,
            "grants": [g for g in grants if g.split(":")[0] in API_ROLES],
        }
    for rel, name, definition in conn.execute(_CONSTRAINTS, params):
        by_oid[rel]["constraints"][name] = definition
    for rel, name, definition in conn.execute(_INDEXES, params):
        by_oid[rel]["indexes"][name] = definition
    for rel, name, definition, enabled in conn.execute(_TRIGGERS, params):
        by_oid[rel]["triggers"][name] = definition + ("" if enabled == "O" else f" [enabled={enabled}]")
    for rel, name, cmd, permissive, roles, using, check in conn.execute(_POLICIES, params):
        by_oid[rel]["policies"][name] = {
            "command": _CMD[cmd], "permissive": permissive, "roles": list(roles), "using": using, "with_check": check,
        }
    for rel, grantee, privilege in conn.execute(_TABLE_GRANTS, params):
        if grantee in API_ROLES:
            by_oid[rel]["grants"][grantee].append(privilege)
    for rel, pubname in conn.execute(_PUBLICATIONS, params):
        by_oid[rel]["publications"].append(pubname)
    for item in by_oid.values():
        item["grants"] = {role: sorted(privs) for role, privs in sorted(item["grants"].items())}
        if "publications" in item:
            item["publications"].sort()
    for sig, args, result, lang, vol, secdef, config, body, comment, kind, grantees in conn.execute(_FUNCTIONS, params):
        out[f"{_PROKIND[kind]} {sig}"] = {
            "arguments": args, "returns": result, "language": lang, "volatility": _VOLATILITY[vol],
            "security_definer": secdef,
            "config": sorted(config), "body": body.strip().splitlines(), "comment": comment,
            "execute": [g for g in grantees if g in API_ROLES],
        }
    for name, labels, comment in conn.execute(_ENUMS, params):
        out[f"enum {name}"] = {"labels": list(labels), "comment": comment}
    for name, comment, grants in conn.execute(_SCHEMA, params):
        out[f"schema {name}"] = {"comment": comment,
                                 "grants": [g for g in grants if g.split(":")[0] in API_ROLES]}
    return dict(sorted(out.items()))


def _short(value, limit: int = 100) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def diff(expected: dict[str, dict], actual: dict[str, dict], extra_scope=("dreamcut_private.",)) -> list[dict]:
    """Differences between two snapshots, one dict each: ``object``, ``path``, ``problem``, ``line``.

    Every object of ``expected`` must be in ``actual`` with equal attributes (an extra policy, grant, index,
    trigger or column on it counts). Objects only in ``actual`` count only inside ``extra_scope`` (the
    package's private schema): ``public`` is shared with the application and other modules.
    """
    found = []

    def add(obj: str, path: str, problem: str) -> None:
        found.append({"object": obj, "path": path, "problem": problem,
                      "line": f"{obj}: {path + ' ' if path else ''}{problem}"})

    def compare(key: str, exp, act, path: tuple) -> None:
        label = ".".join(path)
        if isinstance(exp, dict) and isinstance(act, dict):
            for k in sorted(set(exp) | set(act)):
                if k not in act:
                    add(key, ".".join(path + (k,)), "is missing")
                elif k not in exp:
                    add(key, ".".join(path + (k,)), f"is unexpected ({_short(act[k])})")
                else:
                    compare(key, exp[k], act[k], path + (k,))
        elif exp != act:
            if path and path[-1] in ("body", "definition"):
                add(key, label, "differs from the migrations' definition")
            else:
                add(key, label, f"is {_short(act)}, expected {_short(exp)}")

    for key, exp in expected.items():
        if key not in actual:
            add(key, "", "is missing")
        else:
            compare(key, exp, actual[key], ())
    for key in sorted(set(actual) - set(expected)):
        if any(scope in key for scope in extra_scope):
            add(key, "", "is not created by the installed migrations (unexpected object)")
    return found


# pg_trigger.tgenabled -> the ALTER TABLE clause that sets it ('O', the default, is "enable trigger").
TRIGGER_ENABLE = {"O": "enable trigger", "D": "disable trigger", "R": "enable replica trigger",
                  "A": "enable always trigger"}
_TRIGGER_STATE = re.compile(r" \[enabled=(\w)\]$")


def trigger_parts(definition: str) -> tuple[str, str | None]:
    """A snapshot's trigger entry (pg_get_triggerdef's statement, plus `` [enabled=X]`` when ``tgenabled`` is not
    ``O``) as that CREATE TRIGGER statement and the ALTER TABLE clause (``TRIGGER_ENABLE``) that restores its
    state, None for the default state."""
    m = _TRIGGER_STATE.search(definition)
    return (definition[:m.start()], TRIGGER_ENABLE[m.group(1)]) if m else (definition, None)
