#include "sources.h"

#include "crm/vehicle/recording.h"
#include "crm/vehicle/simulator.h"

namespace crm::daemon {

Result<std::unique_ptr<vehicle::VehicleSource>, SourceError> makeSource(
    const config::SourceConfig& config) {
  if (config.kind == config::SourceKind::kSimulator) {
    return std::unique_ptr<vehicle::VehicleSource>(
        std::make_unique<vehicle::Simulator>(config.simulator));
  }
  auto reader = vehicle::RecordingReader::open(config.recording);
  if (!reader) return fail(SourceError::kCannotOpen, reader.error().message);
  return std::unique_ptr<vehicle::VehicleSource>(std::move(reader).value());
}

}  // namespace crm::daemon
