"""The HTML report of a real race, opened in headless Chromium: the screenshot must show the
charts. The charts are found by their colours (src/metrics/task_charts.hpp) inside plot areas
(src/metrics/svg_chart.hpp: filled with PLOT_BACKGROUND); a page without SVG shows none."""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import unittest

from png_image import Image
from support import RALLY, TINY_TRACK, cluster_address, edit_json, new_race_id

PLOT_BACKGROUND = (0xF5, 0xF7, 0xFA)
WINDOW = (0x9E, 0xCA, 0xE1)  # throughput per second, filled steps
CUMULATIVE = (0xFF, 0x7F, 0x0E)  # Rally's cumulative throughput
LATENCY = (0x2C, 0xA0, 0x2C)
SERVICE_TIME = (0xD6, 0x27, 0x28)
PROCESSING_TIME = (0x94, 0x67, 0xBD)
# What a plot area is painted with: its background and the areas and bars drawn on it.
PLOT_COLOURS = (PLOT_BACKGROUND, WINDOW, LATENCY, SERVICE_TIME, PROCESSING_TIME)
SERIES = {"window": WINDOW, "cumulative": CUMULATIVE, "latency": LATENCY, "service time": SERVICE_TIME}
WIDTH, HEIGHT = 1200, 3000
SCREENSHOT_TIMEOUT_S = 120


def tiny_track_with_a_timed_task(directory):
    """The tiny track whose match-all runs for 6 s at 40 ops/s after 1 s of warmup, so that it
    has several seconds of series; country-term's tasks are dropped to keep the race short."""
    track = os.path.join(directory, "tiny")
    shutil.copytree(TINY_TRACK, track, ignore=shutil.ignore_patterns("*.offset"))

    def timed(doc):
        schedule = doc["challenges"][0]["schedule"]
        doc["challenges"][0]["schedule"] = [s for s in schedule if "parallel" not in s]
        for step in doc["challenges"][0]["schedule"]:
            if step.get("operation") == "match-all":
                for key in ("warmup-iterations", "iterations"):
                    step.pop(key, None)
                step.update({"warmup-time-period": 1, "time-period": 6, "target-throughput": 40, "clients": 2})

    edit_json(os.path.join(track, "track.json"), timed)
    return track


