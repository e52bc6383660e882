#include "crm/vehicle/recording.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "crm/testing/temp_dir.h"
#include "crm/vehicle/simulator.h"

namespace crm::vehicle {
namespace {

constexpr std::int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z

Record parse(std::string_view line) {
  auto r = parseRecordingLine(line, 3);
  EXPECT_TRUE(r.has_value());
  return r.value_or(Rejected{});
}

TEST(Recording, SampleLineParses) {
  auto r = parse(R"({"ts": 1767225600000, "path": "Vehicle.Speed", "value": 42.5})");
  const auto* s = std::get_if<Sample>(&r);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->ts_ms, 1767225600000);
  EXPECT_EQ(s->signal, sig::kSpeed);
  EXPECT_EQ(std::get<double>(s->value), 42.5);
  EXPECT_EQ(s->line, 3U);
}

TEST(Recording, BlankAndCommentLinesAreSkipped) {
  EXPECT_FALSE(parseRecordingLine("", 1).has_value());
  EXPECT_FALSE(parseRecordingLine("   ", 1).has_value());
  EXPECT_FALSE(parseRecordingLine("# a comment", 1).has_value());
}

TEST(Recording, VehicleLineGivesFacts) {
  auto r = parse(R"({"vehicle": {"vin": "LRW3E7EK5NC000001", "model": "model-3-lr",
      "nominal_capacity_kwh": 75.0, "chemistry": "NMC", "delivered": "2024-03-01",
      "tyre_placard_kpa": 290}})");
  const auto* f = std::get_if<VehicleFacts>(&r);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(*f->vin, "LRW3E7EK5NC000001");
  EXPECT_EQ(*f->chemistry, "NMC");
  EXPECT_EQ(*f->tyre_placard_kpa, 290);
}

TEST(Recording, BadChemistryIsMalformed) {
  auto r = parse(R"({"vehicle": {"chemistry": "LiPo"}})");
  ASSERT_TRUE(std::holds_alternative<Rejected>(r));
  EXPECT_NE(std::get<Rejected>(r).message.find("vehicle.chemistry"), std::string::npos);
}

// Every message the car sends carries the VIN, and the backend's schema
// refuses one with I, O or Q: such a header is refused here, at the edge.
TEST(Recording, AVinThatIsNotAVinIsMalformed) {
  for (const char* vin : {"LRW3E7EK5NC00000I", "ORW3E7EK5NC000001", "LRW3E7EK5NQ000001",
                          "lrw3e7ek5nc000001", "LRW3E7EK5NC00001", "LRW3E7EK5NC-00001"}) {
    auto r = parse(std::string(R"({"vehicle": {"vin": ")") + vin + R"("}})");
    ASSERT_TRUE(std::holds_alternative<Rejected>(r)) << vin;
    EXPECT_NE(std::get<Rejected>(r).message.find("vehicle.vin"), std::string::npos) << vin;
    EXPECT_NE(std::get<Rejected>(r).message.find("without I, O, Q"), std::string::npos) << vin;
  }
}

TEST(Recording, CommandLineKeepsItsBody) {
  auto r =
      parse(R"({"ts": 1767225600005, "command": "service-record", "body": {"odometer_km": 100}})");
  const auto* c = std::get_if<Command>(&r);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->name, "service-record");
  EXPECT_EQ(c->body_json, R"({"odometer_km":100})");
}

struct BadLine {
  const char* text;
  RejectKind kind;
};

class RecordingBadLine : public ::testing::TestWithParam<BadLine> {};

TEST_P(RecordingBadLine, IsRejectedWithItsKindAndLine) {
  auto r = parse(GetParam().text);
  const auto* rej = std::get_if<Rejected>(&r);
  ASSERT_NE(rej, nullptr) << GetParam().text;
  EXPECT_EQ(rej->kind, GetParam().kind) << GetParam().text;
  EXPECT_EQ(rej->line, 3U);
  EXPECT_FALSE(rej->message.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, RecordingBadLine,
    ::testing::Values(
        BadLine{"{not json", RejectKind::kMalformed}, BadLine{"[1,2]", RejectKind::kMalformed},
        BadLine{R"({"path": "Vehicle.Speed", "value": 1})", RejectKind::kMalformed},
        BadLine{R"({"ts": -5, "path": "Vehicle.Speed", "value": 1})", RejectKind::kMalformed},
        BadLine{R"({"ts": "now", "path": "Vehicle.Speed", "value": 1})", RejectKind::kMalformed},
        BadLine{R"({"ts": 1767225600001, "path": "Vehicle.Speed"})", RejectKind::kMalformed},
        BadLine{R"({"ts": 1767225600001, "path": "Vehicle.Sped", "value": 1})",
                RejectKind::kUnknownPath},
        BadLine{R"({"ts": 1767225600001, "path": "Vehicle.Speed", "value": {"a": 1}})",
                RejectKind::kWrongType},
        BadLine{R"({"ts": 1767225600001, "path": "Vehicle.Speed", "value": null})",
                RejectKind::kWrongType}));

TEST(Recording, WriterOutputParsesBackToTheSameRecords) {
  testing::TempDir dir;
  const std::vector<Record> records{
      VehicleFacts{std::string("LRW3E7EK5NC000001"), std::string("m"), 75.0, std::string("LFP"),
                   std::string("2024-03-01"), 290.0, 0},
      Sample{kT0 + 1000, sig::kSpeed, 12.25, 0},
      Sample{kT0 + 1000, sig::kIsCharging, true, 0},
      Sample{kT0 + 2000, sig::kDtcList, std::vector<std::string>{"P0A7F"}, 0},
      Command{kT0 + 3000, "report-request", R"({"period_days":30})", 0},
  };
  {
    auto w = RecordingWriter::create(dir.file("r.jsonl"));
    ASSERT_TRUE(w.ok());
    for (const auto& r : records) ASSERT_TRUE(w->write(r).ok());
    ASSERT_TRUE(w->close().ok());
  }
  auto reader = RecordingReader::open(dir.file("r.jsonl"));
  ASSERT_TRUE(reader.ok());
  std::vector<Record> back;
  while (auto r = (*reader)->next()) back.push_back(*r);
  ASSERT_EQ(back.size(), records.size());
  EXPECT_EQ(std::get<Sample>(back[1]).value, std::get<Sample>(records[1]).value);
  EXPECT_EQ(std::get<Sample>(back[2]).value, Value{true});
  EXPECT_EQ(std::get<Sample>(back[3]).value, std::get<Sample>(records[3]).value);
  EXPECT_EQ(std::get<Command>(back[4]).body_json, R"({"period_days":30})");
  EXPECT_EQ(std::get<Sample>(back[3]).line, 4U);
}

TEST(Recording, WriteRecordingSavesASourceThatReadsBackSampleForSample) {
  testing::TempDir dir;
  SimulatorConfig sim;
  sim.days = 1;
  Simulator simulator(sim);
  auto written = writeRecording(simulator, dir.file("day.jsonl"));
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_GT(*written, 1000U);
  auto reader = RecordingReader::open(dir.file("day.jsonl"));
  ASSERT_TRUE(reader.ok());
  std::uint64_t samples = 0;
  while (auto r = (*reader)->next()) samples += std::holds_alternative<Sample>(*r) ? 1 : 0;
  EXPECT_EQ(samples, *written);
}

TEST(Recording, WriteRecordingIntoAMissingFolderIsCannotOpen) {
  SimulatorConfig sim;
  sim.days = 1;
  Simulator simulator(sim);
  auto written = writeRecording(simulator, "/nonexistent/folder/day.jsonl");
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().code, RecordingError::kCannotOpen);
  EXPECT_NE(written.error().message.find("/nonexistent/folder/day.jsonl"), std::string::npos);
}

