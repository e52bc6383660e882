// A real SQLite store for tests that need one (analytics, commands, ...).
#pragma once

#include <memory>
#include <string>

#include "crm/store/store.h"

namespace crm::testing {

// Opens (creating) the store at `path` with default options but without
// fsync at commit: a test survives crashes, not power cuts, and runs faster.
// Returns null, and prints why, when it cannot: callers ASSERT_NE on it.
std::unique_ptr<store::Store> openTestStore(const std::string& path);

}  // namespace crm::testing
