#include "store_upload.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <memory>
#include <optional>
#include <sstream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/error.hpp>
#include <nlohmann/json.hpp>

#include "rally/client/connection.hpp"
#include "rally/common/redaction.hpp"
#include "rally/metrics/store_templates.hpp"

namespace rally::race {

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using client::ContentType;
using client::Exchange;
using SteadyClock = std::chrono::steady_clock;

// A bulk request carries at most this many documents or bytes.
constexpr std::size_t bulk_documents = 5000;
constexpr std::size_t bulk_bytes = 8 * 1024 * 1024;

std::string seconds_text(double s) {
  std::ostringstream out;
  out << s << " s";
  return out.str();
}

// "HTTP 400 mapper_parsing_exception: failed to parse" from an Elasticsearch error body, the
// title of an HTML page, or the start of any other body.
std::string describe_http(unsigned status, const std::string& answer) {
  const auto body = redact(answer);  // before any excerpt is cut from it: an answer may echo a request
  std::string text = "HTTP " + std::to_string(status);
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_object() && json.contains("error")) {
    const auto& error = json["error"];
    if (error.is_object()) {
      text += " " + error.value("type", std::string());
      if (auto reason = error.value("reason", std::string()); !reason.empty()) text += ": " + reason;
    } else if (error.is_string()) {
      text += ": " + error.get<std::string>();
    }
    return text;
  }
  // An HTML error page (a proxy's) says it in its title.
  auto title = body.find("<title>");
  auto title_end = body.find("</title>");
  if (title != std::string::npos && title_end != std::string::npos && title_end > title) {
    return text + ": " + body.substr(title + 7, std::min<std::size_t>(title_end - title - 7, 160));
  }
  if (!body.empty()) {
    auto start = body.substr(0, 160);
    std::replace_if(
        start.begin(), start.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    text += ": " + start + (body.size() > start.size() ? "..." : "");
  }
  return text;
}

// The store's connection settings as a race's client options.
RaceConfig connection_config(const metrics::StoreConfig& config) {
  RaceConfig race;
  race.target_hosts = {config.host};
  race.client.use_ssl = config.secure;
  race.client.verify_certs = config.verify_certs;
  race.client.ca_certs = config.certificate_authorities;
  if (!config.user.empty() && !config.password.empty()) {
    race.client.basic_auth_user = config.user;
    race.client.basic_auth_password = config.password;
  }
  auto budget_ms = static_cast<std::uint32_t>(std::ceil(config.timeout_s * 1000.0));
  race.connect_timeout_ms = std::min<std::uint32_t>(budget_ms, 10'000);
  race.request_timeout_ms = budget_ms;
  return race;
}

std::vector<std::string> bulk_bodies(const metrics::StoreDocuments& docs, std::vector<std::size_t>& counts) {
  std::vector<std::string> bodies;
  std::string body;
  std::size_t in_body = 0;
  auto flush = [&] {
    if (in_body == 0) return;
    bodies.push_back(std::move(body));
    counts.push_back(in_body);
    body.clear();
    in_body = 0;
  };
  for (const auto* group : {&docs.races, &docs.results, &docs.metrics}) {
    for (const auto& doc : *group) {
      nlohmann::json action = {{"_index", doc.index}};
      if (!doc.id.empty()) action["_id"] = doc.id;
      body += nlohmann::json{{"index", action}}.dump() + "\n" + redact_json(doc.source).dump() + "\n";
      if (++in_body >= bulk_documents || body.size() >= bulk_bytes) flush();
    }
  }
  flush();
  return bodies;
}

class Upload {
 public:
  Upload(const metrics::StoreConfig& config, const metrics::StoreDocuments& docs)
      : config_(config),
        docs_(docs),
        deadline_(SteadyClock::now() + std::chrono::milliseconds(static_cast<long>(config.timeout_s * 1000.0))) {}

  UploadResult run() {
    std::unique_ptr<client::ClientSetup> setup;
    try {
      setup = std::make_unique<client::ClientSetup>(connection_config(config_));
    } catch (const std::exception& e) {
      std::string what = e.what();
      if (auto colon = what.find(": "); what.rfind("--client-options", 0) == 0 && colon != std::string::npos) {
        what = what.substr(colon + 2);
      }
      return {0, "TLS setup failed (datastore.ssl.certificate_authorities): " + what};
    }
    asio::io_context io;
    connection_ = setup->connect(io.get_executor(), config_.host);
    bool done = false;
    asio::co_spawn(io, steps(), [&](std::exception_ptr error) {
      done = true;
      if (error && result_.failure.empty()) result_.failure = "the upload stopped unexpectedly";
    });
    io.run_until(deadline_ + std::chrono::seconds(1));
    if (!done && result_.failure.empty()) result_.failure = "no answer within " + seconds_text(config_.timeout_s);
    // The connection goes before the io_context, whose pending handlers are then destroyed
    // without running.
    connection_.reset();
    return result_;
  }

 private:
  // Sends one request within what is left of the deadline. False (and the failure set) when
  // there was no HTTP answer.
  asio::awaitable<bool> send(http::verb verb, std::string target, std::string body, ContentType type,
                             Exchange& exchange) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - SteadyClock::now());
    std::string what = std::string(http::to_string(verb)) + " " + target;
    if (left.count() <= 0) {
      result_.failure = "no time left for " + what + " (datastore.timeout is " + seconds_text(config_.timeout_s) + ")";
      co_return false;
    }
    request_.method = verb;
    request_.target = std::move(target);
    request_.body = std::move(body);
    request_.content_type = type;
    exchange = co_await connection_->exchange(request_, left);
    if (!exchange.ec) co_return true;
    if (exchange.connect_failed) {
      result_.failure = "cannot connect: " + connection_->describe(exchange.ec);
    } else if (exchange.ec == boost::beast::error::timeout) {
      result_.failure = "no answer to " + what + " within " + seconds_text(config_.timeout_s);
    } else {
      result_.failure = "no valid answer to " + what + ": " + connection_->describe(exchange.ec);
    }
    co_return false;
  }

