// Commands over a fake Source: what each prints, how operations are
// polled, the erase confirmation, and the exit code of every failure.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <deque>
#include <sstream>

#include "commands.h"
#include "crm/testing/temp_dir.h"

namespace crm::ctl {
namespace {

using nlohmann::json;

class FakeSource : public Source {
 public:
  CtlResult<json> data(std::string_view id) override {
    asked.push_back(std::string(id));
    if (fail_with) return *fail_with;
    return json{{"version", "0.1.0"}, {"source", "daemon"}, {"id_asked", std::string(id)}};
  }
  CtlResult<json> faults(const FaultQuery& query) override {
    last_query = query;
    return json{{"items", json::array({{{"code", "P0A80"},
                                        {"first_seen_ms", 1},
                                        {"last_seen_ms", 2},
                                        {"status", "active"}}})}};
  }
  CtlResult<json> startOperation(std::string_view op, const json& body) override {
    started.emplace_back(std::string(op), body);
    return next();
  }
  CtlResult<json> execution(std::string_view, std::string_view id) override {
    polled.push_back(std::string(id));
    return next();
  }
  CtlResult<std::string> latestReportHtml() override { return std::string("<html>r</html>"); }

  CtlResult<json> next() {
    if (executions.empty()) return json{{"id", "e1"}, {"status", "running"}};
    json e = executions.front();
    if (executions.size() > 1) executions.pop_front();
    return e;
  }

  std::optional<Error<CtlError>> fail_with;
  std::vector<std::string> asked;
  FaultQuery last_query;
  std::vector<std::pair<std::string, json>> started;
  std::vector<std::string> polled;
  std::deque<json> executions;
};

class Commands : public ::testing::Test {
 protected:
  Console console() {
    return Console{out_, err_,
                   [this](std::string_view q) -> std::optional<std::string> {
                     questions_.push_back(std::string(q));
                     return answer_;
                   },
                   [] { return std::int64_t{1767225600000}; },
                   [this](std::chrono::milliseconds d) { slept_ += d; }};
  }
  CtlStatus run(CtlOptions o) {
    auto c = console();
    return runCommand(o, source_, c);
  }

