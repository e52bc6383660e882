// What the operations did: the report's summary, the sync's outcome, what
// was erased.
#include <string>

#include "render.h"
#include "table.h"

namespace crm::ctl {
namespace {

using nlohmann::json;

std::string dueItems(const json* due) {
  if (due == nullptr || !due->is_array()) return std::string(kNotKnown);
  std::string out;
  int shown = 0;
  for (const auto& d : *due) {
    const json* overdue = at(d, {"overdue"});
    const bool late = overdue != nullptr && overdue->is_boolean() && overdue->get<bool>();
    const json* km = at(d, {"due_in_km"});
    const json* days = at(d, {"due_in_days"});
    // Only what is due soon: overdue, or within 1,000 km or 30 days.
    const bool soon = late || (km != nullptr && km->is_number() && km->get<double>() < 1000) ||
                      (days != nullptr && days->is_number() && days->get<double>() < 30);
    if (!soon) continue;
    if (shown++ > 0) out += ", ";
    out += text(at(d, {"item"})) + (late ? " (overdue)" : "");
  }
  return shown == 0 ? "nothing due soon" : out;
}

}  // namespace

std::string renderReport(const json& result) {
  const json* id = at(result, {"report_id"});
  const json empty = json::object();
  const json* r = at(result, {"report"});
  const json& rep = r != nullptr ? *r : empty;
  std::string title = id != nullptr && id->is_number() ? "Health report " + number(id)
                                                       : std::string("Health report (not stored)");
  const json* from = at(rep, {"period", "from"});
  const json* to = at(rep, {"period", "to"});
  if (from != nullptr && to != nullptr && to->is_number()) {
    const json last = to->get<double>() - 1;
    title += ", " + utcDate(from) + " to " + utcDate(&last);
  }
  std::string out = line(title);
  Fields f;
  f.add("Vehicle", text(at(rep, {"vehicle", "vin"})) + ", " + text(at(rep, {"vehicle", "model"})) +
                       ", " + withUnit(at(rep, {"vehicle", "odometer_km"}), "km"));
  f.add("Battery", "SOH " + withUnit(at(rep, {"battery", "soh", "value"}), "%", 1) + ", status " +
                       text(at(rep, {"battery", "status"})));
  f.add("Driving", withUnit(at(rep, {"driving", "distance_km"}), "km", 1) + " in " +
                       number(at(rep, {"driving", "trips"})) + " trips, " +
                       withUnit(at(rep, {"driving", "efficiency_kwh_per_100km"}), "kWh/100 km", 1));
  f.add("Charging", number(at(rep, {"charging", "sessions"})) + " sessions, " +
                        withUnit(at(rep, {"charging", "energy_kwh"}), "kWh", 1) + ", " +
                        percentOf(at(rep, {"charging", "dc_energy_share"})) + " DC");
  f.add("12 V battery", text(at(rep, {"low_voltage_battery", "status"})));
  f.add("Tyres", text(at(rep, {"tyres", "status"})));
  f.add("Brakes", text(at(rep, {"brakes", "status"})));
  const json* faults = at(rep, {"faults"});
  if (faults != nullptr && faults->is_array()) {
    int active = 0;
    for (const auto& fault : *faults) {
      const json* a = at(fault, {"active"});
      if (a != nullptr && a->is_boolean() && a->get<bool>()) ++active;
    }
    f.add("Faults",
          std::to_string(faults->size()) + " in the period, " + std::to_string(active) + " active");
  } else {
    f.add("Faults", std::string(kNotKnown));
  }
  f.add("Service due", dueItems(at(rep, {"service", "due"})));
  f.add("Prompts", number(at(rep, {"prompts", "raised"})) + " raised, " +
                       number(at(rep, {"prompts", "accepted"})) + " accepted");
  return out + f.render();
}

std::string renderSync(const json& result) {
  const json* connected = at(result, {"connected"});
  const std::string state = connected == nullptr || !connected->is_boolean()
                                ? "Broker connection n/a"
                            : connected->get<bool>() ? "Connected to the broker"
                                                     : "Not connected to the broker";
  return line(state + "; " + number(at(result, {"outbox_pending"})) +
              " messages waiting in the outbox.");
}

std::string renderErase(const json& result) {
  const json* erased = at(result, {"erased"});
  if (erased == nullptr || !erased->is_object()) return line("Erased: n/a");
  if (erased->empty()) return line("Nothing to erase.");
  std::string out = line("Erased from the cache (and its WAL):");
  Table t({{"ITEM", false, true}, {"COUNT", true}});
  for (const auto& [item, count] : erased->items()) t.addRow({item, number(&count)});
  return out + t.render();
}

}  // namespace crm::ctl
