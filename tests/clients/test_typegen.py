"""The generators (``dreamcut-db types typescript|python``): the committed files are their output, nothing
the API exposes is left out, defaulted parameters are optional, and the TypeScript is exactly what
Supabase's own generator makes of the same database."""

from __future__ import annotations

import re
import subprocess
import typing
from pathlib import Path

import psycopg
import pytest
from clients_helpers import CLIENTS_TS, ROOT
from helpers import make_url

from dreamcut_db import cli, typegen
from dreamcut_db.modules import MigrationSet
from dreamcut_db.typegen import class_name

_EXPOSED = """
select c.relname, c.relkind in ('v', 'm') from pg_class c
where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'f', 'v', 'm')
"""
_FUNCTIONS = """
select p.proname, p.pronargs, p.pronargdefaults, coalesce(p.proargnames, '{}'),
       coalesce(p.proargmodes::text[], '{}')
from pg_proc p
where p.pronamespace = 'public'::regnamespace and p.prokind = 'f'
  and p.prorettype not in ('trigger'::regtype, 'event_trigger'::regtype)
"""
_ENUMS = """
select t.typname, array_agg(e.enumlabel::text order by e.enumsortorder)
from pg_type t join pg_enum e on e.enumtypid = t.oid where t.typnamespace = 'public'::regnamespace group by 1
"""


@pytest.fixture(scope="module")
def catalog_facts(template_url):
    """Names straight from pg_catalog, to hold the generators' output against."""
    with psycopg.connect(template_url) as conn:
        relations = conn.execute(_EXPOSED).fetchall()
        functions = conn.execute(_FUNCTIONS).fetchall()
        enums = dict(conn.execute(_ENUMS).fetchall())
    return {"tables": {n for n, view in relations if not view}, "views": {n for n, view in relations if view},
            "functions": functions, "enums": enums}


def ts_members(source: str, section: str) -> dict[str, str]:
    """The members of ``public.<section>`` in a generated database.ts: name -> its text."""
    body = source.split(f"\n    {section}: {{\n", 1)[1].split("\n    }\n", 1)[0]
    members: dict[str, str] = {}
    name = None
    for line in body.splitlines():
        found = re.match(r"      (\w+):", line)
        if found:
            name = found[1]
            members[name] = ""
        if name:
            members[name] += line + "\n"
    return members


def ts_arguments(entry: str) -> dict[str, bool]:
    """A function's ``Args``: argument -> optional (``p_x?:``)."""
    args = entry.split("Args: ", 1)[1]
    if args.startswith("Record<PropertyKey, never>"):
        return {}
    depth, end = 0, 0
    for end, char in enumerate(args):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            break
    return {m[1]: bool(m[2]) for m in re.finditer(r"(\w+)(\?)?:", args[1:end])}


def test_committed_files_are_the_generated_ones(api):
    assert typegen.write(api, check=True) == [], "run: dreamcut-db types --write"


