#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz preset: clang, ASan, UBSan) and runs each for a bounded
# time from its committed seeds, printing exec/s, corpus size and coverage per target.
#   scripts/fuzz.sh [--seconds N] [--make-seeds] [ctest arguments...]
#     --seconds N    how long each target runs (default 30; ctest's RALLY_FUZZ_SECONDS)
#     --make-seeds   rewrite the committed seeds (fuzz/make_seeds.py, make_seeds) and stop
# A crash leaves its input in build-fuzz/fuzz-work/<target>/artifacts/; reproduce it with
#   build-fuzz/bin/fuzz_<target> <input>
# and, once fixed, keep it in fuzz/regressions/<target>/ (the replay tests of every preset run it).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=30 make_seeds=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --seconds=*) seconds=${1#*=}; shift ;;
    --make-seeds) make_seeds=1; shift ;;
    *) break ;;
  esac
done
jobs="$(nproc 2>/dev/null || echo 2)"
cmake --preset fuzz -DRALLY_FUZZ_SECONDS="$seconds" >/dev/null
cmake --build --preset fuzz -j "$jobs"
if ((make_seeds)); then
  python3 fuzz/make_seeds.py
  build-fuzz/bin/make_seeds fuzz/corpus
  echo "fuzz.sh: seeds written to fuzz/corpus/"
  exit 0
fi
rm -rf build-fuzz/fuzz-work
# One target at a time: each libFuzzer process uses one core, the other is left to the system.
ctest --preset fuzz "$@"
