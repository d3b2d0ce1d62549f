"""``dreamcut-db adopt --module M``: bring a database where module M was made by hand (from its product
document, before this package) under the package, keeping every row. docs/adopt.md is the runbook.

Generic, driven by the catalog:

1. **The reference.** A scratch database on the same server gets the migrations the live database already
   has plus M's dependencies (snapshot ``before``), then M's own migrations (snapshot ``after``). What differs
   between the two is M's; comparing each of those objects with the live catalog (catalog.snapshot) gives the
   plan. Every definition comes from the reference as PostgreSQL deparses it (pg_get_functiondef,
   pg_get_indexdef, pg_get_triggerdef, pg_get_constraintdef, policy expressions): no object of a module is
   written here.
2. **Rows.** Each constraint the plan adds is counted against the live rows; a row that violates one is
   repaired by a rule the DBA chose with ``--repair``, or the adoption stops before changing anything. The
   generic rule ``null-default`` gives a null the column's default; a module may declare more.
3. **Declared knowledge.** What no catalog can say lives in ``adoption/<module>.toml`` (package data): how
   the module's new columns are filled for existing rows (backfills), its repair rules, and its batch family
   (a root table and the column by which every member table's rows belong to a root row: the distribution key).
4. **Apply.** In one transaction when no table of M holds more than ``batch_size`` rows (the longest lock
   then covers rewriting at most that many rows per table); otherwise in steps with short locks: prepare (new
   columns, nullable; triggers that note which rows the application writes meanwhile), new indexes built
   concurrently, backfills and repairs in batches of about ``batch_size`` rows, a swap (one transaction under
   ``lock table``: the rows noted meanwhile done again, old triggers, policies, overloads and indexes out, the
   package's in, NOT NULL, constraints NOT VALID), validation (no lock that blocks writes), the record.
   Every transaction sets ``lock_timeout`` (engine.LOCK_TIMEOUT); a lock not granted in time is retried.
5. **Record and check.** M's migrations are recorded as applied with the engine's bookkeeping (engine.record,
   logged as yoyo's "mark"); the live catalog is then compared with ``after`` exactly as ``verify`` compares,
   and a difference undoes the last transaction. A re-run after a stop resumes: the plan is the difference
   that is left.
"""

from __future__ import annotations

import re
import time
import tomllib
from dataclasses import dataclass, field
from importlib import resources

import psycopg

from . import catalog, engine
from .database import BOOKKEEPING_SCHEMA, connect
from .errors import DreamcutError
from .modules import MigrationSet
from .workspace import scratch_database

#: Default --batch-size: tables up to this many rows are adopted in one transaction; bigger ones in batches of
#: about this many rows.
BATCH_SIZE = 5000
#: The generic repair rule: a null in a column that becomes NOT NULL takes the column's default.
NULL_DEFAULT = "null-default"
#: Trigger (on each table being adopted in batches) and tables of the bookkeeping schema that note what the
#: application writes while a batched adoption runs.
TRACK_TRIGGER = "dreamcut_adopt_track"
_PENDING = f"{BOOKKEEPING_SCHEMA}.adopt_pending"
_TRACK_FUNCTION = f"{BOOKKEEPING_SCHEMA}.adopt_track"
#: How often a lock not granted within lock_timeout is tried again before the adoption stops.
LOCK_ATTEMPTS = 3


# ------------------------------------------------------------------------------------------- declared knowledge

@dataclass
class Family:
    """Rows that are adopted together: ``root`` (a table) and, per table, the column holding the root's key."""

    root: str
    key: str
    members: dict[str, str]  # table -> column (the root itself included, with ``key``)


@dataclass
class Backfill:
    """How new ``columns`` of ``table`` get values for existing rows: ``sql`` (an UPDATE of the batch's rows,
    which are pg_temp.adopt_keys), run before or after the repairs."""

    table: str
    columns: list[str]
    rule: str
    sql: str
    before_repairs: bool


@dataclass
class Repair:
    """A rule a DBA may choose: rows of ``table`` violating a constraint on one of the columns of ``set``
    get ``set`` (column -> SQL expression over the row's columns)."""

    name: str
    table: str
    rule: str
    set: dict[str, str]


@dataclass
class Knowledge:
    """What adopting ``module`` needs beyond the catalog (adoption/<module>.toml; empty when there is none)."""

    module: str
    families: list[Family] = field(default_factory=list)
    backfills: list[Backfill] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)

    @classmethod
    def load(cls, module: str) -> "Knowledge":
        path = resources.files(__package__) / "adoption" / f"{module}.toml"
        if not path.is_file():
            return cls(module)
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        families = []
        if "family" in data:
            f = data["family"]
            families.append(Family(f["root"], f["key"], {f["root"]: f["key"], **f.get("members", {})}))
        return cls(
            module, families,
            [Backfill(b["table"], list(b["columns"]), b["rule"], b["sql"], bool(b.get("before_repairs")))
             for b in data.get("backfill", [])],
            [Repair(r["name"], r["table"], r["rule"], dict(r["set"])) for r in data.get("repair", [])],
        )

    def check(self, after: dict) -> None:
        """Raise DreamcutError when a table or column named here is not in the reference (stale knowledge)."""
        def columns(table):
            item = after.get(f"table {table}")
            if item is None:
                raise DreamcutError(f"adoption/{self.module}.toml names table {table}, which the {self.module} "
                                    "migrations do not create")
            return item["columns"]
        named = [(t, c) for f in self.families for t, c in f.members.items()]
        named += [(b.table, c) for b in self.backfills for c in b.columns]
        named += [(r.table, c) for r in self.repairs for c in r.set]
        for table, column in named:
            if column not in columns(table):
                raise DreamcutError(f"adoption/{self.module}.toml names column {table}.{column}, which the "
                                    f"{self.module} migrations do not create")

    def family_of(self, table: str, live: "Live") -> Family:
        for f in self.families:
            if table in f.members:
                return f
        key = live.primary_key.get(table, [None])[0]
        if key is None:
            raise DreamcutError(f"table {table} has no primary key: adopt cannot batch its rows")
        return Family(table, key, {table: key})


# ----------------------------------------------------------------------------------------------- the catalogs

_FUNCTIONS = """
select p.oid::regprocedure::text, p.prokind, pg_get_functiondef(p.oid), pg_get_function_arguments(p.oid),
       pg_get_function_result(p.oid), p.prosqlbody is not null
from pg_proc p join pg_namespace n on n.oid = p.pronamespace
where n.nspname = any(%(schemas)s) and p.prokind in ('f', 'p')
  and not exists (select from pg_depend d where d.objid = p.oid and d.deptype = 'e')
"""
_CONSTRAINTS = """
select n.nspname || '.' || c.relname, k.conname, k.contype,
       array(select a.attname from unnest(k.conkey) with ordinality as u (num, ord)
             join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.num order by u.ord),
       fn.nspname || '.' || fc.relname,
       array(select a.attname from unnest(k.confkey) with ordinality as u (num, ord)
             join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.num order by u.ord),
       pg_get_expr(k.conbin, k.conrelid), k.convalidated,
       case when k.contype in ('p', 'u', 'x') then ic.relname end
from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
left join pg_class fc on fc.oid = k.confrelid left join pg_namespace fn on fn.oid = fc.relnamespace
left join pg_class ic on ic.oid = k.conindid
where n.nspname = any(%(schemas)s) and k.contype <> 'n'
"""
_TRIGGERS = """
select n.nspname || '.' || c.relname, t.tgname, t.tgenabled, t.tgfoid::regprocedure::text
from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any(%(schemas)s) and not t.tgisinternal
"""
_INVALID_INDEXES = """
select n.nspname || '.' || c.relname, i.relname from pg_index x
join pg_class i on i.oid = x.indexrelid join pg_class c on c.oid = x.indrelid join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any(%(schemas)s) and not x.indisvalid
"""
#: What depends on a function (triggers with their table, or anything else described).
_DEPENDENTS = """
select t.tgname, tn.nspname || '.' || tc.relname, pg_describe_object(d.classid, d.objid, d.objsubid)
from pg_depend d
left join pg_trigger t on d.classid = 'pg_trigger'::regclass and t.oid = d.objid
left join pg_class tc on tc.oid = t.tgrelid left join pg_namespace tn on tn.oid = tc.relnamespace
where d.refclassid = 'pg_proc'::regclass and d.refobjid = %s::regprocedure and d.deptype = 'n'
"""


