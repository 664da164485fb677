"""`--client-options`, several `--target-hosts` and transport failures, through loopback
fixtures in front of the real node: a TLS-terminating nginx (tls_proxy.py) and a
fault-injecting proxy (fault_proxy.py).

What rally must print is asserted loosely on purpose: the host:port of the failing target
and the HTTP status or the words "certificate" / "timed out".
"""
import json
import os
import re
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # also when run by path from the source dir

from fault_proxy import FaultProxy
from support import TINY_TRACK, TempDirTestCase, cluster_address, edit_json, http, new_race_id, op_metrics
from tls_proxy import API_KEY, BASIC_PASSWORD, BASIC_USER, Certificates, TlsProxy

DOCUMENTS = 1000  # tests/tracks/tiny
CUSTOM_HEADER = "X-Custom-Header"
TIMED_OUT = re.compile(r"timed? ?out", re.IGNORECASE)  # "timed out", "timeout", "time out"


def is_bulk(entry):
    return entry["uri"].split("?")[0].endswith("/_bulk")


class RaceHelpers(TempDirTestCase):
    def race(self, target_hosts, *args, track=None, timeout=300):
        """A race of the tiny track (or `track`) against `target_hosts`, offline; returns
        (run, race_id)."""
        race_id = new_race_id()
        run = self.rally("race", f"--track-path={track or self.copy_track()}", f"--target-hosts={target_hosts}",
                         f"--race-id={race_id}", "--offline", *args, timeout=timeout)
        return run, race_id

    def assert_indexed_the_corpus(self, run, race_id):
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        race = run.race_json(race_id)
        self.assertEqual(race["status"], "success")
        metrics = op_metrics(race)
        self.assertEqual(metrics["index-append"]["total-weight"], DOCUMENTS)
        for m in metrics.values():
            self.assertEqual(m["error_rate"], 0, m["task"])
        http(self.address, "POST", "/tiny/_refresh")
        status, count = http(self.address, "GET", "/tiny/_count")
        self.assertEqual(status, 200)
        self.assertEqual(count["count"], DOCUMENTS)

    def assert_failed_before_any_load(self, run, *fragments, ignore_case=False):
        self.assertEqual(run.returncode, 64, run.stdout + run.stderr)
        self.assertIn("[ERROR]", run.stderr)
        stderr = run.stderr.lower() if ignore_case else run.stderr
        for fragment in fragments:
            self.assertIn(fragment.lower() if ignore_case else fragment, stderr)
        self.assertEqual(run.races(), [], "no race.json for a race that failed before any load")


