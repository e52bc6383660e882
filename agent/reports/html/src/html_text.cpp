#include "html_text.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include "crm/common/civil_time.h"

namespace crm::reports::html {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not one
// (overlong forms, surrogates and code points above U+10FFFF included).
std::size_t utf8Length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)) return 0;
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return 0;
  return n;
}

std::string trimNegativeZero(std::string s) {
  // -0.04 rounds to "-0.0": a minus sign on zero reads as a fault.
  if (!s.empty() && s[0] == '-' && s.find_first_not_of("0.", 1) == std::string::npos) s.erase(0, 1);
  return s;
}

}  // namespace

std::string escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i];
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default: {
        // Control characters are HTML parse errors; both they and broken
        // UTF-8 become U+FFFD.
        const bool control = (u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7F;
        const std::size_t n = control ? 0 : utf8Length(s, i);
        if (n == 0) {
          out += kReplacement;
        } else {
          out.append(s.substr(i, n));
          i += n;
          continue;
        }
      }
    }
    ++i;
  }
  return out;
}

std::string clip(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  std::size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n)) + "\xE2\x80\xA6";
}

std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "\xE2\x80\x94";  // em dash
  std::array<char, 64> buf{};
  const auto [end, ec] =
      std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::fixed, decimals);
  if (ec != std::errc{}) return "\xE2\x80\x94";
  return trimNegativeZero(std::string(buf.data(), end));
}

std::string grouped(double v, int decimals) {
  std::string s = fixed(v, decimals);
  if (!std::isfinite(v)) return s;
  // Built by appending: GCC 12 gives a false -Wrestrict on string::insert.
  const std::size_t sign = s[0] == '-' ? 1 : 0;
  const std::size_t digits = std::min(s.find('.'), s.size()) - sign;
  std::string out = s.substr(0, sign);
  for (std::size_t i = 0; i < digits; ++i) {
    if (i > 0 && (digits - i) % 3 == 0) out += ',';
    out += s[sign + i];
  }
  return out + s.substr(sign + digits);
}

std::string percentOf(double share) {
  return fixed(share * 100.0, 0);
}

std::string dateOf(std::int64_t ms) {
  // Far outside any car's life a date means a corrupt value: show none.
  constexpr std::int64_t kLimit = 100000 * civil::kMsPerDay;  // about 270 years
  if (ms < -kLimit || ms > kLimit) return "\xE2\x80\x94";
  return civil::isoDate(ms);
}

std::optional<double> finite(std::optional<double> v) {
  if (v && !std::isfinite(*v)) return std::nullopt;
  return v;
}

}  // namespace crm::reports::html
