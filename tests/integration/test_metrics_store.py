"""The Elasticsearch/OpenSearch metrics store: a race with rally.ini naming the test node as its store
writes Rally's races, results and metrics documents there; a store that is unreachable, answers
garbage or never answers costs one warning, and the race still succeeds with race.json."""
import os
import shutil
import socket
import tempfile
import threading
import unittest
import uuid

from support import SilentServer, TempDirTestCase, cluster_address, free_port, http, new_race_id, op_metrics
from tls_proxy import BASIC_PASSWORD, BASIC_USER, Certificates, TlsProxy


def rally_ini(host, port, password, extra="", secure=False, user="rally"):
    return ("[meta]\nconfig.version = 17\n\n[system]\nenv.name = it-env\n\n[reporting]\n"
            "datastore.type = elasticsearch\n"
            f"datastore.host = {host}\ndatastore.port = {port}\ndatastore.secure = {secure}\n"
            # The test node has no security: the credentials are sent and ignored, and must
            # never show up anywhere.
            f"datastore.user = {user}\ndatastore.password = {password}\n"
            "datastore.number_of_replicas = 0\n" + extra)


class GarbageServer:
    """Accepts connections on loopback and answers anything with bytes that are not HTTP."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.stopped = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopped:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    conn.recv(65536)
                    conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\nProtocol mismatch.\r\n")
                except OSError:
                    pass

    def close(self):
        self.stopped = True
        self.thread.join(timeout=5)
        self.sock.close()


class StoreTestCase(TempDirTestCase):
    def setUp(self):
        super().setUp()
        self.address = cluster_address()
        self.password = "it-Secret-" + uuid.uuid4().hex
        self.track = self.copy_track()

    def tearDown(self):
        # Leave the node as the other tests expect it: no rally-* indices or templates.
        for pattern in ("rally-races-*", "rally-results-*", "rally-metrics-*"):
            http(self.address, "DELETE", f"/{pattern}?expand_wildcards=all")
        for name in ("rally-races", "rally-results", "rally-metrics"):
            http(self.address, "DELETE", f"/_template/{name}")
        super().tearDown()

    def write_ini(self, text):
        path = os.path.join(self.home, ".rally", "rally.ini")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return path

    def race(self, race_id, *extra):
        return self.rally("race", f"--track-path={self.track}", f"--target-hosts={self.address}", "--offline",
                          f"--race-id={race_id}", *extra)

    def assert_no_password(self, run, race_id=None):
        self.assertNotIn(self.password, run.stdout)
        self.assertNotIn(self.password, run.stderr)
        if race_id:
            with open(os.path.join(self.home, ".rally", "benchmarks", "races", race_id, "race.json")) as f:
                self.assertNotIn(self.password, f.read())

    def search(self, index, race_id, *terms, size=1000):
        query = {"bool": {"filter": [{"term": {"race-id": race_id}}] + [{"term": {k: v}} for k, v in terms]}}
        status, body = http(self.address, "POST", f"/{index}/_search", {"query": query, "size": size})
        self.assertEqual(status, 200, body)
        return [hit["_source"] for hit in body["hits"]["hits"]], [hit["_index"] for hit in body["hits"]["hits"]]

    def store_warnings(self, run):
        return [line for line in run.stderr.splitlines() if line.startswith("[WARNING] Metrics store")]

    def race_ids_in_store(self):
        http(self.address, "POST", "/rally-*/_refresh")
        status, body = http(self.address, "POST", "/rally-races-*/_search", {"size": 100})
        return [hit["_source"]["race-id"] for hit in body["hits"]["hits"]] if status == 200 else []


class MetricsStoreTest(StoreTestCase, unittest.TestCase):

    def test_a_race_writes_its_documents_to_the_store(self):
        host, port = self.address.rsplit(":", 1)
        self.write_ini(rally_ini(host, port, self.password))
        race_id = new_race_id()
        run = self.race(race_id, "--user-tags=intention:store-test")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn(f"[INFO] Metrics store http://{host}:{port}: wrote 1 race, ", run.stdout)
        self.assertEqual(self.store_warnings(run), [], run.stderr)
        self.assert_no_password(run, race_id)
        race = run.race_json(race_id)
        month = race["race-timestamp"][:7]
        stamp = race["race-timestamp"].replace("-", "").replace(":", "")
        self.assertEqual(http(self.address, "POST", "/rally-*/_refresh")[0], 200)

        # The race document, under its id.
        races, indices = self.search("rally-races-*", race_id)
        self.assertEqual(len(races), 1)
        self.assertEqual(indices, [f"rally-races-{month}"])
        doc = races[0]
        self.assertEqual(doc["race-timestamp"], stamp)
        self.assertEqual((doc["track"], doc["challenge"], doc["car"]), ("tiny", "append-and-search", "external"))
        self.assertEqual(doc["environment"], "it-env")
        self.assertEqual(doc["user-tags"], {"intention": "store-test"})
        self.assertEqual(doc["cluster"]["distribution-flavor"], "opensearch")
        self.assertEqual(http(self.address, "GET", f"/rally-races-{month}/_doc/{race_id}")[0], 200)

        # The results: per reported task throughput, latency, service_time, processing_time,
        # error_rate, duration; equal to race.json's.
        results, indices = self.search("rally-results-*", race_id)
        self.assertEqual(set(indices), {f"rally-results-{month}"})
        by_key = {(r.get("task"), r["name"]): r for r in results}
        stored = op_metrics(race)
        reported = [t for t, m in stored.items() if m["include-in-reporting"] or m["failed-requests"] > 0]
        self.assertEqual(sorted(reported), ["country-term-a", "country-term-b", "index-append", "match-all"])
        for task in reported:
            for name in ("throughput", "latency", "service_time", "processing_time", "error_rate", "duration"):
                self.assertIn((task, name), by_key, f"{name} of {task}")
        self.assertEqual(len(results), 6 * len(reported) + len(race["results"]["cluster"]))
        throughput = by_key[("index-append", "throughput")]
        self.assertEqual(throughput["value"]["unit"], "docs/s")
        for stat in ("min", "mean", "median", "max"):
            self.assertAlmostEqual(throughput["value"][stat], stored["index-append"]["throughput"][stat], places=6)
        latency = by_key[("match-all", "latency")]["value"]
        self.assertEqual(latency["unit"], "ms")
        self.assertAlmostEqual(latency["50_0"], stored["match-all"]["latency"]["50_0"], places=6)
        self.assertIn("99_0", latency)  # 200 samples
        self.assertEqual(by_key[("match-all", "error_rate")]["value"]["single"], 0)
        for r in results:
            self.assertEqual(r["active"], True)
            self.assertEqual(r["race-timestamp"], stamp)
            self.assertEqual(r["distribution-major-version"], 2)

        # The metrics: Rally's per-second throughput samples and one latency, service time and
        # processing time summary per task.
        metrics, indices = self.search("rally-metrics-*", race_id)
        self.assertEqual(set(indices), {f"rally-metrics-{month}"})
        samples = [m for m in metrics if m["name"] == "throughput"]
        expected = sum(1 for m in stored.values() for s in m.get("per-second", []) if "throughput" in s)
        self.assertEqual(len(samples), expected)
        latency = [m for m in metrics if m["name"] == "latency" and m["task"] == "match-all"]
        self.assertEqual(len(latency), 1)
        self.assertEqual(latency[0]["sample-type"], "normal")
        self.assertAlmostEqual(latency[0]["median"], stored["match-all"]["latency"]["50_0"], places=6)
        self.assertEqual(latency[0]["percentiles"]["99_0"], stored["match-all"]["latency"]["99_0"])
        if "latency" in stored["match-all"].get("histograms", {}):  # the mean, from the stored histogram
            self.assertEqual(latency[0]["meta"]["sample_count"], 200)
        else:  # no histogram: the median stands in
            self.assertEqual(latency[0]["value"], latency[0]["median"])
        summaries = [m for m in metrics if m["name"] in ("latency", "service_time", "processing_time")]
        self.assertEqual(len(summaries), 3 * len(stored))  # every task, administrative ones too
        self.assertEqual(len(metrics), len(summaries) + len(samples) + len(race["results"]["cluster"]))
        for m in metrics:
            self.assertEqual(m["meta"]["tag_intention"], "store-test")
            self.assertGreater(m["@timestamp"], 1_600_000_000_000)

        # The templates are there, and @timestamp is a date.
        for name in ("rally-races", "rally-results", "rally-metrics"):
            self.assertEqual(http(self.address, "GET", f"/_template/{name}")[0], 200, name)
        status, mapping = http(self.address, "GET", f"/rally-metrics-{month}/_mapping")
        properties = mapping[f"rally-metrics-{month}"]["mappings"]["properties"]
        self.assertEqual(properties["@timestamp"]["type"], "date")
        self.assertEqual(properties["race-timestamp"]["type"], "date")

    def test_an_unreachable_store_is_one_warning(self):
        port = free_port()
        self.write_ini(rally_ini("127.0.0.1", port, self.password))
        race_id = new_race_id()
        run = self.race(race_id)
        self.assertEqual(run.returncode, 0, run.stderr)
        warnings = self.store_warnings(run)
        self.assertEqual(len(warnings), 1, run.stderr)
        self.assertIn(f"http://127.0.0.1:{port}: cannot connect", warnings[0])
        self.assertEqual(run.race_json(race_id)["status"], "success")
        self.assert_no_password(run, race_id)

    def test_a_store_that_answers_garbage_is_one_warning(self):
        server = GarbageServer()
        self.addCleanup(server.close)
        self.write_ini(rally_ini("127.0.0.1", server.port, self.password))
        race_id = new_race_id()
        run = self.race(race_id)
        self.assertEqual(run.returncode, 0, run.stderr)
        warnings = self.store_warnings(run)
        self.assertEqual(len(warnings), 1, run.stderr)
        self.assertIn(f"http://127.0.0.1:{server.port}: no valid answer to GET /", warnings[0])
        self.assertTrue(run.race_json(race_id))
        self.assert_no_password(run, race_id)

    def test_a_silent_store_costs_at_most_its_timeout(self):
        server = SilentServer()
        self.addCleanup(server.close)
        self.write_ini(rally_ini("127.0.0.1", server.port, self.password, "datastore.timeout = 2\n"))
        race_id = new_race_id()
        run = self.race(race_id)
        self.assertEqual(run.returncode, 0, run.stderr)
        warnings = self.store_warnings(run)
        self.assertEqual(len(warnings), 1, run.stderr)
        self.assertIn("no answer to GET / within 2 s", warnings[0])
        self.assertTrue(run.race_json(race_id))
        self.assert_no_password(run, race_id)

    def test_a_bad_rally_ini_ends_the_race_before_it_starts(self):
        path = self.write_ini(rally_ini("127.0.0.1", "ninety-two-hundred", self.password))
        race_id = new_race_id()
        run = self.race(race_id)
        self.assertEqual(run.returncode, 64, run.stderr)
        self.assertIn(f"{path}:10: [reporting] datastore.port: must be a whole number from 1 to 65535", run.stderr)
        self.assertEqual(run.races(), [])
        self.assert_no_password(run)

    def test_in_memory_writes_race_json_only(self):
        self.write_ini("[reporting]\ndatastore.type = in-memory\ndatastore.host =\ndatastore.port =\n")
        race_id = new_race_id()
        run = self.race(race_id)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertNotIn("Metrics store", run.stdout + run.stderr)
        self.assertEqual(run.race_json(race_id)["race-id"], race_id)


class SecureMetricsStoreTest(StoreTestCase, unittest.TestCase):
    """The store behind a TLS-terminating nginx that asks for basic auth (tls_proxy.py)."""

    @classmethod
    def setUpClass(cls):
        cls.cert_dir = tempfile.mkdtemp(prefix="rally-it-certs-")
        cls.certs = Certificates(cls.cert_dir)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.cert_dir, ignore_errors=True)

    def setUp(self):
        super().setUp()
        try:
            self.proxy = TlsProxy(os.path.join(self.tmp, "nginx"), self.address, self.certs)
        except BaseException:
            super().tearDown()
            raise
        self.store_port = self.proxy.ports["basic"]

    def tearDown(self):
        self.proxy.stop()  # by PID, before the temporary directory with its prefix goes
        super().tearDown()

    def test_tls_with_the_right_ca_and_credentials_writes_the_race(self):
        self.password = BASIC_PASSWORD
        self.write_ini(rally_ini("127.0.0.1", self.store_port, BASIC_PASSWORD, secure=True, user=BASIC_USER,
                                 extra=f"datastore.ssl.certificate_authorities = {self.certs.ca}\n"))
        race_id = new_race_id()
        run = self.race(race_id)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn(f"[INFO] Metrics store https://127.0.0.1:{self.store_port}: wrote 1 race", run.stdout)
        self.assertEqual(self.store_warnings(run), [], run.stderr)
        self.assertEqual(self.race_ids_in_store(), [race_id])
        bulks = self.proxy.wait_for_requests("basic", lambda e: e["uri"] == "/_bulk")
        self.assertEqual([(b["status"], b["remote_user"]) for b in bulks], [("200", BASIC_USER)])
        self.assert_no_password(run, race_id)

    def test_a_wrong_password_is_one_warning(self):
        self.write_ini(rally_ini("127.0.0.1", self.store_port, self.password, secure=True, user=BASIC_USER,
                                 extra="datastore.ssl.verification_mode = none\n"))
        race_id = new_race_id()
        run = self.race(race_id)
        self.assertEqual(run.returncode, 0, run.stderr)
        warnings = self.store_warnings(run)
        self.assertEqual(len(warnings), 1, run.stderr)
        self.assertIn(f"https://127.0.0.1:{self.store_port}: it refused the credentials of datastore.user "
                      f"'{BASIC_USER}' (HTTP 401", warnings[0])
        self.assertEqual(self.race_ids_in_store(), [])
        self.assertEqual(run.race_json(race_id)["status"], "success")
        self.assert_no_password(run, race_id)

    def test_a_certificate_from_another_ca_is_one_warning(self):
        self.password = BASIC_PASSWORD
        self.write_ini(rally_ini("127.0.0.1", self.store_port, BASIC_PASSWORD, secure=True, user=BASIC_USER,
                                 extra=f"datastore.ssl.certificate_authorities = {self.certs.other_ca}\n"))
        race_id = new_race_id()
        run = self.race(race_id)
        self.assertEqual(run.returncode, 0, run.stderr)
        warnings = self.store_warnings(run)
        self.assertEqual(len(warnings), 1, run.stderr)
        self.assertIn("cannot connect: certificate verify failed", warnings[0])
        self.assertEqual(self.race_ids_in_store(), [])
        self.assert_no_password(run, race_id)


if __name__ == "__main__":
    unittest.main()
