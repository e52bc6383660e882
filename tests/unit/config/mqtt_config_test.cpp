// The mqtt section's connection keys: TLS pairs, the user name and its
// password file, the protocol version and the session expiry.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "crm/config/config.h"
#include "crm/testing/temp_dir.h"

namespace crm::config {
namespace {

std::string refusalOf(const Result<Config, ConfigError>& c) {
  return c.ok() ? std::string("(accepted)") : c.error().message;
}

TEST(MqttConfig, DefaultsAre311WithAWeekOfSessionAndNoCredentials) {
  auto c = parseConfig("{}", "a.json");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->mqtt.protocol, sync::MqttProtocol::kV311);
  EXPECT_EQ(c->mqtt.session_expiry_s, 604800);
  EXPECT_TRUE(c->mqtt.username.empty());
  EXPECT_TRUE(c->mqtt.password_file.empty());
}

TEST(MqttConfig, ProtocolFiveAndASessionExpiryAreRead) {
  auto c = parseConfig(R"({"mqtt": {"protocol": "5", "session_expiry_s": 3600}})", "a.json");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->mqtt.protocol, sync::MqttProtocol::kV5);
  EXPECT_EQ(c->mqtt.session_expiry_s, 3600);
}

TEST(MqttConfig, AnUnknownProtocolOrAnOutOfRangeExpiryIsRefusedByKey) {
  EXPECT_NE(refusalOf(parseConfig(R"({"mqtt": {"protocol": "3.1"}})", "a.json"))
                .find("a.json: mqtt.protocol: expected one of 3.1.1, 5"),
            std::string::npos);
  EXPECT_NE(refusalOf(parseConfig(R"({"mqtt": {"protocol": 5}})", "a.json")).find("mqtt.protocol"),
            std::string::npos);
  for (const char* expiry : {"0", "59", "4294967296", "-1"}) {
    const auto msg = refusalOf(
        parseConfig(std::string(R"({"mqtt": {"session_expiry_s": )") + expiry + "}}", "a.json"));
    EXPECT_NE(msg.find("a.json: mqtt.session_expiry_s:"), std::string::npos) << expiry << msg;
  }
  EXPECT_TRUE(parseConfig(R"({"mqtt": {"session_expiry_s": 4294967295}})", "a.json").ok());
}

TEST(MqttConfig, ACertificateWithoutItsKeyOrAKeyWithoutItsCertificateIsRefused) {
  EXPECT_NE(refusalOf(parseConfig(R"({"mqtt": {"tls": {"cert_file": "c.pem"}}})", "a.json"))
                .find("a.json: mqtt.tls: cert_file is set without key_file"),
            std::string::npos);
  EXPECT_NE(refusalOf(parseConfig(R"({"mqtt": {"tls": {"key_file": "k.pem"}}})", "a.json"))
                .find("a.json: mqtt.tls: key_file is set without cert_file"),
            std::string::npos);
}

TEST(MqttConfig, APasswordFileWithoutAUserNameIsRefused) {
  const auto msg = refusalOf(parseConfig(R"({"mqtt": {"password_file": "pw"}})", "a.json"));
  EXPECT_NE(msg.find("a.json: mqtt.password_file: expected mqtt.username too"), std::string::npos)
      << msg;
}

class PasswordFile : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::writeFile(dir_.file("a.json"),
                       R"({"mqtt": {"username": "car-1", "password_file": "pw"}})");
  }
  Result<Config, ConfigError> load() { return loadConfig(dir_.file("a.json")); }
  testing::TempDir dir_;
};

TEST_F(PasswordFile, AnOwnerOnlyFileIsAcceptedAndResolvedBesideTheConfiguration) {
  testing::writeFile(dir_.file("pw"), "s3cret\n");
  ASSERT_EQ(chmod(dir_.file("pw").c_str(), 0600), 0);
  auto c = load();
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->mqtt.password_file, dir_.file("pw"));
  EXPECT_EQ(c->mqtt.username, "car-1");
}

TEST_F(PasswordFile, AMissingFileIsRefusedNamingKeyAndFile) {
  const auto msg = refusalOf(load());
  EXPECT_EQ(msg,
            dir_.file("a.json") + ": mqtt.password_file: " + dir_.file("pw") + ": no such file");
}

TEST_F(PasswordFile, AFileGroupOrOthersMayReadIsRefusedNamingItsModeNotItsContent) {
  testing::writeFile(dir_.file("pw"), "s3cret\n");
  ASSERT_EQ(chmod(dir_.file("pw").c_str(), 0644), 0);
  const auto msg = refusalOf(load());
  EXPECT_NE(msg.find("mqtt.password_file: " + dir_.file("pw") + ": has mode 0644"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("the MQTT password must be readable by its owner only"), std::string::npos)
      << msg;
  EXPECT_EQ(msg.find("s3cret"), std::string::npos);
}

TEST_F(PasswordFile, AFolderIsRefusedAsNotARegularFile) {
  ASSERT_EQ(mkdir(dir_.file("pw").c_str(), 0700), 0);
  EXPECT_NE(refusalOf(load()).find("not a regular file"), std::string::npos);
}

}  // namespace
}  // namespace crm::config
