// Terminal text: widths of UTF-8 strings, cutting, and value formatting.
#include <gtest/gtest.h>

#include "table.h"
#include "text.h"

namespace crm::ctl {
namespace {

using nlohmann::json;

TEST(Text, DisplayWidthCountsCodePointsAndWideCharacters) {
  EXPECT_EQ(displayWidth("abc"), 3);
  EXPECT_EQ(displayWidth("—"), 1);         // three bytes, one column
  EXPECT_EQ(displayWidth("左前轮胎"), 8);  // wide: two columns each
  EXPECT_EQ(displayWidth("\xff\xfe"), 2);  // not UTF-8: a column per byte
}

TEST(Text, TruncateCutsToTheWidthWithAnEllipsis) {
  EXPECT_EQ(truncate("short", 10), "short");
  EXPECT_EQ(truncate("a longer text", 8), "a lon...");
  EXPECT_EQ(displayWidth(truncate("左前轮胎气压持续下降", 9)), 9);
  EXPECT_EQ(truncateLeft("/var/lib/crm-agent/cache.db", 12), ".../cache.db");
}

TEST(Text, TruncateNeverSplitsAMultiByteCharacter) {
  const std::string cut = truncate("ééééééééé", 6);
  EXPECT_EQ(cut, "ééé...");
}

TEST(Text, UnknownValuesReadNotKnown) {
  const json j = {{"n", nullptr}, {"s", 3}};
  EXPECT_EQ(number(at(j, {"n"})), "n/a");
  EXPECT_EQ(number(at(j, {"missing"})), "n/a");
  EXPECT_EQ(withUnit(at(j, {"n"}), "km"), "n/a");
  EXPECT_EQ(text(at(j, {"s"})), "n/a");  // a number where a string belongs
  EXPECT_EQ(utcTime(at(j, {"n"})), "n/a");
  EXPECT_EQ(bytes(at(j, {"n"})), "n/a");
  EXPECT_EQ(yesNo(at(j, {"n"})), "n/a");
  EXPECT_EQ(duration(at(j, {"n"})), "n/a");
  EXPECT_EQ(ago(at(j, {"n"}), 0), "");
}

TEST(Text, ValuesAreFormattedForPeople) {
  const json j = {{"soh", 94.25},        {"km", 12345},    {"t", 1767225600000}, {"up", 273600},
                  {"b", 12.5 * 1048576}, {"share", 0.123}, {"neg", -0.01}};
  EXPECT_EQ(number(at(j, {"soh"}), 1), "94.2");
  EXPECT_EQ(withUnit(at(j, {"km"}), "km"), "12345 km");
  EXPECT_EQ(utcTime(at(j, {"t"})), "2026-01-01 00:00 UTC");
  EXPECT_EQ(utcDate(at(j, {"t"})), "2026-01-01");
  EXPECT_EQ(duration(at(j, {"up"})), "3 d 4 h");
  EXPECT_EQ(bytes(at(j, {"b"})), "12.5 MiB");
  EXPECT_EQ(percentOf(at(j, {"share"})), "12 %");
  EXPECT_EQ(number(at(j, {"neg"}), 1), "0.0");  // no "-0.0"
  EXPECT_EQ(ago(at(j, {"t"}), 1767225600000 + 3 * 60'000), "3 min ago");
}

TEST(Table, ColumnsAreAlignedAndFitTheScreen) {
  Table t({{"ID", true}, {"RULE"}, {"TITLE", false, true}});
  t.addRow({"7", "tyres.slow_leak", std::string(120, 'x')});
  t.addRow({"12", "battery.soh_low", "short"});
  const std::string out = t.render();
  std::size_t start = 0;
  int lines = 0;
  while (start < out.size()) {
    const auto end = out.find('\n', start);
    EXPECT_LE(displayWidth(out.substr(start, end - start)), kScreenWidth);
    start = end + 1;
    ++lines;
  }
  EXPECT_EQ(lines, 3);
  EXPECT_NE(out.find("   7  tyres.slow_leak"), std::string::npos) << out;
  EXPECT_NE(out.find("xxx..."), std::string::npos) << out;
}

TEST(Table, FieldsCutLongValues) {
  Fields f;
  f.add("Path", std::string(200, 'p'));
  const std::string out = f.render();
  EXPECT_EQ(displayWidth(out.substr(0, out.size() - 1)), kScreenWidth);
}

}  // namespace
}  // namespace crm::ctl
