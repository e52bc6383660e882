#include "fault_stage.h"

#include <nlohmann/json.hpp>
#include <set>

#include "crm/common/log.h"
#include "crm/vehicle/signals.h"

namespace crm::pipeline {
namespace {

bool logged(const Status<store::StoreError>& st) {
  if (!st) log::error("faults: {}", st.error().message);
  return st.ok();
}

}  // namespace

bool FaultStage::announce(const store::FaultRecord& fault, std::int64_t ts_ms,
                          const std::string& vin) {
  const nlohmann::json body = {{"code", fault.code},
                               {"state", fault.active ? "active" : "cleared"},
                               {"first_seen", fault.first_seen},
                               {"last_seen", fault.last_seen}};
  auto queued = store_.enqueue(wire::Kind::kFaults, vin, ts_ms, body.dump());
  if (!queued) log::error("faults: {}", queued.error().message);
  return queued.ok();
}

bool FaultStage::onSample(const vehicle::Sample& sample, const std::string& vin) {
  if (sample.signal != vehicle::sig::kDtcList) return true;
  const auto* list = std::get_if<std::vector<std::string>>(&sample.value);
  if (list == nullptr) return true;  // the validator lets no other type through
  // Read at every list (a few rows, staged changes included) rather than
  // kept here: a batch lost to a failed commit takes its changes with it,
  // and the next list is judged against what the file holds.
  auto active = store_.activeFaults();
  if (!active) {
    log::error("faults: {}", active.error().message);
    return false;
  }
  const std::set<std::string> now(list->begin(), list->end());
  const std::int64_t ts = sample.ts_ms;
  std::set<std::string> still;
  for (auto fault : *active) {
    if (now.contains(fault.code)) {
      still.insert(fault.code);
      continue;
    }
    fault.active = false;  // last_seen stays the last list that named it
    if (!logged(store_.clearFault(fault)) || !announce(fault, ts, vin)) return false;
  }
  for (const auto& code : now) {
    if (still.contains(code)) continue;
    if (!logged(store_.openFault(code, ts)) || !announce({code, ts, ts, true}, ts, vin)) {
      return false;
    }
  }
  return now.empty() || logged(store_.activeFaultsSeen(ts));
}

}  // namespace crm::pipeline
