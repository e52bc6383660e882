// The technician API's routes: authentication before anything else, each
// route's answer, every input refused before the backend sees it, and the
// bounded table of executions. Called directly (no sockets), except one
// case through a real server.
#include "crm/localapi/sovd_routes.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fake_sovd_backend.h"
#include "harness.h"

namespace crm::localapi::testing {
namespace {

using nlohmann::json;

constexpr char kToken[] = "0123456789abcdef-technician";
const std::string kP(kSovdComponentPath);

class SovdRoutesTest : public ::testing::Test {
 protected:
  Response call(std::string_view method, std::string_view target, std::string_view body = "",
                std::string_view auth = "", std::string_view content_type = "application/json") {
    const std::string bearer = "Bearer " + std::string(kToken);
    const auto q = target.find('?');
    Request r;
    r.method = method;
    r.path = target.substr(0, q);
    r.query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
    r.authorization = auth.empty() ? std::string_view(bearer) : auth;
    r.body = body;
    r.content_type = body.empty() ? std::string_view() : content_type;
    return routes_->handle(r);
  }
  Response get(std::string_view target) { return call("GET", target); }
  Response post(std::string_view target, std::string_view body = "") {
    return call("POST", target, body);
  }
  static json body(const Response& r) { return json::parse(r.body, nullptr, false); }
  static std::string code(const Response& r) {
    const json j = body(r);
    return j.contains("error") ? j["error"].value("code", "") : "";
  }
  static std::string header(const Response& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return {};
  }

