// The publisher against a real mosquitto: order, envelope, acknowledgement,
// broker outages.
#include "crm/sync/publisher.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "crm/testing/broker.h"
#include "crm/testing/fault_vfs.h"
#include "crm/testing/temp_store.h"

namespace crm::sync {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
constexpr char kVin[] = "LRW3E7EK5NC000001";

class PublisherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::mosquittoPath().empty()) GTEST_SKIP() << "mosquitto not installed";
    vfs_ = &testing::FaultVfs::install();  // passes everything through until told
    store_ = testing::openTestStore(dir_.file("c.db"));
    ASSERT_NE(store_, nullptr);
    cfg_.broker = broker_.uri();
    cfg_.client_id = "agent-under-test";
    cfg_.reconnect_min_ms = 100;
    cfg_.reconnect_max_ms = 400;
    cfg_.max_inflight = 5;
  }

  void enqueue(int n) {
    for (int i = 0; i < n; ++i) {
      ++next_;
      ASSERT_TRUE(store_
                      ->enqueue(wire::Kind::kTelemetryDaily, kVin, next_,
                                "{\"n\":" + std::to_string(next_) + "}")
                      .ok());
    }
    ASSERT_TRUE(store_->commit().ok());
  }

  // Runs the loop, committing acks, until `done()` or the timeout.
  void runUntil(const std::function<bool()>& done, milliseconds timeout) {
    boost::asio::steady_timer tick(io_);
    const auto end = std::chrono::steady_clock::now() + timeout;
    std::function<void()> poll = [&] {
      (void)store_->commit();
      if (done() || std::chrono::steady_clock::now() > end) {
        io_.stop();
        return;
      }
      tick.expires_after(milliseconds(20));
      tick.async_wait([&](auto) { poll(); });
    };
    poll();
    io_.restart();
    io_.run();
  }

  std::vector<json> telemetry(const testing::Collector& c) {
    std::vector<json> out;
    for (const auto& m : c.messages()) {
      if (m.topic == std::string("crm/v1/vehicles/") + kVin + "/telemetry/daily") {
        out.push_back(json::parse(m.payload));
      }
    }
    return out;
  }

  testing::TempDir dir_;
  testing::FaultVfs* vfs_ = nullptr;
  testing::Broker broker_;
  boost::asio::io_context io_;
  std::unique_ptr<store::Store> store_;
  sync::MqttOptions cfg_;
  os::SystemClock clock_;
  int next_ = 0;
};

TEST_F(PublisherTest, MessagesArriveInOrderWithTheEnvelopeAndLeaveTheOutbox) {
  ASSERT_TRUE(broker_.start());
  testing::Collector collector(broker_.uri(), "crm/v1/vehicles/#");
  ASSERT_TRUE(collector.connected());
  enqueue(50);
  Publisher pub(io_, *store_, clock_, cfg_, kVin);
  pub.start();
  runUntil([&] { return telemetry(collector).size() >= 50 && pub.stats().published >= 50; },
           milliseconds(15000));

  auto got = telemetry(collector);
  ASSERT_EQ(got.size(), 50U);
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i]["schema"], "crm.v1.telemetry.daily");
    EXPECT_EQ(got[i]["vin"], kVin);
    EXPECT_EQ(got[i]["id"].get<std::string>().size(), 36U);
    if (i > 0) {
      EXPECT_GT(got[i]["seq"].get<std::int64_t>(), got[i - 1]["seq"].get<std::int64_t>());
    }
  }
  EXPECT_TRUE(store_->pendingOutbox(0, 100).value().empty());
}

TEST_F(PublisherTest, StatusIsOnlineRetainedThenOfflineAtCleanStop) {
  ASSERT_TRUE(broker_.start());
  {
    Publisher pub(io_, *store_, clock_, cfg_, kVin);
    pub.start();
    runUntil([&] { return pub.stats().connected; }, milliseconds(5000));
    ASSERT_TRUE(pub.stats().connected);
    bool stopped = false;
    pub.stop(milliseconds(3000), [&] { stopped = true; });
    runUntil([&] { return stopped; }, milliseconds(5000));
    ASSERT_TRUE(stopped);
  }
  // A late subscriber gets the retained status: the last word was "offline".
  testing::Collector late(broker_.uri(), std::string("crm/v1/vehicles/") + kVin + "/status");
  ASSERT_TRUE(late.waitFor([](const auto& m) { return !m.empty(); }, milliseconds(3000)));
  auto status = json::parse(late.messages().back().payload);
  EXPECT_TRUE(late.messages().back().retained);
  EXPECT_EQ(status["schema"], "crm.v1.status");
  EXPECT_EQ(status["body"]["state"], "offline");
}

