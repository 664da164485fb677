#include "runner_support.hpp"

#include <boost/beast/core/error.hpp>

#include "rally/common/redaction.hpp"

namespace rally::client::detail {

namespace {
// What a proxy's HTML error page says: its title, or its text without tags, shortened.
std::string plain_text_excerpt(const std::string& body) {
  std::string_view view = body;
  auto title = view.find("<title>");
  if (title != std::string_view::npos) {
    auto end = view.find("</title>", title);
    if (end != std::string_view::npos) view = view.substr(title + 7, end - title - 7);
  }
  std::string text;
  bool in_tag = false;
  for (char c : view) {
    if (c == '<') in_tag = true;
    if (!in_tag && c != '\r' && c != '\n') text += c;
    if (c == '>') in_tag = false;
    if (text.size() >= 200) break;
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text.empty() ? std::string() : " (" + text + ")";
}
}  // namespace

std::string http_error_kind(unsigned status, const std::string& body) {
  std::string kind = "HTTP " + std::to_string(status);
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_object() && json.contains("error") && json["error"].is_object() && json["error"].contains("type") &&
      json["error"]["type"].is_string())
    kind += " " + json["error"]["type"].get<std::string>();
  return kind;
}

std::string describe_http_error(unsigned status, const std::string& answer) {
  const auto body = redact(answer);  // before any excerpt is cut from it: an answer may echo a request
  std::string text = "HTTP " + std::to_string(status);
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_object() && json.contains("error")) {
    const auto& error = json["error"];
    if (error.is_object()) {
      if (error.contains("type") && error["type"].is_string()) text += " " + error["type"].get<std::string>();
      if (error.contains("reason") && error["reason"].is_string()) text += ": " + error["reason"].get<std::string>();
    } else if (error.is_string()) {
      text += " " + error.get<std::string>();
    }
  } else if (!json.is_discarded()) {
    text += " " + body.substr(0, 200);
  } else {
    text += plain_text_excerpt(body);
  }
  return text;
}

void set_request(ClientContext& client, http::verb verb, std::string_view target, ContentType type) {
  auto& req = client.request;
  req.method = verb;
  req.target.assign(target.data(), target.size());
  req.content_type = type;
  req.pieces.clear();
}

std::string& request_body(ClientContext& client) { return client.request.body; }

const std::string& response_body(const ClientContext& client) { return client.connection.body(); }

boost::asio::awaitable<Exchange> send(ClientContext& client, OperationResult& result) {
  auto exchange = co_await client.connection.exchange(client.request, client.timeout);
  result.service_time += exchange.service_time;
  result.bytes += exchange.bytes_sent;
  if (exchange.ec) {
    result.success = false;
    result.connect_failed = exchange.connect_failed;
    bool timeout = exchange.ec == boost::beast::error::timeout;
    result.error = timeout ? metrics::ErrorClass::timeout : metrics::ErrorClass::transport;
    result.error_kind = timeout ? "timeout" : "transport: " + exchange.ec.message();
    result.error_description =
        (exchange.connect_failed ? "cannot connect to "
                                 : std::string("request ") + std::string(client.request.path()) + " to ") +
        client.connection.target().to_string() + " failed: " + client.connection.describe(exchange.ec);
  } else {
    result.http_status = exchange.status;
    result.bytes += client.connection.body().size();
  }
  co_return exchange;
}

void malformed_response(const ClientContext& client, OperationResult& result, std::string_view what) {
  const auto& body = response_body(client);
  result.success = false;
  result.error = metrics::ErrorClass::malformed;
  result.error_kind = "malformed response: " + std::string(what);
  std::string excerpt = body.substr(0, 80);
  for (auto& c : excerpt)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  result.error_description = "malformed response from " + client.connection.target().to_string() + " to " +
                             std::string(client.request.path()) + ": " + std::string(what) + " (HTTP " +
                             std::to_string(result.http_status) + ", " + std::to_string(body.size()) +
                             " bytes: " + excerpt + (body.size() > excerpt.size() ? "...)" : ")");
}

bool looks_like_json_object(std::string_view body) {
  auto first = body.find_first_not_of(" \t\r\n");
  auto last = body.find_last_not_of(" \t\r\n");
  return first != std::string_view::npos && body[first] == '{' && body[last] == '}';
}

bool http_failed(const Exchange& exchange, OperationResult& result, const std::string& body, bool accept_not_found) {
  if (exchange.ec) return true;
  if (exchange.status < 400 || (accept_not_found && exchange.status == 404)) return false;
  result.success = false;
  result.error = metrics::ErrorClass::http;
  result.error_description = describe_http_error(exchange.status, body);
  result.error_kind = http_error_kind(exchange.status, body);
  return true;
}

SiblingClient::SiblingClient(ClientContext& parent)
    : connection(parent.setup->connect(parent.connection.executor(), parent.connection.target())),
      context(*connection) {
  context.setup = parent.setup;
  context.cancelled = parent.cancelled;
  context.timeout = parent.timeout;
  context.assertions = parent.assertions;
}

std::unique_ptr<SiblingClient> open_sibling(ClientContext& client) { return std::make_unique<SiblingClient>(client); }

const nlohmann::json* at_path(const nlohmann::json& doc, const std::string& path) {
  const nlohmann::json* node = &doc;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('.', start);
    if (end == std::string::npos) end = path.size();
    auto key = path.substr(start, end - start);
    if (!node->is_object() || !node->contains(key)) return nullptr;
    node = &(*node)[key];
    start = end + 1;
  }
  return node;
}

}  // namespace rally::client::detail
