#!/usr/bin/env python3
"""rally's HTTP client against wrk, on the same nginx, in one invocation (see bench/README.md).

  search  rally (search-only track, N clients, one Worker) vs wrk -t1 -cN posting the same body
  bulk    rally (bulk-only track, looped 5,000-document bulks) vs wrk posting the identical body
  static  rally alone with --client-options=static_responses:'<file>': the driver without a network

nginx (one process, pinned to CPU 1) answers every request from static, Elasticsearch-shaped
bodies; rally and wrk take turns on CPU 0. rally's CPU time comes from the kernel's rusage of
the process (wait4), its request counts from the race's race.json in a temporary HOME.
Every child is started here and stopped here, by PID.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
INDEX = "bench"
SEARCH_BODY = '{"query":{"match_all":{}}}'  # what rally sends for the search-only track's body
ACTION_LINE = '{"index": {"_index": "%s"}}\n' % INDEX  # what rally puts before each document

INFO = {
    "name": "bench-node", "cluster_name": "bench", "cluster_uuid": "b3nchb3nchb3nchb3nchbw",
    "version": {
        "distribution": "opensearch", "number": "2.19.0", "build_type": "tar",
        "build_hash": "0000000000000000000000000000000000000000", "build_date": "2025-01-01T00:00:00.000000Z",
        "build_snapshot": False, "lucene_version": "9.12.1", "minimum_wire_compatibility_version": "7.10.0",
        "minimum_index_compatibility_version": "7.0.0"},
    "tagline": "The OpenSearch Project: https://opensearch.org/"}
SEARCH_RESPONSE = {
    "took": 1, "timed_out": False, "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
    "hits": {"total": {"value": 10000, "relation": "gte"}, "max_score": 1.0, "hits": [
        {"_index": INDEX, "_id": str(i), "_score": 1.0,
         "_source": {"name": f"Place {i}", "country_code": "AT", "population": 1000 * i}} for i in range(3)]}}
BULK_RESPONSE = {"took": 1, "errors": False, "items": []}
HEALTH = {"cluster_name": "bench", "status": "green", "timed_out": False, "number_of_nodes": 1,
          "number_of_data_nodes": 1, "active_primary_shards": 1, "active_shards": 1, "relocating_shards": 0,
          "initializing_shards": 0, "unassigned_shards": 0}
STATS = {"_shards": {"total": 1, "successful": 1, "failed": 0}, "_all": {"primaries": {}, "total": {}}, "indices": {}}
ACK = {"acknowledged": True}

# nginx locations (regex on the path) and Rally static_responses entries for the same answers.
ROUTES = [
    ("= /", "/", INFO),
    ("~ /_search$", "*/_search", SEARCH_RESPONSE),
    ("~ /_bulk$", "*/_bulk", BULK_RESPONSE),
    ("~ ^/_cluster/health", "/_cluster/health*", HEALTH),
    ("~ /_stats", "*/_stats*", STATS),
    ("/", "*", ACK),
]


class Failure(Exception):
    pass


class Children:
    """Every process this script starts; all stopped by PID on the way out."""

    def __init__(self):
        self.processes = []

    def start(self, args, **kwargs):
        process = subprocess.Popen(args, stdin=subprocess.DEVNULL, **kwargs)
        self.processes.append(process)
        return process

    def wait_measured(self, process, timeout):
        """Waits (bounded) and returns (exit code, CPU seconds user+system) from wait4's rusage."""
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid == process.pid:
                process.returncode = os.waitstatus_to_exitcode(status)
                self.processes.remove(process)
                return process.returncode, usage.ru_utime + usage.ru_stime
            if time.monotonic() > deadline:
                self.stop(process)
                raise Failure(f"{' '.join(process.args[:4])} ... did not finish within {timeout:.0f} s: stopped")
            time.sleep(0.02)

    def stop(self, process):
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        if process in self.processes:
            self.processes.remove(process)

    def stop_all(self):
        for process in list(reversed(self.processes)):
            self.stop(process)


def need(tool, package):
    path = shutil.which(tool) or shutil.which(tool, path="/usr/sbin:/sbin:/usr/local/sbin")
    if path is None:
        sys.exit(f"http_bench: {tool} is missing: install the Debian package '{package}' (scripts/setup.sh)")
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def pin(cpu, enabled):
    return ["taskset", "-c", str(cpu)] if enabled else []