// The disk fills while the agent holds 25 messages: it still connects (the
// last will needs no store write), sends all 25, and says "offline" at stop;
// when space returns the acknowledgements and new messages are committed.
TEST_F(PublisherTest, AFullDiskStillConnectsWithALastWillAndDrainsTheOutbox) {
  ASSERT_TRUE(broker_.start());
  testing::Collector collector(broker_.uri(), "crm/v1/vehicles/#");
  ASSERT_TRUE(collector.connected());
  enqueue(25);
  {
    testing::DiskFull full(*vfs_);
    Publisher pub(io_, *store_, clock_, cfg_, kVin);
    pub.start();
    runUntil([&] { return telemetry(collector).size() >= 25 && pub.stats().published >= 25; },
             milliseconds(15000));
    EXPECT_EQ(telemetry(collector).size(), 25U);
    EXPECT_EQ(pub.stats().published, 25U);
    EXPECT_EQ(pub.stats().connects, 1U);
    bool stopped = false;
    pub.stop(milliseconds(3000), [&] { stopped = true; });
    runUntil([&] { return stopped; }, milliseconds(5000));
    EXPECT_TRUE(stopped);
  }
  testing::Collector late(broker_.uri(), std::string("crm/v1/vehicles/") + kVin + "/status");
  ASSERT_TRUE(late.waitFor([](const auto& m) { return !m.empty(); }, milliseconds(3000)));
  EXPECT_EQ(json::parse(late.messages().back().payload)["body"]["state"], "offline");
  // Space is back: new messages are committed and sent; nothing committed
  // was lost, and every seq the broker saw is distinct per id.
  enqueue(5);
  Publisher pub(io_, *store_, clock_, cfg_, kVin);
  pub.start();
  runUntil([&] { return store_->pendingOutbox(0, 100).value().empty(); }, milliseconds(15000));
  EXPECT_TRUE(store_->pendingOutbox(0, 100).value().empty());
  std::map<std::int64_t, std::string> id_of_seq;
  for (const auto& m : collector.messages()) {
    auto p = json::parse(m.payload);
    auto [it, fresh] = id_of_seq.emplace(p["seq"].get<std::int64_t>(), p["id"].get<std::string>());
    EXPECT_EQ(it->second, p["id"].get<std::string>());
  }
  EXPECT_GE(telemetry(collector).size(), 30U);
}

TEST_F(PublisherTest, BrokerDownAtStartThenUpDrainsTheBacklog) {
  enqueue(20);
  Publisher pub(io_, *store_, clock_, cfg_, kVin);
  pub.start();
  runUntil([] { return false; }, milliseconds(1000));  // several failed attempts
  EXPECT_GE(pub.stats().connect_failures, 2U);
  EXPECT_EQ(store_->pendingOutbox(0, 100).value().size(), 20U);

  ASSERT_TRUE(broker_.start());
  testing::Collector collector(broker_.uri(), "crm/v1/vehicles/#");
  runUntil([&] { return telemetry(collector).size() >= 20; }, milliseconds(10000));
  EXPECT_EQ(telemetry(collector).size(), 20U);

  // The refused attempts took no seq of their own: with the "online" status
  // and the will it names, the seqs the CRM can know of have no hole.
  testing::Collector late(broker_.uri(), std::string("crm/v1/vehicles/") + kVin + "/status");
  ASSERT_TRUE(late.waitFor([](const auto& m) { return !m.empty(); }, milliseconds(5000)));
  const auto online = json::parse(late.messages().back().payload);
  ASSERT_EQ(online["body"]["state"], "online");
  std::set<std::int64_t> known{online["seq"].get<std::int64_t>(),
                               online["body"]["will_seq"].get<std::int64_t>()};
  for (const auto& m : telemetry(collector)) known.insert(m["seq"].get<std::int64_t>());
  EXPECT_EQ(*known.begin(), 1);
  EXPECT_EQ(*known.rbegin(), static_cast<std::int64_t>(known.size()))
      << "a seq no message and no will_seq accounts for";
}

TEST_F(PublisherTest, RetryNowCutsALongBackoffShortAndRecordsTheLastAck) {
  enqueue(3);
  // A backoff far longer than the test: only retryNow() can connect in time.
  cfg_.reconnect_min_ms = 60000;
  cfg_.reconnect_max_ms = 60000;
  Publisher pub(io_, *store_, clock_, cfg_, kVin);
  pub.start();
  runUntil([&] { return pub.stats().connect_failures >= 1; }, milliseconds(5000));
  ASSERT_GE(pub.stats().connect_failures, 1U);
  EXPECT_FALSE(pub.stats().last_ack_ms.has_value());

  ASSERT_TRUE(broker_.start());
  const std::int64_t asked = clock_.nowMs();
  pub.retryNow();
  runUntil([&] { return pub.stats().published >= 3; }, milliseconds(5000));
  EXPECT_TRUE(pub.stats().connected);
  EXPECT_EQ(pub.stats().published, 3U);
  ASSERT_TRUE(pub.stats().last_ack_ms.has_value());
  EXPECT_GE(*pub.stats().last_ack_ms, asked);
  EXPECT_LE(*pub.stats().last_ack_ms, clock_.nowMs());
  // Connected: retryNow() is a kick, nothing more.
  pub.retryNow();
  EXPECT_TRUE(pub.stats().connected);
}

TEST_F(PublisherTest, BrokerOutageLosesNothingAndDuplicatesAreResendsOfTheSameId) {
  ASSERT_TRUE(broker_.start());
  testing::Collector collector(broker_.uri(), "crm/v1/vehicles/#");
  ASSERT_TRUE(collector.connected());
  Publisher pub(io_, *store_, clock_, cfg_, kVin);
  pub.start();
  enqueue(30);
  runUntil([&] { return telemetry(collector).size() >= 30; }, milliseconds(10000));

  broker_.stop();
  enqueue(30);  // produced while the broker is away
  runUntil([] { return false; }, milliseconds(500));
  ASSERT_TRUE(broker_.start());
  runUntil(
      [&] {
        return store_->pendingOutbox(0, 100).value().empty() && telemetry(collector).size() >= 60;
      },
      milliseconds(15000));

  std::map<std::int64_t, std::string> id_of_seq;
  for (const auto& m : telemetry(collector)) {
    auto [it, fresh] = id_of_seq.emplace(m["seq"].get<std::int64_t>(), m["id"].get<std::string>());
    if (!fresh) {
      EXPECT_EQ(it->second, m["id"].get<std::string>()) << "seq reused with another id";
    }
  }
  EXPECT_EQ(id_of_seq.size(), 60U);  // every message arrived at least once
  EXPECT_TRUE(store_->pendingOutbox(0, 100).value().empty());
  EXPECT_GE(pub.stats().connects, 2U);
}

}  // namespace
}  // namespace crm::sync
