"""The catalog rules of ``dreamcut-db lint``: what Supabase's Database Advisors (the lints of supabase/splinter)
would report on the package's objects, and a few of the package's own conventions, checked on a migrated
database.

Each rule names the splinter lints it covers (``lints``) and finds at least what they find on the package's
objects, usually more (e.g. every call of ``auth.uid()`` in a policy must be wrapped, not just one).
``docs/supabase.md`` maps every splinter lint to its rule, or says why none is needed.

The rules judge the package's schemas: every schema of the database but PostgreSQL's own and Supabase's (the
schemas splinter skips, ``auth`` among them, which holds the platform's stand-ins on plain PostgreSQL).
The exposed schemas (reachable through PostgREST) are ``pgrst.db_schemas`` where the database sets it, else
Supabase's default ``public, graphql_public``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .. import catalog

#: Schemas splinter never judges: Supabase's own and those of the extensions it ships.
SUPABASE_SCHEMAS = (
    "_timescaledb_cache", "_timescaledb_catalog", "_timescaledb_config", "_timescaledb_internal", "auth",
    "cron", "extensions", "graphql", "graphql_public", "information_schema", "net", "pgmq", "pgroonga",
    "pgsodium", "pgsodium_masks", "pgtle", "pgbouncer", "realtime", "repack", "storage", "supabase_functions",
    "supabase_migrations", "tiger", "topology", "vault",
)
#: Supabase's default exposed schemas (the API's ``db_schemas``), used where ``pgrst.db_schemas`` is unset.
DEFAULT_EXPOSED_SCHEMAS = "public, graphql_public"
#: The calls splinter's auth_rls_initplan looks for, and current_setting(), which has the same cost per row.
_AUTH_CALL = r"auth\.(uid|jwt|role|email)\(\)"
_UNWRAPPED_CALL = r"(?<!SELECT )(" + _AUTH_CALL + r"|current_setting\()"
_API_ROLES_CAN_SELECT = (
    "(has_table_privilege('anon', c.oid, 'select') or has_table_privilege('authenticated', c.oid, 'select'))"
)
_NOT_EXTENSION = "not exists (select from pg_depend d where d.objid = {oid} and d.deptype = 'e')"
_TABLES = """
    select {what} from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = any(%(schemas)s) and c.relkind in ('r', 'p') and """ + _NOT_EXTENSION.format(oid="c.oid")
_POLICY_NAME = "format('%%s (%%s)', p.polrelid::regclass, p.polname)"
_POLICY_FROM = """
    from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
    cross join lateral (select pg_get_expr(p.polqual, p.polrelid) as qual,
                               pg_get_expr(p.polwithcheck, p.polrelid) as with_check) e
    where n.nspname = any(%(schemas)s)"""
_POLICIES = "select " + _POLICY_NAME + _POLICY_FROM
#: Policies that apply to the API's end users: PUBLIC, anon or authenticated.
_FOR_END_USERS = """
    exists (select from unnest(p.polroles) r where r = 0 or pg_get_userbyid(r) in ('anon', 'authenticated'))"""


@dataclass(frozen=True)
class Rule:
    """One catalog rule: its name, the splinter lints it covers, what it requires, and how it finds the
    objects that break it: ``query`` (SQL returning one text column per finding, with the parameters
    ``schemas``, ``own`` and ``exposed``) or ``check`` (a function of the connection and those parameters)."""

    name: str
    lints: tuple[str, ...]
    requires: str
    query: str | None = None
    check: Callable[..., list[str]] | None = None


def _null_auth_disjuncts(conn, params) -> list[str]:
    """Permissive policies for end users with a top-level OR branch that is true when the caller is not signed
    in: ``auth.uid() is null or ...`` (also ``(select auth.uid()) is null``, ``not (... is not null)`` and
    current_setting(..., true))."""
    rows = conn.execute(
        "select " + _POLICY_NAME + ", e.qual, e.with_check" + _POLICY_FROM + " and p.polpermissive and" + _FOR_END_USERS,
        params)
    return [name for name, *exprs in rows if any(_true_when_signed_out(expr) for expr in exprs if expr)]


_OPERAND_NULL = re.compile(r"^(?:NOT \((?P<a>.+) IS NOT NULL\)|(?P<b>.+) IS NULL)$", re.S)
_SIGNED_OUT_VALUE = re.compile(_AUTH_CALL + r"|current_setting\('[^']*'::text, true\)")


def _true_when_signed_out(expr: str) -> bool:
    for disjunct in _split_top_level(_unwrap(expr), " OR "):
        match = _OPERAND_NULL.match(_unwrap(disjunct))
        if match and _SIGNED_OUT_VALUE.search(match.group("a") or match.group("b")):
            return True
    return False


def _outside_quotes(text: str):
    """(index, character, parenthesis depth before it) of each character of ``text`` outside quoted literals."""
    depth, quoted = 0, False
    for i, ch in enumerate(text):
        if ch == "'":
            quoted = not quoted
        elif not quoted:
            yield i, ch, depth
            depth += (ch == "(") - (ch == ")")


def _unwrap(text: str) -> str:
    """``text`` without the parentheses that enclose all of it."""
    text = text.strip()
    while text.startswith("(") and next(i for i, ch, depth in _outside_quotes(text)
                                        if ch == ")" and depth == 1) == len(text) - 1:
        text = text[1:-1].strip()
    return text


def _split_top_level(text: str, separator: str) -> list[str]:
    """``text`` split at each ``separator`` outside parentheses and quoted literals."""
    parts, start = [], 0
    for i, _ch, depth in _outside_quotes(text):
        if depth == 0 and i >= start and text.startswith(separator, i):
            parts.append(text[start:i])
            start = i + len(separator)
    return parts + [text[start:]]


RULES: tuple[Rule, ...] = (
    # Security (the Security Advisor).
    Rule("rls-enabled", ("rls_disabled_in_public", "policy_exists_rls_disabled", "sensitive_columns_exposed"),
         "a table in an exposed schema, one that anon or authenticated hold a privilege on, and one with policies "
         "has row level security enabled",
         _TABLES.format(what="c.oid::regclass::text") + """
          and not c.relrowsecurity
          and (n.nspname = any(%(exposed)s) or exists (select from pg_policy p where p.polrelid = c.oid)
               or has_table_privilege('anon', c.oid, 'select, insert, update, delete, truncate, references')
               or has_table_privilege('authenticated', c.oid, 'select, insert, update, delete, truncate, references')
               or has_any_column_privilege('anon', c.oid, 'select, insert, update, references')
               or has_any_column_privilege('authenticated', c.oid, 'select, insert, update, references'))"""),
    Rule("rls-policy", ("rls_enabled_no_policy",),
         "a table with row level security enabled has at least one policy (saying who may do what, even if "
         "nobody: an explicit restrictive `using (false)`)",
         _TABLES.format(what="c.oid::regclass::text") + """
          and c.relrowsecurity and not exists (select from pg_policy p where p.polrelid = c.oid)"""),
    Rule("definer-not-exposed", ("anon_security_definer_function_executable",),
         "no security definer function in an exposed schema is executable by anon (directly or through PUBLIC): "
         "such a function is an RPC endpoint that runs with its owner's rights and bypasses RLS",
         """
         select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname = any(%(exposed)s) and p.prosecdef and has_function_privilege('anon', p.oid, 'execute')
           and """ + _NOT_EXTENSION.format(oid="p.oid")),
    Rule("function-search-path", ("function_search_path_mutable",),
         "every function and procedure pins `search_path = ''` (no exception: a procedure that commits cannot "
         "carry a SET clause, so the package has none)",
         """
         select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname = any(%(schemas)s) and not coalesce(p.proconfig, '{}') @> array['search_path=""']
           and """ + _NOT_EXTENSION.format(oid="p.oid")),
    Rule("policy-always-true", ("rls_policy_always_true",),
         "no permissive policy for PUBLIC, anon or authenticated lets every row through a write: no `true` or "
         "`1 = 1` in USING (update, delete, all) or WITH CHECK, and no missing WITH CHECK (insert, update, all)",
         _POLICIES + """ and p.polpermissive and """ + _FOR_END_USERS + """
           and ((p.polcmd in ('w', 'd', '*')
                 and coalesce(regexp_replace(lower(e.qual), '\\s', '', 'g'), 'true') in ('true', '(true)', '1=1', '(1=1)'))
                or regexp_replace(lower(e.with_check), '\\s', '', 'g') in ('true', '(true)', '1=1', '(1=1)')
                or (p.polcmd in ('a', 'w', '*') and p.polwithcheck is null))"""),
    Rule("policy-null-auth", ("rls_policy_null_auth_disjunct",),
         "no permissive policy for end users has a top-level OR branch that is true for a caller who is not "
         "signed in (`auth.uid() is null or ...`)",
         check=_null_auth_disjuncts),
    Rule("policy-user-metadata", ("rls_references_user_metadata",),
         "no policy reads user_metadata (end users write it themselves; use app_metadata)",
         _POLICIES + """
           and concat_ws(' ', e.qual, e.with_check) ~* 'user_meta_?data'"""),
    Rule("view-security-invoker", ("security_definer_view",),
         "a view that anon or authenticated may read runs with `security_invoker` (the caller's grants and RLS)",
         """
         select c.oid::regclass::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = any(%(schemas)s) and c.relkind = 'v' and """ + _API_ROLES_CAN_SELECT + """
           and not coalesce(c.reloptions, '{}')::text[] && array['security_invoker=true', 'security_invoker=on',
               'security_invoker=yes', 'security_invoker=1', 'security_invoker=TRUE', 'security_invoker=ON']
           and """ + _NOT_EXTENSION.format(oid="c.oid")),
    Rule("relation-without-rls-exposed", ("materialized_view_in_api", "foreign_table_in_api", "auth_users_exposed"),
         "anon and authenticated read no materialized view or foreign table (RLS cannot guard them) and no view "
         "over auth.users",
         """
         select c.oid::regclass::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = any(%(schemas)s) and """ + _API_ROLES_CAN_SELECT + """
           and (c.relkind in ('m', 'f')
                or (c.relkind = 'v' and exists (
                      select from pg_rewrite w join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = w.oid
                      where w.ev_class = c.oid and d.refobjid = to_regclass('auth.users'))))
           and """ + _NOT_EXTENSION.format(oid="c.oid")),
    Rule("fkey-to-auth-unique", ("fkey_to_auth_unique",),
         "no foreign key references a unique constraint of auth other than its primary key (Supabase may drop it)",
         """
         select format('%%s (%%s)', c.conrelid::regclass, c.conname) from pg_constraint c
         join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace
         join pg_class r on r.oid = c.confrelid join pg_namespace rn on rn.oid = r.relnamespace
         join pg_index i on i.indexrelid = c.conindid
         where c.contype = 'f' and n.nspname = any(%(schemas)s) and rn.nspname = 'auth'
           and i.indisunique and not i.indisprimary"""),
    Rule("extension-not-in-public", ("extension_in_public",),
         "no extension but plpgsql is installed in schema public (its functions would join the API)",
         """
         select e.extname::text from pg_extension e join pg_namespace n on n.oid = e.extnamespace
         where n.nspname = 'public' and e.extname <> 'plpgsql'"""),
    Rule("no-reg-type-column", ("unsupported_reg_types",),
         "no column has a reg* type that pg_upgrade refuses (regproc, regprocedure, regoper, regoperator, "
         "regconfig, regdictionary, regnamespace, regcollation)",
         """
         select format('%%s.%%I', c.oid::regclass, a.attname) from pg_attribute a
         join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = any(%(schemas)s) and a.attnum > 0 and not a.attisdropped
           and a.atttypid in ('regproc'::regtype, 'regprocedure'::regtype, 'regoper'::regtype,
               'regoperator'::regtype, 'regconfig'::regtype, 'regdictionary'::regtype, 'regnamespace'::regtype,
               'regcollation'::regtype)"""),
    # Performance (the Performance Advisor).
    Rule("policy-initplan", ("auth_rls_initplan",),
         "policies call auth.uid(), auth.jwt(), auth.role(), auth.email() and current_setting() only as "
         "`(select auth.uid())`, judged by the stored text (`( SELECT auth.uid() AS uid)`): a cast or an "
         "operator inside the subquery, as in `(select auth.uid()::text)`, hides the call from the advisor",
         "select format('%%s (%%s): %%s outside (select ...)', p.polrelid::regclass, p.polname, "
         "substring(concat_ws(' ', e.qual, e.with_check) from '" + _UNWRAPPED_CALL + "'))" + _POLICY_FROM
         + " and concat_ws(' ', e.qual, e.with_check) ~ '" + _UNWRAPPED_CALL + "'"),
    Rule("one-permissive-policy", ("multiple_permissive_policies",),
         "at most one permissive policy per table, role and command (a policy for PUBLIC counts for every role "
         "that does not bypass RLS)",
         """
         select format('%%s: %%s for %%s (%%s)', p.polrelid::regclass, a.cmd, r.rolname,
                       string_agg(p.polname, ', ' order by p.polname))
         from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
         join pg_roles r on r.oid = any(p.polroles) or p.polroles = array[0]::oid[]
         cross join lateral unnest(case p.polcmd when 'r' then array['select'] when 'a' then array['insert']
             when 'w' then array['update'] when 'd' then array['delete']
             else array['select', 'insert', 'update', 'delete'] end) a(cmd)
         where n.nspname = any(%(schemas)s) and p.polpermissive and not r.rolbypassrls and r.rolname !~ '^pg_'
         group by p.polrelid, r.rolname, a.cmd having count(*) > 1"""),
    Rule("fk-index", ("unindexed_foreign_keys",),
         "every foreign key has a valid, non-partial index whose leading columns are the key's columns in the "
         "key's order",
         """
         select format('%%s (%%s)', c.conrelid::regclass, c.conname) from pg_constraint c
         join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace
         where c.contype = 'f' and n.nspname = any(%(schemas)s)
           and not exists (
             select from pg_index i where i.indrelid = c.conrelid and i.indisvalid and i.indpred is null
               and i.indnkeyatts >= cardinality(c.conkey)
               and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] = c.conkey)"""),
    Rule("duplicate-index", ("duplicate_index",),
         "no two indexes of a table have the same columns, operator classes, order, expressions and predicate "
         "(a unique index makes a plain one on the same columns redundant too)",
         """
         select format('%%s: %%s', i.indrelid::regclass, string_agg(i.indexrelid::regclass::text, ' = '
                       order by i.indexrelid::regclass::text))
         from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = any(%(schemas)s)
         group by i.indrelid, i.indkey::text, i.indclass::text, i.indcollation::text, i.indoption::text,
                  coalesce(pg_get_expr(i.indexprs, i.indrelid), ''), coalesce(pg_get_expr(i.indpred, i.indrelid), '')
         having count(*) > 1"""),
    Rule("primary-key", ("no_primary_key",),
         "every table has a primary key",
         _TABLES.format(what="c.oid::regclass::text") + """
          and not exists (select from pg_index i where i.indrelid = c.oid and i.indisprimary)"""),
    Rule("index-valid", ("invalid_index",),
         "no index is left invalid (by a failed `create index concurrently`)",
         """
         select i.indexrelid::regclass::text from pg_index i
         join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = any(%(schemas)s) and not i.indisvalid"""),
    Rule("autovacuum-enabled", ("autovacuum_disabled",),
         "no table turns autovacuum off",
         _TABLES.format(what="c.oid::regclass::text") + """
          and lower(array_to_string(c.reloptions, ',')) ~ '(^|,)autovacuum_enabled=(false|off|no|0)(,|$)'"""),
    # The package's own conventions.
    Rule("identity-bigint", (),
         "an identity or serial column is bigint (what squawk's prefer-bigint-over-int, turned off for the "
         "bounded int columns, would guard)",
         """
         select format('%%s.%%I', c.oid::regclass, a.attname) from pg_attribute a
         join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
         left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
         where n.nspname = any(%(schemas)s) and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
           and (a.attidentity <> '' or pg_get_expr(d.adbin, d.adrelid) like 'nextval(%%')
           and a.atttypid <> 'int8'::regtype"""),
    Rule("comments", (),
         "every table and view of the package's schemas, and every function of schema public, has a comment",
         """
         select c.oid::regclass::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = any(%(own)s) and c.relkind in ('r', 'p', 'v', 'm')
           and obj_description(c.oid, 'pg_class') is null
         union all
         select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname = 'public' and obj_description(p.oid, 'pg_proc') is null
           and """ + _NOT_EXTENSION.format(oid="p.oid")),
)


def parameters(conn) -> dict:
    """The rules' parameters on ``conn``: ``schemas`` (the package's: every schema but PostgreSQL's and
    Supabase's), ``own`` (the package's own schemas, dreamcut_db.catalog.SCHEMAS) and ``exposed`` (the schemas
    the API serves)."""
    exposed = conn.execute("select current_setting('pgrst.db_schemas', true)").fetchone()[0]
    schemas = conn.execute(
        "select array_agg(nspname::text order by nspname) from pg_namespace "
        "where nspname !~ '^pg_' and nspname <> all(%s)", (list(SUPABASE_SCHEMAS),)).fetchone()[0]
    return {
        "schemas": schemas or [],
        "own": list(catalog.SCHEMAS),
        "exposed": [s.strip() for s in (exposed if exposed is not None else DEFAULT_EXPOSED_SCHEMAS).split(",")
                    if s.strip()],
    }


def run(conn, rules: tuple[Rule, ...] = RULES) -> list[tuple[str, str]]:
    """Run ``rules`` on ``conn`` (a migrated database) with ``search_path = ''`` (so every name in a stored
    expression prints schema-qualified, as splinter requires). Returns (rule name, object) pairs, sorted."""
    found = set()
    with conn.transaction():
        conn.execute("set local search_path = ''")
        params = parameters(conn)
        for rule in rules:
            objects = rule.check(conn, params) if rule.check else [row[0] for row in conn.execute(rule.query, params)]
            found |= {(rule.name, obj) for obj in objects}
    return sorted(found)
