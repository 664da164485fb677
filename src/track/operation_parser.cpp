#include "operation_parser.hpp"

#include <algorithm>
#include <limits>

namespace rally::track {

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
};

std::string scalar_to_string(const JsonNode& node) {
  const auto& v = node.value();
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number()) return v.dump();
  node.fail("expected a string, number or boolean but got " + describe(v));
}

RequestParams parse_request_params(const JsonNode& op) {
  RequestParams params;
  auto node = op.find("request-params");
  if (!node) return params;
  if (!node->value().is_object()) node->fail("expected an object but got " + describe(node->value()));
  for (const auto& [key, value] : node->value().items()) {
    JsonNode item(value, node->file(), node->path() + "." + key);
    params.emplace_back(key, scalar_to_string(item));
  }
  return params;
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

std::string OperationParser::default_index(const JsonNode& node) const {
  if (track_.indices.size() == 1) return track_.indices.front().name;
  node.fail("'index' is required because the track does not define exactly one index");
}

Operation OperationParser::parse(const JsonNode& node) const {
  Operation op;
  op.name = node.required_string("name");
  auto type_node = node.child("operation-type");
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

  switch (op.type) {
    case OperationType::bulk: {
      BulkParams p;
      auto bulk_size = node.child("bulk-size");
      auto size = bulk_size.as_uint(1);
      if (size > std::numeric_limits<std::uint32_t>::max())  // would be truncated, e.g. 2^32 to 0
        bulk_size.fail("expected an integer between 1 and 4294967295 but got " + describe(bulk_size.value()));
      p.bulk_size = static_cast<std::uint32_t>(size);
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
    case OperationType::search: {
      SearchParams p;
      p.index = node.has("index") ? node.child("index").as_string() : default_index(node);
      if (auto body = node.find("body")) {
        if (!body->value().is_object()) body->fail("expected an object but got " + describe(body->value()));
        p.body = body->value().dump();
      }
      p.request_params = parse_request_params(node);
      if (auto cache = node.find("cache"))
        p.request_params.emplace_back("request_cache", cache->as_bool() ? "true" : "false");
      op.params = std::move(p);
      break;
    }
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
  }
  return op;
}

}  // namespace rally::track
