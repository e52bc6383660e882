// The scenario suite: each tests/scenarios/NAME.json describes a car (the
// agent configuration it was simulated with, bad lines injected) and the
// report values expected of it; NAME.jsonl.gz is its saved recording. The
// test replays the saved recording with `crm-agent replay` and checks
// report.json and the driver's prompts (prompts.jsonl; scenario_prompts.h
// says how a scenario states them). Saved recordings keep the suite's input
// fixed while the simulator evolves.
//
// To (re)make the recordings after changing a scenario, run the test with
// CRM_REGENERATE_SCENARIOS=1: it simulates each car with `crm-agent
// simulate`, injects the bad lines and writes NAME.jsonl.gz into the source
// tree, then checks as usual.
#include <gtest/gtest.h>

#include <zlib.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <set>

#include "crm/testing/temp_dir.h"
#include "process.h"
#include "scenario_prompts.h"

namespace crm::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::vector<std::string> scenarioFiles() {
  std::vector<std::string> out;
  for (const auto& f : fs::directory_iterator(CRM_SOURCE_DIR "/tests/scenarios")) {
    if (f.path().extension() == ".json") out.push_back(f.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Spreads `n` bad lines of every kind evenly through the recording.
void injectGlitches(const std::string& path, int n) {
  static const char* kBad[] = {
      "{\"ts\": 1767300000000, \"path\": "
      "\"Vehicle.Powertrain.TractionBattery.StateOfCharge.Current\", \"value\": 150}",
      "{\"ts\": 1767300000000, \"path\": \"Vehicle.Flux.Capacitor\", \"value\": 1}",
      "{\"ts\": 1767300000000, \"path\": \"Vehicle.Speed\"",
      "{\"ts\": 1767300000000, \"path\": \"Vehicle.Speed\", \"value\": \"fast\"}",
      "{\"ts\": 1000, \"path\": \"Vehicle.Speed\", \"value\": 10}"};
  std::vector<std::string> lines;
  {
    std::ifstream in(path);
    for (std::string l; std::getline(in, l);) lines.push_back(std::move(l));
  }
  std::ofstream out(path, std::ios::trunc);
  const std::size_t every = lines.size() / static_cast<std::size_t>(n + 1);
  int injected = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out << lines[i] << '\n';
    if (i > 0 && i % every == 0 && injected < n) out << kBad[injected++ % 5] << '\n';
  }
}

// Writes `from` gzip-compressed (level 9) to `to`.
void gzipFile(const std::string& from, const std::string& to) {
  const std::string text = readFile(from);
  gzFile f = gzopen(to.c_str(), "wb9");
  ASSERT_NE(f, nullptr) << to;
  ASSERT_EQ(gzwrite(f, text.data(), static_cast<unsigned>(text.size())),
            static_cast<int>(text.size()));
  ASSERT_EQ(gzclose(f), Z_OK);
}

// Simulates the scenario's car and saves it, with its bad lines, as
// `recording`.
void regenerate(const json& scenario, const TempDir& dir, const std::string& recording) {
  auto sim = run(agentCommand({"simulate", "--config", dir.file("agent.json"), "--out",
                               dir.file("rec.jsonl")}),
                 dir.path());
  ASSERT_EQ(sim.code, 0) << sim.err;
  if (scenario.contains("glitches"))
    injectGlitches(dir.file("rec.jsonl"), scenario["glitches"].get<int>());
  gzipFile(dir.file("rec.jsonl"), recording);
}

// "expect_outbox": [{"kind", "where": {pointer: value}, "min", "max"}]: at
// least `min` and at most `max` messages of that kind whose payload matches
// every pointer.
void expectOutbox(const json& scenario, const std::string& outbox_path) {
  if (!scenario.contains("expect_outbox")) return;
  std::vector<json> messages;
  {
    std::ifstream in(outbox_path);
    for (std::string l; std::getline(in, l);) messages.push_back(json::parse(l));
  }
  for (const auto& e : scenario["expect_outbox"]) {
    const std::string suffix = "/" + e["kind"].get<std::string>();
    int n = 0;
    for (const auto& m : messages) {
      const std::string topic = m["topic"];
      if (topic.size() < suffix.size() ||
          topic.compare(topic.size() - suffix.size(), suffix.size(), suffix) != 0)
        continue;
      bool match = true;
      if (e.contains("where")) {
        for (auto it = e["where"].begin(); it != e["where"].end(); ++it) {
          const json::json_pointer p(it.key());
          match = match && m["payload"].contains(p) && m["payload"][p] == it.value();
        }
      }
      n += match ? 1 : 0;
    }
    if (e.contains("min")) {
      EXPECT_GE(n, e["min"].get<int>()) << e.dump();
    }
    if (e.contains("max")) {
      EXPECT_LE(n, e["max"].get<int>()) << e.dump();
    }
  }
}

// SOC values (to the hundredth, as charge-session bodies carry them) that
// the recording reports.
std::set<long long> reportedSocs(const std::string& recording) {
  std::set<long long> out;
  gzFile f = gzopen(recording.c_str(), "rb");
  if (f == nullptr) return out;
  std::string line;
  char buf[4096];
  while (gzgets(f, buf, sizeof buf) != nullptr) {
    line += buf;
    if (line.back() != '\n') continue;
    const json j = json::parse(line, nullptr, false);
    line.clear();
    if (j.is_discarded() || !j.contains("path") || !j.contains("value") || !j["value"].is_number())
      continue;
    const std::string path = j["path"].get<std::string>();
    if (path.find("StateOfCharge.") != std::string::npos)
      out.insert(std::llround(j["value"].get<double>() * 100.0));
  }
  gzclose(f);
  return out;
}

// Property: no published charge-session starts or ends at an SOC the car
// did not report (an unknown SOC taken for 0, or an average of readings).
void expectSessionSocsReported(const std::string& recording, const std::string& outbox_path) {
  const auto reported = reportedSocs(recording);
  ASSERT_FALSE(reported.empty()) << recording;
  std::ifstream in(outbox_path);
  for (std::string l; std::getline(in, l);) {
    const json m = json::parse(l);
    const std::string topic = m["topic"];
    if (topic.find("/charge-session") == std::string::npos) continue;
    const json& body = m["payload"]["body"];
    for (const char* end : {"start_soc", "end_soc"}) {
      EXPECT_EQ(reported.count(std::llround(body[end].get<double>() * 100.0)), 1U)
          << end << " never reported: " << body.dump();
    }
  }
}

class Scenario : public ::testing::TestWithParam<std::string> {};

TEST_P(Scenario, ReportMatchesTheExpectedValues) {
  const json scenario = json::parse(readFile(GetParam()));
  TempDir dir;
  writeFile(dir.file("agent.json"), scenario["config"].dump());
  const std::string recording = fs::path(GetParam()).replace_extension(".jsonl.gz").string();
  if (std::getenv("CRM_REGENERATE_SCENARIOS") != nullptr) {
    ASSERT_NO_FATAL_FAILURE(regenerate(scenario, dir, recording));
  }
  ASSERT_TRUE(fs::exists(recording)) << recording << " missing (see the comment at the top)";
  auto replay = run(agentCommand({"replay", recording, "--out", dir.file("out"), "--config",
                                  dir.file("agent.json")}),
                    dir.path());
  ASSERT_EQ(replay.code, 0) << replay.err;
  if (scenario.contains("glitches")) {
    // The saved bad lines are all rejected, each counted.
    const json summary = json::parse(replay.out);
    EXPECT_EQ(summary["rejected"], scenario["glitches"]) << replay.out;
  }
  const json report = json::parse(readFile(dir.file("out/report.json")));
  expectOutbox(scenario, dir.file("out/outbox.jsonl"));
  expectSessionSocsReported(recording, dir.file("out/outbox.jsonl"));
  expectPrompts(scenario, dir.file("out"), fs::path(GetParam()).stem().string());

  for (const auto& e : scenario["expect"]) {
    const std::string path = e["path"];
    ASSERT_TRUE(report.contains(json::json_pointer(path))) << path << " missing";
    const json& v = report[json::json_pointer(path)];
    const std::string where = fs::path(GetParam()).stem().string() + " " + path + " = " + v.dump();
    if (e.contains("equals")) {
      EXPECT_EQ(v, e["equals"]) << where;
    }
    if (e.contains("min")) {
      ASSERT_TRUE(v.is_number()) << where;
      EXPECT_GE(v.get<double>(), e["min"].get<double>()) << where;
    }
    if (e.contains("max")) {
      ASSERT_TRUE(v.is_number()) << where;
      EXPECT_LE(v.get<double>(), e["max"].get<double>()) << where;
    }
    if (e.contains("one_of")) {
      const auto& options = e["one_of"];
      EXPECT_NE(std::find(options.begin(), options.end(), v), options.end()) << where;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Suite, Scenario, ::testing::ValuesIn(scenarioFiles()),
                         [](const auto& info) { return fs::path(info.param).stem().string(); });

}  // namespace
}  // namespace crm::testing
