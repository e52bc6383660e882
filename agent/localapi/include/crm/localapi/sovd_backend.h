// What the technician's API (sovd_routes.h) asks of the rest of the agent:
// the data views, the fault list and the operations. The route table checks
// every input and keeps the executions; the backend reads and acts. The
// agent implements it over crm/diagnostics and the pipeline, tests over a
// fake.
//
// Threading: every call is made on the server's io_context thread and must
// not block it for long (a store read is fine; no network, no sleeping).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace crm::localapi {

// A read's answer.
struct Reading {
  enum class Outcome : std::uint8_t {
    kOk,           // `value` is the answer: 200
    kUnknown,      // no such data resource: 404 unknown_data
    kUnavailable,  // cannot be read now (store failure): 503 unavailable
  };
  Outcome outcome = Outcome::kOk;
  nlohmann::json value;
  std::string message;  // why, when not kOk; for the technician, never personal data
};

// How an operation ended: `result` when ok, else `code` and `message`
// (the execution's "error").
struct OperationOutcome {
  bool ok = true;
  nlohmann::json result;
  std::string code;  // snake_case, e.g. "store_failed"
  std::string message;
};

class SovdBackend {
 public:
  virtual ~SovdBackend() = default;

  // The data resources: a JSON array of {"id", "name", "category"}.
  virtual nlohmann::json dataItems() = 0;

  // The `data` object of resource `id` (any text: the backend knows its ids).
  virtual Reading data(std::string_view id) = 0;

  // {"items": [...]} of the fault list; `code_prefix` is empty or 1..5
  // characters of [0-9A-Z] (the routes checked).
  virtual Reading faults(bool active_only, std::string_view code_prefix) = 0;

  // False for an operation this build cannot run (501 not_implemented):
  // the route table then never calls start().
  virtual bool supports(std::string_view operation) = 0;

  // Starts `operation` (a known name: generate-report, sync-now,
  // export-data, erase-personal-data) with its checked body (a JSON object,
  // {} when none was sent). `done` must be called exactly once, on the
  // loop: at once (inside start) or later. It may be dropped unused only if
  // the backend itself is being destroyed.
  using Done = std::function<void(OperationOutcome)>;
  virtual void start(std::string_view operation, const nlohmann::json& body, Done done) = 0;
};

}  // namespace crm::localapi
