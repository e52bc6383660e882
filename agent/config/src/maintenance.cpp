#include "crm/config/maintenance.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "builtin_maintenance.h"
#include "json_reader.h"

namespace crm::config {

Result<MaintenanceTable, ConfigError> parseMaintenance(std::string_view text,
                                                       const std::string& origin) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return fail(ConfigError::kInvalid, origin + ": not valid JSON");
  if (!j.is_object()) return fail(ConfigError::kInvalid, origin + ": expected a JSON object");
  MaintenanceTable table;
  std::string error;
  JsonReader root(j, "", error);
  root.entries("models", [&](const std::string& model, JsonReader& r) {
    std::string source;
    r.string("source", source);  // where the figures come from: for people only
    auto& items = table.models[model];
    for (const auto name : kMaintenanceItems) {
      const std::string key(name);
      r.object(key.c_str(), [&](JsonReader& item) {
        MaintenanceItem m{key, std::nullopt, std::nullopt};
        int km = 0, months = 0;
        if (item.has("every_km")) {
          item.integer("every_km", km, 100, 1'000'000);
          m.every_km = km;
        }
        if (item.has("every_months")) {
          item.integer("every_months", months, 1, 240);
          m.every_months = months;
        }
        item.finish();  // a misspelt interval is named as such, not as a missing one
        if (!item.failed() && !m.every_km && !m.every_months) {
          item.failKey("every_km", "expected every_km and/or every_months");
        }
        items.push_back(m);
      });
    }
  });
  root.finish();
  if (error.empty() && !table.models.contains("default")) {
    error = "models.default: expected a \"default\" table (used for models not listed)";
  }
  if (!error.empty()) return fail(ConfigError::kInvalid, origin + ": " + error);
  return table;
}

Result<MaintenanceTable, ConfigError> loadMaintenance(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail(ConfigError::kCannotRead, path + ": cannot read the maintenance schedule");
  std::stringstream ss;
  ss << in.rdbuf();
  return parseMaintenance(ss.str(), path);
}

const MaintenanceTable& builtinMaintenance() {
  // The shipped file is checked by the unit tests, so this parse cannot fail
  // in a build that passed them; an empty table would only lose the due list.
  static const MaintenanceTable kTable = [] {
    auto parsed = parseMaintenance(kBuiltinMaintenanceJson, "built-in config/maintenance.json");
    return parsed ? std::move(parsed).value() : MaintenanceTable{};
  }();
  return kTable;
}

}  // namespace crm::config
