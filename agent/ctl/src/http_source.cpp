#include "http_source.h"

#include <cctype>

namespace crm::ctl {
namespace {

using nlohmann::json;

// Query values are prefixes of fault codes; anything else is %-encoded.
std::string encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

// The error an answer with a status other than 2xx stands for.
Error<CtlError> failure(const Endpoint& where, const HttpReply& reply) {
  if (reply.status == 401) {
    return {CtlError::kRefused, "the technician token was refused by crm-agent at " + where.name() +
                                    " (check --token-file or local_api.technician_token_file)"};
  }
  const json body = json::parse(reply.body, nullptr, false);
  const json* error = body.is_object() && body.contains("error") ? &body["error"] : nullptr;
  std::string code, message;
  if (error != nullptr && error->is_object()) {
    if (error->contains("code") && (*error)["code"].is_string()) code = (*error)["code"];
    if (error->contains("message") && (*error)["message"].is_string()) {
      message = (*error)["message"];
    }
  }
  if (reply.status == 404 && code == "not_found") {
    return {CtlError::kFailed, "crm-agent at " + where.name() +
                                   " does not serve the technician API (is its "
                                   "local_api.technician_token_file set?)"};
  }
  std::string out = "crm-agent at " + where.name() + " answered " + std::to_string(reply.status);
  if (!code.empty()) out += " " + code;
  if (!message.empty()) out += ": " + message;
  return {CtlError::kFailed, out};
}

}  // namespace

HttpSource::HttpSource(Endpoint endpoint, std::string token, std::chrono::milliseconds timeout)
    : endpoint_(std::move(endpoint)), token_(std::move(token)), timeout_(timeout) {}

CtlResult<json> HttpSource::call(const std::string& method, const std::string& target,
                                 const std::string& body) {
  HttpRequest request;
  request.method = method;
  request.target = target;
  request.authorization = "Bearer " + token_;
  request.body = body;
  auto reply = exchange(endpoint_, request, timeout_);
  if (!reply) return reply.error();
  if (reply->status < 200 || reply->status > 299) return failure(endpoint_, *reply);
  json parsed = json::parse(reply->body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return fail(CtlError::kFailed, "crm-agent at " + endpoint_.name() + " answered " + target +
                                       " with something that is not a JSON object");
  }
  return parsed;
}

CtlResult<json> HttpSource::data(std::string_view id) {
  auto answer = call("GET", std::string(kComponentPath) + "/data/" + encode(id));
  if (!answer) return answer;
  if (!answer->contains("data")) {
    return fail(CtlError::kFailed, "crm-agent's answer for " + std::string(id) + " has no data");
  }
  return std::move((*answer)["data"]);
}

CtlResult<json> HttpSource::faults(const FaultQuery& query) {
  std::string target = std::string(kComponentPath) + "/faults?status=";
  target += query.active_only ? "active" : "all";
  if (!query.code_prefix.empty()) target += "&code=" + encode(query.code_prefix);
  return call("GET", target);
}

CtlResult<json> HttpSource::startOperation(std::string_view op, const json& body) {
  return call("POST", std::string(kComponentPath) + "/operations/" + encode(op) + "/executions",
              body.dump());
}

CtlResult<json> HttpSource::execution(std::string_view op, std::string_view id) {
  return call("GET", std::string(kComponentPath) + "/operations/" + encode(op) + "/executions/" +
                         encode(id));
}

CtlResult<std::string> HttpSource::latestReportHtml() {
  HttpRequest request;
  request.target = "/hmi/v1/reports/latest.html?lang=en";
  auto reply = exchange(endpoint_, request, timeout_);
  if (!reply) return reply.error();
  if (reply->status != 200) return failure(endpoint_, *reply);
  return std::move(reply->body);
}

}  // namespace crm::ctl
