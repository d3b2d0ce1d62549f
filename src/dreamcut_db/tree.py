"""``dreamcut-db snapshot``: the current definition of every object, one file each, and the schema index.

A scratch database gets the modules one by one in install order, and the catalog (catalog.py) is read after
each: an object belongs to the module after which it first appears (so ownership comes from the migrations,
never from a list), and a later module that changes it is named in its file. The tree

    sql/<module>/<kind>/<schema>.<name>.sql      kind: tables, views, functions, procedures, enums, schemas

holds, per table, its columns, constraints, indexes, storage options, RLS flags, policies, triggers, grants
(column grants too), publication membership and comments; per function or procedure its complete
``create or replace`` statement, comment and grants; per view its definition, options, comments and grants;
per enum its labels and comment. It is SQL in the project's style (lowercase outside literals, every name
schema-qualified): what a reviewer reads and diffs, and what ``dreamcut-db new --rework`` copies into a new
migration. ``docs/schema.md`` is the index: per module an ER diagram (Mermaid) and a link to each file.

Deparsed SQL differs between PostgreSQL majors (views, expressions), so the tree is generated and compared on
PostgreSQL 18, the embedded default (``TREE_MAJOR``); docs/schema.md holds nothing that differs and is
compared on every major.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from . import bundle, catalog
from .database import connect
from .errors import DreamcutError
from .modules import MigrationSet
from .workspace import TEMPLATES, scratch_database, write_files

#: The PostgreSQL major the tree is generated and compared on (the embedded default).
TREE_MAJOR = 18
#: Folder of each kind of object, under sql/<module>/.
KIND_FOLDERS = {"table": "tables", "view": "views", "materialized view": "materialized_views",
                "function": "functions", "procedure": "procedures", "enum": "enums", "schema": "schemas"}
#: Template (templates/tree_<name>.sql.j2) of each kind.
_TEMPLATE = {"table": "table", "view": "view", "materialized view": "view", "function": "function",
             "procedure": "function", "enum": "enum", "schema": "schema"}
#: The roles whose privileges a file states: revoked from all of them first, then granted as they are.
_REVOKED_FROM = ", ".join(catalog.API_ROLES)


@dataclass
class Schema:
    """The catalog of a database with every module (read on PostgreSQL ``major``), its functions' statements,
    which module created each object and which later modules changed it, the modules in install order."""

    major: int
    objects: dict[str, dict]
    definitions: dict[str, str]
    module_of: dict[str, str]
    changed_by: dict[str, list[str]]
    modules: list[str]
    #: PostgreSQL's keywords that a name must be quoted to be (pg_get_keywords: all but unreserved).
    keywords: frozenset[str]

    def ident(self, name: str) -> str:
        """``name`` as SQL: quoted when it is not a plain lowercase identifier or is a keyword."""
        if re.fullmatch(r"[a-z_][a-z0-9_$]*", name) and name not in self.keywords:
            return name
        return '"' + name.replace('"', '""') + '"'


def read(url: str, cat: MigrationSet) -> Schema:
    """Install ``cat``'s modules one by one into a scratch database on ``url``'s server and read the catalog.

    Each module goes in through its psql bundle (bundle.py: one round trip, the same catalog as the runner's,
    which the tests check), so reading takes seconds.

    Raises DreamcutError without the CREATEDB privilege.
    """
    module_of: dict[str, str] = {}
    changed_by: dict[str, list[str]] = defaultdict(list)
    previous: dict[str, dict] = {}
    with scratch_database(url, cat, []) as scratch, connect(scratch, autocommit=True) as conn:
        for module in cat.modules:
            conn.execute(bundle.migrate_sql(cat, [module]))
            objects = catalog.snapshot(conn)
            for key, value in objects.items():
                if key not in module_of:
                    module_of[key] = module
                elif previous.get(key) != value:
                    changed_by[key].append(module)
            previous = objects
        definitions = catalog.function_definitions(conn)
        keywords = frozenset(w for w, in conn.execute("select word from pg_get_keywords() where catcode <> 'U'"))
        major = conn.info.server_version // 10000
    return Schema(major, objects, definitions, module_of, dict(changed_by), cat.modules, keywords)


# ----------------------------------------------------------------------------------------- SQL in house style

_IDENT_CHAR = re.compile(r"[A-Za-z0-9_$]")
_DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$")


def lower_sql(text: str) -> str:
    """``text`` (SQL as PostgreSQL deparses it) with everything lowercase but string literals, quoted
    identifiers and dollar-quoted bodies: the same SQL (keywords and unquoted names are case-insensitive)."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        prev_ident = i > 0 and _IDENT_CHAR.match(text[i - 1]) is not None
        if c in "eE" and i + 1 < n and text[i + 1] == "'" and not prev_ident:
            j = i + 2
            while j < n and not (text[j] == "'" and text[j + 1:j + 2] != "'"):
                j += 2 if text[j] in "\\'" else 1
            out.append("e" + text[i + 1:j + 1])
            i = j + 1
        elif c in "'\"":
            j = i + 1
            while j < n and not (text[j] == c and text[j + 1:j + 2] != c):
                j += 2 if text[j] == c else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif c == "$" and not prev_ident and (m := _DOLLAR_TAG.match(text, i)):
            end = text.find(m.group(), m.end())
            end = n if end < 0 else end + len(m.group())
            out.append(text[i:end])
            i = end
        else:
            j = i + 1
            while j < n and text[j] not in "eE'\"$":
                j += 1
            out.append(text[i:j].lower())
            i = j
    return "".join(out)


