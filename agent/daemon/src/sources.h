// Builds the configured vehicle source.
#pragma once

#include <memory>
#include <string>

#include "crm/common/result.h"
#include "crm/config/config.h"
#include "crm/vehicle/vehicle_source.h"

namespace crm::daemon {

enum class SourceError : std::uint8_t { kCannotOpen, kUnavailable };

Result<std::unique_ptr<vehicle::VehicleSource>, SourceError> makeSource(
    const config::SourceConfig& config);

}  // namespace crm::daemon
