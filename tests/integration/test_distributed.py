"""Distributed load drivers on loopback: rally-daemons on 127.0.0.2 and 127.0.0.3 (separate
processes with their own HOME), a coordinator, and the real node. Every daemon is stopped
by PID at the end of its test."""
import os
import signal
import socket
import subprocess
import time
import unittest

from daemons import Daemon, index_total, slow_track, wait_for_indexing
from support import (RALLY, SilentServer, TempDirTestCase, cluster_address, free_port, http, new_race_id,
                     op_metrics)

SECRET = "a-secret-for-the-distributed-tests"


class DaemonTestCase(TempDirTestCase):
    """Mixin: daemons started in a test are stopped by PID at its end."""

    def setUp(self):
        super().setUp()
        self.daemons = []

    def tearDown(self):
        for daemon in self.daemons:
            daemon.stop()
        super().tearDown()

    def daemon(self, listen_host, *args, **kwargs):
        daemon = Daemon(self.tmp, listen_host, *args, **kwargs)
        self.daemons.append(daemon)
        return daemon

    def two_daemons(self, *args, **kwargs):
        return self.daemon("127.0.0.2", *args, **kwargs), self.daemon("127.0.0.3", *args, **kwargs)

    def race_args(self, daemons, *args):
        return ["race", "--offline", f"--target-hosts={cluster_address()}",
                "--load-driver-hosts=" + ",".join(d.address for d in daemons), *args]

    def slow_track(self):
        return slow_track(self.tmp)

    def start_race(self, *args):
        """The coordinator as a process of its own, its output in files. No index of a race before."""
        http(cluster_address(), "DELETE", "/tiny")
        self.out_path = os.path.join(self.tmp, "coordinator.out")
        self.err_path = os.path.join(self.tmp, "coordinator.err")
        with open(self.out_path, "w") as out, open(self.err_path, "w") as err:
            return subprocess.Popen([RALLY, *args], stdout=out, stderr=err, env=dict(os.environ, HOME=self.home))

    def coordinator_stderr(self):
        with open(self.err_path) as f:
            return f.read()

    def wait_for_indexing(self, index, timeout=60):
        if not wait_for_indexing(index, timeout):
            self.fail(f"nothing was indexed into {index} within {timeout} s: {self.coordinator_stderr()}")


