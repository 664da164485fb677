#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time and prints one summary line.
#   run_fuzzer.sh BINARY SECONDS WORK_DIR INPUT_DIR...
# The inputs (the committed seeds and regressions) are read, never written: new inputs go to
# WORK_DIR/corpus, a crashing input to WORK_DIR/artifacts/. Exit 1 on a crash, a leak, a
# timeout (10 s for one input) or memory over 2 GiB, with the input's path and the report.
set -euo pipefail
binary=$1 seconds=$2 work=$3
shift 3
name=$(basename "$binary")
mkdir -p "$work/corpus" "$work/artifacts"
seeds=0
for dir in "$@"; do seeds=$((seeds + $(find "$dir" -type f | wc -l))); done
log="$work/fuzz.log"
status=0
"$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$work/corpus" "$@" >"$log" 2>&1 || status=$?
stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
runs=$(stat number_of_executed_units)
rate=$(stat average_exec_per_sec)
done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)
cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")
corpus=$(find "$work/corpus" -type f | wc -l)
if [[ $status -ne 0 ]]; then
  echo "$name: FAILED (exit $status) after ${runs:-?} runs; input(s): $(ls "$work/artifacts" | tr '\n' ' ')"
  grep -E -A40 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|fuzz check failed|terminate called|deadly signal' \
    "$log" | head -80
  exit 1
fi
echo "$name: ${rate:-?} exec/s, ${runs:-?} runs in ${seconds} s, corpus $((seeds + corpus)) inputs ($seeds committed, $corpus new), coverage ${cov:-?} edges, no crash"
