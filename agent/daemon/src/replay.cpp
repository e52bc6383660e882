// crm-agent replay: a recording through the whole pipeline, as fast as it
// goes, with time taken from the recording (contracts.md §1, §3).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "crm/analytics/analytics.h"
#include "crm/commands/processor.h"
#include "crm/reports/health_report.h"
#include "crm/store/store.h"
#include "crm/telemetry/ingest.h"
#include "crm/vehicle/recording.h"
#include "programs.h"

namespace crm::daemon {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Commit every this many records: big batches are what make replay fast,
// and a replay that dies is simply run again.
constexpr int kBatch = 20000;

// A temporary folder removed when the replay ends.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "crm-replay-XXXXXX").string();
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Writes every committed outbox message to outbox.jsonl and marks it sent:
// the file plays the broker.
bool drainOutbox(store::Store& store, const config::Config& cfg, const std::string& vin,
                 std::ofstream& out, std::uint64_t& written) {
  for (;;) {
    auto batch = store.pendingOutbox(0, 1000);
    if (batch.empty()) return true;
    for (const auto& m : batch) {
      json line = {{"topic", cfg.mqtt.prefix + "/" + vin + "/" + m.kind},
                   {"qos", 1},
                   {"retain", m.retain},
                   {"payload", json::parse(m.payload, nullptr, false)}};
      out << line.dump() << '\n';
      store.ackOutbox(m.seq);
      ++written;
    }
    if (!out || !store.commit()) return false;
  }
}

bool writeText(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text << '\n';
  return static_cast<bool>(out);
}

}  // namespace

