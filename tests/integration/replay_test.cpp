// crm-agent replay and simulate, run as the technician runs them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "crm/testing/temp_dir.h"
#include "process.h"

namespace crm::testing {
namespace {

using nlohmann::json;

std::vector<json> readJsonLines(const std::string& path) {
  std::vector<json> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) out.push_back(json::parse(line));
  return out;
}

constexpr char kBadRecording[] =
    R"({"vehicle": {"vin": "LRW3E7EK5NC000042", "chemistry": "NMC"}}
# a comment, then good lines
{"ts": 1767225600000, "path": "Vehicle.Speed", "value": 10}
{"ts": 1767225601000, "path": "Vehicle.TraveledDistance", "value": 1000}

{"ts": 1767225602000, "path": "Vehicle.Speed", "value": 12}
this is not json
{"ts": 1767225603000, "path": "Vehicle.Warp.Factor", "value": 9}
{"ts": 1767225604000, "path": "Vehicle.Speed", "value": "fast"}
{"ts": 1767225605000, "path": "Vehicle.Powertrain.TractionBattery.StateOfCharge.Current", "value": 104}
{"ts": 1767225601500, "path": "Vehicle.Speed", "value": 11}
{"ts": 1767225606000, "path": "Vehicle.TraveledDistance", "value": 900}
{"ts": 1767225607000, "path": "Vehicle.Speed", "value": 0}
)";

TEST(Replay, EachKindOfBadLineIsCountedAndSkipped) {
  TempDir dir;
  writeFile(dir.file("bad.jsonl"), kBadRecording);
  auto e =
      run(agentCommand({"replay", dir.file("bad.jsonl"), "--out", dir.file("out")}), dir.path());
  ASSERT_EQ(e.code, 0) << e.err;
  auto summary = json::parse(e.out);
  EXPECT_EQ(summary["samples_accepted"], 4);
  EXPECT_EQ(summary["rejected"], 6);
  const auto& k = summary["rejected_by_kind"];
  EXPECT_EQ(k["malformed"], 1);
  EXPECT_EQ(k["unknown_path"], 1);
  EXPECT_EQ(k["wrong_type"], 1);
  EXPECT_EQ(k["out_of_range"], 2);  // SOC 104 and the odometer going back
  EXPECT_EQ(k["out_of_order"], 1);
  EXPECT_NE(e.err.find("bad.jsonl:7: rejected (malformed)"), std::string::npos) << e.err;
  auto outbox = readJsonLines(dir.file("out/outbox.jsonl"));
  ASSERT_EQ(outbox.size(), 2U);  // one day of data: one telemetry/daily, then the report
  EXPECT_EQ(outbox[0]["topic"], "crm/v1/vehicles/LRW3E7EK5NC000042/telemetry/daily");
  EXPECT_EQ(outbox[1]["topic"], "crm/v1/vehicles/LRW3E7EK5NC000042/health-report");
  EXPECT_EQ(outbox[0]["qos"], 1);
  EXPECT_EQ(outbox[0]["payload"]["vin"], "LRW3E7EK5NC000042");
}

TEST(Replay, StrictModeStopsAtTheFirstBadLineWithExitCode2) {
  TempDir dir;
  writeFile(dir.file("bad.jsonl"), kBadRecording);
  auto e =
      run(agentCommand({"replay", dir.file("bad.jsonl"), "--out", dir.file("out"), "--strict"}),
          dir.path());
  EXPECT_EQ(e.code, 2);
  EXPECT_NE(e.err.find("bad.jsonl:7: malformed: not valid JSON"), std::string::npos) << e.err;
}

TEST(Replay, MissingRecordingIsBadUsage) {
  TempDir dir;
  auto e =
      run(agentCommand({"replay", dir.file("nope.jsonl"), "--out", dir.file("out")}), dir.path());
  EXPECT_EQ(e.code, 2);
  EXPECT_NE(e.err.find("nope.jsonl: cannot open"), std::string::npos) << e.err;
}

