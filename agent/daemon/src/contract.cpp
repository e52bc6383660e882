// crm-agent contract: the message kinds this agent version knows, from the
// one table (crm/common/wire.h), as JSON. The contract test checks the JSON
// Schemas and every replayed message against it; a backend engineer reads
// which topics this version sends.
#include <iostream>
#include <nlohmann/json.hpp>

#include "crm/common/wire.h"
#include "programs.h"

namespace crm::daemon {

int runContract() {
  nlohmann::json kinds = nlohmann::json::array();
  for (const auto& k : wire::kKinds) {
    const char* priority = k.priority == wire::Priority::kHigh     ? "high"
                           : k.priority == wire::Priority::kMedium ? "medium"
                                                                   : "low";
    kinds.push_back({{"topic", k.topic},
                     {"schema", k.schema},
                     {"priority", priority},
                     {"retained", k.retained},
                     {"queued", k.queued},
                     {"sent", k.sent},
                     {"ttl_hours", k.ttl_hours}});
  }
  std::cout << nlohmann::json{{"kinds", kinds}}.dump(2) << "\n";
  return 0;
}

}  // namespace crm::daemon
