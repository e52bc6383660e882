// Property: a published charge-session never has a start or end SOC that the
// car did not report (an unknown SOC is never 0, and a confirmed rise ends
// at a reading, not at an average). Over the simulator's cars, including
// those that start parked with a late first SOC and LFP packs whose BMS
// scatters its SOC; the saved recordings are checked by the scenario suite.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "crm/analytics/analytics.h"
#include "crm/testing/temp_dir.h"
#include "crm/testing/temp_store.h"
#include "crm/vehicle/simulator.h"

namespace crm::analytics {
namespace {

namespace sig = vehicle::sig;

// The charge-session body rounds SOC to 2 decimals; so does this key.
long long key(double soc) {
  return std::llround(soc * 100.0);
}

void expectSessionsStartAndEndAtReportedSoc(const vehicle::SimulatorConfig& config) {
  testing::TempDir dir;
  auto store = testing::openTestStore(dir.file("c.db"));
  ASSERT_NE(store, nullptr);
  vehicle::Simulator sim(config);
  std::unique_ptr<Analytics> analytics;
  std::set<long long> reported;
  while (auto record = sim.next()) {
    if (const auto* facts = std::get_if<vehicle::VehicleFacts>(&*record)) {
      vehicle::VehicleInfo info;
      info.vin = facts->vin.value_or(info.vin);
      info.nominal_capacity_kwh = facts->nominal_capacity_kwh.value_or(info.nominal_capacity_kwh);
      info.chemistry = facts->chemistry.value_or(info.chemistry);
      analytics = std::make_unique<Analytics>(*store, *store, info);
      continue;
    }
    const auto* sample = std::get_if<vehicle::Sample>(&*record);
    if (sample == nullptr || analytics == nullptr) continue;
    if (sample->signal == sig::kSocCurrent || sample->signal == sig::kSocDisplayed) {
      reported.insert(key(std::get<double>(sample->value)));
    }
    ASSERT_TRUE(analytics->onSample(*sample));
  }
  ASSERT_NE(analytics, nullptr);
  ASSERT_TRUE(analytics->finish());
  ASSERT_TRUE(store->commit().ok());

  int sessions = 0;
  for (const auto& m : store->pendingOutbox(0, 100000).value()) {
    if (m.kind != "telemetry/charge-session") continue;
    const auto body = nlohmann::json::parse(m.body);
    for (const char* end : {"start_soc", "end_soc"}) {
      EXPECT_TRUE(reported.count(key(body[end].get<double>())) == 1)
          << "seed " << config.seed << ": " << end << " never reported: " << body.dump();
    }
    ++sessions;
  }
  EXPECT_GE(sessions, 5) << "seed " << config.seed;
}

vehicle::SimulatorConfig car(std::uint64_t seed) {
  vehicle::SimulatorConfig c;
  c.seed = seed;
  c.days = 30;
  c.noise = true;
  c.gaps = true;
  return c;
}

TEST(SessionSocProperty, NoisyCarsWithGapsOnlyReportedSocs) {
  for (auto profile : {vehicle::UsageProfile::kPrivate, vehicle::UsageProfile::kRideHailing}) {
    auto c = car(71);
    c.profile = profile;
    expectSessionsStartAndEndAtReportedSoc(c);
  }
}

TEST(SessionSocProperty, ACarFirstSeenParkedWithALateSocOnlyReportedSocs) {
  auto c = car(72);
  c.late_first_soc = true;
  expectSessionsStartAndEndAtReportedSoc(c);
}

TEST(SessionSocProperty, AnLfpBmsThatScattersItsSocOnlyReportedSocs) {
  auto c = car(73);
  c.chemistry = "LFP";
  c.nominal_capacity_kwh = 60;
  c.late_first_soc = true;
  c.lfp_soc_noise = true;
  c.soh_whole_percent = true;
  c.energy_counters = false;
  expectSessionsStartAndEndAtReportedSoc(c);
}

}  // namespace
}  // namespace crm::analytics
