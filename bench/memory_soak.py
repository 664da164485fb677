#!/usr/bin/env python3
"""A long full-speed race: does rally's memory stay flat? (see bench/README.md)

rally races tracks/search-only (one unthrottled search task, --clients clients) for --duration
seconds after a --warmup, by default with --client-options=static_responses (no network: the
highest request rate, so the coordinator's metrics path sees hundreds of thousands of samples
per second), or with --target nginx against the same nginx as bench/http_bench.py (one process
pinned to CPU 1, rally pinned to CPU 0).

While rally runs, its /proc/<pid>/status (VmRSS, VmHWM, RssAnon, Threads) and the host's load
average are sampled every --interval seconds. Memory is judged after a settling time (--settle,
default 60 s after rally's start) up to the end of the task's time period (rally's report
building afterwards is not counted). Printed: requests and rate, RSS at settle and at the end
(medians of the three samples nearest), the max, the least-squares slope over the samples in
KB/min, the highest and the lowest sample of each minute (malloc's trims swing RSS between two
levels ~1.2 MB apart) with their growth and slopes, bytes per request, and the reference in the
same run: the same figures for the first and the second half of the samples and the ratio of
their medians. The run fails (exit 1) when the growth from settle to the end (the larger of
RSS(end) - RSS(settle) and the highest sample of the last minute - that of the first) exceeds
max(--limit-percent of RSS(settle), --limit-mb), or when the race fails.
Every child is started here and stopped here, by PID.
"""
import argparse
import json
import os
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import http_bench  # noqa: E402  (nginx, static routes, children stopped by PID, rally's error line)
from http_bench import Failure  # noqa: E402

TRACK = os.path.join(HERE, "tracks", "search-only")
TASK = "search"
# rally's plain progress line (stderr, every 5 s when not on a terminal):
# "search   - | 1,234,567 ops/s | p50 0.0 ms | p99 0.1 ms | 0 errors | 12 s"
PROGRESS = re.compile(r"^search\s.*?\|\s*([\d,]+)\s+ops/s\s*\|.*\|\s*([\d,]+)\s+errors?\s*\|\s*(\d+)\s*s\s*$")


def status_kb(pid):
    """VmRSS, VmHWM, RssAnon, RssFile (KB) and Threads of a process, or None when it is gone."""
    fields = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "Threads"):
                    fields[key] = int(value.split()[0])
    except (OSError, ValueError):
        return None
    return fields if "VmRSS" in fields else None


def load1():
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return -1.0


def slope_kb_per_min(samples):
    """Least-squares slope of RSS (KB) over time (s), in KB/min; None with fewer than 3 samples."""
    if len(samples) < 3:
        return None
    ts = [s["t"] for s in samples]
    ys = [s["rss"] for s in samples]
    mt, my = statistics.fmean(ts), statistics.fmean(ys)
    var = sum((t - mt) ** 2 for t in ts)
    if var == 0:
        return None
    return 60.0 * sum((t - mt) * (y - my) for t, y in zip(ts, ys)) / var


