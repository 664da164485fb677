// static_responses: a Connection that answers from canned responses without any network,
// so that a benchmark measures the driver alone (Rally's static client).

#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "client_shared.hpp"

namespace rally::client {

namespace {

class StaticConnection final : public Connection {
 public:
  StaticConnection(asio::any_io_executor executor, HostPort target, std::shared_ptr<const ClientSetup::Shared> shared)
      : Connection(std::move(executor), std::move(target), shared->timeouts), shared_(std::move(shared)) {}

  asio::awaitable<Exchange> exchange(HttpRequest& request, std::chrono::milliseconds) override {
    // Every answer passes through the io_context once, as a network completion would: the
    // other clients of the Worker get their turn, and so do its timers and sample flushes.
    co_await asio::post(executor_, asio::use_awaitable);
    Exchange result;
    Nanos start = monotonic_ns();
    result.bytes_sent = request.body_size();
    auto path = request.path();
    if (const auto* body = shared_->statics->find(path)) {
      body_.assign(*body);
      result.status = 200;
    } else {
      auto reason = "no static response for " + std::string(path) + " in " + shared_->statics->source();
      body_ =
          nlohmann::json{{"error", {{"type", "static_response_missing"}, {"reason", reason}}}, {"status", 404}}.dump();
      result.status = 404;
    }
    result.service_time = monotonic_ns() - start;
    co_return result;
  }

 private:
  std::shared_ptr<const ClientSetup::Shared> shared_;
};

}  // namespace

std::unique_ptr<Connection> make_static_connection(asio::any_io_executor executor, HostPort target,
                                                   std::shared_ptr<const ClientSetup::Shared> shared) {
  return std::make_unique<StaticConnection>(std::move(executor), std::move(target), std::move(shared));
}

}  // namespace rally::client
