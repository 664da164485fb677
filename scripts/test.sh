#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: dependencies, builds, then every test,
# in four builds (CMakePresets.json):
#   release  unit, actor protocol, integration against a real OpenSearch node on loopback,
#            the fault matrix, benchmark smoke runs, lint                       (build/)
#   dev      the same suite, binaries under ASan+UBSan, without the benchmark smoke runs and
#            test_measurement (they judge speed, RSS and rally's own overhead, which the
#            sanitizers change) and lint                                         (build-dev/)
#   tsan     the actor and Worker tests under ThreadSanitizer                   (build-tsan/)
#   fuzz     every fuzzer for RALLY_FUZZ_SECONDS s (default 30) from its seeds (build-fuzz/)
# Usage: scripts/test.sh [--presets release,dev,tsan,fuzz] [ctest arguments...]
#   e.g. scripts/test.sh --presets release -L unit
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
presets=release,dev,tsan,fuzz
if [[ ${1:-} == --presets ]]; then presets=$2; shift 2; elif [[ ${1:-} == --presets=* ]]; then presets=${1#*=}; shift; fi
bash scripts/setup.sh
jobs="$(nproc 2>/dev/null || echo 2)"
status=0
summary=()
run() {  # preset, ctest arguments...
  local preset=$1 t0 rc=0
  shift
  t0=$(date +%s)
  echo "scripts/test.sh: === $preset ==="
  if [[ $preset == fuzz ]]; then
    bash scripts/fuzz.sh --seconds "${RALLY_FUZZ_SECONDS:-30}" "$@" || rc=$?
  else
    bash scripts/build.sh "$preset" || rc=$?
    if ((rc == 0)); then ctest --preset "$preset" -j "$jobs" --timeout 900 "$@" || rc=$?; fi
  fi
  summary+=("$preset: exit $rc in $(($(date +%s) - t0)) s")
  if ((rc != 0)); then status=$rc; fi
}
IFS=, read -r -a chosen <<<"$presets"
for preset in "${chosen[@]}"; do
  case $preset in
    release | tsan | fuzz) run "$preset" "$@" ;;
    dev) run dev -LE '^(bench|lint|timing)$' "$@" ;;
    *) echo "scripts/test.sh: unknown preset '$preset' (release, dev, tsan, fuzz)" >&2; exit 2 ;;
  esac
done
printf 'scripts/test.sh: %s\n' "${summary[@]}"
echo "scripts/test.sh: finished in $(( $(date +%s) - start )) s (exit $status)"
exit "$status"
