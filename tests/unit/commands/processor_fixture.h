// The command processor's test fixture: a real store, a context, and the
// check that a rejected command changes nothing but its cmd-result.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crm/commands/processor.h"
#include "crm/engagement/settings.h"
#include "crm/sync/envelope.h"
#include "crm/testing/temp_dir.h"
#include "crm/testing/temp_store.h"

namespace crm::commands::test {

using nlohmann::json;
inline constexpr char kVin[] = "LRW3E7EK5NC000001";
inline constexpr char kId[] = "123e4567-e89b-42d3-a456-426614174000";
inline constexpr std::int64_t kNow = 1767225600000 + 40LL * 86'400'000;  // 2026-02-10

struct Bad;

// Everything the store holds apart from the outbox and the seq counter:
// rows per table and the meta table's contents.
inline std::map<std::string, std::string> stateOf(const std::string& path) {
  std::map<std::string, std::string> out;
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  std::vector<std::string> tables;
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type='table'", -1, &s, nullptr);
  while (sqlite3_step(s) == SQLITE_ROW)
    tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
  sqlite3_finalize(s);
  for (const auto& t : tables) {
    if (t == "outbox") continue;
    const std::string sql = t == "meta" ? "SELECT group_concat(key || '=' || value) FROM meta "
                                          "WHERE key != 'next_seq'"
                                        : "SELECT count(*) FROM " + t;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr);
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
      out[t] = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return out;
}

class ProcessorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::openTestStore(dir_.file("c.db"));
    ASSERT_NE(store_, nullptr);
    processor_ = std::make_unique<Processor>(*store_);
    context_.vehicle.vin = kVin;
    context_.vehicle.model = "model-3-lr";
    context_.vehicle.delivered = "2025-03-01";
    context_.now_ms = kNow;
    context_.engagement = &settings_;
  }

  static json envelope(json body) {
    return {{"id", kId}, {"issued_at", kNow - 1000}, {"vin", kVin}, {"body", std::move(body)}};
  }
  static json serviceBody() {
    return {{"visit_date", "2026-02-09"},
            {"odometer_km", 12000.5},
            {"items", {"tire_rotation", "cabin_filter"}},
            {"dealer_id", "D-042"}};
  }

  Outcome send(const std::string& name, const std::string& payload) {
    auto o = processor_->handleMqtt(name, payload, context_);
    EXPECT_TRUE(store_->commit().ok());
    return o;
  }

  // The cmd-result bodies in the outbox, oldest first.
  std::vector<json> results() {
    std::vector<json> out;
    for (const auto& m : store_->pendingOutbox(0, 100).value()) {
      if (m.kind == "cmd-result") out.push_back(json::parse(sync::envelope(m))["body"]);
    }
    return out;
  }

  // One command accepted and committed, then `bad` sent: it must be
  // rejected with its reason and change nothing but its cmd-result.
  void expectRejectedWithoutChange(const Bad& bad);

  crm::testing::TempDir dir_;
  engagement::EngagementSettings settings_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Processor> processor_;
  Context context_;
};

struct Bad {
  const char* label;
  std::string name;
  std::string payload;
  std::string reason;  // a substring of the expected reason
};

inline void PrintTo(const Bad& b, std::ostream* os) {
  *os << b.label;
}

inline std::string withBody(json body) {
  return json{{"id", kId}, {"issued_at", kNow - 1000}, {"vin", kVin}, {"body", std::move(body)}}
      .dump();
}

inline void ProcessorTest::expectRejectedWithoutChange(const Bad& bad) {
  // Something to compare with: one applied command and its committed state.
  auto first = processor_->handleMqtt("service-record",
                                      json{{"id", "00000000-0000-4000-8000-000000000001"},
                                           {"issued_at", kNow - 1000},
                                           {"vin", kVin},
                                           {"body", serviceBody()}}
                                          .dump(),
                                      context_);
  ASSERT_EQ(first.status, CommandStatus::kOk);
  ASSERT_TRUE(store_->commit().ok());
  const auto before = stateOf(dir_.file("c.db"));
  const auto outbox_before = store_->stats().outbox_pending;

  const auto o = send(bad.name, bad.payload);

  EXPECT_EQ(o.status, CommandStatus::kRejected);
  EXPECT_NE(o.reason.find(bad.reason), std::string::npos) << o.reason;
  EXPECT_EQ(stateOf(dir_.file("c.db")), before);
  EXPECT_EQ(store_->stats().outbox_pending, outbox_before + 1);  // the cmd-result only
  const auto r = results();
  ASSERT_EQ(r.size(), 2U);
  EXPECT_EQ(r.back()["status"], "rejected");
  EXPECT_EQ(r.back()["command"], bad.name);
  EXPECT_EQ(r.back()["reason"], o.reason);
}

class RejectionTest : public ProcessorTest, public ::testing::WithParamInterface<Bad> {};

}  // namespace crm::commands::test
