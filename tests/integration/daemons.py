"""rally-daemon processes for the distributed tests: each on its own loopback address and
HOME (a host of its own), found by the port it logs, stopped by PID."""
import os
import re
import shutil
import signal
import subprocess
import time

from support import BIN_DIR, TINY_TRACK, cluster_address, edit_json, http

RALLY_DAEMON = os.path.join(BIN_DIR, "rally-daemon")


def index_total(index):
    """Documents the node has indexed into `index` so far (0 when it does not exist)."""
    status, stats = http(cluster_address(), "GET", f"/{index}/_stats/indexing")
    return stats["_all"]["total"]["indexing"]["index_total"] if status == 200 else 0


def wait_for_indexing(index, timeout=60):
    """Whether the node indexed anything into `index` within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if index_total(index) > 0:
            return True
        time.sleep(0.02)
    return False


def slow_track(directory):
    """tiny in `directory`/slow, indexing its 1,000 documents in 100 bulks at 10 bulks/s with
    2 clients: ~10 s, long enough to hurt a race mid-bulk. Without offset tables, as a fresh
    track would be."""
    track = os.path.join(directory, "slow")
    shutil.copytree(TINY_TRACK, track, ignore=shutil.ignore_patterns("*.offset"))

    def slow(doc):
        for op in doc["operations"]:
            if op["name"] == "index-append":
                op["bulk-size"] = 10
        doc["challenges"][0]["schedule"] = [
            {"operation": "delete-index"}, {"operation": "create-index"},
            {"operation": "index-append", "clients": 2, "target-throughput": 10}]
    edit_json(os.path.join(track, "track.json"), slow)
    return track


class Daemon:
    def __init__(self, root, listen_host, *args, env=None, workers=2):
        self.home = os.path.join(root, f"daemon-{listen_host}")
        os.makedirs(self.home, exist_ok=True)
        self.log_file = os.path.join(self.home, "rally-daemon.log")
        self.stderr_file = os.path.join(self.home, "stderr.txt")
        command = [RALLY_DAEMON, f"--listen={listen_host}:0", f"--workers={workers}", f"--log-file={self.log_file}",
                   *args]
        with open(self.stderr_file, "w") as stderr:
            self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr,
                                         env=dict(os.environ, HOME=self.home, **(env or {})))
        self.address = None
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            match = re.search(r"listening on (\S+:\d+) ", self.log())
            if match:
                self.address = match.group(1)
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"rally-daemon on {listen_host} did not start: {self.stderr()}")

    def log(self):
        try:
            with open(self.log_file) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def stderr(self):
        with open(self.stderr_file) as f:
            return f.read()

    def wait_for_log(self, text, timeout, count=1):
        """Seconds until `text` is in the log `count` times; fails after `timeout` seconds."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.log().count(text) >= count:
                return time.monotonic() - start
            time.sleep(0.05)
        raise AssertionError(f"'{text}' not in the log of {self.address} within {timeout} s:\n{self.log()}")

    def threads(self):
        return len(os.listdir(f"/proc/{self.proc.pid}/task"))

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self):
        """SIGTERM, then SIGKILL if it does not end within 15 s. Returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        return self.proc.returncode
