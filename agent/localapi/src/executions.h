// The technician API's executions: the last few operations started, in
// memory, with their outcome. Private to the component.
//
// Threading: the server's loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "crm/localapi/sovd_backend.h"

namespace crm::localapi {

struct Execution {
  enum class State : std::uint8_t { kRunning, kCompleted, kFailed };
  std::string id;  // decimal, unique in this process
  std::string operation;
  State state = State::kRunning;
  OperationOutcome outcome;  // once not running
};

class Executions {
 public:
  explicit Executions(std::size_t capacity) : capacity_(capacity) {}

  // A new running execution of `operation`. At capacity the oldest finished
  // one makes room; nullptr when every one is still running.
  Execution* add(std::string operation);
  // nullptr when there is no execution `id` of `operation` (any more).
  Execution* find(std::string_view operation, std::string_view id);
  // Records how an execution ended; gone (dropped) executions are ignored.
  void finish(std::string_view id, OperationOutcome outcome);

  // {"id", "operation", "status", "result"|"error"} (schema execution.json).
  static nlohmann::json toJson(const Execution& execution);

 private:
  std::size_t capacity_;
  std::list<Execution> list_;  // oldest first; pointers stay valid until erased
  std::uint64_t next_id_ = 1;
};

}  // namespace crm::localapi
