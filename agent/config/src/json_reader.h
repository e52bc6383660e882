// Walks a JSON object key by key, checking types and ranges and remembering
// the first problem with its full key path. Unknown keys are problems too.
// Private to the config component.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "crm/common/result.h"
#include "crm/config/config_error.h"

namespace crm::config {

// What a value check says: nothing when the value is acceptable, else what
// was expected ("expected a date YYYY-MM-DD").
using Complaint = std::optional<std::string>;
using Check = std::function<Complaint(const std::string&)>;

// Parses a configuration-like file's text after the input guard (size and
// nesting depth). Errors are kInvalid and name the origin, and for a syntax
// error its line and column: "<origin>:3:17: not valid JSON (...)".
Result<nlohmann::json, ConfigError> parseJsonFile(std::string_view text, const std::string& origin,
                                                  std::size_t max_bytes);

class JsonReader {
 public:
  // `error` is shared by a reader and its children; the first error wins.
  JsonReader(const nlohmann::json& obj, std::string path, std::optional<std::string>& error);

  void number(const char* key, double& out, double min, double max);
  void integer(const char* key, int& out, int min, int max);
  void integer(const char* key, std::int64_t& out, std::int64_t min, std::int64_t max);
  void boolean(const char* key, bool& out);
  // `check` says what was expected when the value is not acceptable.
  void string(const char* key, std::string& out, const Check& check = {});
  // Calls `read` with a reader for the nested object, if the key is present.
  void object(const char* key, const std::function<void(JsonReader&)>& read);
  // Calls `read` for each element of an array of objects, if the key is present.
  void array(const char* key, const std::function<void(JsonReader&)>& read);
  // Calls `read` with each member of the nested object `key` (which must be
  // an object of objects), for maps keyed by name, if the key is present.
  void entries(const char* key,
               const std::function<void(const std::string& name, JsonReader&)>& read);
  // Hands the raw value of `key` to `read`, if present, for a section another
  // component validates; `read` returns what was wrong (with its own path).
  void raw(const char* key,
           const std::function<std::optional<std::string>(const nlohmann::json&)>& read);
  bool has(const char* key) const { return obj_.contains(key); }
  // Reports keys that no call above asked for.
  void finish();

  void failKey(const char* key, const std::string& expected);
  bool failed() const { return error_.has_value(); }

 private:
  const nlohmann::json* find(const char* key);
  const nlohmann::json& obj_;
  std::string path_;
  std::optional<std::string>& error_;
  std::set<std::string> seen_;
};

}  // namespace crm::config
