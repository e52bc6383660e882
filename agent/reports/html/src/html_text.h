// Text helpers for the HTML report: escaping, locale-independent number and
// date formatting. Private to crm_report_html.
//
// Threading: pure functions. None throws on bad input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crm::reports::html {

// HTML-escapes `s` for text and attribute values (& < > " '), and replaces
// invalid UTF-8 with U+FFFD so a corrupt string cannot break the page.
std::string escape(std::string_view s);

// At most `max_bytes` of `s`, cut at a UTF-8 character boundary, with "…"
// when cut: a report string is shown, not allowed to blow up the page.
std::string clip(std::string_view s, std::size_t max_bytes);

// `v` with `decimals` places, '.' as the decimal point whatever the locale.
std::string fixed(double v, int decimals);
// Like fixed(), with ',' between thousands (48,210).
std::string grouped(double v, int decimals);
// A 0..1 share as a whole percent number ("22").
std::string percentOf(double share);

// Epoch milliseconds as a UTC calendar date, "2026-01-31"; an em dash for
// instants centuries away from any car's life.
std::string dateOf(std::int64_t ms);

// A state of health as a driver may read it: a pack holds at most its rated
// capacity, so a bound the statistics put above 100 % (a new car, noisy
// estimates) is shown as 100. The report's JSON keeps the honest figures.
inline double sohShown(double percent) {
  return percent > 100.0 ? 100.0 : percent;
}

// A number worth showing: nullopt for null and for NaN or infinity (which
// JSON cannot carry either).
std::optional<double> finite(std::optional<double> v);
inline std::optional<double> finite(double v) {
  return finite(std::optional<double>(v));
}
// A whole-number value (days, counts) for fixed() and grouped().
inline std::optional<double> asDouble(std::optional<std::int64_t> v) {
  if (!v) return std::nullopt;
  return static_cast<double>(*v);
}

}  // namespace crm::reports::html
