#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace rally {

// An INI file read the way Python's configparser reads Rally's rally.ini: `[section]` headers,
// `key = value` or `key: value` lines (keys lower-cased, both sides trimmed), whole-line
// comments starting with `#` or `;`, indented lines continuing the value above. Values are
// interpolated when read, as configparser's ExtendedInterpolation does: `${key}` (same
// section or the defaults), `${section:key}`, `$$` for a dollar sign.
//
// Errors throw RallyError naming the file, the line and the key. They never quote a line or a
// value: a malformed line may hold a password.
class IniFile {
 public:
  struct Entry {
    std::string raw;  // as written, before interpolation
    int line = 0;
  };

  // `defaults` are visible in every section (configparser's DEFAULT), e.g. CONFIG_DIR.
  static IniFile parse(std::string_view text, std::string path, std::map<std::string, std::string> defaults = {});
  // Reads and parses `path`; nullopt when there is no such file. Throws when it cannot be read.
  static std::optional<IniFile> load(const std::string& path, std::map<std::string, std::string> defaults = {});

  [[nodiscard]] bool has_section(const std::string& section) const { return sections_.count(section) != 0; }
  // The entry of `key` (any case) in `section`; nullptr when absent.
  [[nodiscard]] const Entry* find(const std::string& section, std::string_view key) const;
  // The interpolated value of `key` in `section`; nullopt when absent.
  [[nodiscard]] std::optional<std::string> value(const std::string& section, std::string_view key) const;

  [[nodiscard]] const std::string& path() const { return path_; }
  // "<path>:<line>: [section] key" (or "<path>: [section] key" when absent), for messages.
  [[nodiscard]] std::string where(const std::string& section, std::string_view key) const;

 private:
  std::string interpolate(const std::string& section, const std::string& key, const std::string& raw, int depth) const;
  [[nodiscard]] std::optional<std::string> lookup(const std::string& section, const std::string& key) const;

  std::string path_;
  std::map<std::string, std::string> defaults_;
  std::map<std::string, std::map<std::string, Entry>> sections_;
};

}  // namespace rally
