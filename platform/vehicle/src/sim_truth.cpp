// Ground truth as JSON, for scoring analytics against what really happened.
#include <fstream>
#include <nlohmann/json.hpp>

#include "crm/vehicle/simulator.h"

namespace crm::vehicle {

Status<TruthError> writeGroundTruth(const GroundTruth& truth, const std::string& path) {
  // Keys are stable: accuracy tests and notebooks read them.
  try {
    nlohmann::json doc;
    auto& capacity = doc["capacity"] = nlohmann::json::array();
    for (const auto& p : truth.capacity) {
      capacity.push_back({{"ts", p.ts_ms},
                          {"capacity_kwh", p.capacity_kwh},
                          {"soh_percent", p.soh_percent},
                          {"odometer_km", p.odometer_km}});
    }
    auto& charges = doc["charges"] = nlohmann::json::array();
    for (const auto& c : truth.charges) {
      charges.push_back({{"start_ms", c.start_ms},
                         {"end_ms", c.end_ms},
                         {"start_soc", c.start_soc},
                         {"end_soc", c.end_soc},
                         {"energy_kwh", c.energy_kwh},
                         {"peak_kw", c.peak_kw},
                         {"dc", c.dc},
                         {"interrupted", c.interrupted},
                         {"during_gap", c.during_gap}});
    }
    auto& trips = doc["trips"] = nlohmann::json::array();
    for (const auto& t : truth.trips) {
      trips.push_back({{"start_ms", t.start_ms},
                       {"end_ms", t.end_ms},
                       {"distance_km", t.distance_km},
                       {"energy_kwh", t.energy_kwh}});
    }
    auto& gaps = doc["gaps"] = nlohmann::json::array();
    for (const auto& [from, to] : truth.gaps) gaps.push_back({from, to});

    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return fail(TruthError::kCannotWrite, "cannot open " + path + " for writing");
    out << doc.dump() << '\n';
    out.close();
    if (!out) return fail(TruthError::kCannotWrite, "cannot write " + path);
  } catch (const std::exception& e) {
    return fail(TruthError::kCannotWrite, std::string("cannot write ground truth: ") + e.what());
  }
  return {};
}

}  // namespace crm::vehicle
