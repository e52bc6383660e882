// A real SQLite store and an Engine over it, with helpers to build
// conditions and read back what the engine staged.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "crm/common/civil_time.h"
#include "crm/engagement/engine.h"
#include "crm/testing/temp_dir.h"
#include "crm/testing/temp_store.h"

namespace crm::engagement {

inline constexpr std::int64_t kMinute = 60'000;
inline constexpr std::int64_t kHour = 60 * kMinute;
inline constexpr std::int64_t kDay = civil::kMsPerDay;
// Monday 2026-01-05 12:00 UTC: midday, outside the default quiet hours.
inline constexpr std::int64_t kNoon = 1767614400000;
inline constexpr char kVin[] = "LRW3E7EK5NC000001";

inline Condition condition(std::string rule, Severity severity, std::string subject = "") {
  Condition c;
  c.rule = std::move(rule);
  c.subject = std::move(subject);
  c.severity = severity;
  c.title = Text{"Title of " + c.rule, "标题"};
  c.message = Text{"Message of " + c.rule, "信息"};
  c.detail_json = R"({"figure":1})";
  return c;
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override { openStore(); }

  void openStore() {
    store_ = testing::openTestStore(dir_.file("cache.db"));
    ASSERT_NE(store_, nullptr);
  }

  // A new engine over the store; its events are collected in events_.
  void start(EngagementSettings settings = {}, bool share = false) {
    auto made = Engine::make(EngineAccess{*store_, *store_}, EngineOptions{kVin, share},
                             std::move(settings), 0);
    ASSERT_TRUE(made.ok()) << made.error().message;
    engine_ = std::move(made).value();
    engine_->onEvent([this](const LifecycleEvent& e) { events_.push_back(e); });
  }

  // Evaluates and commits, as the pipeline does.
  void evaluate(const std::vector<Condition>& holding, std::int64_t now_ms, bool moving = false) {
    ASSERT_TRUE(engine_->evaluate(holding, now_ms, moving));
    ASSERT_TRUE(store_->commit().ok());
  }

  store::PromptRecord stored(std::int64_t id) {
    auto p = store_->prompt(id);
    EXPECT_TRUE(p.ok() && p->has_value());
    return p.ok() && p->has_value() ? **p : store::PromptRecord{};
  }

  // Rules of the events collected so far, for one kind of event.
  std::vector<std::string> rulesOf(const std::string& event) const {
    std::vector<std::string> out;
    for (const auto& e : events_) {
      if (e.event == event) out.push_back(e.prompt.rule);
    }
    return out;
  }

  std::vector<store::OutboxMessage> outbox() {
    auto m = store_->pendingOutbox(0, 1000);
    EXPECT_TRUE(m.ok());
    return m.ok() ? *m : std::vector<store::OutboxMessage>{};
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Engine> engine_;
  std::vector<LifecycleEvent> events_;
};

}  // namespace crm::engagement
