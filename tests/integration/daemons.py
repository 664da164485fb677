"""rally-daemon processes for the distributed tests: each on its own loopback address and
HOME (a host of its own), found by the port it logs, stopped by PID."""
import os
import re
import signal
import subprocess
import time

from support import BIN_DIR

RALLY_DAEMON = os.path.join(BIN_DIR, "rally-daemon")


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
