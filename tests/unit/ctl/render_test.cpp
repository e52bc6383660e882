// The human output of every command on fixed JSON: each line fits 80
// columns, the values are shown, and unknown values read "n/a".
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "render.h"
#include "text.h"

namespace crm::ctl {
namespace {

using nlohmann::json;

constexpr std::int64_t kNow = 1767225600000;  // 2026-01-01 00:00 UTC
constexpr std::int64_t kHour = 3'600'000;

// Every line ends in "\n" and fits the screen; the number of lines.
int expectFits(const std::string& out) {
  EXPECT_FALSE(out.empty());
  EXPECT_EQ(out.back(), '\n');
  std::istringstream in(out);
  int lines = 0;
  for (std::string line; std::getline(in, line); ++lines) {
    EXPECT_LE(displayWidth(line), kScreenWidth) << line;
  }
  return lines;
}

bool has(const std::string& out, const std::string& what) {
  return out.find(what) != std::string::npos;
}

json statusFixture() {
  return json::parse(R"({
    "version": "0.1.0", "uptime_s": 273600,
    "vehicle": {"vin": "LRW3E7EK5NC000077", "model": "model-3-lr", "odometer_km": 48211},
    "battery": {"soh_percent": 91.4, "soh_low": 90.2, "soh_high": 92.6, "status": "good"},
    "sync": {"connected": true, "last_ack_ms": 1767225420000, "outbox_pending": 3,
             "outbox_dropped": 0},
    "storage": {"file_bytes": 13107200, "quota_bytes": 67108864},
    "faults_active": ["P0A80", "U0100"], "prompts_open": 2, "source": "daemon"})");
}

TEST(RenderStatus, ShowsEverythingOnOneScreen) {
  const std::string out = renderStatus(statusFixture(), kNow);
  const int lines = expectFits(out);
  EXPECT_LE(lines, 24);  // one screen
  EXPECT_TRUE(has(out, "crm-agent 0.1.0, up 3 d 4 h")) << out;
  EXPECT_TRUE(has(out, "LRW3E7EK5NC000077, model-3-lr, 48211 km")) << out;
  EXPECT_TRUE(has(out, "SOH 91.4 % (90.2 to 92.6), status good")) << out;
  EXPECT_TRUE(has(out, "connected to the broker; last ack 2025-12-31 23:57 UTC (3 min ago)"))
      << out;
  EXPECT_TRUE(has(out, "3 waiting to be sent, 0 lost")) << out;
  EXPECT_TRUE(has(out, "12.5 MiB of 64.0 MiB (20 %)")) << out;
  EXPECT_TRUE(has(out, "2 active: P0A80, U0100")) << out;
  EXPECT_TRUE(has(out, "2 open")) << out;
}

TEST(RenderStatus, OfflineNullsReadNotKnown) {
  json s = statusFixture();
  s["source"] = "offline";
  s["uptime_s"] = nullptr;
  s["sync"]["connected"] = nullptr;
  s["sync"]["last_ack_ms"] = nullptr;
  s["battery"] = {
      {"soh_percent", nullptr}, {"soh_low", nullptr}, {"soh_high", nullptr}, {"status", nullptr}};
  s["vehicle"]["odometer_km"] = nullptr;
  const std::string out = renderStatus(s, kNow);
  expectFits(out);
  EXPECT_TRUE(has(out, "offline")) << out;
  EXPECT_TRUE(has(out, "SOH n/a, status n/a")) << out;
  EXPECT_TRUE(has(out, "connection n/a; last ack n/a")) << out;
  EXPECT_TRUE(has(out, "model-3-lr, n/a")) << out;
}

TEST(RenderStatus, AMissingOrWronglyTypedAnswerStillRenders) {
  for (const json& j : {json::object(), json::array(), json("text"), json(nullptr)}) {
    const std::string out = renderStatus(j, kNow);
    expectFits(out);
    EXPECT_TRUE(has(out, "n/a")) << out;
  }
}

TEST(RenderStatus, ALongFaultListIsCutWithACount) {
  json s = statusFixture();
  s["faults_active"] = json::array();
  for (int i = 0; i < 40; ++i) s["faults_active"].push_back("P0A" + std::to_string(10 + i));
  const std::string out = renderStatus(s, kNow);
  expectFits(out);
  EXPECT_TRUE(has(out, "40 active: P0A10, ")) << out;
  EXPECT_TRUE(has(out, " more")) << out;
}

TEST(RenderBattery, ShowsTheBatterySectionAndItsPeriod) {
  const json b = json::parse(R"({
    "soh": {"value": 91.4, "low": 90.2, "high": 92.6, "source": "combined"},
    "soh_bms_percent": 91.0, "soh_estimated_percent": 91.9,
    "degradation_percent_per_year": 1.85, "fleet_typical_percent_per_year": 2.3,
    "projected_80_percent": {"date": "2031-05-01", "odometer_km": 182000},
    "cell_imbalance_mv_max": 14, "status": "good",
    "period": {"from_ms": 1764633600000, "to_ms": 1767225600000}, "capacity_estimates": 9})");
  const std::string out = renderBattery(b);
  expectFits(out);
  EXPECT_TRUE(has(out, "Battery health, 2025-12-02 to 2025-12-31")) << out;
  EXPECT_TRUE(has(out, "91.4 % (90.2 to 92.6), source combined")) << out;
  EXPECT_TRUE(has(out, "1.85 % a year (fleet typical 2.3 %)")) << out;
  EXPECT_TRUE(has(out, "2031-05-01, at 182000 km")) << out;
  EXPECT_TRUE(has(out, "max 14 mV")) << out;
  EXPECT_TRUE(has(out, "9 in the period")) << out;
}

