"""The runner as a state machine, tested against a model of it (issue "Release 0.1.0", step 3).

hypothesis drives random sequences of ``migrate`` (all, ``--module``, ``--to``), ``rollback`` (``--steps``,
``--to``, ``--module``, ``--all``), ``status`` and ``verify`` through the CLI against one empty database per
example, next to a pure-Python model of which migrations are applied. After every step: ``status --json``
equals the model, ``verify`` passes (run again only when the model changed), and a row seeded into one table
of each installed module is still there unless the model says that table was rolled back.

``DREAMCUT_MODEL_EXAMPLES`` (default 3) and ``DREAMCUT_MODEL_STEPS`` (default 6) size the run; CI keeps the
defaults and a fixed seed (the same sequences every run, about two minutes); setting ``DREAMCUT_MODEL_EXAMPLES``
for a long local run also makes the sequences random. Marked ``major_independent``: what it checks is the
runner's choice of migrations and its bookkeeping, the same on every major, so CI runs it on the default major
only (test_runner.py and test_rollback.py run the runner on every major).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re

import psycopg
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (RuleBasedStateMachine, initialize, invariant, precondition, rule,
                                 run_state_machine_as_test)

from content_helpers import create_content, make_company
from dreamcut_db import cli, verify
from dreamcut_db.modules import MigrationSet

MSET = MigrationSet.load()
MODULES = MSET.modules
REFS = [m.ref for m in MSET.migrations]


def _seed_multimedia(conn) -> str:
    company = make_company(conn, "Model Co")
    content = create_content(conn, company)
    return conn.execute("insert into public.mm_multimedia_sessions (content_id, company_id, module_name) "
                        "values (%s, %s, 'model') returning session_id::text", (content, company)).fetchone()[0]


#: Per module: the table a row is seeded into, its key column, and how, returning the row's key. platform has
#: no table of the application's.
SEEDS = {
    "content": ("public.companies", "id", lambda c: make_company(c, "Model Ltd")),
    "dreamcut": ("public.dreamcut_queries", "id", lambda c: c.execute(
        "insert into public.dreamcut_queries (user_id, user_prompt) values ('model', 'p') returning id::text"
    ).fetchone()[0]),
    "multimedia": ("public.mm_multimedia_sessions", "session_id", _seed_multimedia),
    "render": ("public.jobs", "id", lambda c: c.execute(
        "insert into public.jobs (width, height) values (640, 480) returning id::text").fetchone()[0]),
    "storyboard": ("public.video_projects", "id", lambda c: c.execute(
        "insert into public.video_projects (user_id, prompt) values (gen_random_uuid(), 'p') returning id::text"
    ).fetchone()[0]),
}


#: The graph, read here from the migrations' ``-- depends:`` alone (not through the runner's graph functions).
DEPENDS = {m.id: set(m.depends) for m in MSET.migrations}
MODULE_OF = {m.id: m.module for m in MSET.migrations}
ORDER = [m.id for m in MSET.migrations]


def needs(ids: set[str]) -> set[str]:
    """``ids`` and everything they depend on."""
    found = set(ids)
    while True:
        more = {d for i in found for d in DEPENDS[i]} - found
        if not more:
            return found
        found |= more


def needed_by(ids: set[str]) -> set[str]:
    """``ids`` and everything that depends on them."""
    found = set(ids)
    while True:
        more = {i for i, deps in DEPENDS.items() if deps & found} - found
        if not more:
            return found
        found |= more


def of_module(module: str) -> list[str]:
    return [i for i in ORDER if MODULE_OF[i] == module]


def _created_by(module: str, table: str) -> str:
    """The migration of ``module`` whose file creates ``table``."""
    for m in MSET.of_modules([module]):
        if re.search(rf"create table (if not exists )?{re.escape(table)}\b", m.path.read_text(), re.I):
            return m.id
    raise LookupError(f"no migration of {module} creates {table}")


CREATED_BY = {module: _created_by(module, table) for module, (table, _key, _seed) in SEEDS.items()}


class Model:
    """Which migrations are applied, in the order they were: what the runner must do, in plain Python."""

    def __init__(self) -> None:
        self.applied: list[str] = []

    def installed(self) -> list[str]:
        return [m for m in MODULES if any(MODULE_OF[i] == m for i in self.applied)]

    def migrate(self, ids: set[str]) -> None:
        self.applied += [i for i in ORDER if i in ids and i not in self.applied]

    def rollback(self, ids: set[str]) -> None:
        self.applied = [i for i in self.applied if i not in ids]

    def module_closure(self, module: str) -> set[str]:
        """``migrate --module``: the module's migrations and, whole, every module they need."""
        modules = {MODULE_OF[i] for i in needs(set(of_module(module)))}
        return {i for i in ORDER if MODULE_OF[i] in modules}

    def module_blocked(self, module: str) -> bool:
        """``rollback --module`` is refused: not installed, or an installed module needs it."""
        dependants = {MODULE_OF[i] for i in needed_by(set(of_module(module)))} - {module}
        return module not in self.installed() or bool(dependants & set(self.installed()))

    def to_closure(self, migration_id: str) -> set[str]:
        """``rollback --to``: the target module's migrations after it, and what depends on those."""
        own = of_module(MODULE_OF[migration_id])
        return needed_by(set(own[own.index(migration_id) + 1:])) & set(self.applied)


