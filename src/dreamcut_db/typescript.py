"""The ``Database`` type supabase-js v2 reads, for ``dreamcut-db types typescript``.

Same shape, same order and same layout as Supabase's own generator (@supabase/postgrest-typegen, which
``supabase gen types typescript`` runs; its output is formatted with printWidth 80 and no semicolons): the
tests compare this output with that generator's on the same database. Per schema ``Tables`` (``Row``,
``Insert``, ``Update``, ``Relationships``), ``Views``, ``Functions`` (``Args``, ``Returns``, and
``SetofOptions`` where a function returns rows of a relation; overloads as a union), ``Enums`` and
``CompositeTypes``; then the helper types (``Tables<>``, ``TablesInsert<>``, ``TablesUpdate<>``, ``Enums<>``,
``CompositeTypes<>``) and the ``Constants`` object of enum values.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass

from .typegen import Api, Column, Function, Relation, Relationship

# -- layout: the subset of Prettier's document printer (groups that break when they do not fit) -------------
WIDTH = 80


@dataclass
class Group:
    contents: object
    breaks: bool = False  # laid out broken whatever the width (an object written expanded, or a hard line)


@dataclass
class Indent:
    contents: object


@dataclass
class IfBreak:
    broken: object
    flat: object = ""


@dataclass(frozen=True)
class Line:
    flat: str  # what it is when its group fits on the line; else a new line


LINE = Line(" ")
SOFTLINE = Line("")


def _propagate(doc) -> bool:
    """Mark every group holding a breaking group as breaking too; True if ``doc`` holds one."""
    if isinstance(doc, list):
        return any([_propagate(d) for d in doc])
    if isinstance(doc, Group):
        doc.breaks = _propagate(doc.contents) or doc.breaks
        return doc.breaks
    if isinstance(doc, Indent):
        return _propagate(doc.contents)
    if isinstance(doc, IfBreak):
        return any([_propagate(doc.broken), _propagate(doc.flat)])
    return False


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in text)


def _fits(next_cmd, rest: list, width: int) -> bool:
    """Whether ``next_cmd`` laid out flat, with what follows it up to the next line break, fits in ``width``."""
    cmds, rest_index = [next_cmd], len(rest)
    while width >= 0:
        if not cmds:
            if rest_index == 0:
                return True
            rest_index -= 1
            cmds.append(rest[rest_index])
            continue
        indent, broken, doc = cmds.pop()
        if isinstance(doc, str):
            width -= _width(doc)
        elif isinstance(doc, list):
            cmds.extend((indent, broken, d) for d in reversed(doc))
        elif isinstance(doc, Indent):
            cmds.append((indent, broken, doc.contents))
        elif isinstance(doc, Group):
            cmds.append((indent, broken or doc.breaks, doc.contents))
        elif isinstance(doc, IfBreak):
            cmds.append((indent, broken, doc.broken if broken else doc.flat))
        elif isinstance(doc, Line):
            if broken:
                return True
            width -= len(doc.flat)
    return False


def layout(doc) -> str:
    """Print ``doc`` within WIDTH columns, indenting by two spaces."""
    _propagate(doc)
    out: list[str] = []
    pos = 0
    cmds = [(0, True, doc)]
    while cmds:
        indent, broken, doc = cmds.pop()
        if isinstance(doc, str):
            out.append(doc)
            pos += _width(doc)
        elif isinstance(doc, list):
            cmds.extend((indent, broken, d) for d in reversed(doc))
        elif isinstance(doc, Indent):
            cmds.append((indent + 2, broken, doc.contents))
        elif isinstance(doc, Group):
            flat = not doc.breaks and (not broken or _fits((indent, False, doc.contents), cmds, WIDTH - pos))
            cmds.append((indent, not flat, doc.contents))
        elif isinstance(doc, IfBreak):
            cmds.append((indent, broken, doc.broken if broken else doc.flat))
        elif isinstance(doc, Line):
            if broken:
                while out and not out[-1].strip(" "):
                    out.pop()
                out[-1:] = [out[-1].rstrip(" ")] if out else []  # no trailing space before a line break
                out.append("\n" + " " * indent)
                pos = indent
            else:
                out.append(doc.flat)
                pos += len(doc.flat)
    return "".join(out)


def _join(separator, docs: list) -> list:
    joined: list = []
    for i, d in enumerate(docs):
        joined += [separator, d] if i else [d]
    return joined


# -- TypeScript syntax as the generator's formatter prints it -----------------------------------------------
_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")


def string(text: str) -> str:
    """A string literal: double quotes unless the text holds more double than single quotes."""
    if text.count('"') > text.count("'"):
        return "'" + json.dumps(text, ensure_ascii=False)[1:-1].replace('\\"', '"').replace("'", "\\'") + "'"
    return json.dumps(text, ensure_ascii=False)


def key(name: str) -> str:
    return name if _IDENTIFIER.match(name) else string(name)


def member(name: str, type_doc, optional: bool = False) -> list:
    return [name, "?" if optional else "", ": ", type_doc]


def object_type(members: list, expanded: bool) -> object:
    """``{ a: A; b: B }``, or one member a line; ``expanded`` when the generator writes it over lines."""
    if not members:
        return "{}"
    return Group(["{", Indent([LINE, _join([IfBreak("", ";"), LINE], members)]), LINE, "}"], expanded)


def union(types: list) -> object:
    """``A | B``, or, when too long, one ``| type`` a line below the member it types (a type over several
    lines aligned after its ``| ``)."""
    if len(types) == 1:
        return types[0]
    return Group(Indent([IfBreak([LINE, "| "]), _join([LINE, "| "], [Indent(t) for t in types])]))


def tuple_type(elements: list) -> object:
    """``[a, b]`` (also an array literal), or one element a line with a trailing comma."""
    if not elements:
        return "[]"
    return Group(["[", Indent([SOFTLINE, _join([",", LINE], elements)]), IfBreak(","), SOFTLINE, "]"])


def object_literal(properties: list) -> object:
    if not properties:
        return "{}"
    return Group(["{", Indent([LINE, _join([",", LINE], properties)]), IfBreak(","), LINE, "}"], True)


# -- the Database type --------------------------------------------------------------------------------------
_SCALARS = {"bool": "boolean", "json": "Json", "jsonb": "Json", "void": "undefined",
            "record": "Record<string, unknown>",
            **dict.fromkeys(("int2", "int4", "int8", "float4", "float8", "numeric"), "number"),
            **dict.fromkeys(("bytea", "bpchar", "varchar", "date", "text", "citext", "time", "timetz",
                             "timestamp", "timestamptz", "uuid", "vector", "interval"), "string")}


def ts_type(api: Api, type_name: str, type_schema: str | None = None) -> str:
    """The TypeScript type of a value of pg_type ``type_name`` (``_x`` is an array of ``x``); ``unknown``
    for types JSON has no shape for (inet, tsvector, ranges, ...)."""
    if type_name in _SCALARS:
        return _SCALARS[type_name]
    if type_name.startswith("_"):
        element = ts_type(api, type_name[1:], type_schema)
        return f"({element})[]" if " | " in element else f"{element}[]"
    prefer = type_schema or api.schema
    named = (("Enums", api.enums_named(type_name)), ("CompositeTypes", api.composites_named(type_name)))
    for kind, candidates in named:
        if candidates:
            chosen = next((t for t in candidates if t.schema == prefer), candidates[0])
            if chosen.schema == api.schema:
                return f"Database[{string(api.schema)}][{string(kind)}][{string(chosen.name)}]"
            return " | ".join(map(string, chosen.labels)) if kind == "Enums" else "unknown"
    for kind, relations in (("Tables", api.tables), ("Views", api.views)):
        if any(r.name == type_name for r in relations):
            return f"Database[{string(api.schema)}][{string(kind)}][{string(type_name)}][\"Row\"]"
    return "unknown"


def _nullable(type_text: str, nullable: bool):
    """A column's type: ``T | null`` when nullable (``unknown`` already holds null); a NOT NULL json is
    ``NonNullable<Json>`` (Json itself holds null)."""
    if type_text == "Json" and not nullable:
        return "NonNullable<Json>"
    if type_text in ("unknown", "any") or not nullable:
        return type_text
    return union([type_text, "null"])


def _column(api: Api, column: Column, optional: bool = False, nullable: bool | None = None):
    kind = ts_type(api, column.type, column.type_schema)
    return member(key(column.name), _nullable(kind, column.nullable if nullable is None else nullable), optional)


def _relationship(rel: Relationship):
    return object_type([
        member("foreignKeyName", string(rel.foreign_key)),
        member("columns", tuple_type([string(c) for c in rel.columns])),
        member("isOneToOne", "true" if rel.one_to_one else "false"),
        member("referencedRelation", string(rel.referenced_relation)),
        member("referencedColumns", tuple_type([string(c) for c in rel.referenced_columns])),
    ], expanded=True)


def _computed_fields(api: Api, relation: Relation) -> list:
    """Functions taking one row of ``relation``: PostgREST selects them like columns."""
    fields = []
    for fn in api.functions:
        inputs = fn.inputs
        row_type = api.types.get(inputs[0].type_oid) if len(inputs) == 1 else None
        if (row_type.relation_oid == relation.oid) if row_type and row_type.relation_oid else (
                fn.signature == relation.name):
            fields.append(member(key(fn.name), _nullable_returns(api, fn)))
    return fields


def _nullable_returns(api: Api, fn: Function):
    """A computed field's type: what the function returns, or null."""
    returns = _returns(api, fn)
    if not isinstance(returns, str):
        return [returns, " | null"]  # an object type stays on its lines: { ... } | null
    return _nullable(returns, True)