class DistributedTest(DaemonTestCase, unittest.TestCase):
    def seconds_to_end(self, coordinator, hurt):
        """Once indexing runs, calls `hurt`; returns the seconds until the coordinator exits."""
        try:
            self.wait_for_indexing("tiny")
            hurt()
            hurt_at = time.monotonic()
            try:
                coordinator.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.fail(f"the coordinator did not end within 60 s: {self.coordinator_stderr()[-3000:]}")
            return time.monotonic() - hurt_at
        finally:
            if coordinator.poll() is None:
                coordinator.kill()
                coordinator.wait()

    def assert_load_stopped(self):
        """The node's counter stands still: no Worker sends anything any more."""
        settled = index_total("tiny")
        time.sleep(2)
        self.assertEqual(index_total("tiny"), settled)
        self.assertLess(settled, 1000)

    def test_the_tiny_track_on_two_daemons_indexes_the_corpus_once_and_merges_both_hosts(self):
        a, b = self.two_daemons()
        race_id = new_race_id()
        run = self.rally(*self.race_args([a, b], f"--track-path={self.copy_track()}", f"--race-id={race_id}"))
        self.assertEqual(run.returncode, 0, run.stderr[-3000:])
        http(cluster_address(), "POST", "/tiny/_refresh")
        status, count = http(cluster_address(), "GET", "/tiny/_count")
        self.assertEqual(count["count"], 1000)
        race = run.race_json(race_id)
        # index-append's two clients ran one on each host: all 1,000 documents only when the
        # samples of both hosts were merged.
        metrics = op_metrics(race)
        self.assertEqual(metrics["index-append"]["total-weight"], 1000)
        self.assertEqual(metrics["index-append"]["error_rate"], 0)
        for daemon in (a, b):
            self.assertIn("started a Worker for the coordinator at 127.0.0.1:", daemon.log())
            daemon.wait_for_log("ready for the next race", 10)
        hosts = {h["host"]: h for h in race["load-driver-hosts"]}
        self.assertEqual(set(hosts), {a.address, b.address})
        for host in hosts.values():
            self.assertEqual(host["workers"], 2)
            # One machine, one monotonic clock: the estimate is within its error bound.
            self.assertLessEqual(abs(host["clock-offset-ms"]), host["clock-round-trip-ms"] / 2 + 1)
        self.assertIn(f"Load driver {a.address}", run.stderr)

    def test_a_daemon_listens_on_its_address_only(self):
        a = self.daemon("127.0.0.2")
        port = int(a.address.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.2", port), timeout=5):
            pass
        for other in ("127.0.0.1", "127.0.0.3"):
            with self.assertRaises(ConnectionRefusedError, msg=other):
                socket.create_connection((other, port), timeout=5).close()

    def test_geonames_in_test_mode_on_two_daemons(self):
        a, b = self.two_daemons()
        race_id = new_race_id()
        run = self.rally(*self.race_args([a, b], "--track=geonames", "--test-mode", f"--race-id={race_id}"))
        self.assertEqual(run.returncode, 0, run.stderr[-3000:])
        http(cluster_address(), "POST", "/geonames/_refresh")
        status, count = http(cluster_address(), "GET", "/geonames/_count")
        self.assertEqual(count["count"], 1000)
        metrics = op_metrics(run.race_json(race_id))
        self.assertEqual(metrics["index-append"]["total-weight"], 1000)
        for m in metrics.values():
            self.assertEqual(m["error_rate"], 0, m["task"])
        # Each host prepared its own corpus.
        for daemon in (a, b):
            data = os.path.join(daemon.home, ".rally", "benchmarks", "data", "geonames", "documents-2-1k.json")
            self.assertTrue(os.path.exists(data), data)

    def test_a_daemon_killed_mid_bulk_ends_the_race_within_5_seconds_naming_it(self):
        a, b = self.two_daemons()
        threads_before = a.threads()
        race_id = new_race_id()
        coordinator = self.start_race(*self.race_args([a, b], f"--track-path={self.slow_track()}",
                                                      f"--race-id={race_id}"))
        took = self.seconds_to_end(coordinator, b.kill)
        stderr = self.coordinator_stderr()
        self.assertEqual(coordinator.returncode, 64, stderr)
        self.assertLess(took, 5, stderr)
        self.assertIn(f"load driver {b.address} was lost while running task 'index-append' (step 3 of 3)", stderr)
        race = self.rally("list", "races")  # the failed race is stored, marked so
        self.assertIn(race_id, race.stdout)
        stored = race.race_json(race_id)
        self.assertEqual(stored["status"], "failed")
        self.assertIn(b.address, stored["failure"])
        # The surviving daemon stopped its Worker (its io thread is gone) and waits for the next race.
        a.wait_for_log("ready for the next race", 10)
        deadline = time.monotonic() + 10
        while a.threads() != threads_before and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual(a.threads(), threads_before)
        self.assertIsNone(a.proc.poll())

    def test_a_frozen_daemon_ends_the_race_within_5_seconds_naming_it(self):
        # SIGSTOP: the connection stays open and silent; heartbeats find it out.
        a, b = self.two_daemons()
        coordinator = self.start_race(*self.race_args([a, b], f"--track-path={self.slow_track()}"))
        try:
            took = self.seconds_to_end(coordinator, lambda: b.proc.send_signal(signal.SIGSTOP))
        finally:
            b.proc.send_signal(signal.SIGCONT)
        stderr = self.coordinator_stderr()
        self.assertEqual(coordinator.returncode, 64, stderr)
        self.assertLess(took, 5, stderr)
        self.assertIn(f"load driver {b.address} was lost while running task 'index-append'", stderr)

    def test_a_frozen_coordinator_makes_the_daemons_stop_within_10_seconds(self):
        a, b = self.two_daemons()
        coordinator = self.start_race(*self.race_args([a, b], f"--track-path={self.slow_track()}"))
        try:
            self.wait_for_indexing("tiny")
            coordinator.send_signal(signal.SIGSTOP)
            frozen = time.monotonic()
            for daemon in (a, b):
                daemon.wait_for_log("is gone (exit_reason(remote_link_unreachable))",
                                    10 - (time.monotonic() - frozen))
            self.assert_load_stopped()
        finally:
            coordinator.kill()
            coordinator.wait()

    def test_a_killed_coordinator_makes_the_daemons_stop_within_10_seconds_and_serve_the_next_race(self):
        a, b = self.two_daemons()
        coordinator = self.start_race(*self.race_args([a, b], f"--track-path={self.slow_track()}"))
        try:
            self.wait_for_indexing("tiny")
        finally:
            coordinator.kill()
            coordinator.wait()
        killed = time.monotonic()
        for daemon in (a, b):
            daemon.wait_for_log("is gone (exit_reason(remote_link_unreachable))", 10)
            daemon.wait_for_log("ready for the next race", 10 - (time.monotonic() - killed))
        self.assert_load_stopped()
        run = self.rally(*self.race_args([a, b], f"--track-path={self.copy_track()}",
                                         "--include-tasks=delete-index,create-index,index-append"))
        self.assertEqual(run.returncode, 0, run.stderr[-3000:])

    def test_a_coordinator_with_a_wrong_or_no_secret_is_refused_and_logged_before_any_load(self):
        a = self.daemon("127.0.0.2", env={"RALLY_DAEMON_SECRET": SECRET})
        http(cluster_address(), "DELETE", "/tiny")
        track = f"--track-path={self.copy_track()}"
        os.environ.pop("RALLY_DAEMON_SECRET", None)
        secret_file = os.path.join(self.tmp, "secret")
        with open(secret_file, "w") as f:
            f.write("not-the-secret-the-daemon-has\n")
        os.chmod(secret_file, 0o600)
        wrong = self.rally(*self.race_args([a], track, f"--load-driver-secret-file={secret_file}"))
        self.assertEqual(wrong.returncode, 64)
        self.assertIn(f"load driver {a.address}: refused: wrong secret", wrong.stderr)
        none = self.rally(*self.race_args([a], track))
        self.assertEqual(none.returncode, 64)
        self.assertIn("refused: wrong secret (no secret given", none.stderr)
        self.assertEqual(a.log().count("[WARNING] refused coordinator at 127.0.0.1:"), 2, a.log())
        self.assertNotIn("Racing on", wrong.stderr + none.stderr)
        self.assertEqual(http(cluster_address(), "GET", "/tiny")[0], 404, "load was sent")
        with open(secret_file, "w") as f:
            f.write(SECRET)
        right = self.rally(*self.race_args([a], track, f"--load-driver-secret-file={secret_file}",
                                           "--include-tasks=delete-index,create-index"))
        self.assertEqual(right.returncode, 0, right.stderr[-2000:])

    def test_a_version_mismatch_is_an_error_before_any_load(self):
        a = self.daemon("127.0.0.2", "--advertise-version=0.0.1-other")
        http(cluster_address(), "DELETE", "/tiny")
        run = self.rally(*self.race_args([a], f"--track-path={self.copy_track()}"))
        self.assertEqual(run.returncode, 64)
        self.assertIn(f"load driver {a.address}: refused: version mismatch: this daemon runs rally 0.0.1-other",
                      run.stderr)
        self.assertIn("install the same version on every host", run.stderr)
        self.assertEqual(http(cluster_address(), "GET", "/tiny")[0], 404, "load was sent")
        self.assertIn("refused coordinator at 127.0.0.1:", a.log())

    def test_an_unreachable_daemon_is_an_error_before_any_load(self):
        http(cluster_address(), "DELETE", "/tiny")
        start = time.monotonic()
        run = self.rally("race", "--offline", f"--target-hosts={cluster_address()}",
                         f"--track-path={self.copy_track()}", f"--load-driver-hosts=127.0.0.2:{free_port()}")
        self.assertEqual(run.returncode, 64)
        self.assertLess(time.monotonic() - start, 15)
        self.assertRegex(run.stderr, r"load driver 127\.0\.0\.2:\d+: cannot connect \(.*\): is rally-daemon running")
        self.assertEqual(http(cluster_address(), "GET", "/tiny")[0], 404, "load was sent")

    def test_with_continue_a_lost_daemon_degrades_the_race(self):
        a, b = self.two_daemons()
        race_id = new_race_id()
        coordinator = self.start_race(*self.race_args([a, b], f"--track-path={self.slow_track()}",
                                                      f"--race-id={race_id}", "--on-load-driver-loss=continue"))
        self.seconds_to_end(coordinator, b.kill)
        stderr = self.coordinator_stderr()
        self.assertEqual(coordinator.returncode, 0, stderr)
        self.assertIn(f"[WARNING] load driver {b.address} was lost while running task 'index-append'", stderr)
        self.assertIn("the race went on with 1 of 2 Workers", stderr)
        race = self.rally("list", "races").race_json(race_id)
        self.assertEqual(len(race["degraded"]), 1)
        self.assertTrue(any(note.startswith("Degraded: load driver") for note in race["notes"]), race["notes"])
        # The surviving client indexed its half; the lost one's documents are missing.
        self.assertLess(op_metrics(race)["index-append"]["total-weight"], 1000)


def make_certificates(directory):
    """A CA signing a daemon's and a coordinator's certificate, and a rogue one from another CA."""
    def run(*args):
        subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True, timeout=60)
    for ca in ("ca", "otherca"):
        run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{ca}.key", "-out", f"{ca}.pem", "-days", "2",
            "-subj", f"/CN=rally test {ca}")
    for name, ca in (("daemon", "ca"), ("coordinator", "ca"), ("rogue", "otherca")):
        run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj",
            f"/CN={name}")
        run("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key", "-CAcreateserial",
            "-out", f"{name}.pem", "-days", "2")
    return {name: (os.path.join(directory, f"{name}.pem"), os.path.join(directory, f"{name}.key"))
            for name in ("daemon", "coordinator", "rogue")} | {"ca": os.path.join(directory, "ca.pem")}