// Reads every record of a recording; the reader's error after the end.
std::pair<std::vector<Record>, std::string> readAll(const std::string& path) {
  std::vector<Record> out;
  auto reader = RecordingReader::open(path);
  EXPECT_TRUE(reader.ok());
  if (!reader.ok()) return {};
  while (auto r = (*reader)->next()) out.push_back(*r);
  return {out, (*reader)->endError().value_or("")};
}

void gzipFile(const std::string& from, const std::string& to) {
  const std::string text = testing::readFile(from);
  gzFile f = gzopen(to.c_str(), "wb9");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, text.data(), static_cast<unsigned>(text.size())),
            static_cast<int>(text.size()));
  ASSERT_EQ(gzclose(f), Z_OK);
}

// A simulated day as day.jsonl and day.jsonl.gz in `dir`.
void writeDay(const testing::TempDir& dir) {
  SimulatorConfig sim;
  sim.days = 1;
  Simulator simulator(sim);
  ASSERT_TRUE(writeRecording(simulator, dir.file("day.jsonl")).ok());
  gzipFile(dir.file("day.jsonl"), dir.file("day.jsonl.gz"));
}

TEST(Recording, GzipCompressedRecordingReadsLikeThePlainOne) {
  testing::TempDir dir;
  ASSERT_NO_FATAL_FAILURE(writeDay(dir));
  const auto [plain, plain_error] = readAll(dir.file("day.jsonl"));
  const auto [packed, packed_error] = readAll(dir.file("day.jsonl.gz"));
  EXPECT_EQ(plain_error, "");
  EXPECT_EQ(packed_error, "");
  ASSERT_GT(plain.size(), 1000U);
  ASSERT_EQ(packed.size(), plain.size());
  for (std::size_t i = 0; i < plain.size(); i += 97) {
    EXPECT_EQ(formatRecordingLine(packed[i]), formatRecordingLine(plain[i])) << "record " << i;
  }
}

TEST(Recording, TruncatedCompressedRecordingStopsWithAnErrorNamingTheLine) {
  testing::TempDir dir;
  ASSERT_NO_FATAL_FAILURE(writeDay(dir));
  // Cut in the middle, as a copy interrupted by a power cut.
  const std::string packed = testing::readFile(dir.file("day.jsonl.gz"));
  testing::writeFile(dir.file("cut.jsonl.gz"), packed.substr(0, packed.size() / 2));
  const auto [records, error] = readAll(dir.file("cut.jsonl.gz"));
  EXPECT_GT(records.size(), 10U);
  EXPECT_NE(error.find("cut.jsonl.gz: line "), std::string::npos) << error;
}

TEST(Recording, LastLineWithoutNewlineAndCrLfEndingsAreRead) {
  testing::TempDir dir;
  testing::writeFile(dir.file("r.jsonl"),
                     "{\"ts\": 1767225600001, \"path\": \"Vehicle.Speed\", \"value\": 1}\r\n"
                     "{\"ts\": 1767225600002, \"path\": \"Vehicle.Speed\", \"value\": 2}");
  const auto [records, error] = readAll(dir.file("r.jsonl"));
  EXPECT_EQ(error, "");
  ASSERT_EQ(records.size(), 2U);
  EXPECT_EQ(std::get<Sample>(records[1]).value, Value{2.0});
}

TEST(Recording, MissingFileCannotBeOpened) {
  auto r = RecordingReader::open("/nonexistent/r.jsonl");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, RecordingError::kCannotOpen);
}

}  // namespace
}  // namespace crm::vehicle
