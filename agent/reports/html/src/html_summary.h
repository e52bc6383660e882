// The first screen of the HTML report: a traffic light per system, the key
// figures and the habit scores. Private to crm_report_html.
//
// Threading: pure functions. Every function returns HTML-safe markup; nulls
// and non-finite numbers render as "not enough data".
#pragma once

#include <string>
#include <vector>

#include "crm/reports/report.h"
#include "html_i18n.h"

namespace crm::reports::html {

enum class Light { kGreen, kAmber, kRed, kGrey };

// The CSS class of a light ("green", "amber", "red", "grey").
const char* lightClass(Light light);

struct SystemLight {
  const char* key;  // data-system attribute: battery, charging, low_voltage, ...
  Msg name;         // the system in words
  Light light;
  std::string detail;  // one short HTML-safe line; may be empty
};

// The seven systems, in display order.
std::vector<SystemLight> systemLights(const HealthReport& report, Lang lang);

std::string renderLights(const std::vector<SystemLight>& lights, Lang lang);
std::string renderFigures(const HealthReport& report, Lang lang);
std::string renderHabits(const ChargingSection& charging, Lang lang);

}  // namespace crm::reports::html
