#include "crm/config/config.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "crm/testing/temp_dir.h"

namespace crm::config {
namespace {

Result<Config, ConfigError> parse(const std::string& text) {
  return parseConfig(text, "agent.json");
}

TEST(Config, EmptyObjectGivesDocumentedDefaults) {
  auto c = parse("{}");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->storage.quota_mib, 64);
  EXPECT_EQ(c->mqtt.prefix, "crm/v1/vehicles");
  EXPECT_EQ(c->mqtt.client_id, "crm-agent-" + c->vehicle.vin);
  EXPECT_EQ(c->engagement.max_prompts_per_day, 3);
  EXPECT_FALSE(c->privacy.share_location);
}

TEST(Config, ShippedDefaultFileLoads) {
  auto c = loadConfig(CRM_SOURCE_DIR "/config/agent.json");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->vehicle.vin.size(), 17U);
}

TEST(Config, UnknownKeyIsNamedWithItsPath) {
  auto c = parse(R"({"mqtt": {"brokr": "tcp://x:1883"}})");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ConfigError::kInvalid);
  EXPECT_NE(c.error().message.find("agent.json: mqtt.brokr: unknown key"), std::string::npos)
      << c.error().message;
}

TEST(Config, WrongTypeNamesKeyAndExpectation) {
  auto c = parse(R"({"storage": {"quota_mib": "big"}})");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("storage.quota_mib: expected an integer in 4.."),
            std::string::npos)
      << c.error().message;
}

TEST(Config, OutOfRangeValueIsRejected) {
  auto c = parse(R"({"vehicle": {"nominal_capacity_kwh": 0}})");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("vehicle.nominal_capacity_kwh"), std::string::npos);
}

TEST(Config, BadVinIsRejected) {
  auto c = parse(R"({"vehicle": {"vin": "LRW3E7EK5NC00000I"}})");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("vehicle.vin"), std::string::npos);
}

TEST(Config, BadBrokerUriIsRejected) {
  auto c = parse(R"({"mqtt": {"broker": "localhost:1883"}})");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("mqtt.broker: expected a broker URI"), std::string::npos);
}

TEST(Config, QuietHoursAreParsedAsLocalMinutes) {
  auto c = parse(R"({"engagement": {"quiet_hours": {"start": "21:30", "end": "06:15"}}})");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->engagement.quiet_start_minute, 21 * 60 + 30);
  EXPECT_EQ(c->engagement.quiet_end_minute, 6 * 60 + 15);
}

TEST(Config, MalformedClockIsRejected) {
  auto c = parse(R"({"engagement": {"quiet_hours": {"start": "25:00"}}})");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("engagement.quiet_hours.start"), std::string::npos);
}

TEST(Config, EngagementThresholdsAndTimeZoneAreTheEngagementComponentsToCheck) {
  auto c = parse(R"({"engagement": {"time_zone": "Europe/Berlin",
                                    "thresholds": {"tyre_low_percent": 18}}})");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->engagement.time_zone, "Europe/Berlin");
  EXPECT_EQ(c->engagement.thresholds.tyre_low_percent, 18);

  auto unknown_zone = parse(R"({"engagement": {"time_zone": "Mars/Olympus_Mons"}})");
  ASSERT_FALSE(unknown_zone.ok());
  EXPECT_NE(unknown_zone.error().message.find("Mars/Olympus_Mons"), std::string::npos)
      << unknown_zone.error().message;
  auto unknown_key = parse(R"({"engagement": {"thresholds": {"tyre_lowest": 1}}})");
  ASSERT_FALSE(unknown_key.ok());
  EXPECT_NE(unknown_key.error().message.find("engagement.thresholds.tyre_lowest"),
            std::string::npos)
      << unknown_key.error().message;
}

