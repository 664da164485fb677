"""`rally race` on the tiny track against the real OpenSearch node."""
import json
import os
import unittest

from support import TempDirTestCase, cluster_address, http, new_race_id


class TinyRaceTest(TempDirTestCase, unittest.TestCase):
    def test_a_race_indexes_the_corpus_searches_and_reports(self):
        address = cluster_address()
        track = self.copy_track()
        race_id = new_race_id()
        report_file = os.path.join(self.tmp, "report.md")
        run = self.rally("race", f"--track-path={track}", f"--target-hosts={address}",
                         f"--report-file={report_file}", f"--race-id={race_id}")
        self.assertEqual(run.returncode, 0, run.stderr)

        # The index holds exactly the corpus.
        http(address, "POST", "/tiny/_refresh")
        status, count = http(address, "GET", "/tiny/_count")
        self.assertEqual(status, 200)
        self.assertEqual(count["count"], 1000)

        # The report: throughput and latency rows for the reported tasks, on stdout and in the file.
        with open(report_file) as f:
            report = f.read()
        self.assertIn(report.strip(), run.stdout)
        for task in ("index-append", "match-all", "country-term-a", "country-term-b"):
            for metric in ("Min Throughput", "Mean Throughput", "Median Throughput", "Max Throughput",
                           "50th percentile latency", "100th percentile latency",
                           "50th percentile service time", "error rate"):
                self.assertRegex(report, rf"\|\s+{metric} \|\s+{task} \|", f"{metric} of {task}")
        self.assertRegex(report, r"\|\s+99th percentile latency \|\s+match-all \|")  # 200 samples
        self.assertNotIn("create-index", report, "admin tasks are hidden unless they fail")
        self.assertRegex(report, r"\|\s+Mean Throughput \|\s+index-append \|\s+[0-9.]+ \| docs/s \|")

        # race.json parses and holds what ran.
        race = run.race_json(race_id)
        self.assertEqual(race["race-id"], race_id)
        self.assertEqual(race["status"], "success")
        self.assertEqual(race["cluster"]["distribution-flavor"], "opensearch")
        self.assertEqual(race["cluster"]["distribution-version"], "2.19.6")
        metrics = {m["task"]: m for m in race["results"]["op_metrics"]}
        self.assertEqual(metrics["index-append"]["total-weight"], 1000)
        self.assertEqual(metrics["index-append"]["requests"], 10)  # 2 clients x 500 docs / 100 per bulk
        self.assertEqual(metrics["match-all"]["requests"], 200)  # 2 clients x 100 iterations
        self.assertEqual(metrics["match-all"]["warmup-requests"], 40)  # 2 clients x 20
        self.assertEqual(metrics["country-term-b"]["requests"], 100)
        for m in metrics.values():
            self.assertEqual(m["error_rate"], 0, m["task"])
        self.assertGreater(metrics["match-all"]["throughput"]["mean"], 0)
        self.assertEqual(metrics["match-all"]["throughput"]["unit"], "ops/s")

    def test_test_mode_caps_iterations_to_the_clients(self):
        address = cluster_address()
        race_id = new_race_id()
        run = self.rally("race", f"--track-path={self.copy_track()}", f"--target-hosts={address}",
                         "--test-mode", f"--race-id={race_id}")
        self.assertEqual(run.returncode, 0, run.stderr)
        metrics = {m["task"]: m for m in run.race_json(race_id)["results"]["op_metrics"]}
        self.assertEqual(metrics["match-all"]["requests"], 4)  # 2 clients x min(100, 2)
        self.assertEqual(metrics["match-all"]["warmup-requests"], 4)
        self.assertEqual(metrics["index-append"]["total-weight"], 1000)

    def test_a_second_race_reuses_the_offset_table_and_recreates_the_index(self):
        address = cluster_address()
        track = self.copy_track()
        for _ in range(2):
            run = self.rally("race", f"--track-path={track}", f"--target-hosts={address}")
            self.assertEqual(run.returncode, 0, run.stderr)
        self.assertTrue(os.path.exists(os.path.join(track, "documents.json.offset")))
        http(address, "POST", "/tiny/_refresh")
        self.assertEqual(http(address, "GET", "/tiny/_count")[1]["count"], 1000)
        self.assertEqual(len(run.races()), 2)

    def test_completed_by_stops_the_other_tasks_of_a_parallel_step(self):
        address = cluster_address()
        track = self.copy_track()
        path = os.path.join(track, "track.json")
        with open(path) as f:
            doc = json.load(f)
        doc["challenges"][0]["schedule"] = [
            {"operation": "delete-index"}, {"operation": "create-index"}, {"operation": "check-cluster-health"},
            {"parallel": {"completed-by": "index-append", "tasks": [
                {"name": "index-append", "operation": "index-append", "clients": 2},
                {"name": "endless-search", "operation": "match-all", "clients": 2, "iterations": 1000000}]}}]
        with open(path, "w") as f:
            json.dump(doc, f)
        race_id = new_race_id()
        run = self.rally("race", f"--track-path={track}", f"--target-hosts={address}", f"--race-id={race_id}",
                         timeout=120)
        self.assertEqual(run.returncode, 0, run.stderr)
        metrics = {m["task"]: m for m in run.race_json(race_id)["results"]["op_metrics"]}
        self.assertEqual(metrics["index-append"]["total-weight"], 1000)
        searches = metrics["endless-search"]["requests"]
        self.assertGreater(searches, 0)
        self.assertLess(searches, 2000000, "the search stopped when the bulk task completed")
        self.assertLess(run.elapsed, 60)

    def test_csv_report_and_a_named_challenge(self):
        address = cluster_address()
        report_file = os.path.join(self.tmp, "report.csv")
        run = self.rally("race", f"--track-path={self.copy_track()}", f"--target-hosts={address}",
                         "--challenge=append-and-search", "--report-format=csv", f"--report-file={report_file}")
        self.assertEqual(run.returncode, 0, run.stderr)
        with open(report_file) as f:
            lines = f.read().splitlines()
        self.assertEqual(lines[0], "Metric,Task,Value,Unit")
        self.assertIn("Mean Throughput,match-all,", "\n".join(lines))

    def test_json_report_file(self):
        report_file = os.path.join(self.tmp, "report.json")
        race_id = new_race_id()
        run = self.rally("race", f"--track-path={self.copy_track()}", f"--target-hosts={cluster_address()}",
                         "--report-format=json", f"--report-file={report_file}", f"--race-id={race_id}",
                         "--user-tags=intention:json")
        self.assertEqual(run.returncode, 0, run.stderr)
        with open(report_file) as f:
            doc = json.load(f)
        self.assertEqual(doc["schema"], "rally-report/1")
        self.assertEqual(doc["race"]["race-id"], race_id)
        self.assertEqual(doc["race"]["cluster"]["distribution"], "opensearch")
        self.assertEqual(doc["race"]["user-tags"], {"intention": "json"})
        self.assertIn("match-all", [t["task"] for t in doc["tasks"]])


if __name__ == "__main__":
    unittest.main()
