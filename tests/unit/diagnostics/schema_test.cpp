// Every view, the fault list and the data list validated against their
// JSON Schemas in docs/local-api/schemas by a real validator
// (python3-jsonschema, as the MQTT contract test does).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "crm/diagnostics/diagnostics.h"
#include "crm/testing/temp_store.h"
#include "sim_cache.h"

namespace crm::diagnostics {
namespace {

using nlohmann::json;
using testing::sharedCache;
constexpr std::int64_t kWallNow = 1790000000000;

// Runs the checker over `doc`; its exit status (0: all valid).
int validate(const json& doc, const std::string& folder) {
  const std::string path = folder + "/instances.json";
  std::ofstream(path) << doc.dump(2);
  const std::string src = CRM_SOURCE_DIR;
  const std::string cmd = "python3 " + src + "/tests/contract/check_local_api_schemas.py " + src +
                          "/docs/local-api/schemas " + src + "/docs/mqtt/schemas " + path;
  return std::system(cmd.c_str());
}

bool haveValidator() {
  return std::system("python3 -c 'import jsonschema' >/dev/null 2>&1") == 0;
}

void addViews(json& doc, const Sources& sources) {
  for (const auto& item : dataItems()) {
    auto data = readData(item.id, sources);
    ASSERT_TRUE(data.ok() && data->has_value()) << item.id;
    doc[item.id + ".json"].push_back(**data);
    doc["data-response.json"].push_back({{"id", item.id}, {"data", **data}});
  }
  for (const FaultFilter& filter : {FaultFilter{}, FaultFilter{true, ""}}) {
    auto list = faults(sources, filter);
    ASSERT_TRUE(list.ok());
    doc["faults.json"].push_back(*list);
  }
}

TEST(Schemas, EveryViewOfASimulatedMonthAndOfAnEmptyCacheIsValid) {
  if (!haveValidator()) GTEST_SKIP() << "python3-jsonschema is not installed";
  ASSERT_NE(sharedCache().store, nullptr);
  json doc = json::object();
  addViews(doc, sharedCache().offline(kWallNow));
  Sources daemon = sharedCache().offline(kWallNow);
  daemon.source = "daemon";
  daemon.runtime = {kWallNow - 5000, false, kWallNow - 1000};
  addViews(doc, daemon);

  crm::testing::TempDir dir;
  auto empty = crm::testing::openTestStore(dir.file("e.db"));
  ASSERT_NE(empty, nullptr);
  const auto config = testing::simulatedCarConfig(dir.file("e.db"));
  addViews(doc, Sources{*empty, *empty, config, kWallNow, {}, "offline", std::nullopt});

  json list = json::array();
  for (const auto& item : dataItems()) {
    list.push_back({{"id", item.id}, {"name", item.name}, {"category", item.category}});
  }
  doc["data-list.json"].push_back({{"items", list}});
  EXPECT_EQ(validate(doc, dir.path()), 0) << "see the checker's messages above";
}

TEST(Schemas, AViewThatBreaksItsSchemaIsCaught) {
  // The checker is not vacuous: a status without its source fails.
  if (!haveValidator()) GTEST_SKIP() << "python3-jsonschema is not installed";
  ASSERT_NE(sharedCache().store, nullptr);
  auto status = readData("status", sharedCache().offline(kWallNow));
  ASSERT_TRUE(status.ok() && status->has_value());
  json broken = **status;
  broken.erase("source");
  crm::testing::TempDir dir;
  EXPECT_NE(validate(json{{"status.json", {broken}}}, dir.path()), 0);
}

}  // namespace
}  // namespace crm::diagnostics