TEST(RenderBattery, NullsReadNotKnown) {
  const json b = json::parse(R"({
    "soh": {"value": null, "low": null, "high": null, "source": null},
    "soh_bms_percent": null, "soh_estimated_percent": null,
    "degradation_percent_per_year": null, "fleet_typical_percent_per_year": 2.3,
    "projected_80_percent": {"date": null, "odometer_km": null},
    "cell_imbalance_mv_max": null, "status": "good",
    "period": {"from_ms": 1764633600000, "to_ms": 1767225600000}, "capacity_estimates": 0})");
  const std::string out = renderBattery(b);
  expectFits(out);
  EXPECT_TRUE(has(out, "State of health     n/a, source n/a")) << out;
  EXPECT_TRUE(has(out, "n/a, at n/a")) << out;
}

TEST(RenderCharging, ShowsChargingHabitsAndUsage) {
  const json c = json::parse(R"({
    "period": {"from_ms": 1764633600000, "to_ms": 1767225600000},
    "charging": {"sessions": 23, "energy_kwh": 412.5, "dc_energy_share": 0.18, "dc_sessions": 4,
      "sessions_over_100kw": 2, "average_start_soc": 24, "average_end_soc": 81,
      "high_soc_dwell_hours": 12.5, "deep_discharge_events": 1, "hot_charging_sessions": 0,
      "habit_scores": {"fast_charging": 4, "high_soc_parking": 5, "deep_discharge": 3,
                       "charging_temperature": 5}},
    "usage": {"profile": "private", "average_daily_km": 41.2, "active_days_share": 0.8,
              "night_driving_share": 0.05, "dc_sessions_per_week": 0.9}})");
  const std::string out = renderCharging(c);
  expectFits(out);
  EXPECT_TRUE(has(out, "23 (4 DC, 2 over 100 kW)")) << out;
  EXPECT_TRUE(has(out, "412.5 kWh, 18 % of it DC")) << out;
  EXPECT_TRUE(has(out, "from 24 % to 81 %")) << out;
  EXPECT_TRUE(has(out, "Fast charging")) << out;
  EXPECT_TRUE(has(out, "private")) << out;
  EXPECT_TRUE(has(out, "0.9")) << out;
}

