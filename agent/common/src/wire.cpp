#include "crm/common/wire.h"

namespace crm::wire {

// The table is indexed by Kind: a row out of place would send a message on
// another kind's topic.
static_assert([] {
  for (std::size_t i = 0; i < kKinds.size(); ++i) {
    if (static_cast<std::size_t>(kKinds[i].kind) != i) return false;
  }
  return true;
}());

std::optional<Kind> kindFromTopic(std::string_view topic) {
  for (const auto& k : kKinds) {
    if (k.topic == topic) return k.kind;
  }
  return std::nullopt;
}

}  // namespace crm::wire
