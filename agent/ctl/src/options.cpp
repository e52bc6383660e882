#include "options.h"

#include <CLI/CLI.hpp>
#include <ostream>
#include <utility>
#include <vector>

namespace crm::ctl {
namespace {

struct CommandSpec {
  Command command;
  const char* name;
  const char* help;
};

// The reads: one resource each, no options of their own.
constexpr CommandSpec kReads[] = {
    {Command::kStatus, "status", "one screen: version, vehicle, SOH, sync, faults..."},
    {Command::kBattery, "battery", "battery health over the last report period"},
    {Command::kCharging, "charging", "charging habits and usage over the period"},
    {Command::kMileage, "mileage", "odometer, distance, trips and efficiency"},
    {Command::kPrompts, "prompts", "open prompts, and counts over the period"},
    {Command::kOutbox, "outbox", "messages waiting to be sent, by kind"},
    {Command::kStorage, "storage", "the cache file: size, quota, samples, roll-ups"},
    {Command::kConfig, "config", "the daemon's configuration (secrets redacted)"},
    {Command::kVersion, "version", "agent version, cache schema, MQTT contract"},
};

}  // namespace

ParsedArgs parseArgs(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"crm-agentctl: look into a running crm-agent, or a copy of its cache",
               "crm-agentctl"};
  app.footer(
      "Exit codes: 0 success; 1 runtime failure (crm-agent not reachable,\n"
      "token refused, operation failed); 2 bad usage, configuration or file.\n"
      "'crm-agentctl COMMAND --help' shows a command's options.");
  // Names and help fit 80 columns, as the output does.
  app.get_formatter()->column_width(24);
  // Global options may come after the command too ("status --json").
  app.fallthrough();
  app.require_subcommand(1);

  CtlOptions o;
  app.add_option("--config", o.config_path,
                 std::string("configuration (default ") + kDefaultConfig + ")")
      ->type_name("FILE");
  app.add_option("--url", o.url, "the API at this URL (default: configuration)")
      ->type_name("http://H:P");
  app.add_option("--socket", o.socket, "the API on this Unix socket")->type_name("PATH");
  app.add_option("--token-file", o.token_file, "the technician token's file")->type_name("FILE");
  app.add_option("--db", o.db, "offline: read a copy of this cache file")->type_name("FILE");
  app.add_flag("--json", o.json, "print the API's JSON instead of text");
  app.add_option("--timeout", o.timeout_s, "seconds to wait for the daemon (10)")
      ->type_name("S")
      ->check(CLI::Range(0.1, 600.0).description(""));

  std::vector<std::pair<CLI::App*, Command>> subs;
  for (const auto& spec : kReads)
    subs.emplace_back(app.add_subcommand(spec.name, spec.help), spec.command);

  auto* faults = app.add_subcommand("faults", "fault codes (DTCs), first and last seen");
  faults->add_flag("--active", o.active_only, "only the faults active now");
  faults->add_option("--code", o.code_prefix, "only codes starting with this (P0A)")
      ->type_name("PREFIX");
  subs.emplace_back(faults, Command::kFaults);

  auto* report = app.add_subcommand("report", "make a health report now and summarise it");
  report->add_option("--html", o.html_file, "also write the report's page (English)")
      ->type_name("FILE");
  subs.emplace_back(report, Command::kReport);

  subs.emplace_back(app.add_subcommand("sync-now", "send the outbox now; is the broker up?"),
                    Command::kSyncNow);

  auto* exp = app.add_subcommand("export", "write all the car's data to FILE (JSON, 0600)");
  exp->add_option("FILE", o.export_file, "the file to write")->required();
  subs.emplace_back(exp, Command::kExport);

  auto* erase = app.add_subcommand("erase", "erase the driver's personal data (asks first)");
  bool personal = false;
  erase->add_flag("--personal", personal, "erase personal data (the only scope)")->required();
  erase->add_flag("--yes", o.yes, "do not ask (scripts; needed off a terminal)");
  subs.emplace_back(erase, Command::kErase);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 gives 0 for --help and 100+ for errors; the programs' contract
    // says 2 for bad usage.
    const int rc = app.exit(e, out, err);
    return ParsedArgs{std::nullopt, rc == 0 ? 0 : 2};
  }
  if (!o.db.empty() && (!o.url.empty() || !o.socket.empty())) {
    err << "--db reads a file, not the daemon: drop --url and --socket\n";
    return ParsedArgs{std::nullopt, 2};
  }
  if (!o.url.empty() && !o.socket.empty()) {
    err << "--url and --socket both name the daemon's API: give one\n";
    return ParsedArgs{std::nullopt, 2};
  }
  for (const auto& [sub, command] : subs) {
    if (sub->parsed()) o.command = command;
  }
  return ParsedArgs{std::move(o), 0};
}

}  // namespace crm::ctl
