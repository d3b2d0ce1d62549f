"""``dreamcut-db lint``: sqlfluff over the SQL, named catalog rules on a migrated database, migration safety.

Catalog rules (``catalog_findings``) judge the package's schemas (``public``, ``dreamcut_private``) of a
migrated database; each is a named rule returning the objects that break it:

rls-enabled            every table in the API schema has RLS enabled and at least one policy
fk-index               every foreign key has an index whose leading columns are the key's columns
duplicate-index        no two indexes of a table with the same definition
function-search-path   every function and procedure pins search_path, but a security invoker procedure that
                       commits (PostgreSQL refuses COMMIT under a SET clause)
definer-not-anon       no security definer function in the API schema is executable by anon or PUBLIC
policy-initplan        policies call auth.uid()/auth.jwt()/auth.role()/current_setting() only inside (select ...)
one-permissive-policy  at most one permissive policy per table, role and command
no-true-write-policy   no using (true) / with check (true) on writes for anon, authenticated or PUBLIC
view-security-invoker  views granted to anon or authenticated use security_invoker
comments               every table and every API function has a comment

Migration safety (``migration_findings``). ``migrations/RELEASED`` lists released files with their sha256
(``sha256sum`` format): released-immutable (a released file never changes: a change is a new migration);
and in unreleased migrations, for statements on tables a released migration created (tables that exist, with
data, in production): no-type-rewrite (``alter column ... type``), index-concurrently (``create index``
without ``concurrently``, which needs ``-- transactional: false``), constraint-not-valid (a foreign key or
check added without ``not valid``; validate it in a later migration). Every migration transaction runs with
``lock_timeout`` set by the runner, so no migration waits on a table lock while blocking the application.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

API_SCHEMA = "public"
SCHEMAS = ["public", "dreamcut_private"]


@dataclass(frozen=True)
class Finding:
    """One rule broken by one object (or, for migration rules, one statement of a file)."""

    rule: str
    obj: str

    @property
    def line(self) -> str:
        return f"{self.rule}: {self.obj}"


_RULES: dict[str, str] = {
    "rls-enabled": """
        select c.oid::regclass::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = %(api)s and c.relkind in ('r', 'p')
          and (not c.relrowsecurity or not exists (select from pg_policy p where p.polrelid = c.oid))""",
    "fk-index": """
        select format('%%s (%%s)', c.conrelid::regclass, c.conname) from pg_constraint c
        join pg_namespace n on n.oid = c.connamespace
        where c.contype = 'f' and n.nspname = any(%(schemas)s)
          and not exists (
            select from pg_index i where i.indrelid = c.conrelid
              and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] operator(pg_catalog.@>) c.conkey
              and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] operator(pg_catalog.<@) c.conkey)""",
    "duplicate-index": """
        select format('%%s: %%s', i.indrelid::regclass, string_agg(i.indexrelid::regclass::text, ' = ' order by i.indexrelid))
        from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = any(%(schemas)s)
        group by i.indrelid, i.indkey::text, i.indclass::text, coalesce(pg_get_expr(i.indexprs, i.indrelid), ''),
                 coalesce(pg_get_expr(i.indpred, i.indrelid), '')
        having count(*) > 1""",
    "function-search-path": """
        select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = any(%(schemas)s) and p.prokind in ('f', 'p')
          and not exists (select from unnest(coalesce(p.proconfig, '{}')) s where s like 'search\\_path=%%')
          and not (p.prokind = 'p' and not p.prosecdef and p.prosrc ~* '\\m(commit|rollback)\\M')
          and not exists (select from pg_depend d where d.objid = p.oid and d.deptype = 'e')""",
    "definer-not-anon": """
        select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = %(api)s and p.prosecdef
          and (has_function_privilege('anon', p.oid, 'execute')
               or exists (select from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                          where a.grantee = 0))""",
    "one-permissive-policy": """
        select format('%%s: %%s for %%s (%%s)', x.tbl, x.cmd, x.role, string_agg(x.polname, ', ' order by x.polname))
        from (
          select p.polrelid::regclass::text as tbl, p.polname,
                 case when r = 0 then 'public' else pg_get_userbyid(r) end as role, cmd
          from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace,
               unnest(p.polroles) r,
               unnest(case p.polcmd when '*' then array['select', 'insert', 'update', 'delete']
                      else array[case p.polcmd when 'r' then 'select' when 'a' then 'insert'
                                               when 'w' then 'update' else 'delete' end] end) cmd
          where n.nspname = any(%(schemas)s) and p.polpermissive
        ) x group by x.tbl, x.role, x.cmd having count(*) > 1""",
    "no-true-write-policy": """
        select format('%%s (%%s)', p.polrelid::regclass, p.polname) from pg_policy p
        join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = any(%(schemas)s) and p.polcmd in ('a', 'w', 'd', '*')
          and (pg_get_expr(p.polqual, p.polrelid) = 'true' or pg_get_expr(p.polwithcheck, p.polrelid) = 'true')
          and exists (select from unnest(p.polroles) r
                      where r = 0 or pg_get_userbyid(r) in ('anon', 'authenticated'))""",
    "view-security-invoker": """
        select c.oid::regclass::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = any(%(schemas)s) and c.relkind = 'v'
          and (has_table_privilege('anon', c.oid, 'select') or has_table_privilege('authenticated', c.oid, 'select'))
          and not coalesce(c.reloptions @> array['security_invoker=true'], false)
          and not coalesce(c.reloptions @> array['security_invoker=on'], false)""",
    "comments": """
        select c.oid::regclass::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = any(%(schemas)s) and c.relkind in ('r', 'p', 'v', 'm')
          and obj_description(c.oid, 'pg_class') is null
        union all
        select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = %(api)s and obj_description(p.oid, 'pg_proc') is null
          and not exists (select from pg_depend d where d.objid = p.oid and d.deptype = 'e')""",
}
_POLICY_CALL = re.compile(r"auth\.(uid|jwt|role)\(\)|current_setting\(")


def catalog_findings(conn) -> list[Finding]:
    """Run every catalog rule on ``conn`` (a migrated database). Returns the findings, sorted."""
    params = {"api": API_SCHEMA, "schemas": SCHEMAS}
    found = []
    with conn.transaction():
        conn.execute("set local search_path = ''")
        for rule, query in _RULES.items():
            found += [Finding(rule, row[0]) for row in conn.execute(query, params)]
        for table, name, expr in conn.execute(
            """select p.polrelid::regclass::text, p.polname,
                      concat_ws(' ', pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
               from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
               where n.nspname = any(%(schemas)s)""",
            params,
        ):
            for match in _POLICY_CALL.finditer(expr):
                if not re.search(r"SELECT[\s(]*$", expr[: match.start()]):
                    found.append(Finding("policy-initplan", f"{table} ({name}): {match.group(0)} outside (select ...)"))
                    break
    return sorted(set(found), key=lambda f: (f.rule, f.obj))


_CREATED = re.compile(r"\bcreate\s+(?:unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?([\w.\"]+)", re.I)
_STATEMENT_RULES = [
    ("no-type-rewrite", re.compile(r"\balter\s+table\s+(?:only\s+)?([\w.\"]+)\s.*\balter\s+column\s+\S+\s+(?:set\s+data\s+)?type\b", re.I | re.S), None),
    ("index-concurrently", re.compile(r"\bcreate\s+(?:unique\s+)?index\s+(?!concurrently)(?:if\s+not\s+exists\s+)?\S*\s*on\s+(?:only\s+)?([\w.\"]+)", re.I), None),
    ("constraint-not-valid", re.compile(r"\balter\s+table\s+(?:only\s+)?([\w.\"]+)\s.*\badd\s+(?:constraint\s+\S+\s+)?(?:foreign\s+key|check)\b", re.I | re.S), re.compile(r"\bnot\s+valid\b", re.I)),
]


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def released(root: Path) -> dict[str, str]:
    """``migrations/RELEASED``: ``<sha256>  <module>/<file>`` per released file (sha256sum's format)."""
    path = root / "RELEASED"
    if not path.exists():
        return {}
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            digest, name = line.split(maxsplit=1)
            entries[name.strip()] = digest
    return entries


def migration_findings(root: Path, cat) -> list[Finding]:
    """Migration-safety rules: released files unchanged (released-immutable), and, in unreleased migrations,
    no unsafe statement on a table that a released migration created (a table that exists in production)."""
    import hashlib

    import sqlparse

    frozen = released(root)
    found = []
    existing: set[str] = set()
    for rel, digest in sorted(frozen.items()):
        path = root / rel
        if not path.exists():
            found.append(Finding("released-immutable", f"{rel}: released but missing"))
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            found.append(Finding("released-immutable", f"{rel}: changed after release (write a new migration)"))
        else:
            existing |= {n.split(".")[-1].strip('"').lower() for n in _CREATED.findall(_strip_comments(path.read_text()))}
    for m in cat.migrations:
        rel = f"{m.module}/{m.path.name}"
        if rel in frozen:
            continue
        sql = _strip_comments(m.path.read_text(encoding="utf-8"))
        for statement in sqlparse.split(sql):
            for rule, pattern, exempt in _STATEMENT_RULES:
                match = pattern.search(statement)
                if match and match.group(1).split(".")[-1].strip('"').lower() in existing:
                    if exempt is None or not exempt.search(statement):
                        found.append(Finding(rule, f"{rel}: {' '.join(statement.split())[:80]}"))
    return found


def sqlfluff(root: Path) -> int:
    """Run sqlfluff (the repository's .sqlfluff: postgres dialect, no file skipped) over migrations/."""
    config = ["--config", str(root / ".sqlfluff")] if (root / ".sqlfluff").exists() else ["--dialect", "postgres"]
    return subprocess.call([sys.executable, "-m", "sqlfluff", "lint", *config, "migrations"], cwd=root)
