"""Rally's operations beyond bulk and search, each raced against the real OpenSearch node: its
effect on the node and its result in race.json. Every test uses its own `ops-*` names."""
import json
import os
import unittest

from support import TempDirTestCase, cluster_address, http, new_race_id


def bulk_lines(index, count):
    lines = []
    for i in range(count):
        lines.append(json.dumps({"index": {"_index": index, "_id": str(i)}}))
        lines.append(json.dumps({"n": i, "group": "even" if i % 2 == 0 else "odd"}))
    return ("\n".join(lines) + "\n").encode()


def numbered(operations):
    """A schedule running the named operations in order, each task with a unique name."""
    return [{"operation": name, "name": f"{i}-{name}"} for i, name in enumerate(operations)]


class OperationsTest(TempDirTestCase, unittest.TestCase):
    def setUp(self):
        super().setUp()
        self.address = cluster_address()

    def write_track(self, operations, schedule, extra=None, files=None):
        """A track in the test's temp dir: `operations` and a schedule of task dicts."""
        track_dir = os.path.join(self.tmp, "track")
        os.makedirs(track_dir, exist_ok=True)
        doc = {"version": 2, "description": "operations test", "operations": operations, "schedule": schedule}
        doc.update(extra or {})
        for name, content in (files or {}).items():
            with open(os.path.join(track_dir, name), "w") as f:
                json.dump(content, f)
        with open(os.path.join(track_dir, "track.json"), "w") as f:
            json.dump(doc, f)
        return track_dir

    def race(self, track, *args, timeout=180):
        race_id = new_race_id()
        run = self.rally("race", f"--track-path={track}", f"--target-hosts={self.address}", "--offline",
                         f"--race-id={race_id}", *args, timeout=timeout)
        run.race_id = race_id
        return run

    def metrics(self, run):
        return {m["task"]: m for m in run.race_json(run.race_id)["results"]["op_metrics"]}

    def index_documents(self, index, count):
        http(self.address, "DELETE", f"/{index}")
        status, _ = http(self.address, "PUT", f"/{index}",
                         {"settings": {"number_of_shards": 1, "number_of_replicas": 0}})
        self.assertEqual(status, 200)
        status, body = http(self.address, "POST", "/_bulk?refresh=true", bulk_lines(index, count))
        self.assertEqual(status, 200)
        self.assertFalse(body["errors"])

    def assert_succeeded(self, run, tasks):
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        metrics = self.metrics(run)
        for task in tasks:
            self.assertIn(task, metrics)
            self.assertEqual(metrics[task]["error_rate"], 0, metrics[task])
        return metrics

    def test_raw_request_and_sleep(self):
        http(self.address, "DELETE", "/ops-raw")
        track = self.write_track(
            [{"name": "create", "operation-type": "raw-request", "method": "PUT", "path": "/ops-raw",
              "body": {"settings": {"number_of_shards": 1, "number_of_replicas": 0}}},
             {"name": "count", "operation-type": "raw-request", "path": "/ops-raw/_count",
              "request-params": {"ignore_unavailable": "true"}, "headers": {"X-Test": "yes"}},
             {"name": "nap", "operation-type": "sleep", "duration": 0.3}],
            [{"operation": "create"}, {"operation": "count", "iterations": 5}, {"operation": "nap", "iterations": 3}])
        run = self.race(track)
        metrics = self.assert_succeeded(run, ["create", "count", "nap"])
        status, settings = http(self.address, "GET", "/ops-raw/_settings")
        self.assertEqual(status, 200)
        self.assertEqual(settings["ops-raw"]["settings"]["index"]["number_of_replicas"], "0")
        self.assertEqual(metrics["count"]["requests"], 5)
        self.assertEqual(metrics["nap"]["requests"], 3)
        self.assertEqual(metrics["nap"]["total-weight"], 3)
        self.assertGreaterEqual(metrics["nap"]["service_time"]["50_0"], 290)
        self.assertGreaterEqual(run.elapsed, 0.9)
        http(self.address, "DELETE", "/ops-raw")

    def test_a_failed_raw_request_is_an_api_error(self):
        track = self.write_track([{"name": "bad", "operation-type": "raw-request", "path": "/ops-no-such-index/_doc/1"}],
                                 [{"operation": "bad", "iterations": 2}])
        run = self.race(track)
        self.assertEqual(run.returncode, 0, run.stderr)
        bad = self.metrics(run)["bad"]
        self.assertEqual(bad["error_rate"], 100)
        self.assertEqual(bad["errors-by-class"], {"http": 2})
        run = self.race(track, "--on-error=abort")
        self.assertEqual(run.returncode, 64)
        self.assertIn("HTTP 404 index_not_found_exception", run.stderr)

    def test_put_pipeline_and_put_settings(self):
        http(self.address, "DELETE", "/_ingest/pipeline/ops-pipeline")
        track = self.write_track(
            [{"name": "pipeline", "operation-type": "put-pipeline", "id": "ops-pipeline",
              "body": {"description": "ops test", "processors": [{"set": {"field": "x", "value": 1}}]}},
             {"name": "settings", "operation-type": "put-settings",
              "body": {"transient": {"search.default_search_timeout": "51s"}}}],
            [{"operation": "pipeline"}, {"operation": "settings"}])
        try:
            run = self.race(track)
            self.assert_succeeded(run, [])
            status, pipeline = http(self.address, "GET", "/_ingest/pipeline/ops-pipeline")
            self.assertEqual(status, 200)
            self.assertEqual(pipeline["ops-pipeline"]["description"], "ops test")
            status, settings = http(self.address, "GET", "/_cluster/settings")
            self.assertEqual(settings["transient"]["search"]["default_search_timeout"], "51s")
        finally:
            http(self.address, "PUT", "/_cluster/settings", {"transient": {"search.default_search_timeout": None}})
            http(self.address, "DELETE", "/_ingest/pipeline/ops-pipeline")

    def template_track(self, schedule):
        return self.write_track(
            [{"name": n, "operation-type": n} for n in (
                "create-index-template", "delete-index-template", "create-composable-template",
                "delete-composable-template", "create-component-template", "delete-component-template")] +
            [{"name": "delete-legacy-keep-indices", "operation-type": "delete-index-template",
              "delete-matching-indices": False},
             {"name": "create-legacy-with-replicas", "operation-type": "create-index-template",
              "template": "ops-legacy", "settings": {"number_of_replicas": 0}}],
            numbered(schedule),
            extra={"templates": [{"name": "ops-legacy", "index-pattern": "ops-legacy-*", "template": "legacy.json"}],
                   "composable-templates": [{"name": "ops-composable", "index-pattern": "ops-composable-*",
                                             "template": "composable.json"}],
                   "component-templates": [{"name": "ops-component", "template": "component.json"}]},
            files={"legacy.json": {"index_patterns": ["ops-legacy-*"], "settings": {"number_of_shards": 1}},
                   "composable.json": {"index_patterns": ["ops-composable-*"], "priority": 500,
                                       "template": {"settings": {"number_of_shards": 1}}},
                   "component.json": {"template": {"mappings": {"properties": {"n": {"type": "long"}}}}}})

    def test_templates_are_created_and_deleted_with_their_indices(self):
        run = self.race(self.template_track(["delete-index-template", "delete-composable-template",
                                             "delete-component-template", "create-component-template",
                                             "create-legacy-with-replicas", "create-composable-template"]))
        self.assert_succeeded(run, [])
        status, legacy = http(self.address, "GET", "/_template/ops-legacy")
        self.assertEqual(status, 200)
        self.assertEqual(legacy["ops-legacy"]["settings"]["index"]["number_of_replicas"], "0")
        self.assertEqual(http(self.address, "GET", "/_index_template/ops-composable")[0], 200)
        status, component = http(self.address, "GET", "/_component_template/ops-component")
        self.assertEqual(status, 200)
        self.assertEqual(component["component_templates"][0]["name"], "ops-component")

        # Deleting: the legacy template takes its matching indices along (the track's default)...
        self.assertEqual(http(self.address, "PUT", "/ops-legacy-1")[0], 200)
        self.assertEqual(http(self.address, "PUT", "/ops-composable-1")[0], 200)
        run = self.race(self.template_track(["delete-index-template", "delete-composable-template",
                                             "delete-component-template"]))
        self.assert_succeeded(run, [])
        self.assertEqual(http(self.address, "GET", "/_template/ops-legacy")[0], 404)
        self.assertEqual(http(self.address, "GET", "/_index_template/ops-composable")[0], 404)
        self.assertEqual(http(self.address, "GET", "/_component_template/ops-component")[0], 404)
        self.assertEqual(http(self.address, "GET", "/ops-legacy-1")[0], 404)
        self.assertEqual(http(self.address, "GET", "/ops-composable-1")[0], 404)

        # ... unless the operation says otherwise; and a missing template is no error.
        run = self.race(self.template_track(["create-index-template"]))
        self.assert_succeeded(run, [])
        self.assertEqual(http(self.address, "PUT", "/ops-legacy-2")[0], 200)
        run = self.race(self.template_track(["delete-legacy-keep-indices", "delete-legacy-keep-indices"]))
        self.assert_succeeded(run, [])
        self.assertEqual(http(self.address, "GET", "/_template/ops-legacy")[0], 404)
        self.assertEqual(http(self.address, "GET", "/ops-legacy-2")[0], 200)
        http(self.address, "DELETE", "/ops-legacy-2")

    def test_data_streams(self):
        def track(schedule):
            return self.write_track(
                [{"name": "template", "operation-type": "create-composable-template"},
                 {"name": "drop-template", "operation-type": "delete-composable-template"},
                 {"name": "create", "operation-type": "create-data-stream"},
                 {"name": "delete", "operation-type": "delete-data-stream"},
                 {"name": "delete-one", "operation-type": "delete-data-stream", "data-stream": "ops-ds-b"}],
                numbered(schedule),
                extra={"composable-templates": [{"name": "ops-ds", "index-pattern": "ops-ds-*",
                                                 "template": "ds.json"}],
                       "data-streams": [{"name": "ops-ds-a"}, {"name": "ops-ds-b"}]},
                files={"ds.json": {"index_patterns": ["ops-ds-*"], "data_stream": {}, "priority": 600,
                                   "template": {"settings": {"number_of_replicas": 0}}}})

        run = self.race(track(["delete", "template", "create"]))
        self.assert_succeeded(run, [])
        status, streams = http(self.address, "GET", "/_data_stream/ops-ds-*")
        self.assertEqual(status, 200)
        self.assertEqual(sorted(s["name"] for s in streams["data_streams"]), ["ops-ds-a", "ops-ds-b"])

        run = self.race(track(["delete-one"]))
        self.assert_succeeded(run, [])
        status, streams = http(self.address, "GET", "/_data_stream/ops-ds-*")
        self.assertEqual([s["name"] for s in streams["data_streams"]], ["ops-ds-a"])

        run = self.race(track(["delete", "delete", "drop-template"]))  # the second finds nothing: no error
        self.assert_succeeded(run, [])
        status, streams = http(self.address, "GET", "/_data_stream/ops-ds-*")
        self.assertEqual(streams["data_streams"], [])

    def test_bulk_into_a_data_stream_sends_create_actions(self):
        docs = [{"@timestamp": f"2026-11-29T00:00:{i:02d}Z", "message": f"event {i}"} for i in range(20)]
        track = self.write_track(
            [{"name": "drop", "operation-type": "delete-data-stream"},
             {"name": "template", "operation-type": "create-composable-template"},
             {"name": "create", "operation-type": "create-data-stream"},
             {"name": "ingest", "operation-type": "bulk", "bulk-size": 7},
             {"name": "refresh", "operation-type": "refresh", "index": "ops-logs"}],
            [{"operation": "drop"}, {"operation": "template"}, {"operation": "create"},
             {"operation": "ingest", "clients": 2}, {"operation": "refresh"}],
            extra={"composable-templates": [{"name": "ops-logs", "index-pattern": "ops-logs*",
                                             "template": "logs-template.json"}],
                   "data-streams": [{"name": "ops-logs"}],
                   "corpora": [{"name": "logs", "documents": [
                       {"source-file": "logs.json", "document-count": 20, "target-data-stream": "ops-logs"}]}]},
            files={"logs-template.json": {"index_patterns": ["ops-logs*"], "data_stream": {}, "priority": 600,
                                 "template": {"settings": {"number_of_replicas": 0}}}})
        with open(os.path.join(track, "logs.json"), "w") as f:
            f.write("".join(json.dumps(d) + "\n" for d in docs))
        run = self.race(track)
        self.assertEqual(run.returncode, 0, run.stderr)
        ingest = self.metrics(run)["ingest"]
        self.assertEqual(ingest["total-weight"], 20)
        self.assertEqual(ingest["failed-weight"], 0)
        status, body = http(self.address, "GET", "/ops-logs/_count")
        self.assertEqual(body["count"], 20)
        http(self.address, "DELETE", "/_data_stream/ops-logs")

    def test_scroll_and_paginated_search_report_pages(self):
        self.index_documents("ops-search", 25)
        track = self.write_track(
            [{"name": "scroll-all", "operation-type": "scroll-search", "index": "ops-search", "pages": "all",
              "results-per-page": 10, "body": {"query": {"match_all": {}}}},
             {"name": "scroll-2", "operation-type": "scroll-search", "index": "ops-search", "pages": 2,
              "results-per-page": 10},
             {"name": "paginate-all", "operation-type": "paginated-search", "index": "ops-search", "pages": "all",
              "results-per-page": 10, "body": {"query": {"match_all": {}}, "sort": [{"n": "asc"}]}},
             {"name": "paginate-1", "operation-type": "paginated-search", "index": "ops-search", "pages": 1,
              "results-per-page": 10, "body": {"sort": [{"n": "asc"}]}},
             {"name": "paginate-unsorted", "operation-type": "paginated-search", "index": "ops-search",
              "pages": 3, "results-per-page": 10}],
            [{"operation": "scroll-all", "iterations": 2}, {"operation": "scroll-2"},
             {"operation": "paginate-all", "iterations": 2}, {"operation": "paginate-1"},
             {"operation": "paginate-unsorted"}])
        run = self.race(track)
        self.assertEqual(run.returncode, 0, run.stderr)
        metrics = self.metrics(run)
        self.assertEqual(metrics["scroll-all"]["total-weight"], 6)  # 25 docs: 3 pages, twice
        self.assertEqual(metrics["scroll-all"]["throughput"]["unit"], "pages/s")
        self.assertEqual(metrics["scroll-2"]["total-weight"], 2)
        self.assertEqual(metrics["paginate-all"]["total-weight"], 6)
        self.assertEqual(metrics["paginate-all"]["throughput"]["unit"], "pages/s")
        self.assertEqual(metrics["paginate-1"]["total-weight"], 1)
        for task in ("scroll-all", "scroll-2", "paginate-all", "paginate-1"):
            self.assertEqual(metrics[task]["error_rate"], 0, task)
        # search_after needs sort values: without a sort in the body it fails, as in Rally.
        self.assertEqual(metrics["paginate-unsorted"]["error_rate"], 100)

    def test_composite_with_point_in_time_streams(self):
        self.index_documents("ops-pit", 30)
        # The assertions (checked with --enable-assertions) show each stream read all 30 hits in 3 pages.
        search = {"operation-type": "paginated-search", "with-point-in-time-from": "pit", "pages": "all",
                  "results-per-page": 10, "body": {"query": {"match_all": {}}, "sort": [{"n": "asc"}]},
                  "assertions": [{"property": "pages", "condition": "==", "value": 3},
                                 {"property": "hits", "condition": "==", "value": 30}]}
        track = self.write_track(
            [{"name": "composite", "operation-type": "composite", "requests": [
                {"name": "pit", "operation-type": "open-point-in-time", "index": "ops-pit", "keep-alive": "2m"},
                {"stream": [dict(search, name="search-a"), {"operation-type": "sleep", "duration": 0.2}]},
                {"stream": [dict(search, name="search-b"),
                            {"operation-type": "raw-request", "path": "/ops-pit/_count"}]},
                {"name": "close", "operation-type": "close-point-in-time", "with-point-in-time-from": "pit"}]}],
            [{"operation": "composite", "iterations": 3}])
        run = self.race(track, "--enable-assertions")
        metrics = self.assert_succeeded(run, ["composite"])
        self.assertEqual(metrics["composite"]["requests"], 3)
        self.assertEqual(metrics["composite"]["total-weight"], 3)
        status, pits = http(self.address, "GET", "/_search/point_in_time/_all")
        self.assertEqual(status, 200)
        self.assertEqual(pits.get("pits", []), [], "every PIT was closed")

    def test_composite_streams_run_concurrently_and_a_failed_request_fails_it(self):
        nap = {"operation-type": "sleep", "duration": 0.6}
        track = self.write_track(
            [{"name": "two-naps", "operation-type": "composite", "requests": [{"stream": [nap]}, {"stream": [nap]}]},
             {"name": "broken", "operation-type": "composite", "requests": [
                 {"stream": [nap]},
                 {"name": "missing", "operation-type": "raw-request", "path": "/ops-no-such-index/_search"}]}],
            [{"operation": "two-naps"}, {"operation": "broken"}])
        run = self.race(track)
        self.assertEqual(run.returncode, 0, run.stderr)
        metrics = self.metrics(run)
        self.assertEqual(metrics["two-naps"]["error_rate"], 0)
        service_time = metrics["two-naps"]["service_time"]["100_0"]
        self.assertGreaterEqual(service_time, 590)
        self.assertLess(service_time, 1100, "the two streams overlap")
        self.assertEqual(metrics["broken"]["error_rate"], 100)
        self.assertEqual(metrics["broken"]["errors-by-class"], {"http": 1})
        run = self.race(track, "--on-error=abort")
        self.assertEqual(run.returncode, 64)
        self.assertIn("task 'broken' failed: composite request 'missing': HTTP 404 index_not_found_exception",
                      run.stderr)

    def test_force_merge_polling(self):
        self.index_documents("ops-merge", 50)
        for batch in range(5):  # several segments, so that merging takes a while
            http(self.address, "POST", "/_bulk?refresh=true", bulk_lines("ops-merge", 200 + batch))
        track = self.write_track(
            [{"name": "merge", "operation-type": "force-merge", "index": "ops-merge", "max-num-segments": 1,
              "mode": "polling", "poll-period": 0.2},
             {"name": "merge-blocking", "operation-type": "force-merge", "index": "ops-merge",
              "include-in-reporting": True},
             # A request timeout too short for the merge: the merge goes on and rally polls the tasks API.
             {"name": "merge-timing-out", "operation-type": "force-merge", "index": "ops-merge", "mode": "polling",
              "poll-period": 0.2, "request-timeout": 0.001, "include-in-reporting": True}],
            [{"operation": "merge-timing-out"}, {"operation": "merge"}, {"operation": "merge-blocking"}])
        run = self.race(track)
        metrics = self.assert_succeeded(run, ["merge-blocking", "merge-timing-out"])
        self.assertGreaterEqual(metrics["merge-timing-out"]["service_time"]["100_0"], 190, "one poll at least")
        http(self.address, "POST", "/ops-merge/_refresh")
        status, segments = http(self.address, "GET", "/ops-merge/_segments")
        shards = segments["indices"]["ops-merge"]["shards"]["0"]
        self.assertEqual(shards[0]["num_search_segments"], 1)

    def test_bulk_with_failing_items_counts_the_documents_as_failed(self):
        # 10 documents, 3 of which do not fit the mapping: the bulk fails, 3 documents failed.
        docs = [{"name": f"place {i}", "population": "many" if i % 3 == 1 else i} for i in range(10)]
        track = self.write_track(
            [{"name": "create", "operation-type": "create-index"},
             {"name": "index", "operation-type": "bulk", "bulk-size": 10},
             {"name": "refresh", "operation-type": "refresh", "index": "ops-bulk-items"}],
            [{"operation": "create"}, {"operation": "index"}, {"operation": "refresh"}],
            extra={"indices": [{"name": "ops-bulk-items", "body": "index.json"}],
                   "corpora": [{"name": "items", "documents": [
                       {"source-file": "docs.json", "document-count": 10, "target-index": "ops-bulk-items"}]}]},
            files={"index.json": {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
                                  "mappings": {"properties": {"population": {"type": "long"}}}}})
        with open(os.path.join(track, "docs.json"), "w") as f:
            f.write("".join(json.dumps(d) + "\n" for d in docs))
        http(self.address, "DELETE", "/ops-bulk-items")
        run = self.race(track)
        self.assertEqual(run.returncode, 0, run.stderr)
        bulk = self.metrics(run)["index"]
        self.assertEqual(bulk["total-weight"], 10)
        self.assertEqual(bulk["failed-weight"], 3)
        self.assertEqual(bulk["errors-by-class"], {"bulk": 1})
        [(kind, count)] = bulk["errors"].items()
        self.assertRegex(kind, r"^bulk items: (mapper_parsing_exception|document_parsing_exception)")
        status, body = http(self.address, "GET", "/ops-bulk-items/_count")
        self.assertEqual(body["count"], 7)

        http(self.address, "DELETE", "/ops-bulk-items")
        run = self.race(track, "--on-error=abort")
        self.assertEqual(run.returncode, 64)
        self.assertIn("3 of 10 documents failed", run.stderr)

    def test_search_errors_are_api_errors_with_status_and_type(self):
        self.index_documents("ops-search-errors", 5)
        http(self.address, "DELETE", "/ops-missing")
        track = self.write_track(
            [{"name": "missing-index", "operation-type": "search", "index": "ops-missing"},
             {"name": "bad-query", "operation-type": "search", "index": "ops-search-errors",
              "body": {"query": {"no_such_query": {}}}}],
            [{"operation": "missing-index", "iterations": 3}, {"operation": "bad-query", "iterations": 2}])
        run = self.race(track)
        self.assertEqual(run.returncode, 0, run.stderr)
        metrics = self.metrics(run)
        self.assertEqual(metrics["missing-index"]["errors-by-class"], {"http": 3})
        self.assertEqual(metrics["missing-index"]["errors"], {"HTTP 404 index_not_found_exception": 3})
        self.assertEqual(metrics["missing-index"]["error_rate"], 100)
        self.assertEqual(metrics["bad-query"]["errors-by-class"], {"http": 2})
        [(kind, count)] = metrics["bad-query"]["errors"].items()
        self.assertRegex(kind, r"^HTTP 400 (parsing_exception|named_object_not_found)")
        self.assertEqual(count, 2)

        run = self.race(track, "--on-error=abort")
        self.assertEqual(run.returncode, 64)
        self.assertIn("task 'missing-index' failed: HTTP 404 index_not_found_exception: no such index [ops-missing]",
                      run.stderr)
        run = self.race(self.write_track(
            [{"name": "bad-query", "operation-type": "search", "index": "ops-search-errors",
              "body": {"query": {"no_such_query": {}}}}], [{"operation": "bad-query"}]), "--on-error=abort")
        self.assertEqual(run.returncode, 64)
        self.assertRegex(run.stderr, r"task 'bad-query' failed: HTTP 400 (parsing_exception|named_object_not_found)")

    def assertion_track(self, expected_hits):
        return self.write_track(
            [{"name": "count-even", "operation-type": "search", "index": "ops-assert", "detailed-results": True,
              "body": {"query": {"term": {"group.keyword": "even"}}},
              "assertions": [{"property": "hits", "condition": "==", "value": expected_hits},
                             {"property": "timed_out", "condition": "==", "value": False},
                             {"property": "took", "condition": ">=", "value": 0}]},
             {"name": "by-path", "operation-type": "search", "index": "ops-assert",
              "assertions": [{"property": "hits.total.value", "condition": ">", "value": 5},
                             {"property": "hits.total.relation", "condition": "==", "value": "eq"}]}],
            [{"operation": "count-even", "iterations": 2}, {"operation": "by-path"}])

    def test_assertions(self):
        self.index_documents("ops-assert", 10)
        run = self.race(self.assertion_track(5), "--enable-assertions")
        self.assert_succeeded(run, ["count-even", "by-path"])

        run = self.race(self.assertion_track(999), "--enable-assertions")
        self.assertEqual(run.returncode, 64, run.stdout + run.stderr)
        self.assertIn("expected [hits] in [count-even] to be == [999] but was [5]", run.stderr)

        run = self.race(self.assertion_track(999))  # not checked without --enable-assertions
        self.assert_succeeded(run, ["count-even", "by-path"])

    def test_cluster_health_retry_until_success_polls(self):
        http(self.address, "DELETE", "/ops-late")
        track = self.write_track(
            [{"name": "health", "operation-type": "cluster-health", "index": "ops-late", "retry-until-success": True,
              "retry-wait-period": 0.2, "include-in-reporting": True,
              "request-params": {"wait_for_status": "green", "timeout": "200ms"}},
             {"name": "late-index", "operation-type": "composite", "requests": [
                 {"operation-type": "sleep", "duration": 1.5},
                 {"operation-type": "raw-request", "method": "PUT", "path": "/ops-late",
                  "body": {"settings": {"number_of_replicas": 0}}}]}],
            [{"parallel": {"tasks": [{"operation": "health"}, {"operation": "late-index"}]}}])
        run = self.race(track)
        metrics = self.assert_succeeded(run, ["health", "late-index"])
        self.assertEqual(metrics["health"]["requests"], 1, "all polls are one sample")
        self.assertGreaterEqual(metrics["health"]["service_time"]["100_0"], 500)
        self.assertGreaterEqual(run.elapsed, 1.5)
        self.assertEqual(http(self.address, "GET", "/_cluster/health/ops-late")[1]["status"], "green")
        http(self.address, "DELETE", "/ops-late")


if __name__ == "__main__":
    unittest.main()
