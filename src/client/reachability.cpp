#include "rally/client/reachability.hpp"

#include <memory>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>

namespace rally::client {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
// One target's check: resolve, connect, with TLS a handshake; `outcome` set once.
struct Check {
  Check(asio::io_context& io, asio::ssl::context& context) : stream(io, context), resolver(io) {}

  void finish(std::string result) {
    if (done) return;
    done = true;
    outcome = std::move(result);
    boost::system::error_code ignored;
    stream.lowest_layer().close(ignored);
  }

  asio::ssl::stream<tcp::socket> stream;
  tcp::resolver resolver;
  bool done = false;
  std::string outcome;
};
}  // namespace

std::vector<std::string> check_reachable(const std::vector<HostPort>& targets, const TlsIdentity& tls,
                                         std::chrono::milliseconds timeout) {
  asio::io_context io;
  asio::ssl::context context(asio::ssl::context::tls_client);
  bool with_tls = !tls.certificate.empty();
  if (with_tls) {
    boost::system::error_code ec;
    context.load_verify_file(tls.ca_file, ec);
    if (!ec) context.use_certificate_chain_file(tls.certificate, ec);
    if (!ec) context.use_private_key_file(tls.key, asio::ssl::context::pem, ec);
    if (ec) return std::vector<std::string>(targets.size(), "cannot load the TLS files: " + ec.message());
    context.set_verify_mode(asio::ssl::verify_peer);
  }
  std::vector<std::unique_ptr<Check>> checks;
  for (const auto& target : targets) {
    Check* check = checks.emplace_back(std::make_unique<Check>(io, context)).get();
    const HostPort* to = &target;
    check->resolver.async_resolve(
        to->host, std::to_string(to->port), [check, to, with_tls](auto error, const auto& ends) {
          if (error) return check->finish("cannot resolve " + to->host + ": " + error.message());
          asio::async_connect(check->stream.lowest_layer(), ends, [check, with_tls](auto connect_error, const auto&) {
            if (connect_error) return check->finish(connect_error.message());
            if (!with_tls) return check->finish("");
            check->stream.async_handshake(asio::ssl::stream_base::client, [check](auto handshake_error) {
              check->finish(handshake_error ? "the TLS handshake failed: " + handshake_error.message() : "");
            });
          });
        });
  }
  io.run_for(timeout);  // every target at once, all within the one timeout
  std::vector<std::string> outcomes;
  for (auto& check : checks) {
    check->finish("no answer within " + std::to_string(timeout.count()) + " ms");  // no-op when done
    check->resolver.cancel();
    outcomes.push_back(check->outcome);
  }
  return outcomes;
}

}  // namespace rally::client
