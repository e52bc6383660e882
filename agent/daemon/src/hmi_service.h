// The driver's HMI API over the running agent: prompts from the engagement
// engine, actions applied through the pipeline and made durable before they
// are answered, and the newest health report as JSON and as a page.
//
// Threading: the event loop (the server calls it there).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "crm/localapi/hmi_backend.h"
#include "crm/pipeline/pipeline.h"
#include "crm/reports/maintenance.h"
#include "crm/store/store.h"

namespace crm::daemon {

class HmiService final : public localapi::HmiBackend {
 public:
  // `commit` makes what an action staged durable (false: it failed).
  // Everything referred to must outlive the service.
  HmiService(pipeline::Pipeline& pipeline, store::Store& store,
             const reports::MaintenanceTable& maintenance, std::function<bool()> commit);

  std::optional<nlohmann::json> prompts() override;
  localapi::ActionReply act(std::int64_t prompt_id, std::string_view action) override;
  std::optional<std::string> latestReportJson() override;
  std::optional<std::string> latestReportHtml(std::string_view language) override;

 private:
  pipeline::Pipeline& pipeline_;
  store::Store& store_;
  const reports::MaintenanceTable& maintenance_;
  std::function<bool()> commit_;
  // The page of the newest report per language, made once: building it
  // reads the report's period again (tens of ms), too much per request.
  std::int64_t page_report_id_ = 0;
  std::map<std::string, std::string, std::less<>> pages_;
};

}  // namespace crm::daemon
