// The publisher's command subscription against a real mosquitto: commands
// reach the handler on the loop, and again after the broker comes back.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "crm/sync/publisher.h"
#include "crm/testing/broker.h"
#include "crm/testing/temp_store.h"

namespace crm::sync {
namespace {

using std::chrono::milliseconds;
constexpr char kVin[] = "LRW3E7EK5NC000001";
const std::string kCmd = std::string("crm/v1/vehicles/") + kVin + "/cmd/";

class CommandSubscriptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::mosquittoPath().empty()) GTEST_SKIP() << "mosquitto not installed";
    store_ = testing::openTestStore(dir_.file("c.db"));
    ASSERT_NE(store_, nullptr);
    cfg_.broker = broker_.uri();
    cfg_.client_id = "agent-under-test";
    cfg_.reconnect_min_ms = 100;
    cfg_.reconnect_max_ms = 400;
  }

  // Runs the loop until `done()` or the timeout, publishing `payload` to
  // cmd/`name` every 200 ms meanwhile (the subscription may still be on
  // its way).
  bool sendUntil(const std::string& name, const std::string& payload,
                 const std::function<bool()>& done, milliseconds timeout) {
    mqtt::async_client crm(broker_.uri(), "crm-under-test");
    crm.connect()->wait_for(std::chrono::seconds(5));
    boost::asio::steady_timer tick(io_);
    const auto end = std::chrono::steady_clock::now() + timeout;
    int n = 0;
    std::function<void()> poll = [&] {
      (void)store_->commit();
      if (done() || std::chrono::steady_clock::now() > end) {
        io_.stop();
        return;
      }
      if (n++ % 10 == 0 && crm.is_connected()) crm.publish(kCmd + name, payload, 1, false);
      tick.expires_after(milliseconds(20));
      tick.async_wait([&](auto) { poll(); });
    };
    poll();
    io_.restart();
    io_.run();
    crm.disconnect()->wait_for(std::chrono::seconds(2));
    return done();
  }

  testing::TempDir dir_;
  testing::Broker broker_;
  boost::asio::io_context io_;
  std::unique_ptr<store::Store> store_;
  sync::MqttOptions cfg_;
  os::SystemClock clock_;
};

TEST_F(CommandSubscriptionTest, CommandsReachTheHandlerBeforeAndAfterABrokerRestart) {
  ASSERT_TRUE(broker_.start());
  Publisher pub(io_, *store_, clock_, cfg_, kVin);
  std::vector<std::pair<std::string, std::string>> got;
  pub.onCommand([&](std::string name, std::string payload) {
    got.emplace_back(std::move(name), std::move(payload));
  });
  pub.start();
  ASSERT_TRUE(sendUntil(
      "report-request", "first", [&] { return !got.empty(); }, milliseconds(10000)));
  EXPECT_EQ(got.front(), (std::pair<std::string, std::string>{"report-request", "first"}));

  broker_.stop();
  ASSERT_TRUE(broker_.start());  // same port, a new broker: the agent subscribes again
  auto second = [&] {
    for (const auto& g : got) {
      if (g.second == "second") return true;
    }
    return false;
  };
  ASSERT_TRUE(sendUntil("service-record", "second", second, milliseconds(15000)))
      << "no command after the reconnect: not subscribed again";
  EXPECT_GE(pub.stats().connects, 2U);
  EXPECT_GE(pub.stats().commands_received, 2U);
}

TEST_F(CommandSubscriptionTest, ACommandSentWhileTheCarIsOfflineArrivesAtTheNextConnect) {
  ASSERT_TRUE(broker_.start());
  std::vector<std::string> got;
  {
    Publisher pub(io_, *store_, clock_, cfg_, kVin);
    pub.onCommand([&](std::string, std::string payload) { got.push_back(std::move(payload)); });
    pub.start();
    ASSERT_TRUE(sendUntil(
        "report-request", "online", [&] { return !got.empty(); }, milliseconds(10000)));
    bool stopped = false;
    pub.stop(milliseconds(2000), [&] { stopped = true; });
    io_.restart();
    io_.run_for(std::chrono::seconds(3));
    ASSERT_TRUE(stopped);
  }
  // The car is away: the CRM sends one command, once.
  {
    mqtt::async_client crm(broker_.uri(), "crm-under-test");
    crm.connect()->wait_for(std::chrono::seconds(5));
    ASSERT_TRUE(crm.publish(kCmd + "report-request", "while-away", 1, false)
                    ->wait_for(std::chrono::seconds(5)));
    crm.disconnect()->wait_for(std::chrono::seconds(2));
  }
  Publisher pub(io_, *store_, clock_, cfg_, kVin);
  pub.onCommand([&](std::string, std::string payload) { got.push_back(std::move(payload)); });
  pub.start();
  boost::asio::steady_timer tick(io_);
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::function<void()> poll = [&] {
    (void)store_->commit();
    if (got.back() == "while-away" || std::chrono::steady_clock::now() > end) {
      io_.stop();
      return;
    }
    tick.expires_after(milliseconds(20));
    tick.async_wait([&](auto) { poll(); });
  };
  poll();
  io_.restart();
  io_.run();
  EXPECT_EQ(got.back(), "while-away") << "the broker did not keep the command for the car";
}

}  // namespace
}  // namespace crm::sync
