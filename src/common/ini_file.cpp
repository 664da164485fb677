#include "rally/common/ini_file.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "rally/common/errors.hpp"

namespace rally {

namespace {

// configparser's MAX_INTERPOLATION_DEPTH.
constexpr int max_depth = 10;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string at_line(const std::string& path, int line) { return path + ":" + std::to_string(line) + ": "; }

}  // namespace

IniFile IniFile::parse(std::string_view text, std::string path, std::map<std::string, std::string> defaults) {
  IniFile ini;
  ini.path_ = std::move(path);
  for (auto& [key, value] : defaults) ini.defaults_[lower(key)] = value;
  std::string section;
  Entry* current = nullptr;  // the entry an indented line continues
  int line_number = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    auto raw_line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (!raw_line.empty() && raw_line.back() == '\r') raw_line.remove_suffix(1);
    auto line = trim(raw_line);
    if (line.empty()) continue;
    if (line.front() == '#' || line.front() == ';') continue;
    bool indented = std::isspace(static_cast<unsigned char>(raw_line.front())) != 0;
    if (indented && current != nullptr) {
      current->raw += "\n" + std::string(line);
      continue;
    }
    if (line.front() == '[') {
      if (line.back() != ']' || line.size() < 3) {
        throw RallyError(at_line(ini.path_, line_number) + "a section header must look like [name]");
      }
      section = std::string(trim(line.substr(1, line.size() - 2)));
      if (section.empty()) throw RallyError(at_line(ini.path_, line_number) + "the section name is empty");
      if (ini.sections_.count(section) != 0) {
        throw RallyError(at_line(ini.path_, line_number) + "section [" + section + "] appears twice");
      }
      ini.sections_[section];
      current = nullptr;
      continue;
    }
    auto delimiter = line.find_first_of("=:");
    if (delimiter == std::string_view::npos) {
      throw RallyError(at_line(ini.path_, line_number) + "expected 'key = value', a [section] header or a comment");
    }
    auto key = lower(trim(line.substr(0, delimiter)));
    if (key.empty()) throw RallyError(at_line(ini.path_, line_number) + "the key before '=' is empty");
    if (section.empty()) {
      throw RallyError(at_line(ini.path_, line_number) + key + " comes before any [section] header");
    }
    auto& entries = ini.sections_[section];
    if (auto it = entries.find(key); it != entries.end()) {
      throw RallyError(at_line(ini.path_, line_number) + "[" + section + "] " + key + " is already set on line " +
                       std::to_string(it->second.line));
    }
    current = &entries[key];
    current->raw = std::string(trim(line.substr(delimiter + 1)));
    current->line = line_number;
  }
  return ini;
}

std::optional<IniFile> IniFile::load(const std::string& path, std::map<std::string, std::string> defaults) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec) return std::nullopt;
  if (std::filesystem::is_directory(path, ec)) throw RallyError(path + ": is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw RallyError(path + ": cannot be read: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw RallyError(path + ": cannot be read: " + std::strerror(errno));
  return parse(text.str(), path, std::move(defaults));
}

const IniFile::Entry* IniFile::find(const std::string& section, std::string_view key) const {
  auto s = sections_.find(section);
  if (s == sections_.end()) return nullptr;
  auto e = s->second.find(lower(key));
  return e == s->second.end() ? nullptr : &e->second;
}

std::optional<std::string> IniFile::lookup(const std::string& section, const std::string& key) const {
  if (const auto* entry = find(section, key)) return entry->raw;
  if (auto d = defaults_.find(key); d != defaults_.end()) return d->second;
  return std::nullopt;
}

std::optional<std::string> IniFile::value(const std::string& section, std::string_view key) const {
  const auto* entry = find(section, key);
  if (entry == nullptr) return std::nullopt;
  return interpolate(section, lower(key), entry->raw, 0);
}

std::string IniFile::where(const std::string& section, std::string_view key) const {
  const auto* entry = find(section, key);
  auto name = "[" + section + "] " + lower(key);
  return entry ? at_line(path_, entry->line) + name : path_ + ": " + name;
}

std::string IniFile::interpolate(const std::string& section, const std::string& key, const std::string& raw,
                                 int depth) const {
  if (depth > max_depth) {
    throw RallyError(where(section, key) + ": ${...} references nest deeper than " + std::to_string(max_depth) +
                     " levels (a reference loop?)");
  }
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '$') {
      out += raw[i];
      continue;
    }
    if (i + 1 < raw.size() && raw[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    auto close = raw.find('}', i);
    if (i + 1 >= raw.size() || raw[i + 1] != '{' || close == std::string::npos) {
      throw RallyError(where(section, key) + ": a '$' must start a ${name} reference; write $$ for a dollar sign");
    }
    auto reference = raw.substr(i + 2, close - i - 2);
    auto colon = reference.find(':');
    auto target_section = colon == std::string::npos ? section : reference.substr(0, colon);
    auto target_key = lower(colon == std::string::npos ? reference : reference.substr(colon + 1));
    auto target = lookup(target_section, target_key);
    if (!target) {
      throw RallyError(where(section, key) + ": a ${...} reference names a key that is not set (write $$ for a " +
                       "dollar sign)");
    }
    out += interpolate(target_section, target_key, *target, depth + 1);
    i = close;
  }
  return out;
}

}  // namespace rally
