// The shared input guard (crm/common/input_limits.h, small_file.h): depth
// and size before any parser, times and dates at the edge, and files that
// are not files.
#include "crm/common/input_limits.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "crm/common/civil_time.h"
#include "crm/common/small_file.h"

namespace crm::input {
namespace {

std::string nested(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

TEST(InputLimits, DepthUpToTheLimitPassesAndOneMoreIsNamedWithItsByte) {
  EXPECT_EQ(checkJsonDepth(nested(64)), std::nullopt);
  EXPECT_EQ(checkJsonDepth(nested(65)), "nesting deeper than 64 levels at byte 65");
  EXPECT_EQ(checkJsonDepth("{\"a\":" + nested(70000) + "}"),
            "nesting deeper than 64 levels at byte 69");
}

TEST(InputLimits, BracketsInStringsAndEscapedQuotesDoNotCount) {
  const std::string in_string = "{\"k\": \"" + std::string(1000, '[') + "\"}";
  EXPECT_EQ(checkJsonDepth(in_string), std::nullopt);
  // \" keeps the string open, \\ closes nothing: the brackets stay inside.
  EXPECT_EQ(checkJsonDepth(R"(["a\"[[[[", "b\\", "[[[["])", 2), std::nullopt);
  // After the string ends, brackets count again.
  EXPECT_NE(checkJsonDepth(R"(["a\\", [[]]])", 2), std::nullopt);
}

TEST(InputLimits, ClosingBracketsBeforeOpeningOnesCannotHideDepth) {
  // Unbalanced closers must not drive the count negative and let 65 pass.
  EXPECT_NE(checkJsonDepth(std::string(100, ']') + nested(65)), std::nullopt);
}

TEST(InputLimits, SizeIsCheckedBeforeDepth) {
  EXPECT_EQ(checkJsonInput(std::string(11, ' '), 10), "11 bytes; at most 10 are accepted");
  EXPECT_EQ(checkJsonInput(nested(3), 10), std::nullopt);
}

TEST(InputLimits, ParserPositionsBecomeLineAndColumn) {
  const std::string text = "{\n  \"a\": 1,\n  oops\n}";
  const auto p = positionOf(text, text.find("oops"));
  EXPECT_EQ(p.line, 3U);
  EXPECT_EQ(p.column, 3U);
  EXPECT_EQ(positionOf(text, 100000).line, 4U);  // past the end: the last line
}

TEST(InputLimits, TimesOutside2000To2100AreImplausible) {
  EXPECT_FALSE(isPlausibleTimeMs(INT64_MAX));
  EXPECT_FALSE(isPlausibleTimeMs(INT64_MIN));
  EXPECT_FALSE(isPlausibleTimeMs(0));
  EXPECT_FALSE(isPlausibleTimeMs(kEarliestMs - 1));
  EXPECT_TRUE(isPlausibleTimeMs(kEarliestMs));
  EXPECT_TRUE(isPlausibleTimeMs(kLatestMs - 1));
  EXPECT_FALSE(isPlausibleTimeMs(kLatestMs));
  EXPECT_EQ(civil::isoDate(kEarliestMs), "2000-01-01");
  EXPECT_EQ(civil::isoDate(kLatestMs), "2100-01-01");
}

TEST(InputLimits, OnlyDatesThatExistIn2000To2099ArePlausible) {
  for (const char* ok : {"2000-01-01", "2024-02-29", "2099-12-31", "2026-04-30"}) {
    EXPECT_TRUE(isPlausibleDate(ok)) << ok;
  }
  for (const char* bad : {"2026-02-30", "2025-02-29", "2100-02-29", "2026-04-31", "2026-13-01",
                          "2026-00-10", "2026-01-00", "1999-12-31", "2100-01-01", "+026-01-01",
                          "2026-1-01", " 2026-01-01", "2026-01-01 ", "", "2026/01/01"}) {
    EXPECT_FALSE(isPlausibleDate(bad)) << bad;
  }
}

// --- files that are not files ------------------------------------------------

class SmallFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/crm-small-file-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(SmallFile, ARegularFileWithinTheLimitIsRead) {
  std::ofstream(dir_ + "/a.json") << "{\"x\": 1}";
  auto r = readSmallFile(dir_ + "/a.json", 8);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, "{\"x\": 1}");
}

TEST_F(SmallFile, AFolderIsNamedAsOne) {
  auto r = readSmallFile(dir_, 1024);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, FileError::kNotRegular);
  EXPECT_EQ(r.error().message, dir_ + ": is a directory");
}

TEST_F(SmallFile, DevZeroIsRefusedAtOnceInsteadOfReadForever) {
  const auto start = std::chrono::steady_clock::now();
  auto r = readSmallFile("/dev/zero", 1024);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "/dev/zero: not a regular file (a character device)");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST_F(SmallFile, AFifoWithoutWriterIsRefusedWithoutBlocking) {
  ASSERT_EQ(mkfifo((dir_ + "/p").c_str(), 0600), 0);
  auto r = readSmallFile(dir_ + "/p", 1024);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, dir_ + "/p: not a regular file (a FIFO)");
  EXPECT_FALSE(checkReadableFile(dir_ + "/p").ok());
}

TEST_F(SmallFile, AFileOverTheLimitIsRefusedWithTheLimit) {
  std::ofstream(dir_ + "/big") << std::string(1025, 'x');
  auto r = readSmallFile(dir_ + "/big", 1024);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, FileError::kTooLarge);
  EXPECT_EQ(r.error().message, dir_ + "/big: larger than 1024 bytes");
}

TEST_F(SmallFile, MissingAndUnreadableFilesSayWhich) {
  auto missing = readSmallFile(dir_ + "/none", 10);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, dir_ + "/none: no such file");
  EXPECT_EQ(checkReadableFile(dir_ + "/none").error().message, dir_ + "/none: no such file");
  if (geteuid() == 0) GTEST_SKIP() << "root reads every file";
  std::ofstream(dir_ + "/secret") << "x";
  ASSERT_EQ(chmod((dir_ + "/secret").c_str(), 0), 0);
  auto locked = readSmallFile(dir_ + "/secret", 10);
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().message, dir_ + "/secret: cannot read (Permission denied)");
  EXPECT_FALSE(checkReadableFile(dir_ + "/secret").ok());
}

}  // namespace
}  // namespace crm::input