def start_nginx(children, work, access_log, pinned, connections=4096):
    """nginx (one process, no master) on a free loopback port; returns (process, port).
    connections: worker_connections, the listen backlog (at most that) and, above the default,
    worker_rlimit_nofile (bench/many_clients.py needs more than 10,000)."""
    nginx = need("nginx", "nginx")
    prefix = os.path.join(work, "nginx")
    os.makedirs(os.path.join(prefix, "logs"), exist_ok=True)
    locations = "\n".join(f"    location {match} {{ return 200 '{json.dumps(body, separators=(',', ':'))}'; }}"
                          for match, _, body in ROUTES)
    log = f"access_log {prefix}/logs/access.log;" if access_log else "access_log off;"
    rlimit = f"worker_rlimit_nofile {connections + 1024};\n" if connections > 4096 else ""
    for _ in range(5):
        port = free_port()
        with open(os.path.join(prefix, "nginx.conf"), "w") as f:
            f.write(f"""master_process off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
{rlimit}events {{ worker_connections {connections}; multi_accept on; }}
http {{
  {log}
  keepalive_requests 1000000000;
  keepalive_timeout 300s;
  client_max_body_size 0;
  client_body_buffer_size 64m;
  client_body_temp_path {prefix}/body;
  proxy_temp_path {prefix}/proxy;
  fastcgi_temp_path {prefix}/fastcgi;
  uwsgi_temp_path {prefix}/uwsgi;
  scgi_temp_path {prefix}/scgi;
  default_type application/json;
  server {{
    listen 127.0.0.1:{port} backlog={min(connections, 4096)};
{locations}
  }}
}}
""")
        stderr = open(os.path.join(prefix, "logs", "stderr.log"), "ab")
        process = children.start([*pin(1, pinned), nginx, "-p", prefix + "/", "-c", os.path.join(prefix, "nginx.conf"),
                                  "-e", os.path.join(prefix, "logs", "error.log"), "-g", "daemon off;"],
                                 stdout=stderr, stderr=stderr)
        stderr.close()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and process.poll() is None and not accepts(port):
            time.sleep(0.02)
        if process.poll() is None and accepts(port):
            return process, port
        children.stop(process)
    with open(os.path.join(prefix, "logs", "error.log")) as f:
        raise Failure("nginx does not start: " + f.read()[-2000:])


def last_error(path):
    with open(path, errors="replace") as f:
        lines = [line.strip() for line in f if line.strip()]
    errors = [line for line in lines if "[ERROR]" in line]
    return (errors[-1:] or lines[:1] or ["(no output)"])[0][:300]


class Rally:
    def __init__(self, binary, children, work, pinned):
        self.binary = binary
        self.children = children
        self.work = work
        self.pinned = pinned
        self.home = os.path.join(work, "home")
        os.makedirs(self.home, exist_ok=True)
        self.runs = 0

    def race(self, name, track, params, target, duration, extra=()):
        """Runs a race; returns (task metrics of its race.json, CPU seconds). Raises Failure
        with rally's error when it fails."""
        self.runs += 1
        race_id = f"bench-{self.runs}-{name}"
        out = os.path.join(self.work, f"{race_id}.out")
        err = os.path.join(self.work, f"{race_id}.err")
        args = [*pin(0, self.pinned), self.binary, "race", "--offline", "--worker-count=1", f"--target-hosts={target}",
                f"--track-path={track}", "--track-params=" + ",".join(f"{k}:{v}" for k, v in params.items()),
                f"--race-id={race_id}", *extra]
        with open(out, "w") as o, open(err, "w") as e:
            process = self.children.start(args, stdout=o, stderr=e, env=dict(os.environ, HOME=self.home))
        code, cpu = self.children.wait_measured(process, duration + 180)
        if code != 0:
            raise Failure(f"rally exit {code}: {last_error(err)}")
        with open(os.path.join(self.home, ".rally", "benchmarks", "races", race_id, "race.json")) as f:
            race = json.load(f)
        metrics = {m["task"]: m for m in race["results"]["op_metrics"]}
        return metrics, cpu

    def generate_corpus(self, documents, directory):
        path = os.path.join(directory, "documents.json")
        if os.path.exists(path) and os.path.exists(path + ".synthetic.json"):
            return path
        os.makedirs(directory, exist_ok=True)
        print(f"http_bench: generating a synthetic geonames corpus of {documents} documents in {directory}",
              file=sys.stderr)
        completed = subprocess.run([self.binary, "generate-corpus", "--generator=geonames",
                                    f"--documents={documents}", f"--output={path}"],
                                   capture_output=True, text=True, timeout=600, env=dict(os.environ, HOME=self.home))
        if completed.returncode != 0:
            raise Failure(f"rally generate-corpus failed: {completed.stderr.strip()[-300:]}")
        return path