def literal(value: str | None, width: int = 100) -> str:
    """A SQL string literal (standard_conforming_strings), or ``null``. A long one-line text is cut at spaces
    into literals on consecutive lines, which SQL joins into the same string (the migrations' style)."""
    if value is None:
        return "null"
    chunks = [""]
    for word in re.split(r"(?<= )", value) if "\n" not in value else [value]:
        if chunks[-1] and len(chunks[-1]) + len(word) > width:
            chunks.append("")
        chunks[-1] += word
    return "\n".join("'" + chunk.replace("'", "''") + "'" for chunk in chunks)


def _name(key: str) -> tuple[str, str]:
    """(kind, schema-qualified name without arguments) of a snapshot key."""
    for kind in sorted(KIND_FOLDERS, key=len, reverse=True):
        if key.startswith(kind + " "):
            return kind, key[len(kind) + 1:].split("(", 1)[0]
    raise DreamcutError(f"the tree has no folder for {key!r}: add its kind to tree.KIND_FOLDERS and a template")


def _grants(on: str, grants: dict[str, list[str]]) -> list[str]:
    """``grant`` statements for ``{role: [PRIVILEGE, ...]}``, roles with the same privileges together."""
    by_privileges: dict[str, list[str]] = defaultdict(list)
    for role, privileges in sorted(grants.items()):
        by_privileges[", ".join(p.lower() for p in privileges)].append(role)
    return [f"grant {privileges} on {on} to {', '.join(roles)};" for privileges, roles in sorted(by_privileges.items())]


def _column_grants(table: str, columns: dict[str, dict], ident) -> list[str]:
    """``grant update (a, b) on table t to role;`` for the column grants, in column order."""
    cols: dict[tuple[str, str], list[str]] = defaultdict(list)
    for column, c in columns.items():
        for grant in c["grants"]:
            role, privilege = grant.split(":")
            cols[(privilege.lower(), role)].append(ident(column))
    roles: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)
    for (privilege, role), names in cols.items():
        roles[(privilege, tuple(names))].append(role)
    return [f"grant {privilege} ({', '.join(names)}) on table {table} to {', '.join(sorted(rs))};"
            for (privilege, names), rs in sorted(roles.items())]


_CONSTRAINT_ORDER = ("PRIMARY KEY", "UNIQUE", "FOREIGN KEY", "CHECK", "EXCLUDE")


