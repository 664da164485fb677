// Parameters of the search family (search, scroll-search, paginated-search), points in time,
// composite operations and assertions.

#include <algorithm>
#include <limits>

#include "operation_parser.hpp"
#include "operation_parser_support.hpp"

namespace rally::track {

namespace {

// Fills `into` (a JSON pointer) of the body with the corpus terms at run time: checked here.
TermsFromCorpus parse_terms(const JsonNode& node, const Json& body, const Track& track) {
  TermsFromCorpus t;
  t.corpus = node.required_string("corpus");
  bool known =
      std::any_of(track.corpora.begin(), track.corpora.end(), [&](const Corpus& c) { return c.name == t.corpus; });
  if (!known) node.child("corpus").fail("unknown corpus '" + t.corpus + "'");
  t.field = node.required_string("field");
  t.every = node.optional_uint("every", 1).value_or(250);
  t.first_document = node.optional_uint("first-document").value_or(0);
  t.into = node.required_string("into");
  try {
    if (!body.at(Json::json_pointer(t.into)).is_array())
      node.child("into").fail("'" + t.into + "' is not an array in the body");
  } catch (const Json::exception&) {
    node.child("into").fail("'" + t.into + "' does not name an array in the body");
  }
  if (auto random = node.find("random-term")) {
    t.random_term_min = random->child("min").as_uint();
    t.random_term_max = random->child("max").as_uint(t.random_term_min);
  }
  return t;
}

std::uint32_t parse_pages(const JsonNode& pages) {
  if (pages.value().is_string()) {
    if (pages.as_string() != "all")
      pages.fail("expected an integer >= 1 or \"all\" but got " + describe(pages.value()));
    return SearchParams::all_pages;
  }
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(pages.as_uint(1), 1'000'000));
}

// The point in time a paginated search or close-point-in-time uses: an open-point-in-time
// operation earlier in the same composite.
std::string parse_pit_from(const JsonNode& node, const std::vector<std::string>* composite) {
  auto from = node.child("with-point-in-time-from");
  auto name = from.as_string();
  if (!composite) from.fail("a point in time is only available inside a composite operation");
  if (std::find(composite->begin(), composite->end(), name) == composite->end())
    from.fail("no open-point-in-time operation named '" + name + "' precedes this one in the composite");
  return name;
}

}  // namespace

SearchParams OperationParser::parse_search(const JsonNode& node, OperationType type, const PitNames* composite) const {
  SearchParams p;
  if (node.has("with-point-in-time-from")) {
    p.pit_from = parse_pit_from(node, composite);
    if (node.has("index")) node.child("index").fail("a search with a point in time takes its indices from the PIT");
  } else {
    p.index = node.has("index") ? node.child("index").as_string() : default_index(node);
  }
  if (auto body = node.find("body")) p.body = detail::object_body(*body);
  p.request_params = detail::parse_request_params(node);
  if (auto cache = node.find("cache"))
    p.request_params.emplace_back("request_cache", cache->as_bool() ? "true" : "false");
  p.detailed_results = node.bool_or("detailed-results", false);
  bool paged = type != OperationType::search;
  if (paged && !node.has("pages")) node.fail("'pages' is required (an integer >= 1 or \"all\")");
  if (auto pages = node.find("pages")) {
    p.pages = parse_pages(*pages);
    p.results_per_page = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(node.child("results-per-page").as_uint(1), std::numeric_limits<std::uint32_t>::max()));
  }
  if (!p.pit_from.empty() && type != OperationType::paginated_search)
    node.child("with-point-in-time-from").fail("only a paginated-search can search a point in time");
  if (auto terms = node.find("terms-from-corpus")) {
    if (type != OperationType::search) terms->fail("terms-from-corpus is only supported by the search operation");
    p.terms = parse_terms(*terms, Json::parse(p.body), track_);
  }
  return p;
}

CompositeParams OperationParser::parse_composite(const JsonNode& node) const {
  PitNames pits;
  CompositeParams p;
  auto requests = node.child("requests");
  p.requests = parse_stream(requests, pits);
  if (p.requests.empty()) requests.fail("a composite needs at least one request");
  if (node.has("max-connections"))
    node.child("max-connections").fail("'max-connections' is not supported by this version of rally");
  return p;
}

std::vector<CompositeElement> OperationParser::parse_stream(const JsonNode& list, PitNames& pits) const {
  // Rally's list, without the types this version does not have; checked before the
  // operation's own parameters.
  static constexpr const char* allowed[] = {"open-point-in-time", "close-point-in-time", "search",
                                            "paginated-search",   "raw-request",         "sleep"};
  std::vector<CompositeElement> out;
  for (const auto& element : list.elements()) {
    detail::expect_object(element);
    CompositeElement e;
    if (auto stream = element.find("stream")) {
      e.stream = parse_stream(*stream, pits);
    } else if (element.has("operation-type")) {
      auto type = element.child("operation-type");
      if (std::find(std::begin(allowed), std::end(allowed), type.as_string()) == std::end(allowed))
        type.fail("'" + type.as_string() +
                  "' is not allowed in a composite (allowed: open-point-in-time, close-point-in-time, search, "
                  "paginated-search, raw-request, sleep)");
      e.operation = std::make_shared<const Operation>(parse(element, &pits));
    } else {
      element.fail("a composite request needs 'stream' or 'operation-type'");
    }
    out.push_back(std::move(e));
  }
  return out;
}

namespace detail {

std::vector<Assertion> parse_assertions(const JsonNode& node) {
  std::vector<Assertion> out;
  auto list = node.find("assertions");
  if (!list) return out;
  for (const auto& element : list->elements()) {
    Assertion a;
    a.property = element.required_string("property");
    auto condition = element.child("condition");
    auto text = condition.as_string();
    if (text == "==") {
      a.condition = AssertionCondition::eq;
    } else if (text == ">") {
      a.condition = AssertionCondition::gt;
    } else if (text == ">=") {
      a.condition = AssertionCondition::ge;
    } else if (text == "<") {
      a.condition = AssertionCondition::lt;
    } else if (text == "<=") {
      a.condition = AssertionCondition::le;
    } else {
      condition.fail("'" + text + "' is not one of ==, >, >=, <, <=");
    }
    a.value = element.child("value").value();
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace detail

std::string_view to_string(AssertionCondition condition) {
  switch (condition) {
    case AssertionCondition::eq:
      return "==";
    case AssertionCondition::gt:
      return ">";
    case AssertionCondition::ge:
      return ">=";
    case AssertionCondition::lt:
      return "<";
    case AssertionCondition::le:
      return "<=";
  }
  return "?";
}

}  // namespace rally::track
