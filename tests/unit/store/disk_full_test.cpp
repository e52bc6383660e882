// A full file system (a VFS that refuses writes, as one with no block left):
// the store says kFull and why, loses nothing committed, reuses no seq,
// keeps serving what it can (reads, the outbox, seq reservations for the
// status and the last will) and works again when space returns.
#include <gtest/gtest.h>

#include <set>

#include "crm/store/store.h"
#include "crm/testing/fault_vfs.h"
#include "crm/testing/temp_dir.h"

namespace crm::store {
namespace {

namespace sig = vehicle::sig;
constexpr std::int64_t kT0 = 1767225600000;
constexpr char kVin[] = "LRW3E7EK5NC000001";

class DiskFull : public ::testing::Test {
 protected:
  void SetUp() override {
    vfs_ = &testing::FaultVfs::install();
    StoreOptions o;
    o.path = dir_.file("c.db");
    auto s = Store::open(o);
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
  }
  void TearDown() override { vfs_->setFull(false); }

  // Some committed history: samples and queued messages.
  void commitSome(int n) {
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(store_->addSample({ts_ += 1000, sig::kSpeed, double(ts_ % 97), 0}).ok());
      auto m = store_->enqueue(wire::Kind::kFaults, kVin, ts_, "{}");
      ASSERT_TRUE(m.ok());
      seqs_.insert(m->seq);
    }
    ASSERT_TRUE(store_->commit().ok());
  }

  testing::TempDir dir_;
  testing::FaultVfs* vfs_ = nullptr;
  std::unique_ptr<Store> store_;
  std::int64_t ts_ = kT0;
  std::set<std::int64_t> seqs_;
};

TEST_F(DiskFull, ACommitOnAFullDiskFailsAsFullAndLosesNothingCommitted) {
  commitSome(20);
  {
    testing::DiskFull full(*vfs_);
    // Ingest stages in memory; the commit is what needs the disk.
    bool failed = false;
    for (int i = 0; i < 500 && !failed; ++i) {
      failed = !store_->addSample({ts_ += 1000, sig::kSpeed, double(i), 0}).ok();
    }
    auto st = store_->commit();
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, StoreError::kFull);
    EXPECT_NE(st.error().message.find("full"), std::string::npos) << st.error().message;
    EXPECT_EQ(st.error().message.find("no transaction is active"), std::string::npos);
    EXPECT_TRUE(store_->full());
    // A second try says the same, not "no transaction is active".
    (void)store_->addSample({ts_ += 1000, sig::kSpeed, 1.0, 0});
    auto again = store_->commit();
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, StoreError::kFull);

    // What was committed is still there to publish.
    auto pending = store_->pendingOutbox(0, 100);
    ASSERT_TRUE(pending.ok());
    EXPECT_EQ(pending->size(), 20U);
    // The status and the last will still get a durable seq.
    auto status = store_->reserve();
    ASSERT_TRUE(status.ok()) << status.error().message;
    EXPECT_FALSE(seqs_.contains(status->seq));
    seqs_.insert(status->seq);
  }
  // Space is back: the store works again without a restart.
  commitSome(5);
  EXPECT_FALSE(store_->full());
  auto pending = store_->pendingOutbox(0, 100);
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->size(), 25U);
  EXPECT_EQ(store_->stats().samples, 25);  // 20 + 5 committed; the lost batch was never promised
  for (const auto& m : *pending) ASSERT_TRUE(store_->ackOutbox(m.seq).ok());
  ASSERT_TRUE(store_->commit().ok());
  EXPECT_TRUE(store_->pendingOutbox(0, 100)->empty());
}

TEST_F(DiskFull, AcknowledgementsOnAFullDiskAreKeptForLaterNotLost) {
  commitSome(10);
  auto pending = store_->pendingOutbox(0, 100).value();
  {
    testing::DiskFull full(*vfs_);
    for (const auto& m : pending) (void)store_->ackOutbox(m.seq);
    auto st = store_->commit();
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, StoreError::kFull);
  }
  // The acks did not reach the file: the messages are sent again (same id,
  // the CRM drops the duplicate). Acknowledged now, they leave.
  EXPECT_EQ(store_->pendingOutbox(0, 100)->size(), 10U);
  for (const auto& m : pending) ASSERT_TRUE(store_->ackOutbox(m.seq).ok());
  ASSERT_TRUE(store_->commit().ok());
  EXPECT_TRUE(store_->pendingOutbox(0, 100)->empty());
}

TEST_F(DiskFull, NoSeqIsReusedAcrossAFullDiskAndARestart) {
  commitSome(5);
  {
    testing::DiskFull full(*vfs_);
    for (int i = 0; i < 5; ++i) {
      auto m = store_->enqueue(wire::Kind::kFaults, kVin, i, "{}");
      if (m) seqs_.insert(m->seq);  // staged, then lost with the batch
    }
    EXPECT_FALSE(store_->commit().ok());
    store_.reset();  // closing on a full disk: logged, nothing worse
  }
  StoreOptions o;
  o.path = dir_.file("c.db");
  auto reopened = Store::open(o);
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  auto m = (*reopened)->enqueue(wire::Kind::kFaults, kVin, 1, "{}");
  ASSERT_TRUE(m.ok());
  EXPECT_GT(m->seq, *seqs_.rbegin());
  EXPECT_EQ((*reopened)->pendingOutbox(0, 100)->size(), 5U);
}

}  // namespace
}  // namespace crm::store
