#include "rally/client/reachability.hpp"

#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>

namespace rally::client {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::string check_reachable(const HostPort& target, const TlsIdentity& tls, std::chrono::milliseconds timeout) {
  asio::io_context io;
  asio::ssl::context context(asio::ssl::context::tls_client);
  boost::system::error_code ec;
  if (!tls.certificate.empty()) {
    context.load_verify_file(tls.ca_file, ec);
    if (!ec) context.use_certificate_chain_file(tls.certificate, ec);
    if (!ec) context.use_private_key_file(tls.key, asio::ssl::context::pem, ec);
    if (ec) return "cannot load the TLS files: " + ec.message();
    context.set_verify_mode(asio::ssl::verify_peer);
  }
  asio::ssl::stream<tcp::socket> stream(io, context);
  tcp::resolver resolver(io);
  std::string failure = "no answer within " + std::to_string(timeout.count()) + " ms";
  bool done = false;
  auto finish = [&](const std::string& outcome) {
    if (done) return;
    done = true;
    failure = outcome;
    boost::system::error_code ignored;
    stream.lowest_layer().close(ignored);
  };
  resolver.async_resolve(target.host, std::to_string(target.port), [&](auto error, const auto& endpoints) {
    if (error) return finish("cannot resolve " + target.host + ": " + error.message());
    asio::async_connect(stream.lowest_layer(), endpoints, [&](auto connect_error, const auto&) {
      if (connect_error) return finish(connect_error.message());
      if (tls.certificate.empty()) return finish("");
      stream.async_handshake(asio::ssl::stream_base::client, [&](auto handshake_error) {
        finish(handshake_error ? "the TLS handshake failed: " + handshake_error.message() : "");
      });
    });
  });
  io.run_for(timeout);
  if (!done) {
    boost::system::error_code ignored;
    stream.lowest_layer().close(ignored);
    resolver.cancel();
  }
  return done ? failure : "no answer within " + std::to_string(timeout.count()) + " ms";
}

}  // namespace rally::client
