#include "crm/sync/backoff.h"

#include <algorithm>

namespace crm::sync {

std::chrono::milliseconds backoffDelay(int attempt, std::chrono::milliseconds min,
                                       std::chrono::milliseconds max, double unit_random) {
  // Cap the exponent first: 2^30 ms is already beyond any sane maximum.
  const int shift = std::clamp(attempt, 0, 30);
  const auto full = std::min<std::int64_t>(max.count(), min.count() << shift);
  const auto half = full / 2;
  const auto r = std::clamp(unit_random, 0.0, 1.0);
  return std::chrono::milliseconds(half +
                                   static_cast<std::int64_t>(r * static_cast<double>(full - half)));
}

}  // namespace crm::sync
