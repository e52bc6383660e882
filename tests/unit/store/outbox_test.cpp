#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

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

TEST(Outbox, EnqueuedMessageCarriesTheEnvelope) {
  testing::TempDir dir;
  auto store = openAt(dir.file("c.db"));
  auto m = store->enqueue("telemetry/daily", kVin, 1234, R"({"distance_km":12.5})");
  ASSERT_TRUE(m.ok());
  auto j = json::parse(m->payload);
  EXPECT_EQ(j["schema"], "crm.v1.telemetry.daily");
  EXPECT_EQ(j["id"].get<std::string>().size(), 36U);
  EXPECT_EQ(j["id"].get<std::string>()[14], '4');  // uuid version 4
  EXPECT_EQ(j["seq"], 1);
  EXPECT_EQ(j["vin"], kVin);
  EXPECT_EQ(j["ts"], 1234);
  EXPECT_EQ(j["body"]["distance_km"], 12.5);
}

TEST(Outbox, UncommittedMessagesAreNotOfferedForPublishing) {
  testing::TempDir dir;
  auto store = openAt(dir.file("c.db"));
  ASSERT_TRUE(store->enqueue("faults", kVin, 1, "{}").ok());
  EXPECT_TRUE(store->pendingOutbox(0, 10).empty());
  ASSERT_TRUE(store->commit().ok());
  EXPECT_EQ(store->pendingOutbox(0, 10).size(), 1U);
}

TEST(Outbox, SeqNeverRepeatsAcrossRestartsEvenWhenAcked) {
  testing::TempDir dir;
  std::set<std::int64_t> seen;
  for (int run = 0; run < 3; ++run) {
    auto store = openAt(dir.file("c.db"));
    for (int i = 0; i < 5; ++i) {
      auto m = store->enqueue("telemetry/daily", kVin, i, "{}");
      ASSERT_TRUE(m.ok());
      EXPECT_TRUE(seen.insert(m->seq).second) << "seq " << m->seq << " reused";
    }
    ASSERT_TRUE(store->commit().ok());
    for (const auto& m : store->pendingOutbox(0, 100)) store->ackOutbox(m.seq);
    ASSERT_TRUE(store->commit().ok());
  }
  EXPECT_EQ(seen.size(), 15U);
}

TEST(Outbox, AckedMessagesLeaveOthersStayInOrder) {
  testing::TempDir dir;
  auto store = openAt(dir.file("c.db"));
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(store->enqueue("prompts", kVin, i, "{}").ok());
  ASSERT_TRUE(store->commit().ok());
  store->ackOutbox(2);
  ASSERT_TRUE(store->commit().ok());
  auto rest = store->pendingOutbox(0, 10);
  ASSERT_EQ(rest.size(), 3U);
  EXPECT_EQ(rest[0].seq, 1);
  EXPECT_EQ(rest[1].seq, 3);
  EXPECT_EQ(rest[2].seq, 4);
  EXPECT_EQ(store->pendingOutbox(3, 10).size(), 1U);
}

TEST(Outbox, StatusEnvelopeTakesADurableSeqWithoutQueueing) {
  testing::TempDir dir;
  std::int64_t status_seq = 0;
  {
    auto store = openAt(dir.file("c.db"));
    auto env = store->envelope("status", kVin, 1, R"({"state":"offline"})");
    ASSERT_TRUE(env.ok());
    status_seq = env->seq;
    EXPECT_TRUE(env->retain);
    ASSERT_TRUE(store->commit().ok());
    EXPECT_TRUE(store->pendingOutbox(0, 10).empty());
  }
  auto store = openAt(dir.file("c.db"));
  auto m = store->enqueue("faults", kVin, 2, "{}");
  ASSERT_TRUE(m.ok());
  EXPECT_GT(m->seq, status_seq);
}

TEST(Outbox, PriorityOrderMatchesTheContract) {
  EXPECT_EQ(priorityFor("cmd-result"), Priority::kHigh);
  EXPECT_EQ(priorityFor("faults"), Priority::kHigh);
  EXPECT_EQ(priorityFor("health-report"), Priority::kMedium);
  EXPECT_EQ(priorityFor("telemetry/charge-session"), Priority::kMedium);
  EXPECT_EQ(priorityFor("telemetry/daily"), Priority::kLow);
}

}  // namespace
}  // namespace crm::store
