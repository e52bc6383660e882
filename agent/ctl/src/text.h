// Text for an 80-column terminal: display widths of UTF-8 strings,
// truncation, and the formatting of the API's values (numbers, times,
// sizes) where null, missing or mistyped all read "n/a".
//
// Threading: pure functions.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace crm::ctl {

// The terminal width every human output fits.
inline constexpr int kScreenWidth = 80;
// What a value the API did not know (null) or did not send reads as: plain
// ASCII, so it reads the same on a serial console without UTF-8.
inline constexpr std::string_view kNotKnown = "n/a";

// Columns `s` takes on a terminal: one per code point, two for East Asian
// wide characters, none for combining marks. Bytes that are not UTF-8
// count one each.
int displayWidth(std::string_view s);
// `s` cut to at most `width` columns, ending in "..." when cut.
std::string truncate(std::string_view s, int width);
// `s` cut from the left ("...tail") to at most `width` columns: for paths,
// whose end says most.
std::string truncateLeft(std::string_view s, int width);
// `s` padded with spaces to `width` columns (never cut).
std::string padRight(std::string_view s, int width);
std::string padLeft(std::string_view s, int width);

// The value at `keys` below `j`, or nullptr when a key is missing or a
// level is not an object.
const nlohmann::json* at(const nlohmann::json& j, std::initializer_list<std::string_view> keys);

// A number with `decimals` places ("94.2"); kNotKnown unless a number.
std::string number(const nlohmann::json* v, int decimals = 0);
// A number then a unit ("94.2 %", "12 km"); kNotKnown alone when unknown.
std::string withUnit(const nlohmann::json* v, std::string_view unit, int decimals = 0);
// A share 0..1 as a percentage ("12 %").
std::string percentOf(const nlohmann::json* share);
// A string as is; kNotKnown unless a string.
std::string text(const nlohmann::json* v);
// "yes" / "no" / kNotKnown.
std::string yesNo(const nlohmann::json* v);
// An epoch-ms time as "2026-01-02 10:11 UTC"; kNotKnown unless a number.
std::string utcTime(const nlohmann::json* ms);
// An epoch-ms time as "2026-01-02" (UTC).
std::string utcDate(const nlohmann::json* ms);
// How long before `now_ms` ("3 min ago", "2 d ago"); empty when unknown
// or in the future by more than a minute (clocks disagree: say nothing).
std::string ago(const nlohmann::json* ms, std::int64_t now_ms);
// A duration in seconds, two units at most ("3 d 4 h", "12 min", "40 s").
std::string duration(const nlohmann::json* seconds);
// Bytes in B, KiB, MiB or GiB with one decimal above bytes ("12.3 MiB").
std::string bytes(const nlohmann::json* v);

}  // namespace crm::ctl
