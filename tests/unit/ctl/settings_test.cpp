// Settings: the configuration file, where the API is, the token file.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crm/testing/temp_dir.h"
#include "output_file.h"
#include "settings.h"

namespace crm::ctl {
namespace {

TEST(Settings, AConfigurationFileGivesTheApiAddress) {
  testing::TempDir dir;
  testing::writeFile(dir.file("agent.json"),
                     R"({"local_api": {"address": "127.0.0.1", "port": 9911}})");
  CtlOptions o;
  o.config_path = dir.file("agent.json");
  auto s = loadSettings(o);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->origin, o.config_path);
  auto e = endpointFor(o, s->config);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->name(), "127.0.0.1:9911");
}

TEST(Settings, ACarsConfigurationLoadsWhereItsTlsAndTokenFilesAreNot) {
  // Offline, on a technician's machine: the files only the daemon opens
  // are not there, and need not be.
  testing::TempDir dir;
  testing::writeFile(dir.file("agent.json"), R"({
    "mqtt": {"tls": {"ca_file": "/etc/crm-agent/ca.pem", "cert_file": "/etc/crm-agent/car.pem",
                     "key_file": "/etc/crm-agent/key.pem"}},
    "storage": {"path": "cache.db"},
    "local_api": {"technician_token_file": "technician.token"}})");
  CtlOptions o;
  o.config_path = dir.file("agent.json");
  auto s = loadSettings(o);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->config.local_api.technician_token_file, dir.file("technician.token"));
  EXPECT_EQ(s->config.storage.path, dir.file("cache.db"));
}

TEST(Settings, ABadConfigurationIsABadFileNamingTheKey) {
  testing::TempDir dir;
  testing::writeFile(dir.file("agent.json"), R"({"local_api": {"port": "many"}})");
  CtlOptions o;
  o.config_path = dir.file("agent.json");
  auto s = loadSettings(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(exitCode(s.error().code), 2);
  EXPECT_NE(s.error().message.find("local_api.port"), std::string::npos) << s.error().message;
}

TEST(Settings, AMissingConfigurationNamedOnTheCommandLineIsABadFile) {
  CtlOptions o;
  o.config_path = "/nonexistent/agent.json";
  auto s = loadSettings(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(exitCode(s.error().code), 2);
  EXPECT_NE(s.error().message.find("/nonexistent/agent.json"), std::string::npos);
}

TEST(Settings, UrlAndSocketOverrideTheConfiguration) {
  config::Config c;
  c.local_api.unix_socket = "/run/crm-agent/api.sock";
  CtlOptions o;
  EXPECT_EQ(endpointFor(o, c)->unix_socket, "/run/crm-agent/api.sock");
  o.socket = "/tmp/other.sock";
  EXPECT_EQ(endpointFor(o, c)->unix_socket, "/tmp/other.sock");
  o.socket.clear();
  o.url = "http://localhost:8000";
  const auto e = endpointFor(o, c);
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->unix_socket.empty());
  EXPECT_EQ(e->name(), "127.0.0.1:8000");
}

TEST(Settings, UrlsAreCheckedStrictly) {
  EXPECT_EQ(parseUrl("http://[::1]:8790/")->name(), "[::1]:8790");
  EXPECT_EQ(parseUrl("http://127.0.0.1")->port, 80);
  for (const char* bad :
       {"https://127.0.0.1:1", "127.0.0.1:8790", "http://example.com:1", "http://127.0.0.1:0",
        "http://127.0.0.1:99999", "http://127.0.0.1:1/x", "http://[::1"}) {
    const auto e = parseUrl(bad);
    ASSERT_FALSE(e.ok()) << bad;
    EXPECT_EQ(exitCode(e.error().code), 2);
    EXPECT_NE(e.error().message.find(bad), std::string::npos) << e.error().message;
  }
}

TEST(Settings, WithoutATokenFileItIsAUsageError) {
  CtlOptions o;
  const auto t = tokenFileFor(o, Settings{});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(exitCode(t.error().code), 2);
  EXPECT_NE(t.error().message.find("--token-file"), std::string::npos);
  o.token_file = "/etc/t";
  EXPECT_EQ(*tokenFileFor(o, Settings{}), "/etc/t");
}

TEST(Settings, TheTokenFileComesFromTheConfigurationUnlessGiven) {
  Settings s;
  s.config.local_api.technician_token_file = "/etc/crm-agent/technician.token";
  CtlOptions o;
  EXPECT_EQ(*tokenFileFor(o, s), "/etc/crm-agent/technician.token");
  o.token_file = "/tmp/other.token";
  EXPECT_EQ(*tokenFileFor(o, s), "/tmp/other.token");
}

TEST(Settings, TheTokenIsReadWithoutItsLineBreak) {
  testing::TempDir dir;
  testing::writeFile(dir.file("token"), "  s3cret-token\n");
  EXPECT_EQ(*readToken(dir.file("token")), "s3cret-token");
}

TEST(Settings, AnEmptyOrMissingTokenFileIsABadFile) {
  testing::TempDir dir;
  testing::writeFile(dir.file("token"), "\n\n");
  for (const auto& path : {dir.file("token"), dir.file("missing")}) {
    const auto t = readToken(path);
    ASSERT_FALSE(t.ok()) << path;
    EXPECT_EQ(exitCode(t.error().code), 2);
    EXPECT_NE(t.error().message.find(path), std::string::npos) << t.error().message;
  }
}

TEST(OutputFile, IsWrittenWithTheModeAndReplacesAnOldOne) {
  testing::TempDir dir;
  const std::string path = dir.file("out.json");
  testing::writeFile(path, "old");
  ASSERT_TRUE(writeFileAtomically(path, "new", 0600).ok());
  EXPECT_EQ(testing::readFile(path), "new");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

}  // namespace
}  // namespace crm::ctl
