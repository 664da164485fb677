#include "source_text.hpp"

#include <algorithm>

#include "rally/common/errors.hpp"

namespace rally::track::templating {

void TemplateText::mark(std::size_t offset, const std::string& file, std::size_t line) {
  if (!segments_.empty() && segments_.back().begin == offset) segments_.pop_back();
  segments_.push_back({offset, file, line});
}

std::string TemplateText::where(std::size_t offset) const {
  if (segments_.empty()) return "<template>:1";
  offset = std::min(offset, text_.size());
  auto it = std::upper_bound(segments_.begin(), segments_.end(), offset,
                             [](std::size_t o, const Segment& s) { return o < s.begin; });
  const Segment& seg = it == segments_.begin() ? segments_.front() : *std::prev(it);
  auto from = text_.begin() + static_cast<std::ptrdiff_t>(std::min(seg.begin, offset));
  auto to = text_.begin() + static_cast<std::ptrdiff_t>(offset);
  auto line = seg.line + static_cast<std::size_t>(std::count(from, to, '\n'));
  return seg.file + ":" + std::to_string(line);
}

void TemplateText::fail(std::size_t offset, const std::string& message) const {
  throw RallyError(where(offset) + ": " + message);
}

std::string normalize_newlines(std::string text) {
  if (text.find('\r') == std::string::npos) return text;
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace rally::track::templating
