// Issue 8, classes 4-6 for recordings: hostile structure and sizes, times
// at the edge, and damage that used to be skipped without a word. Each bad
// line is refused with its line number and what was wrong, and the lines
// after it are still read.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <zlib.h>

#include <cstdint>
#include <string>
#include <vector>

#include "crm/common/input_limits.h"
#include "crm/testing/temp_dir.h"
#include "crm/vehicle/recording.h"

namespace crm::vehicle {
namespace {

constexpr char kGood[] = R"({"ts": 1767225600000, "path": "Vehicle.Speed", "value": 42})";

std::string deepLine(std::size_t depth) {
  return R"({"ts": 1767225600000, "command": "report-request", "body": {"x": )" +
         std::string(depth, '[') + std::string(depth, ']') + "}}";
}

Rejected rejectedOf(std::string_view line, std::uint64_t line_no = 9) {
  auto r = parseRecordingLine(line, line_no);
  EXPECT_TRUE(r.has_value());
  const auto* rej = r ? std::get_if<Rejected>(&*r) : nullptr;
  EXPECT_NE(rej, nullptr) << line.substr(0, 200);
  return rej != nullptr ? *rej : Rejected{};
}

struct ReadBack {
  std::vector<Record> records;
  std::string error;
};

ReadBack readAll(const std::string& path) {
  ReadBack out;
  auto reader = RecordingReader::open(path);
  EXPECT_TRUE(reader.ok());
  if (!reader) return out;
  while (auto r = (*reader)->next()) out.records.push_back(std::move(*r));
  out.error = (*reader)->endError().value_or("");
  return out;
}

void writeGzip(const std::string& path, const std::vector<std::string>& chunks) {
  gzFile f = gzopen(path.c_str(), "wb1");
  ASSERT_NE(f, nullptr);
  for (const auto& c : chunks) {
    ASSERT_EQ(gzwrite(f, c.data(), static_cast<unsigned>(c.size())), static_cast<int>(c.size()));
  }
  ASSERT_EQ(gzclose(f), Z_OK);
}

long maxRssKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// --- class 4: hostile structure and sizes ---------------------------------

TEST(HostileRecording, ALineNested60000DeepIsMalformedNotAStackOverflow) {
  const auto r = rejectedOf(deepLine(60000));  // 120 KB: within the line limit
  EXPECT_EQ(r.kind, RejectKind::kMalformed);
  EXPECT_EQ(r.line, 9U);
  // The line's object, the body's, then 63 brackets: the 63rd is too deep.
  EXPECT_EQ(r.message, "nesting deeper than 64 levels at byte 128");
}

TEST(HostileRecording, ALineNested70000DeepIsRefusedForItsSizeFirst) {
  const auto r = rejectedOf(deepLine(70000));
  EXPECT_EQ(r.kind, RejectKind::kMalformed);
  EXPECT_EQ(r.message, "line of 140067 bytes; at most 131072 are accepted");
}

TEST(HostileRecording, ACommandBodyAtTheDepthLimitIsStillAccepted) {
  // 62 brackets inside body's object inside the line's object: 64 levels.
  auto r = parseRecordingLine(deepLine(62), 1);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(std::holds_alternative<Command>(*r));
  EXPECT_EQ(rejectedOf(deepLine(63)).kind, RejectKind::kMalformed);
}

TEST(HostileRecording, BracketsInsideStringsAreNotNesting) {
  const std::string path(5000, '[');
  const auto r = rejectedOf(R"({"ts": 1767225600000, "path": ")" + path + R"(", "value": 1})");
  EXPECT_EQ(r.kind, RejectKind::kUnknownPath) << r.message;
}

TEST(HostileRecording, ALineLongerThanTheLimitIsRefusedByTheParserToo) {
  const std::string line =
      R"({"ts": 1767225600000, "path": "Vehicle.Speed", "value": 1, "pad": ")" +
      std::string(input::kMaxRecordingLineBytes, ' ') + "\"}";
  const auto r = rejectedOf(line);
  EXPECT_EQ(r.kind, RejectKind::kMalformed);
  EXPECT_NE(r.message.find("at most 131072 are accepted"), std::string::npos) << r.message;
}

TEST(HostileRecording, A48MegabyteLineIsSkippedWithItsNumberAndNeverHeldInMemory) {
  testing::TempDir dir;
  {
    std::string text = std::string(kGood) + "\n{\"ts\": 1767225600001, \"pad\": \"";
    text += std::string(48u << 20, 'x');
    text += "\"}\n" + std::string(kGood) + "\n";
    testing::writeFile(dir.file("long.jsonl"), text);
  }
  const long rss_before = maxRssKb();
  const auto back = readAll(dir.file("long.jsonl"));
  const long grown_kb = maxRssKb() - rss_before;
  EXPECT_EQ(back.error, "");
  ASSERT_EQ(back.records.size(), 3U);
  EXPECT_TRUE(std::holds_alternative<Sample>(back.records[0]));
  const auto* r = std::get_if<Rejected>(&back.records[1]);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->line, 2U);
  EXPECT_EQ(r->kind, RejectKind::kMalformed);
  EXPECT_NE(r->message.find("line of 50331680 bytes; at most 131072"), std::string::npos)
      << r->message;
  ASSERT_TRUE(std::holds_alternative<Sample>(back.records[2]));
  EXPECT_EQ(std::get<Sample>(back.records[2]).line, 3U);
  // Holding the line would add 48 MB; reading it in chunks adds a few.
  EXPECT_LT(grown_kb, 16 * 1024) << "max RSS grew by " << grown_kb << " kB";
}

