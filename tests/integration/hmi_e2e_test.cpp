// The driver's HMI end to end: the real crm-agent reading a recording of a
// parked car, a real mosquitto as the CRM's broker and a real headless
// Chromium on the agent's own page. The CRM sends a customer profile and a
// service campaign; the card shows in the driver's language and switches
// language; "Book" sends the prompt's step and a service request to the
// broker; a second campaign reaches the open page over the event stream, and
// "Later" hides it. Screenshots stay in CRM_SCREENSHOT_DIR (e2e-*.png).
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>

#include "cdp.h"
#include "crm/testing/broker.h"
#include "message_shape.h"
#include "process.h"

namespace crm::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using std::chrono::milliseconds;

constexpr char kVin[] = "LRW3E7EK5NC000077";
const std::string kRoot = std::string("crm/v1/vehicles/") + kVin;
constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kDay = 86'400'000;

std::string isoDate(std::int64_t ms) {
  const std::time_t t = ms / 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// A parked car over the hour up to `now`, a sample set every 10 minutes:
// the car's time (its newest sample) is the wall clock's, so commands issued
// now are judged on the same clock as the car's prompts.
std::string parkedHour(std::int64_t now) {
  std::string r;
  for (int i = 0; i <= 6; ++i) {
    const std::string ts = std::to_string(now - std::int64_t{6 - i} * 10 * kMinute);
    r += R"({"ts": )" + ts + R"(, "path": "Vehicle.IsMoving", "value": false})" + "\n";
    r += R"({"ts": )" + ts + R"(, "path": "Vehicle.Speed", "value": 0})" + "\n";
    r += R"({"ts": )" + ts +
         R"(, "path": "Vehicle.Powertrain.TractionBattery.StateOfCharge.Displayed", "value": )" +
         std::to_string(80 - i) + "}\n";
  }
  return r;
}

std::string q(const std::string& selector) {
  return "document.querySelector('" + selector + "')";
}

std::string card(std::int64_t id) {
  return ".card[data-prompt-id=\"" + std::to_string(id) + "\"]";
}

json campaignBody(const std::string& id, const std::string& kind, const std::string& severity,
                  json title, json message) {
  return {{"campaign_id", id},         {"kind", kind},       {"severity", severity},
          {"title", std::move(title)}, {"message", message}, {"valid_until", nowMs() + 7 * kDay}};
}

class HmiEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Browser::available()) GTEST_SKIP() << Browser::kChromium << " is not installed";
    if (mosquittoPath().empty()) GTEST_SKIP() << "mosquitto is not installed";
    ASSERT_TRUE(broker_.start());
    collector_ = std::make_unique<Collector>(broker_.uri(), kRoot + "/#");
    ASSERT_TRUE(collector_->connected());
    const std::int64_t now = nowMs();
    writeFile(dir_.file("parked.jsonl"), parkedHour(now));
    port_ = freePort();
    // No quiet hours and room in the daily cap: the test holds at any time
    // of day, whatever else the car finds worth saying.
    const json cfg = {
        {"vehicle",
         {{"vin", kVin}, {"utc_offset_minutes", 0}, {"delivered", isoDate(now - 60 * kDay)}}},
        {"source",
         {{"kind", "recording"}, {"recording", dir_.file("parked.jsonl")}, {"acceleration", 3600}}},
        {"storage", {{"path", dir_.file("cache.db")}, {"commit_interval_ms", 100}}},
        {"mqtt", {{"broker", broker_.uri()}, {"reconnect_min_ms", 100}, {"reconnect_max_ms", 500}}},
        {"privacy", {{"share_prompt_history", true}}},
        {"local_api", {{"address", "127.0.0.1"}, {"port", port_}}},
        {"engagement",
         {{"quiet_hours", {{"start", "00:00"}, {"end", "00:00"}}}, {"max_prompts_per_day", 20}}}};
    writeFile(dir_.file("agent.json"), cfg.dump());
    agent_ =
        std::make_unique<Process>(agentCommand({"--config", dir_.file("agent.json")}), dir_.path());
    // Online: the publisher is connected, and the HMI server came up before it.
    ASSERT_TRUE(waitFor(
        "status", [](const json&) { return true; }, milliseconds(10000)));
    crm_ = std::make_unique<mqtt::async_client>(broker_.uri(), "crm-test-e2e");
    ASSERT_TRUE(crm_->connect()->wait_for(std::chrono::seconds(5)));
    browser_ = std::make_unique<Browser>(dir_.file("profile"), 1280, 720);
    ASSERT_TRUE(browser_->ok()) << browser_->lastError();
  }

  void TearDown() override {
    if (crm_ && crm_->is_connected()) crm_->disconnect()->wait_for(std::chrono::seconds(2));
  }

  // The first message on {root}/`topic` whose body satisfies `pred`.
  template <class Pred>
  std::optional<json> waitFor(const std::string& topic, Pred pred, milliseconds timeout) {
    const std::string wanted = kRoot + "/" + topic;
    std::optional<json> found;
    collector_->waitFor(
        [&](const std::vector<Received>& all) {
          for (const auto& m : all) {
            if (m.topic != wanted) continue;
            auto message = json::parse(m.payload, nullptr, false);
            if (message.is_object() && pred(message["body"])) {
              found = std::move(message);
              return true;
            }
          }
          return false;
        },
        timeout);
    return found;
  }

  std::optional<json> promptStep(const std::string& rule, const std::string& event) {
    return waitFor(
        "prompts", [&](const json& b) { return b["rule"] == rule && b["event"] == event; },
        milliseconds(10000));
  }

  // Sends until answered: the command subscription follows the online
  // status, and a re-send with the same id is only ever a duplicate.
  json command(const std::string& name, const std::string& id, const json& body) {
    const std::string topic = kRoot + "/cmd/" + name;
    const std::string payload =
        json{{"id", id}, {"issued_at", nowMs()}, {"vin", kVin}, {"body", body}}.dump();
    for (int i = 0; i < 20; ++i) {
      crm_->publish(topic, payload, 1, false)->wait_for(std::chrono::seconds(5));
      auto result = waitFor(
          "cmd-result", [&](const json& b) { return b["command_id"] == id; }, milliseconds(500));
      if (result) return (*result)["body"];
    }
    return nullptr;
  }

  std::string text(const std::string& expression) {
    auto v = browser_->evaluate(expression);
    return v && v->is_string() ? v->get<std::string>() : "<" + browser_->lastError() + ">";
  }

  bool click(const std::string& selector) {
    return browser_->evaluate(q(selector) + ".click(), true").has_value();
  }

  // GET /hmi/v1/prompts as the page gets it.
  json listed() {
    return browser_->evaluate("fetch('/hmi/v1/prompts', {cache: 'no-store'}).then(r => r.json())")
        .value_or(json());
  }

  json listedIds() {
    json ids = json::array();
    for (const auto& p : listed().value("prompts", json::array())) ids.push_back(p["id"]);
    return ids;
  }

  void saveScreenshot(const std::string& name) {
    const std::string png = browser_->screenshot();
    ASSERT_GT(png.size(), 8u) << browser_->lastError();
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    fs::create_directories(CRM_SCREENSHOT_DIR);
    writeFile(std::string(CRM_SCREENSHOT_DIR) + "/" + name, png);
  }

  TempDir dir_;
  Broker broker_;
  int port_ = 0;
  std::unique_ptr<Collector> collector_;
  std::unique_ptr<Process> agent_;
  std::unique_ptr<mqtt::async_client> crm_;
  std::unique_ptr<Browser> browser_;
};

