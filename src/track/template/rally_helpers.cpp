#include "rally_helpers.hpp"

#include <cctype>
#include <cmath>
#include <map>
#include <optional>
#include <vector>

#include "python_format.hpp"
#include "utf8.hpp"

namespace rally::track::templating {

Value exists_set_param(const CallArgs& args) {
  auto a = bind_args("exists_set_param", args, {"setting_name", "value", "default_value", "comma"});
  Value value = a[1] ? *a[1] : Value::undefined("parameter 'value' was not provided");
  bool has_default = a[2] && !a[2]->is_none();
  if (value.is_undefined() && !has_default) return Value("");
  bool comma = a[3] ? truthy(*a[3]) : true;
  std::string name = a[0] ? to_str(*a[0]) : "";
  const Value& shown = (has_default && value.is_undefined()) ? *a[2] : value;
  // The whitespace of Rally's macro body, which Jinja renders verbatim around the tags.
  const std::string indent16(16, ' ');
  std::string out = "\n" + indent16 + (comma ? " , " : "") + "\n" + indent16 + "\n" + std::string(18, ' ') + "\"" +
                    name + "\": " + to_json(shown) + "\n" + indent16 + "\n" + std::string(14, ' ');
  return Value(std::move(out));
}

namespace {

constexpr std::int64_t kMicrosPerDay = 86'400'000'000;

// Days since 1970-01-01 of a proleptic Gregorian date.
std::int64_t days_from_civil(std::int64_t y, std::int64_t m, std::int64_t d) {
  y -= m <= 2 ? 1 : 0;
  std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  std::int64_t yoe = y - era * 400;
  std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// One piece of a strptime format: a directive, a literal character, or a run of
// whitespace (which Python turns into \s+).
struct FormatItem {
  enum { directive, literal, space } type;
  char32_t ch;
};

// Python's _strptime regex alternatives per directive, in the order the regex tries them.
std::vector<std::size_t> candidates(char directive, const std::string& s, std::size_t pos) {
  auto digit = [&](std::size_t k) {
    return pos + k < s.size() && std::isdigit(static_cast<unsigned char>(s[pos + k]));
  };
  auto in = [&](std::size_t k, char lo, char hi) { return pos + k < s.size() && s[pos + k] >= lo && s[pos + k] <= hi; };
  std::vector<std::size_t> out;
  switch (directive) {
    case 'd':  // 3[0-1]|[1-2]\d|0[1-9]|[1-9]| [1-9]
      if (in(0, '3', '3') && in(1, '0', '1')) out.push_back(2);
      if (in(0, '1', '2') && digit(1)) out.push_back(2);
      if (in(0, '0', '0') && in(1, '1', '9')) out.push_back(2);
      if (in(0, '1', '9')) out.push_back(1);
      if (in(0, ' ', ' ') && in(1, '1', '9')) out.push_back(2);
      break;
    case 'm':  // 1[0-2]|0[1-9]|[1-9]
      if (in(0, '1', '1') && in(1, '0', '2')) out.push_back(2);
      if (in(0, '0', '0') && in(1, '1', '9')) out.push_back(2);
      if (in(0, '1', '9')) out.push_back(1);
      break;
    case 'Y':
      if (digit(0) && digit(1) && digit(2) && digit(3)) out.push_back(4);
      break;
    case 'y':
      if (digit(0) && digit(1)) out.push_back(2);
      break;
    case 'H':  // 2[0-3]|[0-1]\d|\d
      if (in(0, '2', '2') && in(1, '0', '3')) out.push_back(2);
      if (in(0, '0', '1') && digit(1)) out.push_back(2);
      if (digit(0)) out.push_back(1);
      break;
    case 'M':  // [0-5]\d|\d
      if (in(0, '0', '5') && digit(1)) out.push_back(2);
      if (digit(0)) out.push_back(1);
      break;
    case 'S':  // 6[0-1]|[0-5]\d|\d
      if (in(0, '6', '6') && in(1, '0', '1')) out.push_back(2);
      if (in(0, '0', '5') && digit(1)) out.push_back(2);
      if (digit(0)) out.push_back(1);
      break;
    case 'f': {  // [0-9]{1,6}, greedy
      std::size_t n = 0;
      while (n < 6 && digit(n)) ++n;
      for (; n > 0; --n) out.push_back(n);
      break;
    }
    default:
      break;
  }
  return out;
}

class DateParser {
 public:
  DateParser(const std::string& text, const std::string& format) : s_(text), format_(format) {
    for (std::size_t i = 0; i < format.size();) {
      std::size_t n = 0;
      char32_t c = utf8::decode(format, i, &n);
      if (c == '%') {
        if (i + 1 >= format.size()) throw TemplateError("stray % in format '" + format + "'");
        char d = format[i + 1];
        if (d == '%') {
          items_.push_back({FormatItem::literal, '%'});
        } else if (std::string("dmYyHMSf").find(d) != std::string::npos) {
          for (const auto& it : items_) {
            if (it.type == FormatItem::directive && it.ch == static_cast<char32_t>(d))
              throw TemplateError("redefinition of group name '" + std::string(1, d) + "' in format '" + format + "'");
          }
          items_.push_back({FormatItem::directive, static_cast<char32_t>(d)});
        } else {
          throw TemplateError("the date format directive '%" + std::string(1, d) +
                              "' is not supported (supported: %d %m %Y %y %H %M %S %f %%)");
        }
        i += 2;
      } else if (utf8::is_space(c)) {
        if (items_.empty() || items_.back().type != FormatItem::space) items_.push_back({FormatItem::space, ' '});
        i += n;
      } else {
        items_.push_back({FormatItem::literal, c});
        i += n;
      }
    }
  }

  // Microseconds since the epoch of the parsed date, taken as UTC.
  std::int64_t parse() {
    auto end = match(0, 0);
    if (!end) throw TemplateError("time data " + string_repr(s_) + " does not match format " + string_repr(format_));
    if (*end != s_.size()) throw TemplateError("unconverted data remains: " + s_.substr(*end));
    auto get = [&](char d, std::int64_t fallback) {
      auto it = values_.find(d);
      return it == values_.end() ? fallback : std::stoll(it->second);
    };
    std::int64_t year = get('Y', -1);
    if (year < 0) {
      year = 1900;
      if (values_.count('y')) {
        std::int64_t y = get('y', 0);
        year = y <= 68 ? 2000 + y : 1900 + y;
      }
    }
    std::int64_t month = get('m', 1), day = get('d', 1), hour = get('H', 0), minute = get('M', 0), second = get('S', 0);
    std::int64_t micros = 0;
    if (values_.count('f')) {
      std::string f = values_['f'];
      f.resize(6, '0');
      micros = std::stoll(f);
    }
    static const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1) throw TemplateError("year " + std::to_string(year) + " is out of range");
    if (day > month_days[month - 1] + (month == 2 && leap(year) ? 1 : 0))
      throw TemplateError("day is out of range for month");
    if (second > 59) throw TemplateError("second must be in 0..59");
    std::int64_t seconds = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
    return seconds * 1'000'000 + micros;
  }

 private:
  // Regex semantics: the first way the whole pattern matches, trying alternatives in
  // order; whether the text is used up is checked afterwards, as Python does.
  std::optional<std::size_t> match(std::size_t item, std::size_t pos) {
    if (item == items_.size()) return pos;
    const FormatItem& it = items_[item];
    if (it.type == FormatItem::literal) {
      if (pos >= s_.size()) return std::nullopt;
      std::size_t n = 0;
      char32_t c = utf8::decode(s_, pos, &n);
      auto fold = [](char32_t x) { return x < 0x80 ? static_cast<char32_t>(std::tolower(static_cast<int>(x))) : x; };
      if (fold(c) != fold(it.ch)) return std::nullopt;
      return match(item + 1, pos + n);
    }
    if (it.type == FormatItem::space) {
      std::vector<std::size_t> ends;
      for (std::size_t p = pos; p < s_.size();) {
        std::size_t n = 0;
        if (!utf8::is_space(utf8::decode(s_, p, &n))) break;
        p += n;
        ends.push_back(p);
      }
      for (auto e = ends.rbegin(); e != ends.rend(); ++e) {
        if (auto r = match(item + 1, *e)) return r;
      }
      return std::nullopt;
    }
    auto d = static_cast<char>(it.ch);
    for (std::size_t len : candidates(d, s_, pos)) {
      values_[d] = s_.substr(pos, len);
      if (auto r = match(item + 1, pos + len)) return r;
    }
    values_.erase(d);
    return std::nullopt;
  }

  const std::string& s_;
  const std::string& format_;
  std::vector<FormatItem> items_;
  std::map<char, std::string> values_;
};

// datetime.fromtimestamp(t, timezone.utc), in microseconds: rounded half to even.
std::int64_t micros_from_timestamp(double t) {
  if (!std::isfinite(t) || t < -62135596800.0 || t >= 253402300800.0)
    throw TemplateError("timestamp " + float_repr(t) + " is out of range");
  double whole = 0;
  double frac = std::modf(t, &whole) * 1e6;
  double rounded = std::round(frac);
  if (std::fabs(frac - rounded) == 0.5) rounded = 2.0 * std::round(frac / 2.0);
  auto seconds = static_cast<std::int64_t>(whole);
  auto micros = static_cast<std::int64_t>(rounded);
  return seconds * 1'000'000 + micros;
}

std::int64_t to_micros(const Value& v, const std::string& format) {
  if (v.is_float()) return micros_from_timestamp(v.as_float());
  if (v.is_string()) return DateParser(v.as_string(), format).parse();
  if (v.is_undefined()) fail_undefined(v);
  throw TemplateError("Cannot convert unrecognized type '" + type_name(v) + "' with value '" + to_str(v) +
                      "' to datetime (days_ago takes a float timestamp or a date string)");
}

}  // namespace

Value days_ago(const Value& start, const CallArgs& args) {
  auto a = bind_args("days_ago", args, {"end_date", "date_format", "default_tz"});
  if (!a[0]) throw TemplateError("days_ago() missing 1 required positional argument: 'end_date'");
  if (a[2]) throw TemplateError("days_ago(default_tz=...) is not supported");
  std::string format = a[1] ? to_str(*a[1]) : "%d-%m-%Y";
  std::int64_t delta = to_micros(*a[0], format) - to_micros(start, format);
  std::int64_t days = delta / kMicrosPerDay;
  if (delta % kMicrosPerDay != 0 && delta < 0) --days;  // timedelta.days rounds down
  return days;
}

}  // namespace rally::track::templating
