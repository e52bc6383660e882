#include "validate.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "crm/common/civil_time.h"
#include "crm/common/input_limits.h"
#include "crm/reports/maintenance.h"

namespace crm::commands {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 7> kSupported{
    "service-record",   "report-request", "campaign", "appointment",
    "customer-profile", "config",         "erase"};
// Named in docs/contract.md §5.3 but handled only by later agent versions:
// none today (erase was, until it was built).
constexpr std::array<std::string_view, 0> kNotSupported{};

// A JSON integer (not 1.5, not "1"), as epoch ms and counts must be.
bool isInteger(const json& v) {
  return v.is_number_integer();
}

std::string itemList() {
  std::string list;
  for (const auto name : reports::kMaintenanceItems) {
    list += (list.empty() ? "" : ", ") + std::string(name);
  }
  return list;
}

// A time field of the envelope: a non-negative JSON integer in epoch ms,
// within 2000..2100 so that no calendar arithmetic can overflow on it.
// Either the time or the reason, naming the field.
std::variant<std::int64_t, std::string> timeField(const json& v, const char* key) {
  const std::string name(key);
  if (!isInteger(v) || (!v.is_number_unsigned() && v.get<std::int64_t>() < 0))
    return name + ": expected a non-negative integer (epoch ms)";
  const auto raw = v.get<std::uint64_t>();
  if (raw > static_cast<std::uint64_t>(INT64_MAX) ||
      !input::isPlausibleTimeMs(static_cast<std::int64_t>(raw))) {
    return name + ": " + std::to_string(raw) + " is outside " + std::string(input::kTimeRangeText);
  }
  return static_cast<std::int64_t>(raw);
}

}  // namespace

