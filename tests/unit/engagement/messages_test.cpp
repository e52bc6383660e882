// What leaves the car about prompts: lifecycle messages only with the
// driver's consent, in the shape of docs/mqtt/schemas/prompts.json; a
// service-request whenever the driver accepts a booking prompt.
#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "engine_fixture.h"

namespace crm::engagement {
namespace {

using nlohmann::json;

json schemaBody(const std::string& file) {
  std::ifstream in(std::string(CRM_SOURCE_DIR) + "/docs/mqtt/schemas/" + file);
  const json schema = json::parse(in, nullptr, false);
  EXPECT_TRUE(schema.is_object()) << file;
  return schema.is_object() ? schema["properties"]["body"] : json::object();
}

std::set<std::string> keysOf(const json& object) {
  std::set<std::string> out;
  for (const auto& [key, value] : object.items()) out.insert(key);
  return out;
}

// The body has exactly the schema's keys, each of an allowed type or value.
void expectMatchesSchema(const json& body, const json& schema) {
  const auto required = schema["required"].get<std::set<std::string>>();
  EXPECT_EQ(keysOf(body), required);
  EXPECT_EQ(keysOf(schema["properties"]), required);
  for (const auto& [key, spec] : schema["properties"].items()) {
    if (!body.contains(key)) continue;
    const json& v = body[key];
    if (spec.contains("enum")) {
      EXPECT_NE(std::find(spec["enum"].begin(), spec["enum"].end(), v), spec["enum"].end())
          << key << " = " << v;
      continue;
    }
    const json types = spec["type"].is_array() ? spec["type"] : json::array({spec["type"]});
    bool ok = false;
    for (const auto& t : types) {
      ok = ok || (t == "string" && v.is_string()) || (t == "integer" && v.is_number_integer()) ||
           (t == "null" && v.is_null()) || (t == "object" && v.is_object());
    }
    EXPECT_TRUE(ok) << key << " = " << v << " is not " << types;
  }
}

std::vector<json> bodiesOf(const std::vector<store::OutboxMessage>& messages,
                           const std::string& kind) {
  std::vector<json> out;
  for (const auto& m : messages) {
    if (m.kind == kind) out.push_back(json::parse(m.body));
  }
  return out;
}

TEST_F(EngineTest, WithoutConsentNothingAboutPromptsIsSentButEveryStepIsKept) {
  start({}, /*share=*/false);
  const auto soh = condition("battery.soh_low", Severity::kWarning);
  evaluate({soh}, kNoon);
  const auto id = store_->openPrompts()->at(0).id;
  ASSERT_TRUE(engine_->act(id, Action::kDismiss, kNoon + kMinute).ok());
  ASSERT_TRUE(store_->commit().ok());

  EXPECT_TRUE(outbox().empty());
  const auto counts = *store_->promptCounts(0, kNoon + kDay);
  EXPECT_EQ(counts.raised, 1);
  EXPECT_EQ(counts.delivered, 1);
  EXPECT_EQ(counts.dismissed, 1);
}

TEST_F(EngineTest, WithConsentEachStepIsOnePromptsMessageInTheSchemasShape) {
  start({}, /*share=*/true);
  auto tyre = condition("tyres.pressure_low", Severity::kWarning, "front_left");
  tyre.detail_json = R"({"pressure_kpa":210,"placard_kpa":290})";
  evaluate({tyre}, kNoon);
  const auto id = store_->openPrompts()->at(0).id;
  ASSERT_TRUE(engine_->act(id, Action::kSnooze, kNoon + kMinute).ok());
  ASSERT_TRUE(store_->commit().ok());
  evaluate({}, kNoon + kHour);  // withdrawn
  evaluate({condition("report.ready", Severity::kInfo)}, kNoon + 2 * kHour);

  const auto messages = outbox();
  const auto bodies = bodiesOf(messages, "prompts");
  ASSERT_EQ(bodies.size(), messages.size());
  std::vector<std::string> events;
  for (const auto& b : bodies) events.push_back(b["event"]);
  EXPECT_EQ(events, (std::vector<std::string>{"raised", "delivered", "snoozed", "withdrawn",
                                              "raised", "delivered"}));
  EXPECT_EQ(events.size(), events_.size());  // one message per step

  const json schema = schemaBody("prompts.json");
  for (const auto& b : bodies) expectMatchesSchema(b, schema);
  const json& snoozed = bodies[2];
  EXPECT_EQ(snoozed["prompt_id"], id);
  EXPECT_EQ(snoozed["rule"], "tyres.pressure_low");
  EXPECT_EQ(snoozed["subject"], "front_left");
  EXPECT_EQ(snoozed["severity"], "warning");
  EXPECT_EQ(snoozed["raised_ts"], kNoon);
  EXPECT_EQ(snoozed["delivered_ts"], kNoon);
  EXPECT_EQ(snoozed["expires_ts"], kNoon + 14 * kDay);
  EXPECT_EQ(snoozed["event_ts"], kNoon + kMinute);
  EXPECT_EQ(snoozed["detail"], json::parse(tyre.detail_json));
  EXPECT_TRUE(bodies[0]["delivered_ts"].is_null());
  EXPECT_TRUE(bodies[4]["subject"].is_null());
  EXPECT_EQ(messages[2].created_ms, kNoon + kMinute);
  EXPECT_EQ(messages[2].vin, kVin);
}

TEST_F(EngineTest, ConsentCanBeWithdrawnAtRunTime) {
  start({}, /*share=*/true);
  evaluate({condition("report.ready", Severity::kInfo)}, kNoon);
  engine_->setShareHistory(false);
  evaluate({}, kNoon + kHour);
  EXPECT_EQ(bodiesOf(outbox(), "prompts").size(), 2U);  // raised, delivered; not withdrawn
  EXPECT_EQ(store_->promptCounts(0, kNoon + kDay)->withdrawn, 1);
}

TEST_F(EngineTest, AcceptingABookingPromptSendsAServiceRequestEvenWithoutConsent) {
  start({}, /*share=*/false);
  Profile profile;
  profile.language = Language::kZhCn;
  profile.dealer_id = "D-0042";
  engine_->setProfile(profile);
  auto rotation = condition("maintenance.tire_rotation", Severity::kAdvisory);
  rotation.booking = true;
  rotation.detail_json = R"({"due_in_km":-120})";
  evaluate({rotation}, kNoon);
  const auto id = store_->openPrompts()->at(0).id;
  ASSERT_TRUE(engine_->act(id, Action::kAccept, kNoon + 5 * kMinute).ok());
  ASSERT_TRUE(store_->commit().ok());

  const auto messages = outbox();
  ASSERT_EQ(messages.size(), 1U);
  EXPECT_EQ(messages[0].kind, "service-request");
  EXPECT_EQ(messages[0].created_ms, kNoon + 5 * kMinute);
  const json body = json::parse(messages[0].body);
  expectMatchesSchema(body, schemaBody("service-request.json"));
  EXPECT_EQ(body["prompt_id"], id);
  EXPECT_EQ(body["rule"], "maintenance.tire_rotation");
  EXPECT_TRUE(body["subject"].is_null());
  EXPECT_EQ(body["severity"], "advisory");
  EXPECT_EQ(body["detail"], json::parse(rotation.detail_json));
  EXPECT_EQ(body["requested_ts"], kNoon + 5 * kMinute);
  EXPECT_EQ(body["language"], "zh-CN");
  EXPECT_EQ(body["dealer_id"], "D-0042");
  EXPECT_EQ(stored(id).state, "accepted");
}

TEST_F(EngineTest, WithoutAProfileTheServiceRequestHasTheSettingsLanguageAndNoDealer) {
  start({}, /*share=*/true);
  auto check = condition("battery.soh_low", Severity::kWarning);
  check.booking = true;
  evaluate({check}, kNoon);
  ASSERT_TRUE(engine_->act(store_->openPrompts()->at(0).id, Action::kAccept, kNoon + 1).ok());
  ASSERT_TRUE(store_->commit().ok());
  const auto requests = bodiesOf(outbox(), "service-request");
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(requests[0]["language"], "en");
  EXPECT_TRUE(requests[0]["dealer_id"].is_null());
  // With consent the accept step goes on prompts as well.
  EXPECT_EQ(bodiesOf(outbox(), "prompts").back()["event"], "accepted");
}

TEST_F(EngineTest, DismissingABookingPromptSendsNoServiceRequest) {
  start();
  auto check = condition("battery.soh_low", Severity::kWarning);
  check.booking = true;
  evaluate({check}, kNoon);
  ASSERT_TRUE(engine_->act(store_->openPrompts()->at(0).id, Action::kDismiss, kNoon + 1).ok());
  ASSERT_TRUE(store_->commit().ok());
  EXPECT_TRUE(outbox().empty());
}

}  // namespace
}  // namespace crm::engagement