TEST(HostileRecording, ALongLineInsideGzipIsSkippedTheSameWay) {
  testing::TempDir dir;
  std::vector<std::string> chunks{std::string(kGood) + "\n{\"pad\": \""};
  for (int i = 0; i < 24; ++i) chunks.push_back(std::string(1u << 20, 'y'));
  chunks.push_back("\"}\n" + std::string(kGood) + "\n");
  ASSERT_NO_FATAL_FAILURE(writeGzip(dir.file("long.jsonl.gz"), chunks));
  const long rss_before = maxRssKb();
  const auto back = readAll(dir.file("long.jsonl.gz"));
  EXPECT_LT(maxRssKb() - rss_before, 12 * 1024);
  EXPECT_EQ(back.error, "");
  ASSERT_EQ(back.records.size(), 3U);
  const auto* r = std::get_if<Rejected>(&back.records[1]);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->line, 2U);
  EXPECT_NE(r->message.find("line of 25165835 bytes"), std::string::npos) << r->message;
  EXPECT_EQ(std::get<Sample>(back.records[2]).line, 3U);
}

// --- class 5: times at the edge --------------------------------------------

struct EdgeTs {
  const char* label;
  std::string ts;
  RejectKind kind;
  const char* message;
};

void PrintTo(const EdgeTs& e, std::ostream* os) {
  *os << e.label;
}

class RecordingTs : public ::testing::TestWithParam<EdgeTs> {};

TEST_P(RecordingTs, OutsideTheRangeIsRefusedBeforeAnyArithmetic) {
  const auto& e = GetParam();
  for (const std::string rest :
       {R"("path": "Vehicle.Speed", "value": 1})", R"("command": "report-request", "body": {}})"}) {
    const auto r = rejectedOf("{\"ts\": " + e.ts + ", " + rest);
    EXPECT_EQ(r.kind, e.kind) << r.message;
    EXPECT_EQ(r.line, 9U);
    EXPECT_NE(r.message.find(e.message), std::string::npos) << r.message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Edges, RecordingTs,
    ::testing::Values(
        EdgeTs{"MaxInt64", "9223372036854775807", RejectKind::kOutOfRange,
               "\"ts\" 9223372036854775807 is outside epoch ms from 2000-01-01 to 2100-01-01"},
        EdgeTs{"MaxUInt64", "18446744073709551615", RejectKind::kOutOfRange,
               "\"ts\" 18446744073709551615 is outside"},
        EdgeTs{"BeyondUInt64", "18446744073709551616", RejectKind::kMalformed,
               "\"ts\" must be a non-negative integer"},
        EdgeTs{"Zero", "0", RejectKind::kOutOfRange, "\"ts\" 0 is outside"},
        EdgeTs{"LastMsOf1999", "946684799999", RejectKind::kOutOfRange,
               "\"ts\" 946684799999 is outside"},
        EdgeTs{"Year2100", "4102444800000", RejectKind::kOutOfRange,
               "\"ts\" 4102444800000 is outside"},
        EdgeTs{"MinInt64", "-9223372036854775808", RejectKind::kMalformed,
               "must be a non-negative integer"},
        EdgeTs{"Exponent", "1.7e12", RejectKind::kMalformed, "must be a non-negative integer"}),
    [](const auto& info) { return std::string(info.param.label); });

TEST(HostileRecording, TheEdgesOfTheRangeThemselvesAreAccepted) {
  for (const std::int64_t ts : {input::kEarliestMs, input::kLatestMs - 1}) {
    auto r = parseRecordingLine(
        "{\"ts\": " + std::to_string(ts) + R"(, "path": "Vehicle.Speed", "value": 1})", 1);
    ASSERT_TRUE(r.has_value());
    ASSERT_TRUE(std::holds_alternative<Sample>(*r)) << ts;
    EXPECT_EQ(std::get<Sample>(*r).ts_ms, ts);
  }
}

TEST(HostileRecording, AVehicleLineWithADateThatDoesNotExistIsMalformed) {
  for (const char* date : {"2026-02-30", "2025-02-29", "1999-12-31", "2100-01-01", "20x6-01-01"}) {
    const auto r = rejectedOf(std::string(R"({"vehicle": {"delivered": ")") + date + "\"}}");
    EXPECT_EQ(r.kind, RejectKind::kMalformed) << date;
    EXPECT_NE(r.message.find("vehicle.delivered: unknown key or bad value"), std::string::npos)
        << r.message;
  }
  auto ok = parseRecordingLine(R"({"vehicle": {"delivered": "2028-02-29"}})", 1);
  ASSERT_TRUE(ok.has_value());
  EXPECT_TRUE(std::holds_alternative<VehicleFacts>(*ok));
}

// --- class 6: damage is counted, not skipped --------------------------------

TEST(HostileRecording, ALineOfNulBytesIsMalformedNotABlankLine) {
  testing::TempDir dir;
  testing::writeFile(dir.file("nul.jsonl"),
                     std::string(kGood) + "\n" + std::string(300, '\0') + "\n" + kGood + "\n");
  const auto back = readAll(dir.file("nul.jsonl"));
  ASSERT_EQ(back.records.size(), 3U);
  const auto* r = std::get_if<Rejected>(&back.records[1]);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->line, 2U);
  EXPECT_EQ(r->message, "NUL byte at column 1 (a damaged file?)");
  EXPECT_EQ(std::get<Sample>(back.records[2]).line, 3U);
}

