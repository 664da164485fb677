#!/usr/bin/env bash
# Many simulated clients on one Worker: rally's RSS with 100 and with 10,000 throttled clients
# (about one request per second each) against nginx, and the memory per client (target: <= 16 KB).
# One invocation; prints a table and PASS/FAIL at the end. See bench/README.md.
#
#   bench/many_clients.sh [--clients 100,10000] [--duration S] [--warmup S] [--rate-per-client R]
#                         [--rally-bin PATH] [--keep]
#
# The work is done by many_clients.py, which starts nginx and rally itself and stops each by PID
# when it ends (normally, on error, or on SIGINT/SIGTERM). Needs `ulimit -n` >= 12000.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v python3 >/dev/null 2>&1 || { echo "many_clients: python3 is missing: run scripts/setup.sh" >&2; exit 1; }
exec python3 "$here/many_clients.py" "$@"
