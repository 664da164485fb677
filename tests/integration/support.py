"""Shared helpers for integration tests: the built binaries, the real OpenSearch node
started by the CTest fixture, temporary homes, and loopback servers for failure cases."""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
import uuid

SOURCE_DIR = os.environ.get("RALLY_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BIN_DIR = os.environ.get("RALLY_BIN_DIR", os.path.join(SOURCE_DIR, "build", "bin"))
RALLY = os.path.join(BIN_DIR, "rally")
TINY_TRACK = os.path.join(SOURCE_DIR, "tests", "tracks", "tiny")


def cluster_address():
    """host:port of the node the fixture started (scripts/local-cluster.sh status)."""
    out = subprocess.run(["bash", os.path.join(SOURCE_DIR, "scripts", "local-cluster.sh"), "status"],
                         capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        raise RuntimeError("no local OpenSearch node is running: " + out.stderr)
    return out.stdout.strip().splitlines()[-1]


def http(address, method, path, body=None, timeout=30):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = urllib.request.Request(f"http://{address}{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


class RallyRun:
    def __init__(self, completed, home, elapsed):
        self.returncode = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.home = home
        self.elapsed = elapsed

    def race_json(self, race_id):
        path = os.path.join(self.home, ".rally", "benchmarks", "races", race_id, "race.json")
        with open(path) as f:
            return json.load(f)

    def races(self):
        root = os.path.join(self.home, ".rally", "benchmarks", "races")
        return sorted(os.listdir(root)) if os.path.isdir(root) else []


class TempDirTestCase:
    """Mixin: a temporary HOME and work directory per test."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="rally-it-")
        self.home = os.path.join(self.tmp, "home")
        os.makedirs(self.home)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def copy_track(self, source=TINY_TRACK, name="tiny"):
        target = os.path.join(self.tmp, name)
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.offset"))
        return target

    def rally(self, *args, timeout=300):
        env = dict(os.environ, HOME=self.home)
        start = time.monotonic()
        completed = subprocess.run([RALLY, *args], capture_output=True, text=True, timeout=timeout, env=env)
        return RallyRun(completed, self.home, time.monotonic() - start)


def edit_json(path, change):
    """Loads a JSON file, lets `change` modify the document in place, writes it back."""
    with open(path) as f:
        doc = json.load(f)
    change(doc)
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)


def op_metrics(race):
    """race.json's results by task name."""
    return {m["task"]: m for m in race["results"]["op_metrics"]}


def new_race_id():
    return str(uuid.uuid4())


def free_port():
    """A loopback port that nothing listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SilentServer:
    """Accepts connections on loopback and never answers: a target that hangs."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections = []
        self.stopped = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        self.sock.settimeout(0.2)
        while not self.stopped:
            try:
                conn, _ = self.sock.accept()
                self.connections.append(conn)
            except OSError:
                continue

    def close(self):
        self.stopped = True
        self.thread.join(timeout=5)
        for c in self.connections:
            c.close()
        self.sock.close()
