// The outbox's time-to-live: a message past its kind's ttl_hours (from its
// envelope's ts) is never handed to the sender; it is dropped and counted
// per kind, by the sender's clock, never by the store's own.
#include <gtest/gtest.h>

#include "crm/store/meta_keys.h"
#include "crm/store/outbox_losses.h"
#include "crm/store/store.h"
#include "crm/testing/temp_dir.h"

namespace crm::store {
namespace {

constexpr char kVin[] = "LRW3E7EK5NC000001";
constexpr std::int64_t kT0 = 1767225600000;  // 2026-01-01T00:00Z
constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kDay = 24 * kHour;

std::unique_ptr<Store> openAt(const std::string& path) {
  StoreOptions o;
  o.path = path;
  o.full_sync = false;
  auto s = Store::open(o);
  EXPECT_TRUE(s.ok()) << s.error().message;
  return std::move(s).value();
}

std::int64_t enqueue(Store& store, wire::Kind kind, std::int64_t ts) {
  auto m = store.enqueue(kind, kVin, ts, "{}");
  EXPECT_TRUE(m.ok()) << m.error().message;
  return m ? m->seq : -1;
}

std::vector<std::int64_t> seqs(const std::vector<OutboxMessage>& messages) {
  std::vector<std::int64_t> out;
  for (const auto& m : messages) out.push_back(m.seq);
  return out;
}

TEST(OutboxTtl, EachMessageExpiresItsKindsTimeToLiveAfterItsTs) {
  testing::TempDir dir;
  auto store = openAt(dir.file("c.db"));
  auto result = store->enqueue(wire::Kind::kCmdResult, kVin, kT0, "{}");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->expires_ms, kT0 + 7 * kDay);
  ASSERT_TRUE(store->enqueue(wire::Kind::kTelemetryDaily, kVin, kT0, "{}").ok());
  ASSERT_TRUE(store->commit().ok());
  const auto pending = store->pendingOutbox(0, 10).value();
  ASSERT_EQ(pending.size(), 2U);
  EXPECT_EQ(pending[0].expires_ms, kT0 + 7 * kDay);
  EXPECT_EQ(pending[1].expires_ms, kT0 + 90 * kDay);
}

TEST(OutboxTtl, AStaleMessageIsDroppedBeforeTheSenderSeesItAndCountedByKind) {
  testing::TempDir dir;
  auto store = openAt(dir.file("c.db"));
  const auto result = enqueue(*store, wire::Kind::kCmdResult, kT0);
  const auto daily = enqueue(*store, wire::Kind::kTelemetryDaily, kT0);
  ASSERT_TRUE(store->commit().ok());

  // Eight days later by the sender's clock: the cmd-result (7 days) is stale.
  const std::int64_t now = kT0 + 8 * kDay;
  const auto offered = store->pendingOutbox(0, 10, now).value();
  EXPECT_EQ(seqs(offered), std::vector<std::int64_t>{daily});
  ASSERT_TRUE(store->commit().ok());

  // Gone for good, also for a sender without a clock, and counted.
  EXPECT_EQ(seqs(store->pendingOutbox(0, 10).value()), std::vector<std::int64_t>{daily});
  const auto losses = outboxLosses(*store).value();
  EXPECT_EQ(losses.expired, 1);
  EXPECT_EQ(losses.quota, 0);
  ASSERT_TRUE(losses.by_kind.contains("cmd-result"));
  EXPECT_EQ(losses.by_kind.at("cmd-result").expired, 1);
  EXPECT_EQ(losses.by_kind.at("cmd-result").quota, 0);
  EXPECT_FALSE(losses.by_kind.contains("telemetry/daily"));
  EXPECT_EQ(store->metaInt(outboxExpiredKey("cmd-result")).value(), 1);
  (void)result;
}

TEST(OutboxTtl, AMessageIsStillSentUpToItsLastMillisecond) {
  testing::TempDir dir;
  auto store = openAt(dir.file("c.db"));
  const auto result = enqueue(*store, wire::Kind::kCmdResult, kT0);
  ASSERT_TRUE(store->commit().ok());
  EXPECT_EQ(seqs(store->pendingOutbox(0, 10, kT0 + 7 * kDay - 1).value()),
            std::vector<std::int64_t>{result});
  EXPECT_TRUE(store->pendingOutbox(0, 10, kT0 + 7 * kDay).value().empty());
}

TEST(OutboxTtl, WithoutTheSendersClockNothingExpires) {
  testing::TempDir dir;
  auto store = openAt(dir.file("c.db"));
  enqueue(*store, wire::Kind::kCmdResult, kT0);
  ASSERT_TRUE(store->commit().ok());
  // A replay writes outbox.jsonl without a clock: it plays a broker that
  // was there all along. And the store's own time (its newest sample, a
  // year on) is not a sender's clock: retention expires nothing by it.
  ASSERT_TRUE(store->addSample({kT0 + 365 * kDay, vehicle::sig::kSpeed, 1.0, 0}).ok());
  ASSERT_TRUE(store->commit().ok());
  EXPECT_EQ(store->pendingOutbox(0, 10).value().size(), 1U);
  EXPECT_EQ(outboxLosses(*store).value().expired, 0);
}

TEST(OutboxTtl, TheLimitCountsFreshMessagesPastAnyRunOfStaleOnes) {
  testing::TempDir dir;
  auto store = openAt(dir.file("c.db"));
  for (int i = 0; i < 5; ++i) enqueue(*store, wire::Kind::kCmdResult, kT0 + i);
  const auto a = enqueue(*store, wire::Kind::kTelemetryDaily, kT0);
  const auto b = enqueue(*store, wire::Kind::kHealthReport, kT0);
  enqueue(*store, wire::Kind::kTelemetryDaily, kT0);
  ASSERT_TRUE(store->commit().ok());
  const auto offered = store->pendingOutbox(0, 2, kT0 + 30 * kDay).value();
  EXPECT_EQ(seqs(offered), (std::vector<std::int64_t>{a, b}));
  ASSERT_TRUE(store->commit().ok());
  EXPECT_EQ(outboxLosses(*store).value().by_kind.at("cmd-result").expired, 5);
  EXPECT_EQ(store->pendingOutbox(0, 10).value().size(), 3U);
}

TEST(OutboxTtl, RetentionDropsWhatExpiredByTheLastClockASenderGave) {
  testing::TempDir dir;
  auto store = openAt(dir.file("c.db"));
  const auto daily = enqueue(*store, wire::Kind::kTelemetryDaily, kT0);
  for (int i = 0; i < 3; ++i) enqueue(*store, wire::Kind::kServiceRequest, kT0);
  ASSERT_TRUE(store->addSample({kT0, vehicle::sig::kSpeed, 1.0, 0}).ok());
  ASSERT_TRUE(store->commit().ok());
  // The sender took one message (the first, still fresh) at day 20: the
  // service requests behind it (14 days) were not read, so not judged.
  const std::int64_t now = kT0 + 20 * kDay;
  EXPECT_EQ(seqs(store->pendingOutbox(0, 1, now).value()), std::vector<std::int64_t>{daily});
  EXPECT_EQ(store->stats().outbox_pending, 4);
  // A new day's retention drops them by that clock.
  ASSERT_TRUE(store->addSample({kT0 + 2 * kDay, vehicle::sig::kSpeed, 2.0, 0}).ok());
  ASSERT_TRUE(store->commit().ok());
  EXPECT_EQ(store->stats().outbox_pending, 1);
  EXPECT_EQ(outboxLosses(*store).value().by_kind.at("service-request").expired, 3);
}

TEST(OutboxTtl, ExpiryCountsSurviveARestart) {
  testing::TempDir dir;
  {
    auto store = openAt(dir.file("c.db"));
    enqueue(*store, wire::Kind::kPrompts, kT0);
    ASSERT_TRUE(store->commit().ok());
    EXPECT_TRUE(store->pendingOutbox(0, 10, kT0 + 31 * kDay).value().empty());
    ASSERT_TRUE(store->commit().ok());
  }
  auto store = openAt(dir.file("c.db"));
  EXPECT_TRUE(store->pendingOutbox(0, 10).value().empty());
  EXPECT_EQ(outboxLosses(*store).value().by_kind.at("prompts").expired, 1);
}

TEST(OutboxLosses, ACorruptCounterIsUnknownNotZero) {
  testing::TempDir dir;
  auto store = openAt(dir.file("c.db"));
  ASSERT_TRUE(store->setMeta(outboxExpiredKey("prompts"), "lots").ok());
  ASSERT_TRUE(store->setMeta(kOutboxDroppedKey, "7").ok());
  ASSERT_TRUE(store->commit().ok());
  const auto losses = outboxLosses(*store).value();
  EXPECT_FALSE(losses.expired.has_value());
  EXPECT_EQ(losses.quota, 7);
}

}  // namespace
}  // namespace crm::store
