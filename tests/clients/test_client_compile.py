"""The committed clients under the real toolchains: the product documents' calls compile (``tsc --strict``
against supabase-js, ``mypy --strict`` against supabase-py and psycopg), and the files of deliberate
mistakes fail on exactly their marked lines, with the marked error codes (and message, for TypeScript)."""

from __future__ import annotations

import pytest
from clients_helpers import CLIENTS_PY, CLIENTS_TS, ROOT, marked_errors, run_mypy, run_tsc

# The compilers read committed files only: no server is involved.
pytestmark = pytest.mark.major_independent


def test_product_calls_compile_with_tsc_strict(node_modules):
    code, errors = run_tsc(node_modules, "tsconfig.json")
    assert (code, errors) == (0, [])


def test_typescript_mistakes_fail_for_the_marked_reasons(node_modules):
    code, errors = run_tsc(node_modules, "tsconfig.mistakes.json")
    assert code != 0
    expected = marked_errors(CLIENTS_TS / "checks" / "mistakes.ts", "// error")
    assert len(expected) >= 8
    assert {(path, line) for path, line, _, _ in errors} == {("checks/mistakes.ts", line) for line in expected}
    for _, line, ts_code, message in errors:
        want_code, want_text = expected[line].split(": ", 1)
        assert ts_code == want_code and want_text in message, (line, ts_code, message)


@pytest.fixture(scope="module")
def mypy_report():
    """One ``mypy --strict`` run over the generated module and both samples."""
    return run_mypy(ROOT / "src" / "dreamcut_db" / "types.py", CLIENTS_PY / "product_calls.py",
                    CLIENTS_PY / "mistakes.py")


def test_product_calls_and_the_module_pass_mypy_strict(mypy_report):
    _, errors = mypy_report
    assert [e for e in errors if not e[0].endswith("mistakes.py")] == []


def test_python_mistakes_fail_for_the_marked_reasons(mypy_report):
    code, errors = mypy_report
    assert code == 1
    expected = marked_errors(CLIENTS_PY / "mistakes.py", "# error")
    assert len(expected) >= 6
    found: dict[int, list[str]] = {}
    for path, line, mypy_code, _ in errors:
        if path.endswith("mistakes.py"):
            found.setdefault(line, []).append(mypy_code)
    assert {line: sorted(codes) for line, codes in found.items()} == {
        line: sorted(codes.split(", ")) for line, codes in expected.items()}