def _table(name: str, t: dict, ident) -> dict:
    columns = []
    for column, c in t["columns"].items():
        words = [ident(column), c["type"]]
        if c["generated"]:
            words.append(f"generated always as ({lower_sql(c['default'])}) "
                         f"{'stored' if c['generated'] == 's' else 'virtual'}")
        elif c["default"] is not None:
            words.append(f"default {lower_sql(c['default'])}")
        if c["identity"]:
            words.append(f"generated {'always' if c['identity'] == 'a' else 'by default'} as identity")
        if c["not_null"]:
            words.append("not null")
        columns.append(" ".join(words))
    constraints = sorted(t["constraints"].items(), key=lambda kv: (
        next((i for i, p in enumerate(_CONSTRAINT_ORDER) if kv[1].startswith(p)), len(_CONSTRAINT_ORDER)), kv[0]))
    triggers = []
    for trigger, definition in sorted(t["triggers"].items()):
        statement, alter = catalog.trigger_parts(definition)
        triggers.append(lower_sql(statement) + ";")
        if alter:
            triggers.append(f"alter table {name} {alter} {ident(trigger)};")
    policies = []
    for policy, p in sorted(t["policies"].items()):
        text = (f"create policy {ident(policy)} on {name}\nas {'permissive' if p['permissive'] else 'restrictive'}\n"
                f"for {p['command']}\nto {', '.join(p['roles'])}")
        if p["using"] is not None:
            text += f"\nusing ({lower_sql(p['using'])})"
        if p["with_check"] is not None:
            text += f"\nwith check ({lower_sql(p['with_check'])})"
        policies.append(text + ";")
    return {
        "columns": columns + [f"constraint {ident(c)} {lower_sql(d)}" for c, d in constraints],
        "indexes": [lower_sql(d) + ";" for i, d in sorted(t["indexes"].items()) if i not in t["constraints"]],
        "options": t["options"], "rls_enabled": t["rls_enabled"], "rls_forced": t["rls_forced"],
        "policies": policies, "triggers": triggers,
        "grants": _grants(f"table {name}", t["grants"]) + _column_grants(name, t["columns"], ident),
        "publications": t["publications"],
        "column_comments": [(ident(c), literal(v["comment"])) for c, v in t["columns"].items()
                            if v["comment"] is not None],
    }


def _split_arguments(text: str) -> list[str]:
    """A deparsed argument list split at its top-level commas (not inside parentheses, brackets or quotes)."""
    parts, depth, start, quote = [], 0, 0, ""
    for i, c in enumerate(text):
        if quote:
            quote = "" if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    return parts + [text[start:].strip()]


def _function_definition(definition: str, arguments: str) -> str:
    """pg_get_functiondef's statement in house style: lowercase, header lines unindented, one argument a line
    when they do not fit on the first, ending in ``;``."""
    lines = definition.rstrip().splitlines()
    first = lines[0]
    if len(first) > 120 and first.endswith(f"({arguments})"):
        lines[0] = first[:-len(arguments) - 1] + "\n    " + ",\n    ".join(_split_arguments(arguments)) + "\n)"
    for i, line in enumerate(lines):
        lines[i] = line.lstrip()
        if line.startswith(("AS ", "BEGIN ATOMIC")):
            break
    return lower_sql("\n".join(lines)) + ";"


def _view(name: str, v: dict, ident) -> dict:
    return {
        "definition": lower_sql(v["definition"].strip().rstrip(";")).strip() + ";",
        "options": v["options"], "triggers": [lower_sql(d) + ";" for _, d in sorted(v["triggers"].items())],
        "columns": [f"{ident(c)} {col['type']}" for c, col in v["columns"].items()],
        "column_comments": [(ident(c), literal(col["comment"])) for c, col in v["columns"].items()
                            if col["comment"] is not None],
        "grants": _grants(f"table {name}", v["grants"]) + _column_grants(name, v["columns"], ident),
    }


def files(schema: Schema) -> dict[str, str]:
    """Relative path -> text of every file of the tree, and docs/schema.md."""
    out: dict[str, str] = {}
    by_file: dict[str, list[str]] = defaultdict(list)
    for key in schema.objects:
        kind, name = _name(key)
        by_file[f"sql/{schema.module_of[key]}/{KIND_FOLDERS[kind]}/{name}.sql"].append(key)
    for path, keys in sorted(by_file.items()):
        kind, name = _name(keys[0])
        items = []
        for key in sorted(keys):
            obj = schema.objects[key]
            signature = key[len(kind) + 1:].replace(",", ", ")  # regprocedure: no commas inside a type
            item = {"signature": signature, "comment": literal(obj["comment"])}
            if kind == "table":
                item.update(_table(name, obj, schema.ident))
            elif kind in ("view", "materialized view"):
                item.update(_view(name, obj, schema.ident))
            elif kind in ("function", "procedure"):
                item["definition"] = _function_definition(schema.definitions[key], obj["arguments"])
                item["grants"] = [f"grant execute on {kind} {signature} to {', '.join(obj['execute'])};"] if obj[
                    "execute"] else []
            elif kind == "enum":
                item["labels"] = ", ".join(literal(label) for label in obj["labels"])
            elif kind == "schema":
                item["grants"] = _grants(f"schema {name}", _schema_grants(obj["grants"]))
            items.append(item)
        changed = sorted({m for key in keys for m in schema.changed_by.get(key, [])})
        out[path] = TEMPLATES.get_template(f"tree_{_TEMPLATE[kind]}.sql.j2").render(
            kind=kind, name=name, module=schema.module_of[keys[0]], changed_by=changed, items=items,
            revoked_from=_REVOKED_FROM,
        )
    out["docs/schema.md"] = schema_markdown(schema, {key: path for path, keys in by_file.items() for key in keys})
    return out


