#include "json_reader.h"

#include <cmath>

#include "crm/common/input_limits.h"

namespace crm::config {
namespace {

std::string fmt(double v) {
  std::string t = std::to_string(v);
  t.erase(t.find_last_not_of('0') + 1);
  if (!t.empty() && t.back() == '.') t.pop_back();
  return t;
}

// nlohmann's what() is "[json.exception.parse_error.101] parse error at
// line 1, column 2: syntax error while parsing value - invalid literal; last
// read: 'x'": keep the part after the position, which says what was found.
std::string syntaxDetail(const std::string& what) {
  const auto colon = what.find(": ");
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

}  // namespace

Result<nlohmann::json, ConfigError> parseJsonFile(std::string_view text, const std::string& origin,
                                                  std::size_t max_bytes) {
  if (auto bad = input::checkJsonInput(text, max_bytes)) {
    return fail(ConfigError::kInvalid, origin + ": " + *bad);
  }
  // The exception is the only way nlohmann gives the error's position; it
  // is caught here, at the adapter, and goes no further.
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based: the last byte read, where the parser gave up.
    const auto at = input::positionOf(text, e.byte > 0 ? e.byte - 1 : 0);
    return fail(ConfigError::kInvalid, origin + ":" + std::to_string(at.line) + ":" +
                                           std::to_string(at.column) + ": not valid JSON (" +
                                           syntaxDetail(e.what()) + ")");
  } catch (const nlohmann::json::exception& e) {
    return fail(ConfigError::kInvalid, origin + ": not valid JSON (" + e.what() + ")");
  }
}

JsonReader::JsonReader(const nlohmann::json& obj, std::string path,
                       std::optional<std::string>& error)
    : obj_(obj), path_(std::move(path)), error_(error) {}

void JsonReader::failKey(const char* key, const std::string& expected) {
  if (!error_) error_ = (path_.empty() ? "" : path_ + ".") + key + ": " + expected;
}

const nlohmann::json* JsonReader::find(const char* key) {
  seen_.insert(key);
  auto it = obj_.find(key);
  return it == obj_.end() ? nullptr : &*it;
}

void JsonReader::number(const char* key, double& out, double min, double max) {
  const auto* v = find(key);
  if (v == nullptr) return;
  if (!v->is_number() || v->get<double>() < min || v->get<double>() > max) {
    failKey(key, "expected a number in " + fmt(min) + ".." + fmt(max));
    return;
  }
  out = v->get<double>();
}

void JsonReader::integer(const char* key, std::int64_t& out, std::int64_t min, std::int64_t max) {
  const auto* v = find(key);
  if (v == nullptr) return;
  if (!v->is_number_integer() || v->get<std::int64_t>() < min || v->get<std::int64_t>() > max) {
    failKey(key, "expected an integer in " + std::to_string(min) + ".." + std::to_string(max));
    return;
  }
  out = v->get<std::int64_t>();
}

void JsonReader::integer(const char* key, int& out, int min, int max) {
  std::int64_t wide = out;
  integer(key, wide, min, max);
  out = static_cast<int>(wide);
}

void JsonReader::boolean(const char* key, bool& out) {
  const auto* v = find(key);
  if (v == nullptr) return;
  if (!v->is_boolean()) {
    failKey(key, "expected true or false");
    return;
  }
  out = v->get<bool>();
}

void JsonReader::string(const char* key, std::string& out, const Check& check) {
  const auto* v = find(key);
  if (v == nullptr) return;
  if (!v->is_string()) {
    failKey(key, "expected a string");
    return;
  }
  const auto& s = v->get_ref<const std::string&>();
  if (check) {
    if (auto why = check(s)) {
      failKey(key, *why);
      return;
    }
  }
  out = s;
}

void JsonReader::object(const char* key, const std::function<void(JsonReader&)>& read) {
  const auto* v = find(key);
  if (v == nullptr) return;
  if (!v->is_object()) {
    failKey(key, "expected an object");
    return;
  }
  JsonReader child(*v, path_.empty() ? key : path_ + "." + key, error_);
  read(child);
  child.finish();
}

void JsonReader::raw(const char* key,
                     const std::function<std::optional<std::string>(const nlohmann::json&)>& read) {
  const auto* v = find(key);
  if (v == nullptr) return;
  if (auto bad = read(*v); bad && !error_) error_ = std::move(bad);
}

void JsonReader::array(const char* key, const std::function<void(JsonReader&)>& read) {
  const auto* v = find(key);
  if (v == nullptr) return;
  if (!v->is_array()) {
    failKey(key, "expected an array");
    return;
  }
  for (std::size_t i = 0; i < v->size() && !failed(); ++i) {
    const auto& item = (*v)[i];
    const std::string path =
        (path_.empty() ? "" : path_ + ".") + key + "[" + std::to_string(i) + "]";
    if (!item.is_object()) {
      if (!error_) error_ = path + ": expected an object";
      return;
    }
    JsonReader child(item, path, error_);
    read(child);
    child.finish();
  }
}

void JsonReader::entries(const char* key,
                         const std::function<void(const std::string&, JsonReader&)>& read) {
  object(key, [&](JsonReader& map) {
    for (const auto& [name, value] : map.obj_.items()) {
      if (map.failed()) return;
      map.seen_.insert(name);
      if (!value.is_object()) {
        map.failKey(name.c_str(), "expected an object");
        return;
      }
      JsonReader child(value, map.path_ + "." + name, error_);
      read(name, child);
      child.finish();
    }
  });
}

void JsonReader::finish() {
  for (const auto& [key, value] : obj_.items()) {
    if (!seen_.contains(key)) {
      failKey(key.c_str(), "unknown key (docs/configuration.md lists the keys)");
      return;
    }
  }
}

}  // namespace crm::config
