// Python's glob.glob() and fnmatch on the local file system, and the file-system
// TemplateSource (template.hpp).

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "rally/common/errors.hpp"
#include "rally/track/template/template.hpp"

#include "utf8.hpp"

namespace rally::track::templating {

namespace fs = std::filesystem;

namespace {

bool has_magic(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

std::u32string code_points(const std::string& s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = 0;
    out += utf8::decode(s, i, &n);
    i += n;
  }
  return out;
}

// fnmatch.fnmatchcase: `*` any run, `?` one character, `[seq]` / `[!seq]` a set with
// ranges; a `[` without its `]` is literal.
bool fnmatch(const std::u32string& name, std::size_t ni, const std::u32string& pat, std::size_t pi) {
  while (pi < pat.size()) {
    char32_t c = pat[pi];
    if (c == '*') {
      while (pi < pat.size() && pat[pi] == '*') ++pi;
      if (pi == pat.size()) return true;
      for (std::size_t k = ni; k <= name.size(); ++k) {
        if (fnmatch(name, k, pat, pi)) return true;
      }
      return false;
    }
    if (ni >= name.size()) return false;
    if (c == '?') {
      ++ni;
      ++pi;
      continue;
    }
    if (c == '[') {
      std::size_t j = pi + 1;
      if (j < pat.size() && pat[j] == '!') ++j;
      if (j < pat.size() && pat[j] == ']') ++j;
      while (j < pat.size() && pat[j] != ']') ++j;
      if (j < pat.size()) {
        std::size_t k = pi + 1;
        bool negate = pat[k] == '!';
        if (negate) ++k;
        bool hit = false;
        while (k < j) {
          char32_t lo = pat[k];
          if (k + 2 < j && pat[k + 1] == '-') {
            hit = hit || (name[ni] >= lo && name[ni] <= pat[k + 2]);
            k += 3;
          } else {
            hit = hit || name[ni] == lo;
            ++k;
          }
        }
        if (hit == negate) return false;
        ++ni;
        pi = j + 1;
        continue;
      }
    }
    if (name[ni] != c) return false;
    ++ni;
    ++pi;
  }
  return ni == name.size();
}

bool lexists(const std::string& p) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(p, ec));
}

bool is_dir(const std::string& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

std::string join(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

std::vector<std::string> glob_impl(const std::string& pattern, bool dironly) {
  if (!has_magic(pattern)) {
    if (dironly ? is_dir(pattern) : lexists(pattern)) return {pattern};
    return {};
  }
  auto slash = pattern.rfind('/');
  std::string dir = slash == std::string::npos ? "" : pattern.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? pattern : pattern.substr(slash + 1);
  // os.path.split keeps a lone root slash, and otherwise drops trailing slashes
  if (dir.size() > 1 && dir.find_first_not_of('/') != std::string::npos) {
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  }
  std::vector<std::string> dirs;
  if (dir != pattern && has_magic(dir)) {
    dirs = glob_impl(dir, true);
  } else {
    dirs = {dir};
  }
  std::vector<std::string> out;
  for (const auto& d : dirs) {
    if (!has_magic(base)) {
      bool found = base.empty() ? is_dir(d) : lexists(join(d, base));
      if (found) out.push_back(join(d, base));
      continue;
    }
    std::error_code ec;
    fs::directory_iterator it(d.empty() ? "." : d, ec);
    if (ec) continue;
    auto pat = code_points(base);
    bool hidden_ok = !base.empty() && base[0] == '.';
    for (const auto& entry : it) {
      std::string name = entry.path().filename().string();
      if (!hidden_ok && !name.empty() && name[0] == '.') continue;
      if (dironly && !entry.is_directory(ec)) continue;
      if (fnmatch(code_points(name), 0, pat, 0)) out.push_back(join(d, name));
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> glob_files(const std::string& absolute_pattern) { return glob_impl(absolute_pattern, false); }

TemplateSource file_system_source() {
  TemplateSource source;
  source.read = [](const std::string& path) -> std::optional<std::string> {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw RallyError("cannot read " + path + ": " + std::strerror(errno));
    std::ostringstream buf;
    buf << in.rdbuf();
    return buf.str();
  };
  source.glob = glob_files;
  return source;
}

}  // namespace rally::track::templating