def _schema_grants(grants: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for grant in grants:
        role, privilege = grant.split(":")
        out[role].append(privilege)
    return dict(out)


# ----------------------------------------------------------------------------------------------- docs/schema.md

_FK = re.compile(r"FOREIGN KEY \(([^)]*)\) REFERENCES ([\w.]+)\(")


def _summary(comment: str | None, limit: int = 200) -> str:
    """The first sentence of a comment, on one line and at most ``limit`` characters, for the index."""
    if not comment:
        return "(no comment)"
    text = re.split(r"(?<=\.)\s+(?=[A-Z])", " ".join(comment.split()), maxsplit=1)[0]
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + " ..."
    return text.replace("|", "\\|")


def schema_markdown(schema: Schema, path_of: dict[str, str]) -> str:
    """docs/schema.md: per module an ER diagram of its tables and the index of its objects."""
    modules = []
    for module in schema.modules:
        keys = [k for k in schema.objects if schema.module_of[k] == module]
        tables, edges, kinds = [], [], defaultdict(list)
        for key in keys:
            kind, name = _name(key)
            obj = schema.objects[key]
            entry = {"name": name, "path": "../" + path_of[key], "summary": _summary(obj["comment"])}
            if entry["path"] not in {e["path"] for e in kinds[KIND_FOLDERS[kind]]}:  # overloads share a file
                kinds[KIND_FOLDERS[kind]].append(entry)
            if kind != "table":
                continue
            pk_cols, fk_cols = set(), set()
            for definition in obj["constraints"].values():
                if definition.startswith("PRIMARY KEY"):
                    inside = definition[definition.index("(") + 1:definition.index(")")]
                    pk_cols |= {c.strip() for c in inside.split(",")}
                if m := _FK.match(definition):
                    cols = [c.strip() for c in m.group(1).split(",")]
                    fk_cols |= set(cols)
                    edges.append({"parent": m.group(2).split(".")[-1], "child": name.split(".")[-1],
                                  "columns": ", ".join(cols)})
            tables.append({"short": name.split(".")[-1], "columns": [
                {"name": col, "pk": col in pk_cols, "fk": col in fk_cols,
                 "type": re.sub(r"\W+", "_", c["type"].replace("[]", "_array")).strip("_")}
                for col, c in obj["columns"].items()]})
        if keys:
            modules.append({"name": module, "tables": tables,
                            "edges": sorted(edges, key=lambda e: (e["parent"], e["child"], e["columns"])),
                            "kinds": [(folder, sorted(kinds[folder], key=lambda o: o["name"]))
                                      for folder in dict.fromkeys(KIND_FOLDERS.values()) if kinds[folder]]})
    return TEMPLATES.get_template("schema.md.j2").render(modules=modules)


def write(schema: Schema, check: bool = False) -> list[str]:
    """Write (or with ``check`` only compare) the tree and docs/schema.md; a file of the tree whose object is
    gone is deleted (or, with ``check``, reported). Returns the relative paths that were out of date.

    Raises DreamcutError when ``schema`` was read on another major than ``TREE_MAJOR``.
    """
    if schema.major != TREE_MAJOR:
        raise DreamcutError(
            f"the tree is generated on PostgreSQL {TREE_MAJOR} (other majors deparse differently) and this server "
            f"is {schema.major}: run it on the embedded server (no --database-url, no DATABASE_URL) or one of "
            f"{TREE_MAJOR}"
        )
    tree = files(schema)
    folders = {f"sql/{m}/{folder}" for m in schema.modules for folder in KIND_FOLDERS.values()}
    return write_files(tree, check, prune=tuple(sorted(folders)), command="dreamcut-db snapshot")
