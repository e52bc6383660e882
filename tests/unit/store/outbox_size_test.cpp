// The outbox's size limit (mqtt.max_payload_bytes): a message the broker
// could never take is not queued, takes no seq, and is counted as lost.
#include <gtest/gtest.h>

#include "crm/store/outbox_losses.h"
#include "crm/store/store.h"
#include "crm/testing/temp_dir.h"

namespace crm::store {
namespace {

constexpr char kVin[] = "LRW3E7EK5NC000001";
constexpr std::int64_t kT0 = 1767225600000;  // 2026-01-01T00:00Z

std::unique_ptr<Store> openWithLimit(const std::string& path, std::int64_t limit) {
  StoreOptions o;
  o.path = path;
  o.full_sync = false;
  o.max_message_bytes = limit;
  auto s = Store::open(o);
  EXPECT_TRUE(s.ok()) << s.error().message;
  return std::move(s).value();
}

std::string bodyOf(std::size_t bytes) {
  return "{\"x\":\"" + std::string(bytes - 8, 'a') + "\"}";
}

TEST(OutboxSize, AMessageOverTheLimitIsNotQueuedAndIsCountedAsLost) {
  testing::TempDir dir;
  auto store = openWithLimit(dir.file("c.db"), 4096);
  auto small = store->enqueue(wire::Kind::kTelemetryDaily, kVin, kT0, bodyOf(1000));
  ASSERT_TRUE(small.ok());
  auto big = store->enqueue(wire::Kind::kHealthReport, kVin, kT0, bodyOf(5000));
  ASSERT_TRUE(big.ok()) << "one message too large must not stop the pipeline";
  EXPECT_EQ(big->seq, 0) << "not queued: no seq taken";
  auto after = store->enqueue(wire::Kind::kTelemetryDaily, kVin, kT0 + 1, bodyOf(1000));
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->seq, small->seq + 1) << "the refused message left no gap";
  ASSERT_TRUE(store->commit().ok());

  const auto pending = store->pendingOutbox(0, 10).value();
  ASSERT_EQ(pending.size(), 2U);
  EXPECT_EQ(pending[0].kind, "telemetry/daily");
  EXPECT_EQ(pending[1].kind, "telemetry/daily");

  const auto losses = outboxLosses(*store).value();
  EXPECT_EQ(losses.oversize, 1);
  ASSERT_EQ(losses.by_kind.count("health-report"), 1U);
  EXPECT_EQ(losses.by_kind.at("health-report").oversize, 1);
  EXPECT_EQ(losses.by_kind.at("health-report").quota, 0);
}

TEST(OutboxSize, AMessageJustUnderTheLimitWithItsEnvelopeIsQueued) {
  testing::TempDir dir;
  auto store = openWithLimit(dir.file("c.db"), 4096);
  auto fits = store->enqueue(wire::Kind::kHealthReport, kVin, kT0, bodyOf(3900));
  ASSERT_TRUE(fits.ok());
  EXPECT_GT(fits->seq, 0);
  ASSERT_TRUE(store->commit().ok());
  EXPECT_EQ(outboxLosses(*store).value().oversize, 0);
}

TEST(OutboxSize, WithoutALimitEverythingIsQueued) {
  testing::TempDir dir;
  auto store = openWithLimit(dir.file("c.db"), 0);
  auto big = store->enqueue(wire::Kind::kHealthReport, kVin, kT0, bodyOf(300000));
  ASSERT_TRUE(big.ok());
  EXPECT_GT(big->seq, 0);
}

}  // namespace
}  // namespace crm::store
