#include "svg_chart.hpp"

#include <algorithm>
#include <cmath>

#include "chart_scale.hpp"
#include "markup.hpp"

namespace rally::metrics {

namespace {

// The plot area inside the chart: room for the title above, the y ticks and axis title on
// the left, the x ticks, axis title and legend below.
constexpr double plot_left = 66;
constexpr double plot_top = 34;
constexpr double plot_width = chart_width - plot_left - 14;
constexpr double plot_height = chart_height - plot_top - 80;
constexpr double plot_bottom = plot_top + plot_height;
constexpr const char* text_colour = "#333333";
constexpr const char* grid_colour = "#dde3ea";
constexpr const char* frame_colour = "#9aa5b1";
// More points than pixels only make the file bigger: beyond this a series keeps, per bucket of
// neighbours, its lowest and highest point, so peaks stay visible.
constexpr std::size_t max_line_points = 1000;
// With more points than this, markers (and a rectangle per step) would merge into a smear: the
// line or outline alone shows them.
constexpr std::size_t max_markers = 60;

std::string num(double v) { return svg_number(v); }

double y_at(const Scale& scale, double value) { return plot_bottom - plot_height * scale.fraction(value); }
double x_at(const Scale& scale, double value) { return plot_left + plot_width * scale.fraction(value); }

// A rough width of `text` at `font_size`, enough to lay out legends and labels.
double text_width(const std::string& text, double font_size) {
  return static_cast<double>(text.size()) * font_size * 0.58;
}

void open_chart(std::string& out, const std::string& title) {
  out += "<svg class=\"chart\" width=\"" + std::to_string(chart_width) + "\" height=\"" + std::to_string(chart_height) +
         "\" viewBox=\"0 0 " + std::to_string(chart_width) + " " + std::to_string(chart_height) +
         "\" role=\"img\" aria-label=\"" + escape_markup(title) + "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  out += "<title>" + escape_markup(title) + "</title>\n";
  out += "<text x=\"" + num(chart_width / 2.0) +
         "\" y=\"20\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\" fill=\"" + text_colour + "\">" +
         escape_markup(title) + "</text>\n";
  out += "<rect x=\"" + num(plot_left) + "\" y=\"" + num(plot_top) + "\" width=\"" + num(plot_width) + "\" height=\"" +
         num(plot_height) + "\" fill=\"" + chart_plot_background + "\"/>\n";
}

void close_chart(std::string& out) {
  out += "<rect x=\"" + num(plot_left) + "\" y=\"" + num(plot_top) + "\" width=\"" + num(plot_width) + "\" height=\"" +
         num(plot_height) + "\" fill=\"none\" stroke=\"" + frame_colour + "\"/>\n</svg>\n";
}

void empty_note(std::string& out, const std::string& text) {
  out += "<text x=\"" + num(plot_left + plot_width / 2) + "\" y=\"" + num(plot_top + plot_height / 2) +
         "\" text-anchor=\"middle\" fill=\"" + text_colour + "\">" + escape_markup(text) + "</text>\n";
}

void y_axis(std::string& out, const Scale& scale, const std::string& label) {
  for (double tick : scale.ticks) {
    const std::string y = num(y_at(scale, tick));
    out += "<line x1=\"" + num(plot_left) + "\" y1=\"" + y + "\" x2=\"" + num(plot_left + plot_width) + "\" y2=\"" + y +
           "\" stroke=\"" + grid_colour + "\"/>\n";
    out += "<text x=\"" + num(plot_left - 6) + "\" y=\"" + y + "\" dy=\"0.35em\" text-anchor=\"end\" fill=\"" +
           text_colour + "\">" + escape_markup(compact_number(tick)) + "</text>\n";
  }
  const std::string x = "16";
  const std::string y = num(plot_top + plot_height / 2);
  out += "<text transform=\"translate(" + x + " " + y + ") rotate(-90)\" text-anchor=\"middle\" fill=\"" + text_colour +
         "\">" + escape_markup(label) + "</text>\n";
}

void x_axis_title(std::string& out, const std::string& label) {
  out += "<text x=\"" + num(plot_left + plot_width / 2) + "\" y=\"" + num(plot_bottom + 36) +
         "\" text-anchor=\"middle\" fill=\"" + text_colour + "\">" + escape_markup(label) + "</text>\n";
}

void x_tick(std::string& out, double x, const std::string& label) {
  out += "<line x1=\"" + num(x) + "\" y1=\"" + num(plot_bottom) + "\" x2=\"" + num(x) + "\" y2=\"" +
         num(plot_bottom + 4) + "\" stroke=\"" + frame_colour + "\"/>\n";
  out += "<text x=\"" + num(x) + "\" y=\"" + num(plot_bottom + 17) + "\" text-anchor=\"middle\" fill=\"" + text_colour +
         "\">" + escape_markup(label) + "</text>\n";
}

struct LegendEntry {
  std::string name;
  std::string colour;
};

// One row of swatches and names, centred below the x axis title.
void legend(std::string& out, const std::vector<LegendEntry>& entries) {
  constexpr double swatch = 12;
  constexpr double gap = 18;
  double total = 0;
  for (const auto& e : entries) total += swatch + 5 + text_width(e.name, 11) + gap;
  double x = std::max(4.0, (chart_width - total + gap) / 2);
  const double y = chart_height - 16;
  for (const auto& e : entries) {
    out += "<rect x=\"" + num(x) + "\" y=\"" + num(y - swatch + 2) + "\" width=\"" + num(swatch) + "\" height=\"" +
           num(swatch) + "\" fill=\"" + escape_markup(e.colour) + "\"/>\n";
    out += "<text x=\"" + num(x + swatch + 5) + "\" y=\"" + num(y) + "\" fill=\"" + text_colour + "\">" +
           escape_markup(e.name) + "</text>\n";
    x += swatch + 5 + text_width(e.name, 11) + gap;
  }
}

std::vector<ChartPoint> finite_points(const std::vector<ChartPoint>& points) {
  std::vector<ChartPoint> out;
  out.reserve(points.size());
  for (const auto& p : points) {
    if (std::isfinite(p.x) && std::isfinite(p.y)) out.push_back(p);
  }
  return out;
}

// At most `max_points`: per bucket of neighbouring points its lowest and highest, in x order.
std::vector<ChartPoint> thin(const std::vector<ChartPoint>& points, std::size_t max_points) {
  if (points.size() <= max_points) return points;
  const std::size_t buckets = max_points / 2;
  std::vector<ChartPoint> out;
  out.reserve(max_points);
  for (std::size_t b = 0; b < buckets; ++b) {
    const std::size_t begin = b * points.size() / buckets;
    const std::size_t end = (b + 1) * points.size() / buckets;
    if (begin == end) continue;
    auto [low, high] = std::minmax_element(points.begin() + static_cast<std::ptrdiff_t>(begin),
                                           points.begin() + static_cast<std::ptrdiff_t>(end),
                                           [](const ChartPoint& a, const ChartPoint& b) { return a.y < b.y; });
    if (low > high) std::swap(low, high);
    out.push_back(*low);
    if (high != low) out.push_back(*high);
  }
  return out;
}

std::string point_title(const LineChart& chart, const std::string& series, const std::string& x, double y) {
  return "<title>" +
         escape_markup(series + " at " + x + " " + chart.x_unit + ": " + compact_number(y) + " " + chart.y_unit) +
         "</title>";
}

void draw_line(std::string& out, const LineSeries& s, const Scale& xs, const Scale& ys, const LineChart& chart) {
  if (s.points.empty()) return;
  const std::string colour = escape_markup(s.colour);
  out += "<polyline fill=\"none\" stroke=\"" + colour +
         "\" stroke-width=\"2.5\" stroke-linejoin=\"round\" stroke-linecap=\"round\" points=\"";
  const char* sep = "";
  for (const auto& p : s.points) {
    out += sep + num(x_at(xs, p.x)) + "," + num(y_at(ys, p.y));
    sep = " ";
  }
  out += "\"><title>" + escape_markup(s.name) + "</title></polyline>\n";
  if (s.points.size() > max_markers) return;
  for (const auto& p : s.points) {
    out += "<circle cx=\"" + num(x_at(xs, p.x)) + "\" cy=\"" + num(y_at(ys, p.y)) + "\" r=\"3.5\" fill=\"" + colour +
           "\">" + point_title(chart, s.name, compact_number(p.x), p.y) + "</circle>\n";
  }
}

// Few steps are a rectangle each, with its value on hover; many are one outline.
void draw_steps(std::string& out, const LineSeries& s, const Scale& xs, const Scale& ys, const LineChart& chart) {
  if (s.points.empty()) return;
  const std::string colour = escape_markup(s.colour);
  const double base = y_at(ys, std::clamp(0.0, ys.lo, ys.hi));
  auto end_of = [&](std::size_t i) { return i + 1 < s.points.size() ? s.points[i + 1].x : s.points[i].x + s.step; };
  if (s.points.size() <= max_markers) {
    for (std::size_t i = 0; i < s.points.size(); ++i) {
      const auto& p = s.points[i];
      const double left = x_at(xs, p.x);
      const double top = std::min(y_at(ys, p.y), base);
      out += "<rect x=\"" + num(left) + "\" y=\"" + num(top) + "\" width=\"" + num(x_at(xs, end_of(i)) - left) +
             "\" height=\"" + num(std::fabs(base - y_at(ys, p.y))) + "\" fill=\"" + colour +
             "\" shape-rendering=\"crispEdges\">" +
             point_title(chart, s.name, compact_number(p.x) + "-" + compact_number(end_of(i)), p.y) + "</rect>\n";
    }
    return;
  }
  out += "<polygon fill=\"" + colour + "\" points=\"" + num(x_at(xs, s.points.front().x)) + "," + num(base);
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    const std::string y = num(y_at(ys, s.points[i].y));
    out += " " + num(x_at(xs, s.points[i].x)) + "," + y + " " + num(x_at(xs, end_of(i))) + "," + y;
  }
  out += " " + num(x_at(xs, end_of(s.points.size() - 1))) + "," + num(base) + "\"><title>" + escape_markup(s.name) +
         "</title></polygon>\n";
}

}  // namespace

