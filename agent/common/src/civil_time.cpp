#include "crm/common/civil_time.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace crm::civil {
namespace {

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

struct Ymd {
  std::int64_t y;
  unsigned m, d;
};

// H. Hinnant's civil_from_days: days since 1970-01-01 to a proleptic
// Gregorian date.
Ymd civilFromDays(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

// The inverse (days_from_civil).
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

unsigned daysInMonth(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Only dates that exist: 2026-02-30 or 2025-02-29 is a typo or a forgery,
// and must not roll over silently into March.
std::optional<Ymd> parseYmd(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (const std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;  // no sign, no space
  }
  int y = 0;
  unsigned m = 0, d = 0;
  const char* p = s.data();
  std::from_chars(p, p + 4, y);
  std::from_chars(p + 5, p + 7, m);
  std::from_chars(p + 8, p + 10, d);
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return std::nullopt;
  return Ymd{y, m, d};
}

Ymd localYmd(std::int64_t ts_ms, int utc_offset_minutes) {
  return civilFromDays(
      floorDiv(ts_ms + static_cast<std::int64_t>(utc_offset_minutes) * 60'000, kMsPerDay));
}

}  // namespace

std::string isoDate(std::int64_t ts_ms, int utc_offset_minutes) {
  const Ymd c = localYmd(ts_ms, utc_offset_minutes);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(c.y), c.m, c.d);
  return buf;
}

std::string yearMonth(std::int64_t ts_ms, int utc_offset_minutes) {
  return isoDate(ts_ms, utc_offset_minutes).substr(0, 7);
}

std::optional<std::int64_t> parseIsoDate(std::string_view s) {
  const auto day = dayNumber(s);
  if (!day) return std::nullopt;
  return *day * kMsPerDay;
}

std::optional<std::int64_t> dayNumber(std::string_view s) {
  const auto c = parseYmd(s);
  if (!c) return std::nullopt;
  return daysFromCivil(c->y, c->m, c->d);
}

std::optional<std::int64_t> addMonths(std::string_view s, int months) {
  const auto c = parseYmd(s);
  if (!c) return std::nullopt;
  const std::int64_t total = c->y * 12 + (c->m - 1) + months;
  const std::int64_t y = floorDiv(total, 12);
  const auto m = static_cast<unsigned>(total - y * 12 + 1);
  return daysFromCivil(y, m, std::min(c->d, daysInMonth(y, m)));
}

}  // namespace crm::civil
