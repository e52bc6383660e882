#include "executions.h"

#include <algorithm>

namespace crm::localapi {

Execution* Executions::add(std::string operation) {
  if (list_.size() >= capacity_) {
    const auto done = std::find_if(list_.begin(), list_.end(), [](const Execution& e) {
      return e.state != Execution::State::kRunning;
    });
    if (done == list_.end()) return nullptr;
    list_.erase(done);
  }
  Execution& e = list_.emplace_back();
  e.id = std::to_string(next_id_++);
  e.operation = std::move(operation);
  return &e;
}

Execution* Executions::find(std::string_view operation, std::string_view id) {
  const auto it = std::find_if(list_.begin(), list_.end(), [&](const Execution& e) {
    return e.id == id && e.operation == operation;
  });
  return it == list_.end() ? nullptr : &*it;
}

void Executions::finish(std::string_view id, OperationOutcome outcome) {
  const auto it =
      std::find_if(list_.begin(), list_.end(), [&](const Execution& e) { return e.id == id; });
  if (it == list_.end() || it->state != Execution::State::kRunning) return;
  it->state = outcome.ok ? Execution::State::kCompleted : Execution::State::kFailed;
  it->outcome = std::move(outcome);
  if (it->outcome.ok && !it->outcome.result.is_object()) {
    it->outcome.result = nlohmann::json::object();  // the schema's shape, whatever was given
  }
}

nlohmann::json Executions::toJson(const Execution& e) {
  nlohmann::json j = {{"id", e.id}, {"operation", e.operation}};
  switch (e.state) {
    case Execution::State::kRunning:
      j["status"] = "running";
      break;
    case Execution::State::kCompleted:
      j["status"] = "completed";
      j["result"] = e.outcome.result;
      break;
    case Execution::State::kFailed:
      j["status"] = "failed";
      j["error"] = {{"code", e.outcome.code}, {"message", e.outcome.message}};
      break;
  }
  return j;
}

}  // namespace crm::localapi