def run_wrk(children, work, name, url, lua, clients, duration, pinned):
    wrk = need("wrk", "wrk")
    script = os.path.join(work, f"{name}.lua")
    with open(script, "w") as f:
        f.write(lua)
    out = os.path.join(work, f"wrk-{name}.out")
    with open(out, "w") as o:
        process = children.start([*pin(0, pinned), wrk, "-t1", f"-c{clients}", f"-d{duration}s", "--timeout", "10s",
                                  "-s", script, url], stdout=o, stderr=subprocess.STDOUT)
    code, cpu = children.wait_measured(process, duration + 60)
    with open(out) as f:
        text = f.read()
    if code != 0:
        raise Failure(f"wrk exit {code}: {text.strip()[-300:]}")
    fields = {}
    for line in text.splitlines():
        parts = line.split()
        if line.strip().startswith("Requests/sec:"):
            fields["rps"] = float(parts[1])
        elif "requests in" in line:
            fields["requests"] = int(parts[0])
        elif line.strip().startswith("Non-2xx"):
            fields["non2xx"] = int(parts[-1])
        elif line.strip().startswith("Socket errors"):
            fields["socket_errors"] = line.strip()
    if "rps" not in fields:
        raise Failure("no Requests/sec in wrk's output: " + text[-300:])
    if fields.get("non2xx"):
        raise Failure(f"wrk saw {fields['non2xx']} non-2xx responses")
    fields["cpu_us"] = 1e6 * cpu / max(fields.get("requests", 1), 1)
    return fields


def rally_figures(metrics, task, cpu):
    m = metrics[task]
    if m["requests"] == 0:
        raise Failure(f"rally measured no requests ({m['warmup-requests']} in warmup): the task ended before its "
                      "time period (a bulk without `looped` support runs out of corpus)")
    total = m["requests"] + m["warmup-requests"]
    duration = m["duration"] or 1e-9
    return {"rps": m["requests"] / duration, "requests": m["requests"], "docs_per_s": m["total-weight"] / duration,
            "error_rate": m["error_rate"], "cpu_us": 1e6 * cpu / max(total, 1), "duration": duration}


class Table:
    def __init__(self):
        self.rows = []

    def add(self, benchmark, tool, figures, note=""):
        self.rows.append((benchmark, tool, figures, note))

    def fail(self, benchmark, tool, reason):
        self.rows.append((benchmark, tool, None, reason))

    def print(self):
        header = ("benchmark", "tool", "req/s", "docs/s", "MB/s", "CPU µs/req", "vs wrk", "errors")
        lines = []
        for benchmark, tool, f, note in self.rows:
            if f is None:
                lines.append((benchmark, tool, "FAILED", "", "", "", "", note))
                continue
            lines.append((benchmark, tool, f"{f['rps']:,.0f}",
                          f"{f['docs_per_s']:,.0f}" if f.get("docs_per_s") else "",
                          f"{f['mb_per_s']:,.1f}" if f.get("mb_per_s") else "",
                          f"{f['cpu_us']:,.1f}" if f.get("cpu_us") is not None else "",
                          f.get("ratio", ""), note))
        widths = [max(len(str(row[i])) for row in [header, *lines]) for i in range(len(header))]
        fmt = " | ".join("{:<%d}" % w for w in widths)
        print(fmt.format(*header))
        print("-+-".join("-" * w for w in widths))
        for row in lines:
            print(fmt.format(*row))


