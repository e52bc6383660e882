// The `faults` topic: one message when a DTC appears in the car's
// Vehicle.Diagnostics.DTCList and one when it is absent from a later list.
// The active set lives in the store (store::FaultLog) and changes in the
// batch of the sample that changed it, with its message: a restart neither
// announces an active code again nor forgets one. The daemon and a replay
// run it alike (the pipeline is shared), so both produce the same messages.
//
// Body (schema crm.v1.faults, docs/mqtt/schemas/faults.json; keys stable):
//   {"code": "P0A80", "state": "active"|"cleared",
//    "first_seen": ms, "last_seen": ms}
// first_seen: the first DTCList sample of this episode that listed the code;
// last_seen: the last one that did (for "active", the same sample). The
// envelope's ts is the sample that showed the change.
//
// Threading: one thread (the pipeline's).
#pragma once

#include <cstdint>
#include <string>

#include "crm/store/store.h"
#include "crm/vehicle/record.h"

namespace crm::pipeline {

class FaultStage {
 public:
  // `store` must outlive the stage.
  explicit FaultStage(store::Store& store) : store_(store) {}

  // Every accepted sample; only DTCList samples matter. Stages the changes
  // and their messages. False on a store error.
  bool onSample(const vehicle::Sample& sample, const std::string& vin);

 private:
  bool announce(const store::FaultRecord& fault, std::int64_t ts_ms, const std::string& vin);

  store::Store& store_;
};

}  // namespace crm::pipeline
