// What the rules look at. Two cadences keep evaluation cheap on a head unit:
//  - PeriodFacts: the last 30 days read from the store (the health report's
//    summaries and a few extras), rebuilt when a local day closes and after
//    a command that changes them (service-record); tens of ms, once a day.
//  - LiveFacts: the newest values of the signals that can turn critical
//    (tyres, brake fluid, DTCs, motion), kept up to date sample by sample.
// Plus what the CRM told the car (EngagementData: campaigns, appointments,
// profile). Rules are pure functions of these (rules.h): evaluating them all
// after a batch of samples touches no store.
//
// Threading: plain values; buildPeriodFacts runs on the store's thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "crm/common/result.h"
#include "crm/engagement/prompt.h"
#include "crm/engagement/settings.h"
#include "crm/reports/health_report.h"
#include "crm/store/store.h"
#include "crm/vehicle/record.h"
#include "crm/vehicle/vehicle_info.h"

namespace crm::engagement {

enum class Tier : std::uint8_t { kBasic, kMiddle, kHigh };
const char* tierName(Tier tier);  // "basic" | "middle" | "high"
std::optional<Tier> tierFromName(std::string_view name);

// The driver as the dealer's CRM describes them (customer-profile command).
struct Profile {
  Tier tier = Tier::kBasic;
  std::optional<Language> language;  // overrides EngagementSettings::language
  std::string dealer_id;
};

// A dealer campaign (campaign command): raises prompt campaign.<id>.
struct Campaign {
  std::string campaign_id;
  std::string kind;  // recall | service | offer
  Severity severity = Severity::kInfo;
  Text title, message;
  std::int64_t valid_until = 0;  // epoch ms
  std::int64_t received_ms = 0;
};

// A confirmed booking (appointment command): reminded the local day before.
struct Appointment {
  std::string appointment_id;
  std::int64_t at_ms = 0;
  std::string dealer_name;
  std::vector<std::string> items;
  std::int64_t received_ms = 0;
};

struct EngagementData {
  Profile profile;
  std::vector<Campaign> campaigns;        // not yet past valid_until
  std::vector<Appointment> appointments;  // not yet past at_ms
};

// The newest values, updated sample by sample (LiveTracker).
struct LiveFacts {
  bool moving = false;  // Vehicle.IsMoving, else Vehicle.Speed > 0
  // Tyre pressures, kPa: front_left, front_right, rear_left, rear_right.
  std::array<std::optional<double>, 4> tyre_kpa;
  std::optional<double> brake_fluid_percent;
  std::vector<std::string> active_dtcs;  // Vehicle.Diagnostics.DTCList, sorted
  bool dtcs_seen = false;                // a DTCList arrived: an empty list means none active
  std::optional<double> soc_percent;
  // When SOC last reached a full charge (>= 98 %): an LFP reminder stops the
  // moment the car is full, not at the next day's facts.
  std::optional<std::int64_t> last_full_ms;
  std::int64_t last_sample_ms = 0;
};

// Keeps LiveFacts from the accepted sample stream. update() returns true when
// something a rule may act on at once changed (motion, a tyre or brake
// figure crossing into or out of a band, the DTC set): the caller evaluates
// then rather than waiting for its next periodic evaluation.
//
// The bands (rules.h uses the same edges, so the tracker wakes the rules
// exactly when one of them may change its answer): a tyre's loss against
// the placard crosses the rule's clear edge (3/4 of tyre_low_percent),
// tyre_low_percent or tyre_critical_percent; brake fluid crosses
// brake_fluid_low_percent or its clear edge (5 points above).
//
// Threading: one thread. update() is O(1) and allocates nothing for numeric
// samples (a DTCList sample copies its codes).
class LiveTracker {
 public:
  // Bands from VehicleInfo{} and Thresholds{}.
  LiveTracker();
  LiveTracker(double tyre_placard_kpa, const Thresholds& thresholds);
  // New placard or thresholds (a config command, a recording's vehicle
  // line): the bands of the values held are recomputed, silently.
  void setBands(double tyre_placard_kpa, const Thresholds& thresholds);

  bool update(const vehicle::Sample& sample);
  const LiveFacts& facts() const { return facts_; }

 private:
  int tyreBand(double kpa) const;
  int fluidBand(double percent) const;

  LiveFacts facts_;
  double placard_kpa_ = 0;
  Thresholds thresholds_;
  std::array<int, 4> tyre_band_{};
  int fluid_band_ = 0;
  bool is_moving_seen_ = false;  // then Vehicle.Speed no longer decides motion
  bool full_ = false;            // the last SOC was a full charge
};

// The slow-moving picture, built once a local day.
struct PeriodFacts {
  std::int64_t built_ms = 0;     // the instant it describes (end of the period)
  reports::HealthReport report;  // the last 30 days (battery, charging, tyres, brakes, service)
  // LFP: days since the last charge that reached >= 98 %, looking back 60
  // days. With no such charge in view it is the days the store can vouch for
  // (the look-back, or since the car's first data if later): a lower bound,
  // never a guess. Null only when the store holds no data at all.
  std::optional<double> days_since_full_charge;
  // Longest stretch parked above 90 % SOC in the period, hours.
  double longest_high_soc_stretch_hours = 0;
  // Share of parked time above 90 % SOC in the period (null: no parked time).
  std::optional<double> high_soc_parked_share;
  // Lowest SOC seen in the period.
  std::optional<double> min_soc_percent;
  // The newest periodic report: report.ready tells the driver about it once.
  std::optional<std::int64_t> latest_report_id;
  std::optional<std::int64_t> latest_report_generated_ms;
};

// Reads the period facts for the 30 days ending at `now_ms` (a report's read,
// tens of ms with a year of history). A failed read is an error (kRead):
// the caller keeps the previous facts and tries again later.
Result<PeriodFacts, store::StoreError> buildPeriodFacts(const store::Reader& reader,
                                                        const vehicle::VehicleInfo& vehicle,
                                                        std::int64_t now_ms,
                                                        const reports::ReportContext& context);

struct Facts {
  std::int64_t now_ms = 0;
  const vehicle::VehicleInfo* vehicle = nullptr;  // chemistry, placard, VIN
  const PeriodFacts* period = nullptr;            // null before the first day's facts
  const LiveFacts* live = nullptr;
  const EngagementData* data = nullptr;
  int utc_offset_minutes = 0;  // for dates in words, when no time zone is set
  // The (rule, subject) pairs whose prompt is open now (the engine's view),
  // or null. Rules with hysteresis keep holding an open prompt until the
  // value is clearly back (docs/engagement.md, "Rules"), so a figure that
  // hovers at a threshold does not raise and withdraw by turns.
  const std::set<std::pair<std::string, std::string>>* open = nullptr;
};

}  // namespace crm::engagement