TEST(Config, LocalApiKeysAreReadAndCheckedTogether) {
  auto c = parse(R"({"local_api": {"port": 0, "max_connections": 8, "max_streams": 2,
                                   "unix_socket": "/run/crm-agent/hmi.sock"}})");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->local_api.port, 0);
  EXPECT_EQ(c->local_api.max_streams, 2);
  EXPECT_EQ(c->local_api.unix_socket, "/run/crm-agent/hmi.sock");

  auto streams = parse(R"({"local_api": {"max_connections": 2, "max_streams": 3}})");
  ASSERT_FALSE(streams.ok());
  EXPECT_NE(streams.error().message.find("local_api.max_streams"), std::string::npos)
      << streams.error().message;
  auto port = parse(R"({"local_api": {"port": 70000}})");
  ASSERT_FALSE(port.ok());
  EXPECT_NE(port.error().message.find("local_api.port"), std::string::npos);
}

TEST(Config, RecordingSourceNeedsAPath) {
  auto c = parse(R"({"source": {"kind": "recording"}})");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("source.recording"), std::string::npos);
}

TEST(Config, InvalidJsonIsReported) {
  auto c = parse("{\"vehicle\": ");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("not valid JSON"), std::string::npos);
}

TEST(Config, InjectedDtcsAreReadAndABadOneIsNamedByIndex) {
  auto ok = parse(R"({"source": {"simulator": {"dtcs": [{"code": "P0A7F", "on_day": 3}]}}})");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  ASSERT_EQ(ok->source.simulator.dtcs.size(), 1U);
  EXPECT_EQ(ok->source.simulator.dtcs[0].code, "P0A7F");
  auto bad = parse(R"({"source": {"simulator": {"dtcs": [{"code": "P0A7F"}, {"code": "X1"}]}}})");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("source.simulator.dtcs[1].code"), std::string::npos)
      << bad.error().message;
}

TEST(Config, MissingFileIsCannotRead) {
  auto c = loadConfig("/nonexistent/agent.json");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ConfigError::kCannotRead);
}

TEST(Config, RelativePathsResolveAgainstTheFilesFolder) {
  testing::TempDir dir;
  testing::writeFile(dir.file("a.json"), R"({"storage": {"path": "state/cache.db"}})");
  auto c = loadConfig(dir.file("a.json"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->storage.path, dir.path() + "/state/cache.db");
}

TEST(Config, SimulatorSettingsFollowTheVehicle) {
  auto c = parse(R"({"vehicle": {"nominal_capacity_kwh": 60, "chemistry": "LFP"},
                    "source": {"simulator": {"profile": "logistics", "days": 3}}})");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->source.simulator.nominal_capacity_kwh, 60);
  EXPECT_EQ(c->source.simulator.chemistry, "LFP");
  EXPECT_EQ(c->source.simulator.profile, vehicle::UsageProfile::kLogistics);
  EXPECT_EQ(c->source.simulator.days, 3);
}

TEST(Config, TheTechnicianTokenFileIsRelativeToTheConfigAndMustBePrivate) {
  testing::TempDir dir;
  testing::writeFile(dir.file("a.json"),
                     R"({"local_api": {"technician_token_file": "technician.token"}})");
  const std::string token = dir.file("technician.token");
  testing::writeFile(token, "0123456789abcdef-technician\n");
  ASSERT_EQ(::chmod(token.c_str(), 0600), 0);
  auto ok = loadConfig(dir.file("a.json"));
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->local_api.technician_token_file, token);

  ASSERT_EQ(::chmod(token.c_str(), 0644), 0);
  auto loose = loadConfig(dir.file("a.json"));
  ASSERT_FALSE(loose.ok());
  EXPECT_EQ(loose.error().code, ConfigError::kInvalid);
  const std::string& why = loose.error().message;
  EXPECT_NE(why.find("local_api.technician_token_file"), std::string::npos) << why;
  EXPECT_NE(why.find(token), std::string::npos) << why;
  EXPECT_NE(why.find("0644"), std::string::npos) << why;

  ASSERT_EQ(::unlink(token.c_str()), 0);
  auto missing = loadConfig(dir.file("a.json"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("no such file"), std::string::npos);
}

TEST(Config, AnEmptyTechnicianTokenFileKeyMeansNoTechnicianApi) {
  auto c = parse(R"({"local_api": {"technician_token_file": ""}})");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_TRUE(c->local_api.technician_token_file.empty());
  EXPECT_TRUE(parse("{}")->local_api.technician_token_file.empty());
}

}  // namespace
}  // namespace crm::config
