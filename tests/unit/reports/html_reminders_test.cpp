// The "Reminders" section of the HTML report: the period's prompts in the
// page's language, escaped, capped, and honest about "none" and "unknown".
#include <gtest/gtest.h>

#include <string>

#include "crm/reports/html.h"
#include "sample_report.h"

namespace crm::reports {
namespace {

using testing::sampleCharts;
using testing::sampleReport;

bool contains(const std::string& page, const std::string& part) {
  return page.find(part) != std::string::npos;
}

// The markup of the Reminders card (its heading to the end of the card).
std::string remindersCard(const std::string& page, const std::string& heading) {
  const auto at = page.find("<h2>" + heading + "</h2>");
  if (at == std::string::npos) return "";
  const auto start = page.rfind("<div class=\"card\">", at);
  const auto end = page.find("<div class=\"card\">", at);
  return page.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

TEST(HtmlReminders, ListThePeriodsPromptsNewestFirstInEnglish) {
  const std::string card =
      remindersCard(renderHtml(sampleReport(), sampleCharts(), "en"), "Reminders");

  ASSERT_FALSE(card.empty());
  EXPECT_FALSE(contains(card, "No reminders in this period"));
  const auto report_ready = card.find("Your car&#39;s health report is ready");
  const auto recall = card.find("Safety recall: seat belt");
  const auto dc = card.find("Fast charging 22 % of energy");
  const auto tyre = card.find("Rear left tyre pressure low");
  ASSERT_NE(tyre, std::string::npos) << card;
  EXPECT_LT(report_ready, recall);
  EXPECT_LT(recall, dc);
  EXPECT_LT(dc, tyre);
  EXPECT_TRUE(contains(card, "2026-01-05"));
  EXPECT_TRUE(contains(card, "<span class=\"tag amber\">Warning</span>"));
  EXPECT_TRUE(contains(card, "<span class=\"tag blue\">Advisory</span>"));
  EXPECT_TRUE(contains(card, "<span class=\"tag grey\">Info</span>"));
  for (const char* state : {"withdrawn", "dismissed", "accepted", "shown"}) {
    EXPECT_TRUE(contains(card, std::string("<td>") + state + "</td>")) << state;
  }
  EXPECT_FALSE(contains(card, "左后")) << "English titles on an English page";
  EXPECT_FALSE(contains(card, "Inflate it")) << "titles only: the card stays compact";
}

TEST(HtmlReminders, ListThePeriodsPromptsInChinese) {
  const std::string card =
      remindersCard(renderHtml(sampleReport(), sampleCharts(), "zh-CN"), "提醒");

  ASSERT_FALSE(card.empty());
  EXPECT_TRUE(contains(card, "左后轮胎压过低"));
  EXPECT_TRUE(contains(card, "安全召回：安全带"));
  EXPECT_TRUE(contains(card, "<span class=\"tag amber\">警告</span>"));
  EXPECT_TRUE(contains(card, "<span class=\"tag grey\">通知</span>"));
  for (const char* state : {"已撤回", "已忽略", "已接受", "已显示"}) {
    EXPECT_TRUE(contains(card, std::string("<td>") + state + "</td>")) << state;
  }
  EXPECT_FALSE(contains(card, "Rear left"));
}

TEST(HtmlReminders, EveryStateAndSeverityHasItsWordInBothLanguages) {
  ChartData charts;
  charts.prompts.emplace();
  const char* states[] = {"raised",    "delivered", "accepted", "snoozed",
                          "dismissed", "expired",   "withdrawn"};
  for (const char* state : states) {
    charts.prompts->push_back({1767600000000, "dtc.active", "critical", state, "T", "T", "", ""});
  }
  const std::string en = renderHtml(sampleReport(), charts, "en");
  const std::string zh = renderHtml(sampleReport(), charts, "zh-CN");

  for (const char* word : {"waiting", "shown", "accepted", "snoozed", "dismissed", "expired",
                           "withdrawn", "<span class=\"tag red\">Critical</span>"}) {
    EXPECT_TRUE(contains(en, word)) << word;
  }
  for (const char* word : {"待显示", "已显示", "已接受", "稍后提醒", "已忽略", "已过期", "已撤回",
                           "<span class=\"tag red\">紧急</span>"}) {
    EXPECT_TRUE(contains(zh, word)) << word;
  }
}

TEST(HtmlReminders, AnEmptyHistorySaysSoInBothLanguages) {
  ChartData charts = sampleCharts();
  charts.prompts.emplace();

  EXPECT_TRUE(contains(remindersCard(renderHtml(sampleReport(), charts, "en"), "Reminders"),
                       "No reminders in this period"));
  EXPECT_TRUE(
      contains(remindersCard(renderHtml(sampleReport(), charts, "zh-CN"), "提醒"), "本期无提醒"));
}

TEST(HtmlReminders, AnUnknownHistoryLeavesTheSectionOut) {
  ChartData charts = sampleCharts();
  charts.prompts.reset();

  const std::string page = renderHtml(sampleReport(), charts, "en");

  EXPECT_FALSE(contains(page, "<h2>Reminders</h2>"));
  EXPECT_FALSE(contains(page, "No reminders in this period")) << "unknown is not none";
}

TEST(HtmlReminders, MarkupInTitlesIsEscaped) {
  ChartData charts;
  charts.prompts = {{1767600000000, "campaign.X", "info", "delivered",
                     "<script>alert(1)</script> & \"free\" <b>wash</b>", "<img src=x>", "", ""}};

  const std::string en = renderHtml(sampleReport(), charts, "en");
  const std::string zh = renderHtml(sampleReport(), charts, "zh-CN");

  EXPECT_FALSE(contains(en, "<script"));
  EXPECT_FALSE(contains(en, "<b>wash"));
  EXPECT_TRUE(contains(en, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;free&quot;"));
  EXPECT_FALSE(contains(zh, "<img"));
  EXPECT_TRUE(contains(zh, "&lt;img src=x&gt;"));
}

TEST(HtmlReminders, UnknownSeveritiesAndStatesAreShownEscaped) {
  ChartData charts;
  charts.prompts = {{1767600000000, "x.y", "<urgent>", "<gone>", "T", "T", "", ""}};

  const std::string card = remindersCard(renderHtml(sampleReport(), charts, "en"), "Reminders");

  EXPECT_TRUE(contains(card, "&lt;urgent&gt;"));
  EXPECT_TRUE(contains(card, "&lt;gone&gt;"));
  EXPECT_FALSE(contains(card, "<urgent>"));
}

TEST(HtmlReminders, AnEmptyTitleFallsBackToTheOtherLanguage) {
  ChartData charts;
  charts.prompts = {{1767600000000, "campaign.X", "info", "delivered", "Winter check", "", "", ""}};

  EXPECT_TRUE(contains(renderHtml(sampleReport(), charts, "zh-CN"), "Winter check"));
}

TEST(HtmlReminders, ALongHistoryShowsTheNewestAndCountsTheRest) {
  ChartData charts;
  charts.prompts.emplace();
  for (int i = 0; i < 30; ++i) {
    charts.prompts->push_back({1767600000000 + i * 3600000LL, "campaign.X", "info", "expired",
                               "Offer " + std::to_string(i), "", "", ""});
  }

  const std::string card = remindersCard(renderHtml(sampleReport(), charts, "en"), "Reminders");

  EXPECT_TRUE(contains(card, "Offer 29<"));
  EXPECT_TRUE(contains(card, "Offer 18<"));
  EXPECT_FALSE(contains(card, "Offer 17<"));
  EXPECT_TRUE(contains(card, "18 earlier reminders not listed"));
  EXPECT_TRUE(contains(remindersCard(renderHtml(sampleReport(), charts, "zh-CN"), "提醒"),
                       "另有 18 条较早的提醒未列出"));
}

}  // namespace
}  // namespace crm::reports
