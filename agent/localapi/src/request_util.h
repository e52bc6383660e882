// Small helpers shared by the route tables. Private to the component.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace crm::localapi {

// Compact JSON; bad UTF-8 replaced, never an exception.
std::string dump(const nlohmann::json& j);

// A quoted name for a message, cut short: it comes from the client.
std::string quote(std::string_view name);

// True for "application/json" with any parameters (case-insensitive type).
bool isJsonMediaType(std::string_view content_type);

}  // namespace crm::localapi
