#include "request_util.h"

#include <cctype>

#include "crm/common/input_limits.h"

namespace crm::localapi {

std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string quote(std::string_view name) {
  constexpr std::size_t kMax = 40;
  return "\"" + std::string(name.substr(0, kMax)) + (name.size() > kMax ? "…\"" : "\"");
}

bool isJsonMediaType(std::string_view content_type) {
  const auto end = content_type.find(';');
  auto type = content_type.substr(0, end);
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  constexpr std::string_view kJson = "application/json";
  if (type.size() != kJson.size()) return false;
  for (std::size_t i = 0; i < type.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(type[i])) != kJson[i]) return false;
  }
  return true;
}

std::optional<Response> refuseJsonBody(const Request& r, std::size_t max_depth) {
  if (!isJsonMediaType(r.content_type)) {
    return errorResponse(
        415, "unsupported_media_type",
        r.content_type.empty()
            ? std::string("Content-Type is missing; send application/json")
            : "Content-Type " + quote(r.content_type) + " is not application/json");
  }
  if (auto deep = input::checkJsonDepth(r.body, max_depth)) {
    return errorResponse(400, "invalid_json", "the body is not accepted: " + *deep);
  }
  return std::nullopt;
}

}  // namespace crm::localapi
