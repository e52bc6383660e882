#include "offline.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "crm/os/clock.h"
#include "crm/pipeline/pipeline.h"
#include "crm/reports/health_report.h"
#include "crm/reports/html.h"
#include "crm/sync/envelope.h"
#include "options.h"

namespace crm::daemon {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Commit every this many records: big batches are what make a replay fast,
// and a replay that dies is simply run again.
constexpr int kBatch = 20000;
// Enough to fix a recording, not a flood for a bad one.
constexpr std::uint64_t kMaxReported = 20;

// A temporary folder removed when the run ends.
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

// Writes every committed outbox message to outbox.jsonl, in its envelope
// exactly as MQTT would carry it, and acknowledges it: the file plays the
// broker.
Status<store::StoreError> drainOutbox(store::Store& store, const std::string& prefix,
                                      std::ofstream& out, std::uint64_t& written) {
  for (;;) {
    auto batch = store.pendingOutbox(0, 1000);
    if (!batch) return batch.error();
    if (batch->empty()) return {};
    for (const auto& m : *batch) {
      const auto kind = wire::kindFromTopic(m.kind);
      json line = {{"topic", sync::topicFor(prefix, m.vin, m.kind)},
                   {"qos", 1},
                   {"retain", kind && wire::spec(*kind).retained},
                   {"payload", json::parse(sync::envelope(m), nullptr, false)}};
      out << line.dump() << '\n';
      if (auto st = store.ackOutbox(m.seq); !st) return st;
      ++written;
    }
    if (!out) return fail(store::StoreError::kIo, "outbox.jsonl: write failed");
    if (auto st = store.commit(); !st) return st;
  }
}

// prompts.jsonl: every prompt raised, in order, with when the driver would
// first see it (null: never, e.g. withdrawn or expired while it waited).
class PromptLog {
 public:
  void add(const engagement::LifecycleEvent& e, engagement::Language language) {
    const auto& p = e.prompt;
    if (e.event == "raised") {
      index_[p.id] = lines_.size();
      lines_.push_back({{"ts", p.raised_ms},
                        {"rule", p.rule},
                        {"severity", engagement::severityName(p.severity)},
                        {"delivered_ts", nullptr},
                        {"title", p.title.in(language)},
                        {"message", p.message.in(language)},
                        {"language", engagement::languageName(language)},
                        {"subject", p.subject.empty() ? json(nullptr) : json(p.subject)}});
      return;
    }
    const auto it = index_.find(p.id);
    if (e.event == "delivered" && it != index_.end() &&
        lines_[it->second]["delivered_ts"].is_null()) {
      // As first seen: a warning that became critical before it could be
      // shown was shown as critical, with the critical words.
      auto& line = lines_[it->second];
      line["delivered_ts"] = e.ts_ms;
      line["severity"] = engagement::severityName(p.severity);
      line["title"] = p.title.in(language);
      line["message"] = p.message.in(language);
    }
    if (e.event == "delivered") ++delivered_;
  }

  bool write(const fs::path& path) const {
    std::ofstream out(path, std::ios::trunc);
    for (const auto& line : lines_) out << line.dump() << '\n';
    return static_cast<bool>(out);
  }
  std::size_t raised() const { return lines_.size(); }
  std::size_t delivered() const { return delivered_; }

 private:
  std::vector<json> lines_;
  std::map<std::int64_t, std::size_t> index_;
  std::size_t delivered_ = 0;
};

bool writeText(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text << '\n';
  return static_cast<bool>(out);
}

}  // namespace

