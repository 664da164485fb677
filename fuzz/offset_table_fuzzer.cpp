// Offset tables (<corpus file>.offset): parsed from any text, then used to find lines of any
// data. The input is the table's text, a NUL byte, then the data.
#include <algorithm>
#include <string>

#include "rally/track/corpus.hpp"

#include "fuzz_support.hpp"

namespace {

// The reference: where `line` starts, by scanning every line.
std::uint64_t scanned_offset(std::string_view data, std::uint64_t line) {
  std::uint64_t offset = 0;
  for (std::uint64_t at = 0; at < line && offset < data.size(); ++at) {
    auto nl = data.find('\n', offset);
    if (nl == std::string_view::npos) return data.size();
    offset = nl + 1;
  }
  return offset;
}

bool starts_a_line(std::string_view data, std::uint64_t offset) {
  return offset == 0 || offset == data.size() || data[offset - 1] == '\n';
}

// The table a builder writes for `data`, with an entry every `interval` lines.
rally::track::OffsetTable true_table(std::string_view data, std::uint64_t interval) {
  rally::track::OffsetTable table;
  std::uint64_t line = 0;
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (data[i] == '\n' && ++line % interval == 0 && i + 1 < data.size()) table.entries.emplace_back(line, i + 1);
  }
  return table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  auto input = rally::fuzz::as_text(bytes, size);
  auto split = std::min(input.find('\0'), input.size());
  auto table_text = input.substr(0, split);
  auto data = input.substr(std::min(split + 1, input.size()));
  auto lines = static_cast<std::uint64_t>(std::count(data.begin(), data.end(), '\n')) + 2;

  if (auto table = rally::track::parse_offset_table(table_text)) {
    for (std::size_t i = 1; i < table->entries.size(); ++i) {
      rally::fuzz::check(table->entries[i].first > table->entries[i - 1].first, "lines increase");
      rally::fuzz::check(table->entries[i].second > table->entries[i - 1].second, "offsets increase");
    }
    // A table from another file: never past the data, always at a line start.
    for (std::uint64_t line = 0; line <= std::min<std::uint64_t>(lines, 64); ++line) {
      auto offset = rally::track::line_offset(data, *table, line);
      rally::fuzz::check(offset <= data.size(), "offset within the data");
      rally::fuzz::check(starts_a_line(data, offset), "offset at a line start");
    }
  }
  // The right table for the data gives exactly the scanned offsets.
  auto table = true_table(data, 3);
  for (std::uint64_t line = 0; line <= std::min<std::uint64_t>(lines, 64); ++line) {
    rally::fuzz::check(rally::track::line_offset(data, table, line) == scanned_offset(data, line),
                       "a true table agrees with a scan");
  }
  return 0;
}
