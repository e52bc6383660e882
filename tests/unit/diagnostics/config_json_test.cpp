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