@dataclass
class Constraint:
    table: str
    name: str
    type: str  # p u f c x
    columns: list[str]
    ref_table: str | None
    ref_columns: list[str]
    expression: str | None  # of a check
    validated: bool
    index: str | None  # the index behind a p/u/x constraint


@dataclass
class Function:
    key: str  # snapshot key: "function public.f(uuid,text)"
    kind: str  # f p
    ddl: str  # create or replace ...
    arguments: str
    result: str | None
    atomic: bool

    @property
    def signature(self) -> str:
        return self.key.split(" ", 1)[1]

    @property
    def word(self) -> str:
        return "procedure" if self.kind == "p" else "function"


def _registry(conn) -> tuple[set[str], set[tuple[str, str]]]:
    """The package's registries: installed modules, and the (kind, name) of package_owned_objects."""
    if conn.execute("select to_regclass('dreamcut_private.installed_modules')").fetchone()[0] is None:
        return set(), set()
    modules = {m for m, in conn.execute("select module from dreamcut_private.installed_modules")}
    owned = {(k, n) for k, n in conn.execute("select kind, name from dreamcut_private.package_owned_objects")}
    return modules, owned


def _details(conn) -> tuple[dict[str, Function], dict[tuple[str, str], Constraint]]:
    params = {"schemas": list(catalog.SCHEMAS)}
    with conn.transaction():
        conn.execute("set local search_path = ''")
        functions = {}
        for sig, kind, ddl, arguments, result, atomic in conn.execute(_FUNCTIONS, params):
            key = f"{'procedure' if kind == 'p' else 'function'} {sig}"
            functions[key] = Function(key, kind, ddl, arguments, result, atomic)
        constraints = {(r[0], r[1]): Constraint(r[0], r[1], r[2], list(r[3]), r[4], list(r[5]), r[6], r[7], r[8])
                       for r in conn.execute(_CONSTRAINTS, params)}
    return functions, constraints


@dataclass
class Reference:
    """The module as its migrations make it, on the same server: ``before`` and ``after`` its migrations."""

    before: dict
    after: dict
    functions: dict[str, Function]
    constraints: dict[tuple[str, str], Constraint]
    modules_added: set[str]
    owned_added: set[tuple[str, str]]
    created_keys: set[str]  # snapshot keys package_owned_objects lists in ``after`` (verify's not_ours)


#: The references built in this process, by server (its address, start time and the connecting role) and
#: migrations (ids and checksums): the same migrations on the same server make the same catalog, and building
#: one costs a scratch database (seconds). Shared: nothing changes a Reference once built.
_REFERENCES: dict[tuple, "Reference"] = {}


def reference(url: str, mset: MigrationSet, before_ids: list[str], module_ids: list[str]) -> Reference:
    """The module's reference on ``url``'s server: built in a scratch database (dropped afterwards; needs
    CREATEDB), or the one this process built already for the same server and migrations."""
    with connect(url) as conn:
        server = conn.info.host, conn.info.port, *conn.execute(
            "select current_setting('server_version_num'), pg_postmaster_start_time(), current_user").fetchone()
    key = (*server,
           *(tuple((i, mset.by_id(i).checksum) for i in ids) for ids in (before_ids, module_ids)))
    if key not in _REFERENCES:
        _REFERENCES[key] = _build_reference(url, mset, before_ids, module_ids)
    return _REFERENCES[key]


def _build_reference(url: str, mset: MigrationSet, before_ids: list[str], module_ids: list[str]) -> Reference:
    with scratch_database(url, mset, before_ids) as scratch:
        with connect(scratch) as conn:
            before = catalog.snapshot(conn)
            modules_before, owned_before = _registry(conn)
        engine.migrate(scratch, mset, out=lambda _line: None, only=module_ids)
        with connect(scratch) as conn:
            after = catalog.snapshot(conn)
            modules_after, owned_after = _registry(conn)
            functions, constraints = _details(conn)
    return Reference(before, after, functions, constraints, modules_after - modules_before,
                     owned_after - owned_before, {f"{k} {n}" for k, n in owned_after})


@dataclass
class Live:
    """The live database: its snapshot and what the plan needs beyond it."""

    snap: dict
    functions: dict[str, Function]
    constraints: dict[tuple[str, str], Constraint]
    triggers: dict[tuple[str, str], tuple[str, str]]  # (table, name) -> (tgenabled, function signature)
    invalid_indexes: set[tuple[str, str]]
    rows: dict[str, int]
    created_keys: set[str]
    installed: set[str]
    primary_key: dict[str, list[str]]

    @classmethod
    def read(cls, conn) -> "Live":
        snap = catalog.snapshot(conn)
        functions, constraints = _details(conn)
        params = {"schemas": list(catalog.SCHEMAS)}
        triggers = {(t, n): (e, f) for t, n, e, f in conn.execute(_TRIGGERS, params)}
        invalid = {(t, i) for t, i in conn.execute(_INVALID_INDEXES, params)}
        modules, owned = _registry(conn)
        pk = {c.table: c.columns for c in constraints.values() if c.type == "p"}
        return cls(snap, functions, constraints, triggers, invalid, {}, {f"{k} {n}" for k, n in owned}, modules, pk)

    def count(self, conn, table: str) -> int:
        if table not in self.rows:
            self.rows[table] = conn.execute(f"select count(*) from {_qual(table)}").fetchone()[0]
        return self.rows[table]


# ---------------------------------------------------------------------------------------------------- the plan

#: Phases in the order one transaction runs them: "drop" (triggers, policies, foreign keys, checks, indexes),
#: the functions, the rows, "unconstrain" (primary keys and unique constraints being replaced: only now, a table
#: in a publication cannot be updated without its replica identity), "constraint" before "reference" (what a
#: foreign key references first). Batched: "prepare" first (its own transaction), indexes concurrently, the
#: rows in batches, then "drop" to "registry" under one lock, then each "validate" on its own.
PHASES = ("prepare", "drop", "function", "view", "atomic", "final", "unconstrain", "constraint", "reference",
          "index", "object", "registry", "validate")


@dataclass
class Change:
    """One thing the adoption does: ``line`` says it (the plan; empty: another line says it), ``sql`` does it,
    in ``phase``; ``table``: the table it changes.

    An index, or the unique index of a primary key or unique constraint, is built differently when batched:
    ``concurrent`` (create index concurrently, before the batches, under a name of its own), then ``swap_sql``
    under the final lock (the old index out and the new one renamed, or the constraint added using it)."""

    phase: str
    subject: str
    line: str
    sql: list[str]
    table: str | None = None
    concurrent: str | None = None
    swap_sql: list[str] = field(default_factory=list)


@dataclass
class Check:
    """A constraint the plan adds, as a predicate over a row (alias ``r``) that is true when the row violates
    it; with the rows of the live table that do (``rows``, a few of their keys in ``sample``), the repair
    rules that could change them and how many would still violate it after the chosen ones (``remaining``;
    None when no chosen rule covers it)."""

    table: str
    what: str
    columns: list[str]
    predicate: str
    sqlstate: str  # what PostgreSQL raises for such a row: 23502 not null, 23514 check, 23503 foreign key, 23505 unique
    rows: int = 0
    sample: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    remaining: int | None = None

    @property
    def blocking(self) -> bool:
        return self.rows > 0 and (self.remaining is None or self.remaining > 0)


