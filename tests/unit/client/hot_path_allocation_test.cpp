// DESIGN.md's hot path: once a client is warm, a search request (runner, connection,
// request head, response parsing) allocates nothing. Counted by replacing the global
// operator new for this test binary; only the thread that runs the client counts.

#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "rally/client/runner.hpp"

#include <execinfo.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {
thread_local bool counting = false;
thread_local std::size_t allocations = 0;
thread_local bool tracing = false;

void note_allocation() {
  if (!counting) return;
  ++allocations;
  if (tracing) {  // RALLY_ALLOC_TRACE=1: print where each allocation comes from
    counting = false;
    void* frames[32];
    int n = ::backtrace(frames, 32);
    ::backtrace_symbols_fd(frames, n, STDERR_FILENO);
    ::write(STDERR_FILENO, "----\n", 5);
    counting = true;
  }
}

void* counted_allocation(std::size_t size) {
  note_allocation();
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
}  // namespace

// Asio allocates its recycled blocks (coroutine frames, handlers) with aligned_alloc, not
// operator new: count those too.
extern "C" void* aligned_alloc(std::size_t alignment, std::size_t size) noexcept {
  note_allocation();
  void* p = nullptr;
  if (::posix_memalign(&p, alignment < sizeof(void*) ? sizeof(void*) : alignment, size == 0 ? 1 : size) != 0)
    return nullptr;
  return p;
}

void* operator new(std::size_t size) { return counted_allocation(size); }
void* operator new[](std::size_t size) { return counted_allocation(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace rally::client {
namespace {

// Answers every request on a keep-alive connection with the same small search response.
class KeepAliveServer {
 public:
  KeepAliveServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd_, 4), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~KeepAliveServer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  [[nodiscard]] std::uint16_t port() const { return port_; }

 private:
  void serve() {
    int c = ::accept(fd_, nullptr, nullptr);
    if (c < 0) return;
    static const std::string body =
        R"({"took":1,"timed_out":false,"hits":{"total":{"value":3,"relation":"eq"},"hits":[]}})";
    const std::string response =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n\r\n" + body;
    std::string pending;
    char buf[8192];
    for (;;) {
      auto n = ::read(c, buf, sizeof buf);
      if (n <= 0) break;
      pending.append(buf, static_cast<std::size_t>(n));
      // Requests carry a Content-Length body; answer each complete one.
      for (;;) {
        auto head_end = pending.find("\r\n\r\n");
        if (head_end == std::string::npos) break;
        auto cl = pending.find("Content-Length: ");
        std::size_t length = cl < head_end ? std::stoul(pending.substr(cl + 16)) : 0;
        if (pending.size() < head_end + 4 + length) break;
        pending.erase(0, head_end + 4 + length);
        if (::write(c, response.data(), response.size()) < 0) break;
      }
    }
    ::close(c);
  }

  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

track::Operation search_operation() {
  track::Operation op;
  op.name = "search";
  op.type = track::OperationType::search;
  track::SearchParams params;
  params.index = "geonames";
  params.body = R"({"query":{"match":{"name":"Vienna"}}})";
  params.request_params = {{"request_cache", "false"}};
  op.params = params;
  return op;
}

TEST(HotPath, SteadyStateSearchRequestsAllocateAtMostThreeBlocks) {
  KeepAliveServer server;
  asio::io_context io;
  RaceConfig config;
  config.target_hosts = {HostPort{"127.0.0.1", server.port()}};
  config.request_timeout_ms = 5000;
  ClientSetup setup(config);
  auto connection = setup.connect_client(io.get_executor(), 0);
  ClientContext context(*connection);
  auto op = search_operation();

  constexpr int warmup = 200, measured = 2000;
  int failures = 0;
  std::size_t counted = 0;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (int i = 0; i < warmup + measured; ++i) {
          if (i == warmup) {
            tracing = std::getenv("RALLY_ALLOC_TRACE") != nullptr;
            allocations = 0;
            counting = true;
          }
          auto result = co_await run_with_retries(op, context);
          if (!result.success) ++failures;
        }
        counting = false;
        counted = allocations;
      },
      [](std::exception_ptr e) {
        counting = false;
        if (e) std::rethrow_exception(e);
      });
  io.run_for(std::chrono::seconds(30));
  EXPECT_EQ(failures, 0);
  // Over a real socket three blocks per request are still allocated (and freed): the frames of
  // StreamConnection::attempt and of the socket reads and writes it awaits, which Asio's frame
  // cache does not recycle (RALLY_ALLOC_TRACE=1 shows them). This bounds them until they go.
  EXPECT_LE(counted, 3u * measured) << counted << " allocations in " << measured
                                    << " requests (run with RALLY_ALLOC_TRACE=1 to see where)";
}

// Many clients on one io thread: while a client waits, its chain of coroutine frames (client
// loop, retries, runner, send, connection) stays alive, and the frames of all clients are
// freed and allocated interleaved. Asio's per-thread frame cache must hold enough of them
// (BOOST_ASIO_RECYCLING_ALLOCATOR_CACHE_SIZE in cmake/RallyOptions.cmake); with its default
// of two, every request allocated about six frames.
TEST(HotPath, ConcurrentClientsOnOneThreadAllocateNothing) {
  asio::io_context io;
  RaceConfig config;
  config.client.static_responses =
      R"([{"path": "*", "body": {"took": 1, "timed_out": false, "hits": {"total": {"value": 3, "relation": "eq"}, "hits": []}}}])";
  ClientSetup setup(config);
  auto op = search_operation();

  constexpr int clients = 16, warmup = 200, measured = 2000;
  std::vector<std::unique_ptr<Connection>> connections;
  std::vector<std::unique_ptr<ClientContext>> contexts;
  for (int c = 0; c < clients; ++c) {
    connections.push_back(setup.connect_client(io.get_executor(), static_cast<std::size_t>(c)));
    contexts.push_back(std::make_unique<ClientContext>(*connections.back()));
  }
  int failures = 0, warm = 0, finished = 0;
  std::size_t counted = 0;
  for (int c = 0; c < clients; ++c) {
    asio::co_spawn(
        io,
        [&, c]() -> asio::awaitable<void> {
          for (int i = 0; i < warmup + measured; ++i) {
            if (i == warmup && ++warm == clients) {  // the last client to warm up starts the count
              allocations = 0;
              counting = true;
            }
            auto result = co_await run_with_retries(op, *contexts[static_cast<std::size_t>(c)]);
            if (!result.success) ++failures;
          }
          if (++finished == clients) {
            counting = false;
            counted = allocations;
          }
        },
        [](std::exception_ptr e) {
          counting = false;
          if (e) std::rethrow_exception(e);
        });
  }
  io.run_for(std::chrono::seconds(30));
  EXPECT_EQ(finished, clients);
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(counted, 0u) << counted << " allocations in about " << clients * measured << " requests of " << clients
                         << " clients (RALLY_ALLOC_TRACE=1 shows where)";
}

}  // namespace
}  // namespace rally::client
