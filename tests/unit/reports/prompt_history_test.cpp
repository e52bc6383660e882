// promptHistory: the period's prompts from the store, for the HTML page.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>

#include "crm/reports/health_report.h"
#include "crm/testing/temp_dir.h"
#include "crm/testing/temp_store.h"

namespace crm::reports {
namespace {

constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kJan1 = 1767225600000;

store::PromptRecord promptAt(std::int64_t raised_ms, const std::string& rule,
                             const std::string& state) {
  store::PromptRecord p;
  p.rule = rule;
  p.severity = "warning";
  p.state = state;
  p.title_en = "Title " + rule;
  p.title_zh = "标题";
  p.message_en = "Message " + rule;
  p.message_zh = "信息";
  p.raised_ms = raised_ms;
  p.state_ms = raised_ms;
  return p;
}

TEST(PromptHistory, HoldsThePromptsRaisedInThePeriodOldestFirstWithTheirWords) {
  testing::TempDir dir;
  auto store = testing::openTestStore(dir.file("cache.db"));
  ASSERT_NE(store, nullptr);
  for (const auto& p : {promptAt(kJan1 + 40 * kDay, "after", "raised"),
                        promptAt(kJan1 + 20 * kDay, "second", "withdrawn"),
                        promptAt(kJan1 + 10 * kDay, "first", "delivered"),
                        promptAt(kJan1 - kDay, "before", "expired")}) {
    ASSERT_TRUE(store->addPrompt(p).ok());
  }
  ASSERT_TRUE(store->commit().ok());

  const auto history = promptHistory(*store, {kJan1, kJan1 + 30 * kDay});

  ASSERT_TRUE(history.ok()) << history.error().message;
  ASSERT_EQ(history->size(), 2U);
  const auto& first = history->at(0);
  EXPECT_EQ(first.rule, "first");
  EXPECT_EQ(first.raised_ms, kJan1 + 10 * kDay);
  EXPECT_EQ(first.severity, "warning");
  EXPECT_EQ(first.state, "delivered");
  EXPECT_EQ(first.title_en, "Title first");
  EXPECT_EQ(first.title_zh, "标题");
  EXPECT_EQ(first.message_en, "Message first");
  EXPECT_EQ(first.message_zh, "信息");
  EXPECT_EQ(history->at(1).rule, "second");
  EXPECT_EQ(history->at(1).state, "withdrawn");
}

TEST(PromptHistory, AnEmptyPeriodIsAnEmptyHistoryNotAnError) {
  testing::TempDir dir;
  auto store = testing::openTestStore(dir.file("cache.db"));
  ASSERT_NE(store, nullptr);

  const auto history = promptHistory(*store, {kJan1, kJan1 + 30 * kDay});

  ASSERT_TRUE(history.ok());
  EXPECT_TRUE(history->empty());
}

// A ledger whose reads fail, as a busy or damaged file makes them.
class FailingLedger final : public store::PromptLedger {
 public:
  template <class T>
  using R = Result<T, store::StoreError>;
  static Error<store::StoreError> failed() {
    return fail(store::StoreError::kRead, "prompts raised: disk I/O error");
  }
  R<std::int64_t> addPrompt(const store::PromptRecord&) override { return failed(); }
  Status<store::StoreError> updatePrompt(const store::PromptRecord&) override { return failed(); }
  Status<store::StoreError> addPromptEvent(const store::PromptEvent&) override { return failed(); }
  R<std::optional<store::PromptRecord>> prompt(std::int64_t) const override { return failed(); }
  R<std::vector<store::PromptRecord>> openPrompts() const override { return failed(); }
  R<std::optional<store::PromptRecord>> latestPrompt(std::string_view,
                                                     std::string_view) const override {
    return failed();
  }
  R<std::vector<store::PromptRecord>> promptsRaised(std::int64_t, std::int64_t) const override {
    return failed();
  }
  R<store::PromptCounts> promptCounts(std::int64_t, std::int64_t) const override {
    return failed();
  }
  R<std::int64_t> cappedDeliveries(std::int64_t, std::int64_t) const override { return failed(); }
  Status<store::StoreError> putCampaign(const store::CampaignRecord&) override { return failed(); }
  R<std::vector<store::CampaignRecord>> campaigns() const override { return failed(); }
  Status<store::StoreError> putAppointment(const store::AppointmentRecord&) override {
    return failed();
  }
  R<std::vector<store::AppointmentRecord>> appointments() const override { return failed(); }
};

TEST(PromptHistory, AFailedReadIsAnErrorNotAnEmptyHistory) {
  const FailingLedger ledger;

  const auto history = promptHistory(ledger, {kJan1, kJan1 + 30 * kDay});

  ASSERT_FALSE(history.ok());
  EXPECT_EQ(history.error().code, store::StoreError::kRead);
  EXPECT_NE(history.error().message.find("disk I/O error"), std::string::npos);
}

}  // namespace
}  // namespace crm::reports
