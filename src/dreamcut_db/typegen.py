"""``dreamcut-db types``: typed clients made from the catalog of a migrated database.

``read_api(conn)`` reads what PostgREST exposes of the ``public`` schema (tables, views, functions, enums,
composite types, foreign-key relationships) the way Supabase's type generator (postgres-meta, now
@supabase/postgrest-typegen, behind ``supabase gen types typescript``) reads it. Two renderings:

- ``typescript.render(api)`` (typescript.py): the ``Database`` type supabase-js v2 reads
  (``createClient<Database>(...)``), committed as ``clients/ts/database.ts``;
- ``python(api)``: a module of ``TypedDict``s (one per table or view row, ``...Insert``/``...Update`` for
  writable relations, one ``...Args`` per function) and ``Literal`` enums, committed as
  ``src/dreamcut_db/types.py`` and shipped as ``dreamcut_db.types``.

Both describe values as PostgREST sends them in JSON (uuid, dates and timestamps as strings, numeric as a
number, jsonb as ``Json``), which is also what psycopg gives for ``select to_jsonb(t) ...``. The committed
files are made from a scratch database with every module installed (``dreamcut-db types --write``) and
checked by the tests and ``dreamcut-db types --check``.
"""

from __future__ import annotations

import json
import keyword
import re
import textwrap
from dataclasses import dataclass, field
from functools import cached_property
from itertools import product

from .errors import DreamcutError

#: The schema the API exposes (Supabase's ``pgrst.db_schemas`` default and ``supabase gen types``' default).
SCHEMA = "public"
TYPESCRIPT_FILE = "clients/ts/database.ts"
PYTHON_FILE = "src/dreamcut_db/types.py"


@dataclass
class Column:
    """A column of a table or view. ``type`` is the pg_type name (``int4``, ``_text``; a domain's base type)."""

    name: str
    attnum: int
    type: str
    type_schema: str
    nullable: bool
    has_default: bool
    identity: str  # '' | 'a' (generated always) | 'd' (by default)
    generated: bool
    updatable: bool
    comment: str | None

    @property
    def writable(self) -> bool:
        """False for generated columns and ``generated always as identity``: Insert/Update never set them."""
        return not self.generated and self.identity != "a"

    @property
    def optional_on_insert(self) -> bool:
        return self.nullable or bool(self.identity) or self.has_default


@dataclass(frozen=True)
class Relationship:
    """A foreign key as PostgREST embeds along it (also copied onto views exposing its columns)."""

    foreign_key: str
    columns: tuple[str, ...]
    one_to_one: bool
    referenced_relation: str
    referenced_columns: tuple[str, ...]


@dataclass
class Relation:
    """A table (also partitioned or foreign) or a view (also materialized)."""

    oid: int
    name: str
    is_view: bool
    insertable: bool  # views only: INSERT through the view (auto-updatable, INSTEAD OF trigger or rule)
    updatable: bool  # views only: UPDATE through the view
    comment: str | None
    columns: list[Column] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)


@dataclass
class Argument:
    name: str  # '' when unnamed
    mode: str  # i (in), o (out), b (inout), v (variadic), t (returns table column)
    type_oid: int
    has_default: bool

    @property
    def is_input(self) -> bool:
        return self.mode in ("i", "b", "v")


@dataclass
class Function:
    oid: int
    name: str
    arguments: list[Argument]  # sorted by name, as the generator addresses them
    signature: str  # pg_get_function_arguments
    identity: str  # pg_get_function_identity_arguments
    result: str  # pg_get_function_result
    return_oid: int
    return_relation_oid: int | None
    returns_set: bool
    rows: int | None  # prorows of a set-returning function
    comment: str | None

    @property
    def inputs(self) -> list[Argument]:
        return [a for a in self.arguments if a.is_input]

    @property
    def table_columns(self) -> list[Argument]:
        return [a for a in self.arguments if a.mode == "t"]