class RunnerMachine(RuleBasedStateMachine):
    url: str  # set by the test: a new empty database per example (see new_url)
    new_url = None

    @initialize(modules=st.lists(st.sampled_from(MODULES), min_size=2, max_size=4, unique=True))
    def start(self, modules):
        """A new empty database, with some modules installed to begin with (so rollbacks meet other modules)."""
        self.url = type(self).new_url()
        self.model = Model()
        self.seeds: dict[str, str] = {}  # module -> key of its seeded row
        self.verified: list[str] | None = None
        for module in modules:
            self.migrate_module(module)

    def cli(self, *argv: str) -> tuple[int, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(["--database-url", self.url, *argv])
        return code, out.getvalue() + err.getvalue()

    def ok(self, *argv: str) -> str:
        code, text = self.cli(*argv)
        assert code == 0, (argv, text)
        return text

    def refused(self, *argv: str) -> None:
        code, text = self.cli(*argv)
        assert code == 1 and text.count("\n") == 1 and ": error: " in text, (argv, text)

    # -- migrate ---------------------------------------------------------------------------------------
    def __repr__(self) -> str:
        return f"RunnerMachine(applied={self.model.applied})"

    @rule()
    def migrate_all(self):
        self.ok("migrate")
        self.model.migrate({m.id for m in MSET.migrations})

    @rule(module=st.sampled_from(MODULES))
    def migrate_module(self, module):
        self.ok("migrate", "--module", module)
        self.model.migrate(self.model.module_closure(module))

    @rule(ref=st.sampled_from(REFS), bare=st.booleans())
    def migrate_to(self, ref, bare):
        self.ok("migrate", "--to", ref.split("/")[1] if bare else ref)
        self.model.migrate(needs({ref.split("/")[1]}))

    # -- rollback --------------------------------------------------------------------------------------
    @rule(n=st.integers(min_value=1, max_value=len(REFS) + 2))
    def rollback_steps(self, n):
        if n > len(self.model.applied):
            self.refused("rollback", "--steps", str(n), "--yes")
        else:
            self.ok("rollback", "--steps", str(n), "--yes")
            self.model.rollback(set(self.model.applied[-n:]))

    @precondition(lambda self: self.model.applied)
    @rule(data=st.data(), bare=st.booleans())
    def rollback_to(self, data, bare):
        migration_id = data.draw(st.sampled_from(self.model.applied), label="applied migration")
        wanted = self.model.to_closure(migration_id)
        text = self.ok("rollback", "--to", migration_id if bare else f"{MODULE_OF[migration_id]}/{migration_id}", "--yes")
        newest_first = [f"{MODULE_OF[i]}/{i}" for i in reversed(self.model.applied) if i in wanted]
        assert [line.split()[-1] for line in text.splitlines() if line.startswith("rolled back ")] == newest_first
        self.model.rollback(wanted)

    @precondition(lambda self: len(self.model.applied) < len(ORDER))
    @rule(data=st.data())
    def rollback_to_a_migration_not_applied(self, data):
        pending = [f"{MODULE_OF[i]}/{i}" for i in ORDER if i not in self.model.applied]
        self.refused("rollback", "--to", data.draw(st.sampled_from(pending), label="pending migration"), "--yes")

    @rule(module=st.sampled_from(MODULES))
    def rollback_module(self, module):
        if self.model.module_blocked(module):
            self.refused("rollback", "--module", module, "--yes")
        else:
            self.ok("rollback", "--module", module, "--yes")
            self.model.rollback(set(of_module(module)))

    @rule()
    def rollback_all(self):
        self.ok("rollback", "--all", "--yes")
        self.model.rollback(set(self.model.applied))

    @rule()
    def status(self):
        self.ok("status")

    # -- after every step ------------------------------------------------------------------------------
    @invariant()
    def status_json_equals_the_model(self):
        code, text = self.cli("status", "--json")
        assert code == 0, text
        report = json.loads(text)
        applied = {m["id"] for ms in report["modules"].values() for m in ms if m["applied"]}
        assert applied == set(self.model.applied)
        assert report["installed_modules"] == self.model.installed() and report["problems"] == []

    @invariant()
    def verify_passes(self):
        if self.model.applied and self.verified != self.model.applied:
            assert verify.verify(self.url, MSET) == []
            self.verified = list(self.model.applied)

    @invariant()
    def seeded_rows_survive_unless_rolled_back(self):
        with psycopg.connect(self.url, autocommit=True) as conn:
            for module, (table, key, seed) in SEEDS.items():
                created = CREATED_BY[module] in self.model.applied
                if not created:
                    self.seeds.pop(module, None)  # its table went with the migration that created it
                elif module in self.seeds:
                    found = conn.execute(f"select count(*) from {table} where {key}::text = %s",
                                         (self.seeds[module],)).fetchone()[0]
                    assert found == 1, f"{module}'s row in {table} is gone, but its table was not rolled back"
                else:
                    self.seeds[module] = seed(conn)


@pytest.mark.major_independent
def test_the_runner_behaves_like_its_model(new_database):
    RunnerMachine.new_url = staticmethod(new_database)
    run_state_machine_as_test(RunnerMachine, settings=settings(
        max_examples=int(os.environ.get("DREAMCUT_MODEL_EXAMPLES", "3")),
        stateful_step_count=int(os.environ.get("DREAMCUT_MODEL_STEPS", "6")),
        deadline=None, database=None, suppress_health_check=list(HealthCheck),
        derandomize=not os.environ.get("DREAMCUT_MODEL_EXAMPLES"),  # CI: the same sequences every run
    ))
