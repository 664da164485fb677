#!/usr/bin/env python3
"""Many simulated clients on one Worker: rally's memory per client (see bench/README.md).

Checks the target "10,000 simulated clients on one Worker work; <= 16 KB per idle client beyond
kernel buffers": the same nginx as bench/http_bench.py (one process pinned to CPU 1, static
Elasticsearch-shaped answers, keep-alive without limit), here allowed more than 12,000
connections, and rally (pinned to CPU 0) racing tracks/many-clients with --worker-count=1 twice:
with a few clients (default 100) and with many (default 10,000), each client throttled to about
one request per second (target-throughput = clients ops/s).

While rally races, its VmRSS and VmHWM (/proc/<pid>/status), open descriptors and established
connections to nginx (ss) are sampled every 0.5 s. The task starts when the first connection
appears; the RSS figure is the median of the samples in the middle half of the measured
time period (after the warmup), where every client is connected and sending. Per client:
(RSS(many) - RSS(few)) / (many - few). Socket buffers are kernel memory and not in RSS.
Every child is started here and stopped here, by PID.
"""
import argparse
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import http_bench  # noqa: E402  (nginx, children stopped by PID, rally's error line)
from http_bench import Failure  # noqa: E402

TRACK = os.path.join(HERE, "tracks", "many-clients")
SAMPLE_INTERVAL = 0.5
LIMIT_KB = 16.0


def status_kb(pid):
    """VmRSS, VmHWM (KB) and Threads of a process, or None when it is gone."""
    fields = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM", "Threads"):
                    fields[key] = int(value.split()[0])
    except OSError:
        return None
    return fields


def open_fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return -1


def established(port):
    """Established TCP connections to 127.0.0.1:port from the client side (rally's)."""
    completed = subprocess.run(["ss", "-tnH", "state", "established", f"( dport = :{port} )"],
                               capture_output=True, text=True, timeout=10)
    return sum(1 for line in completed.stdout.splitlines() if line.strip())


def tcp_mem_kb():
    """Kernel memory of all TCP sockets (/proc/net/sockstat 'mem', in pages)."""
    try:
        with open("/proc/net/sockstat") as f:
            for line in f:
                if line.startswith("TCP:"):
                    parts = line.split()
                    return int(parts[parts.index("mem") + 1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError):
        pass
    return -1


def tail(path, lines=15):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:]).rstrip()
    except OSError:
        return "(none)"


def race(args, children, work, home, port, clients):
    """One race with `clients` clients, sampled while it runs; returns a dict of figures.
    A failure (exit code, hang, no race.json) is returned in the dict, not raised."""
    race_id = f"many-clients-{clients}"
    out = os.path.join(work, f"{race_id}.out")
    err = os.path.join(work, f"{race_id}.err")
    target = clients * args.rate_per_client
    params = {"clients": clients, "target_throughput": f"{target:g}", "warmup": args.warmup,
              "time_period": args.duration}
    command = [*http_bench.pin(0, args.pin), args.rally_bin, "race", "--offline", "--worker-count=1",
               f"--target-hosts=127.0.0.1:{port}", f"--track-path={TRACK}",
               "--track-params=" + ",".join(f"{k}:{v}" for k, v in params.items()), f"--race-id={race_id}"]
    result = {"clients": clients, "target": target, "command": " ".join(command), "samples": []}
    print(f"many_clients: {clients} clients, {target:g} ops/s, {args.warmup} s warmup + {args.duration} s",
          file=sys.stderr)
    with open(out, "w") as o, open(err, "w") as e:
        process = children.start(command, stdout=o, stderr=e, env=dict(os.environ, HOME=home))
    started = time.monotonic()
    deadline = started + args.warmup + args.duration + args.timeout
    cpu = None
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid == process.pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            children.processes.remove(process)
            cpu = usage.ru_utime + usage.ru_stime
            break
        if time.monotonic() > deadline:
            sample = status_kb(process.pid)
            result["hang"] = (f"still running {time.monotonic() - started:.0f} s after its start "
                              f"(connections {established(port)}, status {sample}): stopped")
            children.stop(process)
            break
        now = time.monotonic() - started
        status_fields = status_kb(process.pid)
        if status_fields is not None:
            result["samples"].append({"t": now, "rss": status_fields.get("VmRSS", 0),
                                      "hwm": status_fields.get("VmHWM", 0), "threads": status_fields.get("Threads", 0),
                                      "fds": open_fds(process.pid), "conns": established(port),
                                      "tcp_mem": tcp_mem_kb()})
        time.sleep(max(0.0, SAMPLE_INTERVAL - (time.monotonic() - started - now)))
    result["exit"] = process.returncode
    result["cpu"] = cpu
    result["wall"] = time.monotonic() - started
    result["stderr"] = tail(err)
    result["stdout"] = tail(out, 40)
    race_json = os.path.join(home, ".rally", "benchmarks", "races", race_id, "race.json")
    if os.path.exists(race_json):
        with open(race_json) as f:
            document = json.load(f)
        metrics = {m["task"]: m for m in document.get("results", {}).get("op_metrics", [])}
        result["metrics"] = metrics.get("search")
    analyse(args, result)
    with open(os.path.join(work, f"{race_id}.samples.json"), "w") as f:
        json.dump(result["samples"], f)
    return result


