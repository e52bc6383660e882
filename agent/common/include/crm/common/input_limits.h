// Limits on input from outside the agent (recordings, MQTT commands, the
// configuration and maintenance files), checked before anything parses,
// copies or walks it. A hostile or broken input is refused with a message;
// it can neither exhaust the stack nor the memory, nor reach calendar
// arithmetic with a time that overflows it.
//
// Threading: pure functions and constants.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crm::input {

// Deepest nesting of arrays and objects accepted. Our own formats need 4;
// nlohmann's parser is iterative, but dump(), copies, comparisons and our
// walkers recurse, and 30,000 levels overflow a thread's stack.
inline constexpr std::size_t kMaxJsonDepth = 64;

// Byte limits per kind of input. A sample line is about 100 bytes; a
// command line carries a body of at most the MQTT payload limit (64 KiB).
inline constexpr std::size_t kMaxRecordingLineBytes = 128 * 1024;
inline constexpr std::size_t kMaxCommandBytes = 64 * 1024;
// The shipped files are 2-3 KiB; a megabyte leaves room for big schedules.
inline constexpr std::size_t kMaxConfigBytes = 1024 * 1024;
inline constexpr std::size_t kMaxScheduleBytes = 1024 * 1024;

// Times from outside (epoch ms) must lie in [kEarliestMs, kLatestMs): from
// 2000-01-01 to 2100-01-01 UTC. Every calendar computation on such a time is
// then far from overflow, and a clock that says 1970 or year 292278994 is
// named as broken instead of dating a message.
inline constexpr std::int64_t kEarliestMs = 946'684'800'000;  // 2000-01-01T00:00:00Z
inline constexpr std::int64_t kLatestMs = 4'102'444'800'000;  // 2100-01-01T00:00:00Z
inline constexpr std::string_view kTimeRangeText =
    "epoch ms from 2000-01-01 to 2100-01-01 (946684800000..4102444799999)";

constexpr bool isPlausibleTimeMs(std::int64_t ms) {
  return ms >= kEarliestMs && ms < kLatestMs;
}

// Dates ("YYYY-MM-DD") from outside: years 2000..2099, as for times.
inline constexpr int kEarliestYear = 2000;
inline constexpr int kLatestYear = 2099;
// A real calendar date "YYYY-MM-DD" (not 2026-02-30) in those years.
bool isPlausibleDate(std::string_view ymd);
inline constexpr std::string_view kDateRangeText =
    "a date YYYY-MM-DD that exists, from 2000-01-01 to 2099-12-31";

// A vehicle identification number as ISO 3779 writes it: 17 characters,
// digits and capitals without I, O and Q (they read as 1 and 0). Every
// message the car sends carries it, and the backend's schema holds it to this.
bool isValidVin(std::string_view vin);
inline constexpr std::string_view kVinText =
    "a 17-character VIN of digits and capitals without I, O, Q";

// Scans JSON text once, without recursion, counting the nesting of [ and {
// outside strings. Returns nullopt when no point is deeper than `max_depth`,
// else "nesting deeper than 64 levels at byte N". Text that is not JSON
// passes (the parser says what is wrong with it); this only guards depth.
std::optional<std::string> checkJsonDepth(std::string_view text,
                                          std::size_t max_depth = kMaxJsonDepth);

// Size, then depth: nullopt when `text` may be parsed, else why not
// ("N bytes; at most M are accepted" or the depth message).
std::optional<std::string> checkJsonInput(std::string_view text, std::size_t max_bytes,
                                          std::size_t max_depth = kMaxJsonDepth);

// 1-based line and column of byte offset `byte` in `text` (a parser's error
// position), for messages that an operator can follow in an editor.
struct TextPosition {
  std::size_t line = 1;
  std::size_t column = 1;
};
TextPosition positionOf(std::string_view text, std::size_t byte);

}  // namespace crm::input
