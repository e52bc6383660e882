// crm-accuracy: scores the analytics against the simulator's ground truth
// for several seeds and all three usage profiles, one simulated year each
// with sensor noise and agent-off gaps, and prints each score with its
// target. Exit status 0 when every target is met, 1 otherwise.
//
// Usage: crm-accuracy [--seeds N] [--days D] [--dir DIR] [--misses] [--field-only]
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "scoring.h"

namespace {

using crm::accuracy::RunConfig;
using crm::accuracy::RunResult;
using crm::vehicle::UsageProfile;

struct Targets {
  double precision = 0.99, recall = 0.99;
  double observed_within_2pct = 0.95;  // share of fully observed sessions
  double energy_error = 0.02;          // all matched sessions, in sum
  double trip_error = 0.01;
  double odometer_error = 0.01;
  double soh_error = 1.5;  // points, after 3 months
  double soh_coverage = 0.90;
  double degradation_error = 0.5;  // %/yr, after a year
  double usage_share = 0.9;        // monthly windows classified right
};

int failures = 0;
bool show_misses = false;
bool field_only = false;  // --field-only: only the cars as recordings made elsewhere bring them  //
                          // --misses: every SOH checkpoint whose interval missed the truth

void line(const char* what, double value, const char* op, double target, bool pass) {
  std::printf("  %-44s %9.4f  %s %-7g %s\n", what, value, op, target, pass ? "PASS" : "FAIL");
  if (!pass) ++failures;
}

void report(const RunConfig& rc, const RunResult& r, const Targets& t) {
  std::printf("%s seed=%llu chemistry=%s bms_soh=%s%s%s%s%s days=%.0f (%.1f s)\n",
              crm::vehicle::usageProfileName(rc.sim.profile),
              static_cast<unsigned long long>(rc.sim.seed), rc.sim.chemistry.c_str(),
              rc.sim.bms_reports_soh ? "yes" : "no", rc.sim.late_first_soc ? " late_first_soc" : "",
              rc.sim.lfp_soc_noise ? " lfp_soc_noise" : "",
              rc.sim.soh_whole_percent ? " soh_whole_percent" : "",
              rc.sim.energy_counters ? "" : " no_energy_counters", rc.sim.days, r.seconds);
  std::printf("  sessions truth=%d detected=%d inferred=%d; trips truth(observed)=%d detected=%d\n",
              r.truth_sessions, r.detected_sessions, r.inferred_sessions, r.truth_trips,
              r.trips_detected);
  line("charging precision", r.precision, ">=", t.precision, r.precision >= t.precision);
  line("charging recall", r.recall, ">=", t.recall, r.recall >= t.recall);
  const double within =
      r.observed_pairs > 0 ? static_cast<double>(r.observed_within_2pct) / r.observed_pairs : 1.0;
  line("observed sessions with energy within 2 %", within, ">=", t.observed_within_2pct,
       within >= t.observed_within_2pct);
  line("energy error, all matched sessions", r.total_energy_error, "<=", t.energy_error,
       r.total_energy_error <= t.energy_error);
  line("AC/DC type errors (count)", r.dc_type_errors, "<=", 0, r.dc_type_errors == 0);
  line("trip distance error (observed trips)", r.trip_distance_error, "<=", t.trip_error,
       r.trip_distance_error <= t.trip_error);
  line("distance error, whole run (odometer)", r.odometer_distance_error, "<=", t.odometer_error,
       r.odometer_distance_error <= t.odometer_error);
  if (rc.sim.days >= 90) {
    const double e = r.soh_final_error.value_or(99);
    line("SOH error at the end (points)", e, "<=", t.soh_error, e <= t.soh_error);
    if (r.soh_estimated_final_error) {
      line("estimated SOH error at the end (points)", *r.soh_estimated_final_error,
           "<=", t.soh_error, *r.soh_estimated_final_error <= t.soh_error);
    }
    line("truth inside the SOH interval (share)", r.soh_coverage, ">=", t.soh_coverage,
         r.soh_coverage >= t.soh_coverage);
    std::printf("  SOH interval mean width %.2f points; last source %s\n", r.soh_mean_width,
                r.soh.empty() ? "-" : r.soh.back().source.c_str());
    for (const auto& c : r.soh) {
      if (!show_misses || !c.value || (*c.low <= c.truth && c.truth <= *c.high)) continue;
      std::printf("    miss day %5.1f truth %.2f value %.1f [%.1f, %.1f] %s bms %.1f est %.1f\n",
                  c.day, c.truth, *c.value, *c.low, *c.high, c.source.c_str(), c.bms.value_or(-1),
                  c.estimated.value_or(-1));
    }
  }
  if (rc.sim.days >= 360) {
    const double e =
        r.degradation && r.degradation_truth ? std::abs(*r.degradation - *r.degradation_truth) : 99;
    std::printf("  degradation %.2f %%/yr, truth %.2f %%/yr\n", r.degradation.value_or(-1),
                r.degradation_truth.value_or(-1));
    line("degradation rate error (%/yr)", e, "<=", t.degradation_error, e <= t.degradation_error);
  }
  std::printf("  usage: avg %.1f km/day, active %.2f, night %.3f, DC %.2f/week; last=%s\n",
              r.average_daily_km.value_or(-1), r.active_days_share.value_or(-1),
              r.night_driving_share.value_or(-1), r.dc_sessions_per_week.value_or(-1),
              r.usage_profiles.empty() ? "-" : r.usage_profiles.back().c_str());
  line("usage profile right (share of 30-day windows)", r.usage_correct_share, ">=", t.usage_share,
       r.usage_correct_share >= t.usage_share);
  std::fflush(stdout);
}

// A year of a car with sensor noise and agent-off gaps: every scored car starts here.
RunConfig noisyCar(UsageProfile profile, std::uint64_t seed, double days) {
  RunConfig rc;
  rc.sim.seed = seed;
  rc.sim.profile = profile;
  rc.sim.days = days;
  rc.sim.noise = true;
  rc.sim.gaps = true;
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  int seeds = 3;
  double days = 365;
  std::string dir = std::filesystem::temp_directory_path().string();
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--seeds" && i + 1 < argc) {
      seeds = std::atoi(argv[++i]);
    } else if (a == "--days" && i + 1 < argc) {
      days = std::atof(argv[++i]);
    } else if (a == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else if (a == "--field-only") {
      field_only = true;
    } else if (a == "--misses") {
      show_misses = true;
    } else {
      std::fprintf(
          stderr,
          "usage: crm-accuracy [--seeds N] [--days D] [--dir DIR] [--misses] [--field-only]\n");
      return 2;
    }
  }
  const Targets targets;
  int runs = 0;
  for (UsageProfile profile :
       {UsageProfile::kPrivate, UsageProfile::kRideHailing, UsageProfile::kLogistics}) {
    for (int s = 0; s < seeds; ++s) {
      RunConfig rc = noisyCar(profile, 1000 + 17 * static_cast<std::uint64_t>(s), days);
      // Vary the car: every third run hides the BMS's SOH (the estimate
      // stands alone), and one in three is an LFP pack.
      rc.sim.bms_reports_soh = s % 3 != 1;
      if (s % 3 == 2) rc.sim.chemistry = "LFP";
      ++runs;  // counted either way: the field cars' seeds follow from it
      if (field_only) continue;
      report(rc, crm::accuracy::runOne(rc, dir), targets);
    }
  }
  // Cars as recordings made elsewhere bring them (issue 12): first data
  // while parked with the first SOC a report later, and LFP packs whose BMS
  // scatters its SOC, re-anchors it at full charge, reports SOH in whole
  // percent and no energy counters.
  for (UsageProfile profile : {UsageProfile::kPrivate, UsageProfile::kRideHailing}) {
    for (bool lfp_bms : {false, true}) {
      RunConfig rc = noisyCar(profile, 2000 + 17 * static_cast<std::uint64_t>(runs), days);
      rc.sim.late_first_soc = true;
      if (lfp_bms) {
        rc.sim.chemistry = "LFP";
        rc.sim.lfp_soc_noise = true;
        rc.sim.soh_whole_percent = true;
        rc.sim.energy_counters = false;
      }
      report(rc, crm::accuracy::runOne(rc, dir), targets);
      ++runs;
    }
  }
  std::printf("%d runs, %d failed checks: %s\n", runs, failures, failures == 0 ? "PASS" : "FAIL");
  return failures == 0 ? 0 : 1;
}