int runOffline(vehicle::VehicleSource& source, const config::Config& cfg,
               const OfflineOptions& options) {
  const char* me = "crm-agent replay";
  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  std::ofstream outbox_file(fs::path(options.out_dir) / "outbox.jsonl", std::ios::trunc);
  if (ec || !outbox_file) {
    std::cerr << me << ": " << options.out_dir << ": cannot write outputs there\n";
    return 2;
  }
  TempDir temp;
  const std::string state_dir = options.state_dir.value_or(temp.path());
  if (state_dir.empty()) {
    std::cerr << me << ": cannot create a temporary state folder\n";
    return 1;
  }
  auto store = store::Store::open(
      storeOptions(cfg, (fs::path(state_dir) / "cache.db").string(), Durability::kRepeatable));
  if (!store) {
    std::cerr << me << ": " << store.error().message << "\n";
    return 1;
  }

  // The recording's time is the pipeline's "now".
  os::ManualClock clock;
  pipeline::Pipeline pipe(**store, clock,
                          pipelineOptions(cfg, telemetry::Ingest::VinFrom::kSource));
  PromptLog prompts;
  pipe.onPromptEvent([&](const engagement::LifecycleEvent& e) { prompts.add(e, pipe.language()); });
  std::optional<vehicle::Rejected> strict_failure;
  std::uint64_t rejects_reported = 0;
  pipe.onReject([&](const vehicle::Rejected& r) {
    if (options.strict && !strict_failure) strict_failure = r;
    if (!options.strict && ++rejects_reported <= kMaxReported) {
      std::cerr << options.input << ":" << r.line << ": rejected ("
                << vehicle::rejectKindName(r.kind) << "): " << r.message << "\n";
    }
  });
  // Command lines act as commands from the CRM (docs/commands.md); their
  // cmd-results go to outbox.jsonl. A rejected command is the CRM's mistake,
  // not the recording's: it is reported, and --strict does not stop for it.
  std::uint64_t commands_reported = 0;
  pipe.onCommand([&](const commands::Outcome& o, int line) {
    if (o.status == commands::CommandStatus::kError) {
      std::cerr << me << ": " << options.input << ":" << line << ": command failed: " << o.reason
                << "\n";
    } else if (o.status == commands::CommandStatus::kRejected &&
               ++commands_reported <= kMaxReported) {
      std::cerr << options.input << ":" << line << ": command " << o.command
                << " rejected: " << o.reason << "\n";
    }
  });

  int in_batch = 0;
  while (auto rec = source.next()) {
    if (const auto ts = vehicle::timeOf(*rec)) clock.advanceTo(*ts);
    if (!pipe.feed(*rec)) return 1;
    if (strict_failure) {
      std::cerr << options.input << ":" << strict_failure->line << ": "
                << vehicle::rejectKindName(strict_failure->kind) << ": " << strict_failure->message
                << "\n";
      return 2;
    }
    if (++in_batch == kBatch) {
      in_batch = 0;
      if (auto st = (*store)->commit(); !st) {
        std::cerr << me << ": " << st.error().message << "\n";
        return 1;
      }
    }
  }
  // A damaged or truncated compressed recording: what was read stands (each
  // line was validated), the rest is lost; --strict treats it as bad input.
  const auto read_error = source.endError();
  if (read_error) {
    std::cerr << me << ": " << *read_error << "\n";
    if (options.strict) return 2;
  }
  auto final_report = pipe.finish();
  if (!final_report) {
    std::cerr << me << ": " << final_report.error().message << "\n";
    return 1;
  }
  if (auto st = (*store)->commit(); !st) {
    std::cerr << me << ": " << st.error().message << "\n";
    return 1;
  }

  std::vector<std::string> outputs;
  if (*final_report) {
    const auto& [period, report] = **final_report;
    auto charts = reports::buildChartData(**store, pipe.vehicle(), period);
    // The page is the driver's own: it lists the period's prompts, which
    // report.json (published) never carries.
    if (auto history = reports::promptHistory(**store, period)) {
      charts.prompts = std::move(history).value();
    } else {
      std::cerr << me << ": report.html without its reminders: " << history.error().message << "\n";
    }
    const auto json_path = fs::path(options.out_dir) / "report.json";
    const auto html_path = fs::path(options.out_dir) / "report.html";
    if (!writeText(json_path, reports::toJson(report).dump(2)) ||
        !writeText(html_path, reports::renderHtml(report, charts,
                                                  engagement::languageName(pipe.language())))) {
      std::cerr << me << ": " << options.out_dir << ": cannot write the report\n";
      return 1;
    }
    outputs.push_back(json_path.string());
    outputs.push_back(html_path.string());
  }
  const auto prompts_path = fs::path(options.out_dir) / "prompts.jsonl";
  if (!prompts.write(prompts_path)) {
    std::cerr << me << ": " << options.out_dir << ": cannot write prompts.jsonl\n";
    return 1;
  }
  outputs.push_back(prompts_path.string());
  outputs.push_back((fs::path(options.out_dir) / "outbox.jsonl").string());
  std::uint64_t written = 0;
  if (auto st = drainOutbox(**store, cfg.mqtt.prefix, outbox_file, written); !st) {
    std::cerr << me << ": writing outbox.jsonl failed: " << st.error().message << "\n";
    return 1;
  }

  const auto& c = pipe.ingestCounters();
  const auto& a = pipe.analyticsCounters();
  const auto& k = pipe.commandCounts();
  json summary = {{"recording", options.input},
                  {"samples_accepted", c.accepted},
                  {"samples_stored", c.stored},
                  {"commands", c.commands},
                  {"command_results", {{"ok", k.ok}, {"rejected", k.rejected}, {"error", k.error}}},
                  {"rejected", c.rejected.total()},
                  {"messages", written},
                  {"charging_sessions", a.charging_sessions},
                  {"trips", a.trips},
                  {"prompts", {{"raised", prompts.raised()}, {"delivered", prompts.delivered()}}},
                  {"outputs", outputs},
                  {"read_error", read_error ? json(*read_error) : json(nullptr)}};
  json by_kind = json::object();
  for (int i = 0; i < vehicle::kRejectKindCount; ++i) {
    by_kind[vehicle::rejectKindName(static_cast<vehicle::RejectKind>(i))] = c.rejected.by_kind[i];
  }
  summary["rejected_by_kind"] = by_kind;
  std::cout << summary.dump(2) << "\n";
  return 0;
}

}  // namespace crm::daemon
