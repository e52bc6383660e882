// libFuzzer target: one recording line through parseRecordingLine, and what
// it yields back through formatRecordingLine. Beyond "no crash, no leak, no
// undefined behaviour" it checks the parser's promises: every accepted time
// is within 2000..2100, a rejected line names its line number, and an
// accepted sample or command written out reads back as itself.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "crm/common/input_limits.h"
#include "crm/vehicle/recording.h"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace crm::vehicle;
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const auto rec = parseRecordingLine(line, 7);
  if (!rec) return 0;
  if (const auto* r = std::get_if<Rejected>(&*rec)) {
    require(r->line == 7 && !r->message.empty());
    return 0;
  }
  const std::string text = formatRecordingLine(*rec);
  const auto again = parseRecordingLine(text, 7);
  require(again.has_value() && !std::holds_alternative<Rejected>(*again));
  if (const auto* s = std::get_if<Sample>(&*rec)) {
    require(crm::input::isPlausibleTimeMs(s->ts_ms));
    require(formatRecordingLine(*again) == text);
  } else if (const auto* c = std::get_if<Command>(&*rec)) {
    require(crm::input::isPlausibleTimeMs(c->ts_ms));
    require(formatRecordingLine(*again) == text);
  }
  return 0;
}
