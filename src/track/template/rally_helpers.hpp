#pragma once

// What Rally adds to Jinja: the rally.helpers macro exists_set_param and the days_ago
// filter (esrally/track/loader.py and esrally/time.py).

#include <string>

#include "filters.hpp"
#include "value.hpp"

namespace rally::track::templating {

// rally.exists_set_param(setting_name, value, default_value=none, comma=true): when the
// value is defined or a default is given, `, "setting_name": <value|default|tojson>` with
// the exact whitespace Rally's macro produces; otherwise nothing.
Value exists_set_param(const CallArgs& args);

// start | days_ago(end, date_format="%d-%m-%Y"): whole days from start to end, rounded
// down ((end - start).days in Python). Each date is a float (epoch seconds, as `now` is) or
// a string parsed with date_format as a UTC date; an int is an error, as in Rally.
Value days_ago(const Value& start, const CallArgs& args);

}  // namespace rally::track::templating
