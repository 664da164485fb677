#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: dependencies, build, then every
# test (unit, actor protocol, integration against a real OpenSearch node on loopback).
# Usage: scripts/test.sh [ctest arguments...], e.g. scripts/test.sh -L unit
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
bash scripts/setup.sh
bash scripts/build.sh release
jobs="$(nproc 2>/dev/null || echo 2)"
status=0
ctest --preset release -j "$jobs" --timeout 900 "$@" || status=$?
echo "scripts/test.sh: finished in $(( $(date +%s) - start )) s (exit $status)"
exit "$status"
