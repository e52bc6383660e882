// The data resources read as labelled values: battery, charging, mileage,
// storage, version, configuration.
#include <algorithm>
#include <string>

#include "render.h"
#include "table.h"

namespace crm::ctl {
namespace {

using nlohmann::json;

const json* firstOf(const json* j, std::string_view a, std::string_view b) {
  if (j == nullptr) return nullptr;
  if (const auto* v = at(*j, {a})) return v;
  return at(*j, {b});
}

// "Battery health, 2026-01-01 to 2026-01-30": the period's last day is the
// one before its end (the end is exclusive).
std::string titleWithPeriod(std::string_view title, const json* period) {
  const json* from = firstOf(period, "from_ms", "from");
  const json* to = firstOf(period, "to_ms", "to");
  if (from == nullptr || to == nullptr || !to->is_number()) return std::string(title);
  const json last = to->get<double>() - 1;
  return std::string(title) + ", " + utcDate(from) + " to " + utcDate(&last);
}

void flatten(const json& j, const std::string& path, std::string& out) {
  if (j.is_object() && !j.empty()) {
    for (const auto& [key, value] : j.items()) {
      std::string child = path;
      if (!child.empty()) child += '.';
      child += key;
      flatten(value, child, out);
    }
    return;
  }
  std::string value;
  if (j.is_string()) {
    value = j.get<std::string>();
  } else if (j.is_array()) {
    bool scalars = true;
    for (const auto& e : j) scalars = scalars && !e.is_structured();
    value = scalars ? j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                    : "[" + std::to_string(j.size()) + " entries]";
  } else if (j.is_null()) {
    value = std::string(kNotKnown);
  } else {
    value = j.dump();
  }
  out += line(path + " = " + value);
}

}  // namespace

std::string renderBattery(const json& b) {
  std::string out = line(titleWithPeriod("Battery health", at(b, {"period"})));
  Fields f;
  std::string soh = withUnit(at(b, {"soh", "value"}), "%", 1);
  const auto* low = at(b, {"soh", "low"});
  const auto* high = at(b, {"soh", "high"});
  if (low != nullptr && low->is_number() && high != nullptr && high->is_number()) {
    soh += " (" + number(low, 1) + " to " + number(high, 1) + ")";
  }
  soh += ", source " + text(at(b, {"soh", "source"}));
  f.add("State of health", soh);
  f.add("SOH from the BMS", withUnit(at(b, {"soh_bms_percent"}), "%", 1));
  f.add("SOH estimated", withUnit(at(b, {"soh_estimated_percent"}), "%", 1));
  f.add("Degradation", withUnit(at(b, {"degradation_percent_per_year"}), "% a year", 2) +
                           " (fleet typical " +
                           withUnit(at(b, {"fleet_typical_percent_per_year"}), "%", 1) + ")");
  f.add("80 % SOH expected", text(at(b, {"projected_80_percent", "date"})) + ", at " +
                                 withUnit(at(b, {"projected_80_percent", "odometer_km"}), "km"));
  f.add("Cell imbalance", "max " + withUnit(at(b, {"cell_imbalance_mv_max"}), "mV"));
  f.add("Capacity estimates", number(at(b, {"capacity_estimates"})) + " in the period");
  f.add("Status", text(at(b, {"status"})));
  return out + f.render();
}

std::string renderCharging(const json& c) {
  std::string out = line(titleWithPeriod("Charging", at(c, {"period"})));
  const json empty = json::object();
  const json* ch = at(c, {"charging"});
  const json& g = ch != nullptr ? *ch : empty;
  Fields f;
  f.add("Sessions", number(at(g, {"sessions"})) + " (" + number(at(g, {"dc_sessions"})) + " DC, " +
                        number(at(g, {"sessions_over_100kw"})) + " over 100 kW)");
  f.add("Energy", withUnit(at(g, {"energy_kwh"}), "kWh", 1) + ", " +
                      percentOf(at(g, {"dc_energy_share"})) + " of it DC");
  f.add("Average SOC", "from " + withUnit(at(g, {"average_start_soc"}), "%") + " to " +
                           withUnit(at(g, {"average_end_soc"}), "%"));
  f.add("Time at high SOC", withUnit(at(g, {"high_soc_dwell_hours"}), "h", 1));
  f.add("Deep discharges", number(at(g, {"deep_discharge_events"})));
  f.add("Hot charging", number(at(g, {"hot_charging_sessions"})) + " sessions");
  Fields h;
  h.add("Fast charging", number(at(g, {"habit_scores", "fast_charging"})));
  h.add("High SOC parking", number(at(g, {"habit_scores", "high_soc_parking"})));
  h.add("Deep discharge", number(at(g, {"habit_scores", "deep_discharge"})));
  h.add("Charging temperature", number(at(g, {"habit_scores", "charging_temperature"})));
  Fields u;
  u.add("Profile", text(at(c, {"usage", "profile"})));
  u.add("Average daily", withUnit(at(c, {"usage", "average_daily_km"}), "km", 1));
  u.add("Active days", percentOf(at(c, {"usage", "active_days_share"})));
  u.add("Night driving", percentOf(at(c, {"usage", "night_driving_share"})));
  u.add("DC sessions a week", number(at(c, {"usage", "dc_sessions_per_week"}), 1));
  // The three lists line up.
  const int labels = std::max({f.labelWidth(), h.labelWidth(), u.labelWidth()});
  out += f.render(kScreenWidth, labels);
  out += line("Habit scores (1 to 5, 5 best)");
  out += h.render(kScreenWidth, labels);
  out += line("Usage");
  return out + u.render(kScreenWidth, labels);
}

std::string renderMileage(const json& m) {
  std::string out = line(titleWithPeriod("Mileage", at(m, {"period"})));
  Fields f;
  f.add("Odometer", withUnit(at(m, {"odometer_km"}), "km"));
  f.add("Distance",
        withUnit(at(m, {"distance_km"}), "km", 1) + " in " + number(at(m, {"trips"})) + " trips");
  f.add("Average daily", withUnit(at(m, {"average_daily_km"}), "km", 1));
  f.add("Efficiency", withUnit(at(m, {"efficiency_kwh_per_100km"}), "kWh/100 km", 1));
  return out + f.render();
}

std::string renderStorage(const json& s) {
  std::string out = line("Cache " + truncateLeft(text(at(s, {"path"})), kScreenWidth - 6));
  Fields f;
  f.add("File size",
        bytes(at(s, {"file_bytes"})) + " of " + bytes(at(s, {"quota_bytes"})) + " allowed");
  f.add("Raw samples", number(at(s, {"samples"})) + ", " + utcTime(at(s, {"oldest_sample_ms"})) +
                           " to " + utcTime(at(s, {"newest_sample_ms"})));
  f.add("Samples not stored", number(at(s, {"samples_reduced"})) + " (unchanged values)");
  f.add("Roll-ups", number(at(s, {"hourly_rollups"})) + " hourly, " +
                        number(at(s, {"daily_rollups"})) + " daily");
  f.add("Outbox", number(at(s, {"outbox_pending"})) + " waiting, " +
                      number(at(s, {"outbox_dropped"})) + " lost to the quota");
  f.add("Next seq", number(at(s, {"next_seq"})));
  return out + f.render();
}

std::string renderVersion(const json& v) {
  Fields f(0);
  f.add("crm-agent", text(at(v, {"agent"})));
  f.add("Cache schema", number(at(v, {"schema_version"})));
  f.add("MQTT contract", text(at(v, {"contract"})));
  return f.render();
}

std::string renderConfig(const json& config) {
  std::string out;
  flatten(config, "", out);
  return out;
}

}  // namespace crm::ctl
