#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include <sqlite3.h>

#include "crm/store/store.h"
#include "crm/testing/temp_dir.h"

namespace crm::store {
namespace {

using nlohmann::json;
constexpr char kVin[] = "LRW3E7EK5NC000001";

std::unique_ptr<Store> openAt(const std::string& path) {
  StoreOptions o;
  o.path = path;
  auto s = Store::open(o);
  EXPECT_TRUE(s.ok());
  return std::move(s).value();
}

TEST(Outbox, EnqueuedMessageKeepsWhatItsEnvelopeNeeds) {
  testing::TempDir dir;
  auto store = openAt(dir.file("c.db"));
  auto m = store->enqueue(wire::Kind::kTelemetryDaily, kVin, 1234, R"({"distance_km":12.5})");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->id.size(), 36U);
  EXPECT_EQ(m->id[14], '4');  // uuid version 4
  EXPECT_EQ(m->seq, 1);
  ASSERT_TRUE(store->commit().ok());
  auto pending = store->pendingOutbox(0, 10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1U);
  const auto& stored = pending->front();
  EXPECT_EQ(stored.kind, "telemetry/daily");
  EXPECT_EQ(stored.vin, kVin);
  EXPECT_EQ(stored.created_ms, 1234);
  EXPECT_EQ(stored.id, m->id);
  EXPECT_EQ(json::parse(stored.body)["distance_km"], 12.5);
}

TEST(Outbox, UncommittedMessagesAreNotOfferedForPublishing) {
  testing::TempDir dir;
  auto store = openAt(dir.file("c.db"));
  ASSERT_TRUE(store->enqueue(wire::Kind::kFaults, kVin, 1, "{}").ok());
  EXPECT_TRUE(store->pendingOutbox(0, 10)->empty());
  ASSERT_TRUE(store->commit().ok());
  EXPECT_EQ(store->pendingOutbox(0, 10)->size(), 1U);
}

TEST(Outbox, SeqNeverRepeatsAcrossRestartsEvenWhenAcked) {
  testing::TempDir dir;
  std::set<std::int64_t> seen;
  for (int run = 0; run < 3; ++run) {
    auto store = openAt(dir.file("c.db"));
    for (int i = 0; i < 5; ++i) {
      auto m = store->enqueue(wire::Kind::kTelemetryDaily, kVin, i, "{}");
      ASSERT_TRUE(m.ok());
      EXPECT_TRUE(seen.insert(m->seq).second) << "seq " << m->seq << " reused";
    }
    ASSERT_TRUE(store->commit().ok());
    for (const auto& m : *store->pendingOutbox(0, 100)) ASSERT_TRUE(store->ackOutbox(m.seq).ok());
    ASSERT_TRUE(store->commit().ok());
  }
  EXPECT_EQ(seen.size(), 15U);
}

TEST(Outbox, AckedMessagesLeaveOthersStayInOrder) {
  testing::TempDir dir;
  auto store = openAt(dir.file("c.db"));
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(store->enqueue(wire::Kind::kPrompts, kVin, i, "{}").ok());
  ASSERT_TRUE(store->commit().ok());
  ASSERT_TRUE(store->ackOutbox(2).ok());
  ASSERT_TRUE(store->commit().ok());
  auto rest = *store->pendingOutbox(0, 10);
  ASSERT_EQ(rest.size(), 3U);
  EXPECT_EQ(rest[0].seq, 1);
  EXPECT_EQ(rest[1].seq, 3);
  EXPECT_EQ(rest[2].seq, 4);
  EXPECT_EQ(store->pendingOutbox(3, 10)->size(), 1U);
}

TEST(Outbox, AReservationTakesADurableSeqWithoutQueueing) {
  testing::TempDir dir;
  std::int64_t status_seq = 0;
  {
    auto store = openAt(dir.file("c.db"));
    auto taken = store->reserve();
    ASSERT_TRUE(taken.ok());
    status_seq = taken->seq;
    EXPECT_EQ(taken->id.size(), 36U);
    ASSERT_TRUE(store->commit().ok());
    EXPECT_TRUE(store->pendingOutbox(0, 10)->empty());
  }
  auto store = openAt(dir.file("c.db"));
  auto m = store->enqueue(wire::Kind::kFaults, kVin, 2, "{}");
  ASSERT_TRUE(m.ok());
  EXPECT_GT(m->seq, status_seq);
}

TEST(Outbox, PriorityOrderMatchesTheContract) {
  using wire::Kind;
  auto priority = [](Kind k) { return wire::spec(k).priority; };
  EXPECT_EQ(priority(Kind::kCmdResult), Priority::kHigh);
  EXPECT_EQ(priority(Kind::kPrompts), Priority::kHigh);
  EXPECT_EQ(priority(Kind::kServiceRequest), Priority::kHigh);
  EXPECT_EQ(priority(Kind::kFaults), Priority::kHigh);
  EXPECT_EQ(priority(Kind::kHealthReport), Priority::kMedium);
  EXPECT_EQ(priority(Kind::kChargeSession), Priority::kMedium);
  EXPECT_EQ(priority(Kind::kTelemetryDaily), Priority::kLow);
}

TEST(Outbox, EveryKindIsFoundByItsTopic) {
  for (const auto& k : wire::kKinds) {
    EXPECT_EQ(wire::kindFromTopic(k.topic), k.kind) << k.topic;
  }
  EXPECT_FALSE(wire::kindFromTopic("telemetry").has_value());
}

TEST(Outbox, ACorruptMetaValueIsAnErrorNotACrash) {
  testing::TempDir dir;
  auto store = openAt(dir.file("c.db"));
  ASSERT_TRUE(store->setMeta("outbox_dropped", "12abc").ok());
  ASSERT_TRUE(store->commit().ok());
  auto v = store->metaInt("outbox_dropped");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, StoreError::kCorrupt);
  EXPECT_NE(v.error().message.find("outbox_dropped"), std::string::npos);
  EXPECT_EQ(store->stats().outbox_dropped, -1);  // unknown, not zero
  EXPECT_FALSE(store->metaInt("absent")->has_value());
}

TEST(Outbox, ACorruptSeqHighWaterMarkResumesAboveEverySeqIssued) {
  testing::TempDir dir;
  std::int64_t status_seq_floor = 0;
  {
    auto store = openAt(dir.file("c.db"));
    for (int i = 0; i < 5; ++i) {
      auto m = store->enqueue(wire::Kind::kFaults, kVin, i, "{}");
      ASSERT_TRUE(m.ok());
      status_seq_floor = m->seq;
    }
    ASSERT_TRUE(store->commit().ok());
  }
  {
    // commit() writes next_seq itself: corrupt it behind the store's back.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir.file("c.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "UPDATE meta SET value = 'x' WHERE key = 'next_seq'", nullptr,
                           nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  StoreOptions o;
  o.path = dir.file("c.db");
  auto reopened = Store::open(o);
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  auto m = (*reopened)->enqueue(wire::Kind::kFaults, kVin, 3, "{}");
  ASSERT_TRUE(m.ok());
  // Above the queued messages and every seq counted before: the mark file
  // beside the cache knows them (seq_mark_test.cpp: without it too).
  EXPECT_GT(m->seq, status_seq_floor);
}

}  // namespace
}  // namespace crm::store
