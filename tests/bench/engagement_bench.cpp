// Engagement on a cache holding a year of a private car.
//
//   build/release/tests/bench/bench_engagement [--cache DIR]
//
// Fills a cache by replaying a simulated year of the private profile (seed
// 1; with --cache DIR it is kept and reused). Then, on that cache:
//   1. the daily cost: the period facts the rules read (buildPeriodFacts,
//      once a local day), against a plain indexed read of the same 30 days'
//      daily roll-ups;
//   2. the per-batch cost the pipeline pays: a batch of 100 samples through
//      the live tracker, then every rule (evaluateRules) and the prompt
//      engine (Engine::evaluate, reading the open prompts from the store),
//      against the store's own cost of taking the same 100 samples
//      (Store::addSample), measured in the same run. Target: under 1 ms.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "crm/common/civil_time.h"
#include "crm/engagement/engine.h"
#include "crm/engagement/facts.h"
#include "crm/engagement/rules.h"
#include "crm/testing/temp_dir.h"
#include "crm/vehicle/recording.h"
#include "crm/vehicle/signals.h"
#include "crm/vehicle/simulator.h"
#include "programs.h"

namespace {

using Clock = std::chrono::steady_clock;
using crm::civil::kMsPerDay;
namespace sig = crm::vehicle::sig;

double millis(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Median of `runs`: the figure is the cost, not the machine's noise.
template <class F>
double medianMs(int runs, F f) {
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    f(i);
    t.push_back(millis(start));
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

std::optional<std::string> filledCache(const std::string& dir) {
  const std::string db = dir + "/cache.db";
  if (std::filesystem::exists(db)) return db;
  std::filesystem::create_directories(dir);
  crm::testing::TempDir tmp;
  crm::vehicle::SimulatorConfig sim;
  sim.profile = crm::vehicle::UsageProfile::kPrivate;
  sim.days = 365;
  sim.seed = 1;
  const std::string rec = tmp.file("car.jsonl");
  {
    crm::vehicle::Simulator simulator(sim);
    if (!crm::vehicle::writeRecording(simulator, rec)) return std::nullopt;
  }
  crm::daemon::ReplayOptions ro;
  ro.recording = rec;
  ro.out_dir = tmp.file("out");
  ro.state_dir = dir;
  if (crm::daemon::runReplay(ro) != 0) return std::nullopt;
  return db;
}

// 100 samples of a car driving, one second apart, from `t0`.
std::vector<crm::vehicle::Sample> batch(std::int64_t t0) {
  std::vector<crm::vehicle::Sample> out;
  for (int i = 0; i < 20; ++i) {
    const std::int64_t ts = t0 + i * 1000;
    out.push_back({ts, sig::kSpeed, 50.0 + i % 7, 0});
    out.push_back({ts, sig::kSocCurrent, 70.0 - i * 0.01, 0});
    out.push_back({ts, sig::kTyreFrontLeft, 288.0 + i % 3, 0});
    out.push_back({ts, sig::kTyreRearRight, 287.0 + i % 2, 0});
    out.push_back({ts, sig::kBrakeFluidLevel, 96.0, 0});
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string cache_dir;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--cache") == 0) cache_dir = argv[i + 1];
  }
  crm::testing::TempDir tmp;
  const auto db = filledCache(cache_dir.empty() ? tmp.path() + "/1y" : cache_dir);
  if (!db) return 1;
  crm::store::StoreOptions so;
  so.path = *db;
  so.full_sync = false;  // the per-batch figures are CPU, not fsync
  auto store = crm::store::Store::open(so);
  if (!store) return 1;
  crm::store::Store& s = **store;
  crm::vehicle::VehicleInfo vehicle;
  crm::engagement::EngagementSettings settings;
  const std::int64_t end = *s.newestSampleMs() + 1;

  // 1. Daily: the period facts.
  std::optional<crm::engagement::PeriodFacts> period;
  const double facts_ms = medianMs(
      5, [&](int) { period = crm::engagement::buildPeriodFacts(s, vehicle, end, {}).value(); });
  const double rollups_ms = medianMs(5, [&](int) {
    for (std::int64_t d = end - 30 * kMsPerDay; d < end; d += kMsPerDay) (void)s.dailyRollups(d);
  });
  std::printf(
      "period facts (once a day): %.1f ms; baseline 30 days of daily roll-ups %.2f ms; ratio "
      "%.1f\n",
      facts_ms, rollups_ms, facts_ms / rollups_ms);

  // 2. Per batch: tracker, rules, engine.
  auto engine = crm::engagement::Engine::make({s, s}, {vehicle.vin, false}, settings, 0).value();
  crm::engagement::LiveTracker live(vehicle.tyre_placard_kpa, settings.thresholds);
  crm::engagement::EngagementData data;
  constexpr int kRuns = 200;
  std::vector<std::vector<crm::vehicle::Sample>> batches;
  for (int i = 0; i < kRuns; ++i) batches.push_back(batch(end + i * 20'000LL));
  std::size_t holding = 0;
  const double engage_ms = medianMs(kRuns, [&](int i) {
    for (const auto& sample : batches[i]) (void)live.update(sample);
    crm::engagement::Facts f;
    f.now_ms = batches[i].back().ts_ms;
    f.vehicle = &vehicle;
    f.period = &*period;
    f.live = &live.facts();
    f.data = &data;
    f.open = &engine->openKeys();
    const auto conditions = crm::engagement::evaluateRules(f, settings, data.profile.tier);
    holding = conditions.size();
    (void)engine->evaluate(conditions, f.now_ms, live.facts().moving);
  });
  (void)s.commit();
  std::vector<std::vector<crm::vehicle::Sample>> later;
  for (int i = 0; i < kRuns; ++i) later.push_back(batch(end + (kRuns + i) * 20'000LL));
  const double store_ms = medianMs(kRuns, [&](int i) {
    for (const auto& sample : later[i]) (void)s.addSample(sample);
  });
  (void)s.commit();
  std::printf(
      "rules + engine after a batch of 100 samples: %.3f ms (target < 1 ms; %zu conditions "
      "holding); baseline Store::addSample of the same 100 samples %.3f ms; ratio %.2f\n",
      engage_ms, holding, store_ms, engage_ms / store_ms);
  return 0;
}