TEST(RenderCharging, AnEmptyObjectReadsNotKnown) {
  const std::string out = renderCharging(json::object());
  expectFits(out);
  EXPECT_TRUE(has(out, "Sessions              n/a (n/a DC, n/a over 100 kW)")) << out;
}

TEST(RenderMileage, ShowsDistanceTripsAndEfficiency) {
  const json m = json::parse(R"({"odometer_km": 48211,
    "period": {"from_ms": 1764633600000, "to_ms": 1767225600000}, "distance_km": 1234.56,
    "trips": 87, "average_daily_km": 41.2, "efficiency_kwh_per_100km": null})");
  const std::string out = renderMileage(m);
  expectFits(out);
  EXPECT_TRUE(has(out, "48211 km")) << out;
  EXPECT_TRUE(has(out, "1234.6 km in 87 trips")) << out;
  EXPECT_TRUE(has(out, "Efficiency     n/a")) << out;
}

TEST(RenderPrompts, ListsOpenPromptsWithTitlesAndCounts) {
  const json p = json::parse(R"({"open": [
      {"id": 7, "rule": "engagement.visit_invitation", "severity": "advisory",
       "state": "delivered", "raised_ms": 1767222000000, "delivered_ms": 1767222060000,
       "expires_ms": null,
       "title_en": "It has been almost a year since your last visit: come in for a free check of everything that matters"},
      {"id": 12, "rule": "tyres.slow_leak", "severity": "critical", "state": "raised",
       "raised_ms": 1767224000000, "delivered_ms": null, "expires_ms": 1767829000000,
       "title_en": "Front left tyre losing air"}],
    "counts": {"raised": 5, "delivered": 4, "accepted": 1, "snoozed": 0, "dismissed": 2}})");
  const std::string out = renderPrompts(p, kNow);
  expectFits(out);
  EXPECT_TRUE(has(out, "Open prompts: 2")) << out;
  EXPECT_TRUE(has(out, "engagement.visit_invitation")) << out;
  EXPECT_TRUE(has(out, "Front left tyre losing air")) << out;
  EXPECT_TRUE(has(out, "It has been almost a year")) << out;
  EXPECT_TRUE(has(out, "delivered n/a, expires 2026-01-07")) << out;
  EXPECT_TRUE(has(out, "5 raised, 4 delivered, 1 accepted, 0 snoozed, 2 dismissed")) << out;
}

TEST(RenderPrompts, NoOpenPromptsSaysSo) {
  const std::string out = renderPrompts(json::parse(R"({"open": [], "counts": {"raised": 0,
      "delivered": 0, "accepted": 0, "snoozed": 0, "dismissed": 0}})"),
                                        kNow);
  expectFits(out);
  EXPECT_TRUE(has(out, "No open prompts.")) << out;
}

TEST(RenderOutbox, ShowsDepthByKindAndTheConnection) {
  const json o = json::parse(R"({"pending": 12,
    "by_kind": {"telemetry/daily": 10, "prompts": 2}, "oldest_ms": 1767214800000,
    "next_seq": 5123, "dropped_quota": 4, "connected": false, "last_ack_ms": null})");
  const std::string out = renderOutbox(o, kNow);
  expectFits(out);
  EXPECT_TRUE(has(out, "Outbox: 12 waiting, oldest 2025-12-31 21:00 UTC (3 h ago)")) << out;
  EXPECT_TRUE(has(out, "not connected; last ack n/a")) << out;
  EXPECT_TRUE(has(out, "Lost to the quota  4")) << out;
  EXPECT_TRUE(has(out, "telemetry/daily")) << out;
  EXPECT_TRUE(has(out, "5123")) << out;
}