@dataclass
class Plan:
    """What adopting ``module`` does to the live database, and whether it can (``blockers`` empty)."""

    module: str
    database: str
    server_version: str
    knowledge: Knowledge
    reference: Reference
    live: Live
    dependencies: list  # Migration: of modules it needs that are not installed, applied first
    migrations: list  # Migration: the module's, recorded as applied
    tables: list[str] = field(default_factory=list)  # the module's tables that exist live (locked, counted)
    changes: list[Change] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)  # each names its object and ends with its SQLSTATE
    notes: list[str] = field(default_factory=list)
    backfills: list[Backfill] = field(default_factory=list)  # what runs: declared, then column-default fills
    repairs: list[Repair] = field(default_factory=list)  # the chosen rules, per table
    rules: dict[str, str] = field(default_factory=dict)  # every rule a DBA may choose: name -> what it does
    batch_size: int = BATCH_SIZE
    batched: bool = False
    reason: str = ""

    def block(self, text: str, sqlstate: str) -> None:
        """Note why the adoption cannot go ahead: ``text`` names the object, ``sqlstate`` the class of the refusal
        (23xxx a row the package's constraints refuse, 55000 an object adopt has no rule to change, 2BP01 an
        object something else depends on)."""
        self.blockers.append(f"{text} [SQLSTATE {sqlstate}]")

    @property
    def violations(self) -> list[Check]:
        return [c for c in self.checks if c.rows]

    def of_phase(self, *phases: str) -> list[Change]:
        return [c for p in phases for c in self.changes if c.phase == p]

    def lines(self) -> list[str]:
        """The plan as ``adopt`` prints it."""
        out = [f"adopt {self.module} into database {self.database} (PostgreSQL {self.server_version})"]
        rows = ", ".join(f"{t} {self.live.rows[t]}" for t in self.tables) or "none of its tables exists"
        out.append(f"mode: {'batched' if self.batched else 'one transaction'}: {self.reason}")
        out.append(f"rows: {rows}")
        if self.dependencies:
            out.append("first: migrations of the modules it needs, not installed yet: "
                       + ", ".join(m.ref for m in self.dependencies))
        subjects: dict[str, list[str]] = {}
        for c in self.changes:
            if c.line:
                subjects.setdefault(c.subject, []).append(c.line)
        for b in self.backfills:
            subjects.setdefault(f"table {b.table}", []).append(f"backfill {', '.join(b.columns)}: {b.rule}")
        for subject, lines in subjects.items():
            out.append(subject)
            out += [f"  {line}" for line in lines]
        if self.violations:
            out.append("rows the package's constraints refuse")
        for v in self.violations:
            text = f"  {v.table}: {v.rows} row(s) violate {v.what}"
            if v.sample:
                text += f" (e.g. {', '.join(v.sample)})"
            chosen = [r.name for r in self.repairs if _covers(r, v)]
            if chosen:
                text += f": --repair {', '.join(chosen)} fixes {v.rows - v.remaining}"
                text += f", {v.remaining} still refused" if v.remaining else ""
            elif v.rules:
                text += f": not repaired (--repair {' or '.join(v.rules)} would)"
            else:
                text += ": no rule repairs them: change or remove them by hand, then adopt"
            out.append(text)
        for name in sorted({n for v in self.violations for n in v.rules}):
            out.append(f"  rule {name}: {self.rules[name]}")
        out += [f"note: {n}" for n in self.notes]
        out.append(f"then: {self.module}'s {len(self.migrations)} migration(s) recorded as applied, with checksums "
                   f"({', '.join(m.id for m in self.migrations)}); the catalog compared with the reference as verify does")
        out += [f"blocked: {b}" for b in self.blockers]
        return out


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _qual(qualified: str) -> str:
    schema, name = qualified.split(".", 1)
    return f"{_q(schema)}.{_q(name)}"


def _lit(text: str | None) -> str:
    return "null" if text is None else "'" + text.replace("'", "''") + "'"


def _role(role: str) -> str:
    return "public" if role == "public" else _q(role)


def _name(key: str) -> str:
    """'table public.x' -> 'public.x'; 'function public.f(uuid)' -> 'public.f'."""
    name = key.split(" ", 1)[1]
    if key.startswith("materialized view "):
        name = key[len("materialized view "):]
    return name.split("(", 1)[0] if key.startswith(("function ", "procedure ")) else name


def _kind(key: str) -> str:
    return "materialized view" if key.startswith("materialized view ") else key.split(" ", 1)[0]


def _covers(repair: Repair, check: Check) -> bool:
    return repair.table == check.table and bool(set(repair.set) & set(check.columns))


def _in_batch(column: str) -> str:
    return f"r.{_q(column)} in (select k.key from pg_temp.adopt_keys as k)"


def _grant_sql(what: str, target: str, grants: dict[str, list[str]]) -> list[str]:
    """Revoke every privilege of the API roles on ``target``, then grant exactly ``grants`` (role -> privileges)."""
    stmts = [f"revoke all on {what} {target} from {', '.join(_role(r) for r in catalog.API_ROLES)}"]
    return stmts + [f"grant {', '.join(privs)} on {what} {target} to {_role(role)}" for role, privs in grants.items()
                    if privs]


def _grant_words(live: dict[str, list[str]], ref: dict[str, list[str]]) -> str:
    words = []
    for role in sorted(set(live) | set(ref)):
        lost = sorted(set(live.get(role, [])) - set(ref.get(role, [])))
        got = sorted(set(ref.get(role, [])) - set(live.get(role, [])))
        words += [f"{role} loses {', '.join(lost)}"] * bool(lost) + [f"{role} gets {', '.join(got)}"] * bool(got)
    return "; ".join(words) or "as the package grants them"


def _policy_sql(table: str, name: str, p: dict) -> str:
    text = (f"create policy {_q(name)} on {_qual(table)} as {'permissive' if p['permissive'] else 'restrictive'} "
            f"for {p['command']} to {', '.join(_role(r) for r in p['roles'])}")
    if p["using"] is not None:
        text += f" using ({p['using']})"
    if p["with_check"] is not None:
        text += f" with check ({p['with_check']})"
    return text




def _trigger_sql(table: str, name: str, definition: str) -> list[str]:
    """pg_get_triggerdef's statement (the snapshot adds " [enabled=X]" when not enabled the usual way)."""
    statement, alter = catalog.trigger_parts(definition)
    return [statement] + ([f"alter table {_qual(table)} {alter} {_q(name)}"] if alter else [])


def _renamed(definition: str, name: str, new: str) -> str:
    """An index definition (pg_get_indexdef) built concurrently under another name."""
    head, rest = definition.split(" ON ", 1)
    head = head.replace("CREATE INDEX ", "CREATE INDEX CONCURRENTLY ", 1).replace(
        "CREATE UNIQUE INDEX ", "CREATE UNIQUE INDEX CONCURRENTLY ", 1)
    return head[: head.rindex(" ") + 1] + _q(new) + " ON " + rest


def _adopt_name(name: str) -> str:
    return name[:57] + "_adopt"


