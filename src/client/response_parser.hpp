#pragma once

#include <cstdint>
#include <string>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/basic_parser.hpp>

namespace rally::client {

// Reads a response into a caller-owned body string that keeps its capacity between
// responses, and remembers only what the client needs from the header (status, gzip).
// Beast's own parsers build a header container per response; this one allocates nothing
// once the body string is large enough.
class ResponseParser final : public boost::beast::http::basic_parser<false> {
 public:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;
  using field = boost::beast::http::field;

  ResponseParser(std::string& body, std::uint64_t limit) : body_(body) {
    body_.clear();
    body_limit(limit);
  }

  [[nodiscard]] unsigned status() const { return status_; }
  [[nodiscard]] bool gzip() const { return gzip_; }

 private:
  void on_request_impl(boost::beast::http::verb, string_view, string_view, int, error_code&) override {}
  void on_response_impl(int code, string_view, int, error_code&) override { status_ = static_cast<unsigned>(code); }
  void on_field_impl(field name, string_view, string_view value, error_code&) override {
    if (name == field::content_encoding && boost::beast::iequals(value, "gzip")) gzip_ = true;
  }
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
    if (length) body_.reserve(static_cast<std::size_t>(*length));
  }
  std::size_t on_body_impl(string_view data, error_code&) override {
    body_.append(data.data(), data.size());
    return data.size();
  }
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view data, error_code&) override {
    body_.append(data.data(), data.size());
    return data.size();
  }
  void on_finish_impl(error_code&) override {}

  std::string& body_;
  unsigned status_ = 0;
  bool gzip_ = false;
};

}  // namespace rally::client
