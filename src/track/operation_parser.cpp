#include "operation_parser.hpp"

#include <algorithm>
#include <limits>

#include "operation_parser_support.hpp"

namespace rally::track {

using detail::parse_request_params;
using detail::scalar_to_string;

namespace {

struct TypeInfo {
  const char* name;
  OperationType type;
  bool admin;  // administrative operations are hidden from the report unless they fail
};

constexpr TypeInfo known_types[] = {
    {"bulk", OperationType::bulk, false},
    {"search", OperationType::search, false},
    {"create-index", OperationType::create_index, true},
    {"delete-index", OperationType::delete_index, true},
    {"cluster-health", OperationType::cluster_health, true},
    {"refresh", OperationType::refresh, true},
    {"force-merge", OperationType::force_merge, true},
    {"index-stats", OperationType::index_stats, false},
    {"node-stats", OperationType::node_stats, false},
    {"raw-request", OperationType::raw_request, false},
    {"sleep", OperationType::sleep, false},
    {"put-pipeline", OperationType::put_pipeline, true},
    {"put-settings", OperationType::put_settings, true},
    {"create-index-template", OperationType::create_index_template, true},
    {"delete-index-template", OperationType::delete_index_template, true},
    {"create-composable-template", OperationType::create_composable_template, true},
    {"delete-composable-template", OperationType::delete_composable_template, true},
    {"create-component-template", OperationType::create_component_template, true},
    {"delete-component-template", OperationType::delete_component_template, true},
    {"create-data-stream", OperationType::create_data_stream, true},
    {"delete-data-stream", OperationType::delete_data_stream, true},
    {"scroll-search", OperationType::scroll_search, false},
    {"paginated-search", OperationType::paginated_search, false},
    {"open-point-in-time", OperationType::open_point_in_time, false},
    {"close-point-in-time", OperationType::close_point_in_time, false},
    {"composite", OperationType::composite, false},
};

template <class Enum>
Enum parse_choice(const JsonNode& node, std::initializer_list<std::pair<const char*, Enum>> choices) {
  auto text = node.as_string();
  std::string names;
  for (const auto& [name, value] : choices) {
    if (text == name) return value;
    names += (names.empty() ? "" : ", ") + std::string(name);
  }
  node.fail("'" + text + "' is not one of " + names);
}

RetryPolicy parse_retry(const JsonNode& node) {
  RetryPolicy r;
  r.until_success = node.bool_or("retry-until-success", false);
  if (auto retries = node.optional_uint("retries"))
    r.retries = static_cast<std::uint32_t>(std::min<std::uint64_t>(*retries, 1'000'000));
  r.wait_period_s = node.optional_double("retry-wait-period").value_or(0.5);
  r.on_timeout = node.bool_or("retry-on-timeout", r.retries > 0 || r.until_success);
  r.on_error = node.bool_or("retry-on-error", false);
  return r;
}

}  // namespace

OperationParser::OperationParser(const JsonNode& root, const Track& track) : track_(track) {
  auto list = root.find("operations");
  if (!list) return;
  for (const auto& node : list->elements()) {
    auto op = parse(node);
    if (named_.count(op.name)) node.child("name").fail("the operation name '" + op.name + "' is used twice");
    named_.emplace(op.name, std::move(op));
  }
}

Operation OperationParser::named(const JsonNode& reference) const {
  auto name = reference.as_string();
  auto it = named_.find(name);
  if (it == named_.end()) reference.fail("unknown operation '" + name + "' (not in 'operations')");
  return it->second;
}

Operation OperationParser::inline_operation(const JsonNode& node) const { return parse(node); }

std::string_view to_string(OperationType type) {
  for (const auto& t : known_types) {
    if (t.type == type) return t.name;
  }
  return "unknown";
}

std::string OperationParser::default_index(const JsonNode& node) const {
  if (track_.indices.size() == 1) return track_.indices.front().name;
  node.fail("'index' is required because the track does not define exactly one index");
}

Operation OperationParser::parse(const JsonNode& node, PitNames* composite) const {
  Operation op;
  auto type_node = node.child("operation-type");
  // Inside a composite only an open-point-in-time needs a name (the PIT is known by it).
  op.name = composite && !node.has("name") ? type_node.as_string() : node.required_string("name");
  auto type_name = type_node.as_string();
  auto info = std::find_if(std::begin(known_types), std::end(known_types),
                           [&](const TypeInfo& t) { return type_name == t.name; });
  if (info == std::end(known_types)) {
    std::string names;
    for (const auto& t : known_types) names += (names.empty() ? "" : ", ") + std::string(t.name);
    type_node.fail("unknown operation-type '" + type_name + "' (supported: " + names + ")");
  }
  op.type = info->type;
  op.include_in_reporting = node.bool_or("include-in-reporting", !info->admin);
  op.request_timeout_s = node.optional_double("request-timeout").value_or(0);
  op.retry = parse_retry(node);
  if (auto headers = node.find("headers")) {
    if (!headers->value().is_object()) headers->fail("expected an object but got " + describe(headers->value()));
    for (const auto& [key, value] : headers->value().items()) {
      JsonNode item(value, headers->file(), headers->path() + "." + key);
      auto text = scalar_to_string(item);
      if (key.empty() || key.find_first_of(":\r\n ") != std::string::npos ||
          text.find_first_of("\r\n") != std::string::npos)
        item.fail("not a valid HTTP header");
      op.headers.emplace_back(key, std::move(text));
    }
  }
  if (auto opaque = node.find("opaque-id")) op.headers.emplace_back("X-Opaque-Id", opaque->as_string());
  op.assertions = detail::parse_assertions(node);

  switch (op.type) {
    case OperationType::bulk: {
      BulkParams p;
      auto bulk_size = node.child("bulk-size");
      auto size = bulk_size.as_uint(1);
      if (size > std::numeric_limits<std::uint32_t>::max())  // would be truncated, e.g. 2^32 to 0
        bulk_size.fail("expected an integer between 1 and 4294967295 but got " + describe(bulk_size.value()));
      p.bulk_size = static_cast<std::uint32_t>(size);
      p.ingest_percentage = node.optional_double("ingest-percentage").value_or(100);
      if (p.ingest_percentage <= 0 || p.ingest_percentage > 100)
        node.child("ingest-percentage").fail("expected a percentage in (0, 100]");
      if (auto conflicts = node.find("conflicts"))
        p.conflicts =
            parse_choice<Conflicts>(*conflicts, {{"sequential", Conflicts::sequential}, {"random", Conflicts::random}});
      p.conflict_probability = node.optional_double("conflict-probability").value_or(25);
      if (p.conflict_probability > 100) node.child("conflict-probability").fail("expected a percentage in [0, 100]");
      if (auto on_conflict = node.find("on-conflict"))
        p.on_conflict =
            parse_choice<OnConflict>(*on_conflict, {{"index", OnConflict::index}, {"update", OnConflict::update}});
      if (node.optional_double("recency").value_or(0) != 0)
        node.child("recency").fail("a recency other than 0 is not supported by this version of rally");
      p.pipeline = node.string_or("pipeline", "");
      p.looped = node.bool_or("looped", false);
      p.detailed_results = node.bool_or("detailed-results", false);
      if (auto corpora = node.find("corpora")) {
        if (corpora->value().is_string()) {
          p.corpora.push_back(corpora->as_string());
        } else {
          for (const auto& c : corpora->elements()) p.corpora.push_back(c.as_string());
        }
        for (const auto& name : p.corpora) {
          bool known = std::any_of(track_.corpora.begin(), track_.corpora.end(),
                                   [&](const Corpus& c) { return c.name == name; });
          if (!known) corpora->fail("unknown corpus '" + name + "'");
        }
      }
      if (track_.corpora.empty()) node.fail("a bulk operation needs a track with 'corpora'");
      op.params = std::move(p);
      break;
    }
    case OperationType::search:
    case OperationType::scroll_search:
    case OperationType::paginated_search:
      op.params = parse_search(node, op.type, composite);
      break;
    case OperationType::create_index: {
      CreateIndexParams p;
      Json settings = Json::object();
      if (auto s = node.find("settings")) {
        if (!s->value().is_object()) s->fail("expected an object but got " + describe(s->value()));
        settings = s->value();
      }
      if (auto index = node.find("index")) {
        p.indices.push_back(Index{index->as_string(), ""});
      } else {
        p.indices = track_.indices;
        if (p.indices.empty()) node.fail("the track defines no indices; name one with 'index'");
      }
      if (!settings.empty()) {
        for (auto& index : p.indices) {
          Json body = index.body.empty() ? Json::object() : Json::parse(index.body);
          body["settings"].update(settings, true);
          index.body = body.dump();
        }
      }
      p.request_params = parse_request_params(node);
      op.params = std::move(p);
      break;
    }
    case OperationType::delete_index: {
      DeleteIndexParams p;
      if (auto index = node.find("index")) {
        p.indices.push_back(index->as_string());
      } else {
        for (const auto& i : track_.indices) p.indices.push_back(i.name);
        if (p.indices.empty()) node.fail("the track defines no indices; name one with 'index'");
      }
      p.request_params = parse_request_params(node);
      op.params = std::move(p);
      break;
    }
    case OperationType::cluster_health: {
      ClusterHealthParams p;
      p.index = node.string_or("index", "");
      p.request_params = parse_request_params(node);
      for (const auto& [key, value] : p.request_params) {
        if (key == "wait_for_status") {
          if (value != "green" && value != "yellow" && value != "red")
            node.child("request-params").fail("wait_for_status must be green, yellow or red, not '" + value + "'");
          p.expected_status = value;
        }
      }
      op.params = std::move(p);
      break;
    }
    case OperationType::refresh: {
      RefreshParams p;
      p.index = node.string_or("index", "");
      op.params = std::move(p);
      break;
    }
    case OperationType::force_merge: {
      ForceMergeParams p;
      p.index = node.string_or("index", "");
      if (auto segments = node.optional_uint("max-num-segments", 1))
        p.max_num_segments = static_cast<std::uint32_t>(*segments);
      if (auto mode = node.find("mode")) {
        auto text = mode->as_string();
        if (text != "blocking" && text != "polling") mode->fail("'" + text + "' is not one of blocking, polling");
        p.polling = text == "polling";
      }
      if (auto period = node.find("poll-period")) {
        p.poll_period_s = period->as_double();
        if (p.poll_period_s <= 0) period->fail("expected a number of seconds > 0");
      }
      p.request_params = parse_request_params(node);
      op.params = std::move(p);
      break;
    }
    case OperationType::index_stats: {
      IndexStatsParams p;
      p.index = node.string_or("index", "_all");
      if (auto condition = node.find("condition")) {
        p.condition_path = condition->required_string("path");
        p.expected_value = condition->child("expected-value").value();
      }
      p.request_params = parse_request_params(node);
      op.params = std::move(p);
      break;
    }
    case OperationType::node_stats: {
      NodeStatsParams p;
      p.request_params = parse_request_params(node);
      op.params = std::move(p);
      break;
    }
    case OperationType::raw_request:
      op.params = detail::parse_raw_request(node);
      break;
    case OperationType::sleep:
      op.params = SleepParams{node.child("duration").as_double()};
      break;
    case OperationType::put_pipeline:
      op.params = PutPipelineParams{node.required_string("id"), detail::object_body(node.child("body")),
                                    parse_request_params(node)};
      break;
    case OperationType::put_settings:
      op.params = PutSettingsParams{detail::object_body(node.child("body")), parse_request_params(node)};
      break;
    case OperationType::create_index_template:
    case OperationType::create_composable_template:
    case OperationType::create_component_template:
      op.params = detail::parse_create_templates(node, track_, op.type);
      break;
    case OperationType::delete_index_template:
    case OperationType::delete_composable_template:
    case OperationType::delete_component_template:
      op.params = detail::parse_delete_templates(node, track_, op.type);
      break;
    case OperationType::create_data_stream:
    case OperationType::delete_data_stream:
      op.params = detail::parse_data_streams(node, track_);
      break;
    case OperationType::open_point_in_time: {
      if (!composite) node.fail("open-point-in-time is only allowed inside a composite operation");
      if (!node.has("name")) node.fail("'name' is required: later requests find the point in time by it");
      OpenPointInTimeParams p;
      p.index = node.has("index") ? node.child("index").as_string() : default_index(node);
      p.keep_alive = node.string_or("keep-alive", "1m");
      p.request_params = parse_request_params(node);
      composite->push_back(op.name);
      op.params = std::move(p);
      break;
    }
    case OperationType::close_point_in_time: {
      if (!composite) node.fail("close-point-in-time is only allowed inside a composite operation");
      auto from = node.child("with-point-in-time-from");
      if (std::find(composite->begin(), composite->end(), from.as_string()) == composite->end())
        from.fail("no open-point-in-time operation named '" + from.as_string() +
                  "' precedes this one in the composite");
      op.params = ClosePointInTimeParams{from.as_string(), parse_request_params(node)};
      break;
    }
    case OperationType::composite:
      if (composite) node.fail("a composite cannot hold another composite");
      op.params = parse_composite(node);
      break;
  }
  return op;
}

}  // namespace rally::track
