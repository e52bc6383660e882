// The live event stream (Server-Sent Events): what a client receives, the
// heartbeat, the cap on streams, and a client that never reads.
#include <gtest/gtest.h>

#include "harness.h"

namespace crm::localapi::testing {
namespace {

using std::chrono::milliseconds;

// Opens a stream and waits until the server counts it.
std::unique_ptr<Client> openStream(ServerHarness& server, std::size_t expected_streams = 1,
                                   int rcvbuf = 0) {
  auto c = std::make_unique<Client>(server.port(), rcvbuf);
  c->send(rawRequest("GET", "/hmi/v1/events", "", "Accept: text/event-stream\r\n", true));
  server.waitFor([&](const ServerStats& s) { return s.streams == expected_streams; });
  return c;
}

TEST(StreamTest, OpenStreamReceivesAPublishedEvent) {
  ServerHarness server;
  auto c = openStream(server);

  ASSERT_TRUE(server.publish("prompts", R"({"id":7,"event":"delivered"})"));
  const std::string got =
      c->readUntil("\n\n", milliseconds(3000)) +
      c->readUntil("event: prompts\ndata: {\"id\":7,\"event\":\"delivered\"}\n\n");

  EXPECT_NE(got.find("HTTP/1.1 200 OK\r\n"), std::string::npos) << got;
  EXPECT_NE(got.find("Content-Type: text/event-stream"), std::string::npos) << got;
  EXPECT_NE(got.find("Cache-Control: no-store"), std::string::npos) << got;
  EXPECT_NE(got.find("retry: 3000\n\n"), std::string::npos) << got;
  EXPECT_NE(got.find("event: prompts\ndata: {\"id\":7,\"event\":\"delivered\"}\n\n"),
            std::string::npos)
      << got;
  EXPECT_EQ(server.stats().events_published, 1u);
}

TEST(StreamTest, EveryOpenStreamGetsTheEvent) {
  ServerHarness server;
  auto a = openStream(server, 1);
  auto b = openStream(server, 2);

  server.publish("prompts", "{}");

  EXPECT_NE(a->readUntil("event: prompts\ndata: {}\n\n").find("data: {}"), std::string::npos);
  EXPECT_NE(b->readUntil("event: prompts\ndata: {}\n\n").find("data: {}"), std::string::npos);
}

TEST(StreamTest, MultiLineDataIsSentAsSeveralDataLines) {
  ServerHarness server;
  auto c = openStream(server);

  server.publish("report", "{\n\"a\": 1\r\n}");

  const auto got = c->readUntil("data: }\n\n");
  EXPECT_NE(got.find("event: report\ndata: {\ndata: \"a\": 1\ndata: }\n\n"), std::string::npos)
      << got;
}

TEST(StreamTest, BadEventNamesAreRefused) {
  ServerHarness server;

  EXPECT_FALSE(server.publish("", "{}"));
  EXPECT_FALSE(server.publish("a\nb", "{}"));
  EXPECT_FALSE(server.publish("a:b", "{}"));
  EXPECT_FALSE(server.publish("big", std::string(70 * 1024, 'x')));  // over the queue limit
  EXPECT_EQ(server.stats().events_published, 0u);
}

TEST(StreamTest, HeartbeatComesWhenNothingHappens) {
  auto o = testOptions();
  o.heartbeat_ms = 100;
  ServerHarness server(o);
  auto c = openStream(server);

  const auto got = c->readUntil(": heartbeat\n\n", milliseconds(3000));

  EXPECT_NE(got.find(": heartbeat\n\n"), std::string::npos) << got;
}

TEST(StreamTest, StreamsOverTheCapAre503) {
  auto o = testOptions();
  o.max_streams = 2;
  ServerHarness server(o);
  auto a = openStream(server, 1);
  auto b = openStream(server, 2);

  Client third(server.port());
  third.send(rawRequest("GET", "/hmi/v1/events"));
  const auto r = third.read();

  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("too_many_streams"), std::string::npos) << r.body;
  EXPECT_EQ(server.stats().streams, 2u);
}

TEST(StreamTest, ClosedClientLeavesTheCount) {
  ServerHarness server;
  auto c = openStream(server);

  c.reset();

  const auto s = server.waitFor([](const ServerStats& st) { return st.streams == 0; });
  EXPECT_EQ(s.streams, 0u);
  EXPECT_EQ(s.connections, 0u);
  EXPECT_EQ(s.streams_dropped, 0u);  // it left; it was not dropped
}

// A client that opens a stream and never reads: the kernel's buffers fill,
// then the stream's queue, and the server drops it. Its queue never passes
// the limit, and nothing stays behind.
TEST(StreamTest, ClientThatNeverReadsIsDroppedWithBoundedQueue) {
  auto o = testOptions();
  o.max_stream_queue_bytes = 32 * 1024;
  o.write_timeout_ms = 60000;  // the queue limit must be what drops it
  ServerHarness server(o);
  auto c = openStream(server, 1, /*rcvbuf=*/4096);
  const std::string data = "\"" + std::string(1000, 'x') + "\"";

  ServerStats s;
  for (int i = 0; i < 20000; ++i) {
    server.publish("prompts", data);
    if (i % 100 == 0) {
      s = server.stats();
      if (s.streams == 0) break;
    }
  }
  s = server.waitFor([](const ServerStats& st) { return st.streams == 0; });

  EXPECT_EQ(s.streams, 0u);
  EXPECT_EQ(s.streams_dropped, 1u);
  EXPECT_LE(s.stream_queue_peak, 32u * 1024u);
  EXPECT_GT(s.stream_queue_peak, 16u * 1024u);  // it did fill before the drop
  EXPECT_EQ(s.stream_queued_bytes, 0u);
  EXPECT_EQ(s.connections, 0u);
}

TEST(StreamTest, ClientThatTakesNothingIsDroppedByTheWriteTimeout) {
  auto o = testOptions();
  o.write_timeout_ms = 300;
  o.max_stream_queue_bytes = 8 * 1024 * 1024;
  ServerHarness server(o);
  auto c = openStream(server, 1, 4096);
  const std::string data = "\"" + std::string(60 * 1024, 'y') + "\"";

  // Enough to fill the socket buffers on both sides, below the queue limit.
  for (int i = 0; i < 100; ++i) server.publish("prompts", data);
  const auto s = server.waitFor([](const ServerStats& st) { return st.streams == 0; });

  EXPECT_EQ(s.streams, 0u);
  EXPECT_EQ(s.streams_dropped, 1u);
  EXPECT_EQ(s.stream_queued_bytes, 0u);
}

}  // namespace
}  // namespace crm::localapi::testing
