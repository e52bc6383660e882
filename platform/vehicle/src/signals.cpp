#include "crm/vehicle/signals.h"

#include <array>
#include <limits>

namespace crm::vehicle {
namespace {

constexpr double kU32Max = std::numeric_limits<std::uint32_t>::max();
#define TB "Vehicle.Powertrain.TractionBattery."
#define AX "Vehicle.Chassis.Axle."

// Ranges are physical limits of any production EV, not of one model: a value
// outside them is a sensor or transport fault, never a real reading.
// Deadbands are about a tenth of what any analysis needs to resolve.
constexpr std::array<SignalInfo, 40> kCatalogue{{
    {0, "Vehicle.TraveledDistance", ValueType::kUInt32, "m", 0, kU32Max, true, false, 0, 3600},
    {1, "Vehicle.Speed", ValueType::kFloat, "km/h", 0, 400, false, false, 0.5, 600},
    {2, "Vehicle.IsMoving", ValueType::kBool, "", 0, 0, false, false, 0, 3600},
    {3, TB "StateOfHealth", ValueType::kFloat, "%", 0, 100, false, false, 0.01, 3600},
    {4, TB "StateOfCharge.Current", ValueType::kFloat, "%", 0, 100, false, false, 0.05, 900},
    {5, TB "StateOfCharge.Displayed", ValueType::kFloat, "%", 0, 100, false, false, 0.5, 900},
    {6, TB "StateOfCharge.CurrentEnergy", ValueType::kFloat, "kWh", 0, 300, false, false, 0.05,
     900},
    {7, TB "NetCapacity", ValueType::kFloat, "kWh", 0, 300, false, false, 0.05, 3600},
    // Current and voltage feed the coulomb-counting capacity estimate: keep
    // every change so that the integral stays exact.
    {8, TB "CurrentCurrent", ValueType::kFloat, "A", -2000, 2000, false, false, 0, 600},
    {9, TB "CurrentVoltage", ValueType::kFloat, "V", 0, 1500, false, false, 0, 600},
    {10, TB "CurrentPower", ValueType::kFloat, "W", -1000000, 1000000, false, false, 0, 600},
    {11, TB "Temperature.Average", ValueType::kFloat, "celsius", -60, 120, false, false, 0.2, 1800},
    {12, TB "Temperature.Min", ValueType::kFloat, "celsius", -60, 120, false, false, 0.2, 1800},
    {13, TB "Temperature.Max", ValueType::kFloat, "celsius", -60, 120, false, false, 0.2, 1800},
    {14, TB "CellVoltage.Min", ValueType::kFloat, "V", 0, 6, false, false, 0.001, 1800},
    {15, TB "CellVoltage.Max", ValueType::kFloat, "V", 0, 6, false, false, 0.001, 1800},
    {16, TB "Charging.IsCharging", ValueType::kBool, "", 0, 0, false, false, 0, 3600},
    {17, TB "Charging.IsChargingCableConnected", ValueType::kBool, "", 0, 0, false, false, 0, 3600},
    {18, TB "Charging.ChargeCurrent.DC", ValueType::kFloat, "A", -1000, 1000, false, false, 0, 600},
    {19, TB "Charging.ChargeCurrent.Phase1", ValueType::kFloat, "A", -200, 200, false, false, 0,
     600},
    {20, TB "Charging.ChargeCurrent.Phase2", ValueType::kFloat, "A", -200, 200, false, false, 0,
     600},
    {21, TB "Charging.ChargeCurrent.Phase3", ValueType::kFloat, "A", -200, 200, false, false, 0,
     600},
    {22, TB "Charging.ChargeLimit", ValueType::kFloat, "%", 0, 100, false, false, 0, 3600},
    {23, TB "Charging.TimeToComplete", ValueType::kUInt32, "s", 0, kU32Max, false, false, 60, 1800},
    {24, TB "AccumulatedChargedEnergy", ValueType::kFloat, "kWh", 0, 1e7, true, false, 0.01, 3600},
    {25, TB "AccumulatedConsumedEnergy", ValueType::kFloat, "kWh", 0, 1e7, true, false, 0.01, 3600},
    {26, "Vehicle.LowVoltageBattery.CurrentVoltage", ValueType::kFloat, "V", 0, 30, false, false,
     0.02, 1800},
    {27, AX "Row1.Wheel.Left.Tire.Pressure", ValueType::kFloat, "kPa", 0, 1000, false, false, 1,
     3600},
    {28, AX "Row1.Wheel.Right.Tire.Pressure", ValueType::kFloat, "kPa", 0, 1000, false, false, 1,
     3600},
    {29, AX "Row2.Wheel.Left.Tire.Pressure", ValueType::kFloat, "kPa", 0, 1000, false, false, 1,
     3600},
    {30, AX "Row2.Wheel.Right.Tire.Pressure", ValueType::kFloat, "kPa", 0, 1000, false, false, 1,
     3600},
    {31, AX "Row1.Wheel.Left.Brake.PadWear", ValueType::kFloat, "%", 0, 100, false, false, 0.5,
     86400},
    {32, AX "Row1.Wheel.Right.Brake.PadWear", ValueType::kFloat, "%", 0, 100, false, false, 0.5,
     86400},
    {33, AX "Row2.Wheel.Left.Brake.PadWear", ValueType::kFloat, "%", 0, 100, false, false, 0.5,
     86400},
    {34, AX "Row2.Wheel.Right.Brake.PadWear", ValueType::kFloat, "%", 0, 100, false, false, 0.5,
     86400},
    {35, AX "Row1.Wheel.Left.Brake.FluidLevel", ValueType::kFloat, "%", 0, 100, false, false, 1,
     86400},
    {36, "Vehicle.Diagnostics.DTCList", ValueType::kStringArray, "", 0, 0, false, false, 0, 86400},
    {37, "Vehicle.CurrentLocation.Latitude", ValueType::kFloat, "degrees", -90, 90, false, true,
     0.0001, 600},
    {38, "Vehicle.CurrentLocation.Longitude", ValueType::kFloat, "degrees", -180, 180, false, true,
     0.0001, 600},
    {39, "Vehicle.Exterior.AirTemperature", ValueType::kFloat, "celsius", -60, 70, false, false,
     0.5, 3600},
}};
#undef TB
#undef AX

constexpr bool idsArePositions() {
  for (std::size_t i = 0; i < kCatalogue.size(); ++i) {
    if (kCatalogue[i].id != i) return false;
  }
  return true;
}
static_assert(idsArePositions(), "signal ids must equal their catalogue positions");
static_assert(kCatalogue[sig::kAmbientTemp].path == "Vehicle.Exterior.AirTemperature");
static_assert(kCatalogue[sig::kTyreRearRight].path ==
              "Vehicle.Chassis.Axle.Row2.Wheel.Right.Tire.Pressure");

}  // namespace

std::span<const SignalInfo> signalCatalogue() {
  return kCatalogue;
}

const SignalInfo& signalInfo(SignalId id) {
  return kCatalogue[id];
}

std::optional<SignalId> findSignal(std::string_view path) {
  // 40 entries: a linear scan beats hashing setup and stays allocation-free.
  for (const auto& s : kCatalogue) {
    if (s.path == path) return s.id;
  }
  return std::nullopt;
}

}  // namespace crm::vehicle
