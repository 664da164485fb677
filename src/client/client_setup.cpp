#include "rally/common/base64.hpp"
#include "rally/common/errors.hpp"
#include "rally/common/text.hpp"

#include "client_shared.hpp"
#include <openssl/err.h>

namespace rally::client {

namespace {

// Elasticsearch 8 and later: Rally's client sends the compatible-with media types.
int compatible_with(const std::string& distribution, const std::string& version) {
  if (distribution != "elasticsearch") return 0;
  int major = major_version(version);
  return major >= 8 ? major : 0;
}

std::string openssl_error() {
  auto code = ERR_get_error();
  if (code == 0) return "unknown error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

std::shared_ptr<asio::ssl::context> make_tls_context(const ClientOptions& o, std::string& trusted_cas) {
  auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  boost::system::error_code ec;
  if (o.verify_certs) {
    context->set_verify_mode(asio::ssl::verify_peer);
    if (o.ca_certs.empty()) {
      trusted_cas = "the system's trust store";
      context->set_default_verify_paths(ec);
    } else {
      trusted_cas = o.ca_certs;
      context->load_verify_file(o.ca_certs, ec);
    }
    if (ec)
      throw RallyError("--client-options: cannot load the CA certificates from " + trusted_cas + ": " +
                       openssl_error());
  } else {
    context->set_verify_mode(asio::ssl::verify_none);
    trusted_cas = "none (verify_certs is false)";
  }
  if (!o.client_cert.empty()) {
    context->use_certificate_chain_file(o.client_cert, ec);
    if (ec) throw RallyError("--client-options: cannot load client_cert " + o.client_cert + ": " + openssl_error());
    context->use_private_key_file(o.client_key, asio::ssl::context::pem, ec);
    if (ec) throw RallyError("--client-options: cannot load client_key " + o.client_key + ": " + openssl_error());
  }
  return context;
}

}  // namespace

std::size_t HttpRequest::body_size() const {
  if (pieces.empty()) return body.size();
  return asio::buffer_size(pieces);
}

std::string_view HttpRequest::path() const {
  std::string_view t = target;
  return t.substr(0, t.find('?'));
}

std::string content_type_for(ContentType type, const std::string& distribution, const std::string& version) {
  if (int major = compatible_with(distribution, version)) {
    auto v = std::to_string(major);
    return type == ContentType::ndjson ? "application/vnd.elasticsearch+x-ndjson; compatible-with=" + v
                                       : "application/vnd.elasticsearch+json; compatible-with=" + v;
  }
  return type == ContentType::ndjson ? "application/x-ndjson" : "application/json";
}

std::string accept_for(const std::string& distribution, const std::string& version) {
  return content_type_for(ContentType::json, distribution, version);
}

ClientSetup::ClientSetup(const RaceConfig& config)
    : hosts_(config.target_hosts), distribution_(config.cluster_distribution) {
  auto shared = std::make_shared<Shared>();
  const auto& o = config.client;
  shared->timeouts = Timeouts{std::chrono::milliseconds(config.connect_timeout_ms),
                              std::chrono::milliseconds(config.request_timeout_ms)};
  shared->json_type = content_type_for(ContentType::json, config.cluster_distribution, config.cluster_version);
  shared->ndjson_type = content_type_for(ContentType::ndjson, config.cluster_distribution, config.cluster_version);
  auto& h = shared->header_block;
  h = "Accept: " + accept_for(config.cluster_distribution, config.cluster_version) + "\r\n";
  h += "User-Agent: rally-cpp\r\n";
  if (!o.basic_auth_user.empty())
    h += "Authorization: Basic " + base64_encode(o.basic_auth_user + ":" + o.basic_auth_password) + "\r\n";
  if (!o.api_key.empty()) h += "Authorization: ApiKey " + o.api_key + "\r\n";
  shared->client_headers = o.headers;
  if (!o.opaque_id.empty()) shared->client_headers.emplace_back("X-Opaque-Id", o.opaque_id);
  for (const auto& [name, value] : shared->client_headers) shared->client_header_block += name + ": " + value + "\r\n";
  if (o.http_compress) h += "Accept-Encoding: gzip\r\n";
  shared->compress = o.http_compress;
  if (!o.static_responses.empty()) {
    shared->statics =
        std::make_shared<StaticResponses>(StaticResponses::parse(o.static_responses, o.static_responses_file));
  } else if (o.use_ssl) {
    shared->tls = true;
    shared->verify_certs = o.verify_certs;
    shared->tls_context = make_tls_context(o, shared->trusted_cas);
  }
  shared_ = std::move(shared);
}

ClientSetup::~ClientSetup() = default;

std::unique_ptr<Connection> ClientSetup::connect(asio::any_io_executor executor, const HostPort& target) const {
  if (shared_->statics) return make_static_connection(std::move(executor), target, shared_);
  if (shared_->tls) return make_tls_connection(std::move(executor), target, shared_);
  return make_tcp_connection(std::move(executor), target, shared_);
}

std::unique_ptr<Connection> ClientSetup::connect_client(asio::any_io_executor executor, std::size_t index) const {
  return connect(std::move(executor), hosts_.at(index % hosts_.size()));
}

const Timeouts& ClientSetup::timeouts() const { return shared_->timeouts; }

bool ClientSetup::static_responses() const { return shared_->statics != nullptr; }

}  // namespace rally::client
