#include "crm/vehicle/simulator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "crm/testing/temp_dir.h"
#include "crm/vehicle/sample_validator.h"

namespace crm::vehicle {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;

SimulatorConfig config(UsageProfile profile, double days, std::uint64_t seed = 7) {
  SimulatorConfig c;
  c.profile = profile;
  c.days = days;
  c.seed = seed;
  return c;
}

// Streams every sample to `fn`; returns the truth.
GroundTruth forEachSample(const SimulatorConfig& c, const std::function<void(const Sample&)>& fn) {
  Simulator sim(c);
  while (auto record = sim.next()) {
    if (const auto* s = std::get_if<Sample>(&*record)) fn(*s);
  }
  return sim.truth();
}

std::vector<Sample> samplesOf(const SimulatorConfig& c, GroundTruth* truth = nullptr) {
  std::vector<Sample> out;
  auto t = forEachSample(c, [&](const Sample& s) { out.push_back(s); });
  if (truth) *truth = std::move(t);
  return out;
}

double number(const Sample& s) {
  return std::get<double>(s.value);
}

double localHour(std::int64_t ts, int offset_minutes = 0) {
  const std::int64_t local = ts + offset_minutes * 60'000LL;
  return static_cast<double>(((local % kDayMs) + kDayMs) % kDayMs) / 3'600'000.0;
}

double totalKm(const GroundTruth& t) {
  double km = 0;
  for (const auto& trip : t.trips) km += trip.distance_km;
  return km;
}

// ---- Records and order.

TEST(Simulator, FirstRecordIsVehicleFactsDerivedFromSeedAndConfig) {
  SimulatorConfig c = config(UsageProfile::kPrivate, 1, 42);
  c.chemistry = "LFP";
  c.nominal_capacity_kwh = 60;
  Simulator sim(c);

  auto first = sim.next();

  ASSERT_TRUE(first.has_value());
  const auto* facts = std::get_if<VehicleFacts>(&*first);
  ASSERT_NE(facts, nullptr);
  ASSERT_TRUE(facts->vin.has_value());
  EXPECT_EQ(facts->vin->size(), 17U);
  EXPECT_EQ(facts->vin->rfind("LRW3E7EK5NC", 0), 0U);
  EXPECT_EQ(facts->model, "sim-ev-60");
  EXPECT_EQ(facts->chemistry, "LFP");
  EXPECT_EQ(facts->nominal_capacity_kwh, 60.0);
  EXPECT_EQ(facts->delivered, "2026-01-01");
  EXPECT_EQ(facts->tyre_placard_kpa, 290.0);
}

TEST(Simulator, UsedCarIsDeliveredBeforeTheStart) {
  SimulatorConfig c = config(UsageProfile::kPrivate, 1);
  c.initial_soh_percent = 92;
  Simulator sim(c);

  const auto facts = std::get<VehicleFacts>(*sim.next());

  EXPECT_LT(*facts.delivered, "2026-01-01");
  EXPECT_NEAR(sim.truth().capacity.front().soh_percent, 92.0, 0.01);
}

TEST(Simulator, SameSeedAndConfigGiveIdenticalRecords) {
  SimulatorConfig c = config(UsageProfile::kRideHailing, 10, 99);
  c.noise = true;
  c.gaps = true;
  Simulator a(c);
  Simulator b(c);

  std::size_t n = 0;
  for (;;) {
    auto ra = a.next();
    auto rb = b.next();
    ASSERT_EQ(ra.has_value(), rb.has_value());
    if (!ra) break;
    ++n;
    if (const auto* sa = std::get_if<Sample>(&*ra)) {
      const auto& sb = std::get<Sample>(*rb);
      ASSERT_EQ(sa->ts_ms, sb.ts_ms);
      ASSERT_EQ(sa->signal, sb.signal);
      ASSERT_EQ(sa->value, sb.value);
    }
  }

  EXPECT_GT(n, 10000U);
}

TEST(Simulator, DifferentSeedsGiveDifferentCarsAndDays) {
  GroundTruth ta;
  GroundTruth tb;
  const auto a = samplesOf(config(UsageProfile::kPrivate, 5, 1), &ta);
  const auto b = samplesOf(config(UsageProfile::kPrivate, 5, 2), &tb);

  Simulator sa(config(UsageProfile::kPrivate, 1, 1));
  Simulator sb(config(UsageProfile::kPrivate, 1, 2));

  EXPECT_NE(std::get<VehicleFacts>(*sa.next()).vin, std::get<VehicleFacts>(*sb.next()).vin);
  ASSERT_FALSE(ta.trips.empty());
  ASSERT_FALSE(tb.trips.empty());
  EXPECT_NE(ta.trips.front().start_ms, tb.trips.front().start_ms);
  EXPECT_NE(a.size(), b.size());
}

TEST(Simulator, SamplesAreInTimeOrderAndStrictlyIncreasingPerPath) {
  for (auto profile :
       {UsageProfile::kPrivate, UsageProfile::kRideHailing, UsageProfile::kLogistics}) {
    SimulatorConfig c = config(profile, 20);
    c.noise = true;
    c.gaps = true;
    c.location = true;
    std::int64_t last = INT64_MIN;
    std::map<SignalId, std::int64_t> last_by_path;
    std::size_t disorder = 0;

    forEachSample(c, [&](const Sample& s) {
      if (s.ts_ms < last) ++disorder;
      auto [it, fresh] = last_by_path.try_emplace(s.signal, s.ts_ms);
      if (!fresh && s.ts_ms <= it->second) ++disorder;
      it->second = s.ts_ms;
      last = s.ts_ms;
    });

    EXPECT_EQ(disorder, 0U) << usageProfileName(profile);
  }
}

TEST(Simulator, EverySamplePassesTheValidatorWithNoiseAndGaps) {
  for (auto profile :
       {UsageProfile::kPrivate, UsageProfile::kRideHailing, UsageProfile::kLogistics}) {
    SimulatorConfig c = config(profile, 45, 3);
    c.noise = true;
    c.gaps = true;
    c.location = true;
    c.chemistry = profile == UsageProfile::kLogistics ? "LFP" : "NMC";
    c.slow_leak = SlowLeak{};
    c.dtcs = {{"P0A7F", 2, 9}};
    SampleValidator validator;
    std::size_t samples = 0;
    std::size_t rejected = 0;
    std::string first_reject;

    forEachSample(c, [&](const Sample& s) {
      ++samples;
      if (auto r = validator.check(s)) {
        if (rejected++ == 0) first_reject = r->message;
      }
    });

    EXPECT_GT(samples, 50000U);
    EXPECT_EQ(rejected, 0U) << usageProfileName(profile) << ": " << first_reject;
  }
}

TEST(Simulator, StopsAfterTheConfiguredDaysAndStaysStopped) {
  Simulator sim(config(UsageProfile::kPrivate, 2.5));
  std::int64_t last = 0;

  while (auto r = sim.next()) {
    if (const auto* s = std::get_if<Sample>(&*r)) last = s->ts_ms;
  }

  EXPECT_LT(last, SimulatorConfig{}.start_ms + 5 * kDayMs / 2);
  EXPECT_GT(last, SimulatorConfig{}.start_ms + 2 * kDayMs);
  EXPECT_FALSE(sim.next().has_value());
}

TEST(Simulator, ZeroDaysRunsWithoutEnd) {
  Simulator sim(config(UsageProfile::kLogistics, 0));
  std::size_t n = 0;

  while (n < 300000 && sim.next()) ++n;

  EXPECT_EQ(n, 300000U);
}

// ---- Usage profiles.

TEST(SimulatorProfiles, NamesRoundTripAndUnknownNamesAreRefused) {
  for (auto p : {UsageProfile::kPrivate, UsageProfile::kRideHailing, UsageProfile::kLogistics}) {
    EXPECT_EQ(parseUsageProfile(usageProfileName(p)), p);
  }
  EXPECT_STREQ(usageProfileName(UsageProfile::kRideHailing), "ride_hailing");
  EXPECT_FALSE(parseUsageProfile("taxi").has_value());
}

TEST(SimulatorProfiles, PrivateCarDrivesAbout40KmADayRarelyAtNight) {
  GroundTruth truth = forEachSample(config(UsageProfile::kPrivate, 60), [](const Sample&) {});
  int night = 0;
  for (const auto& trip : truth.trips) {
    const double h = localHour(trip.start_ms);
    if (h >= 22 || h < 5) ++night;
  }

  EXPECT_GT(totalKm(truth) / 60, 25.0);
  EXPECT_LT(totalKm(truth) / 60, 60.0);
  EXPECT_LT(night, static_cast<int>(truth.trips.size()) / 20);
}

TEST(SimulatorProfiles, RideHailingDrives200To300KmADayIncludingNightsAndChargesDcOften) {
  GroundTruth truth = forEachSample(config(UsageProfile::kRideHailing, 60), [](const Sample&) {});
  int night = 0;
  for (const auto& trip : truth.trips) {
    if (localHour(trip.start_ms) >= 22 || localHour(trip.start_ms) < 1) ++night;
  }
  const auto dc =
      std::count_if(truth.charges.begin(), truth.charges.end(), [](const auto& c) { return c.dc; });

  EXPECT_GT(totalKm(truth) / 60, 170.0);
  EXPECT_LT(totalKm(truth) / 60, 300.0);
  EXPECT_GT(truth.trips.size(), 60U * 10);
  EXPECT_GT(night, 30);
  EXPECT_GT(dc, 60 / 7 * 3);
}

TEST(SimulatorProfiles, LogisticsDrivesByDayOnWeekdaysWithManyStops) {
  GroundTruth truth = forEachSample(config(UsageProfile::kLogistics, 60), [](const Sample&) {});
  int sunday = 0;
  int outside_day = 0;
  for (const auto& trip : truth.trips) {
    const std::int64_t day = trip.start_ms / kDayMs;
    if ((day + 4) % 7 == 0) ++sunday;
    if (localHour(trip.start_ms) < 6 || localHour(trip.start_ms) > 20) ++outside_day;
  }

  EXPECT_GT(totalKm(truth) / 60, 100.0);
  EXPECT_LT(totalKm(truth) / 60, 230.0);
  EXPECT_GT(truth.trips.size(), 40U * 10);
  EXPECT_EQ(sunday, 0);
  EXPECT_EQ(outside_day, 0);
}

TEST(SimulatorProfiles, DailyRoutineFollowsLocalTime) {
  SimulatorConfig c = config(UsageProfile::kLogistics, 30);
  c.utc_offset_minutes = 480;  // China Standard Time
  GroundTruth truth = forEachSample(c, [](const Sample&) {});
  int local_daytime = 0;
  for (const auto& trip : truth.trips) {
    const double h = localHour(trip.start_ms, c.utc_offset_minutes);
    if (h >= 6 && h <= 20) ++local_daytime;
  }

  ASSERT_FALSE(truth.trips.empty());
  EXPECT_EQ(local_daytime, static_cast<int>(truth.trips.size()));
}

// ---- Battery.

TEST(SimulatorBattery, PrivateNmcCarLosesTwoToThreePercentInYearOneAndLessAfter) {
  GroundTruth truth = forEachSample(config(UsageProfile::kPrivate, 731), [](const Sample&) {});
  ASSERT_GE(truth.capacity.size(), 731U);

  const double year1 = truth.capacity[0].soh_percent - truth.capacity[365].soh_percent;
  const double year2 = truth.capacity[365].soh_percent - truth.capacity[730].soh_percent;

  EXPECT_GT(year1, 2.0);
  EXPECT_LT(year1, 3.0);
  EXPECT_GT(year2, 1.5);
  EXPECT_LT(year2, 2.3);
  EXPECT_LT(year2, year1);
}

TEST(SimulatorBattery, HeavyDcRideHailingAgesFasterThanPrivate) {
  GroundTruth priv = forEachSample(config(UsageProfile::kPrivate, 365), [](const Sample&) {});
  GroundTruth ride = forEachSample(config(UsageProfile::kRideHailing, 365), [](const Sample&) {});

  const double priv_loss = priv.capacity.front().soh_percent - priv.capacity.back().soh_percent;
  const double ride_loss = ride.capacity.front().soh_percent - ride.capacity.back().soh_percent;

  EXPECT_GT(ride_loss, priv_loss + 0.8);
}

TEST(SimulatorBattery, BmsSohTracksTheTrueSohWithinTwoPoints) {
  GroundTruth truth;
  const auto samples = samplesOf(config(UsageProfile::kPrivate, 120), &truth);
  std::size_t checked = 0;

  for (const auto& s : samples) {
    if (s.signal != sig::kSoh) continue;
    auto it = std::find_if(truth.capacity.begin(), truth.capacity.end(),
                           [&](const auto& p) { return p.ts_ms >= s.ts_ms; });
    if (it == truth.capacity.end()) continue;
    EXPECT_NEAR(number(s), it->soh_percent, 2.0);
    ++checked;
  }

  EXPECT_GE(checked, 100U);
}

TEST(SimulatorBattery, CarsThatHideSohPublishNeitherSohNorEnergy) {
  SimulatorConfig c = config(UsageProfile::kPrivate, 10);
  c.bms_reports_soh = false;
  std::size_t hidden = 0;
  std::size_t soc = 0;

  forEachSample(c, [&](const Sample& s) {
    if (s.signal == sig::kSoh || s.signal == sig::kNetCapacity || s.signal == sig::kCurrentEnergy)
      ++hidden;
    if (s.signal == sig::kSocCurrent) ++soc;
  });

  EXPECT_EQ(hidden, 0U);
  EXPECT_GT(soc, 100U);
}

// Integrates I*V (sample and hold, as emitted) and checks it against the SOC
// change times the true capacity, for every trip and charging session that
// moves the SOC by at least 5 points.
TEST(SimulatorBattery, CoulombCountingMatchesTheSocChangeWithinOnePercent) {
  for (auto profile : {UsageProfile::kPrivate, UsageProfile::kRideHailing}) {
    double current = 0;
    double voltage = 0;
    double energy_kwh = 0;
    std::int64_t last_ts = 0;
    std::map<std::int64_t, std::pair<double, double>> soc_at;  // ts -> (soc %, energy so far)
    GroundTruth truth = forEachSample(config(profile, 30), [&](const Sample& s) {
      if (last_ts != 0)
        energy_kwh += current * voltage * static_cast<double>(s.ts_ms - last_ts) / 3.6e9;
      last_ts = s.ts_ms;
      if (s.signal == sig::kPackCurrent) current = number(s);
      if (s.signal == sig::kPackVoltage) voltage = number(s);
      if (s.signal == sig::kSocCurrent) soc_at[s.ts_ms] = {number(s), energy_kwh};
    });
    std::vector<std::pair<std::int64_t, std::int64_t>> windows;
    for (const auto& c : truth.charges) windows.emplace_back(c.start_ms, c.end_ms);
    for (const auto& t : truth.trips) windows.emplace_back(t.start_ms, t.end_ms);
    std::size_t checked = 0;

    for (const auto& window : windows) {
      const std::int64_t from = window.first;
      auto a = soc_at.find(from);
      auto b = soc_at.find(window.second);
      ASSERT_NE(a, soc_at.end());
      ASSERT_NE(b, soc_at.end());
      const double dsoc = b->second.first - a->second.first;
      if (std::abs(dsoc) < 5) continue;
      const auto cap = std::find_if(truth.capacity.rbegin(), truth.capacity.rend(),
                                    [&](const auto& p) { return p.ts_ms <= from; });
      const double expected = dsoc / 100.0 * cap->capacity_kwh;
      const double measured = b->second.second - a->second.second;
      EXPECT_NEAR(measured / expected, 1.0, 0.01) << usageProfileName(profile) << " at " << from;
      ++checked;
    }

    EXPECT_GE(checked, 10U) << usageProfileName(profile);
  }
}

// ---- Charging.

TEST(SimulatorCharging, AcSessionsUseThePhaseCurrentsAndDcSessionsTheDcCurrent) {
  GroundTruth truth;
  const auto samples = samplesOf(config(UsageProfile::kRideHailing, 30), &truth);
  int ac_checked = 0;
  int dc_checked = 0;

  for (const auto& session : truth.charges) {
    double dc_max = 0;
    double phase_max = 0;
    for (const auto& s : samples) {
      if (s.ts_ms < session.start_ms || s.ts_ms >= session.end_ms) continue;
      if (s.signal == sig::kChargeCurrentDc) dc_max = std::max(dc_max, number(s));
      if (s.signal == sig::kChargeCurrentPhase1) phase_max = std::max(phase_max, number(s));
    }
    if (session.dc) {
      EXPECT_GT(dc_max, 20.0);
      EXPECT_EQ(phase_max, 0.0);
      ++dc_checked;
    } else {
      EXPECT_EQ(dc_max, 0.0);
      EXPECT_GT(phase_max, 5.0);
      ++ac_checked;
    }
  }

  EXPECT_GT(ac_checked, 3);
  EXPECT_GT(dc_checked, 3);
}

TEST(SimulatorCharging, DcPowerTapersAboveMidSocAndWarmsThePack) {
  SimulatorConfig c = config(UsageProfile::kRideHailing, 30);
  c.ambient_mean_c = 25;  // a warm pack takes full power
  GroundTruth truth;
  const auto samples = samplesOf(c, &truth);
  int checked = 0;

  for (const auto& session : truth.charges) {
    if (!session.dc || session.start_soc > 40 || session.end_soc < 78) continue;
    double soc = 0;
    double low_soc_kw = 0;
    double high_soc_kw = 1e9;
    double temp_first = -100;
    double temp_max = -100;
    for (const auto& s : samples) {
      if (s.ts_ms < session.start_ms || s.ts_ms > session.end_ms) continue;
      if (s.signal == sig::kSocCurrent) soc = number(s);
      if (s.signal == sig::kPackPower && soc > 30 && soc < 50)
        low_soc_kw = std::max(low_soc_kw, number(s) / 1000);
      if (s.signal == sig::kPackPower && soc > 75 && number(s) > 0)
        high_soc_kw = std::min(high_soc_kw, number(s) / 1000);
      if (s.signal == sig::kPackTempAvg) {
        if (temp_first == -100) temp_first = number(s);
        temp_max = std::max(temp_max, number(s));
      }
    }
    EXPECT_GT(low_soc_kw, 1.5 * high_soc_kw);
    EXPECT_GT(low_soc_kw, 100.0);
    EXPECT_GT(session.peak_kw, 100.0);
    EXPECT_GT(temp_max, temp_first + 3.0);
    ++checked;
  }

  EXPECT_GT(checked, 2);
}

TEST(SimulatorCharging, PrivateCarChargesAcMostlyAtNightUpToItsLimit) {
  SimulatorConfig c = config(UsageProfile::kPrivate, 60);
  GroundTruth truth = forEachSample(c, [](const Sample&) {});
  int ac = 0;
  int night = 0;
  int over_limit = 0;

  for (const auto& session : truth.charges) {
    if (session.dc) continue;
    ++ac;
    const double h = localHour(session.start_ms);
    if (h >= 19 || h < 6) ++night;
    if (session.end_soc > 80.5) ++over_limit;
  }

  EXPECT_GT(ac, 10);
  EXPECT_GT(night, ac * 7 / 10);
  EXPECT_EQ(over_limit, 0);
}

TEST(SimulatorCharging, LfpCarIsChargedToFullAboutWeekly) {
  SimulatorConfig c = config(UsageProfile::kPrivate, 70);
  c.chemistry = "LFP";
  GroundTruth truth = forEachSample(c, [](const Sample&) {});

  const auto full = std::count_if(truth.charges.begin(), truth.charges.end(),
                                  [](const auto& s) { return s.end_soc >= 99.5; });

  EXPECT_GE(full, 6);
  EXPECT_LE(full, 14);
}

TEST(SimulatorCharging, SomeSessionsAreInterruptedBeforeTheirTarget) {
  GroundTruth truth = forEachSample(config(UsageProfile::kRideHailing, 60), [](const Sample&) {});

  const auto interrupted = std::count_if(truth.charges.begin(), truth.charges.end(),
                                         [](const auto& s) { return s.interrupted; });

  EXPECT_GT(interrupted, 0);
  EXPECT_LT(interrupted, static_cast<long>(truth.charges.size()) / 3);
}

// ---- Wear and faults.

TEST(SimulatorWear, SlowLeakDrainsOneTyreSteadilyWhileTheOthersHold) {
  SimulatorConfig c = config(UsageProfile::kPrivate, 40);
  c.slow_leak = SlowLeak{2, 10, 3};
  std::map<SignalId, std::map<std::int64_t, std::vector<double>>> by_day;
  forEachSample(c, [&](const Sample& s) {
    if (s.signal >= sig::kTyreFrontLeft && s.signal <= sig::kTyreRearRight) {
      by_day[s.signal][(s.ts_ms - c.start_ms) / kDayMs].push_back(number(s));
    }
  });
  auto mean = [&](SignalId tyre, std::int64_t from, std::int64_t to) {
    double sum = 0;
    int n = 0;
    for (auto d = from; d < to; ++d) {
      for (double p : by_day[tyre][d]) sum += p, ++n;
    }
    return sum / n;
  };

  const double leak_drop = mean(sig::kTyreRearLeft, 6, 10) - mean(sig::kTyreRearLeft, 36, 40);
  const double other_drop = mean(sig::kTyreFrontRight, 6, 10) - mean(sig::kTyreFrontRight, 36, 40);

  EXPECT_GT(leak_drop, 70.0);
  EXPECT_LT(leak_drop, 110.0);
  EXPECT_LT(std::abs(other_drop), 15.0);
}

TEST(SimulatorWear, PadsWearSlowlyWithDistanceAndNeverRecover) {
  GroundTruth truth;
  double first = -1;
  double last = -1;
  bool decreased = false;
  truth = forEachSample(config(UsageProfile::kPrivate, 365), [&](const Sample& s) {
    if (s.signal != sig::kPadWearFrontLeft) return;
    if (first < 0) first = number(s);
    if (number(s) < last) decreased = true;
    last = number(s);
  });

  EXPECT_FALSE(decreased);
  EXPECT_GT(last - first, 0.5);
  EXPECT_LT(last - first, 20.0);
}

TEST(SimulatorWear, TwelveVoltRestVoltageDeclinesWithAge) {
  SimulatorConfig c = config(UsageProfile::kPrivate, 60);
  c.lv_battery_decline_v_per_year = 1.0;  // exaggerated so two months show it
  double early = 0;
  double late = 0;
  int n_early = 0;
  int n_late = 0;
  forEachSample(c, [&](const Sample& s) {
    if (s.signal != sig::kLvBatteryVoltage) return;
    const auto day = (s.ts_ms - c.start_ms) / kDayMs;
    if (day < 10) early += number(s), ++n_early;
    if (day >= 50) late += number(s), ++n_late;
  });

  ASSERT_GT(n_early, 100);
  ASSERT_GT(n_late, 100);
  EXPECT_GT(early / n_early - late / n_late, 0.05);
  EXPECT_LT(early / n_early - late / n_late, 0.2);
}

TEST(SimulatorDiagnostics, DtcListChangesWhenCodesAppearAndClear) {
  SimulatorConfig c = config(UsageProfile::kPrivate, 20);
  c.dtcs = {{"P0A7F", 5, 12}, {"U0100", 8, -1}};
  std::map<std::int64_t, std::vector<std::string>> lists;
  forEachSample(c, [&](const Sample& s) {
    if (s.signal == sig::kDtcList) lists[s.ts_ms] = std::get<std::vector<std::string>>(s.value);
  });
  auto at = [&](double day) {
    return lists.at(c.start_ms + static_cast<std::int64_t>(day * kDayMs));
  };

  EXPECT_TRUE(lists.begin()->second.empty());
  EXPECT_EQ(at(5), std::vector<std::string>{"P0A7F"});
  EXPECT_EQ(at(8), (std::vector<std::string>{"P0A7F", "U0100"}));
  EXPECT_EQ(at(12), std::vector<std::string>{"U0100"});
  EXPECT_EQ(lists.rbegin()->second, std::vector<std::string>{"U0100"});
}

TEST(SimulatorLocation, LocationIsEmittedOnlyWhenEnabledAndStaysNearHome) {
  SimulatorConfig c = config(UsageProfile::kPrivate, 10);
  std::size_t without = 0;
  forEachSample(c, [&](const Sample& s) { without += s.signal == sig::kLatitude; });
  c.location = true;
  std::size_t with = 0;
  double max_offset = 0;
  forEachSample(c, [&](const Sample& s) {
    if (s.signal != sig::kLatitude) return;
    ++with;
    max_offset = std::max(max_offset, std::abs(number(s) - 31.23));
  });

  EXPECT_EQ(without, 0U);
  EXPECT_GT(with, 1000U);
  EXPECT_LT(max_offset, 2.0);
}

// ---- Ground truth, gaps and noise.

TEST(SimulatorTruth, TripDistancesAddUpToTheOdometerDelta) {
  GroundTruth truth;
  double first = -1;
  double last = -1;
  truth = forEachSample(config(UsageProfile::kLogistics, 30), [&](const Sample& s) {
    if (s.signal != sig::kTraveledDistance) return;
    if (first < 0) first = number(s);
    last = number(s);
  });

  EXPECT_NEAR(totalKm(truth) * 1000.0, last - first, 1.0 + static_cast<double>(truth.trips.size()));
}

TEST(SimulatorTruth, HasOneCapacityPointPerDay) {
  GroundTruth truth = forEachSample(config(UsageProfile::kPrivate, 30), [](const Sample&) {});

  ASSERT_EQ(truth.capacity.size(), 31U);  // the start and every 04:00
  for (std::size_t i = 2; i < truth.capacity.size(); ++i) {
    EXPECT_EQ(truth.capacity[i].ts_ms - truth.capacity[i - 1].ts_ms, kDayMs);
    EXPECT_LE(truth.capacity[i].soh_percent, truth.capacity[i - 1].soh_percent);
  }
}

TEST(SimulatorGaps, NothingIsEmittedInsideAGapAndTheCarMayChargeMeanwhile) {
  SimulatorConfig c = config(UsageProfile::kPrivate, 120, 5);
  c.gaps = true;
  GroundTruth truth;
  const auto samples = samplesOf(c, &truth);
  std::size_t inside = 0;

  for (const auto& s : samples) {
    for (const auto& [from, to] : truth.gaps) inside += s.ts_ms >= from && s.ts_ms < to;
  }
  const auto during = std::count_if(truth.charges.begin(), truth.charges.end(),
                                    [](const auto& s) { return s.during_gap; });

  EXPECT_GE(truth.gaps.size(), 3U);
  EXPECT_EQ(inside, 0U);
  EXPECT_GT(during, 0);
}

TEST(SimulatorGaps, GapsAndNoiseDoNotChangeWhatTheCarDoes) {
  SimulatorConfig c = config(UsageProfile::kPrivate, 40, 5);
  GroundTruth plain = forEachSample(c, [](const Sample&) {});
  c.gaps = true;
  c.noise = true;
  GroundTruth noisy = forEachSample(c, [](const Sample&) {});

  ASSERT_EQ(plain.trips.size(), noisy.trips.size());
  for (std::size_t i = 0; i < plain.trips.size(); ++i) {
    EXPECT_EQ(plain.trips[i].start_ms, noisy.trips[i].start_ms);
    EXPECT_EQ(plain.trips[i].distance_km, noisy.trips[i].distance_km);
  }
}

TEST(SimulatorNoise, NoiseBlursAnalogValuesSlightlyAndRepeatsSomeValues) {
  SimulatorConfig c = config(UsageProfile::kPrivate, 10);
  std::map<std::int64_t, double> clean;
  forEachSample(c, [&](const Sample& s) {
    if (s.signal == sig::kPackVoltage) clean[s.ts_ms] = number(s);
  });
  c.noise = true;
  std::size_t differ = 0;
  std::size_t compared = 0;
  std::size_t repeats = 0;
  std::size_t far = 0;
  double previous = -1;
  forEachSample(c, [&](const Sample& s) {
    if (s.signal != sig::kPackVoltage) return;
    if (number(s) == previous) ++repeats;
    previous = number(s);
    auto it = clean.find(s.ts_ms);
    if (it == clean.end()) return;
    ++compared;
    differ += number(s) != it->second;
    // Noise is bounded at about 3.5 sigma (0.3 V); only stale repeats go further.
    far += std::abs(number(s) - it->second) > 1.1;
  });

  EXPECT_GT(differ, compared / 2);
  EXPECT_LT(far, compared / 50);
  EXPECT_GT(repeats, 0U);
}

TEST(SimulatorTruth, WriteGroundTruthWritesAllKeysAsJson) {
  testing::TempDir dir;
  SimulatorConfig c = config(UsageProfile::kPrivate, 5);
  c.gaps = true;
  GroundTruth truth = forEachSample(c, [](const Sample&) {});
  truth.gaps.emplace_back(1, 2);

  auto status = writeGroundTruth(truth, dir.file("truth.json"));

  ASSERT_TRUE(status.ok());
  auto doc = nlohmann::json::parse(testing::readFile(dir.file("truth.json")), nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  EXPECT_EQ(doc["capacity"].size(), truth.capacity.size());
  EXPECT_EQ(doc["trips"].size(), truth.trips.size());
  EXPECT_EQ(doc["charges"].size(), truth.charges.size());
  EXPECT_EQ(doc["gaps"].back(), nlohmann::json::array({1, 2}));
  EXPECT_TRUE(doc["capacity"][0].contains("soh_percent"));
  EXPECT_TRUE(doc["trips"][0].contains("distance_km"));
}

TEST(SimulatorTruth, WriteGroundTruthToAnUnwritablePathIsAnError) {
  GroundTruth truth;

  auto status = writeGroundTruth(truth, "/nonexistent-dir/truth.json");

  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, TruthError::kCannotWrite);
}

}  // namespace
}  // namespace crm::vehicle
