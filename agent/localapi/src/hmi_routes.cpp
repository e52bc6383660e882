// The HMI API's route table. Every input is checked here, before the
// backend is called, and refused with a code and a message naming what was
// wrong; the backend sees only a positive id and a known action.
#include "crm/localapi/hmi_routes.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <nlohmann/json.hpp>

#include "crm/common/input_limits.h"
#include "request_util.h"

namespace crm::localapi {
namespace {

using nlohmann::json;

// The page may run its own script and styles inline and talk to its own
// origin; nothing else loads.
constexpr const char* kPagePolicy =
    "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'self'";
// The report page runs no script and loads nothing; the HMI page frames it.
constexpr const char* kReportPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";

constexpr std::array<std::string_view, 3> kActions = {"accept", "snooze", "dismiss"};

// A positive id of at most 18 digits (no sign, no leading zero).
std::optional<std::int64_t> parseId(std::string_view text) {
  if (text.empty() || text.size() > 18 || text[0] == '0') return std::nullopt;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;  // from_chars would take a '-'
  }
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return id;
}

class HmiRoutes : public Routes {
 public:
  explicit HmiRoutes(HmiBackend& backend) : backend_(backend) {}

  Response handle(const Request& r) override {
    const std::string_view path = r.path;
    const bool get = r.method == "GET";
    if (path == "/hmi") {
      if (!get) return methodNotAllowed(r.method, "GET");
      Response res = errorResponse(308, "moved", "the HMI page is at /hmi/");
      res.headers.emplace_back("Location", "/hmi/");
      return res;
    }
    if (path == "/hmi/") return get ? page() : methodNotAllowed(r.method, "GET");
    if (path == "/hmi/v1/prompts") return get ? prompts() : methodNotAllowed(r.method, "GET");
    if (path == "/hmi/v1/reports/latest") {
      return get ? reportJson() : methodNotAllowed(r.method, "GET");
    }
    if (path == "/hmi/v1/reports/latest.html") {
      return get ? reportHtml(r.query) : methodNotAllowed(r.method, "GET");
    }
    if (path == "/hmi/v1/events") {
      if (!get) return methodNotAllowed(r.method, "GET");
      Response res;
      res.open_stream = true;
      return res;
    }
    constexpr std::string_view kPrompts = "/hmi/v1/prompts/";
    constexpr std::string_view kActionsTail = "/actions";
    if (path.starts_with(kPrompts) && path.ends_with(kActionsTail) &&
        path.size() > kPrompts.size() + kActionsTail.size()) {
      if (r.method != "POST") return methodNotAllowed(r.method, "POST");
      const auto id_text =
          path.substr(kPrompts.size(), path.size() - kPrompts.size() - kActionsTail.size());
      return action(id_text, r);
    }
    return errorResponse(404, "not_found", "no resource at this path");
  }

 private:
  static Response page() {
    Response res;
    res.content_type = "text/html; charset=utf-8";
    res.body = std::string(hmiPage());
    res.headers.emplace_back("Content-Security-Policy", kPagePolicy);
    return res;
  }

  Response prompts() {
    auto body = backend_.prompts();
    if (!body) return errorResponse(503, "unavailable", "the prompts cannot be read now");
    return jsonResponse(dump(*body));
  }

  Response action(std::string_view id_text, const Request& r) {
    const auto id = parseId(id_text);
    if (!id) {
      return errorResponse(400, "bad_prompt_id",
                           "the prompt id " + quote(id_text) + " is not a positive integer");
    }
    if (auto refused = refuseJsonBody(r, kMaxBodyDepth)) return *refused;
    json body;
    try {
      body = json::parse(r.body);
    } catch (const json::parse_error& e) {
      return errorResponse(400, "invalid_json",
                           "the body is not JSON (error at byte " + std::to_string(e.byte) + ")");
    }
    if (!body.is_object()) {
      return errorResponse(400, "invalid_body", "the body must be a JSON object");
    }
    for (const auto& [key, value] : body.items()) {
      if (key != "action") return errorResponse(400, "invalid_body", "unknown field " + quote(key));
    }
    const auto it = body.find("action");
    if (it == body.end())
      return errorResponse(400, "bad_action", "the field \"action\" is missing");
    if (!it->is_string()) {
      return errorResponse(400, "bad_action", "the field \"action\" must be a string");
    }
    const auto& name = it->get_ref<const std::string&>();
    if (std::find(kActions.begin(), kActions.end(), name) == kActions.end()) {
      return errorResponse(400, "bad_action",
                           "the action " + quote(name) + " is not accept, snooze or dismiss");
    }
    const ActionReply reply = backend_.act(*id, name);
    const std::string why = reply.message.empty() ? std::string() : ": " + reply.message;
    const std::string subject = "prompt " + std::to_string(*id);
    switch (reply.outcome) {
      case ActionOutcome::kOk:
        return jsonResponse(dump({{"id", *id}, {"action", name}}));
      case ActionOutcome::kUnknownPrompt:
        return errorResponse(404, "unknown_prompt", "there is no " + subject + why);
      case ActionOutcome::kNotActionable:
        return errorResponse(409, "not_actionable", subject + " cannot be acted on now" + why);
      case ActionOutcome::kBadAction:
        return errorResponse(400, "bad_action",
                             "the action " + quote(name) + " does not apply to " + subject + why);
      case ActionOutcome::kUnavailable:
        break;
    }
    return errorResponse(503, "unavailable", "the action cannot be applied now" + why);
  }

  Response reportJson() {
    auto report = backend_.latestReportJson();
    if (!report) return errorResponse(404, "no_report", "no health report has been made yet");
    return jsonResponse(std::move(*report));
  }

  Response reportHtml(std::string_view query) {
    std::string_view language = "en";
    while (!query.empty()) {
      const auto amp = query.find('&');
      const auto pair = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
      if (pair.empty()) continue;
      const auto eq = pair.find('=');
      const auto key = pair.substr(0, eq);
      const auto value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
      if (key != "lang") {
        return errorResponse(400, "bad_query", "unknown query parameter " + quote(key));
      }
      if (value != "en" && value != "zh-CN") {
        return errorResponse(400, "bad_language", "lang " + quote(value) + " is not en or zh-CN");
      }
      language = value;
    }
    auto html = backend_.latestReportHtml(language);
    if (!html) return errorResponse(404, "no_report", "no health report has been made yet");
    Response res;
    res.content_type = "text/html; charset=utf-8";
    res.body = std::move(*html);
    res.headers.emplace_back("Content-Security-Policy", kReportPolicy);
    return res;
  }

  HmiBackend& backend_;
};

}  // namespace

std::unique_ptr<Routes> makeHmiRoutes(HmiBackend& backend) {
  return std::make_unique<HmiRoutes>(backend);
}

Mount hmiMount(HmiBackend& backend) {
  return Mount{std::string(kHmiPrefix), makeHmiRoutes(backend)};
}

}  // namespace crm::localapi
