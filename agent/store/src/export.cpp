// The data export (crm/store/personal.h; the document is described in
// docs/privacy.md, its schema in docs/local-api/schemas/data-export.json). Every
// record the cache keeps is in it row by row, except what is too large to
// be useful that way: raw samples of technical signals and hourly roll-ups
// are summarised (the daily roll-ups carry the same measures by day);
// personal samples (locations) are listed, up to a bound.
#include <algorithm>
#include <limits>
#include <map>

#include "crm/common/log.h"
#include "crm/store/meta_keys.h"
#include "impl.h"

namespace crm::store {
namespace {

using nlohmann::json;

constexpr std::int64_t kAllTime = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kBeginning = std::numeric_limits<std::int64_t>::min();

json orNull(const std::optional<double>& v) {
  return v ? json(*v) : json(nullptr);
}
json orNull(const std::optional<std::int64_t>& v) {
  return v ? json(*v) : json(nullptr);
}
json orNull(const std::optional<std::string>& v) {
  return v ? json(*v) : json(nullptr);
}

// Stored JSON (a prompt's detail, a report) as JSON; kept as text should it
// not parse, rather than lost.
json embedded(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? json(text) : j;
}

json localised(const std::string& en, const std::string& zh) {
  return {{"en", en}, {"zh-CN", zh}};
}

json tripsJson(const std::vector<Trip>& trips) {
  json out = json::array();
  for (const auto& t : trips) {
    out.push_back({{"start_ms", t.start_ms},
                   {"end_ms", t.end_ms},
                   {"distance_km", t.distance_km},
                   {"energy_kwh", t.energy_kwh},
                   {"ambient_c", orNull(t.ambient_c)}});
  }
  return out;
}

json sessionsJson(const std::vector<ChargingSession>& sessions) {
  json out = json::array();
  for (const auto& s : sessions) {
    out.push_back({{"start_ms", s.start_ms},
                   {"end_ms", s.end_ms},
                   {"start_soc", s.start_soc},
                   {"end_soc", s.end_soc},
                   {"energy_kwh", s.energy_kwh},
                   {"peak_kw", s.peak_kw},
                   {"average_kw", s.average_kw},
                   {"dc", s.dc},
                   {"pack_temp_max_c", orNull(s.pack_temp_max_c)},
                   {"interrupted", s.interrupted},
                   {"inferred", s.inferred}});
  }
  return out;
}

json estimatesJson(const std::vector<CapacityEstimate>& estimates) {
  json out = json::array();
  for (const auto& e : estimates) {
    out.push_back({{"ts_ms", e.ts_ms},
                   {"capacity_kwh", e.capacity_kwh},
                   {"soc_span", e.soc_span},
                   {"temperature_c", orNull(e.temperature_c)}});
  }
  return out;
}

json serviceJson(const std::vector<ServiceRecord>& records) {
  json out = json::array();
  for (const auto& r : records) {
    out.push_back({{"visit_date", r.visit_date},
                   {"odometer_km", r.odometer_km},
                   {"items", r.items},
                   {"dealer_id", r.dealer_id},
                   {"command_id", r.command_id},
                   {"received_ms", r.received_ms}});
  }
  return out;
}

json promptJson(const PromptRecord& p, json events) {
  return {{"id", p.id},
          {"rule", p.rule},
          {"subject", p.subject},
          {"severity", p.severity},
          {"state", p.state},
          {"title", localised(p.title_en, p.title_zh)},
          {"message", localised(p.message_en, p.message_zh)},
          {"booking", p.booking},
          {"uncapped", p.uncapped},
          {"detail", embedded(p.detail_json)},
          {"raised_ms", p.raised_ms},
          {"expires_ms", p.expires_ms != 0 ? json(p.expires_ms) : json(nullptr)},
          {"delivered_ms", orNull(p.delivered_ms)},
          {"state_ms", p.state_ms},
          {"snoozed_until", orNull(p.snoozed_until)},
          {"events", std::move(events)}};
}

json campaignsJson(const std::vector<CampaignRecord>& campaigns) {
  json out = json::array();
  for (const auto& c : campaigns) {
    out.push_back({{"campaign_id", c.campaign_id},
                   {"kind", c.kind},
                   {"severity", c.severity},
                   {"title", localised(c.title_en, c.title_zh)},
                   {"message", localised(c.message_en, c.message_zh)},
                   {"valid_until", c.valid_until},
                   {"command_id", c.command_id},
                   {"received_ms", c.received_ms}});
  }
  return out;
}

json appointmentsJson(const std::vector<AppointmentRecord>& appointments) {
  json out = json::array();
  for (const auto& a : appointments) {
    out.push_back({{"appointment_id", a.appointment_id},
                   {"at_ms", a.at_ms},
                   {"dealer_name", a.dealer_name},
                   {"items", a.items},
                   {"command_id", a.command_id},
                   {"received_ms", a.received_ms}});
  }
  return out;
}

json vehicleJson(const vehicle::VehicleInfo& v) {
  return {{"vin", v.vin},
          {"model", v.model},
          {"nominal_capacity_kwh", v.nominal_capacity_kwh},
          {"chemistry", v.chemistry},
          {"delivered", v.delivered},
          {"tyre_placard_kpa", v.tyre_placard_kpa},
          {"utc_offset_minutes", v.utc_offset_minutes}};
}

// A statement whose read failures are latched in `sink` (Reader::takeReadError).
Stmt query(sqlite3* db, std::string* sink, const std::string& sql) {
  Stmt s(db, sql);
  s.reportTo(sink);
  return s;
}

// Every daily roll-up, by signal path: {"columns": [...], "rows": [[...]]}.
json dailyRollupsJson(const Store& store) {
  json out = json::object();
  for (const auto& info : vehicle::signalCatalogue()) {
    const auto rows = store.dailyRollups(info.id, kBeginning, kAllTime);
    if (rows.empty()) continue;
    json list = json::array();
    for (const auto& r : rows) {
      list.push_back(
          {r.bucket_ms, r.count, r.min, r.max, r.sum, r.first, r.last, r.first_ts, r.last_ts});
    }
    out[std::string(info.path)] = {{"unit", info.unit}, {"rows", std::move(list)}};
  }
  return {
      {"columns", {"day_ms", "count", "min", "max", "sum", "first", "last", "first_ts", "last_ts"}},
      {"signals", std::move(out)}};
}

// Rows per signal and their time range: {"<path>": {"count", "from_ms", "to_ms"}}.
json summaryJson(sqlite3* db, std::string* sink, const std::string& table,
                 const std::string& time_column) {
  json out = json::object();
  Stmt s = query(db, sink,
                 "SELECT g.path, count(*), min(t." + time_column + "), max(t." + time_column +
                     ") FROM " + table + " t JOIN signals g ON g.id = t.signal GROUP BY t.signal");
  while (s.step() == SQLITE_ROW) {
    out[s.text(0)] = {{"count", s.i64(1)}, {"from_ms", s.i64(2)}, {"to_ms", s.i64(3)}};
  }
  return out;
}

// Raw samples of the personal signals, oldest first; the newest `max` when
// there are more ("truncated": true).
json personalSamplesJson(sqlite3* db, std::string* sink, const std::vector<SignalState>& signals,
                         std::int64_t max) {
  json out = json::object();
  Stmt count = query(db, sink, "SELECT count(*) FROM samples_all WHERE signal = ?");
  Stmt rows = query(db, sink,
                    "SELECT ts, num FROM samples_all WHERE signal = ? ORDER BY ts DESC, id DESC "
                    "LIMIT ?");
  for (const auto& info : vehicle::signalCatalogue()) {
    if (!info.personal) continue;
    const std::int64_t id = signals[info.id].db_id;
    count.bind(1, id);
    const std::int64_t n = count.step() == SQLITE_ROW ? count.i64(0) : 0;
    count.reset();
    if (n == 0) continue;
    json list = json::array();
    rows.bind(1, id).bind(2, max);
    while (rows.step() == SQLITE_ROW) list.push_back({rows.i64(0), rows.f64(1)});
    rows.reset();
    std::reverse(list.begin(), list.end());
    out[std::string(info.path)] = {
        {"unit", info.unit}, {"count", n}, {"truncated", n > max}, {"rows", std::move(list)}};
  }
  return {{"columns", {"ts_ms", "value"}}, {"signals", std::move(out)}};
}

}  // namespace

Result<json, StoreError> Store::exportData(const ExportOptions& options) const {
  const Impl& im = *impl_;
  if (auto stale = takeReadError())
    log::warn("store: export: an earlier read had failed: {}", *stale);
  json doc;
  doc["schema"] = kDataExportSchema;
  doc["generated_ms"] = options.generated_ms;
  doc["vehicle"] = vehicleJson(options.vehicle);
  if (options.consent) {
    doc["consent"] = {{"share_location", options.consent->share_location},
                      {"share_trips", options.consent->share_trips},
                      {"share_prompt_history", options.consent->share_prompt_history}};
  } else {
    doc["consent"] = nullptr;
  }
  doc["profile"] = {{"tier", orNull(meta(kProfileTierKey))},
                    {"language", orNull(meta(kProfileLanguageKey))},
                    {"dealer_id", orNull(meta(kProfileDealerKey))}};
  const auto overrides = meta(kEngagementOverridesKey);
  doc["settings_overrides"] = overrides ? embedded(*overrides) : json(nullptr);

  doc["trips"] = tripsJson(trips(kBeginning, kAllTime));
  doc["charging_sessions"] = sessionsJson(chargingSessions(kBeginning, kAllTime));
  doc["capacity_estimates"] = estimatesJson(capacityEstimates(kBeginning, kAllTime));
  doc["service_records"] = serviceJson(serviceRecords());

  // Prompts with their lifecycle, oldest first.
  auto prompts = promptsRaised(kBeginning, kAllTime);
  if (!prompts) return prompts.error();
  std::map<std::int64_t, json> events;
  Stmt ev =
      im.query("SELECT prompt_id, ts, event FROM prompt_events ORDER BY prompt_id, ts, rowid");
  while (ev.step() == SQLITE_ROW) {
    auto& list = events.try_emplace(ev.i64(0), json::array()).first->second;
    list.push_back({{"ts_ms", ev.i64(1)}, {"event", ev.text(2)}});
  }
  json prompt_list = json::array();
  for (const auto& p : *prompts) {
    auto it = events.find(p.id);
    prompt_list.push_back(promptJson(p, it != events.end() ? it->second : json::array()));
  }
  doc["prompts"] = std::move(prompt_list);

  auto campaign_rows = campaigns();
  if (!campaign_rows) return campaign_rows.error();
  doc["campaigns"] = campaignsJson(*campaign_rows);
  auto appointment_rows = appointments();
  if (!appointment_rows) return appointment_rows.error();
  doc["appointments"] = appointmentsJson(*appointment_rows);

  json reports = json::array();
  Stmt rep = im.query(
      "SELECT id, period_from, period_to, generated_ms, on_request, json FROM reports ORDER BY id");
  while (rep.step() == SQLITE_ROW) {
    reports.push_back({{"id", rep.i64(0)},
                       {"period_from", rep.i64(1)},
                       {"period_to", rep.i64(2)},
                       {"generated_ms", rep.i64(3)},
                       {"on_request", rep.i64(4) != 0},
                       {"report", embedded(rep.text(5))}});
  }
  doc["reports"] = std::move(reports);

  json faults = json::array();
  Stmt fl = im.query("SELECT code, first_seen, last_seen, active FROM faults ORDER BY first_seen");
  while (fl.step() == SQLITE_ROW) {
    faults.push_back({{"code", fl.text(0)},
                      {"first_seen_ms", fl.i64(1)},
                      {"last_seen_ms", fl.i64(2)},
                      {"active", fl.i64(3) != 0}});
  }
  doc["faults"] = std::move(faults);

  sqlite3* db = im.db.handle();
  std::string* sink = &im.read_error;
  doc["daily_rollups"] = dailyRollupsJson(*this);
  doc["hourly_rollups"] = summaryJson(db, sink, "rollup_hourly", "bucket");
  doc["samples"] = summaryJson(db, sink, "samples_all", "ts");
  doc["personal_samples"] = personalSamplesJson(
      db, sink, im.signals, std::max<std::int64_t>(0, options.max_personal_samples));

  json outbox = json::object();
  Stmt ob = im.query("SELECT kind, count(*), min(created_ms) FROM outbox GROUP BY kind");
  while (ob.step() == SQLITE_ROW) {
    outbox[ob.text(0)] = {{"count", ob.i64(1)}, {"oldest_ms", ob.i64(2)}};
  }
  doc["outbox"] = std::move(outbox);

  json commands = json::object();
  Stmt cm = im.query(
      "SELECT command, count(*), min(received_ms), max(received_ms) FROM commands_seen "
      "GROUP BY command");
  while (cm.step() == SQLITE_ROW) {
    commands[cm.text(0)] = {{"count", cm.i64(1)}, {"first_ms", cm.i64(2)}, {"last_ms", cm.i64(3)}};
  }
  doc["commands"] = std::move(commands);

  // The rest of the meta table: counters and marks the agent keeps for itself.
  json bookkeeping = json::object();
  Stmt mt = im.query("SELECT key, value FROM meta ORDER BY key");
  while (mt.step() == SQLITE_ROW) {
    const std::string key = mt.text(0);
    if (key == kProfileTierKey || key == kProfileLanguageKey || key == kProfileDealerKey ||
        key == kEngagementOverridesKey) {
      continue;
    }
    bookkeeping[key] = mt.text(1);
  }
  doc["bookkeeping"] = std::move(bookkeeping);
  doc["limits"] = {{"raw_retention_days", options_.raw_retention_days},
                   {"max_personal_samples", options.max_personal_samples}};

  if (auto failed = takeReadError()) return fail(StoreError::kRead, "export: " + *failed);
  return doc;
}

}  // namespace crm::store
