// Issue 8, classes 4-6 for the configuration and the maintenance schedule:
// hostile nesting and sizes, files that are not files, dates and times at
// the edge, syntax errors with their line and column, and files named in
// the configuration checked at load. Every refusal names the file and what
// was wrong (the daemon turns it into exit code 2).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "crm/config/config.h"
#include "crm/config/maintenance.h"
#include "crm/testing/temp_dir.h"

namespace crm::config {
namespace {

std::string refusal(const Result<Config, ConfigError>& r) {
  EXPECT_FALSE(r.ok());
  return r.ok() ? std::string() : r.error().message;
}

std::string deep(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

// --- class 4: hostile structure and sizes -----------------------------------

TEST(HostileConfig, NestingOf70000LevelsIsRefusedBeforeParsing) {
  const auto msg =
      refusal(parseConfig("{\"vehicle\": {\"model\": " + deep(70000) + "}}", "a.json"));
  EXPECT_EQ(msg, "a.json: nesting deeper than 64 levels at byte 85");
}

TEST(HostileConfig, AConfigurationOverOneMebibyteIsRefusedWithTheLimit) {
  const std::string text = "{\"log\": {\"level\": \"info\"}}" + std::string(1 << 20, ' ');
  EXPECT_EQ(refusal(parseConfig(text, "a.json")),
            "a.json: 1048602 bytes; at most 1048576 are accepted");
}

TEST(HostileConfig, AFolderDevZeroAndAFifoAreNamedForWhatTheyAre) {
  testing::TempDir dir;
  ASSERT_EQ(mkfifo(dir.file("fifo").c_str(), 0600), 0);
  const std::pair<std::string, std::string> cases[] = {
      {dir.path(), dir.path() + ": is a directory"},
      {"/dev/zero", "/dev/zero: not a regular file (a character device)"},
      {dir.file("fifo"), dir.file("fifo") + ": not a regular file (a FIFO)"},
  };
  for (const auto& [path, expected] : cases) {
    auto c = loadConfig(path);
    ASSERT_FALSE(c.ok()) << path;
    EXPECT_EQ(c.error().code, ConfigError::kCannotRead);
    EXPECT_EQ(c.error().message.rfind(expected, 0), 0U) << c.error().message;
  }
}

TEST(HostileConfig, ABigFileOnDiskIsRefusedWithoutReadingIt) {
  testing::TempDir dir;
  testing::writeFile(dir.file("big.json"), "{}" + std::string(3 << 20, '\n'));
  auto c = loadConfig(dir.file("big.json"));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("big.json: larger than 1048576 bytes"), std::string::npos)
      << c.error().message;
}

TEST(HostileConfig, AScheduleThatIsAFolderIsNamedAsOneNotAsBadJson) {
  testing::TempDir dir;
  ASSERT_EQ(mkdir(dir.file("sched").c_str(), 0700), 0);
  testing::writeFile(dir.file("a.json"), R"({"maintenance": {"schedule": "sched"}})");
  const auto msg = refusal(loadConfig(dir.file("a.json")));
  EXPECT_NE(msg.find("a.json: maintenance.schedule: " + dir.file("sched") + ": is a directory"),
            std::string::npos)
      << msg;
  EXPECT_EQ(msg.find("not valid JSON"), std::string::npos) << msg;
}

TEST(HostileConfig, AScheduleNestedTooDeepOrTooLargeIsRefused) {
  auto deep_table = parseMaintenance("{\"models\": {\"default\": " + deep(40000) + "}}", "m.json");
  ASSERT_FALSE(deep_table.ok());
  EXPECT_EQ(deep_table.error().message, "m.json: nesting deeper than 64 levels at byte 86");
  auto big = parseMaintenance(std::string((1 << 20) + 1, ' '), "m.json");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().message, "m.json: 1048577 bytes; at most 1048576 are accepted");
}

// --- class 5: times and dates at the edge ------------------------------------

TEST(HostileConfig, DeliveredDatesThatDoNotExistOrAreOutOfRangeAreRefused) {
  for (const char* date : {"2026-02-30", "2025-02-29", "2026-04-31", "1999-12-31", "2100-01-01",
                           "9999-12-31", "2026-1-1"}) {
    const auto msg = refusal(
        parseConfig(std::string(R"({"vehicle": {"delivered": ")") + date + "\"}}", "a.json"));
    EXPECT_EQ(msg,
              "a.json: vehicle.delivered: expected a date YYYY-MM-DD that exists, from "
              "2000-01-01 to 2099-12-31")
        << date;
  }
  EXPECT_TRUE(parseConfig(R"({"vehicle": {"delivered": "2028-02-29"}})", "a.json").ok());
}

TEST(HostileConfig, SimulatorStartOutside2000To2100IsRefused) {
  for (const char* ms : {"0", "946684799999", "4102444800000", "9223372036854775807",
                         "18446744073709551615", "-1"}) {
    const auto msg = refusal(parseConfig(
        std::string(R"({"source": {"simulator": {"start_ms": )") + ms + "}}}", "a.json"));
    EXPECT_EQ(msg,
              "a.json: source.simulator.start_ms: expected an integer in "
              "946684800000..4102444799999")
        << ms;
  }
}

// --- class 6: messages that say what failed, where and why -------------------

TEST(HostileConfig, ASyntaxErrorNamesItsLineAndColumn) {
  const std::string text = "{\n  \"mqtt\": {\n    \"broker\": \"tcp://x:1883\",\n  }\n}\n";
  const auto msg = refusal(parseConfig(text, "a.json"));
  EXPECT_EQ(msg.rfind("a.json:4:3: not valid JSON (syntax error", 0), 0U) << msg;
}

TEST(HostileConfig, ASyntaxErrorInTheScheduleNamesItsLineAndColumnToo) {
  auto t = parseMaintenance(
      "{\"models\": {\n\"default\": {\"tire_rotation\": {\"every_km\": 1x}}}}", "m.json");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message.rfind("m.json:2:", 0), 0U) << t.error().message;
  EXPECT_NE(t.error().message.find("not valid JSON"), std::string::npos);
}