def analyse(args, result):
    samples = result["samples"]
    result["peak_hwm"] = max((s["hwm"] for s in samples), default=0)
    result["max_conns"] = max((s["conns"] for s in samples), default=0)
    result["max_fds"] = max((s["fds"] for s in samples), default=0)
    first = next((s["t"] for s in samples if s["conns"] > 0), None)
    result["task_start"] = first
    result["all_connected"] = next((s["t"] for s in samples if s["conns"] >= result["clients"]), None)
    window = []
    if first is not None:
        begin = first + args.warmup + 0.25 * args.duration
        end = first + args.warmup + 0.75 * args.duration
        window = [s for s in samples if begin <= s["t"] <= end]
        result["window"] = (begin, end)
    result["window_samples"] = len(window)
    if window:
        result["rss"] = statistics.median(s["rss"] for s in window)
        result["rss_range"] = (min(s["rss"] for s in window), max(s["rss"] for s in window))
        result["conns"] = (min(s["conns"] for s in window), max(s["conns"] for s in window))
        result["fds"] = statistics.median(s["fds"] for s in window)
        result["threads"] = max(s["threads"] for s in window)
        result["tcp_mem"] = statistics.median(s["tcp_mem"] for s in window)
    m = result.get("metrics")
    if m:
        # requests / time period: race.json's "duration" spans the first to the last request, one
        # schedule step (1 s at one request per second per client) short of the time period.
        result["achieved"] = m["requests"] / args.duration
        result["median_throughput"] = (m.get("throughput") or {}).get("median")
        result["error_rate"] = m.get("error_rate")
        result["latency"] = m.get("latency") or {}
        result["service_time"] = m.get("service_time") or {}
        result["requests"] = m["requests"]


def failure_of(result):
    if result.get("hang"):
        return "hang: " + result["hang"]
    if result["exit"] != 0:
        return f"rally exit {result['exit']}"
    if not result.get("metrics"):
        return "no search metrics in race.json"
    if not result.get("window_samples"):
        return "no samples in the steady window (no connection to nginx seen, or rally ended early)"
    return None


