#include "rally/metrics/store_templates.hpp"

namespace rally::metrics {

namespace {

using nlohmann::json;

json keyword() { return {{"type", "keyword"}}; }

json race_timestamp() {
  return {{"type", "date"}, {"format", "basic_date_time_no_millis"}, {"fields", {{"raw", keyword()}}}};
}

json settings(const StoreConfig& config) {
  json index = {{"refresh_interval", "5s"}, {"mapping.total_fields.limit", 2000}};
  if (config.number_of_shards) index["number_of_shards"] = *config.number_of_shards;
  if (config.number_of_replicas) index["number_of_replicas"] = *config.number_of_replicas;
  return {{"index", index}};
}

// Strings are keywords unless a template says otherwise; numbers found under `numbers_path`
// (the values of results, the percentiles of metrics) are doubles, never longs that would cut
// a later fraction.
json dynamic_templates(const std::string& numbers_path) {
  return json::array({
      {{"strings", {{"match_mapping_type", "string"}, {"mapping", keyword()}}}},
      {{"whole_numbers",
        {{"path_match", numbers_path}, {"match_mapping_type", "long"}, {"mapping", {{"type", "double"}}}}}},
      {{"fractions",
        {{"path_match", numbers_path}, {"match_mapping_type", "double"}, {"mapping", {{"type", "double"}}}}}},
  });
}

json common_properties() {
  return {{"race-id", keyword()},      {"race-timestamp", race_timestamp()},
          {"environment", keyword()},  {"track", keyword()},
          {"challenge", keyword()},    {"car", keyword()},
          {"rally-version", keyword()}};
}

json metrics_template(const StoreConfig& config) {
  auto properties = common_properties();
  properties.update({{"@timestamp", {{"type", "date"}, {"format", "epoch_millis"}}},
                     {"relative-time", {{"type", "long"}}},
                     {"name", keyword()},
                     {"value", {{"type", "double"}}},
                     {"min", {{"type", "double"}}},
                     {"mean", {{"type", "double"}}},
                     {"median", {{"type", "double"}}},
                     {"max", {{"type", "double"}}},
                     {"unit", keyword()},
                     {"sample-type", keyword()},
                     {"task", keyword()},
                     {"operation", keyword()},
                     {"operation-type", keyword()}});
  return {{"index_patterns", json::array({"rally-metrics-*"})},
          {"settings", settings(config)},
          {"mappings",
           {{"date_detection", false},
            {"dynamic_templates", dynamic_templates("percentiles.*")},
            {"properties", properties}}}};
}

json races_template(const StoreConfig& config) {
  auto properties = common_properties();
  properties.update({{"pipeline", keyword()},
                     {"status", keyword()},
                     {"results", {{"properties", {{"op_metrics", {{"type", "nested"}}}}}}}});
  return {
      {"index_patterns", json::array({"rally-races-*"})},
      {"settings", settings(config)},
      {"mappings",
       {{"date_detection", false}, {"dynamic_templates", dynamic_templates("results.*")}, {"properties", properties}}}};
}

json results_template(const StoreConfig& config) {
  auto properties = common_properties();
  json value = {{"type", "object"},
                {"properties",
                 {{"single", {{"type", "double"}}},
                  {"min", {{"type", "double"}}},
                  {"mean", {{"type", "double"}}},
                  {"median", {{"type", "double"}}},
                  {"max", {{"type", "double"}}},
                  {"unit", keyword()}}}};
  properties.update({{"active", {{"type", "boolean"}}},
                     {"distribution-flavor", keyword()},
                     {"distribution-version", keyword()},
                     {"distribution-major-version", {{"type", "short"}}},
                     {"task", keyword()},
                     {"operation", keyword()},
                     {"name", keyword()},
                     {"value", value}});
  return {
      {"index_patterns", json::array({"rally-results-*"})},
      {"settings", settings(config)},
      {"mappings",
       {{"date_detection", false}, {"dynamic_templates", dynamic_templates("value.*")}, {"properties", properties}}}};
}

}  // namespace

std::vector<StoreTemplate> store_templates(const StoreConfig& config) {
  return {{"rally-metrics", metrics_template(config)},
          {"rally-races", races_template(config)},
          {"rally-results", results_template(config)}};
}

}  // namespace rally::metrics