@dataclass
class PgType:
    oid: int
    name: str
    schema: str
    relation_oid: int | None
    labels: list[str]  # enum labels in sort order
    attributes: list[tuple[str, int]]  # a composite type's (name, type oid)


@dataclass
class Api:
    """What one schema exposes, ordered as the generated files list it."""

    schema: str
    tables: list[Relation]
    views: list[Relation]
    functions: list[Function]  # grouped by name (overloads), each group ordered by signature
    types: dict[int, PgType]

    @property
    def enums(self) -> list[PgType]:
        return sorted((t for t in self.types.values() if t.schema == self.schema and t.labels),
                      key=lambda t: order(t.name))

    @property
    def composite_types(self) -> list[PgType]:
        return sorted((t for t in self.types.values() if t.schema == self.schema and t.attributes),
                      key=lambda t: order(t.name))

    def enums_named(self, name: str) -> list[PgType]:
        """Enum types called ``name`` in any schema, ordered by schema."""
        return [t for t in self._types_named.get(name, []) if t.labels]

    def composites_named(self, name: str) -> list[PgType]:
        return [t for t in self._types_named.get(name, []) if t.attributes]

    @cached_property
    def _types_named(self) -> dict[str, list[PgType]]:
        named: dict[str, list[PgType]] = {}
        for t in sorted(self.types.values(), key=lambda t: (order(t.schema), order(t.name), t.oid)):
            named.setdefault(t.name, []).append(t)
        return named

    def type_name(self, oid: int) -> str:
        """pg_type.typname of ``oid`` (``unknown`` when the type is not known)."""
        return self.types[oid].name if oid in self.types else "unknown"

    def relation(self, oid: int | None) -> Relation | None:
        return next((r for r in self.tables + self.views if r.oid == oid), None)

    def overloads(self) -> dict[str, list[Function]]:
        groups: dict[str, list[Function]] = {}
        for fn in self.functions:
            groups.setdefault(fn.name, []).append(fn)
        return groups


# -- ordering -----------------------------------------------------------------------------------------------
#: Printable ASCII in the primary order of the English ICU collation (Intl.Collator("en")) the generator
#: sorts with: punctuation, then digits, then letters regardless of case.
_ICU_PRIMARY = {c: i for i, c in enumerate(" _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz")}


def order(text: str) -> tuple:
    """Sort key of ``text`` as Intl.Collator("en") compares it: by letter, digit and punctuation first, then
    lower case before upper case. Characters outside printable ASCII sort after it by code point (the
    catalog's identifiers are ASCII)."""
    return (tuple(_ICU_PRIMARY.get(c.lower() if c.isascii() else c, 1000 + ord(c)) for c in text),
            tuple(c.isupper() for c in text))


