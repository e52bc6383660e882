// Bodies of the engagement commands (docs/commands.md): campaign,
// appointment, customer-profile, config. Each parser checks the whole body
// and returns either the value or the reason naming the field and what was
// expected. Private to the commands component.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "crm/engagement/settings.h"
#include "crm/store/engagement_records.h"

namespace crm::commands {

// `issued_at`: a campaign must still be valid when issued.
std::variant<store::CampaignRecord, std::string> parseCampaign(const nlohmann::json& body,
                                                               std::int64_t issued_at);

// `issued_at`: an appointment must lie after it.
std::variant<store::AppointmentRecord, std::string> parseAppointment(const nlohmann::json& body,
                                                                     std::int64_t issued_at);

struct ProfileBody {
  std::string tier;      // basic | middle | high
  std::string language;  // en | zh-CN
  std::string dealer_id;
};
std::variant<ProfileBody, std::string> parseCustomerProfile(const nlohmann::json& body);

// The engagement keys the CRM may set (thresholds, quiet hours, caps,
// cooldown, snooze, expiry), applied over `current` to check them. Returns
// the checked body (to persist as an override) or the reason.
std::variant<nlohmann::json, std::string> parseConfig(
    const nlohmann::json& body, const engagement::EngagementSettings& current);

}  // namespace crm::commands
