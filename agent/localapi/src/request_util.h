// Small helpers shared by the route tables. Private to the component.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "crm/localapi/routes.h"

namespace crm::localapi {

// Compact JSON; bad UTF-8 replaced, never an exception.
std::string dump(const nlohmann::json& j);

// A quoted name for a message, cut short: it comes from the client.
std::string quote(std::string_view name);

// True for "application/json" with any parameters (case-insensitive type).
bool isJsonMediaType(std::string_view content_type);

// The deepest JSON body a route takes: its bodies ({"action": "..."} for the
// HMI, {"scope": "personal"} for SOVD) are one level; a little room for a
// client's own wrapping.
inline constexpr std::size_t kMaxBodyDepth = 4;

// The checks every JSON request body passes before it is parsed: the media
// type (415) and the nesting depth (400 invalid_json). nullopt: go on.
std::optional<Response> refuseJsonBody(const Request& r, std::size_t max_depth);

}  // namespace crm::localapi
