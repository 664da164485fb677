#pragma once

// The text of one template and where each part of it came from. After the collect
// pre-pass a template is a splice of several files; errors must still name the file and
// line the user wrote, not a position in the spliced text.

#include <cstddef>
#include <string>
#include <vector>

namespace rally::track::templating {

class TemplateText {
 public:
  TemplateText() = default;
  TemplateText(std::string text, const std::string& file) : text_(std::move(text)) { mark(0, file, 1); }

  [[nodiscard]] const std::string& text() const { return text_; }
  [[nodiscard]] std::string& text() { return text_; }

  // From byte `offset` of the text on, the text comes from `file`, starting at `line`.
  void mark(std::size_t offset, const std::string& file, std::size_t line);

  // "file:line" of a byte offset.
  [[nodiscard]] std::string where(std::size_t offset) const;

  [[noreturn]] void fail(std::size_t offset, const std::string& message) const;

 private:
  struct Segment {
    std::size_t begin;
    std::string file;
    std::size_t line;
  };
  std::string text_;
  std::vector<Segment> segments_;
};

// Python reads text files with universal newlines and Jinja's lexer does the same:
// "\r\n" and "\r" become "\n".
std::string normalize_newlines(std::string text);

}  // namespace rally::track::templating