TEST(RenderOutbox, ShowsTheLossesByKindBesideWhatWaits) {
  const json o = json::parse(R"({"pending": 2, "by_kind": {"prompts": 2},
    "oldest_ms": 1767214800000, "next_seq": 90, "dropped_quota": 5, "expired": 1,
    "lost_by_kind": {"telemetry/daily": {"quota": 5, "expired": 0},
                     "cmd-result": {"quota": 0, "expired": 1}},
    "connected": true, "last_ack_ms": null})");
  const std::string out = renderOutbox(o, kNow);
  expectFits(out);
  EXPECT_TRUE(has(out, "Lost to the quota  5")) << out;
  EXPECT_TRUE(has(out, "Expired unsent     1")) << out;
  EXPECT_TRUE(has(out, "DROPPED")) << out;
  // One row per kind: waiting, dropped, expired (a kind with no loss: 0).
  EXPECT_TRUE(has(out, "cmd-result")) << out;
  EXPECT_TRUE(has(out, "telemetry/daily")) << out;
  std::string prompts_row;
  std::string daily_row;
  for (std::size_t at = 0, end = 0; at < out.size(); at = end + 1) {
    end = out.find('\n', at);
    if (end == std::string::npos) end = out.size();
    const std::string l = out.substr(at, end - at);
    if (l.find("prompts") != std::string::npos) prompts_row = l;
    if (l.find("telemetry/daily") != std::string::npos) daily_row = l;
  }
  EXPECT_NE(prompts_row.find("2"), std::string::npos) << out;
  EXPECT_EQ(prompts_row.find("n/a"), std::string::npos) << out;
  EXPECT_NE(daily_row.find("5"), std::string::npos) << out;
}

TEST(RenderStorage, ShowsTheFileAndItsContentsWithALongPathCut) {
  const json s = json::parse(R"({"file_bytes": 13107200, "quota_bytes": 67108864,
    "samples": 1200345, "samples_reduced": 5000, "oldest_sample_ms": 1764633600000,
    "newest_sample_ms": 1767225600000, "hourly_rollups": 8000, "daily_rollups": 365,
    "outbox_pending": 3, "outbox_dropped": 0, "next_seq": 5123})");
  json with_path = s;
  with_path["path"] = "/var/lib/crm-agent/" + std::string(100, 'd') + "/cache.db";
  const std::string out = renderStorage(with_path);
  expectFits(out);
  EXPECT_TRUE(has(out, "...")) << out;
  EXPECT_TRUE(has(out, "/cache.db")) << out;
  EXPECT_TRUE(has(out, "12.5 MiB of 64.0 MiB")) << out;
  EXPECT_TRUE(has(out, "1200345, 2025-12-02 00:00 UTC to 2026-01-01 00:00 UTC")) << out;
  EXPECT_TRUE(has(out, "8000 hourly, 365 daily")) << out;
}

TEST(RenderVersion, ShowsAgentSchemaAndContract) {
  const std::string out =
      renderVersion(json{{"agent", "0.1.0"}, {"schema_version", 9}, {"contract", "crm.v1"}});
  expectFits(out);
  EXPECT_TRUE(has(out, "0.1.0")) << out;
  EXPECT_TRUE(has(out, "9")) << out;
  EXPECT_TRUE(has(out, "crm.v1")) << out;
}

TEST(RenderConfig, FlattensKeysAndCutsLongValues) {
  const json c = json::parse(R"({"mqtt": {"broker": "tcp://127.0.0.1:1883",
    "password": "<redacted>", "tls": {"key_file": "<redacted>"}},
    "local_api": {"port": 8790, "technician_token_file": "/etc/crm-agent/token"},
    "maintenance": {"table": [{"item": "a"}, {"item": "b"}]}, "list": [1, 2],
    "note": null, "long": ")" +
                             std::string(200, 'x') + R"("})");
  const std::string out = renderConfig(c);
  expectFits(out);
  EXPECT_TRUE(has(out, "mqtt.broker = tcp://127.0.0.1:1883")) << out;
  EXPECT_TRUE(has(out, "mqtt.password = <redacted>")) << out;
  EXPECT_TRUE(has(out, "mqtt.tls.key_file = <redacted>")) << out;
  EXPECT_TRUE(has(out, "local_api.port = 8790")) << out;
  EXPECT_TRUE(has(out, "maintenance.table = [2 entries]")) << out;
  EXPECT_TRUE(has(out, "list = [1,2]")) << out;
  EXPECT_TRUE(has(out, "note = n/a")) << out;
}

