#pragma once

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rally::track {

// Parses --track-params as Rally does: the path of a .json file holding an object, an
// inline JSON object, or "k:v,k:v" where each value becomes an integer, a float, a
// boolean or (quoted or not) a string. Throws RallyError saying which form failed and why.
nlohmann::json parse_track_params(const std::string& text);

// The parameters the user gave that the track never looked up (Rally's error, unless
// --ignore-unused-track-params). Sorted.
std::vector<std::string> unused_track_params(const nlohmann::json& params, const std::set<std::string>& referenced);

// Rally's message for unused parameters, with a "perhaps you meant" hint.
std::string describe_unused_track_params(const std::vector<std::string>& unused,
                                         const std::set<std::string>& referenced);

}  // namespace rally::track
