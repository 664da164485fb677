#include "benchmark_actor.hpp"

#include <csignal>
#include <iostream>

#include <nlohmann/json.hpp>

#include "rally/actors/messages.hpp"
#include "rally/actors/trace.hpp"
#include "rally/common/errors.hpp"

#include "atoms.hpp"
#include "driver_actor.hpp"

namespace rally::actors {

BenchmarkActor::BenchmarkActor(caf::actor_config& cfg, RaceConfig config, std::ostream* out, std::ostream* err)
    : ActorBase(cfg), config_(std::move(config)), coordinator_(config_, *out, *err) {}

void BenchmarkActor::finish(int exit_code) {
  if (finished_) return;
  finished_ = true;
  promise_.deliver(exit_code);
  if (driver_) {
    trace("BenchmarkActor", "DriverActor", "ActorExitRequest");
    send_exit(driver_, caf::exit_reason::user_shutdown);
  }
  quit();
}

void BenchmarkActor::on_exit() { driver_ = caf::actor{}; }

caf::behavior BenchmarkActor::make_behavior() {
  // Whatever goes wrong, `run` gets its answer: an unanswered promise would leave the
  // process waiting forever.
  set_exception_handler([this](std::exception_ptr& eptr) -> caf::error {
    std::string what = "unknown error";
    try {
      std::rethrow_exception(eptr);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    finish(exit_error);  // answers `run` unless it was answered already
    std::cerr << "[ERROR] the race ended abnormally: " << what << "\n";
    return caf::exit_reason::unhandled_exception;
  });
  set_down_handler([this](caf::down_msg& msg) {
    if (!finished_ && msg.source == driver_)
      finish(coordinator_.on_benchmark_failure("the DriverActor stopped unexpectedly: " + to_string(msg.reason)));
  });
  return {
      [this](run_atom) -> caf::result<int> {
        promise_ = make_response_promise();
        try {
          const auto& track = coordinator_.setup();
          // Its blocking calls (the cluster probe and stats) get a thread of their own. Not with
          // daemons: CAF 0.17 can keep a detached actor that talked to other nodes referenced
          // past shutdown, and the actor system would wait for its thread forever; there the
          // DriverActor is the only busy actor of this process, so a scheduler thread does.
          if (config_.load_drivers.hosts.empty())
            driver_ = spawn<DriverActor, caf::detached + caf::monitored>();
          else
            driver_ = spawn<DriverActor, caf::monitored>();
          trace("BenchmarkActor", "DriverActor", "PrepareBenchmark");
          send(driver_, PrepareBenchmark{config_, track.files});
        } catch (const std::exception& e) {
          finish(coordinator_.on_benchmark_failure(e.what()));
        }
        return promise_;
      },
      [this](const PreparationComplete& msg) {
        coordinator_.on_preparation_complete({{msg.distribution, msg.version}, msg.notes, msg.load_drivers});
        coordinator_.on_benchmark_started();
        trace("BenchmarkActor", "DriverActor", "StartBenchmark");
        send(driver_, StartBenchmark{});
      },
      [this](const TaskFinished& msg) {
        auto json = nlohmann::json::parse(msg.results, nullptr, false);
        if (!json.is_array()) {
          finish(coordinator_.on_benchmark_failure("the DriverActor sent unreadable task results"));
          return;
        }
        coordinator_.on_task_finished(json.get<std::vector<metrics::TaskResult>>());
      },
      [this](const BenchmarkComplete& msg) {
        int code = exit_error;
        try {
          auto cluster = nlohmann::json::parse(msg.cluster_metrics, nullptr, false);
          if (cluster.is_array()) coordinator_.on_cluster_metrics(cluster.get<std::vector<metrics::ClusterMetric>>());
          code = coordinator_.on_benchmark_complete();
        } catch (const std::exception& e) {
          code = coordinator_.on_benchmark_failure(e.what());
        }
        finish(code);
      },
      [this](const BenchmarkFailure& msg) { finish(coordinator_.on_benchmark_failure(msg.reason)); },
      [this](const BenchmarkDegraded& msg) { coordinator_.on_degraded(msg.note); },
      [this](interrupt_atom, int signal) {
        if (!finished_) finish(coordinator_.on_interrupted(signal == SIGTERM ? "SIGTERM" : "SIGINT"));
      },
  };
}

}  // namespace rally::actors
