// A message the car sent, held to its JSON Schema in docs/mqtt/schemas: the
// envelope (envelope.json), then the topic's schema name and body. Checks
// what the schemas here use (required keys, closed key sets, const, enum,
// types, patterns, minimums), not all of JSON Schema: the full validator runs
// in the contract test (tests/contract).
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace crm::testing {

// `schema_file` names a file in docs/mqtt/schemas (prompts.json, ...). The
// failure lists every problem found, with the message.
::testing::AssertionResult matchesSchema(const nlohmann::json& message,
                                         const std::string& schema_file);

}  // namespace crm::testing
