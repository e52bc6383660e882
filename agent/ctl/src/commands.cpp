#include "commands.h"

#include <ostream>

#include "output_file.h"
#include "render.h"

namespace crm::ctl {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr auto kPollInterval = std::chrono::milliseconds(100);

std::chrono::milliseconds timeoutOf(const CtlOptions& o) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(o.timeout_s * 1000));
}

// Text from a store read offline is not checked as UTF-8 the way a parsed
// answer is: a bad byte is replaced, never a throw.
std::string pretty(const json& j) {
  return j.dump(2, ' ', false, json::error_handler_t::replace);
}

void printJson(Console& console, const json& j) {
  console.out << pretty(j) << "\n";
}

std::string stringAt(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const json& resultOf(const json& execution) {
  static const json kEmpty = json::object();
  const auto it = execution.find("result");
  return it != execution.end() ? *it : kEmpty;
}

CtlStatus read(const CtlOptions& o, Source& source, Console& console) {
  auto data = source.data(dataId(o.command));
  if (!data) return data.error();
  if (o.json) {
    printJson(console, *data);
    return {};
  }
  const std::int64_t now = console.now_ms();
  switch (o.command) {
    case Command::kStatus:
      console.out << renderStatus(*data, now);
      break;
    case Command::kBattery:
      console.out << renderBattery(*data);
      break;
    case Command::kCharging:
      console.out << renderCharging(*data);
      break;
    case Command::kMileage:
      console.out << renderMileage(*data);
      break;
    case Command::kPrompts:
      console.out << renderPrompts(*data, now);
      break;
    case Command::kOutbox:
      console.out << renderOutbox(*data, now);
      break;
    case Command::kStorage:
      console.out << renderStorage(*data);
      break;
    case Command::kConfig:
      console.out << renderConfig(*data);
      break;
    default:
      console.out << renderVersion(*data);
      break;
  }
  return {};
}

CtlStatus faults(const CtlOptions& o, Source& source, Console& console) {
  auto list = source.faults(FaultQuery{o.active_only, o.code_prefix});
  if (!list) return list.error();
  if (o.json) {
    printJson(console, *list);
  } else {
    console.out << renderFaults(*list, console.now_ms());
  }
  return {};
}

CtlStatus report(const CtlOptions& o, Source& source, Console& console) {
  auto exec = runOperation(source, "generate-report", json::object(), timeoutOf(o), console);
  if (!exec) return exec.error();
  if (!o.html_file.empty()) {
    auto page = source.latestReportHtml();
    if (!page) return page.error();
    // The page shows the car's VIN and history: the technician's eyes only.
    if (auto st = writeFileAtomically(o.html_file, *page, 0600); !st) return st;
  }
  if (o.json) {
    printJson(console, *exec);
    return {};
  }
  console.out << renderReport(resultOf(*exec));
  if (!o.html_file.empty()) console.out << "Report page written to " << o.html_file << "\n";
  return {};
}

CtlStatus syncNow(const CtlOptions& o, Source& source, Console& console) {
  if (!o.db.empty()) {
    return fail(CtlError::kUsage, "sync-now needs the running daemon (--db reads a copy)");
  }
  auto exec = runOperation(source, "sync-now", json::object(), timeoutOf(o), console);
  if (!exec) return exec.error();
  if (o.json) {
    printJson(console, *exec);
  } else {
    console.out << renderSync(resultOf(*exec));
  }
  return {};
}

CtlStatus exportData(const CtlOptions& o, Source& source, Console& console) {
  auto exec = runOperation(source, "export-data", json::object(), timeoutOf(o), console);
  if (!exec) return exec.error();
  const std::string document = pretty(resultOf(*exec)) + "\n";
  // Personal data: readable by its owner only.
  if (auto st = writeFileAtomically(o.export_file, document, 0600); !st) return st;
  if (o.json) {
    // The document (personal data) goes to the file only: in its place on
    // stdout, where it was written.
    json summary = *exec;
    summary["result"] = {{"file", o.export_file}, {"bytes", document.size()}};
    printJson(console, summary);
  } else {
    console.out << "Exported " << document.size() << " bytes to " << o.export_file
                << " (mode 0600).\n";
  }
  return {};
}

CtlStatus erase(const CtlOptions& o, Source& source, Console& console) {
  if (!o.db.empty()) {
    return fail(CtlError::kUsage, "erase needs the running daemon (--db reads a copy)");
  }
  if (!o.yes) {
    const auto answer = console.ask ? console.ask(kEraseQuestion) : std::nullopt;
    if (!answer) {
      return fail(CtlError::kUsage,
                  "erase asks for confirmation: run it on a terminal, or pass --yes");
    }
    if (*answer != "yes") return fail(CtlError::kFailed, "not erased: the answer was not yes");
  }
  auto exec = runOperation(source, "erase-personal-data", json{{"scope", "personal"}}, timeoutOf(o),
                           console);
  if (!exec) return exec.error();
  if (o.json) {
    printJson(console, *exec);
  } else {
    console.out << renderErase(resultOf(*exec));
  }
  return {};
}

}  // namespace

std::string_view dataId(Command command) {
  switch (command) {
    case Command::kStatus:
      return "status";
    case Command::kBattery:
      return "battery-health";
    case Command::kCharging:
      return "charging-habits";
    case Command::kMileage:
      return "mileage";
    case Command::kPrompts:
      return "prompts";
    case Command::kOutbox:
      return "outbox";
    case Command::kStorage:
      return "storage";
    case Command::kConfig:
      return "config";
    case Command::kVersion:
      return "version";
    default:
      return "";
  }
}

CtlResult<json> runOperation(Source& source, std::string_view op, const json& body,
                             std::chrono::milliseconds timeout, Console& console) {
  const auto deadline = Clock::now() + timeout;
  auto exec = source.startOperation(op, body);
  while (true) {
    if (!exec) return exec.error();
    const json& e = *exec;
    if (!e.is_object()) return fail(CtlError::kFailed, "crm-agent's execution is not an object");
    const std::string status = stringAt(e, "status");
    const std::string id = stringAt(e, "id");
    if (status == "completed") return exec;
    if (status == "failed") {
      std::string why;
      if (const auto it = e.find("error"); it != e.end() && it->is_object()) {
        why = stringAt(*it, "code") + ": " + stringAt(*it, "message");
      }
      return fail(CtlError::kFailed, std::string(op) + " failed" + (why.empty() ? "" : ": " + why));
    }
    if (status != "running" || id.empty()) {
      return fail(CtlError::kFailed, "crm-agent's answer for " + std::string(op) +
                                         " is not an execution (no id or status)");
    }
    if (Clock::now() >= deadline) {
      return fail(CtlError::kFailed, std::string(op) + " is still running after the timeout" +
                                         " (execution " + id + "); try --timeout");
    }
    console.sleep(kPollInterval);
    exec = source.execution(op, id);
  }
}

CtlStatus runCommand(const CtlOptions& options, Source& source, Console& console) {
  switch (options.command) {
    case Command::kFaults:
      return faults(options, source, console);
    case Command::kReport:
      return report(options, source, console);
    case Command::kSyncNow:
      return syncNow(options, source, console);
    case Command::kExport:
      return exportData(options, source, console);
    case Command::kErase:
      return erase(options, source, console);
    default:
      return read(options, source, console);
  }
}

}  // namespace crm::ctl
