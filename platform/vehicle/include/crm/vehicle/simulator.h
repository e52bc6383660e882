// The built-in simulated electric car: a seeded, deterministic model of an EV
// over days to years (trips by usage profile, AC and DC charging with power and
// temperature curves, pack current and voltage, battery ageing, seasons, a
// declining 12 V battery, tyre pressures with an optional slow leak, brake pad
// wear, injectable DTCs). It also keeps its ground truth so that tests can
// score the analytics against what really happened.
//
// Same seed and config => the same records, bit for bit, on every machine.
//
// Its own target (crm_simulator): a head-unit build leaves it out
// (CRM_WITH_SIMULATOR=OFF). Its settings are in simulator_config.h, which the
// configuration reads in every build.
//
// Threading: one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crm/common/result.h"
#include "crm/vehicle/simulator_config.h"
#include "crm/vehicle/vehicle_source.h"

namespace crm::vehicle {

// What really happened, for scoring analytics.
struct GroundTruth {
  struct CapacityPoint {
    std::int64_t ts_ms;
    double capacity_kwh;  // true usable capacity
    double soh_percent;   // capacity / nominal * 100
    double odometer_km;
  };
  struct ChargeSession {
    std::int64_t start_ms, end_ms;
    double start_soc, end_soc;  // percent
    double energy_kwh;          // into the battery
    double peak_kw;
    bool dc;
    bool interrupted;  // stopped before the target SOC
    bool during_gap;   // happened while the agent was off
  };
  struct Trip {
    std::int64_t start_ms, end_ms;
    double distance_km;
    double energy_kwh;  // out of the battery
  };
  std::vector<CapacityPoint> capacity;  // one point per simulated day
  std::vector<ChargeSession> charges;
  std::vector<Trip> trips;
  std::vector<std::pair<std::int64_t, std::int64_t>> gaps;  // [start, end) ms
};

class Simulator final : public VehicleSource {
 public:
  explicit Simulator(SimulatorConfig config);
  ~Simulator() override;
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // The first record is VehicleFacts (vin from the seed, model, capacity,
  // chemistry, delivery date, placard); then samples in global time order.
  std::optional<Record> next() override;

  // The truth so far (complete once next() has returned nullopt).
  const GroundTruth& truth() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

enum class TruthError : std::uint8_t { kCannotWrite };
// Writes the ground truth as one JSON document (keys documented in
// docs/recording-format.md).
Status<TruthError> writeGroundTruth(const GroundTruth& truth, const std::string& path);

}  // namespace crm::vehicle