std::string render_svg(const LineChart& chart) {
  std::vector<LineSeries> series;
  std::vector<LegendEntry> entries;
  double x_lo = INFINITY, x_hi = -INFINITY, y_lo = 0, y_hi = -INFINITY;
  for (const auto& s : chart.series) {
    entries.push_back({s.name, s.colour});
    auto points = finite_points(s.points);
    for (const auto& p : points) {
      x_lo = std::min(x_lo, p.x);
      x_hi = std::max(x_hi, p.x);
      y_lo = std::min(y_lo, p.y);
      y_hi = std::max(y_hi, p.y);
    }
    LineSeries drawn = s;
    drawn.points = thin(points, max_line_points);
    if (!(std::isfinite(drawn.step) && drawn.step > 0)) drawn.step = 1;
    if (s.style == SeriesStyle::steps && !points.empty()) x_hi = std::max(x_hi, points.back().x + drawn.step);
    series.push_back(std::move(drawn));
  }
  std::string out;
  open_chart(out, chart.title);
  if (!(x_hi >= x_lo)) {  // no point at all
    empty_note(out, chart.empty_text);
    x_axis_title(out, chart.x_label);
    legend(out, entries);
    close_chart(out);
    return out;
  }
  if (chart.x_from && std::isfinite(*chart.x_from)) x_lo = std::min(x_lo, *chart.x_from);
  const Scale xs = linear_scale(x_lo, x_hi, 8);
  const Scale ys = linear_scale(y_lo, y_hi);
  y_axis(out, ys, chart.y_label);
  for (double tick : xs.ticks) x_tick(out, x_at(xs, tick), compact_number(tick));
  x_axis_title(out, chart.x_label);
  // Steps first: an area under a line must not hide it.
  for (const auto& s : series) {
    if (s.style == SeriesStyle::steps) draw_steps(out, s, xs, ys, chart);
  }
  for (const auto& s : series) {
    if (s.style == SeriesStyle::line) draw_line(out, s, xs, ys, chart);
  }
  legend(out, entries);
  close_chart(out);
  return out;
}