class TlsClientOptionsTest(RaceHelpers, unittest.TestCase):
    """TLS, authentication, headers and compression, against nginx in front of the node."""

    @classmethod
    def setUpClass(cls):
        cls.address = cluster_address()
        cls.cert_dir = tempfile.mkdtemp(prefix="rally-it-certs-")
        cls.certs = Certificates(cls.cert_dir)  # five RSA keys: once per class

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.cert_dir, ignore_errors=True)

    def setUp(self):
        super().setUp()
        try:
            self.proxy = TlsProxy(os.path.join(self.tmp, "nginx"), self.address, self.certs,
                                  log_headers=(CUSTOM_HEADER,))
        except BaseException:
            super().tearDown()
            raise

    def tearDown(self):
        self.proxy.stop()  # by PID, before the temporary directory with its prefix goes
        super().tearDown()

    def tls(self, **extra):
        """k:v client options with the right CA, plus `extra` (strings quoted)."""
        options = {"use_ssl": "true", "verify_certs": "true", "ca_certs": f"'{self.certs.ca}'"}
        options.update({k: f"'{v}'" if isinstance(v, str) else str(v).lower() for k, v in extra.items()})
        return "--client-options=" + ",".join(f"{k}:{v}" for k, v in options.items())

    # (a) basic auth over TLS with the right CA
    def test_basic_auth_over_tls_with_the_right_ca_indexes_the_corpus(self):
        run, race_id = self.race(self.proxy.address("basic"),
                                 self.tls(basic_auth_user=BASIC_USER, basic_auth_password=BASIC_PASSWORD))
        self.assert_indexed_the_corpus(run, race_id)
        bulks = self.proxy.wait_for_requests("basic", is_bulk)
        self.assertEqual(len(bulks), 10, "2 clients x 500 documents / 100 per bulk, all through the proxy")
        for entry in self.proxy.requests("basic"):
            self.assertNotEqual(entry["status"], "401", entry)
            self.assertEqual(entry["remote_user"], BASIC_USER, entry)
        for entry in bulks:
            self.assertEqual(entry["content_encoding"], "", "no compression unless asked for")
            self.assertIn("application/x-ndjson", entry["content_type"])
        # Keep-alive: far fewer TLS connections than requests (435 requests of a tiny race).
        connections = {e["connection"] for e in self.proxy.requests("basic")}
        self.assertLess(len(connections), 50, "connections are reused, not one TLS handshake per request")
        # race.json records the options, the password masked, and nowhere the password itself.
        race = run.race_json(race_id)
        self.assertEqual(race["client-options"]["basic_auth_password"], "*****")
        self.assertEqual(race["client-options"]["basic_auth_user"], BASIC_USER)
        self.assertNotIn(BASIC_PASSWORD, json.dumps(race))
        self.assertNotIn(BASIC_PASSWORD, run.stdout + run.stderr)

    def test_basic_auth_in_the_json_form_of_client_options(self):
        options = ('{"use_ssl": true, "verify_certs": true, "ca_certs": "%s", "basic_auth_user": "%s", '
                   '"basic_auth_password": "%s"}' % (self.certs.ca, BASIC_USER, BASIC_PASSWORD))
        run, race_id = self.race(self.proxy.address("basic"), f"--client-options={options}")
        self.assert_indexed_the_corpus(run, race_id)

    # (b) the wrong CA, and no CA at all: the server's certificate is not trusted
    def test_a_server_certificate_from_another_ca_fails_before_any_load(self):
        target = self.proxy.address("basic")
        run, _ = self.race(target, "--client-options=use_ssl:true,verify_certs:true,"
                                   f"ca_certs:'{self.certs.other_ca}',basic_auth_user:'{BASIC_USER}',"
                                   f"basic_auth_password:'{BASIC_PASSWORD}'")
        self.assert_failed_before_any_load(run, target, "certificate", ignore_case=True)
        self.assertEqual(self.proxy.requests(), [], "no HTTP request passed the failed handshake")

    def test_certificates_are_verified_by_default(self):
        target = self.proxy.address("plain")
        run, _ = self.race(target, "--client-options=use_ssl:true")  # system CAs do not know the test CA
        self.assert_failed_before_any_load(run, target, "certificate", ignore_case=True)
        self.assertEqual(self.proxy.requests(), [])

    # (c) a wrong password, and none
    def test_a_wrong_password_is_a_401_naming_the_host(self):
        target = self.proxy.address("basic")
        run, _ = self.race(target, self.tls(basic_auth_user=BASIC_USER, basic_auth_password="wrong"))
        self.assert_failed_before_any_load(run, target, "401")
        logged = self.proxy.requests("basic")
        self.assertTrue(logged, "the request reached nginx")
        self.assertTrue(all(e["status"] == "401" for e in logged), logged)
        self.assertFalse(any(is_bulk(e) for e in logged), "no load was sent")

    def test_no_credentials_is_a_401(self):
        target = self.proxy.address("basic")
        run, _ = self.race(target, self.tls())
        self.assert_failed_before_any_load(run, target, "401")

    # (d) API keys
    def test_the_right_api_key_is_sent_as_authorization_apikey(self):
        run, race_id = self.race(self.proxy.address("api_key"), self.tls(api_key=API_KEY))
        self.assert_indexed_the_corpus(run, race_id)
        logged = self.proxy.requests("api_key")
        self.assertTrue(logged)
        self.assertTrue(all(e["authorization"] == f"ApiKey {API_KEY}" for e in logged))

    def test_a_wrong_api_key_is_a_401(self):
        target = self.proxy.address("api_key")
        run, _ = self.race(target, self.tls(api_key="d3Jvbmc6a2V5"))
        self.assert_failed_before_any_load(run, target, "401")

    # (e) client certificates
    def test_a_client_certificate_is_presented_when_required(self):
        run, race_id = self.race(self.proxy.address("mtls"),
                                 self.tls(client_cert=self.certs.client_cert, client_key=self.certs.client_key))
        self.assert_indexed_the_corpus(run, race_id)
        self.assertTrue(all(e["client_verify"] == "SUCCESS" for e in self.proxy.requests("mtls")))

    def test_without_the_required_client_certificate_the_race_fails(self):
        # nginx answers 400 "No required SSL certificate was sent": rally must show why.
        target = self.proxy.address("mtls")
        run, _ = self.race(target, self.tls())
        self.assert_failed_before_any_load(run, target, "certificate", ignore_case=True)

    # (f) verify_certs:false
    def test_verify_certs_false_accepts_the_self_signed_server_without_ca_certs(self):
        run, race_id = self.race(self.proxy.address("plain"), "--client-options=use_ssl:true,verify_certs:false")
        self.assert_indexed_the_corpus(run, race_id)

    # (g) custom headers and opaque-id
    def test_headers_and_opaque_id_reach_the_server(self):
        options = ('{"use_ssl": true, "verify_certs": false, "headers": {"%s": "fx-value"}, '
                   '"opaque-id": "fx-opaque"}' % CUSTOM_HEADER)
        run, race_id = self.race(self.proxy.address("plain"), f"--client-options={options}")
        self.assert_indexed_the_corpus(run, race_id)
        logged = self.proxy.requests("plain")
        self.assertTrue(any(is_bulk(e) for e in logged))
        self.assertTrue(any("_search" in e["uri"] for e in logged))
        for entry in logged:
            self.assertEqual(entry["x_custom_header"], "fx-value", entry)
            self.assertEqual(entry["opaque_id"], "fx-opaque", entry)

    # (h) http_compress
    def test_http_compress_gzips_bulk_bodies_and_the_documents_arrive(self):
        run, race_id = self.race(self.proxy.address("plain"),
                                 "--client-options=use_ssl:true,verify_certs:false,http_compress:true")
        self.assert_indexed_the_corpus(run, race_id)
        bulks = self.proxy.wait_for_requests("plain", is_bulk)
        self.assertEqual(len(bulks), 10)
        with open(os.path.join(TINY_TRACK, "documents.json"), "rb") as f:
            smallest_uncompressed = min(len(b"".join(chunk)) for chunk in _chunks(f.readlines(), 100))
        for entry in bulks:
            self.assertEqual(entry["content_encoding"], "gzip", entry)
            # request_length: request line, headers and body as received (chunked or not)
            self.assertLess(int(entry["request_length"]), smallest_uncompressed / 2, "the body is compressed")


