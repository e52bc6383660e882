// Where crm-agentctl's answers come from: the running daemon's technician
// API (HttpSource) or a copy of a cache file read in this process
// (OfflineSource). Both give the API's JSON objects, so the commands and
// their output are the same either way.
//
// Threading: one thread.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ctl_error.h"

namespace crm::ctl {

struct FaultQuery {
  bool active_only = false;
  std::string code_prefix;  // empty: every code
};

class Source {
 public:
  virtual ~Source() = default;
  // The `data` object of resource `id` ("status", "battery-health", ...).
  virtual CtlResult<nlohmann::json> data(std::string_view id) = 0;
  // {"items": [{"code", "first_seen_ms", "last_seen_ms", "status"}]}.
  virtual CtlResult<nlohmann::json> faults(const FaultQuery& query) = 0;
  // Starts operation `op` with `body` (a JSON object): the execution
  // {"id", "status", "result"?, "error"?}. kUsage when this source cannot
  // run it (offline).
  virtual CtlResult<nlohmann::json> startOperation(std::string_view op,
                                                   const nlohmann::json& body) = 0;
  // The execution `id` of `op` as it stands now.
  virtual CtlResult<nlohmann::json> execution(std::string_view op, std::string_view id) = 0;
  // The newest health report as an HTML page (English).
  virtual CtlResult<std::string> latestReportHtml() = 0;
};

}  // namespace crm::ctl
