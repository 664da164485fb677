"""Bad input: each gets a clear error naming what is wrong and where, a non-zero exit,
and no race.json claiming success."""
import json
import os
import resource
import subprocess
import unittest

from support import RALLY, SilentServer, TempDirTestCase, cluster_address, free_port, http


class BadInputTest(TempDirTestCase, unittest.TestCase):
    def assert_failed_cleanly(self, run, *fragments):
        self.assertEqual(run.returncode, 64, run.stdout + run.stderr)
        for fragment in fragments:
            self.assertIn(fragment, run.stderr)
        self.assertNotIn("SUCCESS", run.stdout)
        for race in run.races():
            self.assertNotEqual(run.race_json(race)["status"], "success")

    def test_missing_track_path_names_the_path(self):
        missing = os.path.join(self.tmp, "no-such-track")
        run = self.rally("race", f"--track-path={missing}", "--target-hosts=127.0.0.1:9")
        self.assert_failed_cleanly(run, missing, "does not exist")
        self.assertEqual(run.races(), [])

    def test_malformed_track_json_names_the_file_and_line(self):
        track = self.copy_track()
        path = os.path.join(track, "track.json")
        with open(path) as f:
            lines = f.read().splitlines()
        lines[5] = lines[5] + ",,"  # line 6
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        run = self.rally("race", f"--track-path={track}", "--target-hosts=127.0.0.1:9")
        self.assert_failed_cleanly(run, f"{path}:6:", "invalid JSON")
        self.assertEqual(run.races(), [])

    def test_an_invalid_property_names_the_file_and_json_path(self):
        track = self.copy_track()
        path = os.path.join(track, "track.json")
        with open(path) as f:
            doc = json.load(f)
        doc["challenges"][0]["schedule"][3]["clients"] = "two"
        with open(path, "w") as f:
            json.dump(doc, f)
        run = self.rally("race", f"--track-path={track}", "--target-hosts=127.0.0.1:9")
        self.assert_failed_cleanly(run, path, "challenges[0].schedule[3].clients", "expected an integer")

    def test_an_unreachable_target_names_host_and_port_and_fails_fast(self):
        port = free_port()
        run = self.rally("race", f"--track-path={self.copy_track()}", f"--target-hosts=127.0.0.1:{port}",
                         "--connect-timeout=3000")
        self.assert_failed_cleanly(run, f"127.0.0.1:{port}", "Connection refused")
        self.assertLess(run.elapsed, 3.0)
        self.assertEqual(run.races(), [])

    def test_a_target_that_never_answers_times_out(self):
        server = SilentServer()
        try:
            run = self.rally("race", f"--track-path={self.copy_track()}",
                             f"--target-hosts=127.0.0.1:{server.port}", "--request-timeout=1")
        finally:
            server.close()
        self.assert_failed_cleanly(run, f"127.0.0.1:{server.port}")
        self.assertLess(run.elapsed, 10.0)
        self.assertEqual(run.races(), [])

    def test_a_corpus_with_the_wrong_document_count_fails_before_any_load(self):
        address = cluster_address()
        http(address, "DELETE", "/tiny")
        track = self.copy_track()
        path = os.path.join(track, "track.json")
        with open(path) as f:
            doc = json.load(f)
        doc["corpora"][0]["documents"][0]["document-count"] = 999
        with open(path, "w") as f:
            json.dump(doc, f)
        run = self.rally("race", f"--track-path={track}", f"--target-hosts={address}")
        self.assert_failed_cleanly(run, "documents.json", "1000 documents", "expects 999")
        self.assertEqual(http(address, "GET", "/tiny")[0], 404, "no load was sent")
        self.assertEqual(run.races(), [])

    def test_more_clients_than_open_files_fails_before_any_load(self):
        track = self.copy_track()
        path = os.path.join(track, "track.json")
        with open(path) as f:
            doc = json.load(f)
        doc["challenges"][0]["schedule"][5]["clients"] = 500  # match-all
        with open(path, "w") as f:
            json.dump(doc, f)
        env = dict(os.environ, HOME=self.home)
        limit = lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (400, 400))  # noqa: E731
        completed = subprocess.run([RALLY, "race", f"--track-path={track}", f"--target-hosts={cluster_address()}",
                                    "--offline"], capture_output=True, text=True, timeout=120, env=env,
                                   preexec_fn=limit)
        self.assertEqual(completed.returncode, 64, completed.stderr)
        self.assertIn("500 clients at once", completed.stderr)
        self.assertIn("ulimit -n", completed.stderr)
        self.assertNotIn("Too many open files", completed.stderr)

    def test_an_unknown_challenge_lists_the_challenges(self):
        run = self.rally("race", f"--track-path={self.copy_track()}", "--target-hosts=127.0.0.1:9",
                         "--challenge=nope")
        self.assert_failed_cleanly(run, "no challenge 'nope'", "append-and-search")

    def test_a_bad_target_hosts_value_is_a_usage_error(self):
        run = self.rally("race", f"--track-path={self.copy_track()}", "--target-hosts=127.0.0.1:http")
        self.assert_failed_cleanly(run, "--target-hosts", "127.0.0.1:http")


if __name__ == "__main__":
    unittest.main()