class _Planner:
    """Fills a Plan's changes and checks from the reference and the live catalog."""

    def __init__(self, p: Plan, conn):
        self.p, self.conn, self.ref, self.live = p, conn, p.reference, p.live
        self.dropped_functions: set[str] = set()  # signatures
        self.dropped_triggers: set[tuple[str, str]] = set()
        self.created: set[str] = set()  # snapshot keys of the objects the adoption creates

    def add(self, phase, subject, line, sql, table=None, **kw) -> None:
        self.p.changes.append(Change(phase, subject, line, sql if isinstance(sql, list) else [sql], table, **kw))

    def module_keys(self) -> list[str]:
        """The snapshot keys of the module's objects: what its migrations add or change in the reference, less
        what they create only where missing and the live database has already (the application's own)."""
        ref = self.ref
        theirs = {f"{k} {n}" for k, n in ref.owned_added} & set(self.live.snap)
        return [k for k, v in ref.after.items() if (k not in ref.before or ref.before[k] != v) and k not in theirs]

    def run(self) -> None:
        keys = self.module_keys()
        self.p.tables = [_name(k) for k in keys if k.startswith("table ") and k in self.live.snap]
        for t in self.p.tables:
            self.live.count(self.conn, t)
        for key in keys:
            getattr(self, _kind(key).replace(" ", "_"))(key)
        self.stale_functions(keys)
        self.registry()

    # -- tables ---------------------------------------------------------------------------------------------
    def table(self, key: str) -> None:
        table, ref, live = _name(key), self.ref.after[key], self.live.snap.get(key)
        subject = f"table {table}"
        if live is None:
            self.created.add(key)
            self.add("prepare", subject, "created (it is missing)", f"create table {_qual(table)} ()", table)
            live = {"columns": {}, "constraints": {}, "indexes": {}, "triggers": {}, "policies": {}, "grants": {},
                    "publications": [], "rls_enabled": False, "rls_forced": False, "comment": None}
        handled = {"columns", "constraints", "indexes", "triggers", "policies", "grants", "publications",
                   "rls_enabled", "rls_forced", "comment"}
        for attr in sorted((set(ref) | set(live)) - handled):
            if ref.get(attr) != live.get(attr):
                self.p.block(f"{subject}: {attr} is {live.get(attr)!r}, the package's {ref.get(attr)!r}: "
                             "adopt has no rule to change it", "55000")
        self.columns(table, subject, ref["columns"], live["columns"])
        self.constraints(table, subject, ref, live)
        self.indexes(table, subject, ref, live)
        self.triggers(table, subject, ref["triggers"], live["triggers"])
        for name in sorted(set(ref["policies"]) | set(live["policies"])):
            r, lv = ref["policies"].get(name), live["policies"].get(name)
            if r == lv:
                continue
            if lv is not None:
                self.add("drop", subject, "" if r else f"policy {name}: dropped (not the package's)",
                         f"drop policy {_q(name)} on {_qual(table)}", table)
            if r is not None:
                self.add("object", subject, f"policy {name}: {'replaced' if lv else 'created'} ({r['command']} to "
                         f"{', '.join(r['roles'])})", _policy_sql(table, name, r), table)
        for attr, on, off in (("rls_enabled", "enable", "disable"), ("rls_forced", "force", "no force")):
            if ref[attr] != live[attr]:
                word = on if ref[attr] else off
                self.add("object", subject, f"row level security: {word}",
                         f"alter table {_qual(table)} {word} row level security", table)
        if ref["grants"] != live["grants"]:
            self.add("object", subject, f"grants: {_grant_words(live['grants'], ref['grants'])}",
                     _grant_sql("table", _qual(table), ref["grants"]), table)
        for pub in sorted(set(ref["publications"]) ^ set(live["publications"])):
            add = pub in ref["publications"]
            self.add("object", subject, f"publication {pub}: {'added' if add else 'removed'}",
                     f"alter publication {_q(pub)} {'add' if add else 'drop'} table {_qual(table)}", table)
        if ref["comment"] != live["comment"]:
            self.add("object", subject, "comment set", f"comment on table {_qual(table)} is {_lit(ref['comment'])}",
                     table)

    def columns(self, table: str, subject: str, ref: dict, live: dict) -> None:
        rows = self.live.rows.get(table, 0)
        declared = {c for b in self.p.knowledge.backfills if b.table == table for c in b.columns}
        final, identities = [], []
        for name in live:
            if name not in ref:
                self.p.block(f"{subject}: column {name} is not the package's; adopt never drops data: "
                             "move or drop it first, then adopt", "55000")
        for name, r in ref.items():
            col, lv, what = _q(name), live.get(name), []
            if lv is None:
                lv, how = self.new_column(table, subject, name, r, rows, name in declared)
                what.append(f"added {r['type']}{how}")
            if lv["generated"] != r["generated"]:
                self.p.block(f"{subject}: column {name} is generated {lv['generated']!r}, the package's "
                             f"{r['generated']!r}: adopt has no rule to change it", "55000")
                continue
            if lv["type"] != r["type"]:
                final.append(f"alter column {col} type {r['type']} using {col}::{r['type']}")
                what.append(f"type {lv['type']} becomes {r['type']} (rewrites the table)")
            if r["identity"] != lv["identity"]:
                if not lv["identity"]:
                    final += [f"alter column {col} drop default"] * (lv["default"] is not None)
                    identities.append((name, "always" if r["identity"] == "a" else "by default"))
                    what.append("identity, continuing after the largest value")
                elif not r["identity"]:
                    final.append(f"alter column {col} drop identity")
                    what.append("no longer an identity")
                else:
                    final.append(f"alter column {col} set generated {'always' if r['identity'] == 'a' else 'by default'}")
                    what.append("identity " + ("always" if r["identity"] == "a" else "by default"))
            if not r["identity"] and not r["generated"] and lv["default"] != r["default"]:
                final.append(f"alter column {col} " + ("drop default" if r["default"] is None else
                                                       f"set default {r['default']}"))
                what.append("no default" if r["default"] is None else f"default {r['default']}")
            if r["not_null"] and not lv["not_null"]:
                final.append(f"alter column {col} set not null")
                what.append("not null")
                if name in live and name not in declared:  # a declared backfill fills it (a re-run after a stop)
                    self.check(table, f"NOT NULL {name}", [name], f"r.{col} is null", "23502")
                else:
                    what[-1] = "then not null"
            elif lv["not_null"] and not r["not_null"]:
                final.append(f"alter column {col} drop not null")
                what.append("nullable")
            if lv["comment"] != r["comment"]:
                what.append("comment")
                self.add("object", subject, "", f"comment on column {_qual(table)}.{col} is {_lit(r['comment'])}", table)
            if what:
                self.add("final", subject, f"column {name}: {', '.join(what)}", [], table)
        if final:
            self.add("final", subject, "", f"alter table {_qual(table)} " + ", ".join(final), table)
        for name, kind in identities:
            sequence = f"pg_get_serial_sequence({_lit(_qual(table))}, {_lit(name)})"
            self.add("final", subject, "", [
                f"alter table {_qual(table)} alter column {_q(name)} add generated {kind} as identity",
                f"select setval({sequence}, coalesce((select max({_q(name)}) from {_qual(table)}), 0) + 1, false)"],
                table)

    def new_column(self, table: str, subject: str, name: str, r: dict, rows: int, declared: bool) -> tuple[dict, str]:
        """Add column ``name`` (nullable, without default: no rewrite, no long lock). Returns the column as
        added and how its existing rows get values (words for the plan)."""
        if r["generated"]:
            self.add("prepare", subject, "", f"alter table {_qual(table)} add column {_q(name)} {r['type']} "
                     f"generated always as ({r['default']}) stored", table)
            return dict(r), f", generated as {r['default']} (rewrites the table)"
        how = ""
        if declared:
            how = ", backfilled"
        elif rows and r["default"] is not None and not r["identity"]:
            how = f", the existing rows get its default {r['default']}"
            key = self.p.knowledge.family_of(table, self.live).members[table]
            self.p.backfills.append(Backfill(
                table, [name], f"the column's default, {r['default']}",
                f"update {_qual(table)} as r set {_q(name)} = {r['default']} where r.{_q(name)} is null and "
                f"{_in_batch(key)}", False))
        elif rows and (r["not_null"] or r["identity"]):
            self.p.block(f"{subject}: new column {name} is NOT NULL and nothing says how to fill it for the "
                         f"{rows} existing rows (adoption/{self.p.module}.toml declares no backfill for it)", "23502")
        self.add("prepare", subject, "", f"alter table {_qual(table)} add column {_q(name)} {r['type']}", table)
        return {"type": r["type"], "not_null": False, "default": None, "identity": None, "generated": None,
                "comment": None}, how

    def constraints(self, table: str, subject: str, ref: dict, live: dict) -> None:
        ref_c, live_c = ref["constraints"], live["constraints"]
        for name in sorted(n for n in live_c if ref_c.get(n) != live_c[n]):
            keyed = self.live.constraints[(table, name)].type in "pux"
            self.add("unconstrain" if keyed else "drop", subject, f"constraint {name}: dropped" + (" (replaced)" if name in ref_c else
                     " (not the package's)"), f"alter table {_qual(table)} drop constraint {_q(name)}", table)
        for name in sorted((n for n in ref_c if live_c.get(n) != ref_c[n]),
                           key=lambda n: "puxcf".index(self.ref.constraints[(table, n)].type)):
            c, definition = self.ref.constraints[(table, name)], ref_c[name]
            add = f"alter table {_qual(table)} add constraint {_q(name)} {definition}"
            if c.type in "cf":
                self.add("reference" if c.type == "f" else "constraint", subject, f"constraint {name}: added NOT VALID, then validated: {definition}",
                         add + " not valid", table)
                self.add("validate", subject, "", f"alter table {_qual(table)} validate constraint {_q(name)}", table)
            elif c.type in "pu":
                word = "primary key" if c.type == "p" else "unique"
                index = _adopt_name(c.index)
                self.add("constraint", subject, f"constraint {name}: added: {definition}", add, table,
                         concurrent=_renamed(ref["indexes"][c.index], c.index, index),
                         swap_sql=[f"alter table {_qual(table)} add constraint {_q(name)} {word} using index {_q(index)}"])
            else:
                self.add("constraint", subject, f"constraint {name}: added: {definition}", add, table)
            self.constraint_check(table, c, definition)
        for name, definition in ref_c.items():
            lc = self.live.constraints.get((table, name))
            if live_c.get(name) == definition and lc and not lc.validated:
                self.add("validate", subject, f"constraint {name}: validated (it is NOT VALID)",
                         f"alter table {_qual(table)} validate constraint {_q(name)}", table)

    def constraint_check(self, table: str, c: Constraint, definition: str) -> None:
        columns = self.live.snap.get(f"table {table}", {}).get("columns", {})
        if not all(col in columns for col in c.columns):
            return  # on a column the adoption adds: filled by a backfill, checked by the validation
        cols, what = [_q(col) for col in c.columns], f"{c.name} {definition}"
        if c.type == "c":
            self.check(table, what, c.columns, f"({c.expression}) is false", "23514")
        elif c.type == "f":
            parent = self.live.snap.get(f"table {c.ref_table}", {}).get("columns", {})
            if all(col in parent for col in c.ref_columns):
                match = " and ".join(f"p.{_q(pc)} = r.{col}" for pc, col in zip(c.ref_columns, cols))
                present = " and ".join(f"r.{col} is not null" for col in cols)
                self.check(table, what, c.columns,
                           f"{present} and not exists (select from {_qual(c.ref_table)} as p where {match})", "23503")
        elif c.type in "pu":
            same = " and ".join(f"o.{col} = r.{col}" for col in cols)
            self.check(table, what, c.columns, f"exists (select from {_qual(table)} as o where {same} and o.ctid <> r.ctid)",
                       "23505")

    def check(self, table: str, what: str, columns: list[str], predicate: str, sqlstate: str) -> None:
        rules = [r.name for r in self.p.knowledge.repairs if r.table == table and set(r.set) & set(columns)]
        self.p.checks.append(Check(table, what, columns, predicate, sqlstate, rules=rules))

    def indexes(self, table: str, subject: str, ref: dict, live: dict) -> None:
        ref_backing = {c.index for c in self.ref.constraints.values() if c.table == table and c.index}
        live_backing = {c.index for c in self.live.constraints.values() if c.table == table and c.index}
        ref_i = {n: d for n, d in ref["indexes"].items() if n not in ref_backing}
        live_i = {n: d for n, d in live["indexes"].items() if n not in live_backing}
        invalid = {n for t, n in self.live.invalid_indexes if t == table}
        schema = table.split(".", 1)[0]
        leftovers = {_adopt_name(n) for n in ref["indexes"]}  # built concurrently by a batched run that stopped
        for name in sorted(set(live_i) - set(ref_i)):
            if name in leftovers:  # first thing: a batched run builds it again
                self.add("prepare", subject, f"index {name}: dropped (left by an adoption that stopped)",
                         f"drop index {_q(schema)}.{_q(name)}", table)
            else:
                self.add("drop", subject, f"index {name}: dropped (not the package's)",
                         f"drop index {_q(schema)}.{_q(name)}", table)
        for name, definition in sorted(ref_i.items()):
            if live_i.get(name) == definition and name not in invalid:
                continue
            old = f"drop index {_q(schema)}.{_q(name)}"
            columns = "UNIQUE " * definition.startswith("CREATE UNIQUE ") + definition[definition.index(" USING "):].strip()
            if name not in live_i:
                self.add("index", subject, f"index {name}: created {columns}", definition, table,
                         concurrent=_renamed(definition, name, name))
                continue
            how = "rebuilt (it is invalid: a concurrent build failed)" if name in invalid else f"replaced: {columns}"
            temporary = _adopt_name(name)
            self.add("index", subject, f"index {name}: {how}", [old, definition], table,
                     concurrent=_renamed(definition, name, temporary),
                     swap_sql=[old, f"alter index {_q(schema)}.{_q(temporary)} rename to {_q(name)}"])

    def triggers(self, table: str, subject: str, ref: dict, live: dict) -> None:
        kept = {n for n in ref if live.get(n) == ref[n]}
        replaced_fn = {n for n in kept if self.live.triggers.get((table, n), ("", ""))[1] in self._replaced_functions()}
        for name in sorted((set(ref) | set(live)) - {TRACK_TRIGGER}):
            r, lv = ref.get(name), live.get(name)
            if r == lv and name not in replaced_fn:
                continue
            if lv is not None:
                self.dropped_triggers.add((table, name))
                self.add("drop", subject, "" if r else f"trigger {name}: dropped (not the package's)",
                         f"drop trigger {_q(name)} on {_qual(table)}", table)
            if r is not None:
                how = "created" if lv is None else "dropped, created again (its function is replaced)" if r == lv \
                    else "replaced"
                self.add("object", subject, f"trigger {name}: {how}", _trigger_sql(table, name, r), table)

    def _replaced_functions(self) -> set[str]:
        """Signatures of live functions of the module that are dropped and created again (see function())."""
        found = set()
        for key, f in self.ref.functions.items():
            lf = self.live.functions.get(key)
            if lf and key in self.module_keys() and not _replaceable(lf, f) and self._body_differs(key):
                found.add(f.signature)
        return found

    def _body_differs(self, key: str) -> bool:
        strip = ("comment", "execute")
        live, ref = self.live.snap[key], self.ref.after[key]
        return {k: v for k, v in live.items() if k not in strip} != {k: v for k, v in ref.items() if k not in strip}

    # -- functions, views, enums, schemas -------------------------------------------------------------------
    def function(self, key: str) -> None:
        f, ref, live = self.ref.functions[key], self.ref.after[key], self.live.snap.get(key)
        phase, words, first = "atomic" if f.atomic else "function", [], len(self.p.changes)
        if live is None:
            self.created.add(key)
            self.add(phase, "functions", f"{f.word} {f.signature}: created", f.ddl)
        elif self._body_differs(key):
            changed = ", ".join(k for k in ref if k not in ("comment", "execute") and ref[k] != live.get(k))
            if _replaceable(self.live.functions[key], f):
                words.append(f"replaced ({changed})")
            else:
                self.drop_function(self.live.functions[key], "its arguments or result differ from the package's")
                words.append(f"created again ({changed})")
            self.add(phase, "functions", "", f.ddl)
        if live is None or live["comment"] != ref["comment"]:
            words.append("comment")
            self.add("object", "functions", "", f"comment on {f.word} {f.signature} is {_lit(ref['comment'])}")
        if live is None or live["execute"] != ref["execute"]:
            words.append("execute: " + _grant_words({r: ["EXECUTE"] for r in live["execute"]} if live else {},
                                                    {r: ["EXECUTE"] for r in ref["execute"]}))
            self.add("object", "functions", "", _grant_sql(f.word, f.signature, {r: ["execute"] for r in ref["execute"]}))
        if live is not None and words:  # one line: the first change of this function's that has none
            next(c for c in self.p.changes[first:] if not c.line).line = f"{f.word} {f.signature}: {'; '.join(words)}"

    procedure = function

    def drop_function(self, f: Function, why: str, keep_if_used: bool = False) -> None:
        """Drop the live function ``f`` (after the triggers of the module's tables that use it). Anything else
        using it blocks the adoption, or with ``keep_if_used`` keeps the function, noting why."""
        others = [described for trigger, table, described in self.conn.execute(_DEPENDENTS, (f.signature,))
                  if not (trigger and f"table {table}" in self.ref.after)]
        if others:
            if keep_if_used:
                self.p.notes.append(f"{f.word} {f.signature} is kept ({why}): {', '.join(others)} uses it")
            else:
                self.p.block(f"{f.word} {f.signature} must be dropped ({why}) but {', '.join(others)} uses it",
                             "2BP01")
            return
        self.dropped_functions.add(f.signature)
        self.add("function", "functions", f"{f.word} {f.signature}: dropped ({why})", f"drop {f.word} {f.signature}")

    def stale_functions(self, keys: list[str]) -> None:
        """Live functions the package replaces under another signature: an old overload of a name the module
        defines in the same schema (PostgREST must see one signature per name), or a function whose name and
        arguments the package has in another schema (a trigger function moved to dreamcut_private)."""
        names = {_name(k) for k in keys if _kind(k) in ("function", "procedure")}
        elsewhere: dict[str, list[str]] = {}
        for key, f in self.ref.functions.items():
            elsewhere.setdefault(f.signature.split(".", 1)[1], []).append(f.signature)
        for key, f in sorted(self.live.functions.items()):
            if key in self.ref.after:
                continue
            if _name(key) in names:
                self.drop_function(f, "an old overload: PostgREST sees one signature per name")
            elif f.signature.split(".", 1)[1] in elsewhere:
                self.drop_function(f, f"the package's is {', '.join(elsewhere[f.signature.split('.', 1)[1]])}",
                                   keep_if_used=True)

    def view(self, key: str) -> None:
        name, ref, live = _name(key), self.ref.after[key], self.live.snap.get(key)
        word, subject = _kind(key), f"{_kind(key)} {_name(key)}"
        if live is None or any(live[a] != ref[a] for a in ("definition", "options", "columns")):
            stmts = []
            if live is not None and (word != "view" or list(ref["columns"])[:len(live["columns"])] != list(live["columns"])):
                stmts.append(f"drop {word} {_qual(name)}")
            options = f" with ({', '.join(ref['options'])})" if ref["options"] else ""
            create = "create or replace view" if word == "view" else "create materialized view"
            stmts.append(f"{create} {_qual(name)}{options} as {ref['definition'].rstrip().rstrip(';')}")
            if live is None:
                self.created.add(key)
            self.add("view", subject, "created" if live is None else "replaced", stmts)
            live = {"comment": None, "grants": {}}
        if live["comment"] != ref["comment"]:
            self.add("object", subject, "comment set", f"comment on {word} {_qual(name)} is {_lit(ref['comment'])}")
        if live["grants"] != ref["grants"]:
            self.add("object", subject, f"grants: {_grant_words(live['grants'], ref['grants'])}",
                     _grant_sql("table", _qual(name), ref["grants"]))

    materialized_view = view

    def enum(self, key: str) -> None:
        name, ref, live = _name(key), self.ref.after[key], self.live.snap.get(key)
        subject, labels = f"enum {name}", ref["labels"]
        if live is None:
            self.created.add(key)
            self.add("prepare", subject, "created",
                     f"create type {_qual(name)} as enum ({', '.join(_lit(x) for x in labels)})")
        elif live["labels"] != labels:
            if [x for x in labels if x in live["labels"]] != live["labels"]:
                self.p.block(f"{subject}: its labels {live['labels']} cannot become {labels}", "55000")
            else:
                new = [x for x in labels if x not in live["labels"]]
                self.add("prepare", subject, f"labels added: {', '.join(new)}", [
                    f"alter type {_qual(name)} add value {_lit(x)} " + (
                        f"after {_lit(labels[labels.index(x) - 1])}" if labels.index(x) else f"before {_lit(labels[1])}")
                    for x in new])
        if (live or {}).get("comment") != ref["comment"]:
            self.add("object", subject, "comment set", f"comment on type {_qual(name)} is {_lit(ref['comment'])}")

    def schema(self, key: str) -> None:
        name, ref, live = _name(key), self.ref.after[key], self.live.snap.get(key)
        subject = f"schema {name}"
        if live is None:
            self.created.add(key)
            self.add("prepare", subject, "created", f"create schema {_q(name)}")
            live = {"comment": None, "grants": []}
        if live["comment"] != ref["comment"]:
            self.add("object", subject, "comment set", f"comment on schema {_q(name)} is {_lit(ref['comment'])}")
        if live["grants"] != ref["grants"]:
            grants: dict[str, list[str]] = {}
            for g in ref["grants"]:
                role, privilege = g.split(":")
                grants.setdefault(role, []).append(privilege)
            self.add("object", subject, "grants set", _grant_sql("schema", _q(name), grants))

    def registry(self) -> None:
        """The rows the module's migrations write into the package's registries: the installed module, and the
        objects it created because they were missing (only those the adoption creates)."""
        stmts = [f"insert into dreamcut_private.installed_modules (module) values ({_lit(m)}) on conflict do nothing"
                 for m in sorted(self.ref.modules_added)]
        stmts += [f"insert into dreamcut_private.package_owned_objects (kind, name) values ({_lit(k)}, {_lit(n)}) "
                  "on conflict do nothing" for k, n in sorted(self.ref.owned_added) if f"{k} {n}" in self.created]
        if stmts:
            self.add("registry", f"module {self.p.module}", "recorded as installed (dreamcut_private registries)",
                     stmts)


