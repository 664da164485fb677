"""Secrets never leak: passwords, API keys, `secret_*` track params, the metrics store's
password and the load-driver secret are used, and appear in no output of rally.

One scenario, run once for the class, in one temporary HOME:

- a race over TLS with basic auth (nginx, tls_proxy.py), a `secret_token` track param sent as a
  header by one of the track's operations, and a metrics store with a password (the same nginx,
  another user); an html report file;
- a race with an API key (json report file), the param given as inline JSON;
- a race on two rally-daemons holding a load-driver secret (csv report file);
- a wrong password (401), a server certificate from another CA, a wrong store password, a wrong
  load-driver secret, an unused secret param, a secret param that breaks the rendered track
  (a raw newline in a JSON string), one of the wrong type for where it is rendered, and one
  that is not a key:value pair;
- render-track, info, list races, report in every format, compare.

Then every output is collected: each command's stdout and stderr, every file under the HOME and
under the daemons' HOMEs (race.json, reports, logs, the daemons' stderr), and every document of
the metrics store's indices; none may hold a secret, as it is or base64-encoded. That the
secrets were used is shown by what nginx saw and by the races' results. A self-check plants a
secret where the search must find it.
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # also when run by path from the source dir

from daemons import Daemon
from support import RALLY, TINY_TRACK, cluster_address, edit_json, http, new_race_id, op_metrics
from tls_proxy import Certificates, TlsProxy

MASK = "*****"
CLIENT_USER = "rally"
STORE_USER = "store"
SECRET_HEADER = "X-Secret-Token"
SEARCHES = 5


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex}"


def b64(text):
    return base64.b64encode(text.encode()).decode()


class Secrets:
    """Every secret of the scenario, by name, and the forms the search looks for."""

    def __init__(self):
        self.values = {
            "secret_token": unique("it-token"),
            "client password": unique("it-client-pw"),
            "api key": b64(unique("it-key-id") + ":" + unique("it-key-secret")),
            "store password": unique("it-store-pw"),
            "load-driver secret": unique("it-daemon-secret"),
            "wrong password": unique("it-wrong-pw"),
            "wrong store password": unique("it-wrong-store-pw"),
            "wrong load-driver secret": unique("it-wrong-daemon-secret"),
            "unused secret_ param": unique("it-unused"),
            "broken secret_ param": unique("it-broken"),
            "mistyped secret_ param": unique("it-mistyped"),
            "malformed secret_ param": unique("it-malformed"),
        }
        self.forms = {}
        for name, value in self.values.items():
            self.add(name, value)
        self.add("client password (basic header)", f"{CLIENT_USER}:{self.values['client password']}")
        self.add("store password (basic header)", f"{STORE_USER}:{self.values['store password']}")
        self.add("wrong password (basic header)", f"{CLIENT_USER}:{self.values['wrong password']}")
        self.add("wrong store password (basic header)", f"{STORE_USER}:{self.values['wrong store password']}")
        decoded = base64.b64decode(self.values["api key"]).decode()
        self.add("api key (decoded)", decoded)
        self.add("api key (its secret part)", decoded.split(":", 1)[1])

    def add(self, name, value):
        self.forms[name] = value
        self.forms[name + " (base64)"] = b64(value).rstrip("=")  # also finds the padded form

    def __getitem__(self, name):
        return self.values[name]


def find_secrets(outputs, forms):
    """(where, secret) for every secret form found in any output (where, bytes)."""
    found = []
    for where, data in outputs:
        for name, form in forms.items():
            if form.encode() in data:
                found.append((where, name))
    return found


def files_under(root):
    for directory, _, names in os.walk(root):
        for name in names:
            yield os.path.join(directory, name)


class SecretsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.address = cluster_address()
        cls.tmp = tempfile.mkdtemp(prefix="rally-it-secrets-")
        cls.home = os.path.join(cls.tmp, "home")
        os.makedirs(os.path.join(cls.home, ".rally"))
        cls.secrets = Secrets()
        cls.runs = []  # (label, CompletedProcess)
        cls.daemons = []
        cls.proxy = None
        try:
            cls.certs = Certificates(os.path.join(cls.tmp, "certs"))
            cls.proxy = TlsProxy(os.path.join(cls.tmp, "nginx"), cls.address, cls.certs,
                                 log_headers=(SECRET_HEADER,), api_key=cls.secrets["api key"],
                                 users={CLIENT_USER: cls.secrets["client password"],
                                        STORE_USER: cls.secrets["store password"]})
            cls.track = cls.secret_track()
            cls.run_scenario()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for daemon in cls.daemons:
            daemon.stop()
        if cls.proxy is not None:
            cls.proxy.stop()  # by PID, before its prefix goes
        for pattern in ("rally-races-*", "rally-results-*", "rally-metrics-*"):
            http(cls.address, "DELETE", f"/{pattern}?expand_wildcards=all")
        for name in ("rally-races", "rally-results", "rally-metrics"):
            http(cls.address, "DELETE", f"/_template/{name}")
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # --- the scenario ---------------------------------------------------------------------

    @classmethod
    def secret_track(cls):
        """tiny, indexing its corpus and then searching with the secret_token param as a header."""
        track = os.path.join(cls.tmp, "tracks", "secret")
        shutil.copytree(TINY_TRACK, track, ignore=shutil.ignore_patterns("*.offset"))

        def change(doc):
            doc["operations"].append({"name": "secret-search", "operation-type": "search",
                                      "headers": {SECRET_HEADER: "{{ secret_token }}"},
                                      "body": {"query": {"match_all": {}}}})
            doc["challenges"][0]["schedule"] = [
                {"operation": "delete-index"}, {"operation": "create-index"}, {"operation": "check-cluster-health"},
                {"operation": "index-append", "clients": 2}, {"operation": "refresh"},
                {"operation": "secret-search", "clients": 1, "iterations": SEARCHES}]
        edit_json(os.path.join(track, "track.json"), change)
        return track

    @classmethod
    def rally(cls, label, *args, timeout=120):
        completed = subprocess.run([RALLY, *args], capture_output=True, timeout=timeout,
                                   env=dict(os.environ, HOME=cls.home))
        cls.runs.append((label, completed))
        return completed

    @classmethod
    def tls(cls, **credentials):
        options = {"use_ssl": "true", "verify_certs": "true", "ca_certs": f"'{cls.certs.ca}'"}
        options.update({k: f"'{v}'" for k, v in credentials.items()})
        return "--client-options=" + ",".join(f"{k}:{v}" for k, v in options.items())

    @classmethod
    def race(cls, label, target, *args, race_id=None):
        cls.race_ids[label] = race_id or new_race_id()
        return cls.rally(label, "race", f"--track-path={cls.track}", f"--target-hosts={target}", "--offline",
                         f"--race-id={cls.race_ids[label]}", *args)

    @classmethod
    def report_file(cls, name):
        directory = os.path.join(cls.home, "reports")
        os.makedirs(directory, exist_ok=True)
        return os.path.join(directory, name)

    @classmethod
    def write_rally_ini(cls, password):
        with open(os.path.join(cls.home, ".rally", "rally.ini"), "w") as f:
            f.write("[reporting]\ndatastore.type = elasticsearch\n"
                    f"datastore.host = 127.0.0.1\ndatastore.port = {cls.proxy.ports['basic']}\n"
                    f"datastore.secure = true\ndatastore.ssl.certificate_authorities = {cls.certs.ca}\n"
                    f"datastore.user = {STORE_USER}\ndatastore.password = {password}\n"
                    "datastore.number_of_replicas = 0\n")

    @classmethod
    def secret_file(cls, name, secret):
        """A secret file (mode 600): an input, outside every tree the search reads."""
        path = os.path.join(cls.tmp, name)
        with open(path, "w") as f:
            f.write(secret + "\n")
        os.chmod(path, 0o600)
        return path

    @classmethod
    def run_scenario(cls):
        s = cls.secrets
        cls.race_ids = {}
        cls.write_rally_ini(s["store password"])
        basic = cls.tls(basic_auth_user=CLIENT_USER, basic_auth_password=s["client password"])
        token_kv = f"--track-params=secret_token:'{s['secret_token']}'"
        token_json = "--track-params=" + json.dumps({"secret_token": s["secret_token"]})

        cls.race("basic", cls.proxy.address("basic"), basic, token_kv, "--report-format=html",
                 f"--report-file={cls.report_file('basic.html')}")
        cls.race("api key", cls.proxy.address("api_key"), cls.tls(api_key=s["api key"]), token_json,
                 "--report-format=json", f"--report-file={cls.report_file('api-key.json')}")

        # Two rally-daemons that need the load-driver secret; their Workers send the load.
        secret_file = cls.secret_file("daemon-secret", s["load-driver secret"])
        for host in ("127.0.0.2", "127.0.0.3"):
            cls.daemons.append(Daemon(os.path.join(cls.tmp, "daemons"), host,
                                      env={"RALLY_DAEMON_SECRET": s["load-driver secret"]}))
        cls.race("distributed", cls.proxy.address("basic"), basic, token_kv,
                 "--load-driver-hosts=" + ",".join(d.address for d in cls.daemons),
                 f"--load-driver-secret-file={secret_file}", "--report-format=csv",
                 f"--report-file={cls.report_file('distributed.csv')}")
        for daemon in cls.daemons:
            daemon.wait_for_log("ready for the next race", 15)
        cls.race("wrong load-driver secret", cls.proxy.address("basic"), basic, token_kv,
                 "--load-driver-hosts=" + cls.daemons[0].address,
                 "--load-driver-secret-file=" + cls.secret_file("wrong-secret", s["wrong load-driver secret"]))

        # The store refuses a wrong password: one warning, the race goes on.
        cls.write_rally_ini(s["wrong store password"])
        cls.race("wrong store password", cls.proxy.address("basic"), basic, token_kv)
        cls.write_rally_ini(s["store password"])

        # Failures: a wrong password, an unused secret param, a secret param that breaks the track.
        cls.race("wrong password", cls.proxy.address("basic"),
                 cls.tls(basic_auth_user=CLIENT_USER, basic_auth_password=s["wrong password"]), token_kv)
        cls.race("tls failure", cls.proxy.address("basic"),
                 f"--client-options=use_ssl:true,verify_certs:true,ca_certs:'{cls.certs.other_ca}',"
                 f"basic_auth_user:'{CLIENT_USER}',basic_auth_password:'{s['client password']}'", token_kv)
        cls.race("unused param", cls.proxy.address("basic"), basic,
                 f"--track-params=secret_token:'{s['secret_token']}',secret_typo:'{s['unused secret_ param']}'")
        cls.race("broken param", cls.proxy.address("basic"), basic,
                 "--track-params=" + json.dumps({"secret_token": s["broken secret_ param"] + "\n"}))

        bad_track = os.path.join(cls.tmp, "tracks", "bad")
        shutil.copytree(cls.track, bad_track)
        edit_json(os.path.join(bad_track, "track.json"), lambda doc: next(
            op for op in doc["operations"] if op["name"] == "index-append").update({"bulk-size": "{{ secret_size }}"}))
        cls.rally("mistyped param", "validate-track", f"--track-path={bad_track}",
                  f"--track-params=secret_token:x-token,secret_size:'{s['mistyped secret_ param']}'")
        cls.rally("malformed param", "validate-track", f"--track-path={cls.track}",
                  f"--track-params=secret_token:x-token,secret_other={s['malformed secret_ param']}")

        # What reads the track or the stored races.
        cls.rally("render-track", "render-track", f"--track-path={cls.track}", token_kv)
        cls.rally("info", "info", f"--track-path={cls.track}", token_kv)
        cls.rally("list races", "list", "races")
        basic_id, api_key_id = cls.race_ids["basic"], cls.race_ids["api key"]
        for fmt, ext in (("markdown", "md"), ("csv", "csv"), ("json", "json"), ("html", "html")):
            cls.rally(f"report {fmt}", "report", f"--race-id={basic_id}", f"--report-format={fmt}",
                      f"--report-file={cls.report_file('report.' + ext)}")
        cls.rally("compare", "compare", f"--baseline={basic_id}", f"--contender={api_key_id}",
                  f"--report-file={cls.report_file('compare.md')}")

    # --- collecting and searching the outputs ----------------------------------------------

    @classmethod
    def store_documents(cls):
        """Every document of the metrics store's indices, as (where, bytes)."""
        http(cls.address, "POST", "/rally-*/_refresh")
        status, body = http(cls.address, "POST", "/rally-*/_search?expand_wildcards=all",
                            {"size": 10000, "query": {"match_all": {}}})
        if status != 200:
            raise AssertionError(f"cannot read the metrics store: {status} {body}")
        return [(f"store {hit['_index']}/{hit['_id']}", json.dumps(hit["_source"]).encode())
                for hit in body["hits"]["hits"]]

    @classmethod
    def collect_outputs(cls):
        outputs = []
        for label, completed in cls.runs:
            outputs.append((f"stdout of {label}", completed.stdout))
            outputs.append((f"stderr of {label}", completed.stderr))
        rally_ini = os.path.join(cls.home, ".rally", "rally.ini")  # an input: it holds the store's password
        for root in (cls.home, os.path.join(cls.tmp, "daemons")):
            for path in files_under(root):
                if path == rally_ini:
                    continue
                with open(path, "rb") as f:
                    outputs.append((path, f.read()))
        outputs.extend(cls.store_documents())
        return outputs

    def run_of(self, label):
        return dict(self.runs)[label]

    def text(self, label):
        completed = self.run_of(label)
        return completed.stdout.decode() + completed.stderr.decode()

    def race_json(self, label):
        path = os.path.join(self.home, ".rally", "benchmarks", "races", self.race_ids[label], "race.json")
        with open(path) as f:
            return json.load(f)

    # --- the tests ----------------------------------------------------------------------------

    def test_a_secret_planted_in_any_output_is_found(self):
        """The search can fail: a secret in a file under HOME, in a store document, in a
        command's output, in its base64 form, is found."""
        s = self.secrets
        planted = os.path.join(self.home, ".rally", "logs", "planted.log")
        os.makedirs(os.path.dirname(planted), exist_ok=True)
        with open(planted, "w") as f:
            f.write("Authorization: Basic " + b64(f"{CLIENT_USER}:{s['client password']}") + "\n")
        index = "rally-planted-check"
        status, _ = http(self.address, "PUT", f"/{index}/_doc/1?refresh=true", {"note": s["secret_token"]})
        self.assertIn(status, (200, 201))
        try:
            outputs = self.collect_outputs() + [("stdout of a planted run", b"x " + s["load-driver secret"].encode())]
            found = find_secrets(outputs, self.secrets.forms)
        finally:
            os.remove(planted)
            http(self.address, "DELETE", f"/{index}")
        self.assertIn((planted, "client password (basic header) (base64)"), found)
        self.assertIn((f"store {index}/1", "secret_token"), found)
        self.assertIn(("stdout of a planted run", "load-driver secret"), found)

    def test_no_output_shows_a_secret(self):
        outputs = self.collect_outputs()
        wheres = [where for where, _ in outputs]
        # The search covers what it must: every kind of output.
        for expected in ("race.json", "basic.html", "api-key.json", "distributed.csv", "report.md", "report.csv",
                         "report.json", "report.html", "compare.md", "rally-daemon.log", "stderr.txt"):
            self.assertTrue(any(w.endswith(expected) for w in wheres), f"no {expected} among the outputs")
        self.assertTrue(any(w.startswith("store rally-races-") for w in wheres), "no race in the store")
        self.assertTrue(any(w.startswith("store rally-metrics-") for w in wheres), "no metrics in the store")
        self.assertEqual(find_secrets(outputs, self.secrets.forms), [])

    def test_the_races_used_the_secrets(self):
        s = self.secrets
        for label in ("basic", "api key", "distributed", "wrong store password"):
            run = self.run_of(label)
            self.assertEqual(run.returncode, 0, f"{label}: " + self.text(label)[-3000:])
            race = self.race_json(label)
            self.assertEqual(race["status"], "success")
            search = op_metrics(race)["secret-search"]
            self.assertEqual((search["requests"], search["error_rate"]), (SEARCHES, 0), label)
        logged = self.proxy.requests()
        # nginx saw the secret_token header on every search of the four races that ran...
        with_token = [e for e in logged if e.get("x_secret_token") == s["secret_token"]]
        self.assertEqual(len(with_token), 4 * SEARCHES, "the secret param was rendered into the header")
        self.assertTrue(all(e["status"] == "200" for e in with_token))
        # ...basic auth with the client's password, the API key, and the store's password.
        basic = [e for e in self.proxy.requests("basic") if e["remote_user"] == CLIENT_USER and e["status"] == "200"]
        self.assertTrue(any(e["uri"].endswith("/_bulk") for e in basic))
        self.assertTrue(any(e["authorization"] == f"ApiKey {s['api key']}" and e["status"] == "200"
                            for e in self.proxy.requests("api_key")))
        store_bulks = [e for e in self.proxy.requests("basic") if e["remote_user"] == STORE_USER
                       and e["uri"] == "/_bulk"]
        self.assertTrue(store_bulks and all(e["status"] == "200" for e in store_bulks), store_bulks)
        self.assertIn("[INFO] Metrics store https://127.0.0.1:", self.text("basic"))
        # The daemons let the coordinator in with the secret, and ran its Workers.
        for daemon in self.daemons:
            self.assertIn("logged in", daemon.log())
            self.assertIn("started a Worker", daemon.log())
        self.assertEqual({h["host"] for h in self.race_json("distributed")["load-driver-hosts"]},
                         {d.address for d in self.daemons})

    def test_stored_races_mask_secret_params_and_credentials(self):
        for label in ("basic", "distributed"):
            race = self.race_json(label)
            self.assertEqual(race["track-params"], {"secret_token": MASK})
            self.assertEqual(race["client-options"]["basic_auth_password"], MASK)
            self.assertEqual(race["client-options"]["basic_auth_user"], CLIENT_USER)
        self.assertEqual(self.race_json("api key")["client-options"]["api_key"], MASK)
        http(self.address, "POST", "/rally-*/_refresh")
        status, body = http(self.address, "POST", "/rally-*/_search",
                            {"size": 1000, "query": {"term": {"race-id": self.race_ids["basic"]}}})
        self.assertEqual(status, 200, body)
        hits = body["hits"]["hits"]
        self.assertTrue(hits)
        for hit in hits:  # races, results and metrics documents
            self.assertEqual(hit["_source"]["track-params"], {"secret_token": MASK}, hit["_index"])

    def test_what_shows_the_track_masks_the_secret_param(self):
        render = self.run_of("render-track")
        self.assertEqual(render.returncode, 0, self.text("render-track"))
        rendered = json.loads(render.stdout)
        search = next(op for op in rendered["operations"] if op["name"] == "secret-search")
        self.assertEqual(search["headers"][SECRET_HEADER], MASK)
        self.assertEqual(self.run_of("info").returncode, 0, self.text("info"))

    def test_failures_say_why_without_the_secret(self):
        wrong = self.run_of("wrong password")
        self.assertEqual(wrong.returncode, 64, self.text("wrong password"))
        self.assertIn("401", wrong.stderr.decode())
        self.assertTrue(any(e["status"] == "401" for e in self.proxy.requests("basic")))
        self.assertEqual(self.run_of("tls failure").returncode, 64, self.text("tls failure"))
        self.assertIn("certificate", self.text("tls failure").lower())
        store = self.run_of("wrong store password")
        self.assertEqual(store.returncode, 0, self.text("wrong store password"))
        self.assertIn(f"refused the credentials of datastore.user '{STORE_USER}' (HTTP 401", store.stderr.decode())
        daemon = self.run_of("wrong load-driver secret")
        self.assertEqual(daemon.returncode, 64, self.text("wrong load-driver secret"))
        self.assertIn("refused: wrong secret", daemon.stderr.decode())
        self.assertIn("wrong secret", self.daemons[0].log())
        unused = self.run_of("unused param")
        self.assertEqual(unused.returncode, 64)
        self.assertIn("'secret_typo'", unused.stderr.decode())
        mistyped = self.run_of("mistyped param")
        self.assertEqual(mistyped.returncode, 64, self.text("mistyped param"))
        self.assertIn(f'bulk-size: expected an integer >= 1 but got string "{MASK}"', mistyped.stderr.decode())
        malformed = self.run_of("malformed param")
        self.assertEqual(malformed.returncode, 64, self.text("malformed param"))
        self.assertIn("is not a key:value pair", malformed.stderr.decode())
        broken = self.run_of("broken param")
        self.assertEqual(broken.returncode, 64)
        self.assertIn("invalid JSON", broken.stderr.decode())
        self.assertIn("track.json", broken.stderr.decode())


if __name__ == "__main__":
    unittest.main()
