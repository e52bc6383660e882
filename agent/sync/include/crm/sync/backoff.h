// Reconnect delays: capped exponential backoff with jitter, so that a fleet
// of cars does not reconnect in lock-step when a broker comes back.
#pragma once

#include <chrono>
#include <cstdint>

namespace crm::sync {

// Delay before retry number `attempt` (0 = first retry): uniformly drawn from
// [d/2, d] where d = min(max, min * 2^attempt). `unit_random` is in [0, 1).
std::chrono::milliseconds backoffDelay(int attempt, std::chrono::milliseconds min,
                                       std::chrono::milliseconds max, double unit_random);

}  // namespace crm::sync
