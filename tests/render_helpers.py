"""Helpers of the render module tests (video-platform-database.md): API identities with request headers,
expected errors inside savepoints, and fixture jobs written as the superuser."""

from __future__ import annotations

import json
import uuid
from contextlib import contextmanager

import psycopg
import pytest

from helpers import acting_as, raises_sqlstate

IP_A = "203.0.113.10"
IP_B = "198.51.100.20"

TERMINAL = ("completed", "failed", "cancelled", "timeout")


def set_headers(conn, ip: str | None = None, **headers) -> None:
    """``request.headers`` for the current transaction, as PostgREST sets it (lowercase names, JSON)."""
    payload = {k.replace("_", "-").lower(): v for k, v in headers.items()}
    if ip is not None:
        payload["x-forwarded-for"] = ip
    conn.execute("select set_config('request.headers', %s, true)", (json.dumps(payload),))


@contextmanager
def api(conn, role: str, sub: str | None = None, ip: str | None = None, headers: dict | None = None, **claims):
    """Act as an API role with JWT claims and request headers (x-forwarded-for = ``ip``) in a rolled-back block."""
    with acting_as(conn, role, sub, **claims):
        set_headers(conn, ip, **(headers or {}))
        yield conn


def admin_claims() -> dict:
    return {"app_metadata": {"role": "admin"}}


@contextmanager
def expect_error(conn, sqlstate: str):
    """Assert the block raises ``sqlstate``; runs it in a savepoint so the surrounding transaction goes on."""
    with raises_sqlstate(sqlstate) as info:
        with conn.transaction():
            yield info


def scalar(conn, sql: str, params=None):
    return conn.execute(sql, params).fetchone()[0]


def count(conn, table: str, where: str = "true", params=None) -> int:
    return scalar(conn, f"select count(*) from {table} where {where}", params)


def render_counts(conn) -> dict[str, int]:
    """Row counts of every render table (public and private), read as the connection's identity."""
    tables = [
        "public.jobs", "public.elements", "public.storage_operations", "public.processing_timeline",
        "public.url_access_logs", "public.system_metrics", "dreamcut_private.rate_limit_counters",
        "dreamcut_private.security_events",
    ]
    return {t: count(conn, t) for t in tables}


def new_job(conn, *, user_id: str | None = None, client_ip: str | None = IP_A, status: str = "pending",
            width: int = 1920, height: int = 1080, duration: float | None = None, output_format: str = "mp4",
            created_ago: str | None = None, finished_ago: str | None = None, children: bool = False) -> str:
    """Insert a job as the superuser and move it to ``status`` through the real transitions. Returns its id.

    ``children``: add one row to each child table while the job is still pending.
    """
    job_id = str(uuid.uuid4())
    conn.execute(
        """insert into public.jobs (id, user_id, client_ip, output_format, width, height, duration_seconds, created_at)
           values (%s, %s, %s, %s, %s, %s, %s, now() - coalesce(%s::interval, interval '0'))""",
        (job_id, user_id, client_ip, output_format, width, height, duration, created_ago),
    )
    if children:
        child_rows(conn, job_id)
    if status != "pending":
        if status in ("processing", "completed"):
            conn.execute("update public.jobs set status = 'processing' where id = %s", (job_id,))
        if status == "completed":
            conn.execute(
                "update public.jobs set status = 'completed', result_url = 'https://cdn.example.com/out.mp4', "
                "file_size_bytes = 1000 where id = %s", (job_id,))
        elif status != "processing":
            conn.execute("update public.jobs set status = %s, error_message = 'x' where id = %s", (status, job_id))
    if finished_ago is not None:
        # Age a finished job (the trigger stamps completed_at with the clock).
        conn.execute(
            "update public.jobs set created_at = now() - %s::interval - interval '1 hour', "
            "started_at = case when started_at is null then null else now() - %s::interval - interval '30 minutes' end, "
            "completed_at = now() - %s::interval where id = %s",
            (finished_ago, finished_ago, finished_ago, job_id),
        )
    return job_id


def child_rows(conn, job_id: str) -> None:
    """One row of each child table for ``job_id`` (as the superuser)."""
    conn.execute(
        "insert into public.elements (job_id, type, source_url) values (%s, 'image', 'https://cdn.example.com/a.png')",
        (job_id,))
    conn.execute(
        "insert into public.storage_operations (job_id, operation, bucket, object_key, success, bytes) "
        "values (%s, 'upload', 'renders', 'out/a.mp4', true, 10)", (job_id,))
    conn.execute(
        "insert into public.processing_timeline (job_id, step, finished_at, success) "
        "values (%s, 'validation', clock_timestamp(), true)", (job_id,))
    conn.execute(
        "insert into public.url_access_logs (job_id, url, ip_address) values (%s, 'https://cdn.example.com/a.mp4', "
        "'192.0.2.1')", (job_id,))


def connect(url: str, **kwargs) -> psycopg.Connection:
    return psycopg.connect(url, **kwargs)


@pytest.fixture(scope="module")
def render_conn(module_db_url):
    """The module's clone (conftest ``module_db_url``), superuser, autocommit. Each test runs in a transaction
    that is rolled back (``rdb``); tests that need commits (concurrency, LISTEN/NOTIFY) use ``db``."""
    with psycopg.connect(module_db_url, autocommit=True) as conn:
        yield conn


@pytest.fixture
def rdb(render_conn):
    """A superuser connection to the module's database, inside a transaction rolled back after the test."""
    with render_conn.transaction(force_rollback=True):
        yield render_conn
