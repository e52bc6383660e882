// The traction battery's rules, over the period facts (the 30-day health
// report and its extras). Clear edges (hysteresis) are documented in
// docs/engagement.md, "Rules".
#include <algorithm>

#include "crm/common/civil_time.h"
#include "rules_internal.h"

namespace crm::engagement::detail {
namespace {

using nlohmann::json;

// An open prompt holds until the figure is this far back on the good side.
constexpr double kSohClearPoints = 1.0;           // SOH, percentage points
constexpr double kDegradationClearShare = 0.9;    // of the rate threshold
constexpr double kDcShareClear = 0.02;            // of the charged energy
constexpr double kHighSocShareClear = 0.05;       // of parked time
constexpr double kCellImbalanceClearShare = 0.9;  // of the advisory spread
// A share over fewer sessions says more about one trip than a habit.
constexpr int kDcShareMinSessions = 5;
constexpr int kDcShareMinDcSessions = 2;
// The pack temperature the report counts hot charging sessions above
// (analytics: docs/analytics.md).
constexpr double kHotPackC = 45;

void sohLow(const RuleInput& in, const reports::HealthReport& r) {
  const auto& soh = r.battery.soh.value;
  if (!soh) return;
  const bool open = in.open("battery.soh_low");
  if (!holdsBelow(*soh, in.t.soh_watch_percent, in.t.soh_watch_percent + kSohClearPoints, open))
    return;
  const bool warning = *soh < in.t.soh_low_percent;
  const double limit = warning ? in.t.soh_low_percent : in.t.soh_watch_percent;
  emit(in, "battery.soh_low", "", warning ? Severity::kWarning : Severity::kAdvisory,
       words::sohLow(*soh, limit),
       json{{"soh_percent", *soh},
            {"limit_percent", limit},
            {"source", r.battery.soh.source ? json(*r.battery.soh.source) : json(nullptr)}},
       true);
}

// A battery loses 2-3 % in its first year, then the curve flattens: a rate
// measured within the first year says nothing about ageing faster than the
// fleet (2.3 %/yr over life), so the rule waits for the car's first
// birthday (from vehicle.delivered; unknown: the rate alone decides).
bool inFirstYear(const RuleInput& in) {
  if (in.facts.vehicle == nullptr) return false;
  const auto delivered = civil::dayNumber(in.facts.vehicle->delivered);
  if (!delivered) return false;
  const std::int64_t today = in.facts.now_ms / civil::kMsPerDay;
  return today - *delivered < 365;
}

void degradationFast(const RuleInput& in, const reports::HealthReport& r) {
  const auto& rate = r.battery.degradation_percent_per_year;
  if (!rate || inFirstYear(in)) return;
  const double raise = in.t.degradation_fast_percent_per_year;
  if (!holdsAbove(*rate, raise, raise * kDegradationClearShare,
                  in.open("battery.degradation_fast")))
    return;
  const double fleet = r.battery.fleet_typical_percent_per_year;
  emit(in, "battery.degradation_fast", "", Severity::kAdvisory,
       words::degradationFast(*rate, fleet),
       json{{"percent_per_year", *rate}, {"fleet_percent_per_year", fleet}}, false);
}

void dcFastShare(const RuleInput& in, const reports::HealthReport& r) {
  const auto& share = r.charging.dc_energy_share;
  // A habit, not one early trip: several sessions, more than one of them DC.
  if (!share || r.charging.sessions < kDcShareMinSessions ||
      r.charging.dc_sessions < kDcShareMinDcSessions)
    return;
  const double raise = in.t.dc_share_advisory;
  if (!holdsAbove(*share, raise, std::max(0.0, raise - kDcShareClear),
                  in.open("battery.dc_fast_share")))
    return;
  const bool warning = *share > in.t.dc_share_warning;
  emit(in, "battery.dc_fast_share", "", warning ? Severity::kWarning : Severity::kAdvisory,
       words::dcFastShare(*share),
       json{{"dc_share", *share},
            {"sessions", r.charging.sessions},
            {"dc_sessions", r.charging.dc_sessions}},
       false);
}

// Not for LFP: their makers ask for full charges.
void highSocDwell(const RuleInput& in, const PeriodFacts& p) {
  const double stretch = p.longest_high_soc_stretch_hours;
  const bool long_stretch = stretch > in.t.high_soc_dwell_hours;
  const double raise = in.t.high_soc_parked_share;
  const bool share_high =
      p.high_soc_parked_share &&
      holdsAbove(*p.high_soc_parked_share, raise, std::max(0.0, raise - kHighSocShareClear),
                 in.open("battery.high_soc_dwell"));
  if (!long_stretch && !share_high) return;
  json detail{{"hours", roundTo(stretch, 1)}, {"parked_share", nullptr}};
  if (p.high_soc_parked_share) detail["parked_share"] = roundTo(*p.high_soc_parked_share, 3);
  emit(
      in, "battery.high_soc_dwell", "", Severity::kAdvisory,
      long_stretch ? words::highSocStretch(stretch) : words::highSocShare(*p.high_soc_parked_share),
      std::move(detail), false);
}

void deepDischarge(const RuleInput& in, const reports::HealthReport& r, const PeriodFacts& p) {
  const int events = r.charging.deep_discharge_events;
  const bool very_low = p.min_soc_percent && *p.min_soc_percent < in.t.deep_discharge_warning_soc;
  const bool many = events > in.t.deep_discharge_events;
  if (!very_low && !many) return;
  json detail{{"events", events}, {"min_soc_percent", nullptr}};
  if (p.min_soc_percent) detail["min_soc_percent"] = roundTo(*p.min_soc_percent, 1);
  emit(in, "battery.deep_discharge", "", very_low ? Severity::kWarning : Severity::kAdvisory,
       very_low ? words::deepDischargeLow(*p.min_soc_percent) : words::deepDischargeEvents(events),
       std::move(detail), false);
}

void hotCharging(const RuleInput& in, const reports::HealthReport& r) {
  const int hot = r.charging.hot_charging_sessions;
  if (hot < in.t.hot_charging_sessions) return;
  emit(in, "battery.hot_charging", "", Severity::kAdvisory, words::hotCharging(hot, kHotPackC),
       json{{"sessions", hot}, {"pack_limit_c", kHotPackC}}, false);
}

void cellImbalance(const RuleInput& in, const reports::HealthReport& r) {
  const auto& mv = r.battery.cell_imbalance_mv_max;
  if (!mv) return;
  const double raise = in.t.cell_imbalance_advisory_mv;
  if (!holdsAbove(*mv, raise, raise * kCellImbalanceClearShare, in.open("battery.cell_imbalance")))
    return;
  const bool warning = *mv > in.t.cell_imbalance_warning_mv;
  emit(in, "battery.cell_imbalance", "", warning ? Severity::kWarning : Severity::kAdvisory,
       words::cellImbalance(*mv, raise), json{{"mv", *mv}, {"normal_mv", raise}}, true);
}

void lfpFullChargeDue(const RuleInput& in, const PeriodFacts& p) {
  if (!p.days_since_full_charge) return;
  // The day's facts age with the clock, and a full charge seen since (live)
  // resets them at once: the reminder never outlives the charge it asks for.
  const double kDayMs = 86'400'000.0;
  double days =
      *p.days_since_full_charge +
      static_cast<double>(std::max<std::int64_t>(0, in.facts.now_ms - p.built_ms)) / kDayMs;
  if (in.facts.live != nullptr && in.facts.live->last_full_ms) {
    days = std::min(days,
                    static_cast<double>(in.facts.now_ms - *in.facts.live->last_full_ms) / kDayMs);
  }
  if (days < in.t.lfp_full_charge_days) return;
  emit(in, "battery.lfp_full_charge_due", "", Severity::kAdvisory,
       words::lfpFullChargeDue(days, in.t.lfp_full_charge_days),
       json{{"days", roundTo(days, 1)}, {"every_days", in.t.lfp_full_charge_days}}, false);
}

}  // namespace

void batteryRules(const RuleInput& in) {
  const PeriodFacts* p = in.facts.period;
  if (p == nullptr) return;
  const reports::HealthReport& r = p->report;
  sohLow(in, r);
  degradationFast(in, r);
  dcFastShare(in, r);
  // The chemistry decides between the two: without the vehicle, neither.
  if (in.facts.vehicle != nullptr) {
    if (in.facts.vehicle->chemistry == "LFP") {
      lfpFullChargeDue(in, *p);
    } else {
      highSocDwell(in, *p);
    }
  }
  deepDischarge(in, r, *p);
  hotCharging(in, r);
  cellImbalance(in, r);
}

}  // namespace crm::engagement::detail
