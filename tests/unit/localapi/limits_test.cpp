// What one client can make the server hold or wait for: bodies, headers,
// slow and idle clients, too many connections, and a long mixed run after
// which nothing is left behind.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "harness.h"

namespace crm::localapi::testing {
namespace {

using std::chrono::milliseconds;

std::string errorCode(const HttpResponse& r) {
  const auto j = nlohmann::json::parse(r.body, nullptr, false);
  return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
}

const std::string kJson = "Content-Type: application/json\r\n";

TEST(LimitsTest, BodyOverTheLimitIs413AndTheBackendIsNotCalled) {
  ServerHarness server;
  const std::string body = R"({"action":"accept","pad":")" + std::string(5000, 'x') + "\"}";
  Client c(server.port());

  c.send(rawRequest("POST", "/hmi/v1/prompts/1/actions", body, kJson));
  const auto r = c.read();

  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(errorCode(r), "payload_too_large");
  EXPECT_TRUE(c.closedWithin(milliseconds(3000)));
  EXPECT_TRUE(server.backend().actions().empty());
}

TEST(LimitsTest, ChunkedBodyOverTheLimitIs413) {
  ServerHarness server;
  Client c(server.port());
  std::string req = "POST /hmi/v1/prompts/1/actions HTTP/1.1\r\nHost: x\r\n" + kJson +
                    "Transfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 5; ++i) req += "400\r\n" + std::string(1024, ' ') + "\r\n";
  req += "0\r\n\r\n";

  c.send(req);
  const auto r = c.read();

  EXPECT_EQ(r.status, 413);
  EXPECT_TRUE(server.backend().actions().empty());
}

TEST(LimitsTest, HeadersOverTheLimitAre431) {
  ServerHarness server;
  Client c(server.port());

  c.send(rawRequest("GET", "/hmi/v1/prompts", "", "X-Filler: " + std::string(9000, 'a') + "\r\n"));
  const auto r = c.read();

  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(errorCode(r), "headers_too_large");
  EXPECT_EQ(server.backend().promptReads(), 0);
}

TEST(LimitsTest, NotHttpIs400AndClosed) {
  ServerHarness server;
  Client c(server.port());

  c.send("HELLO THERE\r\n\r\n");
  const auto r = c.read();

  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorCode(r), "malformed_request");
  EXPECT_TRUE(c.closedWithin(milliseconds(3000)));
}

// DNS rebinding: a page elsewhere points its own name at 127.0.0.1 and has
// the head unit's browser post an action. Its Host gives it away.
TEST(LimitsTest, ARequestForAnotherHostIsRefusedAndReachesNothing) {
  ServerHarness server;
  const std::string body = R"({"action": "accept"})";
  for (const std::string host : {"evil.example", "evil.example:8790", "10.0.0.7"}) {
    Client c(server.port());
    ASSERT_TRUE(c.send("POST /hmi/v1/prompts/1/actions HTTP/1.1\r\nHost: " + host +
                       "\r\nContent-Type: application/json\r\nContent-Length: " +
                       std::to_string(body.size()) + "\r\n\r\n" + body));
    const auto r = c.read();
    EXPECT_EQ(r.status, 403) << host;
    EXPECT_NE(r.body.find("forbidden_host"), std::string::npos) << r.body;
  }
  EXPECT_TRUE(server.backend().actions().empty());
  for (const std::string host : {"localhost", "127.0.0.1:8790", "[::1]:8790"}) {
    Client c(server.port());
    ASSERT_TRUE(c.send("GET /hmi/v1/prompts HTTP/1.1\r\nHost: " + host + "\r\n\r\n"));
    EXPECT_EQ(c.read().status, 200) << host;
  }
}

TEST(LimitsTest, ClientThatSendsHalfARequestIsClosedAfterTheReadTimeout) {
  auto o = testOptions();
  o.read_timeout_ms = 300;
  ServerHarness server(o);
  Client c(server.port());
  c.send("GET /hmi/v1/prompts HTTP/1.1\r\nHost: x\r\n");  // and stalls
  const auto start = std::chrono::steady_clock::now();

  const bool closed = c.closedWithin(milliseconds(3000));

  EXPECT_TRUE(closed);
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(200));
  const auto s = server.waitFor([](const ServerStats& st) { return st.connections == 0; });
  EXPECT_EQ(s.timeouts, 1u);
  EXPECT_EQ(s.connections, 0u);
}

