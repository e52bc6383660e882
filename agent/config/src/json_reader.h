// Walks a JSON object key by key, checking types and ranges and remembering
// the first problem with its full key path. Unknown keys are problems too.
// Private to the config component.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace crm::config {

class JsonReader {
 public:
  // `error` is shared by a reader and its children; the first error wins.
  JsonReader(const nlohmann::json& obj, std::string path, std::string& error);

  void number(const char* key, double& out, double min, double max);
  void integer(const char* key, int& out, int min, int max);
  void integer(const char* key, std::int64_t& out, std::int64_t min, std::int64_t max);
  void boolean(const char* key, bool& out);
  // `check` returns an empty string when the value is acceptable, else what was expected.
  void string(const char* key, std::string& out,
              const std::function<std::string(const std::string&)>& check = {});
  // Calls `read` with a reader for the nested object, if the key is present.
  void object(const char* key, const std::function<void(JsonReader&)>& read);
  // Calls `read` for each element of an array of objects, if the key is present.
  void array(const char* key, const std::function<void(JsonReader&)>& read);
  // Calls `read` with each member of the nested object `key` (which must be
  // an object of objects), for maps keyed by name, if the key is present.
  void entries(const char* key,
               const std::function<void(const std::string& name, JsonReader&)>& read);
  bool has(const char* key) const { return obj_.contains(key); }
  // Reports keys that no call above asked for.
  void finish();

  void failKey(const char* key, const std::string& expected);
  bool failed() const { return !error_.empty(); }

 private:
  const nlohmann::json* find(const char* key);
  const nlohmann::json& obj_;
  std::string path_;
  std::string& error_;
  std::set<std::string> seen_;
};

}  // namespace crm::config
