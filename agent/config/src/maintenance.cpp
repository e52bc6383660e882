#include "crm/config/maintenance.h"

#include <algorithm>

#include "builtin_maintenance.h"
#include "crm/common/input_limits.h"
#include "crm/common/small_file.h"
#include "json_reader.h"

namespace crm::config {

Result<MaintenanceTable, ConfigError> parseMaintenance(std::string_view text,
                                                       const std::string& origin) {
  auto parsed = parseJsonFile(text, origin, input::kMaxScheduleBytes);
  if (!parsed) return parsed.error();
  const nlohmann::json& j = *parsed;
  if (!j.is_object()) return fail(ConfigError::kInvalid, origin + ": expected a JSON object");
  MaintenanceTable table;
  std::optional<std::string> error;
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
  if (!error && !table.models.contains("default")) {
    error = "models.default: expected a \"default\" table (used for models not listed)";
  }
  if (error) return fail(ConfigError::kInvalid, origin + ": " + *error);
  return table;
}

Result<MaintenanceTable, ConfigError> loadMaintenance(const std::string& path) {
  auto text = readSmallFile(path, input::kMaxScheduleBytes);
  if (!text) {
    // A folder or /dev/zero is named as such, not as "not valid JSON".
    return fail(ConfigError::kCannotRead,
                text.error().message + " (the maintenance schedule could not be read)");
  }
  return parseMaintenance(*text, path);
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
