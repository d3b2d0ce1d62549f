"""Fixtures of the typed-client tests: the API read once from the session's migrated template database, and
the real toolchains (node with the npm packages of clients/ts/package-lock.json, mypy).

The npm packages are installed with ``npm ci`` from the committed lockfile into ``.ci/cache/clients-ts-<hash>``
when missing (CI starts from a clean machine) and ``clients/ts/node_modules`` points there (a ``node_modules``
of your own, from ``npm ci`` in clients/ts, is used as it is). Without node and npm on PATH the TypeScript
checks skip, saying so.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from clients_helpers import CLIENTS_TS, ROOT
from helpers import make_url

from dreamcut_db import typegen


@pytest.fixture(scope="session")
def template_url(pg_server) -> str:
    """The migrated template database (every module), only read here: connections are closed right away."""
    return make_url(pg_server.host, pg_server.port, pg_server.user, pg_server.template_dbname, pg_server.password)


@pytest.fixture(scope="session")
def api(template_url) -> typegen.Api:
    with psycopg.connect(template_url) as conn:
        return typegen.read_api(conn)


@pytest.fixture(scope="session")
def typescript_source(api) -> str:
    return typegen.render(api, "typescript")


@pytest.fixture(scope="session")
def python_namespace(api) -> dict:
    """The generated Python module, executed."""
    namespace: dict = {}
    exec(compile(typegen.render(api, "python"), typegen.PYTHON_FILE, "exec", dont_inherit=True), namespace)
    return namespace


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """clients/ts/node_modules with exactly the locked packages; skips when node or npm is missing."""
    npm = shutil.which("npm")
    if not shutil.which("node") or not npm:
        pytest.skip("node and npm are not on PATH: the TypeScript checks need Node.js 20 or later with npm")
    modules = CLIENTS_TS / "node_modules"
    if modules.is_dir() and not modules.is_symlink():
        return modules
    manifest = [CLIENTS_TS / "package.json", CLIENTS_TS / "package-lock.json"]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in manifest)).hexdigest()[:16]
    cache = ROOT / ".ci" / "cache" / f"clients-ts-{digest}"
    if not (cache / "node_modules" / ".package-lock.json").exists():
        staging = cache.with_name(f"{cache.name}.{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for path in manifest:
            shutil.copy(path, staging / path.name)
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=staging,
                              capture_output=True, text=True, timeout=900)
        if done.returncode:
            pytest.fail(f"npm ci of clients/ts/package-lock.json failed:\n{done.stdout}\n{done.stderr}")
        shutil.rmtree(cache, ignore_errors=True)
        staging.rename(cache)
    if modules.is_symlink():
        modules.unlink()
    modules.symlink_to(cache / "node_modules", target_is_directory=True)
    return modules
