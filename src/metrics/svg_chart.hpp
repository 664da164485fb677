#pragma once

#include <optional>
#include <string>
#include <vector>

// Charts as inline SVG for the HTML report: self-contained markup (no scripts, fonts or
// references), every text escaped, every number finite.
namespace rally::metrics {

struct ChartPoint {
  double x = 0;
  double y = 0;
};

// How a series is drawn: a line through its points (with markers when there are few), or
// filled steps: each point's y holds from its x to the next point's x (the last one's for
// `step`), filled down to 0, as a value measured over an interval.
enum class SeriesStyle { line, steps };

struct LineSeries {
  std::string name;
  std::string colour;              // "#rrggbb"
  std::vector<ChartPoint> points;  // in x order; points with a NaN or infinite coordinate are left out
  SeriesStyle style = SeriesStyle::line;
  double step = 1;  // steps: the width of the last one
};

struct LineChart {
  std::string title;
  std::string x_label;  // axis titles, e.g. "seconds since the task started"
  std::string y_label;
  std::string x_unit;  // for the tooltips of points, e.g. "s"
  std::string y_unit;
  std::optional<double> x_from;  // the x axis starts here (or at the smallest x if that is smaller)
  std::vector<LineSeries> series;
  std::string empty_text = "no samples";
};

struct BarSeries {
  std::string name;
  std::string colour;
  std::vector<std::optional<double>> values;  // one per category; none: no bar there
};

// Grouped bars: per category one bar of each series, each labelled with its value.
struct BarChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::string unit;  // of the values, for labels and tooltips
  std::vector<std::string> categories;
  std::vector<BarSeries> series;
  std::string empty_text = "no samples";
};

// The chart's plot area is filled with this colour (the legend and text are outside it).
inline constexpr const char* chart_plot_background = "#f5f7fa";
inline constexpr int chart_width = 540;
inline constexpr int chart_height = 320;

std::string render_svg(const LineChart& chart);
std::string render_svg(const BarChart& chart);

}  // namespace rally::metrics