TEST(Replay, TruncatedCompressedRecordingKeepsWhatWasReadAndStrictStops) {
  TempDir dir;
  // A saved scenario cut in half, as a copy interrupted by a power cut.
  const std::string whole = readFile(CRM_SOURCE_DIR "/tests/scenarios/slow_leak.jsonl.gz");
  writeFile(dir.file("cut.jsonl.gz"), whole.substr(0, whole.size() / 2));
  auto e =
      run(agentCommand({"replay", dir.file("cut.jsonl.gz"), "--out", dir.file("out")}), dir.path());
  ASSERT_EQ(e.code, 0) << e.err;
  const auto summary = json::parse(e.out);
  EXPECT_GT(summary["samples_accepted"].get<int>(), 1000);
  ASSERT_TRUE(summary["read_error"].is_string()) << e.out;
  EXPECT_NE(summary["read_error"].get<std::string>().find("cut.jsonl.gz: line "),
            std::string::npos);
  EXPECT_NE(e.err.find("cannot read"), std::string::npos) << e.err;

  auto strict =
      run(agentCommand({"replay", dir.file("cut.jsonl.gz"), "--out", dir.file("out2"), "--strict"}),
          dir.path());
  EXPECT_EQ(strict.code, 2);
  EXPECT_NE(strict.err.find("cut.jsonl.gz: line "), std::string::npos) << strict.err;
}

TEST(Replay, MissingOutOptionIsBadUsage) {
  TempDir dir;
  auto e = run(agentCommand({"replay", dir.file("r.jsonl")}), dir.path());
  EXPECT_EQ(e.code, 2);
}

TEST(Replay, SimulateReplayGivesWhatReplayingTheSavedFileGives) {
  TempDir dir;
  auto both = run(agentCommand({"simulate", "--days", "3", "--seed", "4", "--out",
                                dir.file("c.jsonl"), "--replay", dir.file("direct")}),
                  dir.path());
  ASSERT_EQ(both.code, 0) << both.err;
  EXPECT_NE(both.err.find("wrote "), std::string::npos) << both.err;  // stdout is the summary
  auto direct = run(
      agentCommand({"simulate", "--days", "3", "--seed", "4", "--replay", dir.file("straight")}),
      dir.path());
  ASSERT_EQ(direct.code, 0) << direct.err;
  auto replayed =
      run(agentCommand({"replay", dir.file("c.jsonl"), "--out", dir.file("replayed")}), dir.path());
  ASSERT_EQ(replayed.code, 0) << replayed.err;
  EXPECT_EQ(json::parse(both.out)["messages"], json::parse(replayed.out)["messages"]);
  EXPECT_EQ(json::parse(direct.out)["charging_sessions"],
            json::parse(replayed.out)["charging_sessions"]);
  // The same report, whether the car went through a file or not.
  auto report = [&](const char* sub) {
    std::ifstream in(dir.file(std::string(sub) + "/report.json"));
    return json::parse(in);
  };
  EXPECT_EQ(report("direct"), report("replayed"));
  EXPECT_EQ(report("straight"), report("replayed"));
  auto missing = run(agentCommand({"simulate", "--days", "3"}), dir.path());
  EXPECT_EQ(missing.code, 2);
}

