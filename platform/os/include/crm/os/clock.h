// The one source of "now" (epoch ms) for everything that depends on it:
// command expiry, the report schedule, day ends, and what arrives with the
// engagement work (quiet hours, prompt expiry, outbox time-to-live). The
// daemon runs on the wall clock; a replay on the recording's time; tests on a
// manual clock they move by hand, so that nothing has to sleep.
//
// Threading: SystemClock any thread; ManualClock the thread that owns it.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace crm::os {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t nowMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::int64_t nowMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// Time that moves only when told: tests, and a replay's recording time.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t start_ms = 0) : now_(start_ms) {}
  std::int64_t nowMs() const override { return now_; }
  void set(std::int64_t ms) { now_ = ms; }
  void advance(std::int64_t ms) { now_ += ms; }
  // Moves forward to `ms`, never back: a replay follows its newest record,
  // and one late sample does not turn time back.
  void advanceTo(std::int64_t ms) { now_ = std::max(now_, ms); }

 private:
  std::int64_t now_;
};

}  // namespace crm::os
