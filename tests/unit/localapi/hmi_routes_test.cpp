// The HMI API's routes through a real server and real sockets: each route's
// answer, and every way a request can be refused before the backend sees it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness.h"

namespace crm::localapi::testing {
namespace {

using nlohmann::json;

class HmiRoutesTest : public ::testing::Test {
 protected:
  HttpResponse post(const std::string& target, const std::string& body,
                    const std::string& content_type = "application/json") {
    return request(server_.port(), "POST", target, body, content_type);
  }
  static std::string errorCode(const HttpResponse& r) {
    const auto j = json::parse(r.body, nullptr, false);
    return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
  }
  static std::string errorMessage(const HttpResponse& r) {
    const auto j = json::parse(r.body, nullptr, false);
    return j.is_object() && j.contains("error") ? j["error"].value("message", "") : "";
  }

  ServerHarness server_;
};

TEST_F(HmiRoutesTest, GetPromptsReturnsTheBackendsListUncached) {
  server_.backend().setPrompts(samplePrompts());

  const auto r = request(server_.port(), "GET", "/hmi/v1/prompts");

  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.header("cache-control"), "no-store");
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(json::parse(r.body), samplePrompts());
}

TEST_F(HmiRoutesTest, PromptsTheBackendCannotReadAre503) {
  server_.backend().setPrompts(std::nullopt);

  const auto r = request(server_.port(), "GET", "/hmi/v1/prompts");

  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(errorCode(r), "unavailable");
}

TEST_F(HmiRoutesTest, EachActionReachesTheBackendWithItsPromptId) {
  for (const std::string action : {"accept", "snooze", "dismiss"}) {
    const auto r = post("/hmi/v1/prompts/42/actions", R"({"action": ")" + action + "\"}");
    EXPECT_EQ(r.status, 200) << action;
    EXPECT_EQ(json::parse(r.body), (json{{"id", 42}, {"action", action}}));
  }
  const auto calls = server_.backend().actions();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0], std::make_pair(std::int64_t{42}, std::string("accept")));
  EXPECT_EQ(calls[1].second, "snooze");
  EXPECT_EQ(calls[2].second, "dismiss");
}

TEST_F(HmiRoutesTest, ContentTypeWithCharsetAndAnyCaseIsJson) {
  const auto r = post("/hmi/v1/prompts/1/actions", R"({"action":"accept"})",
                      "Application/JSON; charset=utf-8");

  EXPECT_EQ(r.status, 200);
}

TEST_F(HmiRoutesTest, BackendOutcomesMapToTheirStatusAndCode) {
  struct Case {
    ActionOutcome outcome;
    int status;
    const char* code;
  };
  for (const auto& c : {Case{ActionOutcome::kUnknownPrompt, 404, "unknown_prompt"},
                        Case{ActionOutcome::kNotActionable, 409, "not_actionable"},
                        Case{ActionOutcome::kBadAction, 400, "bad_action"},
                        Case{ActionOutcome::kUnavailable, 503, "unavailable"}}) {
    server_.backend().setReply({c.outcome, "because"});

    const auto r = post("/hmi/v1/prompts/5/actions", R"({"action":"snooze"})");

    EXPECT_EQ(r.status, c.status) << c.code;
    EXPECT_EQ(errorCode(r), c.code);
    EXPECT_NE(errorMessage(r).find("because"), std::string::npos) << r.body;
  }
}

TEST_F(HmiRoutesTest, UnknownActionIs400AndTheBackendIsNotCalled) {
  const auto r = post("/hmi/v1/prompts/5/actions", R"({"action":"delete"})");

  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorCode(r), "bad_action");
  EXPECT_NE(errorMessage(r).find("\"delete\""), std::string::npos) << r.body;
  EXPECT_TRUE(server_.backend().actions().empty());
}

TEST_F(HmiRoutesTest, BadBodiesAre400NamingWhatWasWrong) {
  struct Case {
    const char* body;
    const char* code;
    const char* says;
  };
  for (const auto& c :
       {Case{"{\"action\": ", "invalid_json", "not JSON"}, Case{"", "invalid_json", "not JSON"},
        Case{"[\"accept\"]", "invalid_body", "JSON object"},
        Case{R"({"action":"accept","why":1})", "invalid_body", "\"why\""},
        Case{"{}", "bad_action", "missing"}, Case{R"({"action":1})", "bad_action", "string"},
        Case{R"({"action":[[[[[[1]]]]]]})", "invalid_json", "nesting"}}) {
    const auto r = post("/hmi/v1/prompts/5/actions", c.body);

    EXPECT_EQ(r.status, 400) << c.body;
    EXPECT_EQ(errorCode(r), c.code) << c.body;
    EXPECT_NE(errorMessage(r).find(c.says), std::string::npos) << r.body;
  }
  EXPECT_TRUE(server_.backend().actions().empty());
}

TEST_F(HmiRoutesTest, MissingOrWrongContentTypeIs415) {
  const auto missing = post("/hmi/v1/prompts/5/actions", R"({"action":"accept"})", "");
  const auto form =
      post("/hmi/v1/prompts/5/actions", "action=accept", "application/x-www-form-urlencoded");

  EXPECT_EQ(missing.status, 415);
  EXPECT_EQ(errorCode(missing), "unsupported_media_type");
  EXPECT_EQ(form.status, 415);
  EXPECT_TRUE(server_.backend().actions().empty());
}

