"""What rally measures, checked against a target whose timing is known: tests/tools/delay_server
(built next to rally) answers every request but `GET /` after a precise delay. No OpenSearch
node is needed. CTest runs this file alone (RUN_SERIAL): the checks are tight enough that a
busy neighbour could matter."""
import json
import os
import queue
import signal
import subprocess
import threading
import time
import unittest

from support import BIN_DIR, RALLY, TempDirTestCase, new_race_id, op_metrics

DELAY_SERVER = os.path.join(BIN_DIR, "delay_server")


class DelayServer:
    """tests/tools/delay_server as a child process on a loopback port of its choosing."""

    def __init__(self, delay_us):
        self.proc = subprocess.Popen([DELAY_SERVER, "--delay-us", str(delay_us)], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        self.lines = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        try:
            line = self._line(timeout=10)
            if not line.startswith("port "):
                raise RuntimeError(f"delay_server printed {line!r}, not its port")
            self.port = int(line.split()[1])
        except Exception:
            self.stop()
            raise
        self.address = f"127.0.0.1:{self.port}"

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.strip())

    def _line(self, timeout):
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            raise RuntimeError(f"delay_server printed nothing in {timeout} s") from None

    def wait_for_first_request(self, timeout):
        """Blocks until the server has answered its first request other than `GET /`."""
        line = self._line(timeout)
        if line != "serving":
            raise RuntimeError(f"delay_server printed {line!r}, not 'serving'")

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGCONT)  # in case a test left it stopped
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.reader.join(timeout=10)
        self.proc.stdout.close()


class MeasurementTest(TempDirTestCase, unittest.TestCase):
    def setUp(self):
        super().setUp()
        self.servers = []

    def tearDown(self):
        for server in self.servers:
            server.stop()
        super().tearDown()

    def server(self, delay_us):
        server = DelayServer(delay_us)
        self.servers.append(server)
        return server

    def track(self, task):
        """A track of one raw-request task; `task` holds its schedule properties."""
        track_dir = os.path.join(self.tmp, "track")
        os.makedirs(track_dir, exist_ok=True)
        doc = {"version": 2, "description": "measurement test",
               "operations": [{"name": "probe", "operation-type": "raw-request", "path": "/measure/_search"}],
               "schedule": [dict(task, operation="probe")]}
        with open(os.path.join(track_dir, "track.json"), "w") as f:
            json.dump(doc, f)
        return track_dir

    def race_args(self, server, task):
        race_id = new_race_id()
        return race_id, ["race", f"--track-path={self.track(task)}", f"--target-hosts={server.address}",
                         "--offline", f"--race-id={race_id}"]

    def race(self, server, task):
        """Runs a race and returns race.json's result of the task, after checking it succeeded."""
        race_id, args = self.race_args(server, task)
        run = self.rally(*args, timeout=120)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        return self.result(run.race_json(race_id))

    def result(self, race):
        self.assertEqual(race["status"], "success")
        probe = op_metrics(race)["probe"]
        self.assertEqual(probe["error_rate"], 0, probe)
        return probe

    def test_a_throttled_task_achieves_its_target_throughput(self):
        server = self.server(delay_us=0)
        # Two clients at 200 ops/s each: the target is the task's, divided among its clients.
        probe = self.race(server, {"clients": 2, "target-throughput": 400, "time-period": 10})
        throughput = probe["throughput"]
        print(f"\nthroughput: {throughput}, requests {probe['requests']}")
        self.assertEqual(throughput["unit"], "ops/s")
        self.assertAlmostEqual(throughput["mean"], 400, delta=4, msg=throughput)
        self.assertAlmostEqual(throughput["median"], 400, delta=4, msg=throughput)
        self.assertAlmostEqual(probe["requests"], 4000, delta=40)

    def test_service_time_is_the_servers_delay_plus_the_round_trip(self):
        # The same schedule twice: 200 ops/s, so both runs see an idle client between requests.
        task = {"clients": 1, "target-throughput": 200, "warmup-iterations": 200, "iterations": 1000}
        unloaded = self.race(self.server(delay_us=0), task)
        delayed = self.race(self.server(delay_us=1000), task)
        round_trip = unloaded["service_time"]["50_0"]
        expected = 1.0 + round_trip
        got = delayed["service_time"]["50_0"]
        print(f"\nround trip p50 {round_trip:.4f} ms; with a 1 ms delay: service time p50 {got:.4f} ms "
              f"(expected {expected:.4f} ms), latency p50 {delayed['latency']['50_0']:.4f} ms")
        self.assertEqual(delayed["requests"], 1000)
        self.assertLess(round_trip, 1.0, "loopback round trips take microseconds")
        self.assertAlmostEqual(got, expected, delta=0.1 * expected)

    def test_a_stalled_target_shows_in_latency_not_in_service_time(self):
        server = self.server(delay_us=0)
        race_id, args = self.race_args(server, {"clients": 1, "target-throughput": 100, "time-period": 10})
        env = dict(os.environ, HOME=self.home)
        with open(os.path.join(self.tmp, "rally.out"), "w+") as output:
            rally = subprocess.Popen([RALLY, *args], stdout=output, stderr=subprocess.STDOUT, env=env)
            try:
                server.wait_for_first_request(timeout=60)
                time.sleep(4)
                os.kill(server.proc.pid, signal.SIGSTOP)
                try:
                    time.sleep(1)
                finally:
                    os.kill(server.proc.pid, signal.SIGCONT)
                rally.wait(timeout=60)
            finally:
                if rally.poll() is None:
                    rally.kill()
                    rally.wait(timeout=10)
            output.seek(0)
            self.assertEqual(rally.returncode, 0, output.read())
        with open(os.path.join(self.home, ".rally", "benchmarks", "races", race_id, "race.json")) as f:
            probe = self.result(json.load(f))
        latency, service = probe["latency"], probe["service_time"]
        print(f"\nlatency p50 {latency['50_0']:.3f} p99 {latency['99_0']:.3f} max {latency['100_0']:.3f} ms; "
              f"service time p50 {service['50_0']:.3f} p99 {service['99_0']:.3f} max {service['100_0']:.3f} ms")
        # The absolute timeline: the requests due during the stall are sent late, not dropped.
        self.assertAlmostEqual(probe["requests"], 1000, delta=10)
        # About 100 requests fall due during the stall, waiting up to 1 s: more than 1%.
        self.assertGreaterEqual(latency["99_0"], 500)
        # Only the one request in flight when the server stopped took long to be served ...
        self.assertGreaterEqual(service["100_0"], 900)
        # ... so service time's 99th percentile stays far below the stall (the margin is for a
        # machine busy with other work: there it reached 23 ms).
        self.assertLess(service["99_0"], 100)
        self.assertLess(latency["50_0"], 100)


if __name__ == "__main__":
    unittest.main()
