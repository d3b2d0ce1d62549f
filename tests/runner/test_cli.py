"""CLI conventions: options after the subcommand, one-line errors without class names, status exit codes,
--version, and no password in any output but ``url``'s (issue "Release 0.1.0", steps 1, 6 and 7)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dreamcut_db import __version__, cli, engine
from dreamcut_db.workspace import checkout_root

QUIET = dict(out=lambda _line: None)
SECRET = "s3cret-Pw_42"
#: An exception class name at the start of a message (``ProgrammingError: ...``, ``InvalidTextRepresentation``).
CLASS_NAME = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)+(?:Error|Exception|Representation)?\b")


def with_password(url: str) -> str:
    """``url`` with a password: the test server trusts local connections, so libpq never sends it."""
    return url.replace("postgresql://postgres@", f"postgresql://postgres:{SECRET}@", 1)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_global_options_before_or_after_the_subcommand(db_url, capsys):
    for argv in (["--database-url", db_url, "status"], ["status", "--database-url", db_url],
                 ["--verbose", "status", "--database-url", db_url], ["status", "--database-url", db_url, "--verbose"]):
        code, out, _ = run(capsys, *argv)
        assert code == 0 and "dreamcut (installed)" in out, argv
    args = cli.parser().parse_args(["--database-url", "postgresql://a@/x", "migrate", "--verbose"])
    assert (args.database_url, args.verbose) == ("postgresql://a@/x", True)  # the value before stands


@pytest.mark.parametrize("argv, message", [
    (["--database-url", "postgresql//u:pw@h/db", "status"],
     "--database-url 'postgresql//u:***@h/db' is not a postgresql:// URL: write it as "
     "postgresql://USER:PASSWORD@HOST:PORT/DBNAME (percent-encode special characters)"),
    (["--database-url", "postgresql://u:pw@h/db?bogus=1", "status"],
     "--database-url 'postgresql://u:***@h/db?bogus=1' is malformed (invalid URI query parameter: \"bogus\"): write it "
     "as postgresql://USER:PASSWORD@HOST:PORT/DBNAME (percent-encode special characters)"),
    (["--database-url", "{db}", "watch", "hello"],
     "QUERY_ID must be a uuid (the id initialize_dreamcut_query returned), got 'hello'"),
    (["--database-url", "{db}", "migrate", "--to", "0099_nothing"],
     "unknown migration '0099_nothing': no such migration in any module (dreamcut-db status lists them)"),
    (["--database-url", "{db}", "rollback", "--module", "nosuch"],
     "unknown module nosuch (modules: platform, content, dreamcut, multimedia, render, storyboard)"),
])
def test_failures_are_one_line_saying_what_to_do(db_url, capsys, argv, message):
    code, out, err = run(capsys, *[a.replace("{db}", db_url) for a in argv])
    assert code == 1 and out == ""
    assert err == f"dreamcut-db {argv[2]}: error: {message}\n"
    assert not CLASS_NAME.search(err.split(": error: ", 1)[1]), err


def test_an_unforeseen_failure_is_one_line_without_a_class_name(db_url):
    import psycopg

    with psycopg.connect(db_url) as conn, pytest.raises(psycopg.Error) as info:
        conn.execute("select 1/0")
    assert cli._failure(info.value) == ("the database refused: division by zero [SQLSTATE 22012] "
                                        "(rerun with --verbose for the traceback)")
    assert cli._failure(KeyError("x")) == ("unexpected failure: 'x' (rerun with --verbose for the traceback, "
                                           "and please report it)")


def test_status_exit_codes(empty_url, migration_set, capsys):
    engine.migrate(empty_url, migration_set, modules=["dreamcut"], **QUIET)
    # Modules not installed are pending: still 0, also with --fail-on-pending.
    assert run(capsys, "--database-url", empty_url, "status")[0] == 0
    assert run(capsys, "--database-url", empty_url, "status", "--fail-on-pending")[0] == 0
    engine.rollback(empty_url, migration_set, steps=1, **QUIET)
    assert run(capsys, "--database-url", empty_url, "status")[0] == 0
    code, _, err = run(capsys, "--database-url", empty_url, "status", "--fail-on-pending")
    assert code == 3
    assert err == ("status: 1 pending migration(s) in installed modules: "
                   "dreamcut/0006_enable_dreamcut_realtime_publication\n")
    assert "3 with --fail-on-pending" in cli.parser().format_help()


def test_version_names_the_package_and_its_migrations(capsys, migration_set):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--version"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"dreamcut-db {__version__}"
    assert out[1].startswith(f"migrations: {len(migration_set.migrations)} in {len(migration_set.modules)} modules, from ")
    assert [line.split()[0] for line in out[2:]] == migration_set.modules
    assert f"up to {migration_set.of_modules(['storyboard'])[-1].id}" in out[-1]


def test_no_password_in_any_output_but_url(empty_url, migration_set, capsys, monkeypatch):
    url = with_password(empty_url)
    assert url != empty_url
    outputs = []
    for argv in (["migrate", "--dry-run"], ["migrate", "--module", "dreamcut"], ["status"], ["status", "--json"],
                 ["verify"], ["verify", "--json"], ["rollback", "--steps", "1", "--dry-run"],
                 ["rollback", "--steps", "1"], ["--verbose", "rollback", "--steps", "99"], ["url", "--redacted"]):
        code, out, err = run(capsys, "--database-url", url, *argv)
        outputs.append((argv, code, out + err))
    monkeypatch.setenv("DATABASE_URL", url)
    for argv in (["status"], ["--verbose", "migrate", "--to", "nosuch"]):
        code, out, err = run(capsys, *argv)
        outputs.append((argv, code, out + err))
    # Failures that quote the URL: unreachable server, malformed URL (traceback too).
    for bad in (f"postgresql://postgres:{SECRET}@127.0.0.1:1/x", f"postgresql//postgres:{SECRET}@h/x",
                f"postgresql://postgres:{SECRET}@h/x?bogus=1", f"postgresql://postgres:{SECRET} x@h/x"):
        code, out, err = run(capsys, "--verbose", "--database-url", bad, "status")
        outputs.append((bad, code, out + err))
        assert code == 1 and err.strip().splitlines()[-1].startswith("dreamcut-db status: error: ")
    assert [o[1] for o in outputs[:10]] == [0, 0, 0, 0, 0, 0, 0, 0, 1, 0]
    for argv, _code, text in outputs:
        assert SECRET not in text, (argv, text)
    assert any("applied dreamcut/0001_create_dreamcut_realtime_schema" in t for _a, _c, t in outputs)
    # url prints the URL in full: its purpose is psql "$(dreamcut-db url)".
    assert run(capsys, "--database-url", url, "url")[1] == url + "\n"
    assert "password included" in " ".join(cli.parser().format_help().split())


def test_deploy_sh_prints_no_password(empty_url):
    url = with_password(empty_url)
    env = dict(os.environ, DATABASE_URL=url, DREAMCUT_DB=str(Path(sys.executable).parent / "dreamcut-db"))
    done = subprocess.run([str(checkout_root() / "deploy.sh"), "--module", "dreamcut"], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "== deploy: OK" in done.stdout and "== target: postgresql://postgres:***@" in done.stdout
    assert SECRET not in done.stdout + done.stderr
