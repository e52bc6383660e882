#include "scenario_prompts.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <vector>

namespace crm::testing {
namespace {

using nlohmann::json;

// The LFP full charge that battery.lfp_full_charge_due asks for (the
// engagement's period facts count a charge ending at 98 % or more).
constexpr double kFullChargeSoc = 98;

std::vector<json> readJsonLines(const std::string& path) {
  std::vector<json> out;
  std::ifstream in(path);
  for (std::string l; std::getline(in, l);) {
    if (!l.empty()) out.push_back(json::parse(l));
  }
  return out;
}

std::string lineText(const json& p) {
  return p["rule"].get<std::string>() + (p["subject"].is_null() ? "" : "/" + p["subject"].dump()) +
         " " + p["severity"].get<std::string>() + " raised " + p["ts"].dump() + " delivered " +
         p["delivered_ts"].dump();
}

bool ruleMatches(const std::string& want, const std::string& rule) {
  if (!want.empty() && want.back() == '.') return rule.compare(0, want.size(), want) == 0;
  return want == rule;
}

// A selector is a rule id (or family "battery.") or an object whose every
// field must match the prompt ("delivered": whether it reached the driver).
bool matches(const json& selector, const json& prompt) {
  if (selector.is_string()) return ruleMatches(selector.get<std::string>(), prompt["rule"]);
  if (!ruleMatches(selector["rule"].get<std::string>(), prompt["rule"])) return false;
  if (selector.contains("subject") && selector["subject"] != prompt["subject"]) return false;
  if (selector.contains("severity") && selector["severity"] != prompt["severity"]) return false;
  if (selector.contains("delivered") &&
      selector["delivered"].get<bool>() == prompt["delivered_ts"].is_null())
    return false;
  return true;
}

std::string ruleOf(const json& selector) {
  return selector.is_string() ? selector.get<std::string>() : selector["rule"].get<std::string>();
}

// Failed checks, each about a rule, sorted out against the known issues at
// the end.
class Findings {
 public:
  void add(const std::string& rule, const std::string& what) { list_.push_back({rule, what}); }

  void settle(const json& known, const std::string& name) const {
    std::set<std::string> reproduced;
    for (const auto& [rule, what] : list_) {
      if (known.contains(rule)) {
        reproduced.insert(rule);
        std::cout << "[ KNOWN    ] " << name << ": " << what << " ("
                  << known[rule].get<std::string>() << ")\n";
      } else {
        ADD_FAILURE() << name << ": " << what;
      }
    }
    for (auto it = known.begin(); it != known.end(); ++it) {
      EXPECT_TRUE(reproduced.contains(it.key())) << name << ": the known issue of " << it.key()
                                                 << " no longer shows; remove it from known_issues";
    }
  }

 private:
  std::vector<std::pair<std::string, std::string>> list_;
};

void checkBlock(const json& block, const std::vector<json>& prompts, Findings& found) {
  for (const auto& want : block.value("raised", json::array())) {
    bool seen = false;
    for (const auto& p : prompts) seen = seen || matches(want, p);
    if (!seen) found.add(ruleOf(want), "no prompt " + want.dump() + " was raised");
  }
  for (const char* key : {"never", "never_delivered"}) {
    const bool delivered_only = std::string(key) == "never_delivered";
    for (const auto& never : block.value(key, json::array())) {
      for (const auto& p : prompts) {
        if (!matches(never, p) || (delivered_only && p["delivered_ts"].is_null())) continue;
        found.add(p["rule"], std::string(key) + " " + never.dump() + ": " + lineText(p));
      }
    }
  }
  if (!block.contains("max_per_rule")) return;
  std::map<std::string, int> per_rule;
  for (const auto& p : prompts) ++per_rule[p["rule"].get<std::string>()];
  const json& max = block["max_per_rule"];
  for (const auto& [rule, n] : per_rule) {
    const int limit = max.is_number() ? max.get<int>() : max.value(rule, n);
    if (n > limit) {
      found.add(rule, rule + " raised " + std::to_string(n) + " times, at most " +
                          std::to_string(limit) + " expected");
    }
  }
}

// report.json's prompts{} counts the lifecycle events of its period:
// prompts.jsonl must agree on what was raised then, and holds at least the
// first deliveries (a snooze or a rise in severity delivers again).
void checkReportCounts(const json& report, const std::vector<json>& prompts, Findings& found) {
  if (!report.contains("prompts") || report["prompts"].is_null()) {
    found.add("prompts{}", "report.json has no prompts{} counts");
    return;
  }
  const auto from = report["period"]["from"].get<std::int64_t>();
  const auto to = report["period"]["to"].get<std::int64_t>();
  const auto inPeriod = [&](const json& ts) {
    return ts.is_number() && ts.get<std::int64_t>() >= from && ts.get<std::int64_t>() < to;
  };
  std::int64_t raised = 0, delivered = 0;
  for (const auto& p : prompts) {
    raised += inPeriod(p["ts"]) ? 1 : 0;
    delivered += inPeriod(p["delivered_ts"]) ? 1 : 0;
    if (!p["delivered_ts"].is_null() && p["delivered_ts"].get<std::int64_t>() < p["ts"])
      found.add(p["rule"], "delivered before it was raised: " + lineText(p));
  }
  if (report["prompts"]["raised"] != raised) {
    found.add("prompts{}", "report.json prompts.raised " + report["prompts"]["raised"].dump() +
                               ", prompts.jsonl raised " + std::to_string(raised) +
                               " in the period");
  }
  if (report["prompts"]["delivered"].get<std::int64_t>() < delivered) {
    found.add("prompts{}", "report.json prompts.delivered " +
                               report["prompts"]["delivered"].dump() + ", prompts.jsonl has " +
                               std::to_string(delivered) + " first deliveries in the period");
  }
}

// A reminder to charge an LFP pack full must not reach the driver after the
// car was charged full: it would tell them the opposite of what just happened.
void checkLfpReminders(const std::vector<json>& prompts, const std::vector<json>& outbox,
                       Findings& found) {
  std::vector<std::int64_t> full_ends;
  for (const auto& m : outbox) {
    const std::string topic = m["topic"];
    if (topic.find("/charge-session") == std::string::npos) continue;
    const json& body = m["payload"]["body"];
    if (body["end_soc"].get<double>() >= kFullChargeSoc)
      full_ends.push_back(body["end_ms"].get<std::int64_t>());
  }
  for (const auto& p : prompts) {
    if (p["rule"] != "battery.lfp_full_charge_due" || p["delivered_ts"].is_null()) continue;
    const auto raised = p["ts"].get<std::int64_t>();
    const auto shown = p["delivered_ts"].get<std::int64_t>();
    for (const auto end : full_ends) {
      if (end >= raised && end <= shown) {
        found.add(p["rule"], "delivered " + std::to_string((shown - end) / 60000) +
                                 " min after a full charge ended at " + std::to_string(end) + ": " +
                                 lineText(p));
      }
    }
  }
}

}  // namespace

void expectPrompts(const json& scenario, const std::string& out_dir, const std::string& name) {
  const auto prompts = readJsonLines(out_dir + "/prompts.jsonl");
  const auto outbox = readJsonLines(out_dir + "/outbox.jsonl");
  std::ifstream report_file(out_dir + "/report.json");
  const json report = json::parse(report_file);
  const json block = scenario.value("prompts", json::object());
  Findings found;
  checkBlock(block, prompts, found);
  checkReportCounts(report, prompts, found);
  checkLfpReminders(prompts, outbox, found);
  found.settle(block.value("known_issues", json::object()), name);
}

}  // namespace crm::testing
