// The catalogue of VSS 6.0 signals the agent understands (docs/domain-facts.md §2):
// path, type, unit, physical range, and how the store may reduce it.
//
// Threading: the catalogue is immutable after static initialisation.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace crm::vehicle {

using SignalId = std::uint16_t;

enum class ValueType : std::uint8_t { kFloat, kUInt32, kBool, kString, kStringArray };

struct SignalInfo {
  SignalId id;
  std::string_view path;
  ValueType type;
  std::string_view unit;
  double min;  // physical range, inclusive; ignored for non-numeric types
  double max;
  bool monotonic;  // a lifetime counter: never decreases
  bool personal;   // personal data: leaves the car only with consent, never logged
  // Change-based reduction: a numeric sample within `deadband` of the last
  // stored value is not stored again unless `heartbeat_s` has passed. Zero
  // deadband stores every change.
  double deadband;
  std::int32_t heartbeat_s;
};

// All known signals, indexed by id (ids are positions, not persisted: the
// store keeps its own path table).
std::span<const SignalInfo> signalCatalogue();

// REQUIRES: id < signalCatalogue().size().
const SignalInfo& signalInfo(SignalId id);

// Looks a path up; nullopt when it is not a known VSS path.
std::optional<SignalId> findSignal(std::string_view path);

// Well-known ids, so that producers do not look paths up by string. They are
// positions in the catalogue (checked by a static_assert in signals.cpp).
namespace sig {
inline constexpr SignalId kTraveledDistance = 0;
inline constexpr SignalId kSpeed = 1;
inline constexpr SignalId kIsMoving = 2;
inline constexpr SignalId kSoh = 3;
inline constexpr SignalId kSocCurrent = 4;
inline constexpr SignalId kSocDisplayed = 5;
inline constexpr SignalId kCurrentEnergy = 6;
inline constexpr SignalId kNetCapacity = 7;
inline constexpr SignalId kPackCurrent = 8;
inline constexpr SignalId kPackVoltage = 9;
inline constexpr SignalId kPackPower = 10;
inline constexpr SignalId kPackTempAvg = 11;
inline constexpr SignalId kPackTempMin = 12;
inline constexpr SignalId kPackTempMax = 13;
inline constexpr SignalId kCellVoltageMin = 14;
inline constexpr SignalId kCellVoltageMax = 15;
inline constexpr SignalId kIsCharging = 16;
inline constexpr SignalId kCableConnected = 17;
inline constexpr SignalId kChargeCurrentDc = 18;
inline constexpr SignalId kChargeCurrentPhase1 = 19;
inline constexpr SignalId kChargeCurrentPhase2 = 20;
inline constexpr SignalId kChargeCurrentPhase3 = 21;
inline constexpr SignalId kChargeLimit = 22;
inline constexpr SignalId kTimeToComplete = 23;
inline constexpr SignalId kChargedEnergy = 24;
inline constexpr SignalId kConsumedEnergy = 25;
inline constexpr SignalId kLvBatteryVoltage = 26;
inline constexpr SignalId kTyreFrontLeft = 27;
inline constexpr SignalId kTyreFrontRight = 28;
inline constexpr SignalId kTyreRearLeft = 29;
inline constexpr SignalId kTyreRearRight = 30;
inline constexpr SignalId kPadWearFrontLeft = 31;
inline constexpr SignalId kPadWearFrontRight = 32;
inline constexpr SignalId kPadWearRearLeft = 33;
inline constexpr SignalId kPadWearRearRight = 34;
inline constexpr SignalId kBrakeFluidLevel = 35;
inline constexpr SignalId kDtcList = 36;
inline constexpr SignalId kLatitude = 37;
inline constexpr SignalId kLongitude = 38;
inline constexpr SignalId kAmbientTemp = 39;
}  // namespace sig

}  // namespace crm::vehicle
