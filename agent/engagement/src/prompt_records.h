// Private to the engine: prompts to and from the store's records, and the
// bodies of the messages the engine queues (docs/mqtt/schemas/prompts.json,
// service-request.json).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crm/engagement/prompt.h"
#include "crm/store/engagement_records.h"

namespace crm::engagement {

store::PromptRecord toRecord(const Prompt& prompt);
// nullopt when a stored name is not one this agent knows (damage).
std::optional<Prompt> fromRecord(const store::PromptRecord& record);

// crm.v1.prompts: one lifecycle step.
std::string promptsBody(const Prompt& prompt, std::string_view event, std::int64_t ts_ms);

// crm.v1.service-request: the driver accepted a booking prompt. An empty
// dealer id is sent as null (no customer profile yet).
std::string serviceRequestBody(const Prompt& prompt, std::int64_t ts_ms, Language language,
                               std::string_view dealer_id);

}  // namespace crm::engagement