TEST(HostileRecording, BytesAfterTheGzipStreamAreCountedAsOneRejectedLine) {
  testing::TempDir dir;
  ASSERT_NO_FATAL_FAILURE(
      writeGzip(dir.file("r.jsonl.gz"), {std::string(kGood) + "\n" + kGood + "\n"}));
  const std::string packed = testing::readFile(dir.file("r.jsonl.gz"));
  testing::writeFile(dir.file("tail.jsonl.gz"), packed + std::string(1000, '\0') + "garbage");
  const auto back = readAll(dir.file("tail.jsonl.gz"));
  EXPECT_EQ(back.error, "");
  ASSERT_EQ(back.records.size(), 3U);
  const auto* r = std::get_if<Rejected>(&back.records[2]);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->kind, RejectKind::kMalformed);
  EXPECT_EQ(r->line, 3U);
  EXPECT_NE(r->message.find("1007 bytes after the end of the compressed data"), std::string::npos)
      << r->message;
}

TEST(HostileRecording, ConcatenatedGzipStreamsAreOneRecording) {
  testing::TempDir dir;
  ASSERT_NO_FATAL_FAILURE(writeGzip(dir.file("a.gz"), {std::string(kGood) + "\n"}));
  const std::string one = testing::readFile(dir.file("a.gz"));
  testing::writeFile(dir.file("two.jsonl.gz"), one + one);
  const auto back = readAll(dir.file("two.jsonl.gz"));
  EXPECT_EQ(back.error, "");
  ASSERT_EQ(back.records.size(), 2U);
  EXPECT_TRUE(std::holds_alternative<Sample>(back.records[1]));
}

TEST(HostileRecording, NegativeZeroIsWrittenSoThatItReadsBackAsItself) {
  // Found by tests/fuzz/recording: "-0" read back as the integer 0.
  auto r =
      parseRecordingLine(R"({"ts": 1767225600000, "path": "Vehicle.Speed", "value": -0.0})", 1);
  ASSERT_TRUE(r.has_value());
  const std::string text = formatRecordingLine(*r);
  EXPECT_EQ(text, R"({"ts":1767225600000,"path":"Vehicle.Speed","value":0})");
  EXPECT_EQ(formatRecordingLine(*parseRecordingLine(text, 1)), text);
}

TEST(HostileRecording, AFolderGivenAsRecordingSaysSo) {
  testing::TempDir dir;
  auto r = RecordingReader::open(dir.path());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, RecordingError::kCannotOpen);
  EXPECT_EQ(r.error().message, dir.path() + ": is a directory");
}

}  // namespace
}  // namespace crm::vehicle
