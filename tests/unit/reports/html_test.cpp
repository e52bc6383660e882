// The HTML rendering of the health report: complete pages in both languages,
// null and malformed reports, escaping, traffic lights and advice.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "crm/reports/html.h"
#include "crm/reports/report.h"
#include "sample_report.h"

namespace crm::reports {
namespace {

using testing::allNullReport;
using testing::sampleCharts;
using testing::sampleReport;

bool contains(const std::string& page, const std::string& part) {
  return page.find(part) != std::string::npos;
}

// The markup of one traffic-light tile, from its opening tag to the next.
std::string lightTile(const std::string& page, const std::string& system) {
  const auto at = page.find("data-system=\"" + system + "\"");
  if (at == std::string::npos) return "";
  const auto start = page.rfind("<div class=\"light ", at);
  const auto end = page.find("<div class=\"light ", at);
  return page.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

bool isValidUtf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80         ? 1
                          : (c >> 5) == 6  ? 2
                          : (c >> 4) == 14 ? 3
                          : (c >> 3) == 30 ? 4
                                           : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

TEST(HtmlReport, FullReportInEnglishIsOneSelfContainedPageWithCharts) {
  const std::string page = renderHtml(sampleReport(), sampleCharts(), "en");

  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_TRUE(contains(page, "<html lang=\"en\">"));
  EXPECT_TRUE(contains(page, "<meta charset=\"utf-8\">"));
  EXPECT_TRUE(contains(page, "<title>Vehicle health report"));
  EXPECT_TRUE(contains(page, "</html>"));
  EXPECT_TRUE(contains(page, "<svg"));
  EXPECT_FALSE(contains(page, "<script"));
  EXPECT_TRUE(contains(page, "Content-Security-Policy\" content=\"default-src 'none'"));
  EXPECT_FALSE(contains(page, "src="));
  EXPECT_FALSE(contains(page, "href="));
  EXPECT_FALSE(contains(page, "url("));
  EXPECT_TRUE(isValidUtf8(page));
}

TEST(HtmlReport, FullReportShowsTheKeyFigures) {
  const std::string page = renderHtml(sampleReport(), sampleCharts(), "en");

  EXPECT_TRUE(contains(page, "94.2"));  // SOH
  EXPECT_TRUE(contains(page,
                       "93.1\xE2\x80\x93"
                       "95.0 %"));                 // its interval
  EXPECT_TRUE(contains(page, "estimated"));        // and source
  EXPECT_TRUE(contains(page, "2.1"));              // degradation
  EXPECT_TRUE(contains(page, "Typical car 2.3"));  // against the fleet
  EXPECT_TRUE(contains(page, "2032-09"));          // projected 80 %
  EXPECT_TRUE(contains(page, "48,210"));           // odometer
  EXPECT_TRUE(contains(page, "1,320"));            // period distance
  EXPECT_TRUE(contains(page, "16.8"));             // efficiency
  EXPECT_TRUE(contains(page, "4 DC"));             // DC sessions
  EXPECT_TRUE(contains(page, "aria-label=\"3 of 5 stars\""));
}

TEST(HtmlReport, ChineseReportHasChineseLabelsAndLangAttribute) {
  const std::string page = renderHtml(sampleReport(), sampleCharts(), "zh-CN");

  EXPECT_TRUE(contains(page, "<html lang=\"zh-CN\">"));
  EXPECT_TRUE(contains(page, "车辆健康报告"));
  EXPECT_TRUE(contains(page, "动力电池"));
  EXPECT_TRUE(contains(page, "建议"));
  EXPECT_TRUE(contains(page, "快充占您充电量的 22%"));
  EXPECT_TRUE(contains(page, "Noto Sans CJK SC"));
  EXPECT_FALSE(contains(page, "Vehicle health report"));
  EXPECT_FALSE(contains(page, "Act now"));
  EXPECT_TRUE(contains(page, "<svg"));
  EXPECT_TRUE(isValidUtf8(page));
}

TEST(HtmlReport, AllNullReportRendersNotEnoughDataInEnglish) {
  const std::string page = renderHtml(allNullReport(), {}, "en");

  EXPECT_TRUE(contains(page, "</html>"));
  EXPECT_TRUE(contains(page, "not enough data"));
  EXPECT_TRUE(contains(page, "Not enough data yet"));
  EXPECT_TRUE(contains(page, "\xE2\x80\x94"));  // the dash for a missing value
  EXPECT_FALSE(contains(page, "<svg"));         // no chart has data to draw
  EXPECT_FALSE(contains(page, "nan"));
  EXPECT_TRUE(contains(lightTile(page, "battery"), "grey"));
}

TEST(HtmlReport, AllNullReportRendersNotEnoughDataInChinese) {
  const std::string page = renderHtml(allNullReport(), {}, "zh-CN");

  EXPECT_TRUE(contains(page, "<html lang=\"zh-CN\">"));
  EXPECT_TRUE(contains(page, "数据不足"));
  EXPECT_TRUE(contains(page, "数据尚不足"));
  EXPECT_FALSE(contains(page, "not enough data"));
}

TEST(HtmlReport, OddAndNonFiniteValuesRenderAsNull) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  HealthReport odd;
  odd.period = {std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()};
  odd.vehicle = {"", "7", nan};
  odd.battery.soh = {inf, nan, -inf, ""};
  odd.battery.status = "3";
  odd.battery.projected_80_percent = {"20x1-99-99", nan};
  odd.battery.degradation_percent_per_year = 1e308;
  odd.battery.fleet_typical_percent_per_year = nan;
  odd.charging.habit_scores = {-1, 0, 6, 99};
  odd.charging.dc_energy_share = nan;
  odd.charging.energy_kwh = inf;
  odd.charging.sessions = -5;
  odd.tyres = {"good", {{"", std::nullopt, std::nullopt}, {"x", nan, "2"}}};
  odd.faults = {{"", -1, std::numeric_limits<std::int64_t>::max(), true}};
  odd.service.due = {{"x", inf, std::numeric_limits<std::int64_t>::min(), false}};
  odd.service.last_visit = std::numeric_limits<std::int64_t>::min();
  odd.data_quality = {-1, std::numeric_limits<std::uint64_t>::max(), -1};
  HealthReport projected_as_text = testing::sampleReport();
  projected_as_text.battery.projected_80_percent.date = "in a few years";

  for (const HealthReport& report : {odd, HealthReport{}, projected_as_text}) {
    std::string page;
    EXPECT_NO_THROW(page = renderHtml(report, testing::sampleCharts(), "en"));
    EXPECT_TRUE(contains(page, "</html>"));
    EXPECT_FALSE(contains(page, "nan"));
    EXPECT_FALSE(contains(page, "inf"));
  }
}

TEST(HtmlReport, NonFiniteChartValuesAreSkipped) {
  ChartData charts = sampleCharts();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  charts.soh.push_back({1769817600000, nan, inf, -inf});
  charts.start_soc.push_back(nan);
  charts.end_soc.push_back(-inf);
  charts.monthly_distance_km.emplace_back("2026-02", inf);
  charts.efficiency_by_ambient.emplace_back("30_40", nan);

  const std::string page = renderHtml(sampleReport(), charts, "en");

  EXPECT_FALSE(contains(page, "nan"));
  EXPECT_FALSE(contains(page, "inf"));
  EXPECT_TRUE(contains(page, "<svg"));
}

TEST(HtmlReport, AbsurdSohValuesStayInsideTheChart) {
  ChartData charts = sampleCharts();
  charts.soh.push_back({1769817600000, 94.0, -1e12, 1e12});

  const std::string page = renderHtml(sampleReport(), charts, "en");

  EXPECT_TRUE(contains(page, "<svg"));
  EXPECT_LT(page.size(), 100u * 1024u);
  EXPECT_FALSE(contains(page, "e+"));  // no coordinate in exponent notation
}

TEST(HtmlReport, ANewCarsSohIntervalIsShownNoHigherThan100Percent) {
  HealthReport r = sampleReport();
  r.battery.soh = {99.9, 98.3, 101.6, "estimated"};
  ChartData charts = sampleCharts();
  for (auto& p : charts.soh) p.high = 103.0;
  const std::string page = renderHtml(r, charts, "en");
  EXPECT_TRUE(contains(page,
                       "98.3\xE2\x80\x93"
                       "100.0 %"));
  EXPECT_FALSE(contains(page, "101.6"));
  // The chart's axis stops at 100 %: no grid line above it.
  EXPECT_FALSE(contains(page, ">105<"));
  // The JSON keeps the statistics as they are.
  EXPECT_EQ(toJson(r)["battery"]["soh"]["high"], 101.6);
}

TEST(HtmlReport, MarkupInReportStringsIsEscaped) {
  HealthReport report = sampleReport();
  report.vehicle.model = "<b>Aurora</b> \"S\" & 'T'";
  report.vehicle.vin = "<script>alert(1)</script>";
  report.faults = {{"<i>P0A80", 0, 0, true}};
  report.service.due = {{"<u>wipers", std::nullopt, std::nullopt, true}};
  ChartData charts = sampleCharts();
  charts.monthly_distance_km = {{"<m>", 10.0}};
  charts.efficiency_by_ambient = {{"<band>", 15.0}};

  const std::string page = renderHtml(report, charts, "en");

  EXPECT_TRUE(contains(page, "&lt;b&gt;Aurora&lt;/b&gt; &quot;S&quot; &amp; &#39;T&#39;"));
  EXPECT_FALSE(contains(page, "<b>Aurora"));
  EXPECT_FALSE(contains(page, "<script"));
  EXPECT_TRUE(contains(page, "&lt;i&gt;P0A80"));
  EXPECT_FALSE(contains(page, "<i>"));
  EXPECT_TRUE(contains(page, "&lt;u&gt;wipers"));
  EXPECT_FALSE(contains(page, "<u>"));
  EXPECT_FALSE(contains(page, "<m>"));
  EXPECT_FALSE(contains(page, "<band>"));
}

TEST(HtmlReport, InvalidUtf8InReportStringsIsReplaced) {
  HealthReport report = sampleReport();
  report.vehicle.model = std::string("Aurora \xFF\xFE\xC0\xAF end");

  const std::string page = renderHtml(report, sampleCharts(), "en");

  EXPECT_TRUE(isValidUtf8(page));
  EXPECT_TRUE(contains(page, "Aurora \xEF\xBF\xBD"));
}

TEST(HtmlReport, BatteryNeedingAttentionShowsARedLightWithItsLabel) {
  HealthReport report = sampleReport();
  report.battery.status = "attention";

  const std::string en = lightTile(renderHtml(report, sampleCharts(), "en"), "battery");
  const std::string zh = lightTile(renderHtml(report, sampleCharts(), "zh-CN"), "battery");

  EXPECT_TRUE(contains(en, "class=\"light red\""));
  EXPECT_TRUE(contains(en, "Act now"));
  EXPECT_TRUE(contains(zh, "class=\"light red\""));
  EXPECT_TRUE(contains(zh, "需要处理"));
}

TEST(HtmlReport, EachLightFollowsItsSystemsStatus) {
  const std::string page = renderHtml(sampleReport(), sampleCharts(), "en");

  EXPECT_TRUE(contains(lightTile(page, "battery"), "light amber"));  // watch
  EXPECT_TRUE(contains(lightTile(page, "battery"), "Check soon"));
  EXPECT_TRUE(contains(lightTile(page, "charging"), "light amber"));  // 22 % DC
  EXPECT_TRUE(contains(lightTile(page, "low_voltage"), "light green"));
  EXPECT_TRUE(contains(lightTile(page, "low_voltage"), "Good"));
  EXPECT_TRUE(contains(lightTile(page, "tyres"), "light amber"));
  EXPECT_TRUE(contains(lightTile(page, "tyres"), "rear left low"));
  EXPECT_TRUE(contains(lightTile(page, "brakes"), "light green"));
  EXPECT_TRUE(contains(lightTile(page, "brakes"), "Pads 31 % worn"));
  EXPECT_TRUE(contains(lightTile(page, "faults"), "light green"));  // only a cleared fault
  EXPECT_TRUE(contains(lightTile(page, "service"), "light red"));   // inspection overdue
}

TEST(HtmlReport, WornBrakesShowARedLightAndAdviceInBothLanguages) {
  HealthReport report = sampleReport();
  report.brakes.status = "attention";
  report.brakes.pad_wear_percent_max = 84.0;

  const std::string en = renderHtml(report, sampleCharts(), "en");
  const std::string zh = renderHtml(report, sampleCharts(), "zh-CN");

  EXPECT_TRUE(contains(lightTile(en, "brakes"), "light red"));
  EXPECT_TRUE(contains(lightTile(en, "brakes"), "Pads 84 % worn"));
  EXPECT_TRUE(contains(en, "Have the brake pads and fluid checked at your next visit."));
  EXPECT_TRUE(contains(lightTile(zh, "brakes"), "制动"));
  EXPECT_TRUE(contains(zh, "请在下次到店时检查刹车片和制动液。"));
}

TEST(HtmlReport, ActiveFaultTurnsTheFaultsLightRed) {
  HealthReport report = sampleReport();
  report.faults[0].active = true;

  const std::string page = renderHtml(report, sampleCharts(), "en");

  EXPECT_TRUE(contains(lightTile(page, "faults"), "light red"));
  EXPECT_TRUE(contains(page, "1 fault(s) active (U0100)"));
}

TEST(HtmlReport, HighFastChargingShareGivesPlainAdvice) {
  const std::string page = renderHtml(sampleReport(), sampleCharts(), "en");

  EXPECT_TRUE(contains(page,
                       "Fast charging makes up 22 % of your charging; charging at home more "
                       "often helps the battery last."));
}

TEST(HtmlReport, HealthyCarIsToldToKeepItUp) {
  HealthReport report = sampleReport();
  report.battery.status = "good";
  report.battery.cell_imbalance_mv_max = 12;
  report.charging.dc_energy_share = 0.05;
  report.charging.high_soc_dwell_hours = 2;
  report.tyres = {"good", {}};
  report.service.due = {};

  const std::string page = renderHtml(report, sampleCharts(), "en");

  EXPECT_TRUE(contains(page, "Everything looks good."));
  EXPECT_FALSE(contains(page, "Fast charging makes up"));
  EXPECT_TRUE(contains(lightTile(page, "charging"), "light amber"));  // one 3-star habit
}

TEST(HtmlReport, UnknownLanguageFallsBackToEnglish) {
  const std::string page = renderHtml(sampleReport(), sampleCharts(), "fr-FR");

  EXPECT_TRUE(contains(page, "<html lang=\"en\">"));
  EXPECT_TRUE(contains(page, "Vehicle health report"));
}

TEST(HtmlReport, PageStaysSmallEvenForHugeInputs) {
  HealthReport report = sampleReport();
  report.vehicle.model = std::string(100000, 'M');
  report.faults.clear();
  for (int i = 0; i < 5000; ++i) report.faults.push_back({"P" + std::to_string(i), 0, 0, false});
  ChartData charts = sampleCharts();
  for (int i = 0; i < 20000; ++i) {
    charts.soh.push_back({1769817600000 + i * 60000LL, 94.0, 93.0, 95.0});
    charts.start_soc.push_back(i % 100);
    charts.monthly_distance_km.emplace_back("2030-01", 100.0);
  }

  const std::string page = renderHtml(report, charts, "en");

  EXPECT_LT(page.size(), 100u * 1024u);
  EXPECT_LT(renderHtml(sampleReport(), sampleCharts(), "zh-CN").size(), 50u * 1024u);
}

TEST(HtmlReport, SameInputGivesTheSamePage) {
  EXPECT_EQ(renderHtml(sampleReport(), sampleCharts(), "en"),
            renderHtml(sampleReport(), sampleCharts(), "en"));
}

}  // namespace
}  // namespace crm::reports
