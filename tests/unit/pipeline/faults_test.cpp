// The faults topic: one message when a DTC appears in the DTC list, one when
// it leaves it; the active set survives a restart.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "crm/pipeline/pipeline.h"
#include "crm/testing/temp_dir.h"
#include "crm/vehicle/signals.h"

namespace crm::pipeline {
namespace {

using nlohmann::json;
namespace sig = vehicle::sig;
constexpr std::int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr std::int64_t kMin = 60'000;
constexpr char kVin[] = "LRW3E7EK5NC000001";

struct Fault {
  std::int64_t ts;
  json body;
};

class FaultsTest : public ::testing::Test {
 protected:
  void SetUp() override { start(); }

  void start() {
    pipeline_.reset();
    store_.reset();
    store::StoreOptions o;
    o.path = dir_.file("c.db");
    o.full_sync = false;
    store_ = std::move(store::Store::open(o)).value();
    PipelineOptions p;
    p.vehicle.vin = kVin;
    pipeline_ = std::make_unique<Pipeline>(*store_, clock_, p);
  }

  void list(std::int64_t ts, std::vector<std::string> codes) {
    clock_.advanceTo(ts);
    ASSERT_TRUE(pipeline_->feed(vehicle::Sample{ts, sig::kDtcList, std::move(codes), 0}));
  }

  // The faults messages committed so far, in seq order; acknowledged, so
  // each call returns only the new ones.
  std::vector<Fault> faults() {
    EXPECT_TRUE(store_->commit().ok());
    std::vector<Fault> out;
    for (const auto& m : store_->pendingOutbox(0, 1000).value()) {
      if (m.kind == "faults") out.push_back({m.created_ms, json::parse(m.body)});
      EXPECT_TRUE(store_->ackOutbox(m.seq).ok());
    }
    EXPECT_TRUE(store_->commit().ok());
    return out;
  }

  static json body(const std::string& code, const std::string& state, std::int64_t first,
                   std::int64_t last) {
    return {{"code", code}, {"state", state}, {"first_seen", first}, {"last_seen", last}};
  }

  crm::testing::TempDir dir_;
  os::ManualClock clock_{kT0};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Pipeline> pipeline_;
};

TEST_F(FaultsTest, ACodeIsAnnouncedOnceWhenItAppearsAndOnceWhenItClears) {
  list(kT0, {});
  list(kT0 + 1 * kMin, {"P0A80"});
  list(kT0 + 2 * kMin, {"P0A80"});
  list(kT0 + 3 * kMin, {"U0100", "P0A80"});
  list(kT0 + 4 * kMin, {"U0100"});
  const auto got = faults();
  ASSERT_EQ(got.size(), 3U);
  EXPECT_EQ(got[0].ts, kT0 + 1 * kMin);
  EXPECT_EQ(got[0].body, body("P0A80", "active", kT0 + kMin, kT0 + kMin));
  EXPECT_EQ(got[1].ts, kT0 + 3 * kMin);
  EXPECT_EQ(got[1].body, body("U0100", "active", kT0 + 3 * kMin, kT0 + 3 * kMin));
  // Cleared by the list that no longer has it; last seen in the one before.
  EXPECT_EQ(got[2].ts, kT0 + 4 * kMin);
  EXPECT_EQ(got[2].body, body("P0A80", "cleared", kT0 + kMin, kT0 + 3 * kMin));
}

TEST_F(FaultsTest, ACodeThatReturnsStartsANewEpisode) {
  list(kT0, {"C1234"});
  list(kT0 + kMin, {});
  list(kT0 + 2 * kMin, {"C1234"});
  const auto got = faults();
  ASSERT_EQ(got.size(), 3U);
  EXPECT_EQ(got[2].body, body("C1234", "active", kT0 + 2 * kMin, kT0 + 2 * kMin));
  const auto active = store_->activeFaults().value();
  ASSERT_EQ(active.size(), 1U);
  EXPECT_EQ(active[0].first_seen, kT0 + 2 * kMin);
}

TEST_F(FaultsTest, ARestartNeitherAnnouncesAnActiveCodeAgainNorForgetsIt) {
  list(kT0, {"P0A80", "B1000"});
  list(kT0 + kMin, {"P0A80", "B1000"});
  ASSERT_EQ(faults().size(), 2U);
  start();  // the agent restarts on the same cache
  list(kT0 + 2 * kMin, {"P0A80"});
  list(kT0 + 3 * kMin, {"P0A80"});
  const auto got = faults();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].body, body("B1000", "cleared", kT0, kT0 + kMin));
  start();
  list(kT0 + 4 * kMin, {});
  const auto cleared = faults();
  ASSERT_EQ(cleared.size(), 1U);
  EXPECT_EQ(cleared[0].body, body("P0A80", "cleared", kT0, kT0 + 3 * kMin));
}

TEST_F(FaultsTest, AChangeUndoneWithItsBatchIsJudgedAgainAtTheNextList) {
  // What a lost batch does (a failed commit), in miniature: the savepoint
  // undoes the active code and its message together.
  ASSERT_TRUE(store_->beginUnit().ok());
  list(kT0, {"P0A80"});
  ASSERT_TRUE(store_->endUnit(false).ok());
  list(kT0 + kMin, {"P0A80"});
  const auto got = faults();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].body, body("P0A80", "active", kT0 + kMin, kT0 + kMin));
}

}  // namespace
}  // namespace crm::pipeline
