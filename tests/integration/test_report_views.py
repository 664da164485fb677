"""What a race's report says beyond Rally's rows, against the real node: verdicts, cluster rows,
chosen percentiles, errors, and the race's own regression check against a baseline."""
import json
import os
import re
import shutil
import unittest

from support import TempDirTestCase, cluster_address, edit_json, new_race_id, op_metrics


def throttled_track(directory, target, clients=1, period=3):
    """A track with one throttled search on an index it creates."""
    os.makedirs(directory)
    track = {
        "version": 2,
        "description": "a throttled search",
        "indices": [{"name": "views"}],
        "schedule": [
            {"operation": {"name": "delete", "operation-type": "delete-index"}},
            {"operation": {"name": "create", "operation-type": "create-index"}},
            # Throttled too: 5 unthrottled requests take a few ms, and their throughput swings by
            # half between two races on a busy machine (test_race_fails_on_regression...).
            {"operation": {"name": "missing", "operation-type": "search", "index": "no-such-index",
                           "body": {"query": {"match_all": {}}}}, "iterations": 5, "target-throughput": 50},
            {"operation": {"name": "search", "operation-type": "search", "index": "views",
                           "body": {"query": {"match_all": {}}}},
             "clients": clients, "target-throughput": target, "time-period": period},
        ],
    }
    with open(os.path.join(directory, "track.json"), "w") as f:
        json.dump(track, f)
    return directory


class ReportViewsTest(TempDirTestCase, unittest.TestCase):
    def race(self, track, *args):
        race_id = new_race_id()
        run = self.rally("race", f"--track-path={track}", f"--target-hosts={cluster_address()}", "--offline",
                         f"--race-id={race_id}", *args)
        return race_id, run

    def test_a_target_out_of_reach_is_flagged_with_the_schedule_lag(self):
        # One client cannot make 5,000 searches a second against this node.
        track = throttled_track(os.path.join(self.tmp, "t"), target=5000)
        race_id, run = self.race(track)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertRegex(run.stdout, r"\[WARNING\] search: target throughput missed: achieved [\d.]+ ops/s of the "
                                     r"target 5000\.00 ops/s \([\d.]+% short\); requests started late against the "
                                     r"schedule by [\d.]+ ms \(p50\) and [\d.]+ ms \(p99\)")
        search = op_metrics(run.race_json(race_id))["search"]
        self.assertEqual(search["target-throughput"], 5000)
        self.assertLess(search["achieved-throughput"], 5000 * 0.95)
        self.assertIn("target-throughput-missed", [v["kind"] for v in search["verdicts"]])
        self.assertIn("50_0", search["schedule_lag"])
        self.assertIn("cpu-mean-percent", search["driver-load"])
        # The per-second series: seconds in order, requests adding up to the task's.
        series = search["per-second"]
        self.assertGreaterEqual(len(series), 2)
        self.assertEqual([s["second"] for s in series], sorted(s["second"] for s in series))
        self.assertEqual(sum(s["ops"] for s in series), search["requests"])
        self.assertTrue(all(s["bytes"] > 0 for s in series if s["ops"] > 0))

    def test_a_target_within_reach_is_not_flagged(self):
        # 5 searches a second: on schedule even on a busy machine.
        track = throttled_track(os.path.join(self.tmp, "t"), target=5)
        race_id, run = self.race(track)
        self.assertEqual(run.returncode, 0, run.stderr)
        search = op_metrics(run.race_json(race_id))["search"]
        self.assertGreater(search["achieved-throughput"], 5 * 0.95)
        self.assertNotIn("target-throughput-missed", [v["kind"] for v in search.get("verdicts", [])])
        self.assertNotIn("search: target throughput missed", run.stdout)

    def test_cluster_rows_errors_and_chosen_percentiles(self):
        track = throttled_track(os.path.join(self.tmp, "t"), target=50)
        race_id, run = self.race(track, "--latency-percentiles=50,75", "--show-in-report=all-percentiles")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn("Cumulative indexing time of primary shards", run.stdout)
        self.assertRegex(run.stdout, r"\|\s+Segment count \|\s+\|\s+\d+ \|")
        self.assertIn("75th percentile latency", run.stdout)
        self.assertNotIn("99th percentile latency", run.stdout)
        # The failed searches, by kind, below the table.
        self.assertRegex(run.stdout, r"\|\s+missing \|\s+HTTP 404 index_not_found_exception \|\s+5 \|")
        self.assertIn("missing: 5 of 5 requests failed (http: 5)", run.stdout)
        race = run.race_json(race_id)
        names = [m["name"] for m in race["results"]["cluster"]]
        self.assertIn("Store size", names)
        # The stored histograms give any percentile later.
        report = self.rally("report", f"--race-id={race_id}", "--latency-percentiles=99.5",
                            "--show-in-report=all-percentiles")
        self.assertEqual(report.returncode, 0, report.stderr)
        self.assertIn("99.5th percentile latency", report.stdout)
        self.assertIn("99.5th percentile service time", report.stdout)

    def test_race_fails_on_regression_against_a_baseline(self):
        track = throttled_track(os.path.join(self.tmp, "t"), target=20, period=2)
        baseline, run = self.race(track)
        self.assertEqual(run.returncode, 0, run.stderr)
        # A baseline twice as fast as anything this node does at 20 ops/s.
        races = os.path.join(self.home, ".rally", "benchmarks", "races")
        fast = new_race_id()
        shutil.copytree(os.path.join(races, baseline), os.path.join(races, fast))

        def faster(race):
            race["race-id"] = fast
            for m in race["results"]["op_metrics"]:
                if "throughput" in m:
                    for k in ("min", "mean", "median", "max"):
                        m["throughput"][k] *= 2
        edit_json(os.path.join(races, fast, "race.json"), faster)

        _, regressed = self.race(track, f"--baseline={fast}", "--fail-on-regression=throughput.mean:25")
        self.assertEqual(regressed.returncode, 64, regressed.stdout + regressed.stderr)
        self.assertIn("regression", regressed.stderr)
        self.assertIn("[INFO] REGRESSION", regressed.stdout)
        # The same track again: only the noise of two runs, well inside 25% for throttled tasks.
        _, fine = self.race(track, f"--baseline={baseline}", "--fail-on-regression=throughput.mean:25")
        self.assertEqual(fine.returncode, 0, fine.stdout + fine.stderr)
        self.assertIn("No regression against the baseline race", fine.stdout)

    def test_bad_report_options_fail_before_any_load(self):
        track = throttled_track(os.path.join(self.tmp, "t"), target=20)
        for args, message in [
            (["--latency-percentiles=50,101"], "--latency-percentiles: '101' is not a percentile"),
            (["--latency-percentiles=abc"], "--latency-percentiles: 'abc' is not a percentile"),
            (["--baseline=x"], "--baseline and --fail-on-regression go together"),
            (["--baseline=no-such-race", "--fail-on-regression=error_rate:1"], "no-such-race"),
        ]:
            _, run = self.race(track, *args)
            self.assertEqual(run.returncode, 64, args)
            self.assertIn(message, run.stderr, args)
            self.assertEqual(run.races(), [], "no race stored for a race that never started")


if __name__ == "__main__":
    unittest.main()
