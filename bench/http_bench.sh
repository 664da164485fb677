#!/usr/bin/env bash
# rally's HTTP client against wrk on the same nginx, plus rally alone with static responses.
# One invocation; prints a table at the end. See bench/README.md.
#
#   bench/http_bench.sh [--duration S] [--clients N] [--bulk-clients N] [--quick] [--only search,bulk,static]
#                       [--rally-bin PATH] [--keep] [--nginx-access-log]
#
# The work is done by http_bench.py, which starts nginx, rally and wrk itself and stops each by
# PID when it ends (normally, on error, or on SIGINT/SIGTERM).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v python3 >/dev/null 2>&1 || { echo "http_bench: python3 is missing: run scripts/setup.sh" >&2; exit 1; }
exec python3 "$here/http_bench.py" "$@"