TEST(HostileConfig, TruncatedFileNamesTheEnd) {
  const auto msg = refusal(parseConfig("{\n\"vehicle\": ", "a.json"));
  EXPECT_EQ(msg.rfind("a.json:2:", 0), 0U) << msg;
}

TEST(HostileConfig, TlsFilesMustExistAndBeReadableAtLoad) {
  testing::TempDir dir;
  testing::writeFile(dir.file("ca.pem"), "not checked for content here");
  ASSERT_EQ(mkdir(dir.file("certs").c_str(), 0700), 0);
  const std::pair<std::string, std::string> cases[] = {
      {R"({"mqtt": {"tls": {"ca_file": "missing.pem"}}})",
       "a.json: mqtt.tls.ca_file: " + dir.file("missing.pem") + ": no such file"},
      {R"({"mqtt": {"tls": {"ca_file": "ca.pem", "cert_file": "certs", "key_file": "ca.pem"}}})",
       "a.json: mqtt.tls.cert_file: " + dir.file("certs") + ": is a directory"},
      {R"({"mqtt": {"tls": {"ca_file": "ca.pem", "cert_file": "ca.pem", "key_file": "/dev/zero"}}})",
       "a.json: mqtt.tls.key_file: /dev/zero: not a regular file (a character device)"},
  };
  for (const auto& [text, expected] : cases) {
    testing::writeFile(dir.file("a.json"), text);
    auto c = loadConfig(dir.file("a.json"));
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_EQ(c.error().code, ConfigError::kInvalid);
    EXPECT_EQ(c.error().message, dir.path() + "/" + expected) << text;
  }
  testing::writeFile(dir.file("a.json"), R"({"mqtt": {"tls": {"ca_file": "ca.pem"}}})");
  auto ok = loadConfig(dir.file("a.json"));
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->mqtt.tls.ca_file, dir.file("ca.pem"));
}

}  // namespace
}  // namespace crm::config