def _relation(api: Api, rel: Relation):
    members = [member("Row", object_type([_column(api, c) for c in rel.columns] + _computed_fields(api, rel),
                                         expanded=True))]
    if not rel.is_view:
        never = lambda c: member(key(c.name), "never", True)  # noqa: E731
        members.append(member("Insert", object_type(
            [_column(api, c, c.optional_on_insert) if c.writable else never(c) for c in rel.columns], True)))
        members.append(member("Update", object_type(
            [_column(api, c, True) if c.writable else never(c) for c in rel.columns], True)))
    for name, allowed in (("Insert", rel.insertable), ("Update", rel.updatable)) if rel.is_view else ():
        if allowed:
            members.append(member(name, object_type([
                _column(api, c, True, nullable=True) if c.updatable else member(key(c.name), "never", True)
                for c in rel.columns], True)))
    members.append(member("Relationships", tuple_type([_relationship(r) for r in rel.relationships])))
    return member(key(rel.name), object_type(members, expanded=True))


def _returns(api: Api, fn: Function):
    """What a call of ``fn`` returns, before the array of a set-returning function."""
    if fn.table_columns:
        return object_type([member(key(a.name), _arg_type(api, a.type_oid)) for a in fn.table_columns], True)
    relation = api.relation(fn.return_relation_oid)
    if relation:
        return object_type([_column(api, c) for c in relation.columns], True)
    return _arg_type(api, fn.return_oid)


