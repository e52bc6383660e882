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
#include <string>
#include <vector>

#include "crm/common/result.h"
#include "crm/engagement/prompt.h"
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
  std::optional<double> soc_percent;
  std::int64_t last_sample_ms = 0;
};

// Keeps LiveFacts from the accepted sample stream. update() returns true when
// something a rule may act on at once changed (motion, a tyre or brake
// figure crossing into or out of a band, the DTC set): the caller evaluates
// then rather than waiting for its next periodic evaluation.
class LiveTracker {
 public:
  bool update(const vehicle::Sample& sample);
  const LiveFacts& facts() const { return facts_; }

 private:
  LiveFacts facts_;
};

// The slow-moving picture, built once a local day.
struct PeriodFacts {
  std::int64_t built_ms = 0;  // the instant it describes (end of the period)
  reports::HealthReport report;  // the last 30 days (battery, charging, tyres, brakes, service)
  // LFP: days since the last charge that reached >= 98 % (null: none seen).
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
};

}  // namespace crm::engagement
