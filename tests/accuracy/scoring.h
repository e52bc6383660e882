// Scores the analytics against the simulator's ground truth: runs a
// simulated car through a real SQLite store and crm::analytics, then
// compares charging sessions, trips, SOH, degradation and usage with what
// really happened. Shared by crm-accuracy and the unit tests.
//
// Threading: one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crm/vehicle/simulator.h"

namespace crm::accuracy {

// What the store is fed. Everything (as the daemon does), only the signals
// the period summaries read, or nothing (the analytics' own records only):
// the lighter feeds keep unit tests short.
enum class StoreFeed : std::uint8_t { kAll, kSummaries, kNone };

struct RunConfig {
  vehicle::SimulatorConfig sim;
  StoreFeed feed = StoreFeed::kAll;
  // SOH checkpoints (value and interval against the truth) every this many
  // days, from `soh_from_day` on.
  double soh_every_days = 7;
  double soh_from_day = 90;
  // Usage checkpoints: 30-day windows every this many days from day 30.
  double usage_every_days = 30;
};

struct SohCheck {
  double day = 0;
  double truth = 0;
  std::optional<double> value, low, high, estimated, bms;
  std::string source;
};

struct RunResult {
  // Charging sessions, matched by overlap in time.
  int truth_sessions = 0, detected_sessions = 0, inferred_sessions = 0;
  int truth_matched = 0, detected_matched = 0;
  double precision = 0, recall = 0;
  // Energy: fully observed sessions one to one; all matched sessions in sum.
  int observed_pairs = 0, observed_within_2pct = 0;
  double observed_energy_error = 0;  // relative, sum over observed pairs
  double total_energy_error = 0;     // relative, all matched
  int dc_type_errors = 0;
  // Trips observed without a gap, matched one to one.
  int truth_trips = 0, trips_matched = 0, trips_detected = 0;
  double trip_distance_error = 0;      // relative, sum over matched trips
  double odometer_distance_error = 0;  // relative, whole run, summarizeDriving vs truth
  // SOH.
  std::vector<SohCheck> soh;
  double soh_coverage = 0;                // share of checks with truth in [low, high]
  double soh_mean_width = 0;              // mean of high - low over the checks, points
  std::optional<double> soh_final_error;  // |value - truth| at the end
  std::optional<double> soh_estimated_final_error;
  std::optional<double> degradation, degradation_truth;
  // Usage.
  std::vector<std::string> usage_profiles;  // one per checkpoint
  double usage_correct_share = 0;
  std::optional<double> average_daily_km, active_days_share, night_driving_share,
      dc_sessions_per_week;
  double seconds = 0;
};

// Runs one simulated car; `dir` is a folder for the database.
RunResult runOne(const RunConfig& config, const std::string& dir);

}  // namespace crm::accuracy