  // False (and the failure set) when the store refused the credentials.
  bool authorized(const Exchange& exchange, const std::string& what) {
    if (exchange.status != 401 && exchange.status != 403) return true;
    if (config_.user.empty() || config_.password.empty()) {
      result_.failure = what + " needs credentials (" + describe_http(exchange.status, connection_->body()) +
                        "): set datastore.user and datastore.password in " + config_.source;
    } else if (exchange.status == 401) {
      result_.failure = "it refused the credentials of datastore.user '" + config_.user + "' (" +
                        describe_http(exchange.status, connection_->body()) + ")";
    } else {
      result_.failure = "datastore.user '" + config_.user + "' may not " + what + " (" +
                        describe_http(exchange.status, connection_->body()) + ")";
    }
    return false;
  }

  asio::awaitable<bool> probe() {
    Exchange exchange;
    bool answered = co_await send(http::verb::get, "/", "", ContentType::json, exchange);
    if (!answered) co_return false;
    if (!authorized(exchange, "GET /")) co_return false;
    auto json = nlohmann::json::parse(connection_->body(), nullptr, false);
    if (exchange.status != 200 || !json.is_object() || !json.contains("version") || !json["version"].is_object()) {
      result_.failure = "it does not answer GET / like Elasticsearch or OpenSearch (" +
                        describe_http(exchange.status, connection_->body()) + ")";
      co_return false;
    }
    co_return true;
  }

  asio::awaitable<bool> ensure_templates() {
    for (const auto& t : metrics::store_templates(config_)) {
      auto path = "/_template/" + t.name;
      Exchange exchange;
      if (!config_.overwrite_existing_templates) {
        bool answered = co_await send(http::verb::head, path, "", ContentType::json, exchange);
        if (!answered) co_return false;
        if (!authorized(exchange, "read index templates")) co_return false;
        if (exchange.status == 200) continue;
      }
      bool answered = co_await send(http::verb::put, path, t.body.dump(), ContentType::json, exchange);
      if (!answered) co_return false;
      if (!authorized(exchange, "create index templates")) co_return false;
      if (exchange.status >= 300) {
        result_.failure = "PUT " + path + " failed: " + describe_http(exchange.status, connection_->body());
        co_return false;
      }
    }
    co_return true;
  }

  // Counts the accepted items of a bulk response; false with the failure set when any failed.
  bool bulk_accepted(const std::string& body, std::size_t sent) {
    auto json = nlohmann::json::parse(body, nullptr, false);
    if (!json.is_object() || !json.contains("items") || !json["items"].is_array()) {
      result_.failure = "POST /_bulk: the answer is not a bulk response";
      return false;
    }
    std::size_t failed = 0;
    std::string first;
    for (const auto& item : json["items"]) {
      if (!item.is_object() || item.empty()) continue;
      const auto& outcome = item.begin().value();
      int status = outcome.value("status", 0);
      if (status >= 200 && status < 300 && !outcome.contains("error")) {
        ++result_.written;
        continue;
      }
      ++failed;
      if (first.empty()) {
        auto error = outcome.contains("error") ? outcome["error"] : nlohmann::json::object();
        first = error.is_object() ? error.value("type", std::string("error")) + ": " + error.value("reason", "") +
                                        " (index " + outcome.value("_index", std::string("?")) + ")"
                                  : error.dump();
      }
    }
    if (failed == 0 && json["items"].size() == sent) return true;
    if (failed == 0) failed = sent - std::min(sent, json["items"].size());
    result_.failure = std::to_string(failed) + " of " + std::to_string(sent) + " documents were rejected" +
                      (first.empty() ? std::string() : " (first: " + first + ")");
    return false;
  }

  asio::awaitable<bool> bulk() {
    std::vector<std::size_t> counts;
    auto bodies = bulk_bodies(docs_, counts);
    for (std::size_t i = 0; i < bodies.size(); ++i) {
      Exchange exchange;
      bool answered = co_await send(http::verb::post, "/_bulk", std::move(bodies[i]), ContentType::ndjson, exchange);
      if (!answered) co_return false;
      if (!authorized(exchange, "write documents")) co_return false;
      if (exchange.status >= 300) {
        result_.failure = "POST /_bulk failed: " + describe_http(exchange.status, connection_->body());
        co_return false;
      }
      if (!bulk_accepted(connection_->body(), counts[i])) co_return false;
    }
    co_return true;
  }

  asio::awaitable<void> steps() {
    // (No co_await inside a condition: GCC 12 miscompiles some of those.)
    if (config_.probe_cluster_version) {
      bool probed = co_await probe();
      if (!probed) co_return;
    }
    bool templates = co_await ensure_templates();
    if (!templates) co_return;
    bool written = co_await bulk();
    (void)written;
  }

  const metrics::StoreConfig& config_;
  const metrics::StoreDocuments& docs_;
  SteadyClock::time_point deadline_;
  std::unique_ptr<client::Connection> connection_;
  client::HttpRequest request_;
  UploadResult result_;
};

}  // namespace

UploadResult upload_documents(const metrics::StoreConfig& config, const metrics::StoreDocuments& docs) {
  register_basic_credentials(config.user, config.password);
  UploadResult result;
  try {
    result = Upload(config, docs).run();
  } catch (const std::exception& e) {
    result.failure = e.what();
  }
  result.failure = redact(result.failure);  // the password is registered (store_config.cpp)
  return result;
}

}  // namespace rally::race
