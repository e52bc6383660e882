// A recording SovdBackend for the technician routes' tests. Operations
// finish at once unless `hold` is set; held ones wait in `held` for the
// test to finish them. Used from one thread at a time (the routes are
// called directly, or the server runs while the test only reads).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "crm/localapi/sovd_backend.h"

namespace crm::localapi::testing {

class FakeSovdBackend : public SovdBackend {
 public:
  nlohmann::json dataItems() override {
    ++calls;
    return nlohmann::json::array(
        {{{"id", "status"}, {"name", "Status"}, {"category", "currentData"}},
         {{"id", "version"}, {"name", "Version"}, {"category", "identData"}}});
  }
  Reading data(std::string_view id) override {
    ++calls;
    data_ids.emplace_back(id);
    if (unavailable) return {Reading::Outcome::kUnavailable, nullptr, "disk I/O error"};
    if (id != "status" && id != "version") return {Reading::Outcome::kUnknown, nullptr, {}};
    return {Reading::Outcome::kOk, {{"resource", id}}, {}};
  }
  Reading faults(bool active_only, std::string_view code_prefix) override {
    ++calls;
    fault_queries.emplace_back(active_only, std::string(code_prefix));
    return {Reading::Outcome::kOk, {{"items", nlohmann::json::array()}}, {}};
  }
  bool supports(std::string_view operation) override { return operation != unsupported; }
  void start(std::string_view operation, const nlohmann::json& body, Done done) override {
    ++calls;
    started.emplace_back(std::string(operation), body);
    if (hold) {
      held.push_back(std::move(done));
      return;
    }
    if (fail_with.empty()) {
      done({true, {{"operation", operation}}, {}, {}});
    } else {
      done({false, nullptr, fail_with, "it went wrong"});
    }
  }

  int calls = 0;
  bool unavailable = false;
  bool hold = false;
  std::string fail_with;    // non-empty: operations fail with this code
  std::string unsupported;  // this operation is not supported
  std::vector<std::string> data_ids;
  std::vector<std::pair<bool, std::string>> fault_queries;
  std::vector<std::pair<std::string, nlohmann::json>> started;
  std::vector<Done> held;
};

}  // namespace crm::localapi::testing
