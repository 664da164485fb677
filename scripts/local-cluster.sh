#!/usr/bin/env bash
# A real single-node OpenSearch 2.19.6 on loopback for rally's integration tests, run embedded from
# the OpenSearch jars on Maven Central (cluster/opensearch-node). See docs/local-cluster.md.
#
#   scripts/local-cluster.sh start    builds the node if needed, starts it, waits until it is healthy
#                                     and prints its address host:port as the LAST line of stdout
#                                     (already running and healthy: just prints the address)
#   scripts/local-cluster.sh stop     stops the node this state dir started and removes its data
#   scripts/local-cluster.sh status   prints the address if the node is running, exits 1 otherwise
#
# Progress and errors go to stderr. Environment:
#   RALLY_CLUSTER_DIR        state dir: pid file, address file, node home (data, logs), console log
#                            (default /tmp/rally-local-cluster); nodes of different state dirs run
#                            side by side, each on its own free ports
#   RALLY_CLUSTER_TIMEOUT    seconds start waits for a healthy node (default 120)
#   RALLY_CLUSTER_HEAP       JVM heap, -Xms and -Xmx (default 512m)
#   RALLY_CLUSTER_JAVA_OPTS  extra JVM options (word-split)
#   RALLY_CLUSTER_SETTINGS   extra node settings, whitespace-separated key=value (e.g. "http.max_content_length=200mb")
#   RALLY_CLUSTER_BUILD_DIR  where the node is compiled and its classpath cached, one subdirectory per
#                            version of the sources (default ${XDG_CACHE_HOME:-~/.cache}/rally-opensearch-node);
#                            the jars stay in ~/.m2
#   JAVA, MVN                java and mvn commands (default: $JAVA_HOME/bin/java or java; mvn)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PROJECT="$ROOT/cluster/opensearch-node"
MAIN_CLASS=rally.testnode.TestNode

STATE_DIR=${RALLY_CLUSTER_DIR:-/tmp/rally-local-cluster}
BUILD_DIR=${RALLY_CLUSTER_BUILD_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/rally-opensearch-node}
TIMEOUT=${RALLY_CLUSTER_TIMEOUT:-120}
HEAP=${RALLY_CLUSTER_HEAP:-512m}
if [[ -z ${JAVA:-} ]]; then
  if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then JAVA=$JAVA_HOME/bin/java; else JAVA=java; fi
fi
MVN=${MVN:-mvn}

log() { echo "local-cluster: $*" >&2; }
die() { log "$*"; exit 1; }

usage() {
  echo "usage: $0 start|stop|status   (state dir: \$RALLY_CLUSTER_DIR, default /tmp/rally-local-cluster)" >&2
  exit 2
}

(($# == 1)) || usage
case $1 in start | stop | status) ;; *) usage ;; esac
[[ $TIMEOUT =~ ^[0-9]+$ ]] || die "RALLY_CLUSTER_TIMEOUT must be a number of seconds, not '$TIMEOUT'"

mkdir -p "$STATE_DIR"
STATE_DIR=$(cd "$STATE_DIR" && pwd -P)
PID_FILE=$STATE_DIR/node.pid
ADDR_FILE=$STATE_DIR/address
NODE_HOME=$STATE_DIR/node # the node's path.home: data/, logs/, config/, tmp/
CONSOLE_LOG=$STATE_DIR/console.log
NODE_LOG=$NODE_HOME/logs/opensearch.log

# One start/stop/status at a time per state dir. fd 9 must not leak into the node (it would hold the lock).
exec 9>"$STATE_DIR/.lock"
flock -w $((TIMEOUT + 60)) 9 || die "could not lock $STATE_DIR/.lock"