# -- reading the catalog ------------------------------------------------------------------------------------
_RELATIONS = """
select c.oid, c.relname, c.relkind in ('v', 'm'),
       c.relkind = 'v' and (pg_relation_is_updatable(c.oid, true) & 8) = 8,
       c.relkind = 'v' and (pg_relation_is_updatable(c.oid, true) & 4) = 4,
       obj_description(c.oid, 'pg_class')
from pg_class c
where c.relnamespace = %(schema)s::regnamespace and c.relkind in ('r', 'p', 'f', 'v', 'm')
"""
# A view column takes writes through the view when PostgreSQL can update it, or when an INSTEAD OF
# INSERT/UPDATE trigger or an unconditional INSTEAD rule rewrites whole rows (tgtype: 64 instead, 4|16
# insert|update; ev_type 2 update, 3 insert).
_COLUMNS = """
select a.attrelid, a.attname, a.attnum, coalesce(bt.typname, t.typname), coalesce(bn.nspname, tn.nspname),
       not (a.attnotnull or (t.typtype = 'd' and t.typnotnull)), a.atthasdef, a.attidentity,
       a.attgenerated <> '',
       c.relkind in ('r', 'p') or (c.relkind in ('v', 'f') and (
         pg_column_is_updatable(c.oid, a.attnum, false)
         or exists (select from pg_trigger g where g.tgrelid = c.oid and not g.tgisinternal
                    and g.tgtype & 64 <> 0 and g.tgtype & 20 <> 0)
         or exists (select from pg_rewrite w where w.ev_class = c.oid and w.is_instead
                    and w.ev_type in ('2', '3') and w.ev_qual::text = '<>'))),
       col_description(a.attrelid, a.attnum)
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_type t on t.oid = a.atttypid join pg_namespace tn on tn.oid = t.typnamespace
left join pg_type bt on t.typtype = 'd' and bt.oid = t.typbasetype
left join pg_namespace bn on bn.oid = bt.typnamespace
where a.attrelid = any(%(oids)s) and a.attnum > 0 and not a.attisdropped
"""
_FOREIGN_KEYS = """
select k.conname, k.conrelid, k.conkey, k.confrelid, k.confkey, f.relname, f.relnamespace::regnamespace::text,
       array(select a.attname from unnest(k.conkey) with ordinality u(n, o)
             join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n order by u.o),
       array(select a.attname from unnest(k.confkey) with ordinality u(n, o)
             join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.n order by u.o)
from pg_constraint k join pg_class f on f.oid = k.confrelid
where k.contype = 'f' and k.conparentid = 0 and k.conrelid = any(%(oids)s)
"""
#: The column lists of every primary key and unique constraint, in column order (a foreign key is
#: one-to-one when its columns, in its own order, are one of these).
_KEYS = """
select k.conrelid, array(select a.attname from pg_attribute a
                         where a.attrelid = k.conrelid and a.attnum = any(k.conkey) order by a.attnum)
from pg_constraint k where k.contype in ('p', 'u') and k.conrelid = any(%(oids)s)
"""
_VIEW_QUERIES = """
select w.ev_class, w.ev_action::text from pg_rewrite w join pg_class c on c.oid = w.ev_class
where w.rulename = '_RETURN' and c.relkind in ('v', 'm') and c.relnamespace = %(schema)s::regnamespace
"""
_FUNCTIONS = """
select p.oid, p.proname, p.pronargs, p.pronargdefaults,
       coalesce(p.proargmodes::text[], array_fill('i'::text, array[cardinality(a.types)])),
       coalesce(p.proargnames, array_fill(''::text, array[cardinality(a.types)])), a.types,
       pg_get_function_arguments(p.oid), pg_get_function_identity_arguments(p.oid), pg_get_function_result(p.oid),
       p.prorettype, nullif(r.typrelid, 0), p.proretset, case when p.proretset then nullif(p.prorows, 0)::int end,
       obj_description(p.oid, 'pg_proc')
from pg_proc p join pg_type r on r.oid = p.prorettype,
     lateral (select coalesce(p.proallargtypes, p.proargtypes::oid[])) a(types)
where p.pronamespace = %(schema)s::regnamespace and p.prokind = 'f'
  and pg_get_function_result(p.oid) not in ('trigger', 'event_trigger')
"""
_TYPES = """
select t.oid, t.typname, n.nspname, nullif(t.typrelid, 0),
       array(select e.enumlabel::text from pg_enum e where e.enumtypid = t.oid order by e.enumsortorder),
       array(select a.attname::text from pg_attribute a where a.attrelid = c.oid and c.relkind = 'c'
             and a.attnum > 0 and not a.attisdropped order by a.attnum),
       array(select a.atttypid from pg_attribute a where a.attrelid = c.oid and c.relkind = 'c'
             and a.attnum > 0 and not a.attisdropped order by a.attnum)
from pg_type t join pg_namespace n on n.oid = t.typnamespace left join pg_class c on c.oid = t.typrelid
where t.typrelid = 0 or c.relkind in ('c', 'r', 'p', 'f', 'v', 'm')
"""


