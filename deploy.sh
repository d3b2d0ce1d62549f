#!/usr/bin/env bash
# The DBA entry point: migrate, verify, summarize; non-zero exit on any failure.
#   ./deploy.sh                                  # the embedded default database
#   DATABASE_URL=postgresql://... ./deploy.sh    # any PostgreSQL 15+ or Supabase
#   ./deploy.sh --module dreamcut                # only that module and what it needs
set -euo pipefail
cd "$(dirname "$0")"
if [[ -n "${DREAMCUT_DB:-}" ]]; then dcdb="$DREAMCUT_DB"
elif [[ -x .venv/bin/dreamcut-db ]]; then dcdb=.venv/bin/dreamcut-db
else dcdb=$(command -v dreamcut-db) || { echo "deploy: dreamcut-db not installed (pip install -e .)" >&2; exit 2; }
fi

echo "== target: $("$dcdb" url --redacted)"
echo "== migrate"
"$dcdb" migrate "$@"
echo "== verify"
"$dcdb" verify
echo "== status"
"$dcdb" status
echo "== deploy: OK"