TEST_F(HmiEndToEnd, TheDriverBooksAndSnoozesWhatTheCrmSentOnTheLivePage) {
  const json profile = {{"tier", "middle"}, {"language", "zh-CN"}, {"dealer_id", "D-42"}};
  ASSERT_EQ(command("customer-profile", "5b1e0c3a-8d2f-4e6a-9c7b-000000000001", profile)["status"],
            "ok");
  const json title = {{"en", "Free brake check this month"}, {"zh-CN", "本月免费制动检查"}};
  const json message = {{"en", "Book a visit and we check the brakes for free."},
                        {"zh-CN", "预约到店，免费检查制动系统。"}};
  const auto service = campaignBody("svc-e2e-1", "service", "advisory", title, message);
  ASSERT_EQ(command("campaign", "5b1e0c3a-8d2f-4e6a-9c7b-000000000002", service)["status"], "ok");
  const auto delivered = promptStep("campaign.svc-e2e-1", "delivered");
  ASSERT_TRUE(delivered) << "the service campaign was never delivered";
  const std::int64_t booking = (*delivered)["body"]["prompt_id"];

  // The page starts in the driver's language, from the profile.
  ASSERT_TRUE(browser_->navigate("http://127.0.0.1:" + std::to_string(port_) + "/hmi/"));
  ASSERT_TRUE(browser_->waitUntil(q(card(booking)) + " !== null")) << browser_->lastError();
  ASSERT_TRUE(browser_->waitUntil("document.documentElement.lang === 'zh-CN'"));
  EXPECT_EQ(text(q(card(booking) + " h3") + ".textContent"), "本月免费制动检查");
  EXPECT_EQ(text(q(card(booking) + " button[data-action=\"accept\"]") + ".textContent"), "预约");
  saveScreenshot("e2e-zh-CN.png");
  ASSERT_TRUE(click("#lang-en"));
  EXPECT_EQ(text(q(card(booking) + " h3") + ".textContent"), "Free brake check this month");
  EXPECT_EQ(text(q(card(booking) + " p") + ".textContent"),
            "Book a visit and we check the brakes for free.");
  EXPECT_EQ(text(q(card(booking) + " .sev") + ".textContent"), "Advice");
  EXPECT_EQ(text(q(card(booking) + " button[data-action=\"accept\"]") + ".textContent"), "Book");
  saveScreenshot("e2e-en.png");
  ASSERT_TRUE(click("#lang-zh"));
  EXPECT_EQ(text(q(card(booking) + " p") + ".textContent"), "预约到店，免费检查制动系统。");

  // The list carries what the engine holds: the CRM's campaign, as delivered.
  const json list = listed();
  ASSERT_TRUE(list.is_object()) << browser_->lastError();
  EXPECT_EQ(list["language"], "zh-CN");
  json entry;
  for (const auto& p : list["prompts"]) {
    if (p["id"] == booking) entry = p;
  }
  ASSERT_TRUE(entry.is_object()) << list;
  EXPECT_EQ(entry["rule"], "campaign.svc-e2e-1");
  EXPECT_EQ(entry["severity"], "advisory");
  EXPECT_EQ(entry["booking"], true);
  EXPECT_EQ(entry["expires_ts"], service["valid_until"]);
  EXPECT_EQ(entry["delivered_ts"], (*delivered)["body"]["delivered_ts"]);
  EXPECT_EQ(entry["title"], title);

  // "Book": the step and the dealer's request at the broker, the card gone.
  ASSERT_TRUE(click(card(booking) + " button[data-action=\"accept\"]"));
  EXPECT_TRUE(browser_->waitUntil(q(card(booking)) + " === null"));
  const auto accepted = promptStep("campaign.svc-e2e-1", "accepted");
  ASSERT_TRUE(accepted) << "no accepted step at the broker";
  EXPECT_EQ((*accepted)["body"]["prompt_id"], booking);
  EXPECT_TRUE(matchesSchema(*accepted, "prompts.json"));
  const auto request = waitFor(
      "service-request", [&](const json& b) { return b["prompt_id"] == booking; },
      milliseconds(10000));
  ASSERT_TRUE(request) << "no service-request for prompt " << booking;
  EXPECT_TRUE(matchesSchema(*request, "service-request.json"));
  const json& asked = (*request)["body"];
  EXPECT_EQ(asked["rule"], "campaign.svc-e2e-1");
  EXPECT_EQ(asked["language"], "zh-CN");
  EXPECT_EQ(asked["dealer_id"], "D-42");
  EXPECT_EQ(asked["detail"]["offer"], "free_wash");  // the middle tier's extra
  const json after_booking = listedIds();
  ASSERT_TRUE(after_booking.is_array()) << browser_->lastError();
  EXPECT_EQ(std::count(after_booking.begin(), after_booking.end(), json(booking)), 0)
      << after_booking;

  // A second campaign reaches the page already open: no reload (the mark
  // stays), and before the page's once-a-minute fetch could have found it.
  ASSERT_TRUE(browser_->evaluate("window.e2eSamePage = true"));
  const auto offer = campaignBody(
      "offer-e2e-2", "offer", "advisory",
      {{"en", "Winter tyres: 10 % off"}, {"zh-CN", "冬季轮胎九折"}},
      {{"en", "Ask your dealer before 31 January."}, {"zh-CN", "1月31日前咨询经销商。"}});
  ASSERT_EQ(command("campaign", "5b1e0c3a-8d2f-4e6a-9c7b-000000000003", offer)["status"], "ok");
  const auto second = promptStep("campaign.offer-e2e-2", "delivered");
  ASSERT_TRUE(second) << "the offer was never delivered";
  const std::int64_t later = (*second)["body"]["prompt_id"];
  ASSERT_TRUE(browser_->waitUntil(q(card(later)) + " !== null")) << browser_->lastError();
  EXPECT_EQ(browser_->evaluate("window.e2eSamePage === true && performance.now() < 60000")
                .value_or(json()),
            json(true));
  EXPECT_EQ(text(q(card(later) + " h3") + ".textContent"), "冬季轮胎九折");
  EXPECT_EQ(text(q(card(later) + " .sev") + ".textContent"),
            "建议");  // advisory: an offer never shows in quiet hours
  EXPECT_EQ(text(q(card(later) + " button[data-action=\"accept\"]") + ".textContent"), "接受");
  saveScreenshot("e2e-live.png");

  // "Later": hidden on the page and in the list; the step at the broker.
  ASSERT_TRUE(click(card(later) + " button[data-action=\"snooze\"]"));
  EXPECT_TRUE(browser_->waitUntil(q(card(later)) + " === null"));
  const auto snoozed = promptStep("campaign.offer-e2e-2", "snoozed");
  ASSERT_TRUE(snoozed) << "no snoozed step at the broker";
  EXPECT_EQ((*snoozed)["body"]["prompt_id"], later);
  const json listed = listedIds();
  ASSERT_TRUE(listed.is_array()) << browser_->lastError();
  EXPECT_EQ(std::count(listed.begin(), listed.end(), json(later)), 0) << listed;
  EXPECT_EQ(std::count(listed.begin(), listed.end(), json(booking)), 0) << listed;
  saveScreenshot("e2e-snoozed.png");

  // Every prompts message the broker saw is in the schema's shape.
  int steps = 0;
  for (const auto& m : collector_->messages()) {
    if (m.topic != kRoot + "/prompts") continue;
    ++steps;
    EXPECT_TRUE(matchesSchema(json::parse(m.payload, nullptr, false), "prompts.json"));
  }
  EXPECT_GE(steps, 6);  // raised, delivered, accepted; raised, delivered, snoozed

  agent_->signal(SIGTERM);
  const auto exit = agent_->wait(milliseconds(15000));
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->code, 0) << exit->err;
  // Nothing on the way went wrong quietly: the agent logged no error.
  EXPECT_FALSE(
      std::regex_search("\n" + exit->err + exit->out, std::regex(R"(\n\S+ (error|critical) )")))
      << exit->err;
}

}  // namespace
}  // namespace crm::testing