def _chunks(items, size):
    return [items[i:i + size] for i in range(0, len(items), size)]


class FaultClientOptionsTest(RaceHelpers, unittest.TestCase):
    """Timeouts, stalls, closed connections and several target hosts, through the fault proxy."""

    SEARCHES = 3

    def setUp(self):
        super().setUp()
        self.address = cluster_address()

    def proxy(self, mode, pattern=r"/_search"):
        proxy = FaultProxy(self.address, pattern, mode)
        self.addCleanup(proxy.close)
        return proxy

    def search_track(self, request_timeout=None):
        """The tiny track's index, then one client running SEARCHES searches (no warmup)."""
        track = self.copy_track()

        def change(doc):
            search = {"name": "slow-search", "operation-type": "search", "body": {"query": {"match_all": {}}}}
            if request_timeout is not None:
                search["request-timeout"] = request_timeout
            doc["operations"].append(search)
            doc["challenges"][0]["schedule"] = [
                {"operation": "delete-index"}, {"operation": "create-index"}, {"operation": "check-cluster-health"},
                {"operation": "slow-search", "clients": 1, "iterations": self.SEARCHES}]

        edit_json(os.path.join(track, "track.json"), change)
        return track

    def assert_searches_timed_out_and_the_race_went_on(self, run, race_id, proxy, seconds):
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        metrics = op_metrics(run.race_json(race_id))["slow-search"]
        self.assertEqual(metrics["requests"], self.SEARCHES)
        self.assertEqual(metrics["failed-requests"], self.SEARCHES)
        self.assertEqual(metrics["errors-by-class"].get("timeout"), self.SEARCHES, metrics["errors-by-class"])
        self.assertEqual(metrics["error_rate"], 100)
        self.assertEqual(proxy.count(r"/_search", faulted=True), self.SEARCHES, "one attempt per search")
        self.assertGreaterEqual(run.elapsed, self.SEARCHES * seconds * 0.9, "each search waited for its timeout")
        self.assertLess(run.elapsed, self.SEARCHES * seconds + 10, "and not longer")

    def assert_aborted_on_the_first_timeout(self, run, proxy, seconds):
        self.assertEqual(run.returncode, 64, run.stdout + run.stderr)
        self.assertIn("[ERROR]", run.stderr)
        self.assertIn(proxy.address, run.stderr)
        self.assertRegex(run.stderr, TIMED_OUT)
        self.assertEqual(proxy.count(r"/_search", faulted=True), 1, "the first error ended the race")
        self.assertGreaterEqual(run.elapsed, seconds * 0.9)
        self.assertLess(run.elapsed, seconds + 10)
        for race in run.races():
            self.assertNotEqual(run.race_json(race)["status"], "success")

    # (i) a search that is never answered
    def test_an_unanswered_search_times_out_and_the_race_goes_on(self):
        proxy = self.proxy("hang")
        run, race_id = self.race(proxy.address, "--client-options=timeout:2", "--on-error=continue",
                                 track=self.search_track(), timeout=120)
        self.assert_searches_timed_out_and_the_race_went_on(run, race_id, proxy, 2)

    def test_an_unanswered_search_ends_the_race_under_on_error_abort(self):
        proxy = self.proxy("hang")
        run, _ = self.race(proxy.address, "--client-options=timeout:2", "--on-error=abort",
                           track=self.search_track(), timeout=120)
        self.assert_aborted_on_the_first_timeout(run, proxy, 2)

    # (i) half a response, then silence
    def test_a_response_that_stalls_halfway_times_out_and_the_race_goes_on(self):
        proxy = self.proxy("half")
        run, race_id = self.race(proxy.address, "--client-options=timeout:2", "--on-error=continue",
                                 track=self.search_track(), timeout=120)
        self.assert_searches_timed_out_and_the_race_went_on(run, race_id, proxy, 2)

    def test_a_response_that_stalls_halfway_ends_the_race_under_on_error_abort(self):
        proxy = self.proxy("half")
        run, _ = self.race(proxy.address, "--client-options=timeout:2", "--on-error=abort",
                           track=self.search_track(), timeout=120)
        self.assert_aborted_on_the_first_timeout(run, proxy, 2)

    # (i) an operation's request-timeout wins over the client's timeout
    def test_an_operations_request_timeout_overrides_the_client_timeout(self):
        proxy = self.proxy("hang")
        run, race_id = self.race(proxy.address, "--client-options=timeout:20", "--on-error=continue",
                                 track=self.search_track(request_timeout=1), timeout=120)
        self.assert_searches_timed_out_and_the_race_went_on(run, race_id, proxy, 1)

    # (j) several target hosts
    def test_clients_spread_over_the_target_hosts(self):
        proxy = self.proxy("pass")
        run, race_id = self.race(f"{self.address},{proxy.address}")
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        metrics = op_metrics(run.race_json(race_id))
        searches = sum(m["requests"] + m["warmup-requests"] for m in metrics.values()
                       if m["operation-type"] == "search")
        through_proxy = proxy.count(r"/_search")
        self.assertGreater(through_proxy, 0, "the second host got searches")
        self.assertLess(through_proxy, searches, "the first host (the node itself) got searches too")
        self.assertGreater(proxy.count(r"/_bulk"), 0, "one of the two bulk clients used the second host")
        self.assertLess(proxy.count(r"/_bulk"), 10, "the other used the first")
        http(self.address, "POST", "/tiny/_refresh")
        self.assertEqual(http(self.address, "GET", "/tiny/_count")[1]["count"], DOCUMENTS)

    # (k) the connection closes instead of an answer
    def test_a_closed_connection_is_a_transport_error_not_a_hang(self):
        proxy = self.proxy("close")
        run, race_id = self.race(proxy.address, "--on-error=continue-on-network", "--client-options=timeout:30",
                                 track=self.search_track(), timeout=120)
        self.assertLess(run.elapsed, 20, "no waiting for a timeout: the close is seen at once")
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        metrics = op_metrics(run.race_json(race_id))["slow-search"]
        self.assertEqual(metrics["failed-requests"], self.SEARCHES)
        self.assertEqual(metrics["errors-by-class"].get("transport"), self.SEARCHES, metrics["errors-by-class"])
        attempts = proxy.count(r"/_search", faulted=True)
        self.assertGreaterEqual(attempts, self.SEARCHES)
        self.assertLessEqual(attempts, 2 * self.SEARCHES, "at most one retry per request")


if __name__ == "__main__":
    unittest.main()