def _replaceable(live: Function, ref: Function) -> bool:
    """``create or replace`` can turn ``live`` into ``ref``: same kind, result and argument list (names and
    defaults; PostgreSQL refuses to rename an argument or drop a default)."""
    return live.kind == ref.kind and live.result == ref.result and live.arguments == ref.arguments


# ------------------------------------------------------------------------------------------------ making a plan

def plan(url: str, mset: MigrationSet, module: str, repairs: list[str] | None = None,
         batch_size: int = BATCH_SIZE) -> Plan:
    """The plan of adopting ``module`` into the database at ``url``. Changes nothing there (its reads run in
    read-only transactions); builds the reference in a scratch database on the same server (CREATEDB).

    ``repairs``: names of the chosen repair rules (``null-default`` or the module's, see the plan's ``rules``).
    ``batch_size``: rows; a table with more makes the adoption batched. Raises DreamcutError when the module is
    unknown or installed already, a repair name is unknown, or the module's declared knowledge names what its
    migrations lack. The plan's ``blockers`` say why the adoption cannot go ahead (empty: it can)."""
    if batch_size < 1:
        raise DreamcutError(f"--batch-size must be at least 1, got {batch_size}")
    closure = mset.closure([module])
    st = engine.status(url, mset)
    if module in st.installed_modules:
        raise DreamcutError(f"module {module} is installed already: nothing to adopt (see dreamcut-db status)")
    knowledge = Knowledge.load(module)
    rules = {NULL_DEFAULT: "a null in a column that becomes NOT NULL takes the column's default"}
    rules.update({r.name: r.rule for r in knowledge.repairs})
    unknown = [r for r in repairs or [] if r not in rules]
    if unknown:
        raise DreamcutError(f"unknown repair rule {', '.join(unknown)} (rules for {module}: {', '.join(rules)})")
    applied = [a.id for a in st.applied if a.id not in st.unknown]
    dependencies = [m for m in mset.of_modules([c for c in closure if c != module]) if m.id not in applied]
    migrations = mset.of_modules([module])
    ref = reference(url, mset, applied + [m.id for m in dependencies], [m.id for m in migrations])
    knowledge.check(ref.after)
    with connect(url) as conn:
        conn.execute("set default_transaction_read_only = on")
        live = Live.read(conn)
        version = conn.execute("show server_version").fetchone()[0].split()[0]
        p = Plan(module, conn.info.dbname, version, knowledge, ref, live, dependencies, migrations, rules=rules,
                 batch_size=batch_size)
        _Planner(p, conn).run()
        p.backfills = [b for b in knowledge.backfills if _needed(b, ref, live) and b.table in p.tables] + p.backfills
        _choose(p, repairs or [])
        _count(p, conn)
    biggest = max(p.tables, key=lambda t: live.rows[t], default=None)
    if biggest is None or live.rows[biggest] <= batch_size:
        p.reason = f"no table holds more than --batch-size {batch_size} rows: the locks last as long as that takes"
    else:
        p.batched = True
        p.reason = (f"{biggest} holds {live.rows[biggest]} rows, more than --batch-size {batch_size}: backfills and "
                    "repairs in batches of about that many rows, each its own short transaction; the rest in short "
                    f"transactions under lock_timeout {engine.LOCK_TIMEOUT}")
    for v in p.violations:
        if v.blocking:
            left = v.rows if v.remaining is None else v.remaining
            hint = f" (choose --repair {' or '.join(v.rules)})" if v.rules and v.remaining is None else ""
            p.block(f"{v.table}: {left} row(s) violate {v.what}{hint}", v.sqlstate)
    return p


