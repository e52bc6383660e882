// The series behind the HTML report's charts that the report itself does not
// carry. Built from the store (buildChartData in health_report.h), drawn by
// crm_report_html.
//
// Threading: plain values.
#pragma once

#include <cstdint>
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
};

}  // namespace crm::reports
