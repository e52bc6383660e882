// Health report generation on a cache holding years of a ride-hailing car.
//
//   build/release/tests/bench/bench_report [--years N] [--cache DIR]
//
// Fills two caches by replaying the simulated car (ride_hailing, seed 7):
// one of 1 year and one of N years (default 3); with --cache they are kept
// in DIR and later runs reuse them. Then times the report as published,
// toJson(buildHealthReport(...)) (the JSON was the report before it was a
// struct, so the figures stay comparable):
//   - a 30-day report at the end of each car's history (both with their
//     recent raw samples, as on a car): cost must not grow with its age;
//   - periods of 30, 90 and 365 days on the older car: cost grows with the
//     period.
// The baseline printed with each figure is a plain indexed read of the same
// period's daily roll-ups, measured in the same run.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>

#include "crm/common/civil_time.h"
#include "crm/reports/health_report.h"
#include "crm/testing/temp_dir.h"
#include "crm/vehicle/recording.h"
#include "crm/vehicle/simulator.h"
#include "programs.h"

namespace {

using Clock = std::chrono::steady_clock;
using crm::civil::kMsPerDay;

double millis(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Best of five: the figure is the cost, not the machine's noise.
template <class F>
double bestMs(F f) {
  double best = 1e18;
  for (int i = 0; i < 5; ++i) {
    const auto start = Clock::now();
    f();
    best = std::min(best, millis(start));
  }
  return best;
}

// A cache holding `years` of the simulated car, made once per folder.
std::optional<std::string> filledCache(const std::string& dir, double years) {
  const std::string db = dir + "/cache.db";
  if (std::filesystem::exists(db)) return db;
  std::filesystem::create_directories(dir);
  crm::testing::TempDir tmp;
  crm::vehicle::SimulatorConfig sim;
  sim.profile = crm::vehicle::UsageProfile::kRideHailing;
  sim.days = static_cast<int>(365 * years);
  sim.seed = 7;
  const std::string rec = tmp.file("car.jsonl");
  {
    crm::vehicle::Simulator simulator(sim);
    if (!crm::vehicle::writeRecording(simulator, rec)) return std::nullopt;
  }
  crm::daemon::ReplayOptions ro;
  ro.recording = rec;
  ro.out_dir = tmp.file("out");
  ro.state_dir = dir;
  const auto fill = Clock::now();
  if (crm::daemon::runReplay(ro) != 0) return std::nullopt;
  std::printf("filled a cache with %.0f year(s) of ride_hailing in %.1f s\n", years,
              millis(fill) / 1000);
  return db;
}

}  // namespace

int main(int argc, char** argv) {
  double years = 3;
  std::string cache_dir;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--years") == 0) years = std::atof(argv[i + 1]);
    if (std::strcmp(argv[i], "--cache") == 0) cache_dir = argv[i + 1];
  }
  crm::testing::TempDir tmp;
  const std::string root = cache_dir.empty() ? tmp.path() : cache_dir;
  const auto young_db = filledCache(root + "/1y", 1);
  const auto old_db =
      filledCache(root + "/" + std::to_string(static_cast<int>(years)) + "y", years);
  if (!young_db || !old_db) return 1;

  auto open = [](const std::string& path) {
    crm::store::StoreOptions so;
    so.path = path;
    return crm::store::Store::open(so);
  };
  auto young = open(*young_db);
  auto old = open(*old_db);
  if (!young || !old) return 1;
  crm::vehicle::VehicleInfo vehicle;

  auto reportMs = [&](crm::store::Store& store, int days) {
    const std::int64_t end = *store.newestSampleMs() + 1;
    return bestMs([&] {
      (void)crm::reports::toJson(crm::reports::buildHealthReport(
          store, vehicle, crm::reports::periodEnding(end, days), {}));
    });
  };
  auto rollupsMs = [&](crm::store::Store& store, int days) {
    const std::int64_t end = *store.newestSampleMs() + 1;
    return bestMs([&] {
      for (std::int64_t d = end - days * kMsPerDay; d < end; d += kMsPerDay) {
        (void)store.dailyRollups(d);
      }
    });
  };
  const double at1 = reportMs(**young, 30);
  const double atn = reportMs(**old, 30);
  std::printf(
      "30-day report on a car 1 year old: %.1f ms; %.0f years old: %.1f ms; ratio %.2f "
      "(1.00 = cost does not grow with age)\n",
      at1, years, atn, atn / at1);
  for (int days : {30, 90, 365}) {
    const double r = reportMs(**old, days);
    const double base = rollupsMs(**old, days);
    std::printf(
        "report for %3d days: %6.1f ms (target < 100 ms for 30 days); baseline daily "
        "roll-up read %.1f ms; ratio %.1f\n",
        days, r, base, r / base);
  }
  return 0;
}
