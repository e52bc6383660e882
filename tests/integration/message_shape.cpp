#include "message_shape.h"

#include <algorithm>
#include <fstream>
#include <regex>

namespace crm::testing {
namespace {

using nlohmann::json;

json schemaFile(const std::string& name) {
  std::ifstream in(std::string(CRM_SOURCE_DIR) + "/docs/mqtt/schemas/" + name);
  return json::parse(in, nullptr, false);
}

// What `value` breaks of an object schema's required keys, closed key set,
// const, enum, types, patterns and minimums; empty when nothing.
std::string objectProblems(const json& value, const json& schema, const std::string& where) {
  if (!value.is_object()) return where + " is not an object; ";
  std::string out;
  for (const auto& required : schema.value("required", json::array())) {
    const auto key = required.get<std::string>();
    if (!value.contains(key)) out.append(where).append(".").append(key).append(" missing; ");
  }
  const json& props = schema["properties"];
  if (schema.value("additionalProperties", true) == false) {
    for (const auto& [key, v] : value.items()) {
      if (!props.contains(key))
        out.append(where).append(".").append(key).append(" not in the schema; ");
    }
  }
  for (const auto& [key, spec] : props.items()) {
    if (!value.contains(key)) continue;
    const json& v = value[key];
    std::string at = where;
    at.append(".").append(key);
    if (spec.contains("const") && v != spec["const"])
      out += at + " is not " + spec["const"].dump() + "; ";
    if (spec.contains("enum") &&
        std::find(spec["enum"].begin(), spec["enum"].end(), v) == spec["enum"].end()) {
      out += at + " = " + v.dump() + " not in the enum; ";
    }
    if (!spec.contains("type")) continue;
    const json types = spec["type"].is_array() ? spec["type"] : json::array({spec["type"]});
    bool typed = false;
    for (const auto& t : types) {
      typed = typed || (t == "string" && v.is_string()) ||
              (t == "integer" && v.is_number_integer()) || (t == "null" && v.is_null()) ||
              (t == "object" && v.is_object());
    }
    if (!typed) out += at + " = " + v.dump() + " is not " + types.dump() + "; ";
    if (v.is_string() && spec.contains("pattern") &&
        !std::regex_search(v.get<std::string>(), std::regex(spec["pattern"].get<std::string>()))) {
      out += at + " does not match " + spec["pattern"].get<std::string>() + "; ";
    }
    if (v.is_number_integer() && spec.contains("minimum") && v < spec["minimum"]) {
      out += at + " below its minimum; ";
    }
  }
  return out;
}

}  // namespace

::testing::AssertionResult matchesSchema(const json& message, const std::string& schema_file) {
  const json schema = schemaFile(schema_file);
  if (!schema.is_object()) return ::testing::AssertionFailure() << schema_file << " did not parse";
  if (!message.is_object()) return ::testing::AssertionFailure() << "not a JSON object";
  std::string problems = objectProblems(message, schemaFile("envelope.json"), "message");
  problems +=
      objectProblems(json::object({{"schema", message.value("schema", json())}}),
                     {{"properties", {{"schema", schema["properties"]["schema"]}}}}, "message");
  problems += objectProblems(message.value("body", json()), schema["properties"]["body"], "body");
  if (problems.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << schema_file << ": " << problems << "in " << message.dump();
}

}  // namespace crm::testing
