// toJson: the report as published. Every key of the schema is there whatever
// the report holds; a missing value is null, never a left-out key or a zero.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "crm/reports/report.h"
#include "sample_report.h"

namespace crm::reports {
namespace {

using nlohmann::json;

// Every key path of the objects in `j` (array items are not descended).
void keyPaths(const json& j, const std::string& prefix, std::vector<std::string>& out) {
  if (!j.is_object()) return;
  for (const auto& [key, value] : j.items()) {
    out.push_back(prefix + key);
    keyPaths(value, prefix + key + ".", out);
  }
}

std::vector<std::string> keyPaths(const json& j) {
  std::vector<std::string> out;
  keyPaths(j, "", out);
  return out;
}

TEST(ReportJson, AReportWithNoDataHasTheSameKeysAsAFullOne) {
  const json full = toJson(testing::sampleReport());
  const json empty = toJson(testing::allNullReport());

  EXPECT_EQ(keyPaths(empty), keyPaths(full));
  EXPECT_EQ(full["schema"], "crm.v1.health-report");
  EXPECT_EQ(keyPaths(full).size(), 79U);  // the keys of docs/mqtt/schemas/health-report.json
}

TEST(ReportJson, MissingValuesAreNullAndCountsStayNumbers) {
  const json j = toJson(testing::allNullReport());

  EXPECT_TRUE(j["battery"]["soh"]["value"].is_null());
  EXPECT_TRUE(j["battery"]["projected_80_percent"]["date"].is_null());
  EXPECT_TRUE(j["vehicle"]["odometer_km"].is_null());
  EXPECT_TRUE(j["tyres"]["status"].is_null());
  EXPECT_TRUE(j["service"]["last_visit"].is_null());
  EXPECT_TRUE(j["prompts"]["raised"].is_null());
  EXPECT_TRUE(j["data_quality"]["rejected"].is_null());
  EXPECT_TRUE(j["charging"]["sessions"].is_number_integer());
  EXPECT_TRUE(j["faults"].is_array());
  EXPECT_TRUE(j["tyres"]["positions"].is_array());
  EXPECT_TRUE(j["service"]["due"].is_array());
}

TEST(ReportJson, ValuesKeepTheirTypesAndDecimals) {
  const json j = toJson(testing::sampleReport());

  EXPECT_EQ(j["period"]["from"], 1767225600000);
  EXPECT_TRUE(j["charging"]["sessions"].is_number_integer());
  EXPECT_TRUE(j["charging"]["energy_kwh"].is_number_float());
  EXPECT_TRUE(j["service"]["due"][1]["due_in_days"].is_number_integer());
  EXPECT_TRUE(j["service"]["due"][0]["due_in_km"].is_number_float());
  EXPECT_TRUE(j["data_quality"]["rejected"].is_number_unsigned());
  EXPECT_EQ(j["tyres"]["positions"][2].dump(),
            R"({"position":"rear_left","pressure_kpa":214.0,"status":"low"})");
  EXPECT_EQ(j["faults"][0].dump(), R"({"active":false,"code":"U0100","first_seen":1768176000000,)"
                                   R"("last_seen":1768176000000})");
}

}  // namespace
}  // namespace crm::reports