def bench_search(args, rally, children, work, port, table):
    params = {"clients": args.clients, "time_period": args.duration, "warmup": args.warmup}
    rows = []
    try:
        metrics, cpu = rally.race("search", os.path.join(HERE, "tracks", "search-only"), params,
                                  f"127.0.0.1:{port}", args.duration + args.warmup)
        r = rally_figures(metrics, "search", cpu)
        r.pop("docs_per_s")
        rows.append(("search", "rally", r, f"{r['error_rate']:.2f}%"))
    except Failure as e:
        r = None
        rows.append(("search", "rally", None, str(e)))
    lua = ('wrk.method = "POST"\nwrk.body = \'%s\'\nwrk.headers["Content-Type"] = "application/json"\n' % SEARCH_BODY)
    try:
        w = run_wrk(children, work, "search", f"http://127.0.0.1:{port}/{INDEX}/_search", lua, args.clients,
                    args.duration, args.pin)
        rows.append(("search", "wrk", w, w.get("socket_errors", "")))
        if r is not None:
            r["ratio"] = f"{r['rps'] / w['rps']:.2f}"
    except Failure as e:
        rows.append(("search", "wrk", None, str(e)))
    table.rows.extend(rows)


def bulk_body(corpus, size):
    parts = []
    with open(corpus) as f:
        for _ in range(size):
            line = f.readline()
            if not line:
                raise Failure(f"the corpus {corpus} has fewer than {size} documents")
            parts.append(ACTION_LINE + line)
    return "".join(parts).encode()


def bench_bulk(args, rally, children, work, port, table, corpus):
    body = bulk_body(corpus, args.bulk_size)
    body_path = os.path.join(work, "bulk-body.ndjson")
    with open(body_path, "wb") as f:
        f.write(body)
    per_doc = len(body) / args.bulk_size
    params = {"clients": args.bulk_clients, "time_period": args.duration, "warmup": args.warmup,
              "documents": args.documents, "bulk_size": args.bulk_size}
    label = f"bulk {args.bulk_size}"
    rows = []
    try:
        metrics, cpu = rally.race("bulk", os.path.join(HERE, "tracks", "bulk-only"), params, f"127.0.0.1:{port}",
                                  args.duration + args.warmup)
        r = rally_figures(metrics, "bulk", cpu)
        r["mb_per_s"] = r["docs_per_s"] * per_doc / 1e6
        rows.append((label, "rally", r, f"{r['error_rate']:.2f}%"))
    except Failure as e:
        r = None
        rows.append((label, "rally", None, str(e)))
    lua = ('local f = assert(io.open("%s", "rb"))\nwrk.method = "POST"\nwrk.body = f:read("*a")\nf:close()\n'
           'wrk.headers["Content-Type"] = "application/x-ndjson"\n' % body_path)
    try:
        w = run_wrk(children, work, "bulk", f"http://127.0.0.1:{port}/_bulk", lua, args.bulk_clients, args.duration,
                    args.pin)
        w["docs_per_s"] = w["rps"] * args.bulk_size
        w["mb_per_s"] = w["rps"] * len(body) / 1e6
        rows.append((label, "wrk", w, w.get("socket_errors", "")))
        if r is not None:
            r["ratio"] = f"{r['rps'] / w['rps']:.2f}"
    except Failure as e:
        rows.append((label, "wrk", None, str(e)))
    table.rows.extend(rows)


