#include "rally/common/redacting_stream.hpp"

#include <iostream>

#include "rally/common/redaction.hpp"

namespace rally {

namespace {

// A line longer than this is passed on without waiting for its end.
constexpr std::size_t max_pending = 64 * 1024;

}  // namespace

RedactingStreambuf::int_type RedactingStreambuf::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  std::lock_guard lock(mutex_);
  pending_.push_back(traits_type::to_char_type(c));
  if (c == '\n' || pending_.size() > max_pending) pass_on(pending_.size() > max_pending);
  return c;
}

std::streamsize RedactingStreambuf::xsputn(const char* s, std::streamsize n) {
  std::lock_guard lock(mutex_);
  pending_.append(s, static_cast<std::size_t>(n));
  pass_on(pending_.size() > max_pending);
  return n;
}

int RedactingStreambuf::sync() {
  std::lock_guard lock(mutex_);
  pass_on(true);
  return target_->pubsync();
}

void RedactingStreambuf::pass_on(bool everything) {
  auto end = everything ? pending_.size() : pending_.rfind('\n');
  if (end == std::string::npos) return;
  if (!everything) ++end;  // with the newline
  if (end == 0) return;
  auto text = redact(std::string_view(pending_).substr(0, end));
  target_->sputn(text.data(), static_cast<std::streamsize>(text.size()));
  pending_.erase(0, end);
}

void redact_standard_streams() {
  // Never destroyed: the standard streams flush at exit, after static objects may be gone.
  static auto* out = new RedactingStreambuf(std::cout.rdbuf());
  static auto* err = new RedactingStreambuf(std::cerr.rdbuf());
  static auto* log = new RedactingStreambuf(std::clog.rdbuf());
  std::cout.rdbuf(out);
  std::cerr.rdbuf(err);
  std::clog.rdbuf(log);
}

}  // namespace rally