def supabase_typegen(url: str) -> str:
    """What Supabase's generator (@supabase/postgrest-typegen, pinned in clients/ts/package-lock.json) prints."""
    done = subprocess.run(["node", "checks/supabase-typegen.mjs", url], cwd=CLIENTS_TS,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_typescript_is_what_supabase_generates(node_modules, template_url, typescript_source):
    """On the same database Supabase's generator prints the same file, byte for byte."""
    assert typescript_source == supabase_typegen(template_url)


def test_shapes_the_schema_does_not_have_yet_come_out_as_supabase_makes_them(node_modules, new_database):
    """Overloads, computed fields, composite types, domains, quoted names, views of views, set-returning
    functions, unnamed arguments (typegen_edge_cases.sql): the same TypeScript as Supabase's generator, and a
    Python module that imports."""
    url = new_database()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute((Path(__file__).parent / "typegen_edge_cases.sql").read_text(encoding="utf-8"))
        api = typegen.read_api(conn)
    assert typegen.render(api, "typescript") == supabase_typegen(url)
    namespace: dict = {}
    exec(compile(typegen.render(api, "python"), "edge_cases.py", "exec", dont_inherit=True), namespace)
    assert typing.get_args(namespace["OverloadedArgs"]) == (namespace["OverloadedArgs1"], namespace["OverloadedArgs2"])
    assert namespace["ParentsInsert"].__required_keys__ == {"n", "name"}  # seq and total are generated
    assert namespace["APointArgs"].__optional_keys__ == {"p_y", "p_label"}


def test_every_table_view_function_and_enum_appears(catalog_facts, typescript_source, python_namespace):
    tables, views = catalog_facts["tables"], catalog_facts["views"]
    functions = {name for name, *_ in catalog_facts["functions"]}
    enums = catalog_facts["enums"]
    assert set(ts_members(typescript_source, "Tables")) == tables
    assert set(ts_members(typescript_source, "Views")) == views
    assert set(ts_members(typescript_source, "Functions")) == functions
    ts_enums = ts_members(typescript_source, "Enums")
    assert set(ts_enums) == set(enums)
    for name, labels in enums.items():
        assert re.findall(r'"([^"]*)"', ts_enums[name].split(":", 1)[1]) == labels
        assert list(typing.get_args(python_namespace[class_name(name)])) == labels
    for name in tables | views:
        assert typing.is_typeddict(python_namespace[class_name(name)]), name
    for name in tables:
        assert typing.is_typeddict(python_namespace[class_name(name) + "Insert"]), name
    for name in functions:
        assert typing.is_typeddict(python_namespace[class_name(name) + "Args"]), name


def test_every_module_is_in_the_clients(typescript_source):
    """What each module's migrations create in public (found by name in their SQL) is in database.ts; every
    module but platform (auth stand-ins and private bookkeeping only) creates some."""
    exposed = {section: set(ts_members(typescript_source, section)) for section in ("Tables", "Views", "Functions")}
    patterns = {"Tables": r"create table (?:if not exists )?(?:public\.)?(\w+)(?![\w.])",
                "Views": r"create (?:or replace )?view (?:public\.)?(\w+)(?![\w.])",
                "Functions": r"create (?:or replace )?function (?:public\.)?(\w+)\s*\("}
    cat = MigrationSet.load()
    with_public_objects = set()
    for module in cat.modules:
        sql = "\n".join(m.path.read_text(encoding="utf-8") for m in cat.of_modules([module])).lower()
        for section, pattern in patterns.items():
            created = set(re.findall(pattern, sql))
            assert created <= exposed[section], f"{module}: {sorted(created - exposed[section])} not in {section}"
            with_public_objects |= {module} if created else set()
    assert with_public_objects == set(cat.modules) - {"platform"}


def test_defaulted_parameters_are_optional(catalog_facts, typescript_source, python_namespace):
    functions = ts_members(typescript_source, "Functions")
    for name, nargs, ndefaults, names, modes in catalog_facts["functions"]:
        inputs = [(arg, i >= nargs - ndefaults) for i, arg in enumerate(names[:nargs])
                  if not modes or modes[i] in ("i", "b", "v")]
        expected = dict(inputs)
        assert ts_arguments(functions[name]) == expected, name
        args = python_namespace[class_name(name) + "Args"]
        assert args.__optional_keys__ == {a for a, optional in expected.items() if optional}, name
        assert args.__required_keys__ == {a for a, optional in expected.items() if not optional}, name
    progress = ts_arguments(functions["update_asset_progress"])
    assert progress.pop("p_asset_id") is False and all(progress.values())


def test_cli_prints_the_clients_of_the_modules_asked_for(pg_server, capsys):
    """``dreamcut-db types typescript --module dreamcut`` (one scratch database): the analyzer and the
    platform, nothing of the render job platform."""
    url = make_url(pg_server.host, pg_server.port, pg_server.user, "postgres", pg_server.password)
    assert cli.main(["--database-url", url, "types", "typescript", "--module", "dreamcut"]) == 0
    printed = capsys.readouterr().out
    assert "dreamcut_queries" in ts_members(printed, "Tables") and "jobs" not in ts_members(printed, "Tables")
    assert "initialize_dreamcut_query" in ts_members(printed, "Functions")


@pytest.mark.parametrize("argv, message", [
    (["types"], "name the client to print"),
    (["types", "--check", "--module", "dreamcut"], "leave out --module"),
])
def test_cli_refuses_what_it_cannot_do(argv, message, capsys):
    assert cli.main(argv) == 1
    assert message in capsys.readouterr().err


def test_python_module_is_shipped_typed():
    assert (ROOT / "src" / "dreamcut_db" / "py.typed").exists()
    from dreamcut_db import types

    assert types.InitializeDreamcutQueryArgs.__required_keys__ == {"p_user_id", "p_user_prompt"}
