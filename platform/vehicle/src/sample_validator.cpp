#include "crm/vehicle/sample_validator.h"

#include <cmath>
#include <string>

namespace crm::vehicle {
namespace {

Rejected reject(RejectKind kind, const Sample& s, std::string why) {
  return Rejected{kind, std::string(signalInfo(s.signal).path) + ": " + std::move(why), s.line};
}

bool isDtc(const std::string& code) {
  // SAE J2012: a system letter and four hex characters.
  if (code.size() != 5) return false;
  const char sys = code[0];
  if (sys != 'P' && sys != 'C' && sys != 'B' && sys != 'U') return false;
  for (std::size_t i = 1; i < 5; ++i) {
    const char c = code[i];
    if (!std::isdigit(static_cast<unsigned char>(c)) && !(c >= 'A' && c <= 'F')) return false;
  }
  return true;
}

std::optional<Rejected> checkType(const Sample& s, const SignalInfo& info) {
  switch (info.type) {
    case ValueType::kFloat:
    case ValueType::kUInt32: {
      const auto* v = std::get_if<double>(&s.value);
      if (v == nullptr) return reject(RejectKind::kWrongType, s, "expected a number");
      if (!std::isfinite(*v)) return reject(RejectKind::kWrongType, s, "expected a finite number");
      if (info.type == ValueType::kUInt32 && *v != std::floor(*v)) {
        return reject(RejectKind::kWrongType, s, "expected an unsigned integer");
      }
      return std::nullopt;
    }
    case ValueType::kBool:
      if (!std::holds_alternative<bool>(s.value)) {
        return reject(RejectKind::kWrongType, s, "expected true or false");
      }
      return std::nullopt;
    case ValueType::kString:
      if (!std::holds_alternative<std::string>(s.value)) {
        return reject(RejectKind::kWrongType, s, "expected a string");
      }
      return std::nullopt;
    case ValueType::kStringArray: {
      const auto* v = std::get_if<std::vector<std::string>>(&s.value);
      if (v == nullptr) return reject(RejectKind::kWrongType, s, "expected an array of strings");
      if (s.signal == sig::kDtcList) {
        for (const auto& code : *v) {
          if (!isDtc(code)) {
            return reject(RejectKind::kOutOfRange, s, "expected DTCs like P0A7F ([PCBU] + 4 hex)");
          }
        }
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::string rangeText(const SignalInfo& info) {
  auto num = [](double d) {
    std::string t = std::to_string(d);
    t.erase(t.find_last_not_of('0') + 1);
    if (!t.empty() && t.back() == '.') t.pop_back();
    return t;
  };
  return "expected " + num(info.min) + ".." + num(info.max) + " " + std::string(info.unit);
}

}  // namespace

const char* rejectKindName(RejectKind kind) {
  switch (kind) {
    case RejectKind::kMalformed:
      return "malformed";
    case RejectKind::kUnknownPath:
      return "unknown_path";
    case RejectKind::kWrongType:
      return "wrong_type";
    case RejectKind::kOutOfRange:
      return "out_of_range";
    case RejectKind::kOutOfOrder:
      return "out_of_order";
  }
  return "unknown";
}

SampleValidator::SampleValidator() : state_(signalCatalogue().size()) {}

std::optional<Rejected> SampleValidator::check(const Sample& s) {
  if (s.signal >= state_.size()) {
    return Rejected{RejectKind::kUnknownPath, "signal id out of catalogue", s.line};
  }
  const SignalInfo& info = signalInfo(s.signal);
  if (auto bad = checkType(s, info)) return bad;
  PathState& st = state_[s.signal];
  if (s.ts_ms < st.last_ts) {
    return reject(RejectKind::kOutOfOrder, s, "timestamp earlier than the previous sample");
  }
  if (const auto* v = std::get_if<double>(&s.value)) {
    if (*v < info.min || *v > info.max) return reject(RejectKind::kOutOfRange, s, rangeText(info));
    if (info.monotonic && st.has_number && *v < st.last_number) {
      return reject(RejectKind::kOutOfRange, s, "a lifetime counter must not go backwards");
    }
    st.last_number = *v;
    st.has_number = true;
  }
  st.last_ts = s.ts_ms;
  return std::nullopt;
}

void SampleValidator::prime(SignalId signal, std::int64_t ts_ms, std::optional<double> number) {
  if (signal >= state_.size()) return;
  PathState& st = state_[signal];
  st.last_ts = ts_ms;
  if (number) {
    st.last_number = *number;
    st.has_number = true;
  }
}

}  // namespace crm::vehicle