# The pid of the node this state dir started, if that process is still alive and still that node
# (guards against a reused pid). Prints nothing otherwise.
node_pid() {
  [[ -s $PID_FILE ]] || return 0
  local pid
  pid=$(<"$PID_FILE")
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  [[ -r /proc/$pid/cmdline ]] || return 0
  local cmdline
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 0
  [[ $cmdline == *"$MAIN_CLASS $NODE_HOME $ADDR_FILE"* ]] || return 0
  echo "$pid"
}

healthy() { # $1 = host:port
  curl -fsS -m 10 -o /dev/null "http://$1/_cluster/health?wait_for_status=yellow&timeout=5s" 2>/dev/null
}

show_logs() {
  if [[ -s $CONSOLE_LOG ]]; then
    log "--- tail of $CONSOLE_LOG"
    tail -n 30 "$CONSOLE_LOG" >&2
  fi
  if [[ -s $NODE_LOG ]]; then
    log "--- tail of $NODE_LOG"
    tail -n 40 "$NODE_LOG" >&2
  fi
}

# TERM, up to 30 s for a clean shutdown, then KILL.
kill_node() { # $1 = pid
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  log "node (pid $pid) still running 30 s after SIGTERM: sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  die "node (pid $pid) survived SIGKILL"
}

remove_node_files() {
  rm -rf "$NODE_HOME"
  rm -f "$PID_FILE" "$ADDR_FILE" "$ADDR_FILE.tmp" "$CONSOLE_LOG"
}

# Compiles the node and caches its dependency classpath under $BUILD_DIR/<hash of the sources and java>,
# setting BUILT to that directory. Every version gets its own directory, so rebuilding never touches the
# classes of a node that is running. Skipped when that build exists and every jar of its classpath is
# still there; Maven runs offline (-o) first and goes online only if the local repository lacks
# something (the very first build).
BUILT=
build() {
  command -v "$JAVA" >/dev/null || die "no java ('$JAVA'); run scripts/setup.sh"
  mkdir -p "$BUILD_DIR"
  exec 8>"$BUILD_DIR/.lock" # state dirs share the builds: one builder at a time
  flock -w 900 8 || die "could not lock $BUILD_DIR/.lock"

  local hash
  hash=$(
    cd "$PROJECT"
    {
      find pom.xml src -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
      "$JAVA" -version 2>&1 | head -n 1
    } | sha256sum | cut -c1-16
  )
  BUILT=$BUILD_DIR/$hash
  if [[ -f $BUILT/complete && -s $BUILT/classpath.txt && -d $BUILT/target/classes ]]; then
    local ok=1 jar jars=()
    IFS=: read -r -a jars <"$BUILT/classpath.txt" || true # no trailing newline: read returns 1
    for jar in "${jars[@]}"; do [[ -f $jar ]] || { ok=0; break; }; done
    if ((ok)); then
      exec 8>&-
      return 0
    fi
  fi

  command -v "$MVN" >/dev/null || die "no maven ('$MVN'); run scripts/setup.sh"
  log "building the OpenSearch test node (cluster/opensearch-node) into $BUILT"
  rm -rf "$BUILT"
  mkdir -p "$BUILT"
  local args=(-B -q -f "$PROJECT/pom.xml" "-Dtestnode.build.dir=$BUILT/target"
    compile dependency:build-classpath "-Dmdep.outputFile=$BUILT/classpath.txt")
  if ! "$MVN" -o "${args[@]}" >"$BUILT/mvn.log" 2>&1; then
    log "not everything is in the local Maven repository yet: resolving from Maven Central"
    if ! "$MVN" "${args[@]}" >"$BUILT/mvn.log" 2>&1; then
      tail -n 40 "$BUILT/mvn.log" >&2
      die "maven build failed (full log: $BUILT/mvn.log)"
    fi
  fi
  [[ -s $BUILT/classpath.txt ]] || die "maven wrote no classpath (log: $BUILT/mvn.log)"
  touch "$BUILT/complete"
  # Builds of older sources unused for a week go (a few hundred KB each).
  find "$BUILD_DIR" -mindepth 1 -maxdepth 1 -type d ! -name "$hash" -mtime +7 -exec rm -rf {} + 2>/dev/null || true
  exec 8>&-
}

