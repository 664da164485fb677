#include "collect.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>

#include "rally/common/errors.hpp"

#include "utf8.hpp"

namespace rally::track::templating {

namespace fs = std::filesystem;

namespace {

struct CollectMatch {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string glob;
};

// `{{ rally.collect(parts="GLOB") }}` on one line, with any spaces and either quote.
// Rally's own regular expression wants at least one space inside the braces and double
// quotes; other spellings would reach Jinja as a macro call, which globs relative to the
// track directory instead. Accepting them here keeps the result the same for the usual
// single-level layout and makes nested parts behave as they look.
std::optional<CollectMatch> match_at(const std::string& s, std::size_t start) {
  std::size_t p = start + 2;
  auto skip = [&] {
    while (p < s.size() && (s[p] == ' ' || s[p] == '\t')) ++p;
  };
  auto literal = [&](const char* text) {
    std::size_t n = std::char_traits<char>::length(text);
    if (s.compare(p, n, text) != 0) return false;
    p += n;
    return true;
  };
  skip();
  if (!literal("rally.collect(")) return std::nullopt;
  skip();
  if (!literal("parts")) return std::nullopt;
  skip();
  if (!literal("=")) return std::nullopt;
  skip();
  if (p >= s.size() || (s[p] != '"' && s[p] != '\'')) return std::nullopt;
  char quote = s[p++];
  std::size_t close = s.find_first_of(std::string(1, quote) + "\n", p);
  if (close == std::string::npos || s[close] != quote || close == p) return std::nullopt;
  std::string glob = s.substr(p, close - p);
  p = close + 1;
  skip();
  if (!literal(")")) return std::nullopt;
  skip();
  if (!literal("}}")) return std::nullopt;
  return CollectMatch{start, p, std::move(glob)};
}

std::optional<CollectMatch> find_collect(const std::string& s, std::size_t from) {
  for (std::size_t p = s.find("{{", from); p != std::string::npos; p = s.find("{{", p + 1)) {
    if (auto m = match_at(s, p)) return m;
  }
  return std::nullopt;
}

// os.path.join(base, pattern) and os.path.dirname(path), for absolute POSIX paths.
std::string join(const std::string& base, const std::string& pattern) {
  if (!pattern.empty() && pattern[0] == '/') return pattern;
  if (base.empty() || base.back() == '/') return base + pattern;
  return base + "/" + pattern;
}

std::string dirname(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  std::string head = path.substr(0, slash + 1);
  if (head.find_first_not_of('/') != std::string::npos) {
    while (!head.empty() && head.back() == '/') head.pop_back();
  }
  return head;
}

class Assembler {
 public:
  explicit Assembler(const TemplateSource& source) : source_(source) {}

  void fragment(const std::string& text, const std::string& file, const std::string& base_dir, int depth) {
    if (depth > 32) throw RallyError(file + ": rally.collect parts nested more than 32 levels deep");
    std::size_t pos = 0;
    std::size_t line = 1;
    while (auto m = find_collect(text, pos)) {
      out_.mark(out_.text().size(), file, line);
      out_.text().append(text, pos, m->begin - pos);
      line += static_cast<std::size_t>(std::count(text.begin() + static_cast<std::ptrdiff_t>(pos),
                                                  text.begin() + static_cast<std::ptrdiff_t>(m->begin), '\n'));
      std::string where = file + ":" + std::to_string(line);
      std::string pattern = join(base_dir, m->glob);
      std::vector<std::string> files = source_.glob(pattern);
      std::sort(files.begin(), files.end());  // Python's sorted(): code point order, which is byte order
      if (files.empty())
        throw RallyError(where + ": rally.collect(parts=\"" + m->glob + "\") matches no files (looked for " + pattern +
                         ")");
      for (std::size_t i = 0; i < files.size(); ++i) {
        if (i > 0) {
          out_.mark(out_.text().size(), file, line);
          out_.text() += ",\n";
        }
        std::string path = fs::path(files[i]).lexically_normal().string();
        fragment(read_template_file(source_, path, where), path, dirname(pattern), depth + 1);
      }
      pos = m->end;
    }
    out_.mark(out_.text().size(), file, line);
    out_.text().append(text, pos, std::string::npos);
  }

  TemplateText take() { return std::move(out_); }

 private:
  const TemplateSource& source_;
  TemplateText out_;
};

}  // namespace

std::string read_template_file(const TemplateSource& source, const std::string& path,
                               const std::string& referenced_from) {
  auto text = source.read(path);
  if (!text) throw RallyError(referenced_from + ": cannot read " + path + ": no such file");
  return template_text(std::move(*text), path);
}

std::string template_text(std::string raw, const std::string& path) {
  if (!utf8::valid(raw)) throw RallyError(path + ": the file is not valid UTF-8 text");
  return normalize_newlines(std::move(raw));
}

TemplateText assemble(const std::string& text, const std::string& file, const std::string& base_dir,
                      const TemplateSource& source) {
  Assembler assembler(source);
  assembler.fragment(text, file, base_dir, 0);
  return assembler.take();
}

}  // namespace rally::track::templating
