// The reference HMI page in a real headless browser (Debian's Chromium,
// driven over the DevTools protocol), served by a real server over a fake
// backend: the cards are drawn in the driver's language, the event stream
// brings changes in, the keyboard alone acts on a prompt, and the policy
// blocks nothing the page needs. Screenshots at the head unit's 1280x720
// stay in CRM_SCREENSHOT_DIR for people to look at.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <thread>

#include "cdp.h"
#include "crm/testing/temp_dir.h"
#include "harness.h"

namespace crm::localapi::testing {
namespace {

namespace fs = std::filesystem;
using crm::testing::Browser;
using crm::testing::TempDir;
using crm::testing::writeFile;

std::string q(const std::string& selector) {
  return "document.querySelector('" + selector + "')";
}

class HmiInBrowser : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Browser::available()) GTEST_SKIP() << Browser::kChromium << " is not installed";
    server_.backend().setPrompts(samplePrompts());
    server_.backend().setReports(std::nullopt, "<html><body><h1>Report</h1></body></html>");
    browser_ = std::make_unique<Browser>(dir_.file("profile"), 1280, 720);
    ASSERT_TRUE(browser_->ok()) << browser_->lastError();
  }

  void open(const std::string& language = "en") {
    auto prompts = samplePrompts();
    prompts["language"] = language;
    server_.backend().setPrompts(prompts);
    ASSERT_TRUE(browser_->navigate("http://127.0.0.1:" + std::to_string(server_.port()) + "/hmi/"));
    ASSERT_TRUE(browser_->waitUntil("document.querySelectorAll('.card').length === 2"))
        << browser_->lastError();
  }

  std::string text(const std::string& expression) {
    auto v = browser_->evaluate(expression);
    return v && v->is_string() ? v->get<std::string>() : "<" + browser_->lastError() + ">";
  }

  void saveScreenshot(const std::string& name) {
    const std::string png = browser_->screenshot();
    ASSERT_GT(png.size(), 8u) << browser_->lastError();
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    fs::create_directories(CRM_SCREENSHOT_DIR);
    writeFile(std::string(CRM_SCREENSHOT_DIR) + "/" + name, png);
  }

  TempDir dir_;
  ServerHarness server_;
  std::unique_ptr<Browser> browser_;
};

TEST_F(HmiInBrowser, CriticalIsHeadsUpAndTheRestGoToTheCentre) {
  open();

  EXPECT_TRUE(
      *browser_->evaluate(q("#heads-up") + ".contains(" + q(".card[data-prompt-id=\"7\"]") + ")"));
  EXPECT_TRUE(
      *browser_->evaluate(q("#centre") + ".contains(" + q(".card[data-prompt-id=\"9\"]") + ")"));
  EXPECT_EQ(text(q(".card[data-prompt-id=\"7\"] h3") + ".textContent"),
            "Front left tyre losing air");
  EXPECT_EQ(text(q(".card[data-prompt-id=\"7\"] .sev") + ".textContent"), "Critical");
  // A booking prompt's accept says Book; the other's says Accept.
  EXPECT_EQ(text(q(".card[data-prompt-id=\"7\"] button[data-action=\"accept\"]") + ".textContent"),
            "Book");
  EXPECT_EQ(text(q(".card[data-prompt-id=\"9\"] button[data-action=\"accept\"]") + ".textContent"),
            "Accept");
  EXPECT_EQ(text(q(".card[data-prompt-id=\"9\"] button[data-action=\"snooze\"]") + ".textContent"),
            "Later");
  saveScreenshot("hmi-en.png");
}

TEST_F(HmiInBrowser, LegibleAtArmsLength) {
  open();

  EXPECT_EQ(text("getComputedStyle(document.body).fontSize"), "24px");
  const auto smallest = browser_->evaluate(
      "Math.min(...Array.from(document.querySelectorAll('.card button'))"
      ".map(b => b.getBoundingClientRect().height))");
  ASSERT_TRUE(smallest && smallest->is_number());
  EXPECT_GE(smallest->get<double>(), 64.0);
  // Everything fits the 1280 px width: nothing to scroll sideways.
  EXPECT_TRUE(*browser_->evaluate("document.documentElement.scrollWidth <= 1280"));
}

