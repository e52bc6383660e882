// Renders a health report (report.h) as one self-contained HTML page: inline
// SVG charts, a traffic-light summary per system, advice in plain words and,
// when ChartData::prompts is set, the period's reminders (prompt history is
// personal data: this local page is the only report that shows it), in
// English or Simplified Chinese, laid out for a 1280x720 head-unit screen.
// No JavaScript, no external resources.
//
// Threading: pure function.
#pragma once

#include <string>

#include "crm/reports/chart_data.h"
#include "crm/reports/report.h"

namespace crm::reports {

// `language` is "en" or "zh-CN" (anything else renders English). Nulls read
// as "not enough data"; strings from the report are escaped; non-finite
// numbers are left out. Never throws: if even the page cannot be built (out
// of memory) it returns a minimal page, or an empty string.
std::string renderHtml(const HealthReport& report, const ChartData& charts,
                       const std::string& language);

}  // namespace crm::reports
