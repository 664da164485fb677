// Writes the seeds of the binary fuzz targets into CORPUS_DIR/<target>/: serialized
// caf::messages of rally's types (messages), UpdateSamples blobs (samples) and HdrHistogram
// blobs (histogram), with typical contents. make_seeds.py writes the text targets' seeds;
// scripts/fuzz.sh --make-seeds runs both. The output is committed.
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "rally/actors/messages.hpp"
#include "rally/metrics/hdr_histogram.hpp"
#include "rally/metrics/sample_collector.hpp"

using namespace rally::actors;

namespace {

void write_file(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::cerr << "cannot write " << path << "\n";
    std::exit(1);
  }
}

template <class T>
void write(caf::actor_system& system, const std::string& dir, const std::string& name, T value) {
  auto message = caf::make_message(std::move(value));
  std::vector<char> bytes;
  caf::binary_serializer sink{system, bytes};
  if (auto error = sink(message)) {
    std::cerr << name << ": " << system.render(error) << "\n";
    std::exit(1);
  }
  write_file(dir + "/" + name, {bytes.data(), bytes.size()});
}

rally::metrics::TaskInterval sample_interval(std::uint32_t step, int requests) {
  rally::metrics::TaskInterval interval;
  interval.step = step;
  interval.task = 1;
  for (int i = 0; i < requests; ++i) {
    interval.normal_requests += 1;
    interval.normal_weight += 100;
    interval.latency.record(900'000 + i * 37'000);
    interval.service_time.record(800'000 + i * 31'000);
    interval.processing_time.record(20'000 + i);
  }
  interval.failed_requests = 1;
  interval.count_error_kind("HTTP 429 es_rejected_execution_exception", 1);
  interval.first_normal_start = 1'000'000'000;
  interval.last_normal_end = 2'500'000'000;
  return interval;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_seeds CORPUS_DIR\n";
    return 2;
  }
  std::string corpus = argv[1];
  std::string dir = corpus + "/messages";
  caf::actor_system_config cfg;
  register_message_types(cfg);
  caf::actor_system system{cfg};

  rally::RaceConfig race;
  race.race_id = "7f3c";
  race.track_path = "/tracks/tiny";
  race.challenge = "append-no-conflicts";
  race.track_params = R"({"bulk_size": 100})";
  race.target_hosts = {{"127.0.0.1", 9200}};
  race.user_tags = {{"env", "ci"}};
  rally::track::TrackFiles files;
  files.track_file = "/tracks/tiny/track.json";
  files.contents[files.track_file] = R"({"indices": [{"name": "x"}], "schedule": []})";
  files.globs["operations/*.json"] = {"/tracks/tiny/operations/a.json"};

  write(system, dir, "prepare-benchmark", PrepareBenchmark{race, files});
  write(system, dir, "daemon-hello", DaemonHello{"0.1.0", 1, "nonce-1"});
  write(system, dir, "daemon-login", DaemonLogin{"proof"});
  write(system, dir, "spawn-actor", SpawnActor{"Worker"});
  write(system, dir, "benchmark-failure", BenchmarkFailure{"the target 127.0.0.1:9200 refused the connection"});
  write(system, dir, "join-point", JoinPointReached{3, 2});
  write(system, dir, "clock-reading", ClockReading{1'700'000'000'000'000'000});
  write(system, dir, "ready-for-work", ReadyForWork{{"note"}});
  write(system, dir, "task-finished", TaskFinished{R"([{"task": "index-append", "throughput": {"mean": 1.5}}])"});
  write(system, dir, "update-samples", UpdateSamples{4, rally::metrics::encode_intervals({sample_interval(1, 3)})});
  write(system, dir, "empty", caf::message{});

  write_file(corpus + "/samples/one-interval", rally::metrics::encode_intervals({sample_interval(1, 5)}));
  write_file(corpus + "/samples/two-intervals",
             rally::metrics::encode_intervals({sample_interval(0, 1), sample_interval(2, 40)}));
  write_file(corpus + "/samples/none", rally::metrics::encode_intervals({}));

  auto latency = rally::metrics::HdrHistogram::for_latency();
  write_file(corpus + "/histogram/empty-latency", latency.serialize());
  for (int i = 0; i < 1000; ++i) latency.record(100'000 + i * i * 97);
  write_file(corpus + "/histogram/latency", latency.serialize());
  auto small = rally::metrics::HdrHistogram::create(1, 1000, 2);
  small->record(1);
  small->record(999);
  small->record(5000);  // clamped
  write_file(corpus + "/histogram/small-clamped", small->serialize());
  return 0;
}
