"""Ctrl-C during a race: the race stops within 5 s, its results so far are stored marked
interrupted, and rally exits 130; with daemons, they stop its Workers too."""
import json
import os
import signal
import subprocess
import time
import unittest

from daemons import Daemon, index_total, slow_track, wait_for_indexing
from support import RALLY, TempDirTestCase, cluster_address, http, new_race_id


class InterruptTest(TempDirTestCase, unittest.TestCase):
    def interrupt_mid_bulk(self, *extra):
        race_id = new_race_id()
        http(cluster_address(), "DELETE", "/tiny")
        err_path = os.path.join(self.tmp, "err")
        with open(err_path, "w") as err:
            race = subprocess.Popen([RALLY, "race", f"--track-path={slow_track(self.tmp)}", "--offline",
                                     f"--target-hosts={cluster_address()}", f"--race-id={race_id}", *extra],
                                    stdout=subprocess.DEVNULL, stderr=err, env=dict(os.environ, HOME=self.home))
        try:
            wait_for_indexing("tiny")
            race.send_signal(signal.SIGINT)
            interrupted = time.monotonic()
            race.wait(timeout=30)
            took = time.monotonic() - interrupted
        finally:
            if race.poll() is None:
                race.kill()
                race.wait()
        with open(err_path) as f:
            stderr = f.read()
        self.assertEqual(race.returncode, 130, stderr)
        self.assertLess(took, 5, stderr)
        self.assertIn("SIGINT: stopping the race", stderr)
        path = os.path.join(self.home, ".rally", "benchmarks", "races", race_id, "race.json")
        with open(path) as f:
            stored = json.load(f)
        self.assertEqual(stored["status"], "interrupted")
        self.assertEqual(stored["failure"], "interrupted by SIGINT")
        # The steps before the bulk finished and are there; the load has stopped.
        self.assertIn("create-index", {m["task"] for m in stored["results"]["op_metrics"]})
        settled = index_total("tiny")
        time.sleep(1)
        self.assertEqual(index_total("tiny"), settled)
        self.assertLess(settled, 1000)
        return stderr

    def test_ctrl_c_stores_the_results_so_far_marked_interrupted_and_exits_130(self):
        self.interrupt_mid_bulk()

    def test_ctrl_c_with_daemons_stops_their_workers_too(self):
        daemons = [Daemon(self.tmp, "127.0.0.2"), Daemon(self.tmp, "127.0.0.3")]
        try:
            self.interrupt_mid_bulk("--load-driver-hosts=" + ",".join(d.address for d in daemons))
            for daemon in daemons:
                daemon.wait_for_log("ended its race", 10)
                daemon.wait_for_log("ready for the next race", 10)
        finally:
            for daemon in daemons:
                daemon.stop()


if __name__ == "__main__":
    unittest.main()