TEST(Replay, SimulatedWeekGivesOneDailyMessagePerDayInSeqOrder) {
  TempDir dir;
  auto sim = run(agentCommand({"simulate", "--days", "7", "--seed", "3", "--out",
                               dir.file("week.jsonl"), "--truth", dir.file("truth.json")}),
                 dir.path());
  ASSERT_EQ(sim.code, 0) << sim.err;
  auto e =
      run(agentCommand({"replay", dir.file("week.jsonl"), "--out", dir.file("out")}), dir.path());
  ASSERT_EQ(e.code, 0) << e.err;
  auto summary = json::parse(e.out);
  EXPECT_EQ(summary["rejected"], 0) << "the simulator must produce only valid samples";
  EXPECT_GT(summary["samples_accepted"].get<int>(), 10000);

  std::vector<json> outbox;
  for (auto& m : readJsonLines(dir.file("out/outbox.jsonl"))) {
    if (m["topic"].get<std::string>().ends_with("/telemetry/daily")) outbox.push_back(m);
  }
  ASSERT_GE(outbox.size(), 7U);
  std::set<std::string> dates;
  for (std::size_t i = 0; i < outbox.size(); ++i) {
    EXPECT_EQ(outbox[i]["payload"]["schema"], "crm.v1.telemetry.daily");
    EXPECT_TRUE(dates.insert(outbox[i]["payload"]["body"]["date"].get<std::string>()).second);
    if (i > 0) {
      EXPECT_GT(outbox[i]["payload"]["seq"], outbox[i - 1]["payload"]["seq"]);
    }
  }
  // The report has every key of docs/contract.md §4.
  auto report = json::parse(readFile(dir.file("out/report.json")));
  for (const char* path : {"/period/from",
                           "/period/to",
                           "/vehicle/vin",
                           "/vehicle/model",
                           "/vehicle/odometer_km",
                           "/battery/soh/value",
                           "/battery/soh/low",
                           "/battery/soh/high",
                           "/battery/soh/source",
                           "/battery/soh_bms_percent",
                           "/battery/soh_estimated_percent",
                           "/battery/degradation_percent_per_year",
                           "/battery/fleet_typical_percent_per_year",
                           "/battery/projected_80_percent/date",
                           "/battery/projected_80_percent/odometer_km",
                           "/battery/cell_imbalance_mv_max",
                           "/battery/status",
                           "/charging/sessions",
                           "/charging/energy_kwh",
                           "/charging/dc_energy_share",
                           "/charging/dc_sessions",
                           "/charging/sessions_over_100kw",
                           "/charging/average_start_soc",
                           "/charging/average_end_soc",
                           "/charging/high_soc_dwell_hours",
                           "/charging/deep_discharge_events",
                           "/charging/hot_charging_sessions",
                           "/charging/habit_scores/fast_charging",
                           "/charging/habit_scores/high_soc_parking",
                           "/charging/habit_scores/deep_discharge",
                           "/charging/habit_scores/charging_temperature",
                           "/driving/distance_km",
                           "/driving/trips",
                           "/driving/average_daily_km",
                           "/driving/efficiency_kwh_per_100km",
                           "/usage/profile",
                           "/usage/average_daily_km",
                           "/usage/active_days_share",
                           "/usage/night_driving_share",
                           "/usage/dc_sessions_per_week",
                           "/low_voltage_battery/min_rest_voltage_v",
                           "/low_voltage_battery/status",
                           "/low_voltage_battery/trend_v_per_month",
                           "/brakes/pad_wear_percent_max",
                           "/brakes/status",
                           "/tyres/status",
                           "/tyres/positions",
                           "/faults",
                           "/service/due",
                           "/service/last_visit",
                           "/service/visits_12_months",
                           "/service/customer_status",
                           "/prompts/raised",
                           "/prompts/delivered",
                           "/prompts/accepted",
                           "/prompts/snoozed",
                           "/prompts/dismissed",
                           "/data_quality/samples",
                           "/data_quality/rejected",
                           "/data_quality/gaps"}) {
    EXPECT_TRUE(report.contains(json::json_pointer(path))) << path;
  }
  EXPECT_EQ(report["vehicle"]["vin"], outbox[0]["payload"]["vin"]);
  EXPECT_EQ(report["data_quality"]["rejected"], 0);
  EXPECT_TRUE(std::filesystem::file_size(dir.file("out/report.html")) > 1000);

  // The car drove: distance in telemetry matches the odometer truth.
  auto truth = json::parse(readFile(dir.file("truth.json")));
  double truth_km = 0;
  for (const auto& t : truth["trips"]) truth_km += t["distance_km"].get<double>();
  double reported_km = 0;
  for (const auto& m : outbox) reported_km += m["payload"]["body"]["distance_km"].get<double>();
  EXPECT_NEAR(reported_km, truth_km, 0.01 * truth_km + 0.1);
}

TEST(Replay, StateDirKeepsTheCacheAndSeqBetweenRuns) {
  TempDir dir;
  writeFile(dir.file("a.jsonl"), R"({"ts": 1767225600000, "path": "Vehicle.Speed", "value": 10})"
                                 "\n");
  writeFile(dir.file("b.jsonl"), R"({"ts": 1767312000000, "path": "Vehicle.Speed", "value": 10})"
                                 "\n");
  ASSERT_EQ(run(agentCommand({"replay", dir.file("a.jsonl"), "--out", dir.file("o1"), "--state-dir",
                              dir.file("state")}),
                dir.path())
                .code,
            0);
  ASSERT_EQ(run(agentCommand({"replay", dir.file("b.jsonl"), "--out", dir.file("o2"), "--state-dir",
                              dir.file("state")}),
                dir.path())
                .code,
            0);
  auto daily = [](const std::vector<json>& lines) {
    std::vector<json> out;
    for (const auto& m : lines) {
      if (m["topic"].get<std::string>().ends_with("/telemetry/daily")) out.push_back(m);
    }
    return out;
  };
  auto first = daily(readJsonLines(dir.file("o1/outbox.jsonl")));
  auto second = daily(readJsonLines(dir.file("o2/outbox.jsonl")));
  ASSERT_EQ(first.size(), 1U);
  ASSERT_EQ(second.size(), 1U);  // only the new day; the first was already "published"
  EXPECT_GT(second[0]["payload"]["seq"], first[0]["payload"]["seq"]);
  EXPECT_TRUE(std::filesystem::exists(dir.file("state/cache.db")));
}

}  // namespace
}  // namespace crm::testing
