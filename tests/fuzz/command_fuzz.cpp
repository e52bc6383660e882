// libFuzzer target: an MQTT command payload through the envelope and body
// validation (agent/commands/src/validate.h), as Processor::handleMqtt runs
// them. The first byte picks the command name. A refusal must give a
// reason; an accepted envelope must carry times within 2000..2100, an
// accepted service record a real date not after its issue day, and an
// accepted erase the one scope there is.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "crm/common/civil_time.h"
#include "crm/common/input_limits.h"
#include "validate.h"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace crm::commands;
  if (size == 0) return 0;
  const std::string_view name = (data[0] & 1) != 0 ? "service-record" : "report-request";
  const std::string_view payload(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto parsed = parseEnvelope(name, payload);
  if (!parsed.envelope) {
    require(!parsed.reason.empty());
    return 0;
  }
  const Envelope& e = *parsed.envelope;
  require(crm::input::isPlausibleTimeMs(e.issued_at));
  require(!e.expires_at || crm::input::isPlausibleTimeMs(*e.expires_at));
  require(e.body.is_object());
  const int offset = static_cast<int>(data[0] >> 1) * 15 - 720;  // -720..1185 minutes
  const auto service = parseServiceRecord(e.body, e.issued_at, offset);
  if (const auto* r = std::get_if<ServiceRecordBody>(&service)) {
    require(crm::input::isPlausibleDate(r->visit_date));
    require(r->visit_date <= crm::civil::isoDate(e.issued_at, offset));
  } else {
    require(!std::get<std::string>(service).empty());
  }
  const auto report = parseReportRequest(e.body);
  if (const auto* r = std::get_if<ReportRequestBody>(&report)) {
    require(r->period_days >= 1 && r->period_days <= 366);
  }
  // erase: only {"scope": "personal"} is accepted; anything else says why.
  const auto erase = parseErase(e.body);
  if (std::holds_alternative<EraseBody>(erase)) {
    require(e.body.contains("scope") && e.body["scope"] == "personal");
  } else {
    require(!std::get<std::string>(erase).empty());
  }
  (void)e.body.dump();  // what the processor does with a body: must not recurse away
  return 0;
}
