// Text helpers for the HTML report: escaping, locale-independent number and
// date formatting, and null-tolerant reads of the report JSON. Private to the
// reports component.
//
// Threading: pure functions. None throws on bad input: a missing key, a wrong
// type or a non-finite number reads as "no value" (the report's null).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
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

// Epoch milliseconds as a UTC calendar date, "2026-01-31".
std::string dateOf(std::int64_t ms);
// Parses "YYYY-MM-DD" (or a longer ISO string starting so) to epoch ms at
// midnight UTC; nullopt when it is not a date.
std::optional<std::int64_t> parseDate(std::string_view s);

// The value at `path` below `root`, or nullptr when a step is missing or not
// an object.
const nlohmann::json* find(const nlohmann::json& root,
                           std::initializer_list<std::string_view> path);
// Typed reads: nullopt for null, missing, wrong type or non-finite numbers.
std::optional<double> number(const nlohmann::json& root,
                             std::initializer_list<std::string_view> path);
std::optional<std::string> text(const nlohmann::json& root,
                                std::initializer_list<std::string_view> path);
std::optional<bool> flag(const nlohmann::json& root, std::initializer_list<std::string_view> path);
// The array at `path`, or nullptr.
const nlohmann::json* array(const nlohmann::json& root,
                            std::initializer_list<std::string_view> path);

// A date-like report value: epoch ms as a date, a string as given (escaped
// by the caller); nullopt otherwise.
std::optional<std::string> dateValue(const nlohmann::json& root,
                                     std::initializer_list<std::string_view> path);

}  // namespace crm::reports::html
