// The technician API's route table. Authentication comes first: a request
// without the right token learns nothing, not even whether its path exists.
// Every input is then checked here, before the backend is called.
#include "crm/localapi/sovd_routes.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "crm/common/input_limits.h"
#include "executions.h"
#include "request_util.h"

namespace crm::localapi {
namespace {

using nlohmann::json;

constexpr std::string_view kComponentsPath = "/sovd/v1/components";
constexpr std::array<std::string_view, 4> kOperations = {"generate-report", "sync-now",
                                                         "export-data", "erase-personal-data"};

// Equal in a time that depends on the expected token's length only, never
// on how much of a guess was right.
bool sameToken(std::string_view presented, std::string_view expected) {
  unsigned diff = presented.size() == expected.size() ? 0U : 1U;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto p =
        presented.empty() ? 0U : static_cast<unsigned char>(presented[i % presented.size()]);
    diff |= p ^ static_cast<unsigned char>(expected[i]);
  }
  return diff == 0;
}

// "Bearer <token>": the scheme is case-insensitive (RFC 7235).
bool authorized(std::string_view header, std::string_view token) {
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size()) return false;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) return false;
  }
  auto presented = header.substr(kScheme.size());
  while (!presented.empty() && presented.front() == ' ') presented.remove_prefix(1);
  while (!presented.empty() && presented.back() == ' ') presented.remove_suffix(1);
  return sameToken(presented, token);
}

Response unauthorized() {
  Response r = errorResponse(401, "unauthorized",
                             "a valid technician token is required (Authorization: Bearer ...)");
  r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"crm-agent\"");
  return r;
}

// A fault code prefix: 1..5 of [0-9A-Z].
bool isCodePrefix(std::string_view s) {
  return !s.empty() && s.size() <= 5 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
  });
}

Response readingResponse(const Reading& reading, std::string_view id) {
  switch (reading.outcome) {
    case Reading::Outcome::kOk:
      return jsonResponse(id.empty() ? dump(reading.value)
                                     : dump({{"id", id}, {"data", reading.value}}));
    case Reading::Outcome::kUnknown:
      return errorResponse(404, "unknown_data", "there is no data resource " + quote(id));
    case Reading::Outcome::kUnavailable:
      break;
  }
  return errorResponse(
      503, "unavailable",
      "cannot be read now" + (reading.message.empty() ? "" : ": " + reading.message));
}

// The path segment after `prefix` up to the next '/', and the rest.
std::pair<std::string_view, std::string_view> segment(std::string_view path,
                                                      std::string_view prefix) {
  const auto tail = path.substr(prefix.size());
  const auto slash = tail.find('/');
  if (slash == std::string_view::npos) return {tail, {}};
  return {tail.substr(0, slash), tail.substr(slash)};
}

class SovdRoutes : public Routes {
 public:
  SovdRoutes(SovdBackend& backend, std::string token)
      : backend_(backend),
        token_(std::move(token)),
        executions_(std::make_shared<Executions>(kMaxExecutions)) {}

  Response handle(const Request& r) override {
    if (!authorized(r.authorization, token_)) return unauthorized();
    const std::string_view path = r.path;
    const bool get = r.method == "GET";
    if (path == kComponentsPath) return get ? components() : methodNotAllowed(r.method, "GET");
    const std::string component(kSovdComponentPath);
    if (path == component + "/data") {
      return get ? jsonResponse(dump({{"items", backend_.dataItems()}}))
                 : methodNotAllowed(r.method, "GET");
    }
    if (path.starts_with(component + "/data/")) {
      const auto [id, rest] = segment(path, component + "/data/");
      if (id.empty() || !rest.empty()) return notFound();
      return get ? readingResponse(backend_.data(id), id) : methodNotAllowed(r.method, "GET");
    }
    if (path == component + "/faults") {
      return get ? faults(r.query) : methodNotAllowed(r.method, "GET");
    }
    const std::string operations = component + "/operations/";
    if (path.starts_with(operations)) return operation(r, path.substr(operations.size()));
    return notFound();
  }

 private:
  static Response notFound() { return errorResponse(404, "not_found", "no resource at this path"); }

  static Response components() {
    const json item = {
        {"id", "crm-agent"}, {"name", "CRM agent"}, {"href", std::string(kSovdComponentPath)}};
    return jsonResponse(dump({{"items", json::array({item})}}));
  }