def read_api(conn, schema: str = SCHEMA) -> Api:
    """Read what ``schema`` exposes through PostgREST on ``conn`` (a psycopg connection) as the owner sees it.

    Returns an Api with every collection in the generated files' order. Raises what psycopg raises.
    """
    params: dict = {"schema": schema}
    relations: dict[int, Relation] = {
        oid: Relation(oid, name, is_view, insertable, updatable, comment)
        for oid, name, is_view, insertable, updatable, comment in conn.execute(_RELATIONS, params)
    }
    params["oids"] = list(relations)
    for rel, name, attnum, typ, typ_schema, nullable, has_default, identity, generated, updatable, comment in (
            conn.execute(_COLUMNS, params)):
        relations[rel].columns.append(
            Column(name, attnum, typ, typ_schema, nullable, has_default, identity, generated, updatable, comment))
    for rel in relations.values():
        rel.columns.sort(key=lambda c: order(c.name))
    _add_relationships(conn, relations, schema, params)
    functions = [
        Function(oid, name, _arguments(nargs, ndefaults, modes, names, types), signature, identity, result,
                 return_oid, return_relation, returns_set, rows, comment)
        for (oid, name, nargs, ndefaults, modes, names, types, signature, identity, result, return_oid,
             return_relation, returns_set, rows, comment) in conn.execute(_FUNCTIONS, params)
    ]
    functions.sort(key=lambda f: (order(f.name), order(f.identity), f.oid))
    types = {row[0]: PgType(row[0], row[1], row[2], row[3], list(row[4]), list(zip(row[5], row[6])))
             for row in conn.execute(_TYPES)}
    by_name = lambda rels: sorted(rels, key=lambda r: order(r.name))  # noqa: E731
    api = Api(schema, by_name(r for r in relations.values() if not r.is_view),
              by_name(r for r in relations.values() if r.is_view), [], types)
    api.functions = _exposed_functions(api, functions)
    return api


def _arguments(nargs: int, ndefaults: int, modes: list, names: list, types: list) -> list[Argument]:
    """Every argument (also OUT and TABLE columns), sorted by name. Defaults are counted as the generator
    counts them: the last ``ndefaults`` of the first ``nargs`` positions (the input arguments, when they come
    first)."""
    args = [Argument(name, mode, oid, nargs - ndefaults <= i < nargs)
            for i, (mode, name, oid) in enumerate(zip(modes, names, types))]
    return sorted(args, key=lambda a: order(a.name))


def _exposed_functions(api: Api, functions: list[Function]) -> list[Function]:
    """The functions PostgREST can call by named arguments: all inputs named, none, or one unnamed
    json/jsonb/text argument (or a defaulted unnamed one of those), or one row argument (a computed field);
    each overload group ordered by signature then result."""
    unnamed_ok = {114, 3802, 25}  # json, jsonb, text

    def exposed(fn: Function) -> bool:
        inputs = fn.inputs
        if all(a.name for a in inputs):
            return True
        if all(a.name or (a.has_default and a.type_oid in unnamed_ok) for a in inputs):
            return True
        return len(inputs) == 1 and (inputs[0].type_oid in unnamed_ok or _row_type(api, inputs[0].type_oid))

    groups: dict[str, list[Function]] = {}
    for fn in filter(exposed, functions):
        groups.setdefault(fn.name, []).append(fn)
    return [fn for name in sorted(groups, key=order)
            for fn in sorted(groups[name], key=lambda f: (order(f.signature), order(f.result)))]


def _row_type(api: Api, type_oid: int) -> PgType | None:
    """The type if it is the row type of a relation or a composite type."""
    pg_type = api.types.get(type_oid)
    return pg_type if pg_type and pg_type.relation_oid else None


