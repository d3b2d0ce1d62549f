"""What every benchmark returns, and the small statistics they share."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field


@dataclass
class Result:
    """One target of issue 8: the measured ratio against its threshold.

    ``met``: True / False, or None when the benchmark was skipped (``skipped`` says why). ``direction``: ">="
    when the ratio must reach the threshold (throughput), "<=" when it must stay under it (cost).
    """

    key: str
    target: str
    group: str = ""
    measured: str = ""
    ratio: float | None = None
    threshold: float | None = None
    direction: str = "<="
    met: bool | None = None
    skipped: str | None = None
    note: str = ""  # shown next to met? in the table
    details: list[str] = field(default_factory=list)
    sections: dict[str, str] = field(default_factory=dict)

    def judge(self, ratio: float, threshold: float, direction: str) -> "Result":
        self.ratio, self.threshold, self.direction = ratio, threshold, direction
        self.met = ratio >= threshold if direction == ">=" else ratio <= threshold
        return self

    def line(self, text: str) -> None:
        """A detail line, printed as it comes and kept for the report."""
        print(f"    {text}", flush=True)
        self.details.append(text)


def median(values) -> float:
    return statistics.median(list(values))


def spread(values) -> str:
    """'median (min-max of n)' of ratios."""
    values = list(values)
    return f"{median(values):.2f} ({min(values):.2f}-{max(values):.2f}, n={len(values)})"


def skipped(key: str, target: str, reason: str) -> Result:
    print(f"  {key}: skipped: {reason}", flush=True)
    return Result(key=key, target=target, skipped=reason)


def postgrest_read_script(role: str, read: str) -> str:
    """A pgbench script of one PostgREST-style request: ``begin``, role and JWT claims set as PostgREST sets them
    (``set_config(..., true)``, ``sub`` the uuid ``bench.id(9, :u)`` of a random user ``:u`` in 1..``:users``),
    ``read`` (one SQL statement, whitespace collapsed onto one line as pgbench needs), ``commit``."""
    return (
        "\\set u random(1, :users)\n"
        "begin;\n"
        f"select set_config('role', '{role}', true), set_config('request.jwt.claims', "
        f"json_build_object('sub', bench.id(9, :u), 'role', '{role}')::text, true);\n"
        + " ".join(read.split()) + ";\n"
        "commit;\n"
    )


def bulk_load(conn, tables: list[str], *statements: str) -> None:
    """Run set-based INSERTs into ``tables`` as superuser the way a bulk load is done: triggers off
    (session_replication_role = replica), the tables' secondary indexes dropped first and built again
    afterwards from their own definitions (primary keys and unique constraints stay), then VACUUM ANALYZE.
    """
    indexes = conn.execute(
        """select i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) from pg_index i
           where i.indrelid = any(%s::regclass[])
             and not exists (select from pg_constraint c where c.conindid = i.indexrelid)""",
        (tables,),
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f"drop index {name}")
    conn.execute("set session_replication_role = replica")
    try:
        for sql in statements:
            conn.execute(sql)
    finally:
        conn.execute("reset session_replication_role")
    conn.execute("set maintenance_work_mem = '256MB'")
    for _, definition in indexes:
        conn.execute(definition)
    conn.execute("reset maintenance_work_mem")
    conn.execute("vacuum analyze")


def function_exists(srv, db: str, name: str, schema: str = "public") -> bool:
    with srv.admin(db) as conn:
        return bool(conn.execute(
            "select exists (select from pg_proc where proname = %s and pronamespace = to_regnamespace(%s))",
            (name, schema),
        ).fetchone()[0])
