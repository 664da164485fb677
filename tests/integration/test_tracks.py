"""Tracks as users have them: geonames on the real node, the track commands, params,
filters and repositories, through the built rally binary. Every race here is --offline:
corpora come from disk or, in test mode, from rally's synthetic generator."""
import json
import os
import subprocess
import unittest

from support import SOURCE_DIR, TempDirTestCase, cluster_address, http, new_race_id

GEONAMES = os.path.join(SOURCE_DIR, "tracks", "geonames")


class GeonamesTest(TempDirTestCase, unittest.TestCase):
    def race(self, *args):
        race_id = new_race_id()
        run = self.rally("race", "--track=geonames", "--test-mode", "--offline", f"--target-hosts={cluster_address()}",
                         f"--race-id={race_id}", *args)
        self.assertEqual(run.returncode, 0, run.stderr[-3000:])
        return run, run.race_json(race_id)

    def test_every_challenge_runs_every_task_without_errors(self):
        expected_tasks = {"append-no-conflicts": 37, "append-no-conflicts-index-only": 6,
                          "append-fast-with-conflicts": 6, "significant-text": 10}
        for challenge, tasks in expected_tasks.items():
            with self.subTest(challenge=challenge):
                run, race = self.race(f"--challenge={challenge}")
                self.assertEqual(race["challenge"], challenge)
                metrics = race["results"]["op_metrics"]
                self.assertEqual(len(metrics), tasks)
                for m in metrics:
                    self.assertEqual(m["error_rate"], 0, f"{m['task']}: {m['errors-by-class']}")
                    self.assertGreater(m["requests"], 0, m["task"])
                self.assertTrue(any("synthetic" in note for note in race["notes"]), race["notes"])
                self.assertIn("[NOTE] corpus 'geonames' is synthetic", run.stdout)
        http(cluster_address(), "POST", "/geonames/_refresh")
        status, count = http(cluster_address(), "GET", "/geonames/_count")
        self.assertEqual(count["count"], 1000)

    def test_track_params_reach_the_index_and_unknown_ones_are_refused(self):
        run, race = self.race("--include-tasks=delete-index,create-index,check-cluster-health,index-append",
                              "--track-params=number_of_shards:2,bulk_size:100")
        self.assertEqual(race["track-params"], {"number_of_shards": 2, "bulk_size": 100})
        status, settings = http(cluster_address(), "GET", "/geonames/_settings")
        self.assertEqual(settings["geonames"]["settings"]["index"]["number_of_shards"], "2")
        metrics = {m["task"]: m for m in race["results"]["op_metrics"]}
        self.assertEqual(set(metrics), {"delete-index", "create-index", "check-cluster-health", "index-append"})
        # 8 indexing clients (bulk_indexing_clients) of 125 documents each, in bulks of 100.
        self.assertEqual(metrics["index-append"]["requests"], 16)
        self.assertEqual(metrics["index-append"]["total-weight"], 1000)

        unused = self.rally("race", "--track=geonames", "--test-mode", "--offline", "--target-hosts=127.0.0.1:9",
                            "--track-params=bulk_sise:100")
        self.assertEqual(unused.returncode, 64)
        self.assertIn("'bulk_sise' (perhaps you meant 'bulk_size')", unused.stderr)
        self.assertIn("--ignore-unused-track-params", unused.stderr)

    def test_a_generated_corpus_stands_in_for_the_real_one(self):
        data = os.path.join(self.home, ".rally", "benchmarks", "data", "geonames", "documents-2.json")
        gen = self.rally("generate-corpus", "--documents=5000", "--seed=7", f"--output={data}")
        self.assertEqual(gen.returncode, 0, gen.stderr)
        self.assertTrue(os.path.exists(data + ".synthetic.json"))
        race_id = new_race_id()
        # Not test mode: the real file name, with the manifest's 5,000 documents.
        run = self.rally("race", "--track=geonames", "--offline", f"--target-hosts={cluster_address()}",
                         f"--race-id={race_id}", "--include-tasks=delete-index,create-index,check-cluster-health,"
                         "index-append", "--track-params=bulk_indexing_clients:2,bulk_size:500")
        self.assertEqual(run.returncode, 0, run.stderr[-3000:])
        race = run.race_json(race_id)
        self.assertIn("5000 documents instead of the track's 11396503", " ".join(race["notes"]))
        http(cluster_address(), "POST", "/geonames/_refresh")
        self.assertEqual(http(cluster_address(), "GET", "/geonames/_count")[1]["count"], 5000)

    def test_exclude_tasks_by_type_and_tag(self):
        run, race = self.race("--challenge=append-no-conflicts-index-only", "--exclude-tasks=type:force-merge")
        tasks = [m["task"] for m in race["results"]["op_metrics"]]
        self.assertNotIn("force-merge", tasks)
        self.assertIn("index-append", tasks)