std::string render_svg(const BarChart& chart) {
  std::vector<double> values;
  std::vector<LegendEntry> entries;
  for (const auto& s : chart.series) {
    entries.push_back({s.name, s.colour});
    for (std::size_t i = 0; i < s.values.size() && i < chart.categories.size(); ++i) {
      if (s.values[i] && std::isfinite(*s.values[i])) values.push_back(*s.values[i]);
    }
  }
  std::string out;
  open_chart(out, chart.title);
  if (values.empty()) {
    empty_note(out, chart.empty_text);
    x_axis_title(out, chart.x_label);
    legend(out, entries);
    close_chart(out);
    return out;
  }
  const Scale ys = value_scale(values);
  y_axis(out, ys, ys.log ? chart.y_label + " (log scale)" : chart.y_label);
  const double group = plot_width / static_cast<double>(chart.categories.size());
  const double series_count = static_cast<double>(std::max<std::size_t>(chart.series.size(), 1));
  const double bar = std::min(group * 0.76 / series_count, 48.0);  // a few categories: bars, not blocks
  const double inset = (group - bar * series_count) / 2;
  const double label_size = std::clamp(bar * 0.7, 6.0, 10.0);
  for (std::size_t i = 0; i < chart.categories.size(); ++i) {
    const double group_x = plot_left + group * static_cast<double>(i);
    x_tick(out, group_x + group / 2, chart.categories[i]);
    for (std::size_t j = 0; j < chart.series.size(); ++j) {
      const auto& s = chart.series[j];
      if (i >= s.values.size() || !s.values[i] || !std::isfinite(*s.values[i])) continue;
      const double value = *s.values[i];
      const double x = group_x + inset + bar * static_cast<double>(j);
      double top = y_at(ys, value);
      if (value > 0) top = std::min(top, plot_bottom - 1);  // a positive value is never invisible
      const std::string label = compact_number(value);
      out += "<rect x=\"" + num(x) + "\" y=\"" + num(top) + "\" width=\"" + num(bar * 0.92) + "\" height=\"" +
             num(plot_bottom - top) + "\" fill=\"" + escape_markup(s.colour) + "\"><title>" +
             escape_markup(s.name + " " + chart.categories[i] + ": " + label + " " + chart.unit) + "</title></rect>\n";
      // The value reads upwards from the bar's top, or downwards inside a bar too tall for that.
      const bool inside = top - 4 - text_width(label, label_size) < plot_top;
      const double text_x = x + bar * 0.46;
      const double text_y = inside ? top + 4 : top - 4;
      out += "<text transform=\"translate(" + num(text_x) + " " + num(text_y) + ") rotate(-90)\" dy=\"0.35em\"" +
             " text-anchor=\"" + (inside ? "end" : "start") + "\" font-size=\"" + num(label_size) + "\" fill=\"" +
             (inside ? "#ffffff" : text_colour) + "\">" + escape_markup(label) + "</text>\n";
    }
  }
  x_axis_title(out, chart.x_label);
  legend(out, entries);
  close_chart(out);
  return out;
}

}  // namespace rally::metrics