bool isUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    const char c = s[i];
    if (dash ? c != '-' : !std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

Kind classify(std::string_view name) {
  if (std::find(kSupported.begin(), kSupported.end(), name) != kSupported.end())
    return Kind::kSupported;
  if (std::find(kNotSupported.begin(), kNotSupported.end(), name) != kNotSupported.end())
    return Kind::kNotSupported;
  return Kind::kUnknown;
}

std::string supportedList() {
  std::string list;
  for (const auto name : kSupported) list += (list.empty() ? "" : ", ") + std::string(name);
  return list;
}

ParsedEnvelope parseEnvelope(std::string_view name, std::string_view payload) {
  ParsedEnvelope out;
  auto reject = [&](std::string reason) {
    out.reason = std::move(reason);
    return out;
  };
  // Before the parser: the envelope is walked, copied and dumped, all
  // recursively; a body nested 30,000 deep fits in 64 KiB.
  if (auto bad = input::checkJsonInput(payload, input::kMaxCommandBytes))
    return reject("payload: " + *bad);
  const auto j = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return reject("payload is not valid JSON");
  if (!j.is_object()) return reject("payload: expected a JSON object (the command envelope)");

  Envelope e;
  e.name = std::string(name);
  const auto id = j.find("id");
  if (id == j.end()) return reject("id: missing (expected a UUID string)");
  if (!id->is_string() || !isUuid(id->get_ref<const std::string&>()))
    return reject("id: expected a UUID string (8-4-4-4-12 hex digits)");
  e.id = id->get<std::string>();
  out.id = e.id;

  const auto issued = j.find("issued_at");
  if (issued == j.end()) return reject("issued_at: missing (expected an integer, epoch ms)");
  auto issued_at = timeField(*issued, "issued_at");
  if (auto* why = std::get_if<std::string>(&issued_at)) return reject(std::move(*why));
  e.issued_at = std::get<std::int64_t>(issued_at);

  // "absent" in the contract; null is read as absent too, as JSON writers
  // often emit it for an unset optional.
  if (const auto exp = j.find("expires_at"); exp != j.end() && !exp->is_null()) {
    auto expires_at = timeField(*exp, "expires_at");
    if (auto* why = std::get_if<std::string>(&expires_at)) return reject(std::move(*why));
    e.expires_at = std::get<std::int64_t>(expires_at);
  }

  const auto vin = j.find("vin");
  if (vin == j.end()) return reject("vin: missing (expected the vehicle's VIN, a string)");
  if (!vin->is_string()) return reject("vin: expected a string (the vehicle's VIN)");
  e.vin = vin->get<std::string>();

  const auto body = j.find("body");
  if (body == j.end()) return reject("body: missing (expected an object)");
  if (!body->is_object()) return reject("body: expected an object");
  e.body = *body;
  out.envelope = std::move(e);
  return out;
}

std::variant<ServiceRecordBody, std::string> parseServiceRecord(const json& body,
                                                                std::int64_t issued_at,
                                                                int utc_offset_minutes) {
  ServiceRecordBody r;
  const auto date = body.find("visit_date");
  if (date == body.end()) return "body.visit_date: missing (expected a date YYYY-MM-DD)";
  if (!date->is_string() || !input::isPlausibleDate(date->get_ref<const std::string&>()))
    return "body.visit_date: expected " + std::string(input::kDateRangeText);
  r.visit_date = date->get<std::string>();
  // Dates are the dealer's local dates; the car's offset is the best guess
  // of it. A visit cannot be reported before it happened.
  if (r.visit_date > civil::isoDate(issued_at, utc_offset_minutes))
    return "body.visit_date: expected a date not after the command's issued_at";

  const auto odo = body.find("odometer_km");
  if (odo == body.end()) return "body.odometer_km: missing (expected a number in 0..2000000)";
  if (!odo->is_number() || odo->get<double>() < 0 || odo->get<double>() > 2'000'000)
    return "body.odometer_km: expected a number in 0..2000000";
  r.odometer_km = odo->get<double>();

  const auto items = body.find("items");
  if (items == body.end()) return "body.items: missing (expected an array of maintenance items)";
  if (!items->is_array()) return "body.items: expected an array of maintenance items";
  for (std::size_t i = 0; i < items->size(); ++i) {
    const auto& item = (*items)[i];
    const std::string where = "body.items[" + std::to_string(i) + "]: ";
    if (!item.is_string()) return where + "expected a string (one of " + itemList() + ")";
    const auto& name = item.get_ref<const std::string&>();
    // The name is echoed only when short: the reason must stay a reason.
    if (!reports::isMaintenanceItem(name)) {
      return where + "unknown maintenance item" +
             (name.size() <= 40 ? " '" + name + "'" : std::string()) + " (expected one of " +
             itemList() + ")";
    }
    // Listing an item twice is harmless: it was done once.
    if (std::find(r.items.begin(), r.items.end(), name) == r.items.end()) r.items.push_back(name);
  }

  const auto dealer = body.find("dealer_id");
  if (dealer == body.end()) return "body.dealer_id: missing (expected a non-empty string)";
  if (!dealer->is_string() || dealer->get_ref<const std::string&>().empty() ||
      dealer->get_ref<const std::string&>().size() > 128)
    return "body.dealer_id: expected a non-empty string of at most 128 characters";
  r.dealer_id = dealer->get<std::string>();
  return r;
}

std::variant<ReportRequestBody, std::string> parseReportRequest(const json& body) {
  const auto days = body.find("period_days");
  if (days == body.end()) return "body.period_days: missing (expected an integer in 1..366)";
  if (!isInteger(*days) || days->get<std::int64_t>() < 1 || days->get<std::int64_t>() > 366)
    return "body.period_days: expected an integer in 1..366";
  return ReportRequestBody{static_cast<int>(days->get<std::int64_t>())};
}

std::variant<EraseBody, std::string> parseErase(const json& body) {
  const auto scope = body.find("scope");
  if (scope == body.end()) return "body.scope: missing (expected \"personal\")";
  if (!scope->is_string()) return "body.scope: expected the string \"personal\"";
  const auto& name = scope->get_ref<const std::string&>();
  if (name != "personal") {
    // Echoed only when short: the reason must stay a reason.
    return "body.scope: " + (name.size() <= 40 ? "'" + name + "'" : std::string("the value")) +
           " is not a scope this agent erases (expected \"personal\": the vehicle's technical "
           "history is kept)";
  }
  return EraseBody{};
}

}  // namespace crm::commands