int runReplay(const ReplayOptions& options) {
  config::Config cfg;
  if (options.config_path) {
    auto loaded = config::loadConfig(*options.config_path);
    if (!loaded) {
      std::cerr << "crm-agent replay: " << loaded.error().message << "\n";
      return 2;
    }
    cfg = std::move(loaded).value();
  }
  auto reader = vehicle::RecordingReader::open(options.recording);
  if (!reader) {
    std::cerr << "crm-agent replay: " << reader.error().message << "\n";
    return 2;
  }
  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  std::ofstream outbox_file(fs::path(options.out_dir) / "outbox.jsonl", std::ios::trunc);
  if (ec || !outbox_file) {
    std::cerr << "crm-agent replay: " << options.out_dir << ": cannot write outputs there\n";
    return 2;
  }

  TempDir temp;
  const std::string state_dir = options.state_dir.value_or(temp.path());
  if (state_dir.empty()) {
    std::cerr << "crm-agent replay: cannot create a temporary state folder\n";
    return 1;
  }
  store::StoreOptions so{
      (fs::path(state_dir) / "cache.db").string(), cfg.storage.quota_mib << 20,
      cfg.storage.raw_retention_days,
      /*full_sync=*/false,  // a replay is repeatable: speed over power-cut safety
      cfg.vehicle.utc_offset_minutes};
  auto store = store::Store::open(so);
  if (!store) {
    std::cerr << "crm-agent replay: " << store.error().message << "\n";
    return 1;
  }
  telemetry::Ingest ingest(**store, cfg, telemetry::Ingest::VinFrom::kSource);
  analytics::Analytics analytics(**store, ingest.vehicle());
  ingest.onAccepted([&](const vehicle::Sample& s) { return analytics.onSample(s); });
  std::optional<vehicle::Rejected> strict_failure;
  std::uint64_t rejects_reported = 0;
  ingest.onReject([&](const vehicle::Rejected& r) {
    if (options.strict && !strict_failure) strict_failure = r;
    // Enough to fix a recording, not a flood for a bad one.
    if (!options.strict && ++rejects_reported <= 20) {
      std::cerr << options.recording << ":" << r.line << ": rejected ("
                << vehicle::rejectKindName(r.kind) << "): " << r.message << "\n";
    }
  });

  auto reportContext = [&] {
    return reports::ReportContext{ingest.counters().rejected.total(), &cfg.maintenance.table};
  };
  // Command lines act as commands from the CRM (docs/commands.md); their
  // cmd-results go to outbox.jsonl. A rejected command is the CRM's mistake,
  // not the recording's: it is reported, and --strict does not stop for it.
  commands::Processor processor(**store);
  std::uint64_t command_results[3] = {};
  std::uint64_t commands_reported = 0;

  int in_batch = 0;
  while (auto rec = (*reader)->next()) {
    if (!ingest.feed(*rec)) return 1;
    if (std::holds_alternative<vehicle::VehicleFacts>(*rec)) analytics.setVehicle(ingest.vehicle());
    if (const auto* cmd = std::get_if<vehicle::Command>(&*rec)) {
      const auto outcome =
          processor.handleRecorded(*cmd, commands::Context{ingest.vehicle(), 0, reportContext()});
      ++command_results[static_cast<int>(outcome.status)];
      if (outcome.status == commands::CommandStatus::kError) {
        std::cerr << "crm-agent replay: " << options.recording << ":" << cmd->line
                  << ": command failed: " << outcome.reason << "\n";
        return 1;
      }
      if (outcome.status == commands::CommandStatus::kRejected && ++commands_reported <= 20) {
        std::cerr << options.recording << ":" << cmd->line << ": command " << outcome.command
                  << " rejected: " << outcome.reason << "\n";
      }
    }
    if (strict_failure) {
      std::cerr << options.recording << ":" << strict_failure->line << ": "
                << vehicle::rejectKindName(strict_failure->kind) << ": " << strict_failure->message
                << "\n";
      return 2;
    }
    if (++in_batch == kBatch) {
      in_batch = 0;
      if (!(*store)->commit()) return 1;
    }
  }
  // A damaged or truncated compressed recording: what was read stands (each
  // line was validated), the rest is lost; --strict treats it as bad input.
  const std::string read_error = (*reader)->error();
  if (!read_error.empty()) {
    std::cerr << "crm-agent replay: " << read_error << "\n";
    if (options.strict) return 2;
  }
  if (!analytics.finish() || !ingest.finish() || !(*store)->commit()) return 1;

  // The report for the period ending at the last sample.
  std::vector<std::string> outputs;
  if (auto newest = (*store)->newestSampleMs()) {
    const auto period = reports::periodEnding(*newest + 1, cfg.report_period_days);
    auto report = reports::generateReport(**store, ingest.vehicle(), period, reportContext());
    if (!report || !(*store)->commit()) {
      std::cerr << "crm-agent replay: storing the report failed\n";
      return 1;
    }
    const auto charts = reports::buildChartData(**store, ingest.vehicle(), period);
    if (!writeText(fs::path(options.out_dir) / "report.json", report->dump(2)) ||
        !writeText(fs::path(options.out_dir) / "report.html",
                   reports::renderHtml(*report, charts, cfg.engagement.language))) {
      std::cerr << "crm-agent replay: " << options.out_dir << ": cannot write the report\n";
      return 1;
    }
    outputs.push_back((fs::path(options.out_dir) / "report.json").string());
    outputs.push_back((fs::path(options.out_dir) / "report.html").string());
  }

  outputs.push_back((fs::path(options.out_dir) / "outbox.jsonl").string());
  std::uint64_t written = 0;
  if (!drainOutbox(**store, cfg, ingest.vehicle().vin, outbox_file, written)) {
    std::cerr << "crm-agent replay: writing outbox.jsonl failed\n";
    return 1;
  }
  const auto& c = ingest.counters();
  const auto& a = analytics.counters();
  json summary = {{"recording", options.recording},
                  {"samples_accepted", c.accepted},
                  {"samples_stored", c.stored},
                  {"commands", c.commands},
                  {"command_results",
                   {{"ok", command_results[0]},
                    {"rejected", command_results[1]},
                    {"error", command_results[2]}}},
                  {"rejected", c.rejected.total()},
                  {"messages", written},
                  {"charging_sessions", a.charging_sessions},
                  {"trips", a.trips},
                  {"outputs", outputs},
                  {"read_error", read_error.empty() ? json(nullptr) : json(read_error)}};
  json by_kind = json::object();
  for (int k = 0; k < vehicle::kRejectKindCount; ++k) {
    by_kind[vehicle::rejectKindName(static_cast<vehicle::RejectKind>(k))] = c.rejected.by_kind[k];
  }
  summary["rejected_by_kind"] = by_kind;
  std::cout << summary.dump(2) << "\n";
  return 0;
}

}  // namespace crm::daemon