TEST(LimitsTest, KeepAliveServesSeveralRequestsThenClosesWhenIdle) {
  auto o = testOptions();
  o.idle_timeout_ms = 500;
  ServerHarness server(o);
  Client c(server.port());

  for (int i = 0; i < 3; ++i) {
    c.send(rawRequest("GET", "/hmi/v1/prompts", "", "", /*keep_alive=*/true));
    EXPECT_EQ(c.read().status, 200) << i;
  }
  EXPECT_FALSE(c.closedWithin(milliseconds(100)));  // still open right after
  EXPECT_TRUE(c.closedWithin(milliseconds(3000)));

  EXPECT_EQ(server.waitFor([](const ServerStats& s) { return s.connections == 0; }).connections,
            0u);
  EXPECT_EQ(server.backend().promptReads(), 3);
}

TEST(LimitsTest, PipelinedRequestsAreAnsweredInOrder) {
  ServerHarness server;
  Client c(server.port());

  c.send(rawRequest("GET", "/hmi/v1/prompts", "", "", true) +
         rawRequest("GET", "/nothing", "", "", true));

  EXPECT_EQ(c.read().status, 200);
  EXPECT_EQ(c.read().status, 404);
}

TEST(LimitsTest, ConnectionsOverTheLimitAreRefusedAndServiceResumes) {
  auto o = testOptions();
  o.max_connections = 4;
  o.max_streams = 2;
  o.read_timeout_ms = 10000;  // the held connections stay while the test runs
  ServerHarness server(o);
  std::vector<std::unique_ptr<Client>> held;
  for (int i = 0; i < 4; ++i) held.push_back(std::make_unique<Client>(server.port()));
  server.waitFor([](const ServerStats& s) { return s.connections == 4; });

  std::vector<std::unique_ptr<Client>> extra;
  for (int i = 0; i < 5; ++i) extra.push_back(std::make_unique<Client>(server.port()));
  const auto s = server.waitFor([](const ServerStats& st) { return st.refused == 5; });

  EXPECT_EQ(s.refused, 5u);
  EXPECT_EQ(s.connections, 4u);
  for (auto& c : extra) {
    const auto r = c->read();  // the 503, or the close alone
    if (r.status != 0) {
      EXPECT_EQ(r.status, 503);
    }
    EXPECT_TRUE(c->closedWithin(milliseconds(2000)));
  }
  held.clear();
  server.waitFor([](const ServerStats& st) { return st.connections == 0; });
  EXPECT_EQ(request(server.port(), "GET", "/hmi/v1/prompts").status, 200);
}

// 2000 requests, good and bad, on fresh and kept-alive connections: the
// server ends with no connection, no buffer and no queue left.
TEST(LimitsTest, ManyMixedRequestsLeaveNothingBehind) {
  ServerHarness server;
  server.backend().setPrompts(samplePrompts());
  const std::vector<std::pair<std::string, int>> kinds = {
      {rawRequest("GET", "/hmi/v1/prompts", "", "", true), 200},
      {rawRequest("POST", "/hmi/v1/prompts/3/actions", R"({"action":"snooze"})", kJson, true), 200},
      {rawRequest("POST", "/hmi/v1/prompts/3/actions", "{oops", kJson, true), 400},
      {rawRequest("GET", "/hmi/v1/reports/latest", "", "", true), 404},
      {rawRequest("PUT", "/hmi/v1/prompts", "", "", true), 405},
      {rawRequest("GET", "/elsewhere", "", "", true), 404},
      {rawRequest("GET", "/hmi/", "", "", true), 200},
  };
  int answered = 0;
  std::unique_ptr<Client> c;
  for (int i = 0; i < 2000; ++i) {
    if (!c || i % 10 == 0) c = std::make_unique<Client>(server.port());
    const auto& [req, status] = kinds[static_cast<std::size_t>(i) % kinds.size()];
    c->send(req);
    if (c->read().status == status) ++answered;
    if (i % 250 == 0) {  // now and then one that is refused and closed
      Client big(server.port());
      big.send(rawRequest("POST", "/hmi/v1/prompts/1/actions", std::string(8000, '{'), kJson));
      EXPECT_EQ(big.read().status, 413);
    }
  }
  c.reset();

  const auto s = server.waitFor([](const ServerStats& st) { return st.connections == 0; });
  EXPECT_EQ(answered, 2000);
  EXPECT_EQ(s.connections, 0u);
  EXPECT_EQ(s.streams, 0u);
  EXPECT_EQ(s.buffered_bytes, 0u);
  EXPECT_EQ(s.stream_queued_bytes, 0u);
  EXPECT_EQ(s.requests, 2008u);
}

}  // namespace
}  // namespace crm::localapi::testing
