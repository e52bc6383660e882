// Renders a health report (the JSON of contracts.md §4) as one self-contained
// HTML page: inline SVG charts, a traffic-light summary per system and advice
// in plain words, in English or Simplified Chinese, laid out for a 1280x720
// head-unit screen. No JavaScript, no external resources.
//
// Threading: pure function.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace crm::reports {

// Extra series for the charts that the report JSON does not carry. All
// optional: a chart without data says so instead of drawing nothing.
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
};

// `language` is "en" or "zh-CN" (anything else renders English).
std::string renderHtml(const nlohmann::json& report, const ChartData& charts,
                       const std::string& language);

}  // namespace crm::reports
