#include "crm/localapi/routes.h"

#include <nlohmann/json.hpp>

namespace crm::localapi {

Response errorResponse(int status, std::string_view code, std::string_view message) {
  const nlohmann::json body = {{"error", {{"code", code}, {"message", message}}}};
  Response r;
  r.status = status;
  // A message may quote what the client sent: replace bad UTF-8, never throw.
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response jsonResponse(std::string body, int status) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response methodNotAllowed(std::string_view method, std::string_view allow) {
  Response r =
      errorResponse(405, "method_not_allowed",
                    std::string(method) + " is not allowed here; allowed: " + std::string(allow));
  r.headers.emplace_back("Allow", std::string(allow));
  return r;
}

}  // namespace crm::localapi
