// The driver's HMI API under /hmi (docs/local-api.md):
//   GET  /hmi/                          the reference HMI page
//   GET  /hmi/v1/prompts                prompts that may be shown now
//   POST /hmi/v1/prompts/{id}/actions   {"action": "accept"|"snooze"|"dismiss"}
//   GET  /hmi/v1/reports/latest         the newest health report (JSON)
//   GET  /hmi/v1/reports/latest.html    the same as a page (?lang=en|zh-CN)
//   GET  /hmi/v1/events                 a Server-Sent Events stream
//
// Threading: like Routes, on the server's loop.
#pragma once

#include <memory>
#include <string_view>

#include "crm/localapi/hmi_backend.h"
#include "crm/localapi/routes.h"

namespace crm::localapi {

// Stable: the mount point of the HMI API.
inline constexpr std::string_view kHmiPrefix = "/hmi";

// `backend` must outlive the returned table.
std::unique_ptr<Routes> makeHmiRoutes(HmiBackend& backend);

// Mount{kHmiPrefix, makeHmiRoutes(backend)}.
Mount hmiMount(HmiBackend& backend);

// The reference HMI page: one HTML file, its CSS and script inline, nothing
// loaded from elsewhere.
std::string_view hmiPage();

}  // namespace crm::localapi
