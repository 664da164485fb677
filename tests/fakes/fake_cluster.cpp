#include "fakes/fake_cluster.hpp"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace rally::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string answer(const http::request<http::string_body>& req) {
  std::string target(req.target());
  auto path = target.substr(0, target.find('?'));
  if (path == "/") {
    return R"({"name":"fake","cluster_name":"fake","version":{"distribution":"opensearch","number":"2.19.6"}})";
  }
  if (path.find("/_cluster/health") == 0) return R"({"cluster_name":"fake","status":"green"})";
  if (path == "/_bulk") return R"({"took":1,"errors":false,"items":[]})";
  if (path.find("/_search") != std::string::npos)
    return R"({"took":1,"timed_out":false,"hits":{"total":{"value":0,"relation":"eq"},"hits":[]}})";
  return R"({"acknowledged":true})";
}

}  // namespace

FakeCluster::FakeCluster() : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  port_ = acceptor_.local_endpoint().port();
  asio::co_spawn(io_, accept(), asio::detached);
  thread_ = std::thread([this] { io_.run(); });
}

asio::awaitable<void> FakeCluster::accept() {
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> FakeCluster::serve(tcp::socket socket) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> req;
    auto [rec, n] = co_await http::async_read(socket, buffer, req, asio::as_tuple(asio::use_awaitable));
    if (rec) co_return;
    std::string target(req.target());
    auto key = std::string(req.method_string()) + " " + target.substr(0, target.find('?'));
    auto docs = target.rfind("/_bulk", 0) == 0
                    ? static_cast<std::uint64_t>(std::count(req.body().begin(), req.body().end(), '\n') / 2)
                    : 0;
    record(key, docs);
    http::response<http::string_body> res{http::status::ok, req.version()};
    res.set(http::field::content_type, "application/json");
    res.keep_alive(req.keep_alive());
    res.body() = answer(req);
    res.prepare_payload();
    auto [wec, m] = co_await http::async_write(socket, res, asio::as_tuple(asio::use_awaitable));
    if (wec || !req.keep_alive()) co_return;
  }
}

FakeCluster::~FakeCluster() {
  io_.stop();
  thread_.join();
}

void FakeCluster::record(const std::string& key, std::uint64_t docs) {
  std::lock_guard lock(mutex_);
  ++requests_[key];
  bulk_documents_ += docs;
}

std::map<std::string, std::uint64_t> FakeCluster::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::uint64_t FakeCluster::bulk_documents() const {
  std::lock_guard lock(mutex_);
  return bulk_documents_;
}

}  // namespace rally::testing