TEST_F(HmiRoutesTest, PromptIdMustBeAPositiveInteger) {
  for (const std::string id : {"0", "-1", "abc", "007", "1.5", "99999999999999999999"}) {
    const auto r = post("/hmi/v1/prompts/" + id + "/actions", R"({"action":"accept"})");

    EXPECT_EQ(r.status, 400) << id;
    EXPECT_EQ(errorCode(r), "bad_prompt_id") << id;
  }
  EXPECT_TRUE(server_.backend().actions().empty());
}

TEST_F(HmiRoutesTest, LatestReportJsonIsTheBackendsOr404) {
  const auto none = request(server_.port(), "GET", "/hmi/v1/reports/latest");
  server_.backend().setReports(R"({"schema":"health-report"})", std::nullopt);
  const auto some = request(server_.port(), "GET", "/hmi/v1/reports/latest");

  EXPECT_EQ(none.status, 404);
  EXPECT_EQ(errorCode(none), "no_report");
  EXPECT_EQ(some.status, 200);
  EXPECT_EQ(some.header("content-type"), "application/json");
  EXPECT_EQ(some.body, R"({"schema":"health-report"})");
}

TEST_F(HmiRoutesTest, LatestReportHtmlIsInTheAskedLanguage) {
  server_.backend().setReports(std::nullopt, "<html>report</html>");

  const auto zh = request(server_.port(), "GET", "/hmi/v1/reports/latest.html?lang=zh-CN");
  const auto plain = request(server_.port(), "GET", "/hmi/v1/reports/latest.html");

  EXPECT_EQ(zh.status, 200);
  EXPECT_EQ(zh.header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(zh.header("content-security-policy").find("default-src 'none'"), std::string::npos);
  EXPECT_EQ(zh.body, "<html>report</html><!-- zh-CN -->");
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(server_.backend().htmlLanguages(), (std::vector<std::string>{"zh-CN", "en"}));
}

TEST_F(HmiRoutesTest, BadReportLanguageOrQueryIs400) {
  server_.backend().setReports(std::nullopt, "<html></html>");

  const auto fr = request(server_.port(), "GET", "/hmi/v1/reports/latest.html?lang=fr");
  const auto other = request(server_.port(), "GET", "/hmi/v1/reports/latest.html?page=2");

  EXPECT_EQ(fr.status, 400);
  EXPECT_EQ(errorCode(fr), "bad_language");
  EXPECT_EQ(other.status, 400);
  EXPECT_EQ(errorCode(other), "bad_query");
  EXPECT_TRUE(server_.backend().htmlLanguages().empty());
}

TEST_F(HmiRoutesTest, WrongMethodIs405WithAllow) {
  const auto get_action = request(server_.port(), "GET", "/hmi/v1/prompts/5/actions");
  const auto post_prompts = post("/hmi/v1/prompts", "{}");
  const auto delete_page = request(server_.port(), "DELETE", "/hmi/");

  EXPECT_EQ(get_action.status, 405);
  EXPECT_EQ(get_action.header("allow"), "POST");
  EXPECT_EQ(errorCode(get_action), "method_not_allowed");
  EXPECT_EQ(post_prompts.status, 405);
  EXPECT_EQ(post_prompts.header("allow"), "GET");
  EXPECT_EQ(delete_page.status, 405);
  EXPECT_TRUE(server_.backend().actions().empty());
}

TEST_F(HmiRoutesTest, UnknownPathsAre404) {
  for (const std::string path : {"/", "/hmix", "/hmi/v2/prompts", "/hmi/v1/prompts/", "/sovd/v1",
                                 "/hmi/v1/prompts/5/actions/x", "/hmi/v1/prompts/5"}) {
    const auto r = request(server_.port(), "GET", path);

    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(errorCode(r), "not_found") << path;
  }
}

TEST_F(HmiRoutesTest, BareMountRedirectsToThePage) {
  const auto r = request(server_.port(), "GET", "/hmi");

  EXPECT_EQ(r.status, 308);
  EXPECT_EQ(r.header("location"), "/hmi/");
}

TEST_F(HmiRoutesTest, HmiPageIsSelfContainedHtmlWithTheStableHooks) {
  const auto r = request(server_.port(), "GET", "/hmi/");

  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
  const auto csp = r.header("content-security-policy");
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos);
  EXPECT_NE(csp.find("object-src 'none'"), std::string::npos);
  for (const char* hook : {"id=\"lang-en\"", "id=\"lang-zh\"", "data-prompt-id", "data-action",
                           "\"accept\", \"snooze\", \"dismiss\"", "new EventSource(\"v1/events\")",
                           "v1/reports/latest.html", "id=\"report-frame\""}) {
    EXPECT_NE(r.body.find(hook), std::string::npos) << hook;
  }
  // Nothing loads from elsewhere: no absolute URLs at all.
  EXPECT_EQ(r.body.find("http://"), std::string::npos);
  EXPECT_EQ(r.body.find("https://"), std::string::npos);
  EXPECT_EQ(r.body.find("src=\"//"), std::string::npos);
  // Legible at arm's length, big targets.
  EXPECT_NE(r.body.find("font: 24px"), std::string::npos);
  EXPECT_NE(r.body.find("min-height: 72px"), std::string::npos);
}

}  // namespace
}  // namespace crm::localapi::testing