def bench_static(args, rally, work, table, corpus, corpus_bytes):
    path = os.path.join(work, "static-responses.json")
    with open(path, "w") as f:
        json.dump([{"path": pattern, "body": body} for _, pattern, body in ROUTES], f, indent=1)
    target = f"127.0.0.1:{free_port()}"  # nobody listens: a request that reaches the network fails
    options = f"--client-options=static_responses:'{path}'"
    runs = [("static search", "search-only", "search",
             {"clients": args.clients, "time_period": args.duration, "warmup": args.warmup}),
            ("static bulk", "bulk-only", "bulk",
             {"clients": args.bulk_clients, "time_period": args.duration, "warmup": args.warmup,
              "documents": args.documents, "bulk_size": args.bulk_size})]
    for label, track, task, params in runs:
        try:
            metrics, cpu = rally.race(task + "-static", os.path.join(HERE, "tracks", track), params, target,
                                      args.duration + args.warmup, extra=(options,))
            r = rally_figures(metrics, task, cpu)
            note = f"{r['error_rate']:.2f}%"
            if task == "bulk":
                gb = r["docs_per_s"] * corpus_bytes / args.documents / 1e9
                r["mb_per_s"] = gb * 1e3
                note += f"; {gb:.2f} GB/s of corpus"
            else:
                r.pop("docs_per_s")
            table.add(label, "rally", r, note)
        except Failure as e:
            table.fail(label, "rally", str(e))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=15, help="measured seconds per run (default 15)")
    parser.add_argument("--warmup", type=int, default=3, help="rally's warmup seconds (default 3)")
    parser.add_argument("--clients", type=int, default=64, help="search clients and wrk connections (default 64)")
    parser.add_argument("--bulk-clients", type=int, default=8, help="bulk clients and wrk connections (default 8)")
    parser.add_argument("--bulk-size", type=int, default=5000)
    parser.add_argument("--documents", type=int,
                        help="synthetic corpus size (default: one bulk per bulk client, so that every client "
                             "sends the same 5,000-document body again and again, as wrk does; a larger corpus "
                             "adds the cost of reading it from memory)")
    parser.add_argument("--quick", action="store_true", help="a short run that checks everything works")
    parser.add_argument("--only", default="search,bulk,static", help="comma list of search, bulk, static")
    parser.add_argument("--rally-bin", default=os.path.join(SOURCE, "build", "bin", "rally"))
    parser.add_argument("--cache-dir", default=os.path.join(os.environ.get("XDG_CACHE_HOME") or
                                                           os.path.expanduser("~/.cache"), "rally-bench"))
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, race.json files)")
    parser.add_argument("--nginx-access-log", action="store_true", help="log nginx's requests (slower)")
    args = parser.parse_args()
    if args.quick:
        args.duration, args.warmup = 2, 1
    if args.documents is None:  # every client's share of the corpus is one whole bulk, looped
        args.documents = args.bulk_size * args.bulk_clients
    selected = set(args.only.split(","))
    if not selected <= {"search", "bulk", "static"}:
        parser.error("--only takes search, bulk, static")
    if not os.access(args.rally_bin, os.X_OK):
        sys.exit(f"http_bench: no rally binary at {args.rally_bin}: build it (scripts/build.sh) or pass --rally-bin")
    for tool, package in (("nginx", "nginx"), ("wrk", "wrk"), ("taskset", "util-linux")):
        need(tool, package)
    args.pin = (os.cpu_count() or 1) >= 2
    if not args.pin:
        print("http_bench: fewer than 2 CPUs: running without pinning", file=sys.stderr)

    children = Children()

    def interrupted(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    work = tempfile.mkdtemp(prefix="rally-bench-")
    table = Table()
    try:
        rally = Rally(os.path.abspath(args.rally_bin), children, work, args.pin)
        corpus = corpus_bytes = None
        if selected & {"bulk", "static"}:
            corpus_dir = os.path.join(args.cache_dir, f"geonames-{args.documents}")
            corpus = rally.generate_corpus(args.documents, corpus_dir)
            corpus_bytes = os.path.getsize(corpus)
            # The bulk-only track finds its corpus in ~/.rally/benchmarks/data/<corpus>/ of rally's HOME.
            data = os.path.join(rally.home, ".rally", "benchmarks", "data")
            os.makedirs(data, exist_ok=True)
            os.symlink(corpus_dir, os.path.join(data, "bench-geonames"))
        nginx = port = None
        if selected & {"search", "bulk"}:
            nginx, port = start_nginx(children, work, args.nginx_access_log, args.pin)
        if "search" in selected:
            bench_search(args, rally, children, work, port, table)
        if "bulk" in selected:
            bench_bulk(args, rally, children, work, port, table, corpus)
        if nginx is not None:
            children.stop(nginx)
        if "static" in selected:
            bench_static(args, rally, work, table, corpus, corpus_bytes)
    except Failure as e:
        print(f"http_bench: {e}", file=sys.stderr)
        return 1
    finally:
        children.stop_all()
        if args.keep:
            print(f"http_bench: work directory kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    pinning = "rally and wrk on CPU 0, nginx on CPU 1" if args.pin else "no CPU pinning"
    print(f"\nrally vs wrk: {args.duration} s measured (rally: +{args.warmup} s warmup), one rally Worker, "
          f"one wrk thread; {pinning}; {args.clients} search / {args.bulk_clients} bulk connections")
    table.print()
    failed = [row for row in table.rows if row[2] is None]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