def _needed(b: Backfill, ref: Reference, live: Live) -> bool:
    """A declared backfill runs while one of its columns is missing live or not yet as the package has it."""
    live_cols = live.snap.get(f"table {b.table}", {}).get("columns", {})
    return any(live_cols.get(c) != ref.after[f"table {b.table}"]["columns"][c] for c in b.columns)


def _choose(p: Plan, chosen: list[str]) -> None:
    """The chosen rules, per table: ``null-default`` covers every column that becomes NOT NULL and has a default."""
    defaults: dict[str, dict[str, str]] = {}
    for c in p.checks:
        col = p.reference.after[f"table {c.table}"]["columns"][c.columns[0]]
        if c.what.startswith("NOT NULL ") and col["default"] is not None and not col["identity"]:
            c.rules.append(NULL_DEFAULT)
            defaults.setdefault(c.table, {})[c.columns[0]] = f"coalesce({_q(c.columns[0])}, {col['default']})"
    p.repairs = [r for r in p.knowledge.repairs if r.name in chosen and r.table in p.tables]
    if NULL_DEFAULT in chosen:
        p.repairs += [Repair(NULL_DEFAULT, t, p.rules[NULL_DEFAULT], d) for t, d in defaults.items()]


def _repair_sql(p: Plan, r: Repair, key: str) -> str:
    """The UPDATE of repair ``r``: the rows of the batch violating a constraint on one of its columns."""
    where = " or ".join(f"({c.predicate})" for c in p.checks if _covers(r, c)) or "false"
    sets = ", ".join(f"{_q(c)} = {e}" for c, e in r.set.items())
    return f"update {_qual(r.table)} as r set {sets} where ({where}) and {_in_batch(key)}"