def _arg_type(api: Api, type_oid: int) -> str:
    pg_type = api.types.get(type_oid)
    return ts_type(api, pg_type.name, pg_type.schema) if pg_type else "unknown"


def _returned_relation(api: Api, fn: Function) -> str | None:
    """The relation (or composite type) whose rows ``fn`` returns, for SetofOptions."""
    if not fn.return_relation_oid:
        return None
    relation = api.relation(fn.return_relation_oid)
    if relation:
        return relation.name
    row_type = api.types.get(fn.return_oid)
    return row_type.name if row_type and row_type.relation_oid else None


def _conflict(api: Api, fn: Function, overloads: list[Function]) -> str | None:
    """PostgREST's error for overloads it cannot tell apart by argument names (no arguments against one
    unnamed defaulted argument; one argument of the same name and different types)."""
    if len(overloads) < 2:
        return None
    inputs = fn.inputs
    others = [(o, o.inputs) for o in overloads if o is not fn]
    if not inputs:
        clash = next((o for o, i in others if len(i) == 1 and not i[0].name and i[0].has_default), None)
        if clash:
            return (f"Could not choose the best candidate function between: {api.schema}.{fn.name}(), "
                    f"{api.schema}.{fn.name}( => {api.type_name(clash.return_oid)}). Try renaming the parameters "
                    f"or the function itself in the database so function overloading can be resolved")
    if len(inputs) == 1 and inputs[0].name:
        clashes = [(o, i) for o, i in others
                   if len(i) == 1 and i[0].name == inputs[0].name and i[0].type_oid != inputs[0].type_oid]
        if clashes:
            listed = sorted([(fn, inputs)] + clashes, key=lambda c: c[1][0].type_oid)
            names = ", ".join(
                f"{api.schema}.{fn.name}({', '.join(f'{a.name} => {api.type_name(a.type_oid)}' for a in i)})"
                for _, i in listed)
            return (f"Could not choose the best candidate function between: {names}. Try renaming the parameters "
                    f"or the function itself in the database so function overloading can be resolved")
    return None


