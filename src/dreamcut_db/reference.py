"""``dreamcut-db snapshot``: the committed, reviewable picture of the schema the migrations produce.

From a scratch database with every module installed it writes ``sql/schema.json`` (the normalized catalog
snapshot of catalog.py: ordered, free of oids, owners and other version noise, so a schema change is a
readable diff in review; generate it on PostgreSQL 18, the embedded default: other majors deparse views
differently) and ``docs/schema.md`` (reference and Mermaid ER diagram, rendered with jinja2).
The tests regenerate both from their migrated template and fail when the committed files differ.
"""

from __future__ import annotations

import json
import re

from .workspace import TEMPLATES, write_files

#: The PostgreSQL major ``sql/schema.json`` is generated on (the embedded default); view definitions are
#: deparsed differently by other majors, so the tests compare the JSON only on this one.
SNAPSHOT_MAJOR = 18
_FK = re.compile(r"FOREIGN KEY \(([^)]*)\) REFERENCES ([\w.]+)\(")
_CMD_WORDS = {"select": "read", "insert": "insert", "update": "update", "delete": "delete", "all": "do anything with"}


def snapshot_json(snap: dict) -> str:
    return json.dumps(snap, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _policy_words(p: dict) -> str:
    who = ", ".join(p["roles"])
    text = f"{who} may {_CMD_WORDS[p['command']]} rows"
    if p["using"]:
        text += f" where `{' '.join(p['using'].split())}`"
    if p["with_check"]:
        text += f"{' and' if p['using'] else ''} writing only rows where `{' '.join(p['with_check'].split())}`"
    return text + ("" if p["permissive"] else " (restrictive)")


def schema_markdown(snap: dict) -> str:
    """The schema reference page for a snapshot."""
    tables, views, functions, enums, fks = [], [], [], [], []
    for key, item in snap.items():
        kind, name = key.split(" ", 1) if not key.startswith("materialized view") else ("view", key[18:])
        if kind == "table":
            short = name.split(".")[-1]
            pk_cols = set()
            fk_cols = set()
            for definition in item["constraints"].values():
                if definition.startswith("PRIMARY KEY"):
                    pk_cols |= {c.strip() for c in definition[definition.index("(") + 1:definition.index(")")].split(",")}
                m = _FK.match(definition)
                if m:
                    cols = [c.strip() for c in m.group(1).split(",")]
                    fk_cols |= set(cols)
                    fks.append({"parent": m.group(2).split(".")[-1], "child": short, "columns": ", ".join(cols)})
            columns = [
                {"name": col, **c, "pk": col in pk_cols, "fk": col in fk_cols,
                 "mermaid_type": re.sub(r"\W+", "_", c["type"].replace("[]", "_array")).strip("_")}
                for col, c in item["columns"].items()
            ]
            tables.append({
                "name": name, "short": short, "comment": item["comment"], "columns": columns,
                "rls_enabled": item["rls_enabled"], "rls_forced": item["rls_forced"], "grants": item["grants"],
                "publications": item["publications"], "triggers": sorted(item["triggers"]),
                "policies": [{"name": n, "words": _policy_words(p)} for n, p in sorted(item["policies"].items())],
            })
        elif kind == "view":
            views.append({"name": name, **item})
        elif kind == "enum":
            enums.append({"name": name, **item})
        elif kind in ("function", "procedure"):
            functions.append({"signature": name, "procedure": kind == "procedure", **item})
    return TEMPLATES.get_template("schema.md.j2").render(
        tables=tables, views=views, enums=enums, functions=functions,
        foreign_keys=sorted(fks, key=lambda f: (f["parent"], f["child"], f["columns"])),
    )


def files(snap: dict) -> dict[str, str]:
    """Relative path -> content of the committed files made from a snapshot."""
    return {"sql/schema.json": snapshot_json(snap), "docs/schema.md": schema_markdown(snap)}


def write(snap: dict, check: bool = False) -> list[str]:
    """Write (or with ``check`` only compare) the files. Returns the relative paths that were out of date."""
    return write_files(files(snap), check)
