// Offline mode over a cache the simulated car filled, still open in its
// store (its WAL present, as when copied from a running car): the answers
// are the diagnostics' own, marked offline; a report can be made from the
// copy; operations that need the daemon are refused; and not a byte of the
// source database or its WAL changes through any of it.
#include <gtest/gtest.h>

#include <filesystem>

#include "crm/testing/temp_dir.h"
#include "offline_source.h"
#include "sim_cache.h"

namespace crm::ctl {
namespace {

namespace fs = std::filesystem;
using diagnostics::testing::sharedCache;
using nlohmann::json;

std::string bytesOf(const std::string& path) {
  return fs::exists(path) ? testing::readFile(path) : std::string();
}

class Offline : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(sharedCache().store, nullptr);
    db_ = sharedCache().config.storage.path;
    ASSERT_TRUE(fs::exists(db_ + "-wal"));
    db_bytes_ = bytesOf(db_);
    wal_bytes_ = bytesOf(db_ + "-wal");
  }
  void expectSourceUnchanged() {
    EXPECT_TRUE(bytesOf(db_) == db_bytes_) << "the database changed";
    EXPECT_TRUE(bytesOf(db_ + "-wal") == wal_bytes_) << "the WAL changed";
  }
  std::string db_, db_bytes_, wal_bytes_;
};

TEST_F(Offline, AnswersAreTheDiagnosticsOwnMarkedOffline) {
  {
    auto source = openOffline(db_, sharedCache().config);
    ASSERT_TRUE(source.ok()) << source.error().message;
    auto status = (*source)->data("status");
    ASSERT_TRUE(status.ok()) << status.error().message;
    EXPECT_EQ((*status)["source"], "offline");
    EXPECT_TRUE((*status)["uptime_s"].is_null());
    EXPECT_TRUE((*status)["sync"]["connected"].is_null());
    EXPECT_EQ((*status)["vehicle"]["vin"], diagnostics::testing::kVin);

    // The same figures as the diagnostics give over the original store.
    const auto original = sharedCache().offline(0);
    for (const char* id : {"battery-health", "charging-habits", "mileage"}) {
      auto copy = (*source)->data(id);
      ASSERT_TRUE(copy.ok()) << id;
      auto direct = diagnostics::readData(id, original);
      ASSERT_TRUE(direct.ok() && direct->has_value()) << id;
      EXPECT_EQ(*copy, **direct) << id;
    }
    auto faults = (*source)->faults(FaultQuery{true, "P0"});
    ASSERT_TRUE(faults.ok());
    ASSERT_EQ((*faults)["items"].size(), 1u) << faults->dump();
    EXPECT_EQ((*faults)["items"][0]["code"], "P0A80");
    EXPECT_EQ((*source)->data("no-such-item").error().code, CtlError::kUsage);
  }
  expectSourceUnchanged();
}

TEST_F(Offline, AReportIsMadeFromTheCopyOnly) {
  {
    auto source = openOffline(db_, sharedCache().config);
    ASSERT_TRUE(source.ok()) << source.error().message;
    auto exec = (*source)->startOperation("generate-report", json::object());
    ASSERT_TRUE(exec.ok()) << exec.error().message;
    EXPECT_EQ((*exec)["status"], "completed");
    EXPECT_EQ((*exec)["operation"], "generate-report");
    EXPECT_TRUE((*exec)["result"]["report_id"].is_number_integer());
    EXPECT_EQ((*exec)["result"]["report"]["vehicle"]["vin"], diagnostics::testing::kVin);
    auto again = (*source)->execution("generate-report", (*exec)["id"].get<std::string>());
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *exec);
    auto page = (*source)->latestReportHtml();
    ASSERT_TRUE(page.ok()) << page.error().message;
    EXPECT_NE(page->find("<html"), std::string::npos);
  }
  expectSourceUnchanged();
}

TEST_F(Offline, OperationsThatNeedTheDaemonAreUsageErrors) {
  auto source = openOffline(db_, sharedCache().config);
  ASSERT_TRUE(source.ok());
  for (const char* op : {"sync-now", "erase-personal-data"}) {
    auto exec = (*source)->startOperation(op, json::object());
    ASSERT_FALSE(exec.ok()) << op;
    EXPECT_EQ(exitCode(exec.error().code), 2) << op;
    EXPECT_NE(exec.error().message.find("needs the running daemon"), std::string::npos);
  }
}

TEST_F(Offline, ExportReadsTheCopyWithTheConsentUnknown) {
  {
    auto source = openOffline(db_, sharedCache().config);
    ASSERT_TRUE(source.ok());
    auto exec = (*source)->startOperation("export-data", json::object());
    ASSERT_TRUE(exec.ok()) << exec.error().message;
    EXPECT_EQ((*exec)["status"], "completed");
    const json& doc = (*exec)["result"];
    EXPECT_EQ(doc["schema"], "crm.v1.data-export");
    EXPECT_TRUE(doc["consent"].is_null());
    EXPECT_FALSE(doc["trips"].empty());
  }
  expectSourceUnchanged();
}

TEST(OfflineFile, ADamagedCacheIsABadFileAndIsLeftAlone) {
  testing::TempDir dir;
  // A SQLite header over garbage: looks like a database, is not one.
  std::string bytes = "SQLite format 3";
  bytes.push_back('\0');
  bytes += std::string(8192, '\x5a');
  testing::writeFile(dir.file("cache.db"), bytes);
  auto source = openOffline(dir.file("cache.db"), config::Config{});
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(exitCode(source.error().code), 2);
  EXPECT_NE(source.error().message.find(dir.file("cache.db")), std::string::npos);
  EXPECT_EQ(testing::readFile(dir.file("cache.db")), bytes);
}

}  // namespace
}  // namespace crm::ctl
