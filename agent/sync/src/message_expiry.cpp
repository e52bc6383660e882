#include "crm/sync/message_expiry.h"

#include <algorithm>

namespace crm::sync {

std::int64_t messageExpirySeconds(std::int64_t created_ms, int ttl_hours, std::int64_t now_ms) {
  if (ttl_hours <= 0) return 0;
  constexpr std::int64_t kMaxSeconds = 0xFFFFFFFFLL;
  const std::int64_t expires_ms = created_ms + static_cast<std::int64_t>(ttl_hours) * 3'600'000;
  const std::int64_t left_ms = expires_ms - now_ms;
  if (left_ms <= 0) return 1;
  // Rounded up: a message is never dropped before its time. Never more than
  // the whole time to live: a message about a period (a day, a session) is
  // stamped with the period's end, which may lie ahead of the car's now.
  const std::int64_t whole_s =
      std::min<std::int64_t>(static_cast<std::int64_t>(ttl_hours) * 3600, kMaxSeconds);
  return std::clamp<std::int64_t>((left_ms + 999) / 1000, 1, whole_s);
}

}  // namespace crm::sync
