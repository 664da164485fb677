#include <map>
#include <utility>

#include "rally/common/text.hpp"
#include "rally/metrics/compare.hpp"
#include "rally/metrics/report.hpp"

namespace rally::metrics {

namespace {

using Key = std::pair<std::string, std::string>;  // task, metric key

struct Table {
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> rows;
};

std::string diff_cell(const ComparisonRow& row) {
  auto change = change_text(row.change());
  return diff_percent_text(row) + (change.empty() ? "" : " " + change);
}

Table build(const std::vector<NamedComparison>& comparisons) {
  Table table;
  table.headers = {"Metric", "Task", "Unit", "Baseline"};
  for (const auto& c : comparisons) {
    auto id = c.contender.substr(0, 8);
    table.headers.push_back(id);
    table.headers.push_back(id + " Diff %");
  }
  // Rows in the order they first appear, each contender's row found by task and metric.
  std::vector<const ComparisonRow*> order;
  std::vector<std::map<Key, const ComparisonRow*>> by_key(comparisons.size());
  std::map<Key, bool> seen;
  for (std::size_t i = 0; i < comparisons.size(); ++i) {
    for (const auto& row : comparisons[i].comparison.rows) {
      Key key{row.task, row.key};
      by_key[i][key] = &row;
      if (!seen[key]) {
        seen[key] = true;
        order.push_back(&row);
      }
    }
  }
  for (const auto* first : order) {
    std::vector<std::string> cells{first->metric, first->task, first->unit, format_number(first->baseline)};
    Key key{first->task, first->key};
    for (const auto& rows : by_key) {
      auto it = rows.find(key);
      if (it == rows.end()) {
        cells.insert(cells.end(), {"", ""});
      } else {
        cells.push_back(format_number(it->second->contender));
        cells.push_back(diff_cell(*it->second));
      }
    }
    table.rows.push_back(std::move(cells));
  }
  return table;
}

}  // namespace

std::string format_multi_comparison_markdown(const std::vector<NamedComparison>& comparisons) {
  auto table = build(comparisons);
  std::string out = markdown_table(table.headers, table.rows);
  for (const auto& c : comparisons) {
    for (const auto& task : c.comparison.only_in_contender)
      out += "\nTask only in contender " + c.contender + ": " + task;
    for (const auto& task : c.comparison.only_in_baseline)
      out += "\nTask of the baseline that contender " + c.contender + " did not run: " + task;
  }
  return out + "\n";
}

std::string format_multi_comparison_csv(const std::vector<NamedComparison>& comparisons) {
  auto table = build(comparisons);
  std::string out = csv_line(table.headers);
  for (const auto& row : table.rows) out += csv_line(row);
  return out;
}

}  // namespace rally::metrics
