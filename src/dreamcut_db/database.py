"""Where the target database is and how to reach it: URL resolution, psycopg connections, yoyo backend."""

from __future__ import annotations

import json
import os
import re
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import psycopg

from .errors import DreamcutError

#: Schema of the runner's bookkeeping (yoyo's tables, checksums, lock): never exposed through the API.
BOOKKEEPING_SCHEMA = "dreamcut_migrations"


def resolve_url(database_url: str | None) -> str:
    """Return the target URL: ``database_url``, else ``$DATABASE_URL``, else the embedded server (started if
    needed). Raises DreamcutError (one line, password hidden) for a URL libpq cannot parse."""
    for url, source in ((database_url, "--database-url"), (os.environ.get("DATABASE_URL"), "$DATABASE_URL")):
        if url:
            check_url(url, source)
            return url
    from . import server

    return server.start()


def check_url(url: str, source: str = "the database URL") -> None:
    """Raise DreamcutError unless ``url`` is a postgresql:// (or postgres://) URL that libpq can parse."""
    shape = "write it as postgresql://USER:PASSWORD@HOST:PORT/DBNAME (percent-encode special characters)"
    if not re.match(r"postgres(ql)?://", url):
        raise DreamcutError(f"{source} {redact(url, url)!r} is not a postgresql:// URL: {shape}")
    try:
        psycopg.conninfo.conninfo_to_dict(url)
        urlsplit(url)
    except (psycopg.ProgrammingError, ValueError) as exc:
        reason = redact(str(exc).strip().splitlines()[0], url)
        raise DreamcutError(f"{source} {redact(url, url)!r} is malformed ({reason}): {shape}")


#: ``user:password@`` in a URL (or in text that was meant to be one), the password being what lies between
#: (but the placeholder of the hint in check_url).
_URL_PASSWORD = re.compile(r"""([/\s'"(]|^)([^\s/:@'"]*):(?!PASSWORD@)[^@\s'"/][^@\s'"]*@""")
_KEYWORD_PASSWORD = re.compile(r"(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]+)", re.I)


def redact(text: str, *urls: str | None) -> str:
    """``text`` with every password hidden as ``***``: in any postgresql:// URL or ``password=`` setting in it,
    and wherever the password of one of ``urls`` appears verbatim (or percent-encoded)."""
    text = _KEYWORD_PASSWORD.sub(r"\1***", _URL_PASSWORD.sub(r"\1\2:***@", text))
    for url in urls:
        try:
            raw = urlsplit(url).password if url else None
        except ValueError:  # not a URL at all: the patterns above are all there is
            raw = None
        for secret in {raw, unquote(raw)} if raw else ():
            text = text.replace(secret, "***")
    return text


def with_params(url: str, dbname: str | None = None, **params: str) -> str:
    """Return ``url`` (postgres:// or postgresql://) with another database name and/or extra query parameters."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "postgresql+psycopg"):
        raise DreamcutError(f"database URL must start with postgresql://, got {parts.scheme or url!r}")
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update(params)
    path = f"/{dbname}" if dbname else parts.path
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(query), parts.fragment))


def yoyo_url(url: str) -> str:
    """The URL yoyo wants: scheme ``postgresql+psycopg`` (psycopg 3) and the bookkeeping schema."""
    url = with_params(url, schema=BOOKKEEPING_SCHEMA, application_name="dreamcut-db")
    return "postgresql+psycopg" + url[url.index("://"):]


def connect(url: str, **kwargs) -> psycopg.Connection:
    """Open a psycopg connection to ``url``. Raises DreamcutError with the server's reason when it cannot."""
    try:
        return psycopg.connect(url, **kwargs)
    except psycopg.OperationalError as exc:
        raise DreamcutError(f"cannot connect to the database: {str(exc).strip().splitlines()[0]}")


def set_request_identity(conn: psycopg.Connection, role: str, sub: str | None = None, **claims) -> None:
    """Take the identity PostgREST gives a request, for the current transaction of ``conn``.

    ``role``: anon | authenticated | service_role (``set_config('role', ...)``); ``sub``: the user id claim;
    ``claims``: further JWT claims (e.g. ``app_metadata={...}``), all put in ``request.jwt.claims``. Returns
    nothing; raises what PostgreSQL raises (42704 for an unknown role).
    """
    payload = {"role": role, **({"sub": sub} if sub else {}), **claims}
    conn.execute("select set_config('role', %s, true), set_config('request.jwt.claims', %s, true)",
                 (role, json.dumps(payload)))


def database_name(url: str) -> str:
    return psycopg.conninfo.conninfo_to_dict(url).get("dbname") or "postgres"