TEST(RenderFaults, ListsCodesWithStatusAndTimes) {
  const json f = json::parse(R"({"items": [
    {"code": "P0A80", "first_seen_ms": 1764633600000, "last_seen_ms": 1767218400000,
     "status": "active"},
    {"code": "U0100", "first_seen_ms": 1764720000000, "last_seen_ms": 1764806400000,
     "status": "cleared"}]})");
  const std::string out = renderFaults(f, kNow);
  expectFits(out);
  EXPECT_TRUE(has(out, "Faults: 2, 1 active")) << out;
  EXPECT_TRUE(has(out, "P0A80  active   2025-12-02 00:00 UTC  2025-12-31 22:00 UTC (2 h ago)"))
      << out;
  EXPECT_TRUE(has(out, "U0100  cleared")) << out;
}

TEST(RenderFaults, NoFaultsSaysSo) {
  EXPECT_EQ(renderFaults(json{{"items", json::array()}}, kNow), "No faults recorded.\n");
}

TEST(RenderOperations, ReportSummaryShowsTheMainFigures) {
  const json r = json::parse(R"({"report_id": 12, "report": {
    "period": {"from": 1764633600000, "to": 1767225600000},
    "vehicle": {"vin": "LRW3E7EK5NC000077", "model": "model-3-lr", "odometer_km": 48211},
    "battery": {"soh": {"value": 91.4}, "status": "good"},
    "driving": {"distance_km": 1234.5, "trips": 87, "efficiency_kwh_per_100km": 16.3},
    "charging": {"sessions": 23, "energy_kwh": 412.5, "dc_energy_share": 0.18},
    "low_voltage_battery": {"status": "ok"}, "tyres": {"status": "ok"},
    "brakes": {"status": null},
    "faults": [{"code": "P0A80", "active": true}, {"code": "U0100", "active": false}],
    "service": {"due": [{"item": "tire_rotation", "due_in_km": 300, "due_in_days": null,
                         "overdue": false},
                        {"item": "cabin_filter", "due_in_km": 9000, "due_in_days": 200,
                         "overdue": false}]},
    "prompts": {"raised": 5, "accepted": 1}}})");
  const std::string out = renderReport(r);
  expectFits(out);
  EXPECT_TRUE(has(out, "Health report 12, 2025-12-02 to 2025-12-31")) << out;
  EXPECT_TRUE(has(out, "SOH 91.4 %, status good")) << out;
  EXPECT_TRUE(has(out, "1234.5 km in 87 trips, 16.3 kWh/100 km")) << out;
  EXPECT_TRUE(has(out, "2 in the period, 1 active")) << out;
  EXPECT_TRUE(has(out, "tire_rotation")) << out;
  EXPECT_FALSE(has(out, "cabin_filter")) << out;  // not due soon
  EXPECT_TRUE(has(out, "Brakes        n/a")) << out;
}

TEST(RenderOperations, SyncAndEraseOutcomes) {
  const std::string sync = renderSync(json{{"connected", false}, {"outbox_pending", 12}});
  expectFits(sync);
  EXPECT_TRUE(has(sync, "Not connected to the broker; 12 messages waiting")) << sync;
  const std::string erased =
      renderErase(json{{"erased", {{"trips", 120}, {"prompts", 14}, {"profile", 1}}}});
  expectFits(erased);
  EXPECT_TRUE(has(erased, "trips")) << erased;
  EXPECT_TRUE(has(erased, "120")) << erased;
  EXPECT_EQ(renderErase(json{{"erased", json::object()}}), "Nothing to erase.\n");
}

}  // namespace
}  // namespace crm::ctl