def _add_relationships(conn, relations: dict[int, Relation], schema: str, params: dict) -> None:
    """Foreign keys between the schema's tables, then their copies onto views that expose every column of
    either side (PostgREST embeds along those too): view to table, table to view and view to view."""
    keys: dict[int, set[tuple[str, ...]]] = {}
    for rel, cols in conn.execute(_KEYS, params):
        keys.setdefault(rel, set()).add(tuple(cols))
    foreign_keys = []
    for name, rel, conkey, ref, confkey, ref_name, ref_schema, cols, ref_cols in conn.execute(_FOREIGN_KEYS, params):
        if ref_schema != schema:
            continue
        one_to_one = tuple(cols) in keys.get(rel, set())
        foreign_keys.append((rel, list(conkey), ref, list(confkey),
                             Relationship(name, tuple(cols), one_to_one, ref_name, tuple(ref_cols))))
    exposed = _view_column_origins(conn, relations, schema)

    def copies(table: int, attnums: list[int]) -> list[tuple[Relation, tuple[str, ...]]]:
        """(view, view columns) for every view of the schema exposing all of ``attnums`` of ``table``."""
        found = []
        for view_oid, origins in exposed.items():
            per_column = [[name for name, origin in origins if origin == (table, n)] for n in attnums]
            if all(per_column):
                found += [(relations[view_oid], combo) for combo in product(*per_column)]
        return found

    for rel, conkey, ref, confkey, fk in foreign_keys:
        relations[rel].relationships.append(fk)
        from_views, to_views = copies(rel, conkey), copies(ref, confkey)
        for view, cols in from_views:
            view.relationships.append(Relationship(fk.foreign_key, cols, fk.one_to_one, fk.referenced_relation,
                                                   fk.referenced_columns))
        for view, cols in to_views:
            relations[rel].relationships.append(Relationship(fk.foreign_key, fk.columns, fk.one_to_one, view.name,
                                                             cols))
        for (view, cols), (target, target_cols) in product(from_views, to_views):
            view.relationships.append(Relationship(fk.foreign_key, cols, fk.one_to_one, target.name, target_cols))
    for rel in relations.values():
        rel.relationships.sort(key=lambda r: (order(r.foreign_key), order(r.referenced_relation),
                                              order(_json_list(r.referenced_columns)), order(_json_list(r.columns))))


def _json_list(names: tuple[str, ...]) -> str:
    return json.dumps(list(names), separators=(",", ":"), ensure_ascii=False)


def _view_column_origins(conn, relations: dict[int, Relation], schema: str) -> dict[int, list]:
    """For each view of the schema, its columns with the (relation oid, attnum) each one shows directly,
    followed through views of views: ``{view oid: [(column name, (relation, attnum)), ...]}``."""
    targets: dict[int, dict[int, tuple[int, int]]] = {}  # view -> {resno: origin}
    for view, action in conn.execute(_VIEW_QUERIES, {"schema": schema}):
        query = _parse_node_tree(action)[0]
        targets[view] = {int(e["resno"]): (int(e["resorigtbl"]), int(e["resorigcol"]))
                         for _node, e in query[1]["targetList"] if int(e["resorigtbl"])}
    found = {}
    for oid, rel in relations.items():
        if oid not in targets:
            continue
        names = {c.attnum: c.name for c in rel.columns}
        origins = []
        for resno, origin in targets[oid].items():
            seen = set()
            while origin and origin not in seen and resno in names:
                seen.add(origin)
                origins.append((names[resno], origin))
                origin = targets.get(origin[0], {}).get(origin[1])
        found[oid] = origins
    return found


_NODE_TOKEN = re.compile(r"[{}()]|(?:\\.|[^\s{}()\\])+")


def _parse_node_tree(text: str):
    """Parse a pg_node_tree (the stored query of a view): ``{NODE :field value ...}`` becomes
    ``(NODE, {field: value})``, ``( ... )`` a list, anything else stays a token string (``<>`` is NULL)."""
    tokens = _NODE_TOKEN.findall(text)
    pos = 0

    def value():
        nonlocal pos
        token = tokens[pos]
        pos += 1
        if token == "(":
            items = []
            while tokens[pos] != ")":
                items.append(value())
            pos += 1
            return items
        if token == "{":
            node, fields = tokens[pos], {}
            pos += 1
            while tokens[pos] != "}":
                name = tokens[pos][1:]
                pos += 1
                values = []
                while tokens[pos] != "}" and not tokens[pos].startswith(":"):
                    values.append(value())
                fields[name] = values[0] if len(values) == 1 else values
            pos += 1
            return node, fields
        return token

    return value()


