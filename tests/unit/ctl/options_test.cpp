// The command line: global options anywhere, each command's options,
// --help and usage errors with their exit codes.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "options.h"

namespace crm::ctl {
namespace {

struct Run {
  ParsedArgs parsed;
  std::string out, err;
};

Run parse(std::vector<std::string> args) {
  args.insert(args.begin(), "crm-agentctl");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  Run run{parseArgs(static_cast<int>(argv.size()), argv.data(), out, err), "", ""};
  run.out = out.str();
  run.err = err.str();
  return run;
}

TEST(Options, GlobalOptionsAreTakenBeforeAndAfterTheCommand) {
  const auto before = parse({"--json", "--token-file", "/t", "status"});
  const auto after = parse({"status", "--json", "--token-file", "/t"});
  ASSERT_TRUE(before.parsed.options);
  ASSERT_TRUE(after.parsed.options);
  EXPECT_TRUE(before.parsed.options->json);
  EXPECT_TRUE(after.parsed.options->json);
  EXPECT_EQ(after.parsed.options->token_file, "/t");
  EXPECT_EQ(after.parsed.options->command, Command::kStatus);
}

TEST(Options, EachReadCommandIsRecognised) {
  const std::vector<std::pair<std::string, Command>> reads = {
      {"status", Command::kStatus},     {"battery", Command::kBattery},
      {"charging", Command::kCharging}, {"mileage", Command::kMileage},
      {"prompts", Command::kPrompts},   {"outbox", Command::kOutbox},
      {"storage", Command::kStorage},   {"config", Command::kConfig},
      {"version", Command::kVersion},   {"faults", Command::kFaults},
      {"report", Command::kReport},     {"sync-now", Command::kSyncNow}};
  for (const auto& [name, command] : reads) {
    const auto run = parse({name});
    ASSERT_TRUE(run.parsed.options) << name << ": " << run.err;
    EXPECT_EQ(run.parsed.options->command, command) << name;
  }
}

TEST(Options, FaultsTakeActiveAndACodePrefix) {
  const auto run = parse({"faults", "--active", "--code", "P0A"});
  ASSERT_TRUE(run.parsed.options);
  EXPECT_TRUE(run.parsed.options->active_only);
  EXPECT_EQ(run.parsed.options->code_prefix, "P0A");
}

TEST(Options, ReportTakesAnHtmlFile) {
  const auto run = parse({"report", "--html", "/tmp/r.html"});
  ASSERT_TRUE(run.parsed.options);
  EXPECT_EQ(run.parsed.options->html_file, "/tmp/r.html");
}

TEST(Options, ExportNeedsAFile) {
  const auto missing = parse({"export"});
  EXPECT_FALSE(missing.parsed.options);
  EXPECT_EQ(missing.parsed.exit_code, 2);
  EXPECT_NE(missing.err.find("FILE"), std::string::npos) << missing.err;
  const auto given = parse({"export", "out.json"});
  ASSERT_TRUE(given.parsed.options);
  EXPECT_EQ(given.parsed.options->command, Command::kExport);
  EXPECT_EQ(given.parsed.options->export_file, "out.json");
}

TEST(Options, EraseNeedsPersonalAndTakesYes) {
  const auto bare = parse({"erase"});
  EXPECT_FALSE(bare.parsed.options);
  EXPECT_EQ(bare.parsed.exit_code, 2);
  EXPECT_NE(bare.err.find("--personal"), std::string::npos) << bare.err;
  const auto run = parse({"erase", "--personal", "--yes"});
  ASSERT_TRUE(run.parsed.options);
  EXPECT_EQ(run.parsed.options->command, Command::kErase);
  EXPECT_TRUE(run.parsed.options->yes);
}

TEST(Options, NoCommandIsAUsageError) {
  const auto run = parse({});
  EXPECT_FALSE(run.parsed.options);
  EXPECT_EQ(run.parsed.exit_code, 2);
}

TEST(Options, AnUnknownCommandIsAUsageError) {
  const auto run = parse({"reboot"});
  EXPECT_FALSE(run.parsed.options);
  EXPECT_EQ(run.parsed.exit_code, 2);
}

TEST(Options, HelpExitsZeroOnTheProgramAndOnEveryCommand) {
  for (const std::string command :
       {"", "status", "battery", "charging", "mileage", "prompts", "outbox", "storage", "config",
        "version", "faults", "report", "sync-now", "export", "erase"}) {
    std::vector<std::string> args;
    if (!command.empty()) args.push_back(command);
    args.push_back("--help");
    const auto run = parse(args);
    EXPECT_FALSE(run.parsed.options) << command;
    EXPECT_EQ(run.parsed.exit_code, 0) << command;
    EXPECT_NE(run.out.find("Usage:"), std::string::npos) << command;
    std::istringstream lines(run.out);
    for (std::string line; std::getline(lines, line);) {
      EXPECT_LE(line.size(), 80u) << command << ": " << line;
    }
  }
}

TEST(Options, DbCannotBeCombinedWithUrlOrSocket) {
  const auto url = parse({"--db", "c.db", "--url", "http://127.0.0.1:1", "status"});
  EXPECT_FALSE(url.parsed.options);
  EXPECT_EQ(url.parsed.exit_code, 2);
  EXPECT_NE(url.err.find("--db"), std::string::npos);
  const auto both = parse({"--url", "http://127.0.0.1:1", "--socket", "/s", "status"});
  EXPECT_FALSE(both.parsed.options);
  EXPECT_EQ(both.parsed.exit_code, 2);
}

TEST(Options, ATimeoutOutsideItsRangeIsAUsageError) {
  const auto run = parse({"--timeout", "0", "status"});
  EXPECT_FALSE(run.parsed.options);
  EXPECT_EQ(run.parsed.exit_code, 2);
  EXPECT_NE(run.err.find("--timeout"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace crm::ctl
