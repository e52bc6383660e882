// crm-agent: the daemon, and its replay and simulate modes.
#include <CLI/CLI.hpp>
#include <iostream>

#include "crm/common/log.h"
#include "programs.h"

int main(int argc, char** argv) {
  CLI::App app{"crm-agent: keeps an electric car, its driver and the dealer in touch"};
  app.require_subcommand(0, 1);
  crm::daemon::DaemonOptions daemon;
  app.add_option("--config", daemon.config_path, "configuration file (JSON)");
  app.add_flag("--until-source-ends", daemon.until_source_ends,
               "stop cleanly when the vehicle source has no more data (demos, tests)");

  crm::daemon::ReplayOptions replay;
  auto* rp = app.add_subcommand("replay", "feed a recording through the pipeline, write outputs");
  rp->add_option("recording", replay.recording, "recording (JSON Lines)")->required();
  rp->add_option("--out", replay.out_dir, "output folder")->required();
  rp->add_option("--config", replay.config_path, "configuration file");
  rp->add_option("--state-dir", replay.state_dir, "keep the SQLite cache here between runs");
  rp->add_flag("--strict", replay.strict, "stop at the first bad line (exit code 2)");

#ifdef CRM_WITH_SIMULATOR
  crm::daemon::SimulateOptions sim;
  auto* sp = app.add_subcommand("simulate", "write a simulated car's data as a recording");
  sp->add_option("--out", sim.out, "recording to write (JSON Lines)");
  sp->add_option("--replay", sim.replay_dir,
                 "also run it through the pipeline as replay does, outputs in this folder");
  sp->add_option("--truth", sim.truth, "also write the ground truth (JSON)");
  sp->add_option("--config", sim.config_path, "take vehicle and simulator settings from here");
  sp->add_option("--profile", sim.profile, "private, ride_hailing or logistics");
  sp->add_option("--days", sim.days, "simulated days");
  sp->add_option("--seed", sim.seed, "random seed");
#endif

  auto* cp =
      app.add_subcommand("contract", "print the MQTT message kinds this version sends (JSON)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 exits 0 for --help and 106+ for errors; the contract says 2.
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (rp->parsed()) {
    crm::log::init("warn");
    return crm::daemon::runReplay(replay);
  }
#ifdef CRM_WITH_SIMULATOR
  if (sp->parsed()) {
    crm::log::init("warn");
    return crm::daemon::runSimulate(sim);
  }
#endif
  if (cp->parsed()) return crm::daemon::runContract();
  if (daemon.config_path.empty()) {
    std::cerr << "crm-agent: --config FILE is required (see --help)\n";
    return 2;
  }
  crm::log::init("info");
  return crm::daemon::runDaemon(daemon);
}
