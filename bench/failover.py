#!/usr/bin/env python3
"""How fast failures are noticed in a distributed race, on loopback: two rally-daemons
(127.0.0.2, 127.0.0.3), a coordinator racing a slowed tiny track against the node of
scripts/local-cluster.sh (RALLY_CLUSTER_DIR), and per round one of:

  daemon-kill      kill -9 of a daemon mid-bulk   -> seconds until the coordinator exits
  daemon-stop      SIGSTOP of a daemon mid-bulk   -> seconds until the coordinator exits
  coordinator-kill kill -9 of the coordinator     -> seconds until both daemons stopped its race
  coordinator-stop SIGSTOP of the coordinator     -> the same

Usage: RALLY_CLUSTER_DIR=... python3 bench/failover.py [ROUNDS]   (default 3; ~10 s a round)
The limits the issue sets: 5 s for a lost daemon, 10 s for a lost coordinator."""
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
os.environ.setdefault("RALLY_SOURCE_DIR", os.path.abspath(os.path.join(HERE, "..")))

from daemons import Daemon, slow_track, wait_for_indexing  # noqa: E402
from support import RALLY, cluster_address, http  # noqa: E402


def round_of(scenario, root):
    home = os.path.join(root, "home")
    os.makedirs(home, exist_ok=True)
    a, b = Daemon(root, "127.0.0.2"), Daemon(root, "127.0.0.3")
    http(cluster_address(), "DELETE", "/tiny")
    with open(os.path.join(root, "err"), "w") as err:
        coordinator = subprocess.Popen(
            [RALLY, "race", "--offline", f"--target-hosts={cluster_address()}", f"--track-path={slow_track(root)}",
             f"--load-driver-hosts={a.address},{b.address}"],
            stdout=subprocess.DEVNULL, stderr=err, env=dict(os.environ, HOME=home))
    try:
        wait_for_indexing("tiny")
        if scenario.startswith("daemon"):
            b.proc.send_signal(signal.SIGKILL if scenario == "daemon-kill" else signal.SIGSTOP)
            start = time.monotonic()
            coordinator.wait(timeout=60)
            return time.monotonic() - start
        coordinator.send_signal(signal.SIGKILL if scenario == "coordinator-kill" else signal.SIGSTOP)
        start = time.monotonic()
        for daemon in (a, b):
            daemon.wait_for_log("is gone (exit_reason(remote_link_unreachable))", 30)
        return time.monotonic() - start
    finally:
        b.proc.send_signal(signal.SIGCONT)
        if coordinator.poll() is None:
            coordinator.kill()
            coordinator.wait()
        a.stop()
        b.stop()


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    print(f"{'scenario':<18}{'min s':>8}{'median s':>10}{'max s':>8}  (limit)")
    for scenario, limit in (("daemon-kill", 5), ("daemon-stop", 5), ("coordinator-kill", 10),
                            ("coordinator-stop", 10)):
        times = []
        for _ in range(rounds):
            root = tempfile.mkdtemp(prefix="rally-failover-")
            try:
                times.append(round_of(scenario, root))
            finally:
                shutil.rmtree(root, ignore_errors=True)
        print(f"{scenario:<18}{min(times):>8.3f}{statistics.median(times):>10.3f}{max(times):>8.3f}  ({limit} s)",
              flush=True)


if __name__ == "__main__":
    main()
