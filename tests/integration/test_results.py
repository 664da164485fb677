"""`rally list races`, `report` and `compare` over races of the tiny track stored by real races."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from support import RALLY, TINY_TRACK, cluster_address, new_race_id


def table_rows(text):
    """The markdown table rows of a report, as lists of cells, without the header."""
    rows = [[c.strip() for c in line.strip().strip("|").split("|")]
            for line in text.splitlines() if line.startswith("|")]
    return rows[2:]


class StoredRacesTest(unittest.TestCase):
    """Two races run once for the class; each test works on a copy of their home."""

    @classmethod
    def setUpClass(cls):
        cls.shared = tempfile.mkdtemp(prefix="rally-it-results-")
        cls.shared_home = os.path.join(cls.shared, "home")
        os.makedirs(cls.shared_home)
        track = os.path.join(cls.shared, "tiny")
        shutil.copytree(TINY_TRACK, track, ignore=shutil.ignore_patterns("*.offset"))
        address = cluster_address()
        cls.race_ids = [new_race_id(), new_race_id()]
        cls.race_stdout = []
        for number, race_id in enumerate(cls.race_ids):
            run = cls._run(cls.shared_home, "race", f"--track-path={track}", f"--target-hosts={address}",
                           f"--race-id={race_id}", "--offline", f"--user-tags=intention:run-{number},env:ci")
            if run.returncode != 0:
                raise RuntimeError(f"the race failed: {run.stderr}")
            cls.race_stdout.append(run.stdout)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.shared, ignore_errors=True)

    @staticmethod
    def _run(home, *args):
        env = dict(os.environ, HOME=home)
        return subprocess.run([RALLY, *args], capture_output=True, text=True, timeout=300, env=env)

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="rally-it-")
        self.home = os.path.join(self.tmp, "home")
        shutil.copytree(self.shared_home, self.home)
        self.races_dir = os.path.join(self.home, ".rally", "benchmarks", "races")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def rally(self, *args):
        return self._run(self.home, *args)

    def race_path(self, race_id):
        return os.path.join(self.races_dir, race_id, "race.json")

    def copy_race(self, race_id, new_id, change):
        """Stores a copy of a race under a new id, changed by `change(race)`."""
        with open(self.race_path(race_id)) as f:
            race = json.load(f)
        race["race-id"] = new_id
        change(race)
        os.makedirs(os.path.join(self.races_dir, new_id))
        with open(self.race_path(new_id), "w") as f:
            json.dump(race, f, indent=2)

    def test_list_races_newest_first(self):
        first, second = self.race_ids
        run = self.rally("list", "races")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn("Race ID", run.stdout)
        lines = [line for line in run.stdout.splitlines() if first in line or second in line]
        self.assertEqual(len(lines), 2, run.stdout)
        self.assertIn(second, lines[0], "the newer race comes first")
        self.assertIn(first, lines[1])
        for line in lines:
            for cell in ("tiny", "append-and-search", "success", "opensearch 2.19.6"):
                self.assertIn(cell, line)

        limited = self.rally("list", "races", "--limit=1")
        self.assertEqual(limited.returncode, 0, limited.stderr)
        self.assertIn(second, limited.stdout)
        self.assertNotIn(first, limited.stdout)

    def test_json_report_of_a_stored_race_for_tools(self):
        path = os.path.join(self.tmp, "report.json")
        run = self.rally("report", f"--race-id={self.race_ids[0]}", "--report-format=json", f"--report-file={path}")
        self.assertEqual(run.returncode, 0, run.stderr)
        doc = json.loads(run.stdout)
        with open(path) as f:
            self.assertEqual(json.load(f), doc)
        self.assertEqual(doc["schema"], "rally-report/1")
        self.assertEqual(doc["race"]["race-id"], self.race_ids[0])
        self.assertEqual(doc["race"]["user-tags"], {"intention": "run-0", "env": "ci"})
        tasks = {t["task"]: t for t in doc["tasks"]}
        self.assertEqual(tasks["index-append"]["throughput"]["unit"], "docs/s")
        self.assertEqual(tasks["index-append"]["total_weight"], 1000)
        self.assertIn("50", tasks["match-all"]["latency_ms"])
        self.assertEqual(tasks["match-all"]["error_rate_percent"], 0)

    def test_user_tags_are_stored_and_listed(self):
        with open(self.race_path(self.race_ids[1])) as f:
            race = json.load(f)
        self.assertEqual(race["user-tags"], {"intention": "run-1", "env": "ci"})
        run = self.rally("list", "races")
        self.assertRegex(run.stdout, self.race_ids[1] + r" .*intention=run-1")
        bad = self.rally("race", "--track-path=/nonexistent", "--user-tags=nocolon")
        self.assertEqual(bad.returncode, 64)
        self.assertIn("--user-tags: 'nocolon' is not of the form key:value", bad.stderr)

    def test_list_races_names_an_unreadable_race_and_goes_on(self):
        os.makedirs(os.path.join(self.races_dir, "broken"))
        with open(self.race_path("broken"), "w") as f:
            f.write('{"race-id": ')
        self.copy_race(self.race_ids[0], "tagged", lambda race: race.update({"user-tags": {"intention": "test"}}))
        run = self.rally("list", "races")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn(self.race_path("broken"), run.stderr)
        self.assertIn("[WARNING]", run.stderr)
        for race_id in self.race_ids:
            self.assertIn(race_id, run.stdout)
        self.assertRegex(run.stdout, r"tagged .*intention=test")

    def test_report_prints_the_rows_the_race_printed(self):
        for race_id, race_stdout in zip(self.race_ids, self.race_stdout):
            run = self.rally("report", f"--race-id={race_id}")
            self.assertEqual(run.returncode, 0, run.stderr)
            self.assertTrue(table_rows(race_stdout))
            self.assertEqual(table_rows(run.stdout), table_rows(race_stdout))
            self.assertIn(race_id, run.stdout)

        report_file = os.path.join(self.tmp, "report.csv")
        run = self.rally("report", f"--race-id={self.race_ids[0]}", "--report-format=csv",
                         f"--report-file={report_file}")
        self.assertEqual(run.returncode, 0, run.stderr)
        with open(report_file) as f:
            csv = f.read().splitlines()
        self.assertEqual(csv[0], "Metric,Task,Value,Unit")
        self.assertEqual(len(csv) - 1, len(table_rows(self.race_stdout[0])))
        self.assertIn("Mean Throughput,match-all,", "\n".join(csv))

    def test_compare_two_races(self):
        baseline, contender = self.race_ids
        report_file = os.path.join(self.tmp, "compare.md")
        run = self.rally("compare", f"--baseline={baseline}", f"--contender={contender}",
                         f"--report-file={report_file}")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn(f"Race ID: {baseline}", run.stdout)
        self.assertIn(f"Race ID: {contender}", run.stdout)
        self.assertRegex(run.stdout, r"\|\s+Metric \|\s+Task \|\s+Baseline \|\s+Contender \|\s+Diff \|\s+Unit \|")
        rows = table_rows(run.stdout)
        tasks = {row[1] for row in rows}
        self.assertEqual(tasks, {"index-append", "match-all", "country-term-a", "country-term-b"})
        metrics = {(row[0], row[1]) for row in rows}
        for task in tasks:
            for metric in ("Mean Throughput", "50th percentile latency", "100th percentile service time",
                           "error rate"):
                self.assertIn((metric, task), metrics)
        self.assertIn(("99th percentile latency", "match-all"), metrics)  # 200 samples in both
        for row in rows:
            self.assertIn(row[7], ("better", "worse", ""), row)
        with open(report_file) as f:
            self.assertEqual(table_rows(f.read()), rows)

    def test_a_race_compared_with_itself_never_regresses(self):
        race_id = self.race_ids[0]
        run = self.rally("compare", f"--baseline={race_id}", f"--contender={race_id}",
                         "--fail-on-regression=latency.p50:0,latency.p99:0,throughput.mean:0,service_time.p100:0,"
                         "error_rate:0")
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        rows = table_rows(run.stdout)
        self.assertTrue(rows)
        for row in rows:
            self.assertEqual(row[4], "0", row)
            self.assertEqual(row[6], "0.00%", row)
            self.assertEqual(row[7], "", row)

    def test_doubled_latency_fails_on_regression(self):
        baseline = self.race_ids[0]

        def double_latency(race):
            for m in race["results"]["op_metrics"]:
                for key in list(m.get("latency", {})):
                    if key != "unit":
                        m["latency"][key] *= 2

        self.copy_race(baseline, "doubled", double_latency)
        run = self.rally("compare", f"--baseline={baseline}", "--contender=doubled",
                         "--fail-on-regression=latency.p50:10")
        self.assertEqual(run.returncode, 64, run.stdout + run.stderr)
        regressions = [line for line in run.stderr.splitlines() if "regression: latency.p50" in line]
        for task in ("index-append", "match-all", "country-term-a", "country-term-b"):
            line = next((r for r in regressions if f"task '{task}'" in r), None)
            self.assertIsNotNone(line, f"{task}: {run.stderr}")
            self.assertIn("+100.00%", line)
            self.assertRegex(line, r"baseline [0-9.]+ ms, contender [0-9.]+ ms")

        # The same change passes a threshold on a metric it did not touch, and the better way.
        run = self.rally("compare", f"--baseline={baseline}", "--contender=doubled",
                         "--fail-on-regression=service_time.p50:0,throughput.mean:0")
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        run = self.rally("compare", "--baseline=doubled", f"--contender={baseline}",
                         "--fail-on-regression=latency.p50:10")
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        self.assertTrue(any(row[7] == "better" for row in table_rows(run.stdout) if "latency" in row[0]))

    def test_a_task_in_one_race_only_is_listed_apart(self):
        def drop_match_all(race):
            race["results"]["op_metrics"] = [m for m in race["results"]["op_metrics"] if m["task"] != "match-all"]

        self.copy_race(self.race_ids[0], "fewer", drop_match_all)
        run = self.rally("compare", f"--baseline={self.race_ids[0]}", "--contender=fewer")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn("Tasks only in the baseline: match-all", run.stdout)
        self.assertNotIn("match-all", "".join(row[1] for row in table_rows(run.stdout)))

    def test_unknown_ids_and_bad_thresholds_exit_64(self):
        known = self.race_ids[0]
        for args in (("report", "--race-id=no-such-race"),
                     ("compare", "--baseline=no-such-race", f"--contender={known}"),
                     ("compare", f"--baseline={known}", "--contender=no-such-race")):
            run = self.rally(*args)
            self.assertEqual(run.returncode, 64, args)
            self.assertIn("no-such-race", run.stderr)
            self.assertIn(self.races_dir, run.stderr)
        for spec in ("latency.p99", "latency:10", "throughput.mean:-5", "latency.p99:abc"):
            run = self.rally("compare", f"--baseline={known}", f"--contender={known}", f"--fail-on-regression={spec}")
            self.assertEqual(run.returncode, 64, spec)
            self.assertIn("fail-on-regression", run.stderr)


if __name__ == "__main__":
    unittest.main()
