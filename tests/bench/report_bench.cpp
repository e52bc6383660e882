// Health report generation on a cache holding years of a ride-hailing car.
//
//   build/release/tests/bench/bench_report [--years N]
//
// Fills a cache by replaying the simulated car (ride_hailing, N years,
// default 3), then times buildHealthReport:
//   - the same 30-day period length at the end of year 1 and at the end of
//     year N: cost must not grow with the car's age;
//   - periods of 30, 90 and 365 days at the end: cost grows with the period.
// The baseline printed with each figure is a plain indexed read of the same
// period's daily roll-ups, measured in the same run.
#include <chrono>
#include <cstdio>
#include <cstring>

#include "crm/reports/health_report.h"
#include "crm/testing/temp_dir.h"
#include "crm/vehicle/recording.h"
#include "crm/vehicle/simulator.h"
#include "programs.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::int64_t kDay = 86'400'000;

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

}  // namespace

int main(int argc, char** argv) {
  double years = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--years") == 0) years = std::atof(argv[i + 1]);
  }
  crm::testing::TempDir dir;
  crm::vehicle::SimulatorConfig sim;
  sim.profile = crm::vehicle::UsageProfile::kRideHailing;
  sim.days = 365 * years;
  sim.seed = 7;
  const std::string rec = dir.file("car.jsonl");
  {
    crm::vehicle::Simulator simulator(sim);
    if (!crm::vehicle::writeRecording(simulator, rec)) return 1;
  }
  crm::daemon::ReplayOptions ro;
  ro.recording = rec;
  ro.out_dir = dir.file("out");
  ro.state_dir = dir.path();
  const auto fill = Clock::now();
  if (crm::daemon::runReplay(ro) != 0) return 1;
  std::printf("filled the cache with %.0f years of ride_hailing in %.1f s\n", years,
              millis(fill) / 1000);

  crm::store::StoreOptions so;
  so.path = dir.file("cache.db");
  auto store = crm::store::Store::open(so);
  if (!store) return 1;
  crm::config::VehicleConfig vehicle;
  const std::int64_t end = *(*store)->newestSampleMs() + 1;
  const std::int64_t start = sim.start_ms;

  auto reportMs = [&](std::int64_t to, int days) {
    return bestMs([&] {
      (void)crm::reports::buildHealthReport(**store, vehicle, crm::reports::periodEnding(to, days),
                                            {});
    });
  };
  auto rollupsMs = [&](std::int64_t to, int days) {
    return bestMs([&] {
      for (std::int64_t d = to - days * kDay; d < to; d += kDay) (void)(*store)->dailyRollups(d);
    });
  };
  const double young = reportMs(start + 365 * kDay, 30);
  const double old = reportMs(end, 30);
  std::printf(
      "30-day report at age 1 year: %.1f ms; at age %.0f years: %.1f ms; ratio %.2f "
      "(flat = cost does not grow with age)\n",
      young, years, old, old / young);
  for (int days : {30, 90, 365}) {
    const double r = reportMs(end, days);
    const double base = rollupsMs(end, days);
    std::printf(
        "report for %3d days: %6.1f ms (target < 100 ms for 30 days); baseline daily "
        "roll-up read %.1f ms; ratio %.1f\n",
        days, r, base, r / base);
  }
  return 0;
}