class TlsTest(DaemonTestCase, unittest.TestCase):
    def tls_args(self, name):
        certificate, key = self.certs[name]
        return [f"--load-driver-tls-certificate={certificate}", f"--load-driver-tls-key={key}",
                f"--load-driver-tls-ca-file={self.certs['ca']}"]

    def test_only_coordinators_with_a_certificate_from_the_daemons_ca_and_the_secret_get_in(self):
        self.certs = make_certificates(self.tmp)
        certificate, key = self.certs["daemon"]
        a = self.daemon("127.0.0.2", f"--tls-certificate={certificate}", f"--tls-key={key}",
                        f"--tls-ca-file={self.certs['ca']}", env={"RALLY_DAEMON_SECRET": SECRET})
        self.assertIn("(TLS, coordinators need a certificate, secret required;", a.log())
        track = f"--track-path={self.copy_track()}"
        os.environ["RALLY_DAEMON_SECRET"] = SECRET
        try:
            plain = self.rally(*self.race_args([a], track))
            rogue = self.rally(*self.race_args([a], track, *self.tls_args("rogue")))
            good = self.rally(*self.race_args([a], track, *self.tls_args("coordinator")))
        finally:
            os.environ.pop("RALLY_DAEMON_SECRET", None)
        for refused in (plain, rogue):
            self.assertEqual(refused.returncode, 64)
            self.assertIn(f"load driver {a.address}: cannot connect (", refused.stderr)
        self.assertIn("it may want TLS", plain.stderr)
        # The coordinator's own check and CAF's connect may each be refused.
        self.assertGreaterEqual(a.log().count("refused a connection from 127.0.0.1:"), 2, a.log())
        self.assertIn("wrong version number", a.log())  # the plain coordinator
        self.assertIn("certificate verify failed", a.log())  # the one with the other CA's certificate
        self.assertEqual(good.returncode, 0, good.stderr[-3000:])
        self.assertIn("logged in", a.log())
        http(cluster_address(), "POST", "/tiny/_refresh")
        self.assertEqual(http(cluster_address(), "GET", "/tiny/_count")[1]["count"], 1000)

    def test_a_daemon_that_accepts_and_never_answers_is_an_error_within_the_connect_timeout(self):
        # A frozen daemon (SIGSTOP) looks like this: the kernel accepts, nobody answers.
        self.certs = make_certificates(self.tmp)
        silent = SilentServer()
        try:
            start = time.monotonic()
            run = self.rally("race", "--offline", f"--target-hosts={cluster_address()}",
                             f"--track-path={self.copy_track()}", f"--load-driver-hosts=127.0.0.1:{silent.port}",
                             *self.tls_args("coordinator"), timeout=60)
            took = time.monotonic() - start
        finally:
            silent.close()
        self.assertEqual(run.returncode, 64)
        self.assertIn(f"load driver 127.0.0.1:{silent.port}: cannot connect (no answer within 10000 ms)", run.stderr)
        self.assertLess(took, 20)


