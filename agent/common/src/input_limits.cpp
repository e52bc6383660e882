#include "crm/common/input_limits.h"

#include "crm/common/civil_time.h"

namespace crm::input {

std::optional<std::string> checkJsonDepth(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      // A backslash escapes exactly the next character; \uXXXX holds no quote.
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        return "nesting deeper than " + std::to_string(max_depth) + " levels at byte " +
               std::to_string(i + 1);
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

std::optional<std::string> checkJsonInput(std::string_view text, std::size_t max_bytes,
                                          std::size_t max_depth) {
  if (text.size() > max_bytes) {
    return std::to_string(text.size()) + " bytes; at most " + std::to_string(max_bytes) +
           " are accepted";
  }
  return checkJsonDepth(text, max_depth);
}

bool isValidVin(std::string_view vin) {
  if (vin.size() != 17) return false;
  for (char c : vin) {
    const bool ok =
        (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z' && c != 'I' && c != 'O' && c != 'Q');
    if (!ok) return false;
  }
  return true;
}

bool isPlausibleDate(std::string_view ymd) {
  if (!civil::dayNumber(ymd)) return false;
  const int year =
      (ymd[0] - '0') * 1000 + (ymd[1] - '0') * 100 + (ymd[2] - '0') * 10 + (ymd[3] - '0');
  return year >= kEarliestYear && year <= kLatestYear;
}

TextPosition positionOf(std::string_view text, std::size_t byte) {
  TextPosition p;
  const std::size_t end = byte < text.size() ? byte : text.size();
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

}  // namespace crm::input
