// Parsing and validation of command envelopes and bodies: every rejection
// names the field and what was expected. Private to the commands component.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace crm::commands {

struct Envelope {
  std::string id;
  std::string name;  // the command, from the topic or the recording line
  std::int64_t issued_at = 0;
  std::optional<std::int64_t> expires_at;
  std::optional<std::string> vin;  // absent for recording commands
  nlohmann::json body;             // an object
};

// Either an envelope, or why not, with the id when one could be read (for
// the cmd-result's command_id).
struct ParsedEnvelope {
  std::optional<Envelope> envelope;
  std::string id;
  std::string reason;
};
ParsedEnvelope parseEnvelope(std::string_view name, std::string_view payload);

enum class Kind : std::uint8_t { kSupported, kNotSupported, kUnknown };
Kind classify(std::string_view name);
// "service-record, report-request": for the unknown-command reason.
std::string supportedList();

bool isUuid(std::string_view s);

struct ServiceRecordBody {
  std::string visit_date;
  double odometer_km = 0;
  std::vector<std::string> items;
  std::string dealer_id;
};
// `latest_day_ms`: a visit may not be dated after the local day of this
// instant (the command's issue time).
std::variant<ServiceRecordBody, std::string> parseServiceRecord(const nlohmann::json& body,
                                                                std::int64_t issued_at,
                                                                int utc_offset_minutes);

struct ReportRequestBody {
  int period_days = 0;
};
std::variant<ReportRequestBody, std::string> parseReportRequest(const nlohmann::json& body);

// erase: {"scope": "personal"}, the one scope there is (docs/privacy.md).
struct EraseBody {};
std::variant<EraseBody, std::string> parseErase(const nlohmann::json& body);

}  // namespace crm::commands