def screenshot(html_path, png_path, scratch):
    """Renders `html_path` with headless Chromium into `png_path`; returns Chromium's stderr."""
    chromium = shutil.which("chromium")
    if chromium is None:
        raise AssertionError("chromium is not installed: scripts/setup.sh installs Debian's chromium package, "
                             "which this test needs to render the HTML report")
    profile = tempfile.mkdtemp(prefix="chromium-", dir=scratch)
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--hide-scrollbars", "--force-device-scale-factor=1", "--no-first-run", "--disable-extensions",
               "--disable-background-networking", f"--user-data-dir={profile}", f"--screenshot={png_path}",
               f"--window-size={WIDTH},{HEIGHT}", "file://" + html_path]
    # Its own session, so that a hung Chromium and its helper processes go together, and only they.
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                               env=dict(os.environ, HOME=scratch))
    try:
        _, stderr = process.communicate(timeout=SCREENSHOT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise AssertionError(f"chromium did not write a screenshot within {SCREENSHOT_TIMEOUT_S} s")
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # helpers left behind by the browser we started
        except ProcessLookupError:
            pass
    stderr = stderr.decode(errors="replace")
    if process.returncode != 0 or not os.path.exists(png_path):
        raise AssertionError(f"chromium failed (exit {process.returncode}): {stderr[-2000:]}")
    return stderr


def without_charts(html):
    return re.sub(r"<svg\b.*?</svg>\n?", "", html, flags=re.S)


class HtmlReportTest(unittest.TestCase):
    """One race with a timed task for the class; every test renders a report of it."""

    @classmethod
    def setUpClass(cls):
        cls.shared = tempfile.mkdtemp(prefix="rally-it-html-")
        cls.home = os.path.join(cls.shared, "home")
        os.makedirs(cls.home)
        track = tiny_track_with_a_timed_task(cls.shared)
        cls.race_id = new_race_id()
        cls.race_html = os.path.join(cls.shared, "race.html")
        run = cls.rally("race", f"--track-path={track}", f"--target-hosts={cluster_address()}",
                        f"--race-id={cls.race_id}", "--offline", "--report-format=html",
                        f"--report-file={cls.race_html}", "--user-tags=intention:html-<test>")
        if run.returncode != 0:
            raise RuntimeError(f"the race failed: {run.stdout}\n{run.stderr}")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.shared, ignore_errors=True)

    @classmethod
    def rally(cls, *args):
        return subprocess.run([RALLY, *args], capture_output=True, text=True, timeout=300,
                              env=dict(os.environ, HOME=cls.home))

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="rally-it-html-test-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def race_json_path(self, race_id):
        return os.path.join(self.home, ".rally", "benchmarks", "races", race_id, "race.json")

    def render(self, html, name):
        path = os.path.join(self.tmp, name + ".html")
        with open(path, "w") as f:
            f.write(html)
        png = os.path.join(self.tmp, name + ".png")
        screenshot(path, png, self.tmp)
        return Image(png)

    def read(self, path):
        with open(path) as f:
            return f.read()

    def assert_charts_drawn(self, image, tasks, timed_task):
        """Per reported task a band with two plot areas: throughput on the left, latency on the
        right, each with its series' colours inside; the timed task's throughput lines run
        across most of its plot."""
        areas = image.rectangles_of(PLOT_COLOURS)
        self.assertEqual(len(areas), 2 * len(tasks), f"plot areas found: {areas}")
        for number, task in enumerate(tasks):
            throughput, latency = areas[2 * number], areas[2 * number + 1]
            self.assertEqual(throughput[1], latency[1], f"{task}: the two charts side by side")
            self.assertLess(throughput[0], latency[0])
            for name in ("latency", "service time"):
                n, _ = image.count(SERIES[name], latency)
                self.assertGreater(n, 150, f"{task}: {name} bars in the latency chart {latency}")
            for name in ("window", "cumulative"):
                n, _ = image.count(SERIES[name], latency)
                self.assertLess(n, 20, f"{task}: no throughput colour in the latency chart")
            for name in ("latency", "service time"):
                n, _ = image.count(SERIES[name], throughput)
                self.assertLess(n, 20, f"{task}: no latency colour in the throughput chart")
            if task != timed_task:
                continue
            width = throughput[2] - throughput[0]
            n, extent = image.count(WINDOW, throughput)
            self.assertGreater(n, 2000, f"{task}: the per-second area in {throughput}")
            self.assertGreater(extent, 0.4 * width, f"{task}: the per-second area spans the seconds of the task")
            n, extent = image.count(CUMULATIVE, throughput)
            self.assertGreater(n, 150, f"{task}: the cumulative throughput line in {throughput}")
            self.assertGreater(extent, 0.3 * width)

    def test_race_writes_an_html_report_whose_charts_render(self):
        html = self.read(self.race_html)
        self.assertTrue(html.startswith("<!DOCTYPE html>"))
        for text in (self.race_id, "tiny", "append-and-search", "opensearch", "intention=html-&lt;test&gt;",
                     "Mean Throughput", "index-append", "match-all"):
            self.assertIn(text, html)
        for reference in ("http://", "https://", "<script", "<link", "@import", "url("):
            self.assertNotIn(reference, html)
        self.assertNotRegex(html, r"\ssrc\s*=")

        image = self.render(html, "race")
        self.assert_charts_drawn(image, ["index-append", "match-all"], timed_task=None)

        # The same page without its SVG: the check finds nothing, so it cannot pass on text alone.
        bare = self.render(without_charts(html), "bare")
        self.assertEqual(bare.rectangles_of(PLOT_COLOURS), [])
        for name, colour in SERIES.items():
            n, _ = bare.count(colour)
            self.assertLess(n, 20, f"{name} colour on a page without charts")

        # The timed task's seconds, as the race recorded them, drawn as lines.
        with open(self.race_json_path(self.race_id)) as f:
            race = json.load(f)
        timed = next(m for m in race["results"]["op_metrics"] if m["task"] == "match-all")
        self.assertGreaterEqual(len(timed.get("per-second", [])), 4,
                                "race.json has no per-second series for the 6 s task, so the throughput chart "
                                "has no line: the race must record TaskResult::per_second")
        self.assert_charts_drawn(image, ["index-append", "match-all"], timed_task="match-all")

    def test_report_of_a_stored_race_draws_its_series(self):
        # A stored race with a known series as a steady throttled task has it: a partial first
        # second, then 40 ops each second, Rally's cumulative throughput (on the area's edge) from
        # the second one on.
        stored = "stored-" + self.race_id

        def with_series(race):
            race["race-id"] = stored
            for m in race["results"]["op_metrics"]:
                if m["task"] == "match-all":
                    seconds, total = [], 0
                    for s in range(1, 8):
                        weight = 25 if s == 1 else 40
                        total += weight
                        second = {"second": s, "ops": weight, "weight": weight, "bytes": 100 * weight}
                        if s > 1:
                            second["throughput"] = total / (s - 0.4)
                        seconds.append(second)
                    m["per-second"] = seconds

        races = os.path.dirname(os.path.dirname(self.race_json_path(self.race_id)))
        os.makedirs(os.path.join(races, stored), exist_ok=True)
        shutil.copy(self.race_json_path(self.race_id), self.race_json_path(stored))
        edit_json(self.race_json_path(stored), with_series)
        try:
            report_file = os.path.join(self.tmp, "report.html")
            run = self.rally("report", f"--race-id={stored}", "--report-format=html", f"--report-file={report_file}")
            self.assertEqual(run.returncode, 0, run.stderr)
            self.assertEqual(self.read(report_file), run.stdout)
            self.assertIn(stored, run.stdout)
            image = self.render(run.stdout, "stored")
            self.assert_charts_drawn(image, ["index-append", "match-all"], timed_task="match-all")
        finally:
            shutil.rmtree(os.path.join(races, stored), ignore_errors=True)

    def test_report_command_and_race_agree(self):
        run = self.rally("report", f"--race-id={self.race_id}", "--report-format=html")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout, self.read(self.race_html))


if __name__ == "__main__":
    unittest.main()
