// summarizeCharging: the charging keys of the health report and the habit
// scores (rules in docs/analytics.md, thresholds from docs/domain-facts.md §3).
#include <algorithm>
#include <cmath>

#include "crm/analytics/health.h"
#include "history.h"
#include "robust.h"

namespace crm::analytics {
namespace {

namespace sig = vehicle::sig;
using detail::kMsPerDay;
using detail::kMsPerHour;

constexpr double kHighSoc = 90;        // docs/domain-facts.md §3
constexpr double kLongDwellHours = 8;  // "more than 8 h at a stretch"
constexpr double kDeepSoc = 10;
constexpr double kVeryDeepSoc = 5;
constexpr double kDeepRearm = 12;  // hysteresis: noise does not make two events of one
constexpr double kHotPackC = 45;
constexpr double kFastSessionKw = 100;
// An interval this long without an SOC change point, across which the SOC
// moved, hides activity the agent did not see: it is not counted as parked.
constexpr std::int64_t kUnseenMs = 65 * detail::kMsPerMinute;
constexpr double kUnseenSocChange = 1.0;

struct SocStats {
  double parked_hours = 0;
  double dwell_hours = 0;          // parked at or above 90 %
  double longest_dwell_hours = 0;  // at a stretch
  int deep_events = 0;
  std::optional<double> min_soc;
};

// Walks SOC, IsMoving and IsCharging as step functions through the period.
SocStats socStats(const store::Reader& store, Period p) {
  SocStats st;
  const auto soc = detail::loadSeries(store, sig::kSocCurrent, p.from_ms, p.to_ms);
  const auto moving = detail::loadSeries(store, sig::kIsMoving, p.from_ms, p.to_ms);
  const auto charging = detail::loadSeries(store, sig::kIsCharging, p.from_ms, p.to_ms);
  if (soc.points.empty() && !soc.initial) return st;
  std::optional<double> v = soc.initial;
  bool mov = moving.initial.value_or(0) != 0;
  bool chg = charging.initial.value_or(0) != 0;
  std::size_t i_soc = 0, i_mov = 0, i_chg = 0;
  std::int64_t t = p.from_ms;
  std::int64_t last_soc_ts = v ? p.from_ms : -1;
  double stretch = 0;
  bool armed = !v || *v >= kDeepSoc;
  auto next_ts = [&]() {
    std::int64_t n = p.to_ms;
    if (i_soc < soc.points.size()) n = std::min(n, soc.points[i_soc].ts_ms);
    if (i_mov < moving.points.size()) n = std::min(n, moving.points[i_mov].ts_ms);
    if (i_chg < charging.points.size()) n = std::min(n, charging.points[i_chg].ts_ms);
    return n;
  };
  while (t < p.to_ms) {
    const std::int64_t n = next_ts();
    // The interval [t, n) at the current state.
    if (v && n > t) {
      double hours = static_cast<double>(n - t) / kMsPerHour;
      const bool next_is_soc = i_soc < soc.points.size() && soc.points[i_soc].ts_ms == n;
      const bool unseen = next_is_soc && n - last_soc_ts > kUnseenMs &&
                          std::fabs(soc.points[i_soc].number - *v) > kUnseenSocChange;
      if (unseen || mov || chg) hours = 0;
      st.parked_hours += hours;
      if (hours > 0 && *v >= kHighSoc) {
        st.dwell_hours += hours;
        stretch += hours;
        st.longest_dwell_hours = std::max(st.longest_dwell_hours, stretch);
      } else if (mov || chg || *v < kHighSoc) {
        stretch = 0;
      }
    }
    if (n >= p.to_ms) break;
    while (i_soc < soc.points.size() && soc.points[i_soc].ts_ms == n) {
      v = soc.points[i_soc++].number;
      last_soc_ts = n;
      st.min_soc = std::min(st.min_soc.value_or(*v), *v);
      if (armed && *v < kDeepSoc) {
        ++st.deep_events;
        armed = false;
      } else if (*v >= kDeepRearm) {
        armed = true;
      }
    }
    while (i_mov < moving.points.size() && moving.points[i_mov].ts_ms == n)
      mov = moving.points[i_mov++].number != 0;
    while (i_chg < charging.points.size() && charging.points[i_chg].ts_ms == n)
      chg = charging.points[i_chg++].number != 0;
    t = n;
  }
  return st;
}

int fastChargingScore(double dc_share) {
  if (dc_share <= 0.05) return 5;
  if (dc_share <= 0.12) return 4;  // docs/domain-facts.md §3: above 12 % is advisory
  if (dc_share <= 0.25) return 3;
  if (dc_share <= 0.40) return 2;  // above 40 % is a warning
  return 1;
}

int highSocScore(const SocStats& s, bool lfp) {
  if (s.parked_hours <= 0) return 5;
  const double share = s.dwell_hours / s.parked_hours;
  if (lfp) {
    // LFP makers ask for full charges; only living at 100 % is scored down.
    return share > 0.8 ? 3 : 5;
  }
  const bool long_stretch = s.longest_dwell_hours > kLongDwellHours;
  if (share < 0.05 && !long_stretch) return 5;
  if (share < 0.15 && !long_stretch) return 4;
  if (share < 0.30) return 3;  // docs/domain-facts.md §3: 30 % of parked time is advisory
  if (share < 0.50) return 2;
  return 1;
}

int deepDischargeScore(const SocStats& s, double period_days) {
  const double per30 = s.deep_events * 30.0 / std::max(period_days, 1.0);
  int score = 1;
  if (s.deep_events == 0) {
    score = 5;
  } else if (per30 <= 2) {
    score = 4;  // docs/domain-facts.md §3: more than 2 in 30 days is advisory
  } else if (per30 <= 5) {
    score = 3;
  } else if (per30 <= 10) {
    score = 2;
  }
  if (s.min_soc && *s.min_soc < kVeryDeepSoc) score = std::min(score, 2);  // a warning
  return score;
}

int temperatureScore(int hot, int observed) {
  if (hot == 0) return 5;
  const double share = observed > 0 ? static_cast<double>(hot) / observed : 1.0;
  if (hot == 1 || share <= 0.05) return 4;
  if (share <= 0.15) return 3;
  if (share <= 0.30) return 2;
  return 1;
}

}  // namespace

ParkedSocSummary summarizeParkedSoc(const store::Reader& store, Period period) {
  const SocStats st = socStats(store, period);
  return {st.parked_hours, st.dwell_hours, st.longest_dwell_hours};
}

ChargingSummary summarizeCharging(const store::Reader& store, const vehicle::VehicleInfo& vehicle,
                                  Period period) {
  ChargingSummary out;
  const auto sessions = store.chargingSessions(period.from_ms, period.to_ms);
  double dc_kwh = 0, start_sum = 0, end_sum = 0;
  int observed = 0;
  for (const auto& s : sessions) {
    ++out.sessions;
    out.energy_kwh += s.energy_kwh;
    start_sum += s.start_soc;
    end_sum += s.end_soc;
    if (s.inferred) continue;  // type, power and temperature unknown
    ++observed;
    if (s.dc) {
      ++out.dc_sessions;
      dc_kwh += s.energy_kwh;
    }
    if (s.peak_kw > kFastSessionKw) ++out.sessions_over_100kw;
    if (s.pack_temp_max_c && *s.pack_temp_max_c > kHotPackC) ++out.hot_charging_sessions;
  }
  if (out.sessions > 0) {
    out.average_start_soc = std::round(start_sum / out.sessions * 10.0) / 10.0;
    out.average_end_soc = std::round(end_sum / out.sessions * 10.0) / 10.0;
  }
  // The DC share is of the energy whose type is known.
  double typed_kwh = 0;
  for (const auto& s : sessions) {
    if (!s.inferred) typed_kwh += s.energy_kwh;
  }
  if (typed_kwh > 0) out.dc_energy_share = dc_kwh / typed_kwh;
  out.energy_kwh = std::round(out.energy_kwh * 100.0) / 100.0;

  const SocStats soc = socStats(store, period);
  const double days = static_cast<double>(period.to_ms - period.from_ms) / kMsPerDay;
  out.high_soc_dwell_hours = std::round(soc.dwell_hours * 10.0) / 10.0;
  out.deep_discharge_events = soc.deep_events;

  const bool lfp = vehicle.chemistry == "LFP";
  out.habit_scores.fast_charging = fastChargingScore(out.dc_energy_share.value_or(0));
  out.habit_scores.high_soc_parking = highSocScore(soc, lfp);
  out.habit_scores.deep_discharge = deepDischargeScore(soc, days);
  out.habit_scores.charging_temperature = temperatureScore(out.hot_charging_sessions, observed);
  return out;
}

}  // namespace crm::analytics
