// The driver's prompts through the real `crm-agent replay`: hand-made
// recordings whose every instant is known, so each test states exactly when
// the driver sees a prompt (docs/engagement.md, "Delivery"): the driving
// lock-out, quiet hours on the local wall clock (summer time included), the
// daily cap, what leaves the car with and without consent, and the report's
// counts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crm/testing/temp_dir.h"
#include "process.h"

namespace crm::testing {
namespace {

using nlohmann::json;

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;
// Midnight UTC of the days the recordings use. Berlin is UTC+1 in winter;
// on 2026-03-29 at 01:00 UTC it moves to UTC+2 (summer time).
constexpr std::int64_t kJan12 = 1768176000000;
constexpr std::int64_t kJan15 = 1768435200000;
constexpr std::int64_t kMar28 = 1774656000000;

constexpr double kPlacardKpa = 290;
constexpr const char* kRearLeft = "Vehicle.Chassis.Axle.Row2.Wheel.Left.Tire.Pressure";
constexpr const char* kTyres[] = {"Vehicle.Chassis.Axle.Row1.Wheel.Left.Tire.Pressure",
                                  "Vehicle.Chassis.Axle.Row1.Wheel.Right.Tire.Pressure", kRearLeft,
                                  "Vehicle.Chassis.Axle.Row2.Wheel.Right.Tire.Pressure"};
constexpr const char* kSoc = "Vehicle.Powertrain.TractionBattery.StateOfCharge.Current";

// A recording built out of order and written in time order (the vehicle
// line first), as a car would have sent it.
class Recording {
 public:
  void sample(std::int64_t ts, const std::string& path, const json& value) {
    add(ts, json{{"ts", ts}, {"path", path}, {"value", value}});
  }
  void command(std::int64_t ts, const std::string& name, const json& body) {
    add(ts, json{{"ts", ts}, {"command", name}, {"body", body}});
  }
  // The car parked: an SOC reading every `every` in [from, to], so the
  // agent's clock (the recording's time) moves on.
  void parked(std::int64_t from, std::int64_t to, std::int64_t every = 10 * kMinute) {
    for (std::int64_t t = from; t <= to; t += every) sample(t, kSoc, 60.0);
  }
  // Driving in [from, to) with all four tyres at the placard pressure at
  // `from`; parked (IsMoving false) at `to`.
  void drive(std::int64_t from, std::int64_t to) {
    sample(from, "Vehicle.IsMoving", true);
    for (const char* tyre : kTyres) sample(from, tyre, kPlacardKpa);
    for (std::int64_t t = from; t < to; t += kMinute) sample(t, "Vehicle.Speed", 50.0);
    sample(to, "Vehicle.Speed", 0.0);
    sample(to, "Vehicle.IsMoving", false);
  }
  std::string text() const {
    auto lines = lines_;
    std::stable_sort(lines.begin(), lines.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out =
        json{{"vehicle",
              {{"vin", "LRW3E7EK5NC000077"}, {"chemistry", "NMC"}, {"tyre_placard_kpa", 290}}}}
            .dump() +
        "\n";
    for (const auto& [ts, line] : lines) out += line.dump() + "\n";
    return out;
  }

 private:
  void add(std::int64_t ts, json line) { lines_.emplace_back(ts, std::move(line)); }
  std::vector<std::pair<std::int64_t, json>> lines_;
};

json campaign(const std::string& id, const std::string& kind, std::int64_t valid_until) {
  return {{"campaign_id", id},
          {"kind", kind},
          {"severity", "info"},
          {"title", {{"en", "Winter check " + id}, {"zh-CN", "冬季检查"}}},
          {"message", {{"en", "A free winter check. Book a visit."}, {"zh-CN", "免费冬季检查。"}}},
          {"valid_until", valid_until}};
}

std::vector<json> readJsonLines(const std::string& path) {
  std::vector<json> out;
  std::ifstream in(path);
  for (std::string l; std::getline(in, l);) {
    if (!l.empty()) out.push_back(json::parse(l));
  }
  return out;
}

struct Outputs {
  std::vector<json> prompts;  // prompts.jsonl
  std::vector<json> outbox;   // outbox.jsonl
  json report;                // report.json
  std::string page;           // report.html
};

void replay(const Recording& recording, const json& config, Outputs& out) {
  TempDir dir;
  writeFile(dir.file("rec.jsonl"), recording.text());
  writeFile(dir.file("agent.json"), config.dump());
  const auto e = run(agentCommand({"replay", dir.file("rec.jsonl"), "--out", dir.file("out"),
                                   "--config", dir.file("agent.json"), "--strict"}),
                     dir.path());
  ASSERT_EQ(e.code, 0) << e.err;
  ASSERT_EQ(json::parse(e.out)["command_results"]["rejected"], 0) << e.err;
  out.prompts = readJsonLines(dir.file("out/prompts.jsonl"));
  out.outbox = readJsonLines(dir.file("out/outbox.jsonl"));
  out.report = json::parse(readFile(dir.file("out/report.json")));
  out.page = readFile(dir.file("out/report.html"));
}

// The one prompt of `rule` (and `subject`) in prompts.jsonl, or null.
json promptOf(const Outputs& out, const std::string& rule, const json& subject = nullptr) {
  json found;
  for (const auto& p : out.prompts) {
    if (p["rule"] != rule || (!subject.is_null() && p["subject"] != subject)) continue;
    EXPECT_TRUE(found.is_null()) << rule << " raised twice";
    found = p;
  }
  return found;
}

// The prompts messages of outbox.jsonl, their bodies.
std::vector<json> promptMessages(const Outputs& out) {
  std::vector<json> bodies;
  for (const auto& m : out.outbox) {
    const std::string topic = m["topic"];
    if (topic.size() > 8 && topic.compare(topic.size() - 8, 8, "/prompts") == 0)
      bodies.push_back(m["payload"]["body"]);
  }
  return bodies;
}

TEST(PromptsReplay, ATyreLowWhileDrivingIsShownWhenTheCarParksNotBefore) {
  const std::int64_t start = kJan12 + 9 * kHour;
  Recording rec;
  rec.drive(start, start + 30 * kMinute);
  rec.sample(start + 10 * kMinute, kRearLeft, 217.0);  // 25 % below 290 kPa
  rec.parked(start + 35 * kMinute, start + 2 * kHour);
  Outputs out;
  ASSERT_NO_FATAL_FAILURE(replay(rec, json::object(), out));

  const json p = promptOf(out, "tyres.pressure_low", "rear_left");
  ASSERT_FALSE(p.is_null()) << out.prompts.size() << " prompts";
  EXPECT_EQ(p["severity"], "warning");
  EXPECT_EQ(p["ts"], start + 10 * kMinute);
  EXPECT_EQ(p["delivered_ts"], start + 30 * kMinute) << "shown when IsMoving turned false";
}

TEST(PromptsReplay, ATyreFarBelowPlacardWhileDrivingIsCriticalAndShownAtOnce) {
  const std::int64_t start = kJan12 + 9 * kHour;
  Recording rec;
  rec.drive(start, start + 30 * kMinute);
  rec.sample(start + 10 * kMinute, kRearLeft, 159.0);  // 45 % below 290 kPa
  Outputs out;
  ASSERT_NO_FATAL_FAILURE(replay(rec, json::object(), out));

  const json p = promptOf(out, "tyres.pressure_low", "rear_left");
  ASSERT_FALSE(p.is_null());
  EXPECT_EQ(p["severity"], "critical");
  EXPECT_EQ(p["ts"], start + 10 * kMinute);
  EXPECT_EQ(p["delivered_ts"], p["ts"]) << "a critical prompt is not held back while driving";
}

TEST(PromptsReplay, AWaitingTyreWarningThatTurnsCriticalIsShownTheMomentItDoes) {
  const std::int64_t start = kJan12 + 9 * kHour;
  Recording rec;
  rec.drive(start, start + 30 * kMinute);
  rec.sample(start + 10 * kMinute, kRearLeft, 217.0);  // warning: waits
  rec.sample(start + 20 * kMinute, kRearLeft, 159.0);  // critical: shown while driving
  Outputs out;
  ASSERT_NO_FATAL_FAILURE(replay(rec, {{"privacy", {{"share_prompt_history", true}}}}, out));

  const json p = promptOf(out, "tyres.pressure_low", "rear_left");
  ASSERT_FALSE(p.is_null());
  EXPECT_EQ(p["ts"], start + 10 * kMinute);
  EXPECT_EQ(p["delivered_ts"], start + 20 * kMinute);
  // One prompt, updated in place: its delivery is at the critical severity.
  bool delivered_critical = false;
  for (const auto& m : promptMessages(out)) {
    if (m["event"] == "delivered")
      delivered_critical = m["severity"] == "critical" && m["event_ts"] == start + 20 * kMinute;
  }
  EXPECT_TRUE(delivered_critical);
}

// An info campaign raised at 23:00 Berlin time waits for the end of quiet
// hours, 07:00 on the local wall clock, whatever UTC says.
void expectQuietUntilSeven(std::int64_t day, std::int64_t seven_local_utc) {
  const std::int64_t eleven_pm = day + 22 * kHour;  // 23:00 CET
  Recording rec;
  rec.parked(day + 21 * kHour, day + kDay + 8 * kHour);
  rec.command(eleven_pm, "campaign", campaign("W-1", "offer", day + 7 * kDay));
  Outputs out;
  ASSERT_NO_FATAL_FAILURE(replay(rec, {{"engagement", {{"time_zone", "Europe/Berlin"}}}}, out));

  const json p = promptOf(out, "campaign.W-1");
  ASSERT_FALSE(p.is_null());
  EXPECT_EQ(p["severity"], "info");
  EXPECT_EQ(p["ts"], eleven_pm);
  EXPECT_EQ(p["delivered_ts"], seven_local_utc);
}

TEST(PromptsReplay, AnInfoPromptRaisedAt23LocalIsShownAt07Local) {
  expectQuietUntilSeven(kJan15, kJan15 + kDay + 6 * kHour);  // 07:00 CET = 06:00 UTC
}

TEST(PromptsReplay, OnTheNightSummerTimeStartsQuietHoursEndAt07Summertime) {
  expectQuietUntilSeven(kMar28, kMar28 + kDay + 5 * kHour);  // 07:00 CEST = 05:00 UTC
}

TEST(PromptsReplay, TheDailyCapHoldsBackTheFourthInfoPromptUntilTheNextDayButNeverARecall) {
  Recording rec;
  rec.parked(kJan15 + 8 * kHour, kJan15 + kDay + 8 * kHour);
  for (int i = 0; i < 5; ++i) {  // 10:00 to 10:40 CET
    rec.command(kJan15 + 9 * kHour + kMinute * 10 * i, "campaign",
                campaign("O-" + std::to_string(i), "offer", kJan15 + 7 * kDay));
  }
  rec.command(kJan15 + 10 * kHour, "campaign", campaign("R-1", "recall", kJan15 + 7 * kDay));
  Outputs out;
  ASSERT_NO_FATAL_FAILURE(replay(rec, {{"engagement", {{"time_zone", "Europe/Berlin"}}}}, out));

  for (int i = 0; i < 5; ++i) {
    const json p = promptOf(out, "campaign.O-" + std::to_string(i));
    ASSERT_FALSE(p.is_null()) << i;
    // The first three the day they came, the rest when the next day's quiet
    // hours end (07:00 CET = 06:00 UTC).
    EXPECT_EQ(p["delivered_ts"], i < 3 ? p["ts"] : json(kJan15 + kDay + 6 * kHour)) << i;
  }
  const json recall = promptOf(out, "campaign.R-1");
  ASSERT_FALSE(recall.is_null());
  EXPECT_EQ(recall["delivered_ts"], recall["ts"]) << "a recall is never held back by the cap";
}

// A campaign shown at once and a tyre that is low, shown at parking and
// inflated again: five lifecycle steps.
Recording campaignAndTyre() {
  const std::int64_t start = kJan12 + 9 * kHour;
  Recording rec;
  rec.command(start - kHour, "campaign", campaign("C-1", "service", kJan12 + 7 * kDay));
  rec.drive(start, start + 30 * kMinute);
  rec.sample(start + 10 * kMinute, kRearLeft, 217.0);
  rec.parked(start + 35 * kMinute, start + 2 * kHour);
  rec.sample(start + kHour, kRearLeft, kPlacardKpa);  // inflated: withdrawn
  return rec;
}

TEST(PromptsReplay, WithConsentEachLifecycleStepIsOnePromptsMessage) {
  const std::int64_t start = kJan12 + 9 * kHour;
  Outputs out;
  ASSERT_NO_FATAL_FAILURE(
      replay(campaignAndTyre(), {{"privacy", {{"share_prompt_history", true}}}}, out));

  const json tyre = promptOf(out, "tyres.pressure_low", "rear_left");
  const json offer = promptOf(out, "campaign.C-1");
  ASSERT_FALSE(tyre.is_null());
  ASSERT_FALSE(offer.is_null());
  std::map<std::string, std::vector<std::pair<std::string, json>>> steps;  // rule -> (event, ts)
  for (const auto& m : promptMessages(out)) {
    steps[m["rule"]].emplace_back(m["event"], m["event_ts"]);
    EXPECT_FALSE(m.contains("title") || m.contains("message")) << "no texts leave the car";
    EXPECT_EQ(m["raised_ts"], m["rule"] == "campaign.C-1" ? offer["ts"] : tyre["ts"]);
  }
  using Steps = std::vector<std::pair<std::string, json>>;
  EXPECT_EQ(steps["campaign.C-1"],
            (Steps{{"raised", start - kHour}, {"delivered", start - kHour}}));
  EXPECT_EQ(steps["tyres.pressure_low"], (Steps{{"raised", start + 10 * kMinute},
                                                {"delivered", start + 30 * kMinute},
                                                {"withdrawn", start + kHour}}));
  EXPECT_EQ(steps.size(), 2U);
}

TEST(PromptsReplay, WithoutConsentNoPromptsMessageLeavesTheCar) {
  Outputs out;
  ASSERT_NO_FATAL_FAILURE(replay(campaignAndTyre(), json::object(), out));

  EXPECT_EQ(out.prompts.size(), 2U) << "the history stays in the car";
  EXPECT_TRUE(promptMessages(out).empty());
  EXPECT_FALSE(out.outbox.empty()) << "the rest is still published";
}

TEST(PromptsReplay, OnlyTheLocalPageListsThePromptsNeitherReportJsonNorTheOutbox) {
  Outputs out;
  ASSERT_NO_FATAL_FAILURE(
      replay(campaignAndTyre(), {{"privacy", {{"share_prompt_history", true}}}}, out));

  EXPECT_NE(out.page.find("<h2>Reminders</h2>"), std::string::npos);
  EXPECT_NE(out.page.find("Winter check C-1"), std::string::npos);
  EXPECT_NE(out.page.find("Rear left tyre pressure low"), std::string::npos);
  EXPECT_NE(out.page.find("withdrawn"), std::string::npos);
  // report.json is published (health-report): counts, never the history.
  const std::string report = out.report.dump();
  EXPECT_EQ(report.find("Winter check"), std::string::npos);
  EXPECT_EQ(report.find("tyres.pressure_low"), std::string::npos);
  for (const auto& m : out.outbox) {
    EXPECT_EQ(m.dump().find("Winter check"), std::string::npos) << m["topic"];
    EXPECT_EQ(m.dump().find("tyre pressure low"), std::string::npos) << m["topic"];
  }
}

TEST(PromptsReplay, TheReportCountsThePromptsOfItsPeriodAsPromptsJsonlHasThem) {
  // A one-day report at the end of Jan 14: the prompts of Jan 12 are before it.
  Recording rec;
  for (const std::int64_t day : {kJan12, kJan12 + 2 * kDay}) {
    rec.parked(day + 9 * kHour, day + 18 * kHour);
    for (int i = 0; i < 2; ++i) {
      const std::string id = "D" + std::to_string((day - kJan12) / kDay) + "-" + std::to_string(i);
      rec.command(day + 10 * kHour + kMinute * i, "campaign",
                  campaign(id, "offer", kJan12 + 7 * kDay));
    }
  }
  Outputs out;
  ASSERT_NO_FATAL_FAILURE(replay(rec, {{"reports", {{"period_days", 1}}}}, out));

  const auto from = out.report["period"]["from"].get<std::int64_t>();
  const auto to = out.report["period"]["to"].get<std::int64_t>();
  const auto inPeriod = [&](const json& ts) {
    return ts.is_number() && ts.get<std::int64_t>() >= from && ts.get<std::int64_t>() < to;
  };
  int raised = 0, delivered = 0, before = 0;
  for (const auto& p : out.prompts) {
    raised += inPeriod(p["ts"]) ? 1 : 0;
    delivered += inPeriod(p["delivered_ts"]) ? 1 : 0;
    before += p["ts"].get<std::int64_t>() < from ? 1 : 0;
  }
  EXPECT_GE(raised, 2) << "the two campaigns of Jan 14";
  EXPECT_GE(before, 2) << "the two campaigns of Jan 12";
  const json& counts = out.report["prompts"];
  EXPECT_EQ(counts["raised"], raised);
  EXPECT_EQ(counts["delivered"], delivered);
  EXPECT_EQ(counts["accepted"], 0);
  EXPECT_EQ(counts["snoozed"], 0);
  EXPECT_EQ(counts["dismissed"], 0);
}

}  // namespace
}  // namespace crm::testing