# -- Python -------------------------------------------------------------------------------------------------
_PY_SCALARS = {"bool": "bool", "json": "Json", "jsonb": "Json", "void": "None",
               **dict.fromkeys(("int2", "int4", "int8"), "int"),
               **dict.fromkeys(("float4", "float8", "numeric"), "float"),
               **dict.fromkeys(("bytea", "bpchar", "varchar", "date", "text", "citext", "time", "timetz",
                                "timestamp", "timestamptz", "uuid", "vector", "interval"), "str")}


def class_name(name: str) -> str:
    """``dreamcut_queries`` -> ``DreamcutQueries`` (words split at anything but letters and digits).
    Raises DreamcutError when no Python name comes out (e.g. ``2024_jobs``)."""
    result = "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", name))
    if not result.isidentifier():
        raise DreamcutError(f"{name!r} gives no Python name in dreamcut_db.types: rename it")
    return result


def _py_type(api: Api, type_name: str) -> str:
    if type_name in _PY_SCALARS:
        return _PY_SCALARS[type_name]
    if type_name.startswith("_"):
        return f"list[{_py_type(api, type_name[1:])}]"
    if any(t.schema == api.schema for t in api.enums_named(type_name) + api.composites_named(type_name)):
        return class_name(type_name)
    return "object"  # what TypeScript calls unknown (inet, tsvector, ...): narrow it before use


def _py_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a Python string literal


def _docstring(text: str | None, indent: str = "    ") -> list[str]:
    """``text`` as a docstring, its paragraphs wrapped at 110 columns."""
    if not text:
        return []
    body = text.strip().replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    lines = [line for paragraph in body.split("\n\n")
             for line in ["", *textwrap.wrap(paragraph, 110 - len(indent), break_long_words=False,
                                              break_on_hyphens=False)]][1:]
    if len(lines) == 1 and len(lines[0]) + len(indent) + 6 <= 110:
        return [f'{indent}"""{lines[0]}"""']
    return [f'{indent}"""', *[f"{indent}{line}".rstrip() for line in lines], f'{indent}"""']


def _typed_dict(name: str, fields: list[tuple[str, str, bool]], doc: str | None) -> list[str]:
    """A TypedDict ``name`` with (key, type, required) fields; keys that are no identifiers (or are keywords)
    need the functional form."""
    lines = [""] * 2
    if any(not key.isidentifier() or keyword.iskeyword(key) for key, _, _ in fields):
        entries = [f'    {_py_string(key)}: {typ if req else f"NotRequired[{typ}]"},' for key, typ, req in fields]
        return lines + [f'{name} = TypedDict("{name}", {{', *entries, "})"]
    lines += [f"class {name}(TypedDict):", *_docstring(doc)]
    lines += [f"    {key}: {typ if req else f'NotRequired[{typ}]'}" for key, typ, req in fields]
    if not fields and not doc:
        lines.append("    pass")
    return lines


_PY_HEADER = '''"""Typed rows and function arguments of the dreamcut_db schema, for supabase-py and psycopg.

Generated by ``dreamcut-db types python`` from the migrations: do not edit (regenerate with
``dreamcut-db types --write``). Values are typed as PostgREST sends them in JSON: uuid, dates and timestamps
as ``str``, numeric as ``float``, jsonb as ``Json``; psycopg gives the same shape for ``select to_jsonb(t)``.
Per table ``<Table>`` (a row), ``<Table>Insert`` and ``<Table>Update``; per view its row; per function
``<Function>Args`` (parameters with defaults are ``NotRequired``); enums as ``Literal`` aliases.
Pass ``dict(args)`` to supabase-py's ``client.rpc(name, params)`` (it asks for a plain dict), or ``args`` as
the parameters of ``cursor.execute`` with ``%(name)s`` placeholders (wrap jsonb values in
``psycopg.types.json.Jsonb``).
"""

from collections.abc import Mapping, Sequence
from typing import Literal, NotRequired, TypeAlias, TypedDict, Union

Json: TypeAlias = Union[str, int, float, bool, None, Mapping[str, "Json"], Sequence["Json"]]
"""A JSON value (json and jsonb): dicts and lists of them as they come from JSON, any mapping or sequence
where one is passed."""
'''


