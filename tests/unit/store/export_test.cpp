// The data export: one document with every personal and vehicle record the
// cache holds, personal samples bounded, and nothing personal after an erase.
#include "personal_fixture.h"

namespace crm::store::test {
namespace {

using nlohmann::json;
using ExportTest = PersonalDataTest;

ExportOptions options() {
  ExportOptions o;
  o.vehicle.vin = kVin;
  o.generated_ms = kT0 + 5 * kDay;
  o.consent = Consent{false, true, false};
  return o;
}

TEST_F(ExportTest, TheDocumentHoldsEveryPersonalItem) {
  ASSERT_NO_FATAL_FAILURE(fill());

  auto doc = store_->exportData(options());
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  const json& d = *doc;

  EXPECT_EQ(d["schema"], "crm.v1.data-export");
  EXPECT_EQ(d["generated_ms"], kT0 + 5 * kDay);
  EXPECT_EQ(d["vehicle"]["vin"], kVin);
  EXPECT_EQ(
      d["consent"],
      (json{{"share_location", false}, {"share_trips", true}, {"share_prompt_history", false}}));
  EXPECT_EQ(d["profile"],
            (json{{"tier", kTier}, {"language", kLanguage}, {"dealer_id", kDealerId}}));
  ASSERT_EQ(d["prompts"].size(), 1U);
  const json& p = d["prompts"][0];
  EXPECT_EQ(p["title"]["en"], kPromptTitle);
  EXPECT_EQ(p["detail"]["note"], kPromptDetail);
  EXPECT_EQ(p["state"], "dismissed");
  ASSERT_EQ(p["events"].size(), 3U);
  EXPECT_EQ(p["events"][2], (json{{"ts_ms", kT0 + 9000}, {"event", "dismissed"}}));
  ASSERT_EQ(d["trips"].size(), 2U);
  EXPECT_DOUBLE_EQ(d["trips"][0]["distance_km"].get<double>(), kTripKm);
  EXPECT_TRUE(d["trips"][1]["ambient_c"].is_null());
  ASSERT_EQ(d["appointments"].size(), 1U);
  EXPECT_EQ(d["appointments"][0]["dealer_name"], kDealerName);
  ASSERT_EQ(d["campaigns"].size(), 2U);
  EXPECT_EQ(d["campaigns"][0]["title"]["en"], kOfferTitle);
  const json& lat = d["personal_samples"]["signals"]["Vehicle.CurrentLocation.Latitude"];
  EXPECT_EQ(lat["count"], 30);
  EXPECT_FALSE(lat["truncated"]);
  ASSERT_EQ(lat["rows"].size(), 30U);
  EXPECT_DOUBLE_EQ(lat["rows"][0][1].get<double>(), kLatitude);
}

TEST_F(ExportTest, TheDocumentHoldsTheVehiclesHistory) {
  ASSERT_NO_FATAL_FAILURE(fill());

  const json d = store_->exportData(options()).value();

  EXPECT_EQ(d["charging_sessions"].size(), 1U);
  ASSERT_EQ(d["capacity_estimates"].size(), 1U);
  EXPECT_DOUBLE_EQ(d["capacity_estimates"][0]["capacity_kwh"].get<double>(), kCapacityKwh);
  ASSERT_EQ(d["service_records"].size(), 1U);
  EXPECT_EQ(d["service_records"][0]["items"], json({"tire_rotation"}));
  ASSERT_EQ(d["reports"].size(), 1U);
  EXPECT_EQ(d["reports"][0]["report"], (json{{"kept", "report"}}));
  const json& soh =
      d["daily_rollups"]["signals"]["Vehicle.Powertrain.TractionBattery.StateOfHealth"];
  ASSERT_EQ(soh["rows"].size(), 3U);
  EXPECT_EQ(soh["rows"][0][0], kT0);  // day_ms
  EXPECT_EQ(soh["rows"][0][1], 10);   // count
  EXPECT_EQ(d["daily_rollups"]["columns"][0], "day_ms");
  EXPECT_EQ(d["samples"]["Vehicle.Powertrain.TractionBattery.StateOfHealth"]["count"],
            rows(path(),
                 "samples s JOIN signals g ON g.id = s.signal "
                 "WHERE g.path = 'Vehicle.Powertrain.TractionBattery.StateOfHealth'"));
  EXPECT_GT(d["hourly_rollups"]["Vehicle.Powertrain.TractionBattery.StateOfHealth"]["count"], 0);
  EXPECT_EQ(d["outbox"]["prompts"]["count"], 1);
  EXPECT_EQ(d["outbox"]["service-request"]["count"], 1);
  EXPECT_EQ(d["commands"]["appointment"]["count"], 1);
  EXPECT_TRUE(d["bookkeeping"].contains("next_seq"));
  EXPECT_FALSE(d["bookkeeping"].contains(kProfileLanguageKey));
}

TEST_F(ExportTest, PersonalSamplesAreBoundedToTheNewest) {
  ASSERT_NO_FATAL_FAILURE(fill());
  ExportOptions o = options();
  o.max_personal_samples = 5;

  const json d = store_->exportData(o).value();

  const json& lat = d["personal_samples"]["signals"]["Vehicle.CurrentLocation.Latitude"];
  EXPECT_EQ(lat["count"], 30);
  EXPECT_TRUE(lat["truncated"]);
  ASSERT_EQ(lat["rows"].size(), 5U);
  // Oldest first, the newest five.
  EXPECT_EQ(lat["rows"][4][0], kT0 + 2 * kDay + 9 * 600'000);
  EXPECT_LT(lat["rows"][0][0].get<std::int64_t>(), lat["rows"][4][0].get<std::int64_t>());
  EXPECT_EQ(d["limits"]["max_personal_samples"], 5);
}

TEST_F(ExportTest, WhatIsStagedButNotCommittedIsExportedToo) {
  ASSERT_NO_FATAL_FAILURE(fill());
  ASSERT_TRUE(store_->addTrip({kT0 + 2 * kDay, kT0 + 2 * kDay + 1000, 1.5, 0.2, 5.0}).ok());

  EXPECT_EQ(store_->exportData(options()).value()["trips"].size(), 3U);
}

TEST_F(ExportTest, ConsentIsNullWhenUnknownAndAnEmptyCacheExports) {
  store_ = open();
  ASSERT_NE(store_, nullptr);
  ExportOptions o = options();
  o.consent.reset();

  const json d = store_->exportData(o).value();

  EXPECT_TRUE(d["consent"].is_null());
  EXPECT_EQ(d["profile"], (json{{"tier", nullptr}, {"language", nullptr}, {"dealer_id", nullptr}}));
  EXPECT_TRUE(d["prompts"].empty());
  EXPECT_TRUE(d["daily_rollups"]["signals"].empty());
}

TEST_F(ExportTest, AfterAnEraseTheDocumentHoldsNoPersonalDataAndTheHistoryStays) {
  ASSERT_NO_FATAL_FAILURE(fill());
  ASSERT_TRUE(store_->erasePersonal().ok());
  ASSERT_TRUE(store_->commit().ok());

  const json d = store_->exportData(options()).value();

  EXPECT_EQ(d["profile"], (json{{"tier", nullptr}, {"language", nullptr}, {"dealer_id", nullptr}}));
  EXPECT_TRUE(d["prompts"].empty());
  EXPECT_TRUE(d["trips"].empty());
  EXPECT_TRUE(d["appointments"].empty());
  EXPECT_EQ(d["campaigns"].size(), 1U);
  EXPECT_TRUE(d["personal_samples"]["signals"].empty());
  EXPECT_FALSE(d["outbox"].contains("prompts"));
  EXPECT_EQ(d["capacity_estimates"].size(), 1U);
  EXPECT_FALSE(d["daily_rollups"]["signals"].empty());
  const std::string text = d.dump();
  for (const auto& marker : personalStrings()) {
    EXPECT_EQ(text.find(marker), std::string::npos) << marker;
  }
}

// The document grows with the car's age: a year of a busy car (every
// signal rolled up daily, four trips, a charge and a prompt a day, a report
// a month) stays near the figure personal.h and docs/privacy.md give.
TEST_F(ExportTest, AYearOfHistoryExportsInAFewMegabytes) {
  store_ = open();
  ASSERT_NE(store_, nullptr);
  Store& s = *store_;
  for (int day = 0; day < 365; ++day) {
    const std::int64_t t = kT0 + day * kDay;
    for (const auto& info : vehicle::signalCatalogue()) {
      if (info.type == vehicle::ValueType::kString ||
          info.type == vehicle::ValueType::kStringArray || info.personal) {
        continue;
      }
      const double v = info.type == vehicle::ValueType::kBool ? 1.0 : info.min + 1.5;
      ASSERT_TRUE(s.addSample({t + 3'600'000, info.id, v, 0}).ok());
      ASSERT_TRUE(s.addSample({t + 7'200'000, info.id, v, 0}).ok());
    }
    for (int k = 0; k < 4; ++k) {
      ASSERT_TRUE(
          s.addTrip({t + k * 3'600'000, t + k * 3'600'000 + 1'800'000, 12.34, 2.1, 18.2}).ok());
    }
    ASSERT_TRUE(s.addChargingSession(
                     {t, t + 3'600'000, 30.5, 80.5, 35.25, 11, 10.5, false, 31.5, false, false})
                    .ok());
    PromptRecord p;
    p.rule = "battery.high_soc_dwell";
    p.subject = "pack";
    p.severity = "advisory";
    p.state = "dismissed";
    p.title_en = "Charged to 100 % and parked long";
    p.title_zh = "长时间满电停放";
    p.message_en = "Keeping the battery full for days ages it. Set the limit to 80 %.";
    p.message_zh = "长期满电会加速电池老化。请将充电上限设为 80%。";
    p.detail_json = R"({"hours_above_95":31.5})";
    p.raised_ms = t;
    p.state_ms = t + 1000;
    auto id = s.addPrompt(p);
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(s.addPromptEvent({*id, t, "raised"}).ok());
    ASSERT_TRUE(s.addPromptEvent({*id, t + 500, "delivered"}).ok());
    ASSERT_TRUE(s.addPromptEvent({*id, t + 1000, "dismissed"}).ok());
    if (day % 30 == 29) {
      ASSERT_TRUE(s.addReport({0, t - 29 * kDay, t, t,
                               "{\"pad\":\"" + std::string(4000, 'x') + "\"}", false})
                      .ok());
    }
    ASSERT_TRUE(s.commit().ok());
  }

  const std::string text = store_->exportData(options()).value().dump();

  EXPECT_GT(text.size(), 1'000'000U);
  EXPECT_LT(text.size(), 3'000'000U) << text.size() << " bytes";
  RecordProperty("export_bytes_for_a_year", std::to_string(text.size()));
}

}  // namespace
}  // namespace crm::store::test
