// Where the server listens: loopback TCP only unless allowed, or a Unix
// socket with mode 0660 that replaces a stale file and nothing else.
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>

#include "crm/localapi/hmi_routes.h"
#include "crm/localapi/server.h"
#include "crm/testing/temp_dir.h"
#include "harness.h"

namespace crm::localapi::testing {
namespace {

using crm::testing::TempDir;

Result<std::unique_ptr<Server>, ServerError> make(boost::asio::io_context& io, Options o,
                                                  FakeBackend& backend) {
  std::vector<Mount> mounts;
  mounts.push_back(hmiMount(backend));
  return Server::create(io, std::move(o), std::move(mounts));
}

TEST(ListenTest, NonLoopbackAddressIsRefusedUnlessAllowed) {
  boost::asio::io_context io;
  FakeBackend backend;
  auto o = testOptions();
  o.address = "0.0.0.0";

  auto refused = make(io, o, backend);
  o.allow_non_loopback = true;
  auto allowed = make(io, o, backend);

  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ServerError::kNotLoopback);
  EXPECT_NE(refused.error().message.find("allow_non_loopback"), std::string::npos);
  ASSERT_TRUE(allowed.ok()) << allowed.error().message;
  EXPECT_GT((*allowed)->port(), 0);
}

TEST(ListenTest, LoopbackAddressesAreAccepted) {
  boost::asio::io_context io;
  FakeBackend backend;
  for (const char* address : {"127.0.0.1", "localhost", "::1", "127.0.0.2"}) {
    auto o = testOptions();
    o.address = address;
    auto server = make(io, o, backend);
    if (std::string_view(address) == "::1" && !server) {
      // IPv6 may be off here: then a listen error, never a refusal.
      EXPECT_EQ(server.error().code, ServerError::kListen);
      continue;
    }
    EXPECT_TRUE(server.ok()) << address << ": " << server.error().message;
  }
}

TEST(ListenTest, BadOptionsAreRefusedNamingTheField) {
  boost::asio::io_context io;
  FakeBackend backend;
  auto o = testOptions();
  o.max_streams = 0;
  auto bad_streams = make(io, o, backend);
  o = testOptions();
  o.address = "head-unit.local";
  auto bad_address = make(io, o, backend);

  ASSERT_FALSE(bad_streams.ok());
  EXPECT_EQ(bad_streams.error().code, ServerError::kInvalidOptions);
  EXPECT_NE(bad_streams.error().message.find("local_api.max_streams"), std::string::npos);
  ASSERT_FALSE(bad_address.ok());
  EXPECT_NE(bad_address.error().message.find("not an IP address"), std::string::npos);
}

TEST(ListenTest, PortInUseIsAListenError) {
  ServerHarness first;
  boost::asio::io_context io;
  FakeBackend backend;
  auto o = testOptions();
  o.port = first.port();

  auto second = make(io, o, backend);

  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ServerError::kListen);
}

TEST(ListenTest, UnixSocketServesWithMode0660) {
  TempDir dir;
  auto o = testOptions();
  o.unix_socket = dir.file("api.sock");
  ServerHarness server(o);

  struct stat st {};
  ASSERT_EQ(::stat(o.unix_socket.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0660u);
  EXPECT_EQ(server.port(), 0);
  Client c(o.unix_socket);
  ASSERT_TRUE(c.connected());
  c.send(rawRequest("GET", "/hmi/v1/prompts"));
  EXPECT_EQ(c.read().status, 200);
}

TEST(ListenTest, StaleSocketFileIsReplacedAndRemovedAtStop) {
  TempDir dir;
  const auto path = dir.file("api.sock");
  {  // a socket file whose server is gone
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ::close(fd);
  }
  ASSERT_TRUE(std::filesystem::exists(path));
  auto o = testOptions();
  o.unix_socket = path;
  {
    ServerHarness server(o);
    Client c(path);
    c.send(rawRequest("GET", "/hmi/v1/prompts"));
    EXPECT_EQ(c.read().status, 200);
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(ListenTest, LiveSocketAndOtherFilesAreNotReplaced) {
  TempDir dir;
  auto o = testOptions();
  o.unix_socket = dir.file("api.sock");
  ServerHarness live(o);
  boost::asio::io_context io;
  FakeBackend backend;

  auto second = make(io, o, backend);
  crm::testing::writeFile(dir.file("plain"), "keep me");
  o.unix_socket = dir.file("plain");
  auto over_file = make(io, o, backend);

  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find("in use"), std::string::npos);
  ASSERT_FALSE(over_file.ok());
  EXPECT_NE(over_file.error().message.find("not a socket"), std::string::npos);
  EXPECT_EQ(crm::testing::readFile(dir.file("plain")), "keep me");
  Client c(dir.file("api.sock"));  // the live one still serves
  c.send(rawRequest("GET", "/hmi/v1/prompts"));
  EXPECT_EQ(c.read().status, 200);
}

TEST(ListenTest, StopClosesOpenConnections) {
  auto server = std::make_unique<ServerHarness>();
  Client c(server->port());
  c.send(rawRequest("GET", "/hmi/v1/events", "", "", true));
  server->waitFor([](const ServerStats& s) { return s.streams == 1; });

  server.reset();

  EXPECT_TRUE(c.closedWithin(std::chrono::milliseconds(2000)));
}

}  // namespace
}  // namespace crm::localapi::testing
