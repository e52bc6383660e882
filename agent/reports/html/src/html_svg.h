// The inline SVG charts of the HTML report. Private to crm_report_html.
//
// Threading: pure functions. Each returns HTML-safe markup: an <svg> sized by
// its viewBox (the page sets the width), or a short "not enough data yet"
// note when the series is too thin to draw. Non-finite values are skipped.
#pragma once

#include <string>

#include "crm/reports/chart_data.h"
#include "crm/reports/report.h"
#include "html_i18n.h"

namespace crm::reports::html {

// SOH history with its interval band, the 80 % line and the projection to
// the report's projected_80_percent date. Needs two points.
std::string sohChart(const BatterySection& battery, const ChartData& charts, Lang lang);
// AC against DC share of the charged energy (a ring), from the report.
std::string chargingMixChart(const ChargingSection& charging, Lang lang);
// Start and end SOC of the sessions as side-by-side 10 % histograms.
std::string socChart(const ChartData& charts, Lang lang);
// Distance per month, the last twelve months.
std::string monthlyChart(const ChartData& charts, Lang lang);
// kWh/100 km per ambient temperature band.
std::string efficiencyChart(const ChartData& charts, Lang lang);

}  // namespace crm::reports::html
