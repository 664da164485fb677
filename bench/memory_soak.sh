#!/usr/bin/env bash
# A long full-speed race (default 600 s, static_responses, 16 clients): does rally's memory stay
# flat? Samples rally's RSS while it runs, prints a table, then RSS at settle (60 s) and at the
# end, the max, the slope in KB/min and the first half vs the second half as the reference; exits
# 1 when RSS grows by more than max(5%, 4 MB) from settle to the end. See bench/README.md.
#
#   bench/memory_soak.sh [--duration S] [--warmup S] [--settle S] [--clients N] [--worker-count N]
#                        [--target static|nginx] [--interval S] [--print-every S]
#                        [--limit-mb MB] [--limit-percent P] [--rally-bin PATH] [--keep]
#
# The work is done by memory_soak.py, which starts rally (and nginx with --target nginx) itself
# and stops each by PID when it ends (normally, on error, or on SIGINT/SIGTERM).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v python3 >/dev/null 2>&1 || { echo "memory_soak: python3 is missing: run scripts/setup.sh" >&2; exit 1; }
exec python3 "$here/memory_soak.py" "$@"
