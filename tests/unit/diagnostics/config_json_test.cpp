// The config view: the file's shape with the values in force, and no secret.
#include <gtest/gtest.h>

#include "crm/diagnostics/diagnostics.h"
#include "crm/testing/temp_dir.h"

namespace crm::diagnostics {
namespace {

using nlohmann::json;

TEST(ConfigJson, TheShippedConfigurationReadsBackKeyForKey) {
  auto loaded = config::loadConfig(std::string(CRM_SOURCE_DIR) + "/config/agent.json");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const json j = configJson(*loaded);
  for (const char* section : {"vehicle", "source", "storage", "mqtt", "local_api", "engagement",
                              "privacy", "maintenance", "reports", "log"}) {
    EXPECT_TRUE(j.contains(section)) << section;
  }
  EXPECT_EQ(j["vehicle"]["vin"], loaded->vehicle.vin);
  EXPECT_EQ(j["storage"]["quota_mib"], 64);
  EXPECT_EQ(j["local_api"]["port"], 8790);
  EXPECT_EQ(j["reports"]["period_days"], 30);
  EXPECT_EQ(j["engagement"]["time_zone"], "Asia/Shanghai");
  EXPECT_EQ(j["mqtt"]["tls"]["key_file"], "");
}

TEST(ConfigJson, TheTlsKeyFileIsRedactedAndTheTokenFileIsOnlyNamed) {
  config::Config c;
  c.mqtt.tls.ca_file = "/etc/crm-agent/ca.pem";
  c.mqtt.tls.key_file = "/etc/crm-agent/secret-client-key.pem";
  c.local_api.technician_token_file = "/etc/crm-agent/technician.token";
  const json j = configJson(c);
  EXPECT_EQ(j["mqtt"]["tls"]["key_file"], "<redacted>");
  EXPECT_EQ(j["mqtt"]["tls"]["ca_file"], "/etc/crm-agent/ca.pem");
  EXPECT_EQ(j["local_api"]["technician_token_file"], "/etc/crm-agent/technician.token");
  EXPECT_EQ(j.dump().find("secret-client-key"), std::string::npos);
}

TEST(ConfigJson, TheMqttPasswordFileIsRedactedAndThePasswordNeverAppears) {
  testing::TempDir dir;
  testing::writeFile(dir.file("secret-mqtt-password"), "hunter2-car-password\n");
  config::Config c;
  c.mqtt.username = "LRW3E7EK5NC000001";
  c.mqtt.password_file = dir.file("secret-mqtt-password");
  c.mqtt.protocol = sync::MqttProtocol::kV5;
  const json j = configJson(c);
  EXPECT_EQ(j["mqtt"]["password_file"], "<redacted>");
  EXPECT_EQ(j["mqtt"]["username"], "LRW3E7EK5NC000001");
  EXPECT_EQ(j["mqtt"]["protocol"], "5");
  EXPECT_EQ(j["mqtt"]["session_expiry_s"], 7 * 24 * 3600);
  EXPECT_EQ(j.dump().find("hunter2"), std::string::npos);
  EXPECT_EQ(j.dump().find("secret-mqtt-password"), std::string::npos);
}

TEST(ConfigJson, ANewMqttKeyWithoutAValueInTheViewIsCaught) {
  // Every key the loader accepts under mqtt appears in the view: a secret
  // key added later must be decided on here (shown or redacted).
  config::Config c;
  const json j = configJson(c);
  for (const char* key : {"enabled", "broker", "client_id", "prefix", "tls", "username",
                          "password_file", "protocol", "session_expiry_s", "keepalive_s",
                          "reconnect_min_ms", "reconnect_max_ms", "max_inflight"}) {
    EXPECT_TRUE(j["mqtt"].contains(key)) << key;
  }
  EXPECT_EQ(j["mqtt"].size(), 13U) << j["mqtt"].dump();
}

TEST(ConfigJson, ReadingTheViewNeverOpensTheTokenFile) {
  // The token file exists and holds a token: the view must not carry it.
  testing::TempDir dir;
  testing::writeFile(dir.file("token"), "s3cr3t-technician-token\n");
  config::Config c;
  c.local_api.technician_token_file = dir.file("token");
  EXPECT_EQ(configJson(c).dump().find("s3cr3t"), std::string::npos);
}

}  // namespace
}  // namespace crm::diagnostics
