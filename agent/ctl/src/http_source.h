// The running daemon's technician API (/sovd/v1/components/crm-agent) as a
// Source: each call is one HTTP request with the bearer token. The API's
// errors become CtlErrors: 401 is kRefused, an answer that is not the
// expected JSON or any other error status is kFailed with the daemon's
// message.
//
// Threading: one thread.
#pragma once

#include <chrono>
#include <string>

#include "http_client.h"
#include "source.h"

namespace crm::ctl {

// Stable: the technician API's component path.
inline constexpr std::string_view kComponentPath = "/sovd/v1/components/crm-agent";

class HttpSource final : public Source {
 public:
  // `token` is the bearer token as read from its file (no line break).
  HttpSource(Endpoint endpoint, std::string token, std::chrono::milliseconds timeout);

  CtlResult<nlohmann::json> data(std::string_view id) override;
  CtlResult<nlohmann::json> faults(const FaultQuery& query) override;
  CtlResult<nlohmann::json> startOperation(std::string_view op,
                                           const nlohmann::json& body) override;
  CtlResult<nlohmann::json> execution(std::string_view op, std::string_view id) override;
  CtlResult<std::string> latestReportHtml() override;

 private:
  // The JSON body of a 2xx answer to `method target`.
  CtlResult<nlohmann::json> call(const std::string& method, const std::string& target,
                                 const std::string& body = {});

  Endpoint endpoint_;
  std::string token_;
  std::chrono::milliseconds timeout_;
};

}  // namespace crm::ctl