def windows(samples):
    """The lowest and the highest sample of each window (a minute, or a sixth of a shorter span):
    malloc hands blocks of a few hundred KB (the 192 KiB histograms) back to the kernel and takes
    them again from one second to the next, so RSS jumps between two levels ~1.2 MB apart; the
    floor and the ceiling of each window show what stays."""
    span = samples[-1]["t"] - samples[0]["t"]
    window = 60.0 if span >= 180 else max(span / 6, 1e-9)
    last = max(1, int(span // window)) - 1  # a short last window joins the one before
    groups = {}
    for s in samples:
        groups.setdefault(min(int((s["t"] - samples[0]["t"]) // window), last), []).append(s)
    ordered = [groups[k] for k in sorted(groups)]
    floors = [min(g, key=lambda s: s["rss"]) for g in ordered]
    ceilings = [max(g, key=lambda s: s["rss"]) for g in ordered]
    return floors, ceilings, window


def around(samples, t, n=3):
    """Median RSS of the n samples nearest to time t."""
    nearest = sorted(samples, key=lambda s: abs(s["t"] - t))[:n]
    return statistics.median(s["rss"] for s in nearest)


class ProgressTail:
    """Follows rally's stderr for its latest progress line (rate, errors, elapsed)."""

    def __init__(self, path):
        self.path = path
        self.offset = 0
        self.partial = ""
        self.latest = None

    def poll(self):
        try:
            with open(self.path, errors="replace") as f:
                f.seek(self.offset)
                text = f.read()
                self.offset = f.tell()
        except OSError:
            return self.latest
        lines = (self.partial + text).split("\n")
        self.partial = lines.pop()
        for line in lines:
            m = PROGRESS.match(line.strip())
            if m:
                self.latest = {"rate": int(m.group(1).replace(",", "")), "errors": int(m.group(2).replace(",", "")),
                               "elapsed": int(m.group(3))}
        return self.latest


def print_row(cells, widths):
    print(" | ".join(str(c).rjust(w) for c, w in zip(cells, widths)), flush=True)


HEADER = ("t s", "RSS MB", "Δ settle KB", "HWM MB", "anon MB", "threads", "rally ops/s", "load1")
WIDTHS = (6, 8, 11, 8, 8, 7, 12, 6)


def race(args, children, work, home, target, extra):
    """Runs the race, sampling rally's memory; returns a dict of figures (a failure is in the dict)."""
    race_id = "memory-soak"
    out = os.path.join(work, f"{race_id}.out")
    err = os.path.join(work, f"{race_id}.err")
    params = {"clients": args.clients, "time_period": args.duration, "warmup": args.warmup}
    workers = [f"--worker-count={args.worker_count}"] if args.worker_count else []
    command = [*http_bench.pin(0, args.pin_rally), args.rally_bin, "race", "--offline", *workers,
               f"--target-hosts={target}", f"--track-path={TRACK}",
               "--track-params=" + ",".join(f"{k}:{v}" for k, v in params.items()), f"--race-id={race_id}", *extra]
    result = {"command": " ".join(command), "samples": [], "load_start": load1()}
    print(f"memory_soak: {args.target}, {args.clients} clients, {args.warmup} s warmup + {args.duration} s; "
          f"sampling every {args.interval:g} s, settle at {args.settle:g} s", flush=True)
    print_row(HEADER, WIDTHS)
    with open(out, "w") as o, open(err, "w") as e:
        process = children.start(command, stdout=o, stderr=e, env=dict(os.environ, HOME=home))
    started = time.monotonic()
    deadline = started + args.warmup + args.duration + args.timeout
    tail = ProgressTail(err)
    last_printed = -1e9
    settle_printed = False
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid == process.pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            children.processes.remove(process)
            result["cpu"] = usage.ru_utime + usage.ru_stime
            result["maxrss"] = usage.ru_maxrss
            break
        now = time.monotonic() - started
        if time.monotonic() > deadline:
            result["hang"] = f"still running {now:.0f} s after its start: stopped"
            children.stop(process)
            break
        fields = status_kb(process.pid)
        progress = tail.poll()
        if fields is not None:
            sample = {"t": now, "rss": fields["VmRSS"], "hwm": fields.get("VmHWM", 0),
                      "anon": fields.get("RssAnon", 0), "file": fields.get("RssFile", 0),
                      "threads": fields.get("Threads", 0), "load1": load1(),
                      "rate": progress["rate"] if progress else None}
            result["samples"].append(sample)
            settle_row = not settle_printed and now >= args.settle
            if settle_row or now - last_printed >= args.print_every - 1e-6:
                base = around(result["samples"], args.settle) if settle_printed or settle_row else None
                print_row((f"{now:.0f}", f"{sample['rss'] / 1024:.1f}",
                           f"{sample['rss'] - base:+,.0f}" if base is not None else "",
                           f"{sample['hwm'] / 1024:.1f}", f"{sample['anon'] / 1024:.1f}", sample["threads"],
                           f"{sample['rate']:,}" if sample["rate"] is not None else "-", f"{sample['load1']:.2f}"),
                          WIDTHS)
                last_printed = now
                settle_printed = settle_printed or settle_row
        time.sleep(max(0.0, args.interval - (time.monotonic() - started - now)))
    result["exit"] = process.returncode
    result["wall"] = time.monotonic() - started
    result["load_end"] = load1()
    result["stderr"] = http_bench.last_error(err) if os.path.exists(err) else ""
    race_json = os.path.join(home, ".rally", "benchmarks", "races", race_id, "race.json")
    if os.path.exists(race_json):
        with open(race_json) as f:
            document = json.load(f)
        metrics = {m["task"]: m for m in document.get("results", {}).get("op_metrics", [])}
        result["metrics"] = metrics.get(TASK)
    with open(os.path.join(work, f"{race_id}.samples.json"), "w") as f:
        json.dump(result["samples"], f)
    return result


def failure_of(args, result):
    if result.get("hang"):
        return "hang: " + result["hang"]
    if result["exit"] != 0:
        return f"rally exit {result['exit']}: {result['stderr']}"
    m = result.get("metrics")
    if not m:
        return "no search metrics in race.json"
    if m["requests"] == 0:
        return "rally measured no requests"
    if m.get("error_rate"):
        return f"error rate {m['error_rate']:.2f}%"
    return None


def analyse(args, result):
    """Adds the memory figures; returns the list of reasons to fail."""
    # The task's time period ends warmup + duration after its start, a fraction of a second after
    # rally's; later samples see the report being built, which is not the steady state.
    end = args.warmup + args.duration - args.interval / 2
    steady = [s for s in result["samples"] if args.settle - args.interval / 2 <= s["t"] <= end]
    result["steady"] = steady
    if len(steady) < 6:
        return [f"only {len(steady)} samples between settle ({args.settle:g} s) and the end ({end:.0f} s): "
                "a longer --duration or a shorter --settle / --interval"]
    first_t, last_t = steady[0]["t"], steady[-1]["t"]
    result["rss_settle"] = around(steady, first_t)
    result["rss_end"] = around(steady, last_t)
    result["rss_max"] = max(s["rss"] for s in result["samples"])
    result["hwm"] = max(s["hwm"] for s in result["samples"])
    result["growth"] = result["rss_end"] - result["rss_settle"]
    result["slope"] = slope_kb_per_min(steady)
    floors, ceilings, result["window"] = windows(steady)
    result["windows"] = len(floors)
    result["floor_slope"] = slope_kb_per_min(floors)
    result["ceiling_slope"] = slope_kb_per_min(ceilings)
    result["ceiling_growth"] = ceilings[-1]["rss"] - ceilings[0]["rss"]
    result["floor_growth"] = floors[-1]["rss"] - floors[0]["rss"]
    result["ceilings"] = (ceilings[0]["rss"], ceilings[-1]["rss"])
    # What is judged: a trim can only lower a sample, so the ceilings' growth is robust; the
    # medians' growth is the figure asked for and is taken too when it is larger.
    result["judged"] = max(result["growth"], result["ceiling_growth"])
    half = len(steady) // 2
    halves = [steady[:half], steady[half:]]
    result["halves"] = [{"from": h[0]["t"], "to": h[-1]["t"], "median": statistics.median(s["rss"] for s in h),
                         "max": max(s["rss"] for s in h), "slope": slope_kb_per_min(h)} for h in halves]
    result["half_ratio"] = result["halves"][1]["median"] / result["halves"][0]["median"]
    result["limit"] = max(args.limit_percent / 100.0 * result["rss_settle"], args.limit_mb * 1024)
    m = result.get("metrics")
    if m and m.get("duration"):
        result["rate"] = m["requests"] / m["duration"]
        # requests between settle and end, at the measured rate
        result["steady_requests"] = result["rate"] * (last_t - first_t)
    reasons = []
    if result["judged"] > result["limit"]:
        reasons.append(f"RSS grew {result['judged']:,.0f} KB from {first_t:.0f} s to {last_t:.0f} s, more than the "
                       f"limit {result['limit']:,.0f} KB")
    return reasons


def report(args, result):
    print()
    failed = failure_of(args, result)
    reasons = [failed] if failed else []
    if result["samples"]:
        reasons += analyse(args, result)
    m = result.get("metrics") or {}
    where = ("static_responses (no network)" if args.target == "static" else
             f"nginx on loopback ({'rally on CPU 0, nginx on CPU 1' if args.pin_rally else 'no pinning'})")
    print(f"memory soak: {args.clients} clients, {where}, {args.warmup} s warmup + {args.duration} s, "
          f"RSS sampled every {args.interval:g} s ({len(result['samples'])} samples)")
    if m:
        total = m["requests"] + m["warmup-requests"]
        print(f"  requests       {total:,} ({m['requests']:,} measured over {m['duration']:.1f} s: "
              f"{result.get('rate', 0):,.0f} req/s; error rate {m.get('error_rate', 0):.2f}%)")
    if result.get("cpu") is not None:
        print(f"  rally          exit {result['exit']} after {result['wall']:.1f} s, CPU {result['cpu']:.1f} s "
              f"({100 * result['cpu'] / max(result['wall'], 1e-9):.0f}% of one core), ru_maxrss "
              f"{result['maxrss'] / 1024:.1f} MB; host load1 {result['load_start']:.2f} at start, "
              f"{result['load_end']:.2f} at end")
    if "rss_settle" in result:
        steady = result["steady"]
        print(f"  {'RSS at %.0f s' % steady[0]['t']:<14} {result['rss_settle'] / 1024:,.2f} MB (settle; median of 3 "
              "samples)")
        print(f"  {'RSS at %.0f s' % steady[-1]['t']:<14} {result['rss_end'] / 1024:,.2f} MB (end; median of 3 "
              f"samples); growth {result['growth']:+,.0f} KB ({100 * result['growth'] / result['rss_settle']:+.2f}%)")
        print(f"  RSS max        {result['rss_max'] / 1024:,.2f} MB (VmHWM {result['hwm'] / 1024:,.2f} MB)")
        slope = result["slope"]
        print(f"  slope          {slope:+,.1f} KB/min over {steady[0]['t']:.0f}-{steady[-1]['t']:.0f} s "
              f"(least squares, {len(steady)} samples)")
        w = f"{result['window']:.0f} s"
        print(f"  ceiling        highest sample of the first {w} {result['ceilings'][0] / 1024:,.2f} MB, of the last "
              f"{w} {result['ceilings'][1] / 1024:,.2f} MB: growth {result['ceiling_growth']:+,.0f} KB" +
              (f", slope {result['ceiling_slope']:+,.1f} KB/min" if result["ceiling_slope"] is not None else "") +
              f" ({result['windows']} windows)")
        print(f"  floor          lowest sample of each {w}: growth {result['floor_growth']:+,.0f} KB" +
              (f", slope {result['floor_slope']:+,.1f} KB/min" if result["floor_slope"] is not None else ""))
        if result.get("steady_requests"):
            per = 1024 * result["judged"] / result["steady_requests"]
            print(f"  per request    {per:+.6f} bytes ({result['steady_requests']:,.0f} requests between "
                  f"{steady[0]['t']:.0f} s and {steady[-1]['t']:.0f} s)")
        h1, h2 = result["halves"]

        def half(h):
            return (f"{h['from']:.0f}-{h['to']:.0f} s: median {h['median'] / 1024:,.2f} MB, "
                    f"max {h['max'] / 1024:,.2f} MB" +
                    (f", slope {h['slope']:+,.1f} KB/min" if h["slope"] is not None else ""))
        print(f"  reference      first half  {half(h1)}")
        print(f"                 second half {half(h2)}")
        print(f"  ratio          second half / first half: median RSS {result['half_ratio']:.4f}, max RSS "
              f"{h2['max'] / h1['max']:.4f}; RSS end / settle {result['rss_end'] / result['rss_settle']:.4f}")
        verdict = "FAIL" if reasons else "PASS"
        print(f"  limit          growth settle -> end (the larger of the medians' and the ceilings') "
              f"{result['judged']:+,.0f} KB <= max({args.limit_percent:g}% of RSS at settle, {args.limit_mb:g} MB) "
              f"= {result['limit']:,.0f} KB: {verdict}")
    for reason in reasons:
        print(f"memory_soak: FAILED: {reason}")
    if failed:
        print(f"  command: {result['command']}")
    return 1 if reasons else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=600, help="the task's measured seconds (default 600)")
    parser.add_argument("--warmup", type=int, default=5, help="rally's warmup seconds (default 5)")
    parser.add_argument("--settle", type=float, default=60,
                        help="seconds after rally's start from which memory must stay flat (default 60)")
    parser.add_argument("--clients", type=int, default=16, help="search clients (default 16)")
    parser.add_argument("--worker-count", type=int, help="rally's --worker-count (default: rally's, one per CPU)")
    parser.add_argument("--target", choices=("static", "nginx"), default="static",
                        help="static: static_responses, no network (default); nginx: nginx on loopback")
    parser.add_argument("--interval", type=float, default=2, help="seconds between samples (default 2)")
    parser.add_argument("--print-every", type=float, default=10, help="seconds between printed rows (default 10)")
    parser.add_argument("--limit-mb", type=float, default=4, help="allowed growth in MB (default 4)")
    parser.add_argument("--limit-percent", type=float, default=5, help="allowed growth in %% of RSS at settle (5)")
    parser.add_argument("--timeout", type=int, default=120,
                        help="seconds beyond warmup + duration before the race counts as hung (default 120)")
    parser.add_argument("--rally-bin", default=os.path.join(http_bench.SOURCE, "build", "bin", "rally"))
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, race.json, samples)")
    args = parser.parse_args()
    args.rally_bin = os.path.abspath(args.rally_bin)
    if not os.access(args.rally_bin, os.X_OK):
        sys.exit(f"memory_soak: no rally binary at {args.rally_bin}: build it (scripts/build.sh) or pass --rally-bin")
    if args.settle >= args.warmup + args.duration:
        parser.error(f"--settle ({args.settle:g} s) must come before the end of the race "
                     f"({args.warmup + args.duration} s)")
    if args.target == "nginx":
        for tool, package in (("nginx", "nginx"), ("taskset", "util-linux")):
            http_bench.need(tool, package)
    args.pin_rally = args.target == "nginx" and (os.cpu_count() or 1) >= 2

    children = http_bench.Children()

    def interrupted(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    work = tempfile.mkdtemp(prefix="rally-memory-soak-")
    try:
        home = os.path.join(work, "home")
        os.makedirs(home)
        if args.target == "static":
            path = os.path.join(work, "static-responses.json")
            with open(path, "w") as f:
                json.dump([{"path": pattern, "body": body} for _, pattern, body in http_bench.ROUTES], f, indent=1)
            # nobody listens there: a request that reaches the network fails
            target, extra = f"127.0.0.1:{http_bench.free_port()}", (f"--client-options=static_responses:'{path}'",)
        else:
            _, port = http_bench.start_nginx(children, work, False, args.pin_rally)
            target, extra = f"127.0.0.1:{port}", ()
        result = race(args, children, work, home, target, extra)
    except Failure as e:
        print(f"memory_soak: {e}", file=sys.stderr)
        return 1
    finally:
        children.stop_all()
        if args.keep:
            print(f"memory_soak: work directory kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return report(args, result)


if __name__ == "__main__":
    sys.exit(main())
