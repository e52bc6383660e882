// What the driver should do: advice in plain words derived from the report's
// values, and the list of service items and faults. Private to
// crm_report_html.
//
// Threading: pure functions; results are HTML-safe.
#pragma once

#include <string>
#include <vector>

#include "crm/reports/report.h"
#include "html_i18n.h"

namespace crm::reports::html {

// Sentences, most urgent first (faults and safety before habits). Never
// empty: with nothing to fix it says so, and with no data it says that.
std::vector<std::string> adviceFor(const HealthReport& report, Lang lang);

// The service items with when they are due, the faults of the period, and
// the last dealer visit.
std::string renderServiceAndFaults(const HealthReport& report, Lang lang);

}  // namespace crm::reports::html
