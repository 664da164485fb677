// Rally's composite operation: its requests run in order on the client's connection; each
// `stream` element runs concurrently with the streams beside it, on a connection of its own,
// and the next plain request waits for them. Points in time are shared by name.

#include <exception>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "rally/common/clock.hpp"

#include "runner_support.hpp"
#include "runners.hpp"

namespace rally::client::detail {

namespace {

// The first failure decides the composite's result.
void take_failure(OperationResult& into, const OperationResult& from, const std::string& name) {
  if (!into.success || from.success) return;
  into.success = false;
  into.fatal = from.fatal;
  into.connect_failed = from.connect_failed;
  into.error = from.error;
  into.error_kind = from.error_kind;
  into.http_status = from.http_status;
  // A stream's failure already names the request that failed in it.
  into.error_description =
      name.empty() ? from.error_description : "composite request '" + name + "': " + from.error_description;
}

boost::asio::awaitable<void> run_elements(const std::vector<track::CompositeElement>& elements, ClientContext& client,
                                          OperationResult& result);

// The streams started since the last plain request; all are awaited before it.
class Streams {
 public:
  explicit Streams(const boost::asio::any_io_executor& executor)
      : executor_(executor), done_(executor, boost::asio::steady_timer::time_point::max()) {}

  void start(const std::vector<track::CompositeElement>& stream, ClientContext& parent) {
    auto run = std::make_unique<Run>();
    run->sibling = open_sibling(parent);
    run->sibling->context.points_in_time = parent.points_in_time;
    run->sibling->context.pit_api = parent.pit_api;
    Run& r = *run;
    runs_.push_back(std::move(run));
    ++running_;
    boost::asio::co_spawn(executor_, run_elements(stream, r.sibling->context, r.result),
                          [this, &r](std::exception_ptr e) {
                            r.error = e;
                            --running_;
                            done_.cancel();
                          });
  }

  // Waits for every stream; their failures go into `result`. Rethrows a stream's exception.
  boost::asio::awaitable<void> wait(ClientContext& parent, OperationResult& result) {
    while (running_ > 0) {
      boost::system::error_code ignored;
      co_await done_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
    }
    std::exception_ptr error;
    for (auto& run : runs_) {
      if (run->error && !error) error = run->error;
      take_failure(result, run->result, "");
      if (parent.pit_api == ClientContext::PitApi::unknown) parent.pit_api = run->sibling->context.pit_api;
    }
    runs_.clear();
    if (error) std::rethrow_exception(error);
  }

 private:
  struct Run {
    std::unique_ptr<SiblingClient> sibling;
    OperationResult result;
    std::exception_ptr error;
  };
  boost::asio::any_io_executor executor_;
  boost::asio::steady_timer done_;
  std::size_t running_ = 0;
  std::vector<std::unique_ptr<Run>> runs_;
};

boost::asio::awaitable<void> run_elements(const std::vector<track::CompositeElement>& elements, ClientContext& client,
                                          OperationResult& result) {
  Streams streams(co_await boost::asio::this_coro::executor);
  std::exception_ptr error;
  try {
    for (const auto& element : elements) {
      if (!element.operation) {
        if (result.success) streams.start(element.stream, client);
        continue;
      }
      co_await streams.wait(client, result);
      if (!result.success) break;
      auto inner = co_await run_operation(*element.operation, client);
      take_failure(result, inner, element.operation->name);
      if (!result.success) break;
    }
  } catch (...) {
    error = std::current_exception();
  }
  // The streams refer to this frame: they end before it does, whatever happened.
  co_await streams.wait(client, result);
  if (error) std::rethrow_exception(error);
}

}  // namespace

boost::asio::awaitable<OperationResult> run_composite(const track::CompositeParams& p, ClientContext& client) {
  OperationResult result;
  PointsInTime pits;
  auto* outer = client.points_in_time;
  client.points_in_time = &pits;
  auto start = monotonic_ns();
  try {
    co_await run_elements(p.requests, client, result);
  } catch (...) {
    client.points_in_time = outer;
    throw;
  }
  client.points_in_time = outer;
  // The composite's time is its wall-clock time, streams overlapping.
  result.service_time = monotonic_ns() - start;
  co_return result;
}

}  // namespace rally::client::detail
