#include "sources.h"

#include "crm/vehicle/recording.h"
#ifdef CRM_WITH_SIMULATOR
#include "crm/vehicle/simulator.h"
#endif

namespace crm::daemon {

Result<std::unique_ptr<vehicle::VehicleSource>, SourceError> makeSource(
    const config::SourceConfig& config) {
  if (config.kind == config::SourceKind::kSimulator) {
#ifdef CRM_WITH_SIMULATOR
    return std::unique_ptr<vehicle::VehicleSource>(
        std::make_unique<vehicle::Simulator>(config.simulator));
#else
    return fail(SourceError::kUnavailable,
                "source.kind: \"simulator\" is not part of this build (CRM_WITH_SIMULATOR=OFF)");
#endif
  }
  auto reader = vehicle::RecordingReader::open(config.recording);
  if (!reader) return fail(SourceError::kCannotOpen, reader.error().message);
  return std::unique_ptr<vehicle::VehicleSource>(std::move(reader).value());
}

}  // namespace crm::daemon
