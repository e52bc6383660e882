// The per-model maintenance schedules: the shipped file, strict loading, and
// how the configuration names the file.
#include "crm/config/maintenance.h"

#include <gtest/gtest.h>

#include "crm/config/config.h"
#include "crm/testing/temp_dir.h"

namespace crm::config {
namespace {

std::optional<MaintenanceItem> find(const std::vector<MaintenanceItem>& items,
                                    const std::string& name) {
  for (const auto& i : items) {
    if (i.name == name) return i;
  }
  return std::nullopt;
}

TEST(Maintenance, ShippedFileLoadsWithTheModelsOfTheDomainBrief) {
  auto t = loadMaintenance(CRM_SOURCE_DIR "/config/maintenance.json");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(*find(t->forModel("model-3-lr"), "tire_rotation")->every_km, 10000);
  EXPECT_EQ(*find(t->forModel("model-3-lr"), "cabin_filter")->every_months, 24);
  EXPECT_EQ(*find(t->forModel("model-3-lr"), "brake_fluid")->every_months, 48);
  EXPECT_EQ(*find(t->forModel("model-3-lr"), "ac_desiccant")->every_months, 48);
  EXPECT_EQ(*find(t->forModel("leaf"), "tire_rotation")->every_km, 12000);
  EXPECT_EQ(*find(t->forModel("default"), "annual_inspection")->every_months, 12);
  for (const auto& [model, items] : t->models) EXPECT_EQ(items.size(), 5U) << model;
}

TEST(Maintenance, BuiltInTableIsTheShippedFile) {
  auto t = loadMaintenance(CRM_SOURCE_DIR "/config/maintenance.json");
  ASSERT_TRUE(t.ok());
  const auto& b = builtinMaintenance();
  ASSERT_EQ(b.models.size(), t->models.size());
  for (const auto& [model, items] : t->models) {
    ASSERT_TRUE(b.models.contains(model)) << model;
    ASSERT_EQ(b.models.at(model).size(), items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
      EXPECT_EQ(b.models.at(model)[i].name, items[i].name);
      EXPECT_EQ(b.models.at(model)[i].every_km, items[i].every_km);
      EXPECT_EQ(b.models.at(model)[i].every_months, items[i].every_months);
    }
  }
}

TEST(Maintenance, AnUnlistedModelGetsTheDefaultTable) {
  const auto& b = builtinMaintenance();
  EXPECT_EQ(&b.forModel("sim-ev-75"), &b.models.at("default"));
}

TEST(Maintenance, UnknownItemIsNamedWithItsPath) {
  auto t = parseMaintenance(
      R"({"models": {"default": {"tire_rotation": {"every_km": 10000}, "wipers": {"every_months": 12}}}})",
      "m.json");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("m.json: models.default.wipers: unknown key"), std::string::npos)
      << t.error().message;
}

TEST(Maintenance, BadIntervalsAreNamed) {
  auto t = parseMaintenance(R"({"models": {"default": {"tire_rotation": {"every_km": "far"}}}})",
                            "m.json");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("models.default.tire_rotation.every_km: expected an integer"),
            std::string::npos)
      << t.error().message;
  auto none = parseMaintenance(R"({"models": {"default": {"cabin_filter": {}}}})", "m.json");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("cabin_filter.every_km: expected every_km and/or"),
            std::string::npos)
      << none.error().message;
  auto typo = parseMaintenance(R"({"models": {"default": {"cabin_filter": {"every_month": 12}}}})",
                               "m.json");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.error().message.find("cabin_filter.every_month: unknown key"), std::string::npos)
      << typo.error().message;
}

TEST(Maintenance, ADefaultTableIsRequired) {
  auto t =
      parseMaintenance(R"({"models": {"leaf": {"tire_rotation": {"every_km": 12000}}}})", "m.json");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("models.default"), std::string::npos);
}

TEST(Maintenance, ConfigurationLoadsTheScheduleItNamesRelativeToItself) {
  testing::TempDir dir;
  testing::writeFile(dir.file("agent.json"), R"({"maintenance": {"schedule": "m.json"}})");
  testing::writeFile(dir.file("m.json"),
                     R"({"models": {"default": {"tire_rotation": {"every_km": 5000}}}})");
  auto c = loadConfig(dir.file("agent.json"));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->maintenance.schedule, dir.file("m.json"));
  EXPECT_EQ(*c->maintenance.table.forModel("x").at(0).every_km, 5000);
}

TEST(Maintenance, ABadScheduleFileFailsTheConfigurationNamingThatFileAndKey) {
  testing::TempDir dir;
  testing::writeFile(dir.file("agent.json"), R"({"maintenance": {"schedule": "m.json"}})");
  testing::writeFile(dir.file("m.json"), R"({"models": {"default": {"tyre_rotation": {}}}})");
  auto c = loadConfig(dir.file("agent.json"));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ConfigError::kInvalid);
  EXPECT_NE(c.error().message.find(dir.file("m.json") + ": models.default.tyre_rotation"),
            std::string::npos)
      << c.error().message;
}

TEST(Maintenance, AMissingScheduleFileIsNamedWithTheKeyThatNamesIt) {
  testing::TempDir dir;
  testing::writeFile(dir.file("agent.json"), R"({"maintenance": {"schedule": "none.json"}})");
  auto c = loadConfig(dir.file("agent.json"));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ConfigError::kInvalid);
  EXPECT_NE(c.error().message.find("agent.json: maintenance.schedule: "), std::string::npos)
      << c.error().message;
  EXPECT_NE(c.error().message.find("none.json"), std::string::npos);
}

TEST(Maintenance, WithoutAScheduleKeyTheBuiltInTableApplies) {
  auto c = parseConfig("{}", "agent.json");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->maintenance.schedule.empty());
  EXPECT_EQ(c->maintenance.table.models.size(), builtinMaintenance().models.size());
}

}  // namespace
}  // namespace crm::config
