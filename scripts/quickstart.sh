#!/usr/bin/env bash
# The first command to run: installs what rally needs, builds it, starts a local
# OpenSearch node on loopback and races the tiny track against it, printing the report.
# The node keeps running afterwards; stop it with: scripts/local-cluster.sh stop
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh release
echo "quickstart: starting a local OpenSearch node (first start resolves its jars from Maven Central)" >&2
address="$(bash scripts/local-cluster.sh start | tail -n 1)"
echo "quickstart: racing tests/tracks/tiny against $address" >&2
exec build/bin/rally race --track-path=tests/tracks/tiny --target-hosts="$address" "$@"
