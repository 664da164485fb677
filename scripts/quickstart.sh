#!/usr/bin/env bash
# The first command to run: installs what rally needs, builds it, starts a local
# OpenSearch node on loopback and races the geonames track against it in test mode,
# printing the report. Offline: rally uses geonames' corpus if it is already on disk
# (~/.rally/benchmarks/data/geonames/) and otherwise generates a synthetic one, and says so.
# Extra arguments go to `rally race`. The node keeps running afterwards; stop it with:
#   scripts/local-cluster.sh stop
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh release
echo "quickstart: starting a local OpenSearch node (the first start resolves its jars from Maven Central)" >&2
address="$(bash scripts/local-cluster.sh start | tail -n 1)"
echo "quickstart: racing geonames (test mode) against $address" >&2
exec build/bin/rally race --track=geonames --test-mode --offline --target-hosts="$address" "$@"
