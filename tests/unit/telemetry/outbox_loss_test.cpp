// A long broker outage on a real SQLite file: the quota fills, the lowest
// priority goes first (oldest first), the highest survives; at reconnect the
// stale messages are dropped unsent; and telemetry/daily reports the loss.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "crm/store/outbox_losses.h"
#include "crm/telemetry/daily.h"
#include "crm/testing/temp_dir.h"
#include "crm/vehicle/signals.h"

namespace crm::telemetry {
namespace {

namespace sig = vehicle::sig;
using nlohmann::json;
constexpr std::int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr std::int64_t kDay = 86'400'000;
constexpr char kVin[] = "LRW3E7EK5NC000001";
constexpr int kDays = 40;

std::string padded(std::size_t bytes) {
  return json{{"pad", std::string(bytes, 'x')}}.dump();
}

TEST(OutboxLoss, ALongOutageLosesTheLowestPriorityFirstAndTheDailyMessageSaysSo) {
  testing::TempDir dir;
  store::StoreOptions o;
  o.path = dir.file("c.db");
  o.quota_bytes = 1024 * 1024;
  o.full_sync = false;
  auto store = std::move(store::Store::open(o)).value();

  // Forty days without a broker: a sample every five minutes of three
  // signals, and each day a large daily message (low), a charge session
  // (medium) and a small cmd-result (high). Nothing is acknowledged. The
  // daily messages alone outgrow the quota; the others fit in it.
  std::vector<std::int64_t> low, medium, high;
  const vehicle::SignalId signals[] = {sig::kSpeed, sig::kSocCurrent, sig::kPackVoltage};
  for (int day = 0; day < kDays; ++day) {
    for (int i = 0; i < 288; ++i) {
      const std::int64_t ts = kT0 + day * kDay + i * 300'000;
      ASSERT_TRUE(store->addSample({ts, signals[i % 3], double((i * 7 + day) % 90), 0}).ok());
      if (i % 96 == 95) {
        ASSERT_TRUE(store->commit().ok());
      }
    }
    const std::int64_t end = kT0 + (day + 1) * kDay - 1;
    low.push_back(store->enqueue(wire::Kind::kTelemetryDaily, kVin, end, padded(20000))->seq);
    medium.push_back(store->enqueue(wire::Kind::kChargeSession, kVin, end, padded(2000))->seq);
    high.push_back(store->enqueue(wire::Kind::kCmdResult, kVin, end, padded(300))->seq);
    ASSERT_TRUE(store->commit().ok());
  }
  EXPECT_LE(store->stats().file_bytes, o.quota_bytes);

  std::set<std::int64_t> waiting;
  for (const auto& m : store->pendingOutbox(0, 1000).value()) waiting.insert(m.seq);
  auto kept = [&](const std::vector<std::int64_t>& seqs) {
    std::vector<std::int64_t> out;
    for (auto s : seqs) {
      if (waiting.contains(s)) out.push_back(s);
    }
    return out;
  };
  const auto low_kept = kept(low), medium_kept = kept(medium), high_kept = kept(high);
  // The highest priority survives whole; the lowest lost its oldest, and
  // the middle one lost nothing while any of the lowest was left.
  EXPECT_EQ(high_kept, high);
  ASSERT_LT(low_kept.size(), low.size());
  EXPECT_TRUE(std::equal(low_kept.begin(), low_kept.end(), low.end() - low_kept.size()))
      << "the newest daily messages are the ones kept";
  if (!low_kept.empty()) {
    EXPECT_EQ(medium_kept, medium);
  }
  const auto dropped_low = static_cast<std::int64_t>(low.size() - low_kept.size());
  const auto dropped_medium = static_cast<std::int64_t>(medium.size() - medium_kept.size());

  // The broker is back a day after the last message: the sender's clock
  // says which cmd-results (7 days) went stale; they are never offered.
  const std::int64_t now = kT0 + (kDays + 1) * kDay;
  std::int64_t fresh_results = 0;
  for (const auto& m : store->pendingOutbox(0, 1000, now).value()) {
    EXPECT_TRUE(m.expires_ms == 0 || m.expires_ms > now) << m.kind << " " << m.seq;
    if (m.kind == "cmd-result") ++fresh_results;
  }
  EXPECT_EQ(fresh_results, 6);  // days 34..39 end less than 7 days before now
  ASSERT_TRUE(store->commit().ok());
  const std::int64_t expired = kDays - fresh_results;

  // The next daily message, built after the drops, carries them all.
  const auto body = json::parse(dailyBody(*store, kT0 + (kDays - 1) * kDay).value().value());
  const json& lost = body.at("outbox_lost");
  EXPECT_EQ(lost["quota"], dropped_low + dropped_medium);
  EXPECT_EQ(lost["expired"], expired);
  EXPECT_EQ(lost["by_kind"]["telemetry/daily"]["quota"], dropped_low);
  EXPECT_EQ(lost["by_kind"]["cmd-result"], json({{"quota", 0}, {"expired", expired}}));
  EXPECT_EQ(store->stats().outbox_dropped, dropped_low + dropped_medium);
}

TEST(OutboxLoss, ADailyMessageWithoutLossesSaysZero) {
  testing::TempDir dir;
  store::StoreOptions o;
  o.path = dir.file("c.db");
  auto store = std::move(store::Store::open(o)).value();
  ASSERT_TRUE(store->addSample({kT0, sig::kSpeed, 1.0, 0}).ok());
  ASSERT_TRUE(store->commit().ok());
  const auto body = json::parse(dailyBody(*store, kT0).value().value());
  EXPECT_EQ(body["outbox_lost"], json({{"quota", 0}, {"expired", 0}, {"by_kind", json::object()}}));
}

}  // namespace
}  // namespace crm::telemetry