def _count(p: Plan, conn) -> None:
    """Count each check's violating rows (read-only), and what remains once the chosen repairs are applied:
    the violating rows are projected with the repairs' values and the check evaluated on the projection."""
    for c in p.checks:
        source = f"{_qual(c.table)} as r where {c.predicate}"
        c.rows = conn.execute(f"select count(*) from {source}").fetchone()[0]
        if not c.rows:
            continue
        pk = p.live.primary_key.get(c.table, [])
        if pk:
            label = " || '/' || ".join(f"r.{_q(k)}::text" for k in pk)
            c.sample = [f"{'/'.join(pk)} {x}" for x, in conn.execute(f"select {label} from {source} order by 1 limit 3")]
        assignments: dict[str, str] = {}
        for r in p.repairs:
            if _covers(r, c):
                for column, expression in r.set.items():
                    assignments.setdefault(column, expression)
        if assignments:
            columns = p.live.snap[f"table {c.table}"]["columns"]
            select = ", ".join(f"{assignments[x]} as {_q(x)}" if x in assignments else f"r.{_q(x)}" for x in columns)
            c.remaining = conn.execute(f"select count(*) from (select r.ctid as ctid, {select} from {source}) as r "
                                       f"where {c.predicate}").fetchone()[0]


# ------------------------------------------------------------------------------------------------ applying it

def adopt(url: str, mset: MigrationSet, module: str, repairs: list[str] | None = None,
          batch_size: int = BATCH_SIZE, dry_run: bool = False, out=print) -> Plan:
    """Plan the adoption of ``module`` into the database at ``url`` (printed on ``out``, a line per call) and,
    unless ``dry_run``, apply it. Returns the plan.

    Raises DreamcutError when the plan has blockers (nothing was changed) and when a step fails: in one
    transaction nothing was changed; batched, the message names the step and a re-run resumes from there."""
    p = plan(url, mset, module, repairs, batch_size)
    for line in p.lines():
        out(line)
    if dry_run:
        return p
    if p.blockers:
        more = f"; {len(p.blockers) - 1} more blocker(s) listed above" if len(p.blockers) > 1 else ""
        raise DreamcutError(f"adopt {module} stopped before changing anything: {p.blockers[0]}{more}")
    _Applier(url, mset, p, out).run()
    return p


