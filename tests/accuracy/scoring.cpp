#include "scoring.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>

#include "crm/analytics/analytics.h"
#include "crm/analytics/health.h"
#include "crm/store/store.h"

namespace crm::accuracy {
namespace {

namespace sig = vehicle::sig;
constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

bool feeds(StoreFeed feed, vehicle::SignalId id) {
  switch (feed) {
    case StoreFeed::kAll:
      return true;
    case StoreFeed::kNone:
      return false;
    case StoreFeed::kSummaries:
      return id == sig::kTraveledDistance || id == sig::kIsMoving || id == sig::kSocCurrent ||
             id == sig::kSoh || id == sig::kCellVoltageMin || id == sig::kCellVoltageMax ||
             id == sig::kIsCharging || id == sig::kAmbientTemp;
  }
  return true;
}

template <class A, class B>
bool overlaps(const A& a, const B& b) {
  return a.start_ms <= b.end_ms && b.start_ms <= a.end_ms;
}

bool inGap(const vehicle::GroundTruth& truth, std::int64_t from, std::int64_t to) {
  return std::any_of(truth.gaps.begin(), truth.gaps.end(),
                     [&](const auto& g) { return g.first <= to && g.second >= from; });
}

double trueSohAt(const vehicle::GroundTruth& truth, std::int64_t ts) {
  double soh = truth.capacity.empty() ? 100.0 : truth.capacity.front().soh_percent;
  for (const auto& p : truth.capacity) {
    if (p.ts_ms > ts) break;
    soh = p.soh_percent;
  }
  return soh;
}

// Sessions inside a gap that lasts to the end of the run happened after
// the agent's last sample: nobody could see them.
bool unobservable(const vehicle::GroundTruth& truth, std::int64_t last_ts, std::int64_t start) {
  return std::any_of(truth.gaps.begin(), truth.gaps.end(),
                     [&](const auto& g) { return g.second >= last_ts && start >= g.first; });
}

void scoreCharging(const vehicle::GroundTruth& truth_in,
                   const std::vector<store::ChargingSession>& det, std::int64_t last_ts,
                   RunResult& r) {
  vehicle::GroundTruth truth;
  truth.gaps = truth_in.gaps;
  for (const auto& c : truth_in.charges) {
    if (!unobservable(truth_in, last_ts, c.start_ms)) truth.charges.push_back(c);
  }
  r.truth_sessions = static_cast<int>(truth.charges.size());
  r.detected_sessions = static_cast<int>(det.size());
  std::vector<bool> truth_hit(truth.charges.size(), false);
  double det_sum = 0, truth_sum = 0, obs_err = 0, obs_truth = 0;
  for (const auto& d : det) {
    if (d.inferred) ++r.inferred_sessions;
    double energy = 0;
    int hits = 0;
    const vehicle::GroundTruth::ChargeSession* only = nullptr;
    for (std::size_t i = 0; i < truth.charges.size(); ++i) {
      const auto& t = truth.charges[i];
      if (!overlaps(d, t)) continue;
      ++hits;
      only = &t;
      energy += t.energy_kwh;
      if (!truth_hit[i]) truth_sum += t.energy_kwh;
      truth_hit[i] = true;
    }
    if (hits == 0) continue;
    ++r.detected_matched;
    det_sum += d.energy_kwh;
    if (hits == 1 && !d.inferred && !only->during_gap) {
      ++r.observed_pairs;
      const double err = std::fabs(d.energy_kwh - energy);
      if (err <= std::max(0.02 * energy, 0.05)) ++r.observed_within_2pct;
      obs_err += err;
      obs_truth += energy;
      if (d.dc != only->dc) ++r.dc_type_errors;
    }
  }
  r.truth_matched = static_cast<int>(std::count(truth_hit.begin(), truth_hit.end(), true));
  if (std::getenv("CRM_ACCURACY_VERBOSE") != nullptr) {
    for (std::size_t i = 0; i < truth.charges.size(); ++i) {
      const auto& t = truth.charges[i];
      if (truth_hit[i]) continue;
      std::printf("    missed: %lld..%lld soc %.1f..%.1f %.2f kWh dc=%d gap=%d\n",
                  static_cast<long long>(t.start_ms), static_cast<long long>(t.end_ms), t.start_soc,
                  t.end_soc, t.energy_kwh, t.dc, t.during_gap);
    }
    for (const auto& d : det) {
      double energy = 0;
      for (const auto& t : truth.charges) {
        if (overlaps(d, t)) energy += t.energy_kwh;
      }
      if (std::fabs(d.energy_kwh - energy) > std::max(0.02 * energy, 0.05)) {
        std::printf("    energy: %lld..%lld soc %.1f..%.1f det %.2f truth %.2f inferred=%d\n",
                    static_cast<long long>(d.start_ms), static_cast<long long>(d.end_ms),
                    d.start_soc, d.end_soc, d.energy_kwh, energy, d.inferred);
      }
    }
    for (const auto& g : truth.gaps) {
      std::printf("    gap: %lld..%lld\n", static_cast<long long>(g.first),
                  static_cast<long long>(g.second));
    }
  }
  r.precision = det.empty() ? 1.0 : static_cast<double>(r.detected_matched) / det.size();
  r.recall =
      truth.charges.empty() ? 1.0 : static_cast<double>(r.truth_matched) / truth.charges.size();
  r.observed_energy_error = obs_truth > 0 ? obs_err / obs_truth : 0;
  r.total_energy_error = truth_sum > 0 ? std::fabs(det_sum - truth_sum) / truth_sum : 0;
}

void scoreTrips(const vehicle::GroundTruth& truth, const std::vector<store::Trip>& det,
                RunResult& r) {
  r.trips_detected = static_cast<int>(det.size());
  double err = 0, total = 0;
  std::size_t j0 = 0;
  for (const auto& t : truth.trips) {
    if (inGap(truth, t.start_ms, t.end_ms)) continue;
    ++r.truth_trips;
    while (j0 < det.size() && det[j0].end_ms < t.start_ms) ++j0;
    for (std::size_t j = j0; j < det.size() && det[j].start_ms <= t.end_ms; ++j) {
      if (!overlaps(det[j], t)) continue;
      ++r.trips_matched;
      err += std::fabs(det[j].distance_km - t.distance_km);
      total += t.distance_km;
      break;
    }
  }
  r.trip_distance_error = total > 0 ? err / total : 0;
}

}  // namespace

RunResult runOne(const RunConfig& rc, const std::string& dir) {
  const auto t0 = std::chrono::steady_clock::now();
  RunResult r;
  store::StoreOptions o;
  o.path = dir + "/accuracy-" + std::to_string(rc.sim.seed) + "-" +
           vehicle::usageProfileName(rc.sim.profile) + ".db";
  std::remove(o.path.c_str());
  // Durability is not what is measured here.
  o.full_sync = false;
  o.utc_offset_minutes = rc.sim.utc_offset_minutes;
  auto opened = store::Store::open(o);
  if (!opened.ok()) return r;
  std::unique_ptr<store::Store> holder = std::move(opened).value();
  store::Store& st = *holder;

  vehicle::Simulator sim(rc.sim);
  vehicle::VehicleInfo vc;
  vc.utc_offset_minutes = rc.sim.utc_offset_minutes;
  std::unique_ptr<analytics::Analytics> an;
  const std::int64_t start = rc.sim.start_ms;
  std::int64_t next_commit = start;
  std::int64_t next_soh = start + std::llround(rc.soh_from_day * kDayMs);
  std::int64_t next_usage = start + 30 * kDayMs;
  std::int64_t last_ts = start;
  const char* profile = vehicle::usageProfileName(rc.sim.profile);

  auto checkpoint = [&](std::int64_t now) {
    if (now >= next_commit) {
      (void)st.commit();
      next_commit = now + 3'600'000;
    }
    if (now >= next_soh) {
      (void)st.commit();
      const auto s = analytics::summarizeSoh(st, vc, {now - 30 * kDayMs, now});
      SohCheck c;
      c.day = static_cast<double>(now - start) / kDayMs;
      c.truth = trueSohAt(sim.truth(), now);
      c.value = s.value;
      c.low = s.low;
      c.high = s.high;
      c.estimated = s.estimated_percent;
      c.bms = s.bms_percent;
      c.source = s.source.value_or("");
      r.soh.push_back(c);
      next_soh += std::llround(rc.soh_every_days * kDayMs);
    }
    if (now >= next_usage) {
      (void)st.commit();
      const auto u = analytics::classifyUsage(st, {now - 30 * kDayMs, now});
      r.usage_profiles.push_back(u.profile);
      r.average_daily_km = u.average_daily_km;
      r.active_days_share = u.active_days_share;
      r.night_driving_share = u.night_driving_share;
      r.dc_sessions_per_week = u.dc_sessions_per_week;
      next_usage += std::llround(rc.usage_every_days * kDayMs);
    }
  };

  while (auto rec = sim.next()) {
    if (const auto* f = std::get_if<vehicle::VehicleFacts>(&*rec)) {
      if (f->vin) vc.vin = *f->vin;
      if (f->nominal_capacity_kwh) vc.nominal_capacity_kwh = *f->nominal_capacity_kwh;
      if (f->chemistry) vc.chemistry = *f->chemistry;
      if (f->model) vc.model = *f->model;
      an = std::make_unique<analytics::Analytics>(st, st, vc);
      continue;
    }
    const auto* s = std::get_if<vehicle::Sample>(&*rec);
    if (s == nullptr || !an) continue;
    checkpoint(s->ts_ms);
    if (feeds(rc.feed, s->signal)) (void)st.addSample(*s);
    (void)an->onSample(*s);
    last_ts = s->ts_ms;
  }
  if (an) (void)an->finish();
  (void)st.commit();
  const auto& truth = sim.truth();

  scoreCharging(truth, st.chargingSessions(0, kMax), last_ts, r);
  scoreTrips(truth, st.trips(0, kMax), r);
  if (rc.feed != StoreFeed::kNone) {
    double truth_km = 0;
    for (const auto& t : truth.trips) {
      if (!unobservable(truth, last_ts, t.start_ms)) truth_km += t.distance_km;
    }
    const auto d = analytics::summarizeDriving(st, {start, last_ts + 1});
    r.odometer_distance_error = truth_km > 0 ? std::fabs(d.distance_km - truth_km) / truth_km : 0;
  }

  // SOH: interval coverage over the checkpoints, errors at the end.
  int covered = 0, checks = 0;
  for (const auto& c : r.soh) {
    if (!c.value) continue;
    ++checks;
    if (*c.low <= c.truth && c.truth <= *c.high) ++covered;
    r.soh_mean_width += *c.high - *c.low;
  }
  r.soh_coverage = checks > 0 ? static_cast<double>(covered) / checks : 0;
  if (checks > 0) r.soh_mean_width /= checks;
  const auto end = analytics::summarizeSoh(st, vc, {last_ts - 30 * kDayMs, last_ts + 1});
  const double truth_end = trueSohAt(truth, last_ts);
  if (end.value) r.soh_final_error = std::fabs(*end.value - truth_end);
  if (end.estimated_percent)
    r.soh_estimated_final_error = std::fabs(*end.estimated_percent - truth_end);
  r.degradation = end.degradation_percent_per_year;
  // The truth's rate: least squares over the daily true SOH of the run.
  if (truth.capacity.size() >= 90) {
    double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const auto& p : truth.capacity) {
      const double x = static_cast<double>(p.ts_ms - start) / (365.2425 * kDayMs);
      n += 1;
      sx += x;
      sy += p.soh_percent;
      sxx += x * x;
      sxy += x * p.soh_percent;
    }
    r.degradation_truth = -(n * sxy - sx * sy) / (n * sxx - sx * sx);
  }

  int correct = 0;
  for (const auto& p : r.usage_profiles) correct += p == profile;
  r.usage_correct_share =
      r.usage_profiles.empty() ? 0 : static_cast<double>(correct) / r.usage_profiles.size();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  holder.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((o.path + suffix).c_str());
  return r;
}

}  // namespace crm::accuracy
