#!/usr/bin/env bash
# Configures and builds rally (release preset). Binaries: build/bin/rally, build/bin/rally-daemon.
# Usage: scripts/build.sh [preset]   (release by default; dev = ASan+UBSan in build-dev/,
#        tsan = TSan actor and Worker tests in build-tsan/, fuzz = libFuzzer targets in build-fuzz/)
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
jobs="$(nproc 2>/dev/null || echo 2)"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$jobs"