def report(args, results):
    print(f"\nmany clients on one Worker: each client ~{args.rate_per_client:g} request/s, {args.warmup} s warmup + "
          f"{args.duration} s measured; RSS = median of VmRSS samples every {SAMPLE_INTERVAL} s in the middle half "
          f"of the measured period; {'rally on CPU 0, nginx on CPU 1' if args.pin else 'no CPU pinning'}")
    header = ("clients", "target ops/s", "achieved ops/s (req/period)", "median ops/s", "errors", "latency p50/p99 ms",
              "service p50/p99 ms", "conns (window)", "fds", "RSS MB", "peak HWM MB", "CPU s", "note")
    rows = []
    for r in results:
        failed = failure_of(r)
        lat, svc = r.get("latency", {}), r.get("service_time", {})
        rows.append((
            f"{r['clients']:,}", f"{r['target']:,.0f}",
            f"{r['achieved']:,.0f}" if "achieved" in r else "",
            f"{r['median_throughput']:,.0f}" if r.get("median_throughput") is not None else "",
            f"{r['error_rate']:.2f}%" if r.get("error_rate") is not None else "",
            f"{lat.get('50_0', 0):.2f}/{lat.get('99_0', 0):.2f}" if lat else "",
            f"{svc.get('50_0', 0):.2f}/{svc.get('99_0', 0):.2f}" if svc else "",
            (f"{r['conns'][0]:,}-{r['conns'][1]:,}" if "conns" in r else "") + f" (max {r['max_conns']:,})",
            f"{r['fds']:,.0f}" if "fds" in r else "",
            f"{r['rss'] / 1024:,.1f}" if "rss" in r else "",
            f"{r['peak_hwm'] / 1024:,.1f}",
            f"{r['cpu']:.1f}" if r.get("cpu") is not None else "",
            f"FAILED: {failed}" if failed else ""))
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    fmt = " | ".join("{:<%d}" % w for w in widths)
    print(fmt.format(*header))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(fmt.format(*row))
    for r in results:
        if r.get("task_start") is not None:
            connected = (f"all {r['clients']:,} connected at {r['all_connected']:.1f} s" if r.get("all_connected")
                         is not None else f"never all {r['clients']:,} connected")
            print(f"  {r['clients']:,} clients: first connection {r['task_start']:.1f} s after rally's start, "
                  f"{connected}; window {r['window'][0]:.1f}-{r['window'][1]:.1f} s ({r['window_samples']} samples, "
                  f"RSS {r['rss_range'][0] / 1024:.1f}-{r['rss_range'][1] / 1024:.1f} MB, "
                  f"{r.get('threads', 0)} threads); rally exit {r.get('exit')} after {r.get('wall', 0):.1f} s")
    for r in results:
        if failure_of(r):
            print(f"\n{r['clients']:,} clients FAILED ({failure_of(r)}); command: {r['command']}")
            print(f"  exit code: {r.get('exit')}; wall {r.get('wall', 0):.1f} s; samples {len(r['samples'])}, "
                  f"max connections {r['max_conns']:,}, max fds {r['max_fds']:,}, peak HWM {r['peak_hwm'] / 1024:.1f} MB")
            print("  stderr (last lines):\n    " + r["stderr"].replace("\n", "\n    "))
            print("  stdout (last lines):\n    " + r["stdout"].replace("\n", "\n    "))
            if r.get("metrics"):
                print("  race.json search metrics: " + json.dumps(r["metrics"])[:2000])
    verdict = 0
    few, many = results[0], results[-1]
    if failure_of(few) or failure_of(many):
        print("\nper-client memory: not computed (a run failed): FAIL")
        return 1
    per_client = (many["rss"] - few["rss"]) / (many["clients"] - few["clients"])
    per_client_peak = (many["peak_hwm"] - few["peak_hwm"]) / (many["clients"] - few["clients"])
    ok = per_client <= LIMIT_KB
    print(f"\nper-client memory = (RSS({many['clients']:,}) - RSS({few['clients']:,})) / "
          f"{many['clients'] - few['clients']:,} = ({many['rss']:,.0f} - {few['rss']:,.0f}) KB / "
          f"{many['clients'] - few['clients']:,} = {per_client:.2f} KB per client: "
          f"{'PASS' if ok else 'FAIL'} (limit {LIMIT_KB:g} KB)")
    print(f"  by peak VmHWM: ({many['peak_hwm']:,} - {few['peak_hwm']:,}) KB / {many['clients'] - few['clients']:,} "
          f"= {per_client_peak:.2f} KB per client (kernel TCP memory in the window, both ends: "
          f"{few['tcp_mem'] / 1024:.1f} MB vs {many['tcp_mem'] / 1024:.1f} MB, not in RSS)")
    if not ok:
        verdict = 1
    for r in results:
        if failure_of(r):
            verdict = 1
            continue
        if r["conns"][0] < r["clients"]:
            print(f"  note: {r['clients']:,} clients but only {r['conns'][0]:,} connections established at some "
                  "point of the window")
        if r["achieved"] < 0.95 * r["target"]:
            print(f"  note: {r['clients']:,} clients achieved {r['achieved']:,.0f} of {r['target']:,.0f} ops/s "
                  "(< 95%): the Worker does not keep up with the schedule")
            verdict = 1
        if r["error_rate"]:
            verdict = 1
    return verdict


