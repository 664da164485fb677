#pragma once

#include <string>
#include <string_view>

namespace rally {

// `text` as HTML/XML character data or attribute value: & < > " ' escaped, control characters
// (not allowed in XML) replaced by a space. The HTML report writes every text through it, and
// rally::redact looks for each secret in this form too.
std::string escape_markup(std::string_view text);

}  // namespace rally
