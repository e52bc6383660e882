#include "crm/vehicle/simulator_config.h"

namespace crm::vehicle {

const char* usageProfileName(UsageProfile profile) {
  switch (profile) {
    case UsageProfile::kPrivate:
      return "private";
    case UsageProfile::kRideHailing:
      return "ride_hailing";
    case UsageProfile::kLogistics:
      return "logistics";
  }
  return "private";
}

std::optional<UsageProfile> parseUsageProfile(std::string_view name) {
  if (name == "private") return UsageProfile::kPrivate;
  if (name == "ride_hailing") return UsageProfile::kRideHailing;
  if (name == "logistics") return UsageProfile::kLogistics;
  return std::nullopt;
}

}  // namespace crm::vehicle