cmd_status() {
  local pid addr
  pid=$(node_pid)
  if [[ -n $pid && -s $ADDR_FILE ]]; then
    addr=$(<"$ADDR_FILE")
    healthy "$addr" || log "node (pid $pid) is running but $addr does not answer as healthy"
    echo "$addr"
    return 0
  fi
  if [[ -n $pid ]]; then
    log "node (pid $pid) is running but has not published its address yet"
  else
    log "no node running for $STATE_DIR"
  fi
  return 1
}

cmd_stop() {
  local pid
  pid=$(node_pid)
  if [[ -n $pid ]]; then
    log "stopping node (pid $pid)"
    kill_node "$pid"
  else
    log "no node running for $STATE_DIR"
  fi
  remove_node_files
}

cmd_start() {
  local pid addr started=$SECONDS
  pid=$(node_pid)
  if [[ -n $pid ]]; then
    if [[ -s $ADDR_FILE ]] && healthy "$(<"$ADDR_FILE")"; then
      log "node already running (pid $pid)"
      cat "$ADDR_FILE"
      return 0
    fi
    log "node (pid $pid) is running but not healthy: restarting it"
    kill_node "$pid"
  fi
  remove_node_files # leftovers of a node that died or was killed

  build

  local cp settings=() kv
  touch "$BUILT" # marks the build as in use for the pruning above
  cp="$BUILT/target/classes:$(<"$BUILT/classpath.txt")"
  for kv in ${RALLY_CLUSTER_SETTINGS:-}; do settings+=("-E$kv"); done
  # shellcheck disable=SC2206,SC2054 # word splitting of the extra options is intended; SPI,COMPAT is one value
  local java_opts=(
    "-Xms$HEAP" "-Xmx$HEAP" -Xss1m
    -XX:+ExitOnOutOfMemoryError
    -Djava.awt.headless=true -Dfile.encoding=UTF-8
    -Djava.locale.providers=SPI,COMPAT # as the 2.x distribution's jvm.options: OpenSearch's ISO calendar data
    "-Djava.io.tmpdir=$NODE_HOME/tmp"
    -Dopensearch.set.netty.runtime.available.processors=false
    -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true -Dio.netty.recycler.maxCapacityPerThread=0
    -Dlog4j.shutdownHookEnabled=false -Dlog4j2.disable.jmx=true
    -Djna.nosys=true
    ${RALLY_CLUSTER_JAVA_OPTS:-}
  )
  mkdir -p "$NODE_HOME/tmp"
  log "starting OpenSearch 2.19.6 node in $STATE_DIR (heap $HEAP)"
  (
    cd "$STATE_DIR"
    exec nohup "$JAVA" "${java_opts[@]}" -cp "$cp" "$MAIN_CLASS" "$NODE_HOME" "$ADDR_FILE" "${settings[@]}" \
      </dev/null >"$CONSOLE_LOG" 2>&1 9>&- 8>&-
  ) &
  pid=$!
  echo "$pid" >"$PID_FILE"

  local deadline=$((SECONDS + TIMEOUT))
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null || true
      show_logs
      rm -f "$PID_FILE" "$ADDR_FILE"
      die "node exited during startup"
    fi
    if [[ -s $ADDR_FILE ]]; then
      addr=$(<"$ADDR_FILE")
      if healthy "$addr"; then break; fi
    fi
    if ((SECONDS >= deadline)); then
      show_logs
      log "node not healthy after ${TIMEOUT}s: stopping it"
      kill_node "$pid"
      rm -f "$PID_FILE" "$ADDR_FILE"
      die "timed out"
    fi
    sleep 0.2
  done
  log "node healthy at $addr (pid $pid) after $((SECONDS - started))s; logs in $NODE_HOME/logs"
  echo "$addr"
}

"cmd_$1"
