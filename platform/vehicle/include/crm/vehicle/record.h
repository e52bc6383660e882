// What a vehicle data source yields: timestamped VSS samples, CRM commands
// replayed from a recording, vehicle facts, and rejected input lines.
//
// Threading: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "crm/vehicle/signals.h"

namespace crm::vehicle {

// One signal value, typed as the catalogue says for its path.
using Value = std::variant<double, bool, std::string, std::vector<std::string>>;

struct Sample {
  std::int64_t ts_ms = 0;  // Unix epoch milliseconds, UTC
  SignalId signal = 0;
  Value value;
  std::uint64_t line = 0;  // 1-based line in a recording; 0 for live sources
};

// A command as if it arrived from the CRM at ts_ms (docs/contract.md §2, §5.3).
struct Command {
  std::int64_t ts_ms = 0;
  std::string name;
  std::string body_json;  // the "body" object, serialised
  std::uint64_t line = 0;
};

// Facts that override configuration (the optional first line of a recording).
struct VehicleFacts {
  std::optional<std::string> vin;
  std::optional<std::string> model;
  std::optional<double> nominal_capacity_kwh;
  std::optional<std::string> chemistry;  // NMC, NCA or LFP
  std::optional<std::string> delivered;  // YYYY-MM-DD
  std::optional<double> tyre_placard_kpa;
  std::uint64_t line = 0;
};

// Why an input line or sample was refused. Stable: these names appear in
// replay summaries and the data-quality counters.
enum class RejectKind : std::uint8_t {
  kMalformed,    // not JSON, not an object, missing/mistyped ts/path/value, too long or deep
  kUnknownPath,  // path not in the catalogue
  kWrongType,    // value type differs from the signal's type
  kOutOfRange,   // outside the physical range, a counter going backwards, ts not 2000..2100
  kOutOfOrder,   // timestamp earlier than the previous sample of the same path
};
inline constexpr int kRejectKindCount = 5;
const char* rejectKindName(RejectKind kind);

struct Rejected {
  RejectKind kind = RejectKind::kMalformed;
  std::string message;  // names the field and what was expected; no personal values
  std::uint64_t line = 0;
};

using Record = std::variant<Sample, Command, VehicleFacts, Rejected>;

// The time a record happened at, for what carries one (samples, commands).
inline std::optional<std::int64_t> timeOf(const Record& record) {
  if (const auto* s = std::get_if<Sample>(&record)) return s->ts_ms;
  if (const auto* c = std::get_if<Command>(&record)) return c->ts_ms;
  return std::nullopt;
}

// Counts of rejects by kind, indexed by RejectKind.
struct RejectCounts {
  std::uint64_t by_kind[kRejectKindCount] = {};
  void add(RejectKind kind) { ++by_kind[static_cast<int>(kind)]; }
  std::uint64_t total() const {
    std::uint64_t t = 0;
    for (auto n : by_kind) t += n;
    return t;
  }
};

}  // namespace crm::vehicle