  FakeSovdBackend backend_;
  std::unique_ptr<Routes> routes_ = makeSovdRoutes(backend_, kToken);
};

TEST_F(SovdRoutesTest, WithoutATokenEveryRequestIs401AndTellsNothingElse) {
  const std::pair<const char*, std::string> requests[] = {
      {"GET", "/sovd/v1/components"},
      {"GET", kP + "/data/status"},
      {"GET", kP + "/data/no-such-thing"},
      {"DELETE", kP + "/data"},
      {"GET", "/sovd/nothing/here"},
      {"POST", kP + "/operations/erase-personal-data/executions"},
      {"GET", kP + "/operations/sync-now/executions/1"}};
  std::string first_body;
  for (const auto& [method, target] : requests) {
    Request r;
    r.method = method;
    r.path = target;
    const Response res = routes_->handle(r);
    EXPECT_EQ(res.status, 401) << method << " " << target;
    EXPECT_EQ(code(res), "unauthorized");
    EXPECT_EQ(header(res, "WWW-Authenticate").rfind("Bearer", 0), 0U);
    EXPECT_EQ(res.headers.size(), 1U) << "no Allow, no Location";
    if (first_body.empty()) first_body = res.body;
    EXPECT_EQ(res.body, first_body) << "the same answer whatever the path";
  }
  EXPECT_EQ(backend_.calls, 0);
}

TEST_F(SovdRoutesTest, AWrongTokenIs401) {
  const std::string right(kToken);
  for (const std::string& auth : std::vector<std::string>{
           "Bearer wrong-token-wrong-token-wr", "Bearer " + right.substr(0, right.size() - 1),
           "Bearer " + right + "x", "Bearer x" + right, "Basic " + right, "Bearer", "Bearer ",
           right, "Bearer " + std::string(right.size(), 'a')}) {
    const Response res = call("GET", kP + "/data/status", "", auth);
    EXPECT_EQ(res.status, 401) << auth;
  }
  EXPECT_EQ(backend_.calls, 0);
}

TEST_F(SovdRoutesTest, TheRightTokenIsAcceptedWithTheSchemeInAnyCase) {
  for (const std::string scheme : {"Bearer ", "bearer ", "BEARER  "}) {
    EXPECT_EQ(call("GET", kP + "/data/status", "", scheme + kToken).status, 200) << scheme;
  }
}

TEST_F(SovdRoutesTest, TheComponentListNamesTheAgent) {
  const Response r = get("/sovd/v1/components");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(body(r), (json{{"items",
                            {{{"id", "crm-agent"},
                              {"name", "CRM agent"},
                              {"href", "/sovd/v1/components/crm-agent"}}}}}));
}

TEST_F(SovdRoutesTest, TheDataListIsTheBackendsItems) {
  const Response r = get(kP + "/data");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(body(r)["items"], backend_.dataItems());
}

TEST_F(SovdRoutesTest, ADataResourceIsTheBackendsUnderItsId) {
  const Response r = get(kP + "/data/version");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(body(r), (json{{"id", "version"}, {"data", {{"resource", "version"}}}}));
  EXPECT_EQ(backend_.data_ids, std::vector<std::string>{"version"});
}

TEST_F(SovdRoutesTest, AnUnknownDataIdIs404AndAFailedReadIs503) {
  const Response unknown = get(kP + "/data/battery");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(code(unknown), "unknown_data");
  backend_.unavailable = true;
  const Response failed = get(kP + "/data/status");
  EXPECT_EQ(failed.status, 503);
  EXPECT_EQ(code(failed), "unavailable");
  EXPECT_NE(body(failed)["error"]["message"].get<std::string>().find("disk I/O error"),
            std::string::npos);
}

TEST_F(SovdRoutesTest, PathsOutsideTheTableAre404) {
  for (const std::string& target : std::vector<std::string>{
           std::string("/sovd"), std::string("/sovd/v1"), kP, kP + "/", kP + "/data/",
           kP + "/data/status/x", kP + "/operations", kP + "/operations/sync-now",
           kP + "/operations/sync-now/executions/", kP + "/operations/sync-now/executions/1/x",
           "/sovd/v1/components/other/data"}) {
    const Response r = get(target);
    EXPECT_EQ(r.status, 404) << target;
  }
  EXPECT_EQ(backend_.calls, 0);
}

TEST_F(SovdRoutesTest, WrongMethodsAre405WithAllow) {
  const Response data = post(kP + "/data/status");
  EXPECT_EQ(data.status, 405);
  EXPECT_EQ(header(data, "Allow"), "GET");
  const Response start = get(kP + "/operations/sync-now/executions");
  EXPECT_EQ(start.status, 405);
  EXPECT_EQ(header(start, "Allow"), "POST");
  EXPECT_EQ(call("DELETE", kP + "/operations/sync-now/executions/1").status, 405);
  EXPECT_EQ(backend_.calls, 0);
}

TEST_F(SovdRoutesTest, FaultsPassTheirFiltersToTheBackend) {
  EXPECT_EQ(get(kP + "/faults").status, 200);
  EXPECT_EQ(get(kP + "/faults?status=active").status, 200);
  EXPECT_EQ(get(kP + "/faults?status=all&code=P0A").status, 200);
  EXPECT_EQ(get(kP + "/faults?code=U0100&status=active").status, 200);
  const std::vector<std::pair<bool, std::string>> expected = {
      {false, ""}, {true, ""}, {false, "P0A"}, {true, "U0100"}};
  EXPECT_EQ(backend_.fault_queries, expected);
  EXPECT_EQ(body(get(kP + "/faults")), (json{{"items", json::array()}}));
}

TEST_F(SovdRoutesTest, BadFaultQueriesAre400NamingWhatWasWrong) {
  for (const char* query :
       {"status=cleared", "status=", "code=p0a", "code=P0A800", "code=", "code=P0%41", "colour=red",
        "status=all&status=active", "code=P&code=U"}) {
    const Response r = get(kP + "/faults?" + query);
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_EQ(code(r), "bad_query") << query;
  }
  EXPECT_TRUE(backend_.fault_queries.empty());
}

TEST_F(SovdRoutesTest, AnOperationStartsAndItsExecutionIsAtTheLocationGiven) {
  const Response started = post(kP + "/operations/generate-report/executions");
  EXPECT_EQ(started.status, 202);
  const json e = body(started);
  EXPECT_EQ(e["status"], "completed");
  EXPECT_EQ(e["operation"], "generate-report");
  EXPECT_EQ(e["result"], (json{{"operation", "generate-report"}}));
  const std::string location = header(started, "Location");
  EXPECT_EQ(location, kP + "/operations/generate-report/executions/" + e["id"].get<std::string>());
  const Response polled = get(location);
  EXPECT_EQ(polled.status, 200);
  EXPECT_EQ(body(polled), e);
  ASSERT_EQ(backend_.started.size(), 1U);
  EXPECT_EQ(backend_.started[0].second, json::object());
}

TEST_F(SovdRoutesTest, AnExecutionOfAnotherOperationOrUnknownIs404) {
  const json e = body(post(kP + "/operations/sync-now/executions"));
  const Response other =
      get(kP + "/operations/generate-report/executions/" + e["id"].get<std::string>());
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(code(other), "unknown_execution");
  EXPECT_EQ(code(get(kP + "/operations/sync-now/executions/999")), "unknown_execution");
  const Response unknown_op = post(kP + "/operations/reboot/executions");
  EXPECT_EQ(unknown_op.status, 404);
  EXPECT_EQ(code(unknown_op), "unknown_operation");
}

TEST_F(SovdRoutesTest, ARunningExecutionShowsItsOutcomeWhenTheBackendFinishes) {
  backend_.hold = true;
  const json ok = body(post(kP + "/operations/sync-now/executions"));
  const json bad = body(post(kP + "/operations/generate-report/executions"));
  EXPECT_EQ(ok["status"], "running");
  EXPECT_FALSE(ok.contains("result"));
  ASSERT_EQ(backend_.held.size(), 2U);
  backend_.held[0]({true, {{"connected", true}, {"outbox_pending", 0}}, {}, {}});
  backend_.held[1]({false, nullptr, "store_failed", "the cache cannot be written"});
  const json ok_now =
      body(get(kP + "/operations/sync-now/executions/" + ok["id"].get<std::string>()));
  EXPECT_EQ(ok_now["status"], "completed");
  EXPECT_EQ(ok_now["result"]["connected"], true);
  const json bad_now =
      body(get(kP + "/operations/generate-report/executions/" + bad["id"].get<std::string>()));
  EXPECT_EQ(bad_now["status"], "failed");
  EXPECT_EQ(bad_now["error"],
            (json{{"code", "store_failed"}, {"message", "the cache cannot be written"}}));
  EXPECT_FALSE(bad_now.contains("result"));
}

TEST_F(SovdRoutesTest, ErasingNeedsThePersonalScopeInTheBody) {
  const std::string erase = kP + "/operations/erase-personal-data/executions";
  for (const char* bad : {"", "{}", R"({"scope":"all"})", R"({"scope":null})"}) {
    const Response r = post(erase, bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(code(r), "bad_scope") << bad;
  }
  EXPECT_TRUE(backend_.started.empty());
  const Response ok = post(erase, R"({"scope":"personal"})");
  EXPECT_EQ(ok.status, 202);
  ASSERT_EQ(backend_.started.size(), 1U);
  EXPECT_EQ(backend_.started[0].second, (json{{"scope", "personal"}}));
}

TEST_F(SovdRoutesTest, BadBodiesAreRefusedBeforeTheBackendSeesThem) {
  const std::string sync = kP + "/operations/sync-now/executions";
  EXPECT_EQ(code(post(sync, "{")), "invalid_json");
  EXPECT_EQ(code(post(sync, "[1]")), "invalid_body");
  EXPECT_EQ(code(post(sync, R"({"now":true})")), "invalid_body");
  EXPECT_EQ(code(post(kP + "/operations/erase-personal-data/executions",
                      R"({"scope":"personal","also":1})")),
            "invalid_body");
  EXPECT_EQ(code(post(sync, R"([[[[[[[[[[[[1]]]]]]]]]]]])")), "invalid_json");
  const Response text = call("POST", sync, "{}", "", "text/plain");
  EXPECT_EQ(text.status, 415);
  EXPECT_TRUE(backend_.started.empty());
  EXPECT_EQ(post(sync, "{}").status, 202);
}

TEST_F(SovdRoutesTest, AnOperationThisBuildCannotRunIs501) {
  backend_.unsupported = "export-data";
  const Response r = post(kP + "/operations/export-data/executions");
  EXPECT_EQ(r.status, 501);
  EXPECT_EQ(code(r), "not_implemented");
  EXPECT_TRUE(backend_.started.empty());
}

TEST_F(SovdRoutesTest, OnlyTheLastSixteenExecutionsAreKeptAndRunningOnesAreNeverDropped) {
  backend_.hold = true;
  const std::string sync = kP + "/operations/sync-now/executions";
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < kMaxExecutions; ++i) {
    const Response r = post(sync);
    ASSERT_EQ(r.status, 202);
    ids.push_back(body(r)["id"]);
  }
  const Response full = post(sync);
  EXPECT_EQ(full.status, 503);
  EXPECT_EQ(code(full), "busy");
  // The third finishes: the next start takes its place.
  backend_.held[2]({true, json::object(), {}, {}});
  EXPECT_EQ(post(sync).status, 202);
  EXPECT_EQ(get(sync + "/" + ids[2]).status, 404) << "the finished one made room";
  EXPECT_EQ(get(sync + "/" + ids[0]).status, 200) << "the running ones stay";
  EXPECT_EQ(post(sync).status, 503);
}

TEST_F(SovdRoutesTest, AnOutcomeArrivingAfterTheTableIsGoneIsIgnored) {
  backend_.hold = true;
  EXPECT_EQ(post(kP + "/operations/sync-now/executions").status, 202);
  routes_.reset();
  backend_.held[0]({true, json::object(), {}, {}});  // must not touch freed memory (ASan)
  SUCCEED();
}

TEST(SovdThroughTheServer, TheMountAnswersOverHttpAndTheHmiMountStaysOpen) {
  FakeSovdBackend sovd;
  ServerHarness harness;  // the HMI mount alone, for comparison
  boost::asio::io_context io;
  std::vector<Mount> mounts;
  mounts.push_back(sovdMount(sovd, kToken));
  auto server = Server::create(io, testOptions(), std::move(mounts));
  ASSERT_TRUE(server.ok()) << server.error().message;
  const int port = (*server)->port();
  std::thread loop([&io] { io.run(); });

  Client none(port);
  none.send(rawRequest("GET", kP + "/data/status"));
  const HttpResponse refused = none.read();
  Client with(port);
  with.send(rawRequest("GET", kP + "/data/status", "",
                       "Authorization: Bearer " + std::string(kToken) + "\r\n"));
  const HttpResponse answered = with.read();
  boost::asio::post(io, [&] { (*server)->stop(); });
  loop.join();

  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.header("www-authenticate"), "Bearer realm=\"crm-agent\"");
  EXPECT_EQ(answered.status, 200);
  EXPECT_EQ(json::parse(answered.body)["data"]["resource"], "status");
  // The driver's server without the technician mount: /sovd is not there.
  EXPECT_EQ(request(harness.port(), "GET", kP + "/data/status").status, 404);
}

}  // namespace
}  // namespace crm::localapi::testing
