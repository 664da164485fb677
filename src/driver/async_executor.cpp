#include "rally/driver/async_executor.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "rally/client/runner.hpp"
#include "rally/common/errors.hpp"
#include "rally/driver/client_schedule.hpp"
#include "rally/track/corpus.hpp"
#include "rally/track/synthetic_corpus.hpp"

namespace rally::driver {

namespace asio = boost::asio;

struct AsyncExecutor::Client {
  explicit Client(std::unique_ptr<client::Connection> c) : connection(std::move(c)), context(*connection) {}
  std::unique_ptr<client::Connection> connection;
  client::ClientContext context;
};

struct AsyncExecutor::StepState {
  std::uint32_t step = 0;
  Nanos start = 0;
  std::size_t running = 0;
  std::map<std::uint32_t, std::size_t> running_per_task;
  bool aborted = false;
  bool completed = false;  // completed-by: the step's completing task is done
  std::function<void(std::uint32_t)> task_done;
  std::string failure;
  std::function<void(StepOutcome)> done;

  // Reported at once: clients still in a request, a retry or a throttle wait finish later
  // (they see `aborted`), and the Worker is stopped before then.
  void abort(std::string why) {
    if (aborted) return;
    aborted = true;
    failure = std::move(why);
    if (done) {
      auto callback = std::move(done);
      callback(StepOutcome{step, false, failure});
    }
  }
  void client_of_task_finished(std::uint32_t task) {
    if (--running_per_task[task] == 0 && task_done) task_done(task);
    client_finished();
  }
  void client_finished() {
    if (--running == 0 && done) {
      auto callback = std::move(done);
      callback(StepOutcome{step, !aborted, failure});
    }
  }
};

AsyncExecutor::AsyncExecutor(asio::io_context& io, const track::Track& track, const track::Challenge& challenge,
                             const RaceConfig& config, metrics::SampleCollector& samples)
    : io_(io), track_(track), challenge_(challenge), config_(config), samples_(samples), setup_(config) {}

AsyncExecutor::~AsyncExecutor() = default;

AsyncExecutor::Client& AsyncExecutor::client(std::uint32_t global_id) {
  if (clients_.size() <= global_id) clients_.resize(global_id + 1);
  auto& slot = clients_[global_id];
  if (!slot) {
    slot = std::make_unique<Client>(setup_.connect_client(io_.get_executor(), global_id));
    slot->context.setup = &setup_;
  }
  return *slot;
}

const client::TermsBody* AsyncExecutor::terms_body(const track::Operation& op) {
  if (op.type != track::OperationType::search) return nullptr;
  const auto& params = std::get<track::SearchParams>(op.params);
  if (!params.terms) return nullptr;
  auto it = terms_bodies_.find(&op);
  if (it != terms_bodies_.end()) return &it->second;
  const auto& spec = *params.terms;
  for (const auto& corpus : track_.corpora) {
    if (corpus.name != spec.corpus || corpus.documents.empty()) continue;
    // Sampled once per Worker and operation: the corpus in use (real, -1k or synthetic).
    auto path = track::resolve_document_path(track_, corpus, corpus.documents.front());
    auto terms = track::sample_corpus_terms(path, track::TermsSampling{spec.field, spec.every, spec.first_document});
    auto [inserted, ok] = terms_bodies_.emplace(&op, client::make_terms_body(params.body, spec, terms));
    return &inserted->second;
  }
  throw RallyError("operation '" + op.name + "': corpus '" + spec.corpus + "' has no documents to take terms from");
}

void AsyncExecutor::prepare() {
  for (const auto& step : challenge_.schedule) {
    for (const auto& task : step.tasks) (void)terms_body(task.operation);
  }
}

void AsyncExecutor::run_step(std::uint32_t step, Nanos start, std::vector<ClientTask> tasks,
                             std::function<void(StepOutcome)> done, std::function<void(std::uint32_t)> task_done) {
  samples_.begin_step(step, start);
  auto state = std::make_shared<StepState>();
  state->step = step;
  state->start = start;
  state->done = std::move(done);
  if (!challenge_.schedule.at(step).completed_by.empty()) state->task_done = std::move(task_done);
  for (const auto& task : tasks) ++state->running_per_task[task.task];
  current_step_ = state;
  state->running = tasks.size() + 1;  // +1 holds the step open while clients start
  for (const auto& task : tasks) run_client(state, task);
  watch_event_loop(state);
  state->client_finished();
}

void AsyncExecutor::watch_event_loop(std::shared_ptr<StepState> state) {
  // A timer every 10 ms while the step runs: how late it fires is how long the loop was
  // busy with other work, i.e. how much a request's start or completion may be delayed.
  auto probe = [this, state]() -> asio::awaitable<void> {
    constexpr Nanos period = 10'000'000;
    asio::steady_timer timer(io_);
    Nanos due = monotonic_ns() + period;
    while (state->done) {  // cleared when the step ends or aborts
      timer.expires_after(std::chrono::nanoseconds(std::max<Nanos>(due - monotonic_ns(), 0)));
      co_await timer.async_wait(asio::use_awaitable);
      Nanos now = monotonic_ns();
      samples_.record_loop_lag(std::max<Nanos>(now - due, 0));
      due = std::max(due + period, now + period / 2);
    }
  };
  asio::co_spawn(io_, std::move(probe), asio::detached);
}

void AsyncExecutor::run_client(std::shared_ptr<StepState> state, ClientTask ct) {
  auto body = [this, state, ct]() -> asio::awaitable<void> {
    const track::Task& task = challenge_.schedule.at(ct.step).tasks.at(ct.task);
    const track::Operation& op = task.operation;
    Client& c = client(ct.global_client);
    if (op.type == track::OperationType::bulk) {
      const auto& bulk = std::get<track::BulkParams>(op.params);
      c.context.bulk.emplace(client::partition_corpora(track_, bulk, ct.client_index, ct.task_clients, corpora_), bulk,
                             ct.client_index + 1);
    } else {
      c.context.bulk.reset();
    }
    // Wait for the step's common start time, so that all Workers begin together.
    if (auto wait = state->start - monotonic_ns(); wait > 0) {
      asio::steady_timer timer(io_, std::chrono::nanoseconds(wait));
      co_await timer.async_wait(asio::use_awaitable);
    }
    c.context.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(op.request_timeout_s * 1000));
    c.context.terms = terms_body(op);
    c.context.cancelled = &state->aborted;
    c.context.assertions = config_.enable_assertions;
    c.context.bulk_docs = 0;
    c.context.random = SplitMix64(ct.global_client * 0x2545f4914f6cdd1dull + 1);
    ClientSchedule schedule(task, op.type == track::OperationType::bulk, std::max(state->start, monotonic_ns()),
                            ct.global_client + 1, ct.client_index);
    asio::steady_timer throttle(io_);
    while (!state->aborted && !state->completed) {
      auto request = schedule.next(monotonic_ns());
      if (!request) break;
      Nanos intended = request->due;
      if (auto wait = intended - monotonic_ns(); wait > 0) {
        throttle.expires_after(std::chrono::nanoseconds(wait));
        co_await throttle.async_wait(asio::use_awaitable);
      }
      Nanos begin = monotonic_ns();  // after the throttle wait
      auto result = co_await client::run_with_retries(op, c.context);
      if (result.exhausted) break;
      Nanos end = monotonic_ns();
      metrics::RequestSample sample;
      sample.step = ct.step;
      sample.task = ct.task;
      sample.type = request->type;
      sample.request_start = begin;
      sample.end = end;
      // Rally: latency counts from the intended start when throttled; unthrottled, it is
      // the service time.
      sample.latency = task.target_throughput ? end - intended : result.service_time;
      sample.throttled = task.target_throughput.has_value();
      sample.schedule_lag = std::max<Nanos>(begin - intended, 0);
      sample.bytes = result.bytes;
      sample.service_time = result.service_time;
      sample.processing_time = end - begin;
      sample.weight = result.weight;
      sample.failed_weight = result.failed_weight;
      sample.success = result.success;
      sample.error = result.error;
      sample.error_kind = result.error_kind;
      samples_.record(sample);
      if (!result.success) {
        // Rally: 'continue' records errors and goes on, but a target that refuses
        // connections ends the race; 'abort' ends it at the first error, unless the task
        // ignores non-fatal errors (those the cluster answered with).
        bool non_fatal = result.error == metrics::ErrorClass::http || result.error == metrics::ErrorClass::bulk_items;
        bool ignored = task.ignore_non_fatal_errors && non_fatal;
        bool network_fatal = result.connect_failed && config_.on_error != OnError::continue_on_network;
        if (result.fatal || network_fatal || (config_.on_error == OnError::abort && !ignored)) {
          state->abort("task '" + task.name + "' failed: " + result.error_description);
        }
      }
    }
  };
  asio::co_spawn(io_, std::move(body), [state, ct, this](std::exception_ptr e) {
    if (e) {
      std::string why = "unknown error";
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        why = ex.what();
      }
      state->abort("task '" + challenge_.schedule.at(ct.step).tasks.at(ct.task).name + "' failed: " + why);
    }
    state->client_of_task_finished(ct.task);
  });
}

void AsyncExecutor::complete_step(std::uint32_t step) {
  if (auto state = current_step_.lock(); state && state->step == step) state->completed = true;
}

}  // namespace rally::driver