TEST_F(HmiInBrowser, LanguageSwitchChangesEveryText) {
  open();

  ASSERT_TRUE(browser_->evaluate(q("#lang-zh") + ".click(), true"));
  EXPECT_EQ(text("document.documentElement.lang"), "zh-CN");
  EXPECT_EQ(text(q(".card[data-prompt-id=\"7\"] h3") + ".textContent"), "左前轮胎气压持续下降");
  EXPECT_EQ(text(q(".card[data-prompt-id=\"7\"] button[data-action=\"accept\"]") + ".textContent"),
            "预约");
  EXPECT_EQ(text(q("#lang-zh") + ".getAttribute('aria-pressed')"), "true");
  saveScreenshot("hmi-zh-CN.png");
  ASSERT_TRUE(browser_->evaluate(q("#lang-en") + ".click(), true"));
  EXPECT_EQ(text(q(".card[data-prompt-id=\"7\"] button[data-action=\"snooze\"]") + ".textContent"),
            "Later");
}

TEST_F(HmiInBrowser, StartsInTheDriversLanguage) {
  open("zh-CN");

  EXPECT_TRUE(browser_->waitUntil("document.documentElement.lang === 'zh-CN'"));
  EXPECT_EQ(text(q(".card[data-prompt-id=\"9\"] button[data-action=\"dismiss\"]") + ".textContent"),
            "忽略");
}

TEST_F(HmiInBrowser, KeyboardAloneActsOnAPrompt) {
  open();
  const std::string target = ".card[data-prompt-id=\"7\"] button[data-action=\"accept\"]";

  bool reached = false;
  for (int i = 0; i < 20 && !reached; ++i) {
    ASSERT_TRUE(browser_->press("Tab")) << browser_->lastError();
    reached = browser_->evaluate("document.activeElement === " + q(target)).value_or(false);
  }
  ASSERT_TRUE(reached) << "Tab never reached the Book button";
  EXPECT_EQ(text("getComputedStyle(document.activeElement).outlineStyle"), "solid");
  EXPECT_EQ(text("getComputedStyle(document.activeElement).outlineWidth"), "6px");
  saveScreenshot("hmi-focus.png");
  const int reads_before = server_.backend().promptReads();
  ASSERT_TRUE(browser_->press("Enter"));

  // The card goes, and stays gone once the list is fetched again.
  ASSERT_TRUE(browser_->waitUntil(q(".card[data-prompt-id=\"7\"]") + " === null"));
  for (int i = 0; i < 100 && server_.backend().promptReads() == reads_before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GT(server_.backend().promptReads(), reads_before);
  EXPECT_TRUE(browser_->waitUntil("document.querySelectorAll('.card').length === 1"));
  EXPECT_TRUE(*browser_->evaluate(q(".card[data-prompt-id=\"7\"]") + " === null"));
  const auto calls = server_.backend().actions();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0], std::make_pair(std::int64_t{7}, std::string("accept")));
}

TEST_F(HmiInBrowser, EventStreamBringsChangesIn) {
  open();
  ASSERT_TRUE(browser_->waitUntil(q("#conn") + ".className === 'live'"));
  EXPECT_EQ(server_.waitFor([](const ServerStats& s) { return s.streams == 1; }).streams, 1u);

  auto one = samplePrompts();
  one["prompts"].erase(0);  // prompt 7 was handled elsewhere
  server_.backend().setPrompts(one);
  ASSERT_TRUE(server_.publish("prompts", R"({"id":7,"event":"withdrawn"})"));

  EXPECT_TRUE(browser_->waitUntil("document.querySelectorAll('.card').length === 1"));
  EXPECT_TRUE(*browser_->evaluate(q(".card[data-prompt-id=\"9\"]") + " !== null"));
}

TEST_F(HmiInBrowser, ReportTabShowsTheReportInTheChosenLanguage) {
  open();
  ASSERT_TRUE(browser_->evaluate(q("#lang-zh") + ".click(), true"));

  ASSERT_TRUE(browser_->evaluate(q("#tab-report") + ".click(), true"));

  EXPECT_TRUE(browser_->waitUntil(q("#report-frame") + ".contentDocument && " + q("#report-frame") +
                                  ".contentDocument.querySelector('h1') !== null"));
  EXPECT_EQ(server_.backend().htmlLanguages().back(), "zh-CN");
  EXPECT_TRUE(*browser_->evaluate(q("#view-prompts") + ".hidden"));
}

}  // namespace
}  // namespace crm::localapi::testing