def ensure_nofile(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= needed:
        return soft
    if hard == resource.RLIM_INFINITY or hard >= needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
        return needed
    raise Failure(f"the open-file limit is too low: ulimit -n is {soft} (hard {hard}), {needed} are needed "
                  f"(nginx and rally each hold one descriptor per client plus their own): raise it, e.g. "
                  f"'ulimit -n {needed}' as root or in /etc/security/limits.conf")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", default="100,10000",
                        help="comma list of client counts, fewest first (default 100,10000); the per-client "
                             "figure compares the first with the last")
    parser.add_argument("--duration", type=int, default=20, help="measured seconds per race (default 20)")
    parser.add_argument("--warmup", type=int, default=5, help="rally's warmup seconds (default 5)")
    parser.add_argument("--rate-per-client", type=float, default=1.0, help="requests per second per client (1)")
    parser.add_argument("--timeout", type=int, default=180,
                        help="seconds beyond warmup + duration before a race counts as hung and is stopped (180)")
    parser.add_argument("--rally-bin", default=os.path.join(http_bench.SOURCE, "build", "bin", "rally"))
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, race.json files)")
    args = parser.parse_args()
    counts = [int(c) for c in args.clients.split(",")]
    if len(counts) < 2 or counts != sorted(counts) or counts[0] < 1:
        parser.error("--clients takes at least two increasing counts, e.g. 100,10000")
    args.rally_bin = os.path.abspath(args.rally_bin)
    if not os.access(args.rally_bin, os.X_OK):
        sys.exit(f"many_clients: no rally binary at {args.rally_bin}: build it (scripts/build.sh) or pass --rally-bin")
    for tool, package in (("nginx", "nginx"), ("taskset", "util-linux"), ("ss", "iproute2")):
        http_bench.need(tool, package)
    args.pin = (os.cpu_count() or 1) >= 2
    connections = max(counts) + 2000
    try:
        ensure_nofile(connections)
    except Failure as e:
        print(f"many_clients: {e}", file=sys.stderr)
        return 1

    children = http_bench.Children()

    def interrupted(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    work = tempfile.mkdtemp(prefix="rally-many-clients-")
    results = []
    try:
        home = os.path.join(work, "home")
        os.makedirs(home)
        nginx, port = http_bench.start_nginx(children, work, False, args.pin, connections=connections)
        for clients in counts:
            results.append(race(args, children, work, home, port, clients))
            if nginx.poll() is not None:
                raise Failure("nginx ended during the race: " + tail(os.path.join(work, "nginx", "logs", "error.log")))
        errors = tail(os.path.join(work, "nginx", "logs", "error.log"), 5)
        if errors != "(none)" and errors:
            print("many_clients: nginx's error log (last lines):\n  " + errors.replace("\n", "\n  "), file=sys.stderr)
        children.stop(nginx)
    except Failure as e:
        print(f"many_clients: {e}", file=sys.stderr)
        return 1
    finally:
        children.stop_all()
        if args.keep:
            print(f"many_clients: work directory kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return report(args, results)


if __name__ == "__main__":
    sys.exit(main())