class _Applier:
    """Runs a plan: in one transaction, or batched (prepare, concurrent indexes, batches, swap, validate, record)."""

    def __init__(self, url: str, mset: MigrationSet, p: Plan, out):
        self.url, self.mset, self.p, self.out = url, mset, p, out
        self.families = list({f.root: f for f in (p.knowledge.family_of(t, p.live) for t in p.tables)}.values())

    def run(self) -> None:
        self.run_ = engine.open_run(self.url)
        self.backend, self.conn = self.run_.backend, self.run_.connection
        with engine.migration_lock(self.run_, out=self.out):  # a run that changes nothing leaves no bookkeeping
            if self.p.module in engine.status(self.url, self.mset).installed_modules:
                raise DreamcutError(f"module {self.p.module} was installed meanwhile: nothing to adopt")
            if self.p.batched:
                self.batched()
            else:
                self.transaction("adoption", self.one_transaction)

    def transaction(self, what: str, fn) -> None:
        """``fn`` in one transaction with the runner's lock_timeout, tried again when a lock was not granted."""
        for attempt in range(1, LOCK_ATTEMPTS + 1):
            try:
                with self.backend.transaction():
                    self.conn.execute(f"set local lock_timeout = '{engine.LOCK_TIMEOUT}'")
                    fn()
                self.run_.changed = True
                return
            except psycopg.errors.LockNotAvailable as exc:
                if attempt == LOCK_ATTEMPTS:
                    raise DreamcutError(
                        f"{what}: a lock was not granted within lock_timeout {engine.LOCK_TIMEOUT}, {LOCK_ATTEMPTS} "
                        f"times ({engine._describe(exc)}); rolled back{self.outcome()}. A long transaction holds one of the "
                        "tables (see pg_stat_activity): re-run adopt when it has ended")
                self.out(f"{what}: a lock was not granted within {engine.LOCK_TIMEOUT}: rolled back, trying again")
                time.sleep(attempt)
            except psycopg.Error as exc:
                raise DreamcutError(f"{what} failed and was rolled back{self.outcome()}: {engine._describe(exc)}")

    def outcome(self) -> str:
        return ("" if self.p.batched else "; nothing was changed")

    def lock(self) -> None:
        """Every table of the module at once, in one statement: no lock is held while another is awaited."""
        if self.p.tables:
            self.conn.execute(f"lock table {', '.join(_qual(t) for t in self.p.tables)} in access exclusive mode")

    def execute(self, changes: list[Change], batched: bool = False) -> None:
        for c in changes:
            for stmt in (c.swap_sql if batched and c.concurrent else c.sql):
                self.conn.execute(stmt)

    def dependencies(self) -> None:
        for m in self.p.dependencies:
            m.yoyo.process_steps(self.backend, "apply")
            engine.record(self.run_, m)
            self.out(f"applied {m.ref}")

    def functions(self) -> None:
        """Functions before views with their bodies unchecked (a body may name a view, a view call a
        function), then the SQL-standard bodies (begin atomic), which PostgreSQL always checks."""
        self.conn.execute("set local check_function_bodies = off")
        self.execute(self.p.of_phase("function", "view"))
        self.conn.execute("set local check_function_bodies = on")
        self.execute(self.p.of_phase("atomic"))

    def one_transaction(self) -> None:
        self.lock()
        self.untrack()
        self.dependencies()
        self.execute(self.p.of_phase("prepare", "drop"))
        self.functions()
        for family in self.families:
            self.keys(family, f"select {_q(family.key)} from {_qual(family.root)}")
            self.data(family)
        self.execute(self.p.of_phase("final", "unconstrain", "constraint", "reference", "index", "object", "registry",
                                     "validate"))
        self.record()

    # -- batched ---------------------------------------------------------------------------------------------
    def batched(self) -> None:
        self.transaction("prepare", self.prepare)
        self.out("prepare: done (new columns added; the application's writes are noted from now on)")
        for c in self.p.changes:
            if c.concurrent:
                self.concurrently(c)
        for family in self.families:
            self.batches(family)
        self.transaction("swap", self.swap)
        self.out("swap: done (the package's functions, triggers, policies, grants and constraints are in place)")
        validations = self.p.of_phase("validate")
        for c in validations:
            self.transaction(c.sql[0].split(" validate ", 1)[1], lambda c=c: self.execute([c]))
        self.out(f"validate: {len(validations)} constraint(s) validated, each in its own transaction (writes go on)")
        self.transaction("record", self.record)

    def prepare(self) -> None:
        self.lock()
        self.dependencies()
        self.execute(self.p.of_phase("prepare"))
        self.conn.execute(f"create table if not exists {_PENDING} (root text, key text, primary key (root, key))")
        self.conn.execute(f"""
            create or replace function {_TRACK_FUNCTION}() returns trigger
            language plpgsql security definer set search_path = '' as $$
            begin
                insert into {_PENDING} (root, key)
                select tg_argv[0], x.key from (select to_jsonb(coalesce(new, old)) ->> tg_argv[1] as key) as x
                where x.key is not null
                on conflict do nothing;
                return null;
            end
            $$""")
        self.conn.execute(f"revoke all on function {_TRACK_FUNCTION}() from public")
        for family in self.families:
            for table, column in family.members.items():
                if table in self.p.tables:
                    self.conn.execute(f"drop trigger if exists {TRACK_TRIGGER} on {_qual(table)}")
                    self.conn.execute(
                        f"create trigger {TRACK_TRIGGER} after insert or update or delete on {_qual(table)} for each row "
                        f"execute function {_TRACK_FUNCTION}({_lit(family.root)}, {_lit(column)})")

    def concurrently(self, c: Change) -> None:
        """Build ``c``'s index concurrently (no lock that blocks writes); a failed build leaves an invalid index,
        dropped again."""
        name = c.concurrent.split(" ON ", 1)[0].rsplit(" ", 1)[1]  # quoted
        schema = c.table.split(".", 1)[0]
        self.conn.execute(f"set lock_timeout = '{engine.LOCK_TIMEOUT}'")
        try:
            self.conn.execute(f"drop index concurrently if exists {_q(schema)}.{name}")
            self.conn.execute(c.concurrent)
        except psycopg.Error as exc:
            self.conn.execute(f"drop index concurrently if exists {_q(schema)}.{name}")
            raise DreamcutError(f"building index {name} concurrently failed: {engine._describe(exc)}. The tables are "
                                "prepared (new columns, noting triggers); re-run adopt to resume")
        finally:
            self.conn.execute("reset lock_timeout")
        self.out(f"index {name[1:-1].replace(chr(34) * 2, chr(34))}: built concurrently")

    def batches(self, family: Family) -> None:
        """The family's backfills and repairs, a batch of root keys at a time, each batch its own transaction:
        about ``batch_size`` rows of its biggest table."""
        if family.root not in self.p.tables or not self.statements(family):
            return
        rows = max(self.p.live.rows[t] for t in family.members if t in self.p.tables)
        roots = self.p.live.rows[family.root]
        per_batch = max(1, self.p.batch_size * roots // max(rows, 1))
        total, done, last = -(-roots // per_batch), 0, None
        while True:
            state = {}

            def batch():
                where = "" if last is None else f" where {_q(family.key)} > %(last)s"
                self.keys(family, f"select {_q(family.key)} from {_qual(family.root)}{where} order by 1 "
                          f"limit {per_batch}", {"last": last})
                state["last"], state["n"] = self.conn.execute(
                    "select (select key from pg_temp.adopt_keys order by key desc limit 1), count(*) "
                    "from pg_temp.adopt_keys").fetchone()  # no max(uuid) before PostgreSQL 18
                if state["last"] is not None:
                    self.data(family)
            self.transaction(f"batch {done + 1}", batch)
            if state["last"] is None:
                return
            last, done = state["last"], done + 1
            self.out(f"batch {done}/{max(total, done)}: {state['n']} row(s) of {family.root} and their rows done")

    def swap(self) -> None:
        p = self.p
        self.lock()
        for family in self.families:
            if family.root not in p.tables:
                continue
            key_type = p.live.snap[f"table {family.root}"]["columns"][family.key]["type"]
            self.keys(family, f"select key::{key_type} from {_PENDING} where root = {_lit(family.root)}")
            self.data(family)
            refused = self.refused(family)
            if refused:
                raise DreamcutError(
                    f"rows written during the adoption violate the package's constraints ({'; '.join(refused)}); "
                    "the tables are prepared and backfilled, the swap is rolled back: repair those rows (or choose a "
                    "--repair rule for them) and re-run adopt")
            n = self.conn.execute("select count(*) from pg_temp.adopt_keys").fetchone()[0]
            self.out(f"swap: {n} row(s) of {family.root} written meanwhile done again")
        self.untrack()
        self.execute(p.of_phase("drop"))
        self.functions()
        self.execute(p.of_phase("final", "unconstrain", "constraint", "reference", "index", "object", "registry"),
                     batched=True)

    def untrack(self) -> None:
        """Remove what prepare added to note the application's writes (in one transaction: what a batched run
        that stopped left, its rows being done again with all the others)."""
        for table in self.p.tables:
            self.conn.execute(f"drop trigger if exists {TRACK_TRIGGER} on {_qual(table)}")
        self.conn.execute(f"drop function if exists {_TRACK_FUNCTION}()")
        self.conn.execute(f"drop table if exists {_PENDING}")

    def refused(self, family: Family) -> list[str]:
        """The checks the batch's rows (the keys in pg_temp.adopt_keys) still fail."""
        found = []
        for c in self.p.checks:
            if c.table in family.members:
                n = self.conn.execute(f"select count(*) from {_qual(c.table)} as r where ({c.predicate}) and "
                                      f"{_in_batch(family.members[c.table])}").fetchone()[0]
                found += [f"{c.table}: {n} row(s) violate {c.what} [SQLSTATE {c.sqlstate}]"] * bool(n)
        return found

    # -- rows -----------------------------------------------------------------------------------------------
    def statements(self, family: Family) -> list[str]:
        """The family's data statements in order: backfills before repairs, repairs, backfills after them."""
        p, key = self.p, family.members
        return ([b.sql for b in p.backfills if b.table in key and b.before_repairs]
                + [_repair_sql(p, r, key[r.table]) for r in p.repairs if r.table in key]
                + [b.sql for b in p.backfills if b.table in key and not b.before_repairs])

    def keys(self, family: Family, query: str, params: dict | None = None) -> None:
        """Fill pg_temp.adopt_keys (dropped at commit) with the batch's root keys from ``query``."""
        key_type = self.p.live.snap[f"table {family.root}"]["columns"][family.key]["type"]
        self.conn.execute("drop table if exists pg_temp.adopt_keys")
        self.conn.execute(f"create temporary table adopt_keys (key {key_type} primary key) on commit drop")
        # on conflict: a family's key need not be unique in its root (render's elements by job_id)
        self.conn.execute(f"insert into pg_temp.adopt_keys (key) {query} on conflict do nothing", params)
        self.conn.execute("analyze pg_temp.adopt_keys")

    def data(self, family: Family) -> None:
        """The family's backfills and repairs for the keys in pg_temp.adopt_keys, with the tables' triggers off
        (they would stamp updated_at, move a query's stage, note the rows): rows change as the plan says only."""
        statements = self.statements(family)
        if not statements:
            return
        enabled = [(t, n, e) for t in family.members if t in self.p.tables for n, e in self.conn.execute(
            "select tgname, tgenabled from pg_trigger where tgrelid = %s::regclass and not tgisinternal "
            "and tgenabled <> 'D'", (_qual(t),))]
        for t, n, _e in enabled:
            self.conn.execute(f"alter table {_qual(t)} disable trigger {_q(n)}")
        for stmt in statements:
            self.conn.execute(stmt)
        for t, n, e in enabled:
            self.conn.execute(f"alter table {_qual(t)} {catalog.TRIGGER_ENABLE[e]} {_q(n)}")

    # -- the record -----------------------------------------------------------------------------------------
    def record(self) -> None:
        for m in self.p.migrations:
            engine.record(self.run_, m, "mark")
        diffs = self.differences()
        if diffs:
            raise DreamcutError(f"the adopted catalog differs from the package's in {len(diffs)} place(s) ("
                                + "; ".join(d["line"] for d in diffs[:5]) + ("; ..." if len(diffs) > 5 else "") + ")")
        self.out(f"recorded: {self.p.module}'s {len(self.p.migrations)} migration(s) applied (yoyo mark, checksums)")

    def differences(self) -> list[dict]:
        """verify's comparison, inside this transaction: the live catalog against the reference, and every
        constraint of the package's schemas validated."""
        ref = self.p.reference
        with self.conn.transaction(force_rollback=True):  # a savepoint: the snapshot's settings go with it
            actual = catalog.snapshot(self.conn)
            _modules, owned = _registry(self.conn)
            unvalidated = self.conn.execute(
                "select k.conrelid::regclass::text || ' ' || k.conname from pg_constraint k "
                "join pg_namespace n on n.oid = k.connamespace where n.nspname = any(%s) and not k.convalidated",
                (list(catalog.SCHEMAS),)).fetchall()
        not_ours = ref.created_keys - {f"{k} {n}" for k, n in owned}
        diffs = catalog.diff({k: v for k, v in ref.after.items() if k not in not_ours},
                             {k: v for k, v in actual.items() if k not in not_ours})
        return diffs + [{"line": f"constraint {u} is not validated"} for u, in unvalidated]
