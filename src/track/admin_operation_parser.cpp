// Parameters of the administrative operations: templates, data streams, raw requests.

#include <algorithm>
#include <cctype>

#include "operation_parser_support.hpp"

namespace rally::track::detail {

namespace {

struct TemplateKind {
  const char* what;  // for messages
  const char* track_key;
  bool has_index_pattern;
  bool settings_under_template;  // composable and component templates: template.settings
};

TemplateKind kind_of(OperationType type) {
  switch (type) {
    case OperationType::create_index_template:
    case OperationType::delete_index_template:
      return {"index templates", "templates", true, false};
    case OperationType::create_composable_template:
    case OperationType::delete_composable_template:
      return {"composable templates", "composable-templates", true, true};
    default:
      return {"component templates", "component-templates", false, true};
  }
}

// The track's templates of the kind, as TemplateOps.
std::vector<TemplateOp> track_templates(const Track& track, OperationType type) {
  std::vector<TemplateOp> out;
  switch (type) {
    case OperationType::create_index_template:
    case OperationType::delete_index_template:
      for (const auto& t : track.templates) out.push_back({t.name, t.body, t.index_pattern, t.delete_matching_indices});
      break;
    case OperationType::create_composable_template:
    case OperationType::delete_composable_template:
      for (const auto& t : track.composable_templates)
        out.push_back({t.name, t.body, t.index_pattern, t.delete_matching_indices});
      break;
    default:
      for (const auto& t : track.component_templates) out.push_back({t.name, t.body, "", false});
  }
  return out;
}

// The track's templates of the kind, or the one `template` names (which must be one of them).
std::vector<TemplateOp> select_templates(const JsonNode& node, const Track& track, OperationType type) {
  auto kind = kind_of(type);
  auto all = track_templates(track, type);
  auto name = node.find("template");
  if (!name) return all;
  auto wanted = name->as_string();
  auto it = std::find_if(all.begin(), all.end(), [&](const TemplateOp& t) { return t.name == wanted; });
  if (it == all.end()) name->fail("unknown template '" + wanted + "' (not in the track's '" + kind.track_key + "')");
  return {*it};
}

}  // namespace

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
  for (const auto& [key, value] : expect_object(*node).items()) {
    JsonNode item(value, node->file(), node->path() + "." + key);
    params.emplace_back(key, scalar_to_string(item));
  }
  return params;
}

const Json& expect_object(const JsonNode& node) {
  if (!node.value().is_object()) node.fail("expected an object but got " + describe(node.value()));
  return node.value();
}

std::string object_body(const JsonNode& body) { return expect_object(body).dump(); }

TemplateParams parse_create_templates(const JsonNode& node, const Track& track, OperationType type) {
  auto kind = kind_of(type);
  TemplateParams p;
  p.request_params = parse_request_params(node);
  bool inline_template = node.has("template") && node.has("body");
  if (inline_template) {
    p.templates.push_back({node.child("template").as_string(), object_body(node.child("body")), "", false});
  } else {
    if (track_templates(track, type).empty())
      node.fail(std::string("the track defines no ") + kind.what + "; name one with 'template' and give its 'body'");
    p.templates = select_templates(node, track, type);
  }
  if (auto s = node.find("settings")) {
    const auto& settings = expect_object(*s);
    for (auto& t : p.templates) {
      Json body = Json::parse(t.body);
      auto& target = kind.settings_under_template ? body["template"]["settings"] : body["settings"];
      if (target.is_null()) target = Json::object();
      target.update(settings, true);
      t.body = body.dump();
    }
  }
  return p;
}

TemplateParams parse_delete_templates(const JsonNode& node, const Track& track, OperationType type) {
  auto kind = kind_of(type);
  TemplateParams p;
  p.request_params = parse_request_params(node);
  auto override_delete = node.find("delete-matching-indices");
  if (override_delete && !kind.has_index_pattern)
    override_delete->fail("component templates have no indices to delete");
  if (track_templates(track, type).empty()) {
    // Rally: without templates in the track, the operation names the template itself.
    if (!node.has("template"))
      node.fail(std::string("the track defines no ") + kind.what + "; name the template to delete with 'template'");
    TemplateOp t{node.child("template").as_string(), "", "", false};
    t.delete_matching_indices = override_delete && override_delete->as_bool();
    if (t.delete_matching_indices) t.index_pattern = node.required_string("index-pattern");
    p.templates.push_back(std::move(t));
    return p;
  }
  p.templates = select_templates(node, track, type);
  for (auto& t : p.templates) {
    t.body.clear();
    if (override_delete) t.delete_matching_indices = override_delete->as_bool();
    // Never a delete of everything: an empty pattern deletes nothing.
    if (t.index_pattern.empty()) t.delete_matching_indices = false;
  }
  return p;
}

DataStreamParams parse_data_streams(const JsonNode& node, const Track& track) {
  DataStreamParams p;
  p.request_params = parse_request_params(node);
  if (auto name = node.find("data-stream")) {
    auto wanted = name->as_string();
    bool known = std::any_of(track.data_streams.begin(), track.data_streams.end(),
                             [&](const DataStream& d) { return d.name == wanted; });
    // Rally: a track without data-streams may name any; one with them must name one of them.
    if (!known && !track.data_streams.empty())
      name->fail("unknown data stream '" + wanted + "' (not in the track's 'data-streams')");
    p.data_streams.push_back(wanted);
    return p;
  }
  for (const auto& d : track.data_streams) p.data_streams.push_back(d.name);
  if (p.data_streams.empty()) node.fail("the track defines no data-streams; name one with 'data-stream'");
  return p;
}

RawRequestParams parse_raw_request(const JsonNode& node) {
  RawRequestParams p;
  if (auto method = node.find("method")) {
    p.method = method->as_string();
    std::transform(p.method.begin(), p.method.end(), p.method.begin(), [](unsigned char c) { return std::toupper(c); });
    static constexpr const char* methods[] = {"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"};
    if (std::find(std::begin(methods), std::end(methods), p.method) == std::end(methods))
      method->fail("'" + p.method + "' is not one of GET, POST, PUT, DELETE, HEAD, PATCH");
  }
  auto path = node.child("path");
  p.path = path.as_string();
  if (p.path.empty() || p.path.front() != '/' || p.path.find_first_of(" \r\n") != std::string::npos)
    path.fail("expected a path starting with '/' but got \"" + p.path + "\"");
  if (auto body = node.find("body")) {
    const auto& v = body->value();
    if (v.is_string()) {
      p.body = v.get<std::string>();
    } else if (v.is_object() || v.is_array()) {
      p.body = v.dump();
    } else {
      body->fail("expected an object, array or string but got " + describe(v));
    }
  }
  p.request_params = parse_request_params(node);
  return p;
}

}  // namespace rally::track::detail
