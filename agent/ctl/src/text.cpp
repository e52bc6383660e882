#include "text.h"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace crm::ctl {
namespace {

using nlohmann::json;

// One UTF-8 code point from `s` at `i` (advanced past it); a byte that does
// not start a well-formed sequence is taken alone, as U+FFFD.
char32_t nextCodePoint(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  int extra = 0;
  char32_t cp = 0;
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  if ((b0 & 0xE0) == 0xC0) {
    extra = 1;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    extra = 2;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    extra = 3;
    cp = b0 & 0x07;
  } else {
    ++i;
    return 0xFFFD;
  }
  if (i + static_cast<std::size_t>(extra) >= s.size()) {  // cut short
    ++i;
    return 0xFFFD;
  }
  for (int k = 1; k <= extra; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  i += static_cast<std::size_t>(extra) + 1;
  return cp;
}

int codePointWidth(char32_t c) {
  if (c == 0) return 0;
  if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) || c == 0xFE0F) return 0;
  const bool wide = (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
                    (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
                    (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
                    (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
                    (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD);
  return wide ? 2 : 1;
}

constexpr std::string_view kEllipsis = "...";

bool isNumber(const json* v) {
  return v != nullptr && v->is_number() && std::isfinite(v->get<double>());
}

// Epoch ms that gmtime can spell as a four-digit year.
bool plausibleTime(const json* v) {
  if (!isNumber(v)) return false;
  const double ms = v->get<double>();
  return ms >= 0 && ms < 253402300800000.0;
}

std::string formatUtc(const json* ms, const char* pattern) {
  if (!plausibleTime(ms)) return std::string(kNotKnown);
  const auto seconds = static_cast<std::time_t>(ms->get<double>() / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, pattern, &tm);
  return buf;
}

}  // namespace

int displayWidth(std::string_view s) {
  int width = 0;
  for (std::size_t i = 0; i < s.size();) width += codePointWidth(nextCodePoint(s, i));
  return width;
}

std::string truncate(std::string_view s, int width) {
  if (displayWidth(s) <= width) return std::string(s);
  const int room = width - static_cast<int>(kEllipsis.size());
  if (room <= 0)
    return std::string(kEllipsis.substr(0, static_cast<std::size_t>(std::max(width, 0))));
  int used = 0;
  std::size_t end = 0;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t next = i;
    const int w = codePointWidth(nextCodePoint(s, next));
    if (used + w > room) break;
    used += w;
    i = next;
    end = next;
  }
  return std::string(s.substr(0, end)) + std::string(kEllipsis);
}

std::string truncateLeft(std::string_view s, int width) {
  if (displayWidth(s) <= width) return std::string(s);
  const int room = width - static_cast<int>(kEllipsis.size());
  if (room <= 0)
    return std::string(kEllipsis.substr(0, static_cast<std::size_t>(std::max(width, 0))));
  // The longest tail that fits: drop code points from the front.
  for (std::size_t i = 0; i < s.size();) {
    nextCodePoint(s, i);
    const auto tail = s.substr(i);
    if (displayWidth(tail) <= room) return std::string(kEllipsis) + std::string(tail);
  }
  return std::string(kEllipsis);
}

std::string padRight(std::string_view s, int width) {
  const int w = displayWidth(s);
  return std::string(s) + std::string(static_cast<std::size_t>(std::max(width - w, 0)), ' ');
}

std::string padLeft(std::string_view s, int width) {
  const int w = displayWidth(s);
  return std::string(static_cast<std::size_t>(std::max(width - w, 0)), ' ') + std::string(s);
}

const json* at(const json& j, std::initializer_list<std::string_view> keys) {
  const json* cur = &j;
  for (const auto key : keys) {
    if (!cur->is_object()) return nullptr;
    const auto it = cur->find(key);
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

std::string number(const json* v, int decimals) {
  if (!isNumber(v)) return std::string(kNotKnown);
  if (v->is_number_integer() && decimals == 0) return v->dump();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v->get<double>());
  std::string out = buf;
  // -0.0 rounds to "-0": a sign on nothing only confuses.
  if (out.find_first_not_of("-0.") == std::string::npos && out[0] == '-') out.erase(0, 1);
  return out;
}

std::string withUnit(const json* v, std::string_view unit, int decimals) {
  if (!isNumber(v)) return std::string(kNotKnown);
  return number(v, decimals) + " " + std::string(unit);
}

std::string percentOf(const json* share) {
  if (!isNumber(share)) return std::string(kNotKnown);
  const json pct = share->get<double>() * 100;
  return number(&pct, 0) + " %";
}

std::string text(const json* v) {
  if (v == nullptr || !v->is_string()) return std::string(kNotKnown);
  return v->get<std::string>();
}

std::string yesNo(const json* v) {
  if (v == nullptr || !v->is_boolean()) return std::string(kNotKnown);
  return v->get<bool>() ? "yes" : "no";
}

std::string utcTime(const json* ms) {
  return plausibleTime(ms) ? formatUtc(ms, "%Y-%m-%d %H:%M UTC") : std::string(kNotKnown);
}

std::string utcDate(const json* ms) {
  return formatUtc(ms, "%Y-%m-%d");
}

std::string ago(const json* ms, std::int64_t now_ms) {
  if (!plausibleTime(ms)) return "";
  const auto diff = now_ms - static_cast<std::int64_t>(ms->get<double>());
  constexpr std::int64_t kMinute = 60'000, kHour = 60 * kMinute, kDay = 24 * kHour;
  if (diff < -kMinute) return "";
  if (diff < kMinute) return "just now";
  if (diff < kHour) return std::to_string(diff / kMinute) + " min ago";
  if (diff < 2 * kDay) return std::to_string(diff / kHour) + " h ago";
  return std::to_string(diff / kDay) + " d ago";
}

std::string duration(const json* seconds) {
  if (!isNumber(seconds) || seconds->get<double>() < 0) return std::string(kNotKnown);
  const auto s = static_cast<std::int64_t>(seconds->get<double>());
  const std::int64_t d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60, sec = s % 60;
  auto two = [](std::int64_t a, const char* ua, std::int64_t b, const char* ub) {
    std::string out = std::to_string(a) + " " + ua;
    if (b > 0) out += " " + std::to_string(b) + " " + ub;
    return out;
  };
  if (d > 0) return two(d, "d", h, "h");
  if (h > 0) return two(h, "h", m, "min");
  if (m > 0) return two(m, "min", sec, "s");
  return std::to_string(sec) + " s";
}

std::string bytes(const json* v) {
  if (!isNumber(v) || v->get<double>() < 0) return std::string(kNotKnown);
  double b = v->get<double>();
  if (b < 1024) return std::to_string(static_cast<std::int64_t>(b)) + " B";
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  int u = -1;
  do {
    b /= 1024;
    ++u;
  } while (b >= 1024 && u < 3);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", b, units[u]);
  return buf;
}

}  // namespace crm::ctl