_PY_RESERVED = ("Json", "Literal", "Mapping", "NotRequired", "Sequence", "TypeAlias", "TypedDict", "Union")


def python(api: Api) -> str:
    """The ``dreamcut_db.types`` module for ``api``. Raises DreamcutError when two objects would get the same
    Python name (e.g. a table ``x_args`` and a function ``x``)."""
    out = [_PY_HEADER.rstrip("\n")]
    names: dict[str, str] = {}

    def define(py_name: str, what: str) -> str:
        if py_name in names or py_name in _PY_RESERVED:
            raise DreamcutError(f"{what} and {names.get(py_name, 'the typing import')} would both be {py_name} "
                                f"in dreamcut_db.types: rename one of them")
        names[py_name] = what
        return py_name

    for enum in api.enums:
        labels = [_py_string(label) for label in enum.labels]
        alias = f"{define(class_name(enum.name), f'enum {enum.name}')}: TypeAlias = Literal[{', '.join(labels)}]"
        if len(alias) > 110:
            alias = alias.split("[", 1)[0] + "[\n" + "".join(f"    {label},\n" for label in labels) + "]"
        out += ["", alias]
    for composite in api.composite_types:
        out += _typed_dict(define(class_name(composite.name), f"type {composite.name}"), [
            (attribute, _py_type(api, api.type_name(oid)) + " | None", True)
            for attribute, oid in composite.attributes], f"The composite type {composite.name}.")
    for rel in api.tables + api.views:
        base = class_name(rel.name)
        kind = "view" if rel.is_view else "table"
        out += _typed_dict(define(base, f"{kind} {rel.name}"), [
            (c.name, _py_type(api, c.type) + (" | None" if c.nullable else ""), True) for c in rel.columns],
            rel.comment)
        writes = [("Insert", rel.insertable), ("Update", rel.updatable)] if rel.is_view else [
            ("Insert", True), ("Update", True)]
        for suffix, allowed in writes:
            if not allowed:
                continue
            fields = [(c.name, _py_type(api, c.type) + (" | None" if c.nullable or rel.is_view else ""),
                       suffix == "Insert" and not rel.is_view and not c.optional_on_insert)
                      for c in rel.columns if c.writable and (c.updatable or not rel.is_view)]
            out += _typed_dict(define(base + suffix, f"{kind} {rel.name} ({suffix.lower()})"), fields,
                               f"What ``{suffix.lower()}`` takes for {kind} {rel.name}.")
    for name, overloads in api.overloads().items():
        variants = []
        for i, fn in enumerate(overloads):
            py_name = class_name(name) + "Args" + (f"{i + 1}" if len(overloads) > 1 else "")
            fields = [(a.name, _py_type(api, api.type_name(a.type_oid)), not a.has_default) for a in fn.inputs]
            out += _typed_dict(define(py_name, f"function {name}({fn.identity})"), fields, fn.comment)
            variants.append(py_name)
        if len(variants) > 1:
            out += ["", f"{define(class_name(name) + 'Args', f'function {name}')}: TypeAlias = Union["
                        f"{', '.join(variants)}]"]
    return "\n".join(out) + "\n"


def render(api: Api, language: str) -> str:
    """The typed client for ``language`` (typescript | python)."""
    from . import typescript

    return typescript.render(api) if language == "typescript" else python(api)


def write(api: Api, language: str | None = None, check: bool = False) -> list[str]:
    """Write (or with ``check`` only compare) the committed typed clients, both or the one of ``language``.
    Returns the relative paths that were out of date."""
    from .workspace import write_files

    paths = {"typescript": TYPESCRIPT_FILE, "python": PYTHON_FILE}
    chosen = [language] if language else list(paths)
    return write_files({paths[lang]: render(api, lang) for lang in chosen}, check)