def _signature(api: Api, fn: Function, overloads: list[Function]):
    inputs = fn.inputs
    args = object_type([member(key(a.name), _arg_type(api, a.type_oid), a.has_default) for a in inputs],
                       False) if inputs else "Record<PropertyKey, never>"
    returns = _returns(api, fn)
    conflict = _conflict(api, fn, overloads)
    row_type = api.types.get(inputs[0].type_oid) if len(inputs) == 1 and not inputs[0].name else None
    if conflict:
        returns = _error(conflict)
    elif row_type and row_type.relation_oid and not _returned_relation(api, fn):
        returns = _error(f"the function {api.schema}.{fn.name} with parameter or with a single unnamed json/jsonb "
                         f"parameter, but no matches were found in the schema cache")
    members = [member("Args", args)]
    target = _returned_relation(api, fn)
    many = fn.rows is not None and fn.rows > 1
    if fn.returns_set and (many or target is None):
        returns = [returns, "[]"]
    members.append(member("Returns", returns))
    if target:
        source, one, setof = "*", not many, fn.returns_set
        sole = api.types.get(fn.arguments[0].type_oid) if len(fn.arguments) == 1 else None
        if sole and sole.relation_oid:
            source = sole.name if sole.schema == api.schema else f"{sole.schema}.{sole.name}"
            if not (fn.returns_set and fn.return_relation_oid):
                one = True
            setof = bool(fn.returns_set and fn.return_relation_oid)
        members.append(member("SetofOptions", object_type([
            member("from", string(source)), member("to", string(target)),
            member("isOneToOne", "true" if one else "false"), member("isSetofReturn", "true" if setof else "false"),
        ], expanded=True)))
    return object_type(members, expanded=False)


def _error(message: str) -> list:
    """The type of a call PostgREST refuses: ``{ error: true } & "<its message>"``."""
    return [object_type([member("error", "true")], expanded=False), " & ", string(message)]


def _functions(api: Api) -> list:
    return [member(key(name), union([_signature(api, fn, overloads) for fn in overloads]))
            for name, overloads in api.overloads().items()]


def _section(members: list):
    return object_type(members or ["[_ in never]: never"], expanded=True)


def _schema(api: Api):
    return member(key(api.schema), object_type([
        member("Tables", _section([_relation(api, r) for r in api.tables])),
        member("Views", _section([_relation(api, r) for r in api.views])),
        member("Functions", _section(_functions(api))),
        member("Enums", _section([member(key(e.name), union([string(label) for label in e.labels]))
                                  for e in api.enums])),
        member("CompositeTypes", _section([
            member(key(t.name), object_type([member(key(name), _nullable(_arg_type(api, oid), True))
                                             for name, oid in t.attributes], True))
            for t in api.composite_types])),
    ], expanded=True))


_JSON = """export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]
"""


#: The helper types after the Database type: ``Tables<"x">`` is the Row of table or view x of the default
#: schema (``Tables<{ schema: "s" }, "x">`` of schema s), likewise ``TablesInsert<>``, ``TablesUpdate<>``,
#: ``Enums<>`` and ``CompositeTypes<>``; as supabase-js users know them from ``supabase gen types``.
_HELPERS = """type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, {default_schema}>]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never"""


def render(api: Api) -> str:
    """The whole ``database.ts`` for ``api``."""
    database = layout(["export type Database = ", object_type([_schema(api)], expanded=True)])
    constants = layout(["export const Constants = ", object_literal([
        [key(api.schema), ": ", object_literal([["Enums", ": ", object_literal([
            [key(e.name), ": ", tuple_type([string(label) for label in e.labels])] for e in api.enums])]])]]),
        " as const"])
    helpers = _HELPERS.replace("{default_schema}", string(api.schema))
    return "\n".join([_JSON, database, "", helpers, "", constants]) + "\n"
