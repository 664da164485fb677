"""The fault matrix (docs/reliability.md): what rally does when the target dies, rejects,
answers garbage or resets, when the disk is full, and when a daemon is stopped — each shown
with the real binaries against a real OpenSearch node on loopback.

Stalls and unanswered requests are in test_client_options.py (FaultClientOptionsTest), a
killed or frozen daemon in test_distributed.py, Ctrl-C in test_interrupt.py.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # also when run by path from the source dir

from daemons import Daemon, slow_track, wait_for_indexing
from fault_proxy import FaultProxy, rejected_execution_body, unavailable_shards_body
from support import (RALLY, SOURCE_DIR, TempDirTestCase, cluster_address, edit_json, http, new_race_id,
                     op_metrics)
from test_client_options import RaceHelpers

DOCUMENTS = 1000  # tests/tracks/tiny
BULKS = 10  # one client, bulk-size 100
SEARCHES = 5
NOT_JSON = "<html><body><h1>502 Bad Gateway</h1></body></html>"
WRONG_SHAPE = '{"took": 3, "acknowledged": true}'


def count(address, index):
    http(address, "POST", f"/{index}/_refresh")
    status, body = http(address, "GET", f"/{index}/_count")
    return body["count"] if status == 200 else None


class FaultRaceHelpers(RaceHelpers):
    def setUp(self):
        super().setUp()
        self.address = cluster_address()

    def proxy(self, mode, pattern=r"/_bulk|/_search", **kwargs):
        proxy = FaultProxy(self.address, pattern, mode, **kwargs)
        self.addCleanup(proxy.close)
        return proxy

    def bulk_and_search_track(self, bulk=None, search=None):
        """The tiny track: its index, one client indexing the corpus in BULKS bulks, a refresh,
        one client running SEARCHES searches; `bulk` and `search` add operation properties."""
        track = self.copy_track()

        def change(doc):
            for op in doc["operations"]:
                if op["name"] == "index-append":
                    op.update(bulk or {})
            doc["operations"].append({"name": "search", "operation-type": "search",
                                      "body": {"query": {"match_all": {}}}, **(search or {})})
            doc["challenges"][0]["schedule"] = [
                {"operation": "delete-index"}, {"operation": "create-index"}, {"operation": "check-cluster-health"},
                {"operation": "index-append", "clients": 1}, {"operation": "refresh"},
                {"operation": "search", "clients": 1, "iterations": SEARCHES}]
        edit_json(os.path.join(track, "track.json"), change)
        return track

    def assert_task(self, metrics, requests, failed, errors, failed_weight=None):
        """Requests, failed requests, error rate, errors by kind and, from the kinds, by class."""
        self.assertEqual(metrics["requests"], requests, metrics)
        self.assertEqual(metrics["failed-requests"], failed, metrics)
        self.assertAlmostEqual(metrics["error_rate"], 100.0 * failed / requests)
        self.assertEqual(metrics["errors"], errors)
        by_class = {}
        for kind, n in errors.items():
            cls = ("http" if kind.startswith("HTTP ") else "malformed" if kind.startswith("malformed")
                   else kind.split(":")[0])
            by_class[cls] = by_class.get(cls, 0) + n
        self.assertEqual(metrics["errors-by-class"], by_class)
        if failed_weight is not None:
            self.assertEqual(metrics["failed-weight"], failed_weight)

    def assert_went_on(self, run, race_id, bulk_kind, search_kind, bulk_failed=2, search_failed=2, forwarded=False):
        """The race ended normally with `bulk_failed` bulks and `search_failed` searches failed
        with the error kinds given. The node indexed the other bulks, and the failed ones too
        when the proxy `forwarded` them (rally cannot know that: they count as failed)."""
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        race = run.race_json(race_id)
        self.assertEqual(race["status"], "success")
        metrics = op_metrics(race)
        self.assert_task(metrics["index-append"], BULKS, bulk_failed, {bulk_kind: bulk_failed} if bulk_failed else {},
                         failed_weight=100 * bulk_failed)
        self.assertEqual(metrics["index-append"]["total-weight"], DOCUMENTS)
        self.assert_task(metrics["search"], SEARCHES, search_failed,
                         {search_kind: search_failed} if search_failed else {})
        self.assertEqual(count(self.address, "tiny"), DOCUMENTS if forwarded else DOCUMENTS - 100 * bulk_failed)

    def assert_aborted_naming(self, run, race_id, proxy, *fragments):
        self.assertEqual(run.returncode, 64, run.stdout + run.stderr)
        self.assertIn(f"[ERROR] Cannot race. task 'index-append' failed: ", run.stderr)
        for fragment in (proxy.address, *fragments):
            self.assertIn(fragment, run.stderr)
        race = run.race_json(race_id)
        self.assertEqual(race["status"], "failed")
        self.assertIn(proxy.address, race["failure"])
        self.assertEqual(proxy.count(r"/_bulk", faulted=True), 1, "the first error ended the race")
        self.assertEqual(proxy.count(r"/_search"), 0)
        self.assertEqual(op_metrics(race)["index-append"]["failed-requests"], 1)


# --- 1. the target killed mid-bulk ----------------------------------------------------------------

def renamed_slow_track(directory, index):
    """daemons.slow_track (100 bulks of 10 at 10 bulks/s, ~10 s) into index `index`."""
    track = slow_track(os.path.join(directory, index))

    def rename(doc):
        doc["indices"][0]["name"] = index
        doc["corpora"][0]["documents"][0]["target-index"] = index
    edit_json(os.path.join(track, "track.json"), rename)
    return track


class TargetKilledTest(unittest.TestCase):
    """One node of its own, SIGKILLed once while three races index into it, one per --on-error."""

    VARIANTS = ("continue", "abort", "continue-on-network")

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="rally-killed-")
        cls.state = os.path.join(cls.tmp, "cluster")
        env = dict(os.environ, RALLY_CLUSTER_DIR=cls.state)
        cls.cluster_env = env
        started = subprocess.run(["bash", os.path.join(SOURCE_DIR, "scripts", "local-cluster.sh"), "start"],
                                 capture_output=True, text=True, timeout=180, env=env)
        if started.returncode != 0:
            cls.stop_node()
            raise RuntimeError("the node of its own did not start: " + started.stderr[-2000:])
        cls.node = started.stdout.strip().splitlines()[-1]
        with open(os.path.join(cls.state, "node.pid")) as f:
            cls.node_pid = int(f.read().strip())
        cls.runs = {}
        try:
            cls.race_and_kill()
        except BaseException:
            cls.stop_node()
            raise

    @classmethod
    def race_and_kill(cls):
        processes = {}
        for variant in cls.VARIANTS:
            home = os.path.join(cls.tmp, variant)
            os.makedirs(home)
            race_id = new_race_id()
            err = open(os.path.join(home, "stderr"), "w")
            processes[variant] = (subprocess.Popen(
                [RALLY, "race", f"--track-path={renamed_slow_track(home, 'tiny-' + variant)}", "--offline",
                 f"--target-hosts={cls.node}", f"--race-id={race_id}", f"--on-error={variant}"],
                stdout=subprocess.DEVNULL, stderr=err, env=dict(os.environ, HOME=home)), race_id, home, err)
        try:
            deadline = time.monotonic() + 60
            for variant in cls.VARIANTS:
                while count(cls.node, "tiny-" + variant) in (None, 0):
                    if time.monotonic() > deadline:
                        raise AssertionError(f"race {variant} did not index within 60 s")
                    time.sleep(0.05)
            os.kill(cls.node_pid, signal.SIGKILL)
            cls.killed = time.monotonic()
            for variant, (process, race_id, home, err) in processes.items():
                process.wait(timeout=60)
                cls.runs[variant] = (process.returncode, time.monotonic() - cls.killed, race_id, home)
        finally:
            for process, _, _, err in processes.values():
                if process.poll() is None:
                    process.kill()
                    process.wait()
                err.close()

    @classmethod
    def stop_node(cls):
        subprocess.run(["bash", os.path.join(SOURCE_DIR, "scripts", "local-cluster.sh"), "stop"],
                       capture_output=True, timeout=120, env=cls.cluster_env)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def tearDownClass(cls):
        cls.stop_node()

    def outcome(self, variant):
        code, took, race_id, home = self.runs[variant]
        with open(os.path.join(home, "stderr")) as f:
            stderr = f.read()
        with open(os.path.join(home, ".rally", "benchmarks", "races", race_id, "race.json")) as f:
            race = json.load(f)
        return code, took, stderr, race, op_metrics(race)["index-append"]

    def assert_transport_errors_only(self, bulk, ended_by_error=True):
        """The bulks that failed are transport errors: refused, or reset for one in flight;
        when an error ended the race, at most one per client (two) got to fail."""
        failed = bulk["failed-requests"]
        self.assertGreaterEqual(failed, 1)
        if ended_by_error:
            self.assertLessEqual(failed, 2, bulk["errors"])
        self.assertEqual(bulk["errors-by-class"], {"transport": failed})
        self.assertEqual(sum(bulk["errors"].values()), failed)
        self.assertLessEqual(set(bulk["errors"]),
                             {"transport: Connection refused", "transport: Connection reset by peer"})
        self.assertEqual(bulk["failed-weight"], 10 * failed)

    def test_under_on_error_continue_a_refused_connection_ends_the_race_naming_the_host(self):
        # Rally's 'continue': errors go on, but a target that refuses connections ends the race.
        code, took, stderr, race, bulk = self.outcome("continue")
        self.assertEqual(code, 64, stderr)
        self.assertLess(took, 5, stderr)
        self.assertIn(f"[ERROR] Cannot race. task 'index-append' failed: cannot connect to {self.node} failed: "
                      "Connection refused", stderr)
        self.assertEqual(race["status"], "failed")
        self.assertIn(self.node, race["failure"])
        self.assertLess(bulk["requests"], 100)
        self.assert_transport_errors_only(bulk)
        self.assertIn("transport: Connection refused", bulk["errors"])

    def test_under_on_error_abort_the_first_error_ends_the_race_naming_the_host(self):
        code, took, stderr, race, bulk = self.outcome("abort")
        self.assertEqual(code, 64, stderr)
        self.assertLess(took, 5, stderr)
        self.assertIn("[ERROR] Cannot race. task 'index-append' failed: ", stderr)
        self.assertIn(self.node, stderr)
        self.assertEqual(race["status"], "failed")
        self.assertIn(self.node, race["failure"])
        self.assertLess(bulk["requests"], 100)
        self.assert_transport_errors_only(bulk)

    def test_under_continue_on_network_every_later_bulk_is_a_transport_error_and_the_race_ends(self):
        code, took, stderr, race, bulk = self.outcome("continue-on-network")
        self.assertEqual(code, 0, stderr)
        self.assertLess(took, 15, "the rest of the ~10 s schedule, no waiting on a dead node")
        self.assertEqual(race["status"], "success")
        self.assertEqual(bulk["requests"], 100, "every bulk of the schedule was tried")
        self.assertEqual(bulk["total-weight"], DOCUMENTS)
        self.assertLess(bulk["failed-requests"], 100)
        self.assert_transport_errors_only(bulk, ended_by_error=False)
        self.assertIn("transport: Connection refused", bulk["errors"])
        self.assertIn("[WARNING]", stderr)  # no cluster stats at the end


# --- 2. 429 and 503 for a while -------------------------------------------------------------------

class RejectionTest(FaultRaceHelpers, unittest.TestCase):
    RETRIES = {"retries": 3, "retry-on-error": True, "retry-wait-period": 0.05}

    def test_bulks_rejected_with_429_are_failed_requests_and_their_documents_are_missing(self):
        proxy = self.proxy("answer", r"/_bulk", limit=3, status=429, body=rejected_execution_body())
        run, race_id = self.race(proxy.address, track=self.bulk_and_search_track())
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        metrics = op_metrics(run.race_json(race_id))
        self.assert_task(metrics["index-append"], BULKS, 3, {"HTTP 429 es_rejected_execution_exception": 3},
                         failed_weight=300)
        self.assertEqual(metrics["index-append"]["total-weight"], DOCUMENTS)
        self.assertEqual(count(self.address, "tiny"), DOCUMENTS - 300)
        self.assertEqual((proxy.count(r"/_bulk", faulted=True), proxy.count(r"/_bulk", faulted=False)), (3, 7))
        self.assertIn("HTTP 429 es_rejected_execution_exception", run.stdout)  # the report's error breakdown

    def test_with_retry_on_error_a_rejected_bulk_is_sent_again_until_it_is_indexed(self):
        # One sample per operation: the three rejected attempts of the first bulk are no errors.
        proxy = self.proxy("answer", r"/_bulk", limit=3, status=429, body=rejected_execution_body())
        run, race_id = self.race(proxy.address, track=self.bulk_and_search_track(bulk=self.RETRIES))
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        metrics = op_metrics(run.race_json(race_id))
        self.assert_task(metrics["index-append"], BULKS, 0, {}, failed_weight=0)
        self.assertEqual(count(self.address, "tiny"), DOCUMENTS)
        self.assertEqual((proxy.count(r"/_bulk", faulted=True), proxy.count(r"/_bulk", faulted=False)), (3, BULKS))

    def test_searches_answered_503_are_failed_requests(self):
        proxy = self.proxy("answer", r"/_search", limit=4, status=503, body=unavailable_shards_body())
        run, race_id = self.race(proxy.address, track=self.bulk_and_search_track())
        self.assert_went_on(run, race_id, None, "HTTP 503 search_phase_execution_exception", bulk_failed=0,
                            search_failed=4)
        self.assertEqual((proxy.count(r"/_search", faulted=True), proxy.count(r"/_search", faulted=False)), (4, 1))

    def test_retries_are_bounded_the_search_that_runs_out_of_them_fails_with_the_last_error(self):
        # 4 answers 503: the first search's three attempts (retries 2), the second's first.
        proxy = self.proxy("answer", r"/_search", limit=4, status=503, body=unavailable_shards_body())
        retries = dict(self.RETRIES, retries=2)
        run, race_id = self.race(proxy.address, track=self.bulk_and_search_track(search=retries))
        self.assert_went_on(run, race_id, None, "HTTP 503 search_phase_execution_exception", bulk_failed=0,
                            search_failed=1)
        self.assertEqual((proxy.count(r"/_search", faulted=True), proxy.count(r"/_search", faulted=False)),
                         (4, SEARCHES - 1))

    def test_without_retry_on_error_retries_do_not_apply_to_an_answered_error(self):
        proxy = self.proxy("answer", r"/_search", limit=4, status=503, body=unavailable_shards_body())
        run, race_id = self.race(proxy.address, track=self.bulk_and_search_track(search={"retries": 3}))
        self.assert_went_on(run, race_id, None, "HTTP 503 search_phase_execution_exception", bulk_failed=0,
                            search_failed=4)
        self.assertEqual(proxy.count(r"/_search"), SEARCHES)


# --- 3. malformed and truncated answers -----------------------------------------------------------

class MalformedResponseTest(FaultRaceHelpers, unittest.TestCase):
    """The first two bulks and the first two searches meet the fault; the race goes on."""

    def run_with(self, mode, *args, **kwargs):
        proxy = self.proxy(mode, limit=2, **kwargs)
        run, race_id = self.race(proxy.address, *args, track=self.bulk_and_search_track(), timeout=120)
        self.assertLess(run.elapsed, 60)
        return proxy, run, race_id

    def assert_two_of_each_faulted_and_nothing_sent_twice(self, proxy):
        self.assertEqual((proxy.count(r"/_bulk", faulted=True), proxy.count(r"/_bulk", faulted=False)), (2, BULKS - 2))
        self.assertEqual((proxy.count(r"/_search", faulted=True), proxy.count(r"/_search", faulted=False)),
                         (2, SEARCHES - 2))

    def test_a_body_that_is_not_json(self):
        proxy, run, race_id = self.run_with("answer", status=200, body=NOT_JSON)
        self.assert_went_on(run, race_id, "malformed response: not JSON", "malformed response: not a JSON object")
        self.assert_two_of_each_faulted_and_nothing_sent_twice(proxy)

    def test_json_of_the_wrong_shape(self):
        proxy, run, race_id = self.run_with("answer", status=200, body=WRONG_SHAPE)
        self.assert_went_on(run, race_id, "malformed response: bulk response without an 'errors' flag",
                            "malformed response: search response without 'hits'")
        self.assert_two_of_each_faulted_and_nothing_sent_twice(proxy)

    def test_a_body_shorter_than_its_content_length(self):
        proxy, run, race_id = self.run_with("cut")
        self.assert_went_on(run, race_id, "transport: partial message", "transport: partial message",
                            forwarded=True)
        self.assert_two_of_each_faulted_and_nothing_sent_twice(proxy)

    def test_a_chunked_body_cut_in_a_chunk(self):
        proxy, run, race_id = self.run_with("chunk-cut")
        self.assert_went_on(run, race_id, "transport: partial message", "transport: partial message",
                            forwarded=True)
        self.assert_two_of_each_faulted_and_nothing_sent_twice(proxy)

    def test_a_broken_chunk_size_line(self):
        proxy, run, race_id = self.run_with("bad-chunk")
        self.assert_went_on(run, race_id, "transport: bad chunk", "transport: bad chunk",
                            forwarded=True)
        self.assert_two_of_each_faulted_and_nothing_sent_twice(proxy)

    def test_a_body_that_is_not_json_ends_the_race_under_on_error_abort_naming_the_host(self):
        proxy, run, race_id = self.run_with("answer", "--on-error=abort", status=200, body=NOT_JSON)
        self.assert_aborted_naming(run, race_id, proxy, "malformed response from", "to /_bulk: not JSON")

    def test_a_cut_body_ends_the_race_under_on_error_abort_naming_the_host(self):
        proxy, run, race_id = self.run_with("cut", "--on-error=abort")
        self.assert_aborted_naming(run, race_id, proxy, "the connection closed in the middle of the response")


# --- 4. connection resets -------------------------------------------------------------------------

class ConnectionResetTest(FaultRaceHelpers, unittest.TestCase):
    def test_a_reset_after_the_request_is_a_transport_error_and_the_client_reconnects(self):
        # The first bulk and the first search go on a keep-alive connection the admin tasks
        # used: a reset before any answer there is sent once more on a new connection (and is
        # reset again). The next one, on a fresh connection, is not sent again.
        proxy = self.proxy("reset", limit=3)
        run, race_id = self.race(proxy.address, track=self.bulk_and_search_track())
        self.assert_went_on(run, race_id, "transport: Connection reset by peer", "transport: Connection reset by peer")
        self.assertEqual((proxy.count(r"/_bulk", faulted=True), proxy.count(r"/_bulk", faulted=False)), (3, BULKS - 2))
        self.assertEqual((proxy.count(r"/_search", faulted=True), proxy.count(r"/_search", faulted=False)),
                         (3, SEARCHES - 2))

    def test_a_reset_in_the_middle_of_the_answer_is_a_transport_error_and_not_sent_again(self):
        proxy = self.proxy("reset-mid", limit=2)
        run, race_id = self.race(proxy.address, track=self.bulk_and_search_track())
        self.assert_went_on(run, race_id, "transport: Connection reset by peer", "transport: Connection reset by peer",
                            forwarded=True)
        self.assertEqual((proxy.count(r"/_bulk", faulted=True), proxy.count(r"/_bulk", faulted=False)), (2, BULKS - 2))
        self.assertEqual((proxy.count(r"/_search", faulted=True), proxy.count(r"/_search", faulted=False)),
                         (2, SEARCHES - 2))

    def test_with_retries_a_reset_search_is_sent_again_and_succeeds(self):
        # Rally: connection errors follow retry-on-timeout (on by default once there are retries).
        proxy = self.proxy("reset-mid", r"/_search", limit=2)
        retries = {"retries": 2, "retry-wait-period": 0.05}
        run, race_id = self.race(proxy.address, track=self.bulk_and_search_track(search=retries))
        self.assert_went_on(run, race_id, None, None, bulk_failed=0, search_failed=0)
        self.assertEqual((proxy.count(r"/_search", faulted=True), proxy.count(r"/_search", faulted=False)),
                         (2, SEARCHES))


# --- 6. a full disk -------------------------------------------------------------------------------

class DiskFullTest(FaultRaceHelpers, unittest.TestCase):
    def setUp(self):
        super().setUp()
        self.mounts = []

    def tearDown(self):
        for directory in self.mounts:  # before the temporary directory goes
            subprocess.run(["umount", "-l", directory], capture_output=True, timeout=30)
        super().tearDown()

    def full_tmpfs(self, directory):
        """A 64 KB tmpfs at `directory`, filled up; unmounted at the end of the test."""
        os.makedirs(directory, exist_ok=True)
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", directory], capture_output=True,
                                 text=True, timeout=30)
        if mounted.returncode != 0:
            self.skipTest(f"cannot mount a tmpfs (needs root): {mounted.stderr.strip()}")
        self.mounts.append(directory)
        fd = os.open(os.path.join(directory, "filler"), os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(fd, b"\0" * 4096) > 0:
                pass
        except OSError:
            pass
        finally:
            os.close(fd)

    def race_quickly(self, *args):
        return self.race(self.address, "--include-tasks=delete-index,create-index", *args)

    def test_a_race_json_that_does_not_fit_is_an_error_naming_the_file_and_leaves_nothing_behind(self):
        races = os.path.join(self.home, ".rally", "benchmarks", "races")
        self.full_tmpfs(races)
        run, race_id = self.race_quickly()
        path = os.path.join(races, race_id, "race.json")
        self.assertEqual(run.returncode, 64, run.stdout + run.stderr)
        self.assertIn(f"[ERROR] The race finished, but its results could not be stored: cannot write {path}: "
                      "write: No space left on device", run.stderr)
        self.assertEqual(run.stderr.count("[ERROR]"), 1, run.stderr)
        self.assertEqual(os.listdir(races), ["filler"], "no race directory, no temporary file")
        listing = self.rally("list", "races")
        self.assertEqual(listing.returncode, 0)
        self.assertNotIn("[WARNING]", listing.stderr)

    def test_a_report_file_that_does_not_fit_is_an_error_naming_it_and_the_race_is_stored(self):
        reports = os.path.join(self.tmp, "reports")
        self.full_tmpfs(reports)
        report = os.path.join(reports, "report.md")
        run, race_id = self.race_quickly(f"--report-file={report}")
        self.assertEqual(run.returncode, 64, run.stdout + run.stderr)
        self.assertIn("but the report file could not be written: "
                      f"cannot write {report}: write: No space left on device", run.stderr)
        self.assertEqual(os.listdir(reports), ["filler"], "no report, no temporary file")
        self.assertIn("[INFO] ERROR (the report file was not written)", run.stdout)
        self.assertNotIn("SUCCESS", run.stdout)
        self.assertEqual(run.race_json(race_id)["status"], "success")


# --- 7. SIGTERM to a daemon during a race ---------------------------------------------------------

class DaemonTerminatedTest(TempDirTestCase, unittest.TestCase):
    def race_with_two_daemons(self, *args):
        daemons = [Daemon(self.tmp, "127.0.0.2"), Daemon(self.tmp, "127.0.0.3")]
        for daemon in daemons:
            self.addCleanup(daemon.stop)
        http(cluster_address(), "DELETE", "/tiny")
        race_id = new_race_id()
        self.err_path = os.path.join(self.tmp, "coordinator.err")
        with open(self.err_path, "w") as err:
            coordinator = subprocess.Popen(
                [RALLY, "race", "--offline", f"--target-hosts={cluster_address()}",
                 f"--track-path={slow_track(self.tmp)}",
                 "--load-driver-hosts=" + ",".join(d.address for d in daemons), f"--race-id={race_id}", *args],
                stdout=subprocess.DEVNULL, stderr=err, env=dict(os.environ, HOME=self.home))
        self.addCleanup(lambda: coordinator.poll() is None and (coordinator.kill(), coordinator.wait()))
        self.assertTrue(wait_for_indexing("tiny"), "nothing indexed within 60 s")
        time.sleep(1.5)  # the Workers send their samples every second: some are in before the loss
        a, b = daemons
        b.proc.send_signal(signal.SIGTERM)
        terminated = time.monotonic()
        b.proc.wait(timeout=15)
        daemon_took = time.monotonic() - terminated
        coordinator.wait(timeout=60)
        with open(self.err_path) as f:
            stderr = f.read()
        with open(os.path.join(self.home, ".rally", "benchmarks", "races", race_id, "race.json")) as f:
            race = json.load(f)
        return a, b, daemon_took, coordinator.returncode, stderr, race

    def assert_daemon_stopped(self, b, took):
        self.assertEqual(b.proc.returncode, 0, b.stderr())
        self.assertLess(took, 5, b.log())
        self.assertIn("rally-daemon stops (SIGTERM)", b.log())

    def test_a_terminated_daemon_exits_promptly_and_the_race_fails_naming_it_and_the_task(self):
        a, b, took, code, stderr, race = self.race_with_two_daemons()
        self.assert_daemon_stopped(b, took)
        self.assertEqual(code, 64, stderr)
        lost = (f"load driver {b.address} was lost while running task 'index-append' (step 3 of 3): "
                "its rally-daemon stopped (SIGTERM or SIGINT)")
        self.assertIn(f"[ERROR] Cannot race. {lost}", stderr)
        self.assertEqual(race["status"], "failed")
        self.assertEqual(race["failure"], lost)
        # The steps before and what the running one did so far, the surviving host's bulks.
        metrics = op_metrics(race)
        self.assertEqual(list(metrics), ["delete-index", "create-index", "index-append"])
        self.assertGreater(metrics["index-append"]["requests"], 0)
        self.assertLess(metrics["index-append"]["total-weight"], DOCUMENTS)
        a.wait_for_log("ready for the next race", 10)
        self.assertIsNone(a.proc.poll())

    def test_with_on_load_driver_loss_continue_the_race_is_degraded(self):
        a, b, took, code, stderr, race = self.race_with_two_daemons("--on-load-driver-loss=continue")
        self.assert_daemon_stopped(b, took)
        self.assertEqual(code, 0, stderr)
        self.assertIn(f"[WARNING] load driver {b.address} was lost while running task 'index-append' (step 3 of 3): "
                      "its rally-daemon stopped (SIGTERM or SIGINT)", stderr)
        self.assertEqual(race["status"], "degraded")
        self.assertEqual(len(race["degraded"]), 1)
        self.assertLess(op_metrics(race)["index-append"]["total-weight"], DOCUMENTS)


if __name__ == "__main__":
    unittest.main()
