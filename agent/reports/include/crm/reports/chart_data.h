// The series behind the HTML report's charts that the report itself does not
// carry, and the period's prompts for the driver. Built from the store
// (buildChartData and promptHistory in health_report.h), drawn by
// crm_report_html.
//
// Threading: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace crm::reports {

// All optional: a chart without data says so instead of drawing nothing.
struct ChartData {
  // SOH history: (epoch ms, value, low, high), oldest first.
  struct SohPoint {
    std::int64_t ts_ms;
    double value, low, high;
  };
  std::vector<SohPoint> soh;
  std::vector<double> start_soc;  // one per charging session
  std::vector<double> end_soc;
  std::vector<std::pair<std::string, double>> monthly_distance_km;    // ("2026-01", km)
  std::vector<std::pair<std::string, double>> efficiency_by_ambient;  // (band, kWh/100 km)

  // One prompt raised in the period, as the store keeps it (strings as in
  // crm/store/engagement_records.h).
  struct PromptLine {
    std::int64_t raised_ms = 0;
    std::string rule;      // e.g. tyres.pressure_low
    std::string severity;  // info | advisory | warning | critical
    std::string state;  // raised | delivered | accepted | snoozed | dismissed | expired | withdrawn
    std::string title_en, title_zh, message_en, message_zh;
  };
  // The prompts raised in the period, oldest first (promptHistory). Prompt
  // history is personal data: it is shown on the local page only and never
  // goes into the JSON report, which is published. nullopt: not known (no
  // history was read), and the page leaves its "Reminders" section out;
  // empty: none, and the section says so.
  std::optional<std::vector<PromptLine>> prompts;
};

}  // namespace crm::reports
