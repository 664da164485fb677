// Every message crosses a process boundary intact: serialized as a type-erased
// caf::message through the registered type names, as the network layer does.

#include "rally/actors/messages.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/message.hpp>
#include <gtest/gtest.h>

namespace rally::actors {
namespace {

class MessagesTest : public ::testing::Test {
 protected:
  struct Config : caf::actor_system_config {
    Config() { register_message_types(*this); }
  };

  template <class T>
  T round_trip(T value) {
    auto msg = caf::make_message(std::move(value));
    std::vector<char> buf;
    caf::binary_serializer sink{system_, buf};
    auto err = sink(msg);
    EXPECT_FALSE(err) << system_.render(err);
    caf::message copy;
    caf::binary_deserializer source{system_, buf};
    err = source(copy);
    EXPECT_FALSE(err) << system_.render(err);
    EXPECT_TRUE(copy.match_element<T>(0)) << "arrived as " << to_string(copy);
    return copy.get_as<T>(0);
  }

  Config config_;
  caf::actor_system system_{config_};
};

RaceConfig sample_config() {
  RaceConfig c;
  c.race_id = "race-1";
  c.race_timestamp = "2026-11-28T00:00:00Z";
  c.track_path = "/tracks/tiny";
  c.challenge = "append";
  c.target_hosts = {HostPort{"127.0.0.2", 9201}, HostPort{"node", 9200}};
  c.report_file = "r.md";
  c.report_format = "csv";
  c.races_dir = "/races";
  c.test_mode = true;
  c.offline = true;
  c.track_params = R"({"a":1})";
  c.ignore_unused_track_params = true;
  c.include_tasks = "tag:x";
  c.exclude_tasks = "y";
  c.race_epoch = 1234.5;
  c.on_error = OnError::abort;
  c.worker_count = 3;
  c.request_timeout_ms = 1234;
  c.connect_timeout_ms = 567;
  c.sample_interval_ms = 89;
  c.join_timeout_ms = 10;
  return c;
}

void expect_same(const RaceConfig& a, const RaceConfig& b) {
  EXPECT_EQ(a.race_id, b.race_id);
  EXPECT_EQ(a.race_timestamp, b.race_timestamp);
  EXPECT_EQ(a.track_path, b.track_path);
  EXPECT_EQ(a.challenge, b.challenge);
  EXPECT_EQ(a.target_hosts, b.target_hosts);
  EXPECT_EQ(a.report_file, b.report_file);
  EXPECT_EQ(a.report_format, b.report_format);
  EXPECT_EQ(a.races_dir, b.races_dir);
  EXPECT_EQ(a.test_mode, b.test_mode);
  EXPECT_EQ(a.offline, b.offline);
  EXPECT_EQ(a.track_params, b.track_params);
  EXPECT_EQ(a.ignore_unused_track_params, b.ignore_unused_track_params);
  EXPECT_EQ(a.include_tasks, b.include_tasks);
  EXPECT_EQ(a.exclude_tasks, b.exclude_tasks);
  EXPECT_EQ(a.race_epoch, b.race_epoch);
  EXPECT_EQ(a.on_error, b.on_error);
  EXPECT_EQ(a.worker_count, b.worker_count);
  EXPECT_EQ(a.request_timeout_ms, b.request_timeout_ms);
  EXPECT_EQ(a.connect_timeout_ms, b.connect_timeout_ms);
  EXPECT_EQ(a.sample_interval_ms, b.sample_interval_ms);
  EXPECT_EQ(a.join_timeout_ms, b.join_timeout_ms);
}

TEST_F(MessagesTest, PrepareBenchmarkCarriesTheConfigAndEveryTrackFile) {
  track::TrackFiles files;
  files.track_file = "/t/track.json";
  files.contents = {{"/t/track.json", "{}"}, {"/t/index.json", std::string("\0binary\n", 8)}};
  auto out = round_trip(PrepareBenchmark{sample_config(), files});
  expect_same(out.config, sample_config());
  EXPECT_EQ(out.track.track_file, files.track_file);
  EXPECT_EQ(out.track.contents, files.contents);
}

TEST_F(MessagesTest, StartWorkerCarriesItsClientTasks) {
  StartWorker in{7, sample_config(), {}, {driver::ClientTask{1, 2, 3, 4, 5}, driver::ClientTask{6, 7, 8, 9, 10}}};
  auto out = round_trip(in);
  EXPECT_EQ(out.worker_id, 7u);
  ASSERT_EQ(out.tasks.size(), 2u);
  EXPECT_EQ(out.tasks[1].step, 6u);
  EXPECT_EQ(out.tasks[1].task, 7u);
  EXPECT_EQ(out.tasks[1].client_index, 8u);
  EXPECT_EQ(out.tasks[1].task_clients, 9u);
  EXPECT_EQ(out.tasks[1].global_client, 10u);
}

TEST_F(MessagesTest, TheOtherMessagesRoundTrip) {
  EXPECT_EQ(round_trip(Bootstrap{4, "host-a"}).host, "host-a");
  EXPECT_EQ(round_trip(PrepareTrack{sample_config(), {}}).config.race_id, "race-1");
  EXPECT_EQ(round_trip(StartTaskLoop{"h"}).host, "h");
  track::CorpusFileSpec spec{"/t", "c",  "https://h/x", "docs.json.bz2", "docs.json", 1000, 300, 2000,
                             true, true, true,          "geonames"};
  auto task = round_trip(DoTask{spec}).task;
  EXPECT_EQ(task.track_directory, "/t");
  EXPECT_EQ(task.base_url, "https://h/x");
  EXPECT_EQ(task.source_file, "docs.json.bz2");
  EXPECT_EQ(task.document_file, "docs.json");
  EXPECT_EQ(task.document_count, 1000u);
  EXPECT_EQ(task.compressed_bytes, 300u);
  EXPECT_EQ(task.uncompressed_bytes, 2000u);
  EXPECT_TRUE(task.includes_action_and_meta_data);
  EXPECT_TRUE(task.offline);
  EXPECT_TRUE(task.allow_synthetic);
  EXPECT_EQ(task.synthetic_generator, "geonames");
  EXPECT_EQ(round_trip(ReadyForWork{{"a note"}}).notes, std::vector<std::string>{"a note"});
  EXPECT_EQ(round_trip(TrackPrepared{"h", {}}).host, "h");
  EXPECT_EQ(round_trip(TrackPrepared{"h", {"n"}}).notes, std::vector<std::string>{"n"});
  auto pc = round_trip(PreparationComplete{"opensearch", "2.19.6", {"synthetic"}, "[]"});
  EXPECT_EQ(pc.notes, std::vector<std::string>{"synthetic"});
  EXPECT_EQ(pc.distribution, "opensearch");
  EXPECT_EQ(pc.version, "2.19.6");
  auto drive = round_trip(Drive{3, -42});
  EXPECT_EQ(drive.step, 3u);
  EXPECT_EQ(drive.start_ns, -42);
  std::string blob("\x01\x00\xff", 3);
  auto samples = round_trip(UpdateSamples{2, blob});
  EXPECT_EQ(samples.worker_id, 2u);
  EXPECT_EQ(samples.samples, blob);
  auto jp = round_trip(JoinPointReached{1, 9});
  EXPECT_EQ(jp.join_point, 9u);
  EXPECT_EQ(round_trip(TaskFinished{"[]"}).results, "[]");
  EXPECT_EQ(round_trip(BenchmarkFailure{"lost host"}).reason, "lost host");
  round_trip(WakeupMessage{});
  round_trip(WorkerIdle{});
  round_trip(StartBenchmark{});
  round_trip(BenchmarkComplete{});
}

// Found by fuzz/messages_fuzzer.cpp: an infinite double from another host deserialized, and
// passing the message on then never returned (CAF 0.17's pack754 loops on infinity).
TEST_F(MessagesTest, ANonFiniteTimeoutFromAnotherHostIsRefused) {
  auto config = sample_config();
  config.client.timeout_s = 1.0;
  auto msg = caf::make_message(config);
  std::vector<char> bytes;
  caf::binary_serializer sink{system_, bytes};
  ASSERT_FALSE(sink(msg));
  // 1.0 as IEEE 754 bits in either byte order; overwrite it with +infinity in the same order.
  std::string one_be("\x3f\xf0\0\0\0\0\0\0", 8), inf_be("\x7f\xf0\0\0\0\0\0\0", 8);
  std::string one_le(one_be.rbegin(), one_be.rend()), inf_le(inf_be.rbegin(), inf_be.rend());
  std::string text(bytes.begin(), bytes.end());
  auto at = text.find(one_be);
  const std::string* infinity = &inf_be;
  if (at == std::string::npos) {
    at = text.find(one_le);
    infinity = &inf_le;
  }
  ASSERT_NE(at, std::string::npos) << "the timeout's bytes are in the message";
  std::copy(infinity->begin(), infinity->end(), bytes.begin() + static_cast<std::ptrdiff_t>(at));
  // CAF 0.17 drops an element whose inspect fails: an error, or an empty message that no
  // handler matches. Either way no actor sees the infinite timeout.
  caf::message copy;
  caf::binary_deserializer source{system_, bytes};
  auto error = source(copy);
  EXPECT_TRUE(error || copy.empty()) << "an infinite timeout must not arrive";
  caf::message intact;
  caf::binary_deserializer intact_source{system_, text.data(), text.size()};
  EXPECT_FALSE(intact_source(intact));
  ASSERT_EQ(intact.size(), 1u);
  EXPECT_EQ(intact.get_as<RaceConfig>(0).client.timeout_s, 1.0);
}

}  // namespace
}  // namespace rally::actors