  FakeSource source_;
  std::ostringstream out_, err_;
  std::optional<std::string> answer_;
  std::vector<std::string> questions_;
  std::chrono::milliseconds slept_{0};
  testing::TempDir dir_;
};

json completed(json result) {
  return json{{"id", "e1"}, {"status", "completed"}, {"result", std::move(result)}};
}

TEST_F(Commands, EachReadAsksForItsResource) {
  const std::vector<std::pair<Command, std::string>> reads = {
      {Command::kStatus, "status"},
      {Command::kBattery, "battery-health"},
      {Command::kCharging, "charging-habits"},
      {Command::kMileage, "mileage"},
      {Command::kPrompts, "prompts"},
      {Command::kOutbox, "outbox"},
      {Command::kStorage, "storage"},
      {Command::kConfig, "config"},
      {Command::kVersion, "version"}};
  for (const auto& [command, id] : reads) {
    CtlOptions o;
    o.command = command;
    ASSERT_TRUE(run(o).ok()) << id;
    EXPECT_EQ(source_.asked.back(), id);
  }
}

TEST_F(Commands, JsonPrintsTheDataObjectAsOneDocument) {
  CtlOptions o;
  o.json = true;
  o.command = Command::kBattery;
  ASSERT_TRUE(run(o).ok());
  const json printed = json::parse(out_.str());
  EXPECT_EQ(printed["id_asked"], "battery-health");
}

TEST_F(Commands, TextThatIsNotUtf8IsReplacedNotThrownOn) {
  // Offline, a stored string reaches the output unchecked.
  class BadBytes : public FakeSource {
    CtlResult<json> data(std::string_view) override {
      return json{{"title_en", std::string("tyre \xff")}};
    }
  } source;
  CtlOptions o;
  o.json = true;
  o.command = Command::kPrompts;
  auto c = console();
  ASSERT_TRUE(runCommand(o, source, c).ok());
  EXPECT_EQ(json::parse(out_.str())["title_en"], "tyre \xEF\xBF\xBD");  // U+FFFD
}

TEST_F(Commands, FaultsPassTheFilterAndPrintTheList) {
  CtlOptions o;
  o.command = Command::kFaults;
  o.active_only = true;
  o.code_prefix = "P0A";
  ASSERT_TRUE(run(o).ok());
  EXPECT_TRUE(source_.last_query.active_only);
  EXPECT_EQ(source_.last_query.code_prefix, "P0A");
  EXPECT_NE(out_.str().find("P0A80"), std::string::npos);
}

TEST_F(Commands, ASourceFailureKeepsItsCodeAndMessage) {
  source_.fail_with = Error<CtlError>{CtlError::kRefused, "the technician token was refused"};
  CtlOptions o;
  const auto st = run(o);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(exitCode(st.error().code), 1);
  EXPECT_EQ(st.error().message, "the technician token was refused");
  EXPECT_TRUE(out_.str().empty());
}

TEST_F(Commands, AnOperationIsPolledUntilItCompletes) {
  source_.executions = {json{{"id", "e1"}, {"status", "running"}},
                        json{{"id", "e1"}, {"status", "running"}},
                        completed({{"connected", true}, {"outbox_pending", 0}})};
  CtlOptions o;
  o.command = Command::kSyncNow;
  o.json = true;
  ASSERT_TRUE(run(o).ok());
  EXPECT_EQ(source_.started.at(0).first, "sync-now");
  EXPECT_EQ(source_.polled.size(), 2u);
  EXPECT_EQ(slept_, std::chrono::milliseconds(200));
  const json printed = json::parse(out_.str());  // the execution, as the API gave it
  EXPECT_EQ(printed["status"], "completed");
  EXPECT_EQ(printed["result"], json({{"connected", true}, {"outbox_pending", 0}}));
}

TEST_F(Commands, AFailedOperationIsARuntimeFailureWithTheDaemonsReason) {
  source_.executions = {json{{"id", "e1"},
                             {"status", "failed"},
                             {"error", {{"code", "unavailable"}, {"message", "store busy"}}}}};
  CtlOptions o;
  o.command = Command::kReport;
  const auto st = run(o);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(exitCode(st.error().code), 1);
  EXPECT_EQ(st.error().message, "generate-report failed: unavailable: store busy");
}

TEST_F(Commands, AnOperationStillRunningAtTheTimeoutFails) {
  CtlOptions o;
  o.command = Command::kSyncNow;
  o.timeout_s = 0.1;
  auto c = console();
  c.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  const auto st = runCommand(o, source_, c);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(exitCode(st.error().code), 1);
  EXPECT_NE(st.error().message.find("still running"), std::string::npos);
}

TEST_F(Commands, ReportWritesItsPageWhenAsked) {
  source_.executions = {completed({{"report_id", 3}, {"report", json::object()}})};
  CtlOptions o;
  o.command = Command::kReport;
  o.html_file = dir_.file("r.html");
  ASSERT_TRUE(run(o).ok());
  EXPECT_EQ(testing::readFile(o.html_file), "<html>r</html>");
  EXPECT_NE(out_.str().find("Health report 3"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("r.html"), std::string::npos);
}

TEST_F(Commands, ExportWritesTheResultDocumentOwnerOnly) {
  const json document = {{"schema", "crm.v1.export"}, {"trips", json::array({1, 2})}};
  source_.executions = {completed(document)};
  CtlOptions o;
  o.command = Command::kExport;
  o.export_file = dir_.file("export.json");
  o.json = true;
  ASSERT_TRUE(run(o).ok());
  EXPECT_EQ(json::parse(testing::readFile(o.export_file)), document);
  struct stat st {};
  ASSERT_EQ(::stat(o.export_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const json printed = json::parse(out_.str());
  EXPECT_EQ(printed["status"], "completed");
  // The document went to the file only.
  EXPECT_EQ(printed["result"],
            json({{"file", o.export_file}, {"bytes", testing::readFile(o.export_file).size()}}));
}

TEST_F(Commands, ExportToAMissingFolderIsABadFile) {
  source_.executions = {completed(json::object())};
  CtlOptions o;
  o.command = Command::kExport;
  o.export_file = dir_.file("no/such/folder/export.json");
  const auto st = run(o);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(exitCode(st.error().code), 2);
  EXPECT_NE(st.error().message.find("export.json"), std::string::npos);
}

TEST_F(Commands, EraseWithoutATerminalAndWithoutYesIsAUsageError) {
  answer_ = std::nullopt;  // no terminal
  CtlOptions o;
  o.command = Command::kErase;
  const auto st = run(o);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(exitCode(st.error().code), 2);
  EXPECT_NE(st.error().message.find("--yes"), std::string::npos);
  EXPECT_TRUE(source_.started.empty());
}

TEST_F(Commands, EraseAsksAndStopsUnlessTheAnswerIsYes) {
  answer_ = "y";
  CtlOptions o;
  o.command = Command::kErase;
  const auto st = run(o);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(exitCode(st.error().code), 1);
  ASSERT_EQ(questions_.size(), 1u);
  EXPECT_EQ(questions_[0], kEraseQuestion);
  EXPECT_TRUE(source_.started.empty());
}

TEST_F(Commands, EraseAfterYesRunsTheOperationWithThePersonalScope) {
  answer_ = "yes";
  source_.executions = {completed({{"erased", {{"trips", 4}}}})};
  CtlOptions o;
  o.command = Command::kErase;
  ASSERT_TRUE(run(o).ok());
  ASSERT_EQ(source_.started.size(), 1u);
  EXPECT_EQ(source_.started[0].first, "erase-personal-data");
  EXPECT_EQ(source_.started[0].second, json({{"scope", "personal"}}));
  EXPECT_NE(out_.str().find("trips"), std::string::npos);
}

TEST_F(Commands, EraseWithYesDoesNotAsk) {
  source_.executions = {completed({{"erased", json::object()}})};
  CtlOptions o;
  o.command = Command::kErase;
  o.yes = true;
  ASSERT_TRUE(run(o).ok());
  EXPECT_TRUE(questions_.empty());
  EXPECT_EQ(source_.started.size(), 1u);
}

TEST_F(Commands, OfflineRefusesSyncAndEraseAsUsageErrors) {
  for (const Command command : {Command::kSyncNow, Command::kErase}) {
    CtlOptions o;
    o.db = "cache.db";
    o.command = command;
    o.yes = true;
    const auto st = run(o);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(exitCode(st.error().code), 2);
    EXPECT_NE(st.error().message.find("needs the running daemon"), std::string::npos);
  }
  EXPECT_TRUE(source_.started.empty());
}

}  // namespace
}  // namespace crm::ctl
