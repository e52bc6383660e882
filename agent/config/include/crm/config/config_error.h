// The configuration component's error codes.
#pragma once

#include <cstdint>

namespace crm::config {

enum class ConfigError : std::uint8_t {
  kCannotRead,  // file missing or unreadable
  kInvalid,     // bad JSON, unknown key, wrong type or out of range
};

}  // namespace crm::config