  Response faults(std::string_view query) {
    bool active_only = false;
    std::string_view code;
    bool seen_status = false, seen_code = false;
    while (!query.empty()) {
      const auto amp = query.find('&');
      const auto pair = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
      if (pair.empty()) continue;
      const auto eq = pair.find('=');
      const auto key = pair.substr(0, eq);
      const auto value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
      if (key == "status" && !seen_status) {
        seen_status = true;
        if (value != "active" && value != "all") {
          return errorResponse(400, "bad_query",
                               "status " + quote(value) + " is not active or all");
        }
        active_only = value == "active";
      } else if (key == "code" && !seen_code) {
        seen_code = true;
        if (!isCodePrefix(value)) {
          return errorResponse(400, "bad_query",
                               "code " + quote(value) +
                                   " is not a fault code prefix (1 to 5 of 0-9, A-Z, e.g. P0A)");
        }
        code = value;
      } else if (key == "status" || key == "code") {
        return errorResponse(400, "bad_query", "query parameter " + quote(key) + " given twice");
      } else {
        return errorResponse(400, "bad_query", "unknown query parameter " + quote(key));
      }
    }
    return readingResponse(backend_.faults(active_only, code), {});
  }

  // {op}/executions or {op}/executions/{id}
  Response operation(const Request& r, std::string_view tail) {
    const auto slash = tail.find('/');
    const auto op = tail.substr(0, slash);
    const auto rest = slash == std::string_view::npos ? std::string_view() : tail.substr(slash);
    constexpr std::string_view kExecutions = "/executions";
    if (rest != kExecutions && !rest.starts_with("/executions/")) return notFound();
    if (std::find(kOperations.begin(), kOperations.end(), op) == kOperations.end()) {
      return errorResponse(404, "unknown_operation", "there is no operation " + quote(op));
    }
    if (rest == kExecutions)
      return r.method == "POST" ? start(op, r) : methodNotAllowed(r.method, "POST");
    const auto id = rest.substr(kExecutions.size() + 1);
    if (id.empty() || id.find('/') != std::string_view::npos) return notFound();
    if (r.method != "GET") return methodNotAllowed(r.method, "GET");
    const Execution* e = executions_->find(op, id);
    if (e == nullptr) {
      return errorResponse(404, "unknown_execution",
                           "there is no execution " + quote(id) + " of " + std::string(op) +
                               " (the last " + std::to_string(kMaxExecutions) + " are kept)");
    }
    return jsonResponse(dump(Executions::toJson(*e)));
  }

  // The body: none, or a JSON object; for erase-personal-data exactly
  // {"scope": "personal"}, so that nothing is erased by a stray POST.
  static std::optional<Response> checkBody(std::string_view op, const Request& r, json& body) {
    body = json::object();
    const bool erase = op == "erase-personal-data";
    if (r.body.empty() && !erase) return std::nullopt;
    if (r.body.empty()) {
      return errorResponse(400, "bad_scope",
                           "erase-personal-data needs the body {\"scope\":\"personal\"}");
    }
    if (auto refused = refuseJsonBody(r, kMaxBodyDepth)) return *refused;
    body = json::parse(r.body, nullptr, false);
    if (body.is_discarded()) return errorResponse(400, "invalid_json", "the body is not JSON");
    if (!body.is_object()) {
      return errorResponse(400, "invalid_body", "the body must be a JSON object");
    }
    for (const auto& [key, value] : body.items()) {
      if (!(erase && key == "scope")) {
        return errorResponse(400, "invalid_body",
                             "unknown field " + quote(key) + " for " + std::string(op));
      }
    }
    if (erase && body.value("scope", json()) != "personal") {
      return errorResponse(400, "bad_scope",
                           "erase-personal-data needs the body {\"scope\":\"personal\"}");
    }
    return std::nullopt;
  }

  Response start(std::string_view op, const Request& r) {
    json body;
    if (auto refused = checkBody(op, r, body)) return std::move(*refused);
    if (!backend_.supports(op)) {
      return errorResponse(501, "not_implemented",
                           std::string(op) + " is not available in this build of the agent");
    }
    Execution* e = executions_->add(std::string(op));
    if (e == nullptr) {
      return errorResponse(503, "busy",
                           std::to_string(kMaxExecutions) + " operations are still running");
    }
    const std::string id = e->id;
    // The backend may answer now or later; a late answer finds the table
    // only if it still exists.
    backend_.start(op, body,
                   [weak = std::weak_ptr<Executions>(executions_), id](OperationOutcome outcome) {
                     if (auto table = weak.lock()) table->finish(id, std::move(outcome));
                   });
    const Execution* now = executions_->find(op, id);
    Response res = jsonResponse(dump(Executions::toJson(*now)), 202);
    res.headers.emplace_back("Location", std::string(kSovdComponentPath) + "/operations/" +
                                             std::string(op) + "/executions/" + id);
    return res;
  }

  SovdBackend& backend_;
  std::string token_;
  std::shared_ptr<Executions> executions_;
};

}  // namespace

std::unique_ptr<Routes> makeSovdRoutes(SovdBackend& backend, std::string token) {
  return std::make_unique<SovdRoutes>(backend, std::move(token));
}

Mount sovdMount(SovdBackend& backend, std::string token) {
  return Mount{std::string(kSovdPrefix), makeSovdRoutes(backend, std::move(token))};
}

}  // namespace crm::localapi
