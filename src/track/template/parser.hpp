#pragma once

// Jinja's grammar for the subset Rally tracks use. Everything outside the subset is a
// RallyError naming the file, the line and the construct, at parse time where Jinja also
// decides at compile time (unknown filters and tests, unsupported tags).

#include <vector>

#include "ast.hpp"
#include "filters.hpp"
#include "lexer.hpp"
#include "source_text.hpp"

namespace rally::track::templating {

Body parse(const TemplateText& source, const std::vector<Token>& tokens, Environment env);

}  // namespace rally::track::templating