class TrackCommandsTest(TempDirTestCase, unittest.TestCase):
    def test_render_track_prints_the_rendered_json(self):
        run = self.rally("render-track", "--track=geonames", "--track-params=bulk_size:777")
        self.assertEqual(run.returncode, 0, run.stderr)
        track = json.loads(run.stdout)
        self.assertEqual(len(track["challenges"]), 4)
        bulk_sizes = {op.get("bulk-size") for op in track["operations"] if op.get("operation-type") == "bulk"}
        self.assertEqual(bulk_sizes, {777})

    def test_validate_track_and_info_need_no_cluster(self):
        run = self.rally("validate-track", f"--track-path={GEONAMES}")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn("track 'geonames' is valid", run.stdout)
        info = self.rally("info", "--track=geonames", "--challenge=significant-text")
        self.assertEqual(info.returncode, 0, info.stderr)
        self.assertIn("* Documents: 11,396,503", info.stdout)
        self.assertIn("Challenge [significant-text]", info.stdout)
        self.assertNotIn("Challenge [append-no-conflicts]", info.stdout)

    def test_list_tracks_shows_the_shipped_tracks(self):
        run = self.rally("list", "tracks")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertRegex(run.stdout, r"geonames \| Points of interest.* \| 11,396,503 \| 252.9 MB \| 3.3 GB \| "
                                     r"append-no-conflicts \|")

    def test_a_broken_template_names_file_and_line(self):
        track = self.copy_track(GEONAMES, "geonames-broken")
        path = os.path.join(track, "challenges", "default.json")
        with open(path) as f:
            text = f.read()
        with open(path, "w") as f:
            f.write("{% macro nope() %}{% endmacro %}\n" + text)
        run = self.rally("validate-track", f"--track-path={track}")
        self.assertEqual(run.returncode, 64)
        self.assertIn("default.json:1", run.stderr)
        self.assertIn("macro", run.stderr)

    def git(self, repo, *args):
        subprocess.run(["git", "-C", repo, "-c", "user.name=t", "-c", "user.email=t@t", *args], check=True,
                       capture_output=True)

    def test_a_track_repository_and_its_revisions(self):
        repo = os.path.join(self.tmp, "team-tracks")
        os.makedirs(repo)
        subprocess.run(["git", "init", "--quiet", "--initial-branch=main", repo], check=True)
        os.makedirs(os.path.join(repo, "tiny"))
        for name in ("index.json", "documents.json"):
            with open(os.path.join(SOURCE_DIR, "tests", "tracks", "tiny", name)) as src, \
                    open(os.path.join(repo, "tiny", name), "w") as dst:
                dst.write(src.read())
        with open(os.path.join(SOURCE_DIR, "tests", "tracks", "tiny", "track.json")) as f:
            track = json.load(f)
        for description in ("revision one", "revision two"):
            track["description"] = description
            with open(os.path.join(repo, "tiny", "track.json"), "w") as f:
                json.dump(track, f)
            self.git(repo, "add", "-A")
            self.git(repo, "commit", "--quiet", "-m", description)
            if description == "revision one":
                self.git(repo, "tag", "v1")
        head = self.rally("info", "--track=tiny", f"--track-repository={repo}")
        self.assertEqual(head.returncode, 0, head.stderr)
        self.assertIn("* Description: revision two", head.stdout)
        v1 = self.rally("info", "--track=tiny", f"--track-repository={repo}", "--track-revision=v1")
        self.assertEqual(v1.returncode, 0, v1.stderr)
        self.assertIn("* Description: revision one", v1.stdout)
        self.assertTrue(os.path.isdir(os.path.join(self.home, ".rally", "benchmarks", "tracks", "team-tracks", ".git")))
        missing = self.rally("info", "--track=tiny", f"--track-repository={repo}", "--track-revision=v9")
        self.assertEqual(missing.returncode, 64)
        self.assertIn("no revision 'v9'", missing.stderr)


if __name__ == "__main__":
    unittest.main()