class DaemonOptionsTest(TempDirTestCase, unittest.TestCase):
    def test_a_non_loopback_address_needs_tls_and_a_secret(self):
        run = subprocess.run([os.path.join(os.path.dirname(RALLY), "rally-daemon"), "--listen=0.0.0.0:0",
                              f"--log-file={self.tmp}/d.log"], capture_output=True, text=True, timeout=30,
                             env=dict(os.environ, HOME=self.home))
        self.assertEqual(run.returncode, 64)
        self.assertIn("--listen 0.0.0.0:0 is not a loopback address", run.stderr)
        self.assertIn("--insecure", run.stderr)

    def test_the_coordinators_load_driver_options_are_checked_before_anything_runs(self):
        cases = {
            "--load-driver-hosts=127.0.0.2": "'127.0.0.2' has no port",
            "--load-driver-hosts=127.0.0.2:1900,127.0.0.2:1900": "127.0.0.2:1900 is given twice",
            "--load-driver-tls-ca-file=/nonexistent.pem": "go with --load-driver-hosts",
            "--on-load-driver-loss=continue": "go with --load-driver-hosts",
        }
        for option, message in cases.items():
            with self.subTest(option=option):
                run = self.rally("race", f"--track-path={self.tmp}", option)
                self.assertEqual(run.returncode, 64)
                self.assertIn(message, run.stderr)
        partial = self.rally("race", f"--track-path={self.tmp}", "--load-driver-hosts=127.0.0.2:1900",
                             "--load-driver-tls-certificate=/nonexistent.pem")
        self.assertIn("needs --load-driver-tls-certificate, --load-driver-tls-key and --load-driver-tls-ca-file",
                      partial.stderr)
        both = self.rally("race", f"--track-path={self.tmp}", "--load-driver-hosts=127.0.0.2:1900", "--worker-count=2")
        self.assertIn("--worker-count is for Workers in this process", both.stderr)

    def test_help_names_every_option(self):
        run = subprocess.run([os.path.join(os.path.dirname(RALLY), "rally-daemon"), "--help"], capture_output=True,
                             text=True, timeout=30)
        self.assertEqual(run.returncode, 0)
        for option in ("--listen", "--secret-file", "--tls-certificate", "--tls-key", "--tls-ca-file", "--insecure",
                       "--workers", "--log-file"):
            self.assertIn(option, run.stdout)
        self.assertNotIn("--advertise-version", run.stdout)


if __name__ == "__main__":
    unittest.main()
