#include "rally/metrics/report.hpp"

namespace rally::metrics {

namespace {

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string format_html(const RaceReport& report, const ReportOptions& options) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>rally race " +
                    escape(report.meta.race_id) + "</title></head><body>\n<table>\n";
  out += "<tr><th>Metric</th><th>Task</th><th>Value</th><th>Unit</th></tr>\n";
  for (const auto& l : report_lines(report.results, options, report.cluster)) {
    out += "<tr><td>" + escape(l.metric) + "</td><td>" + escape(l.task) + "</td><td>" + escape(l.value) + "</td><td>" +
           escape(l.unit) + "</td></tr>\n";
  }
  return out + "</table>\n</body></html>\n";
}

}  // namespace rally::metrics
