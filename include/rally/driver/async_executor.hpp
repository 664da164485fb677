#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "rally/client/bulk_reader.hpp"
#include "rally/client/connection.hpp"
#include "rally/client/runner.hpp"
#include "rally/common/race_config.hpp"
#include "rally/driver/allocation.hpp"
#include "rally/metrics/sample_collector.hpp"
#include "rally/track/track.hpp"

namespace rally::driver {

struct StepOutcome {
  std::uint32_t step = 0;
  bool ok = true;
  std::string failure;  // why the race must stop, naming task and host
};

// Runs a Worker's simulated clients on its io_context: one coroutine per client task,
// each with its own keep-alive connection, recording every request into the Worker's
// SampleCollector. Lives on the io thread only.
class AsyncExecutor {
 public:
  AsyncExecutor(boost::asio::io_context& io, const track::Track& track, const track::Challenge& challenge,
                const RaceConfig& config, metrics::SampleCollector& samples);
  ~AsyncExecutor();

  // Work done before the first join point, off the measured path: sampling corpus terms
  // for searches that use them. Throws RallyError.
  void prepare();

  // Starts the given client tasks of `step` at `start` (monotonic ns); `done` is called
  // on the io thread once every client has finished or the step was aborted.
  // `task_done` is called (on the io thread) when this Worker's clients of a task are all
  // done, for steps with completed-by.
  void run_step(std::uint32_t step, Nanos start, std::vector<ClientTask> tasks, std::function<void(StepOutcome)> done,
                std::function<void(std::uint32_t task)> task_done = {});
  // completed-by: every client of `step` stops after its current request.
  void complete_step(std::uint32_t step);

 private:
  struct Client;
  struct StepState;

  Client& client(std::uint32_t global_id);
  const client::TermsBody* terms_body(const track::Operation& op);
  void run_client(std::shared_ptr<StepState> state, ClientTask task);
  void watch_event_loop(std::shared_ptr<StepState> state);

  boost::asio::io_context& io_;
  const track::Track& track_;
  const track::Challenge& challenge_;
  const RaceConfig& config_;
  metrics::SampleCollector& samples_;
  client::ClientSetup setup_;
  client::CorpusCache corpora_;
  std::vector<std::unique_ptr<Client>> clients_;
  std::map<const track::Operation*, client::TermsBody> terms_bodies_;
  std::weak_ptr<StepState> current_step_;
};

}  // namespace rally::driver
