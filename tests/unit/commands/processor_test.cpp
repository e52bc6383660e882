#include "processor_fixture.h"

namespace crm::commands::test {
namespace {

TEST_F(ProcessorTest, ServiceRecordIsStoredAndAnsweredOkInTheSameCommit) {
  auto o = processor_->handleMqtt("service-record", envelope(serviceBody()).dump(), context_);
  EXPECT_EQ(o.status, CommandStatus::kOk) << o.reason;
  // Staged, not yet committed: neither the effect's answer nor anything is published.
  EXPECT_TRUE(store_->pendingOutbox(0, 10).value().empty());
  ASSERT_TRUE(store_->commit().ok());

  const auto records = store_->serviceRecords();
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0].visit_date, "2026-02-09");
  EXPECT_DOUBLE_EQ(records[0].odometer_km, 12000.5);
  EXPECT_EQ(records[0].items, (std::vector<std::string>{"tire_rotation", "cabin_filter"}));
  EXPECT_EQ(records[0].dealer_id, "D-042");
  EXPECT_EQ(records[0].command_id, kId);
  EXPECT_TRUE(store_->commandSeen(kId).value());

  const auto outbox = store_->pendingOutbox(0, 10).value();
  ASSERT_EQ(outbox.size(), 1U);
  EXPECT_EQ(outbox[0].kind, "cmd-result");
  const auto msg = json::parse(sync::envelope(outbox[0]));
  EXPECT_EQ(msg["schema"], "crm.v1.cmd-result");
  EXPECT_EQ(msg["vin"], kVin);
  EXPECT_EQ(msg["ts"], kNow);
  EXPECT_EQ(msg["body"], (json{{"command_id", kId},
                               {"command", "service-record"},
                               {"status", "ok"},
                               {"reason", nullptr}}));
}

std::string serviceWith(const char* key, json value) {
  json body = {{"visit_date", "2026-02-09"},
               {"odometer_km", 12000},
               {"items", {"tire_rotation"}},
               {"dealer_id", "D-042"}};
  if (value.is_discarded()) {
    body.erase(key);
  } else {
    body[key] = std::move(value);
  }
  return withBody(body);
}

std::string envelopeWith(const char* key, json value) {
  json e = json::parse(withBody({{"period_days", 30}}));
  if (value.is_discarded()) {
    e.erase(key);
  } else {
    e[key] = std::move(value);
  }
  return e.dump();
}

const json kAbsent = json(json::value_t::discarded);

std::vector<Bad> badCommands() {
  return {
      {"OversizedPayload", "service-record", std::string(64 * 1024 + 1, ' '),
       "payload is 65537 bytes; at most 65536"},
      {"MalformedJson", "service-record", "{\"id\": ", "payload is not valid JSON"},
      {"NotAnObject", "service-record", "[1,2]", "payload: expected a JSON object"},
      {"MissingId", "report-request", envelopeWith("id", kAbsent), "id: missing"},
      {"IdNotAUuid", "report-request", envelopeWith("id", "42"), "id: expected a UUID"},
      {"IdANumber", "report-request", envelopeWith("id", 42), "id: expected a UUID"},
      {"MissingIssuedAt", "report-request", envelopeWith("issued_at", kAbsent),
       "issued_at: missing"},
      {"IssuedAtAString", "report-request", envelopeWith("issued_at", "now"),
       "issued_at: expected a non-negative integer"},
      {"ExpiresAtAString", "report-request", envelopeWith("expires_at", "soon"),
       "expires_at: expected a non-negative integer"},
      {"MissingVin", "report-request", envelopeWith("vin", kAbsent), "vin: missing"},
      {"VinANumber", "report-request", envelopeWith("vin", 7), "vin: expected a string"},
      {"WrongVin", "report-request", envelopeWith("vin", "LRW3E7EK5NC999999"),
       "vin: addressed to another vehicle"},
      {"Expired", "report-request", envelopeWith("expires_at", kNow - 1), "expired"},
      {"ExpiresNow", "report-request", envelopeWith("expires_at", kNow), "expired"},
      {"MissingBody", "report-request", envelopeWith("body", kAbsent), "body: missing"},
      {"BodyAnArray", "report-request", envelopeWith("body", json::array()),
       "body: expected an object"},
      {"UnknownCommand", "reboot", withBody(json::object()), "unknown command 'reboot'"},
      {"EraseScopeAll", "erase", withBody({{"scope", "all"}}),
       "body.scope: 'all' is not a scope this agent erases"},
      {"VisitDateMissing", "service-record", serviceWith("visit_date", kAbsent),
       "body.visit_date: missing"},
      {"VisitDateMalformed", "service-record", serviceWith("visit_date", "9 Feb 2026"),
       "body.visit_date: expected a date YYYY-MM-DD"},
      {"VisitDateNotInTheCalendar", "service-record", serviceWith("visit_date", "2026-02-30"),
       "body.visit_date: expected a date YYYY-MM-DD"},
      {"VisitDateInTheFuture", "service-record", serviceWith("visit_date", "2026-03-01"),
       "body.visit_date: expected a date not after"},
      {"OdometerMissing", "service-record", serviceWith("odometer_km", kAbsent),
       "body.odometer_km: missing"},
      {"OdometerNegative", "service-record", serviceWith("odometer_km", -1),
       "body.odometer_km: expected a number in 0..2000000"},
      {"OdometerAString", "service-record", serviceWith("odometer_km", "12000"),
       "body.odometer_km: expected a number"},
      {"ItemsMissing", "service-record", serviceWith("items", kAbsent), "body.items: missing"},
      {"ItemsAString", "service-record", serviceWith("items", "tire_rotation"),
       "body.items: expected an array"},
      {"ItemANumber", "service-record", serviceWith("items", {"tire_rotation", 3}),
       "body.items[1]: expected a string"},
      {"UnknownItem", "service-record", serviceWith("items", {"tire_rotation", "wipers"}),
       "body.items[1]: unknown maintenance item 'wipers'"},
      {"DealerMissing", "service-record", serviceWith("dealer_id", kAbsent),
       "body.dealer_id: missing"},
      {"DealerEmpty", "service-record", serviceWith("dealer_id", ""),
       "body.dealer_id: expected a non-empty string"},
      {"PeriodMissing", "report-request", withBody(json::object()), "body.period_days: missing"},
      {"PeriodZero", "report-request", withBody({{"period_days", 0}}),
       "body.period_days: expected an integer in 1..366"},
      {"PeriodTooLong", "report-request", withBody({{"period_days", 367}}),
       "body.period_days: expected an integer in 1..366"},
      {"PeriodFractional", "report-request", withBody({{"period_days", 1.5}}),
       "body.period_days: expected an integer"},
  };
}

// Class 4 and 5 of issue 8: hostile structure and numbers at the edge.
// Each is refused with its reason, and nothing but the cmd-result changes.
std::string deepBody(std::size_t depth) {
  const std::string head = withBody({{"x", 1}});
  const auto at = head.find("{\"x\"");
  return head.substr(0, at) + "{\"x\":" + std::string(depth, '[') + std::string(depth, ']') +
         head.substr(at + 6);
}

std::vector<Bad> hostileCommands() {
  constexpr std::uint64_t kMaxU64 = 18446744073709551615ULL;
  return {
      {"BodyNested30000DeepWithin64KiB", "service-record", deepBody(30000),
       "payload: nesting deeper than 64 levels at byte"},
      {"BodyNested65Deep", "report-request", deepBody(65),
       "payload: nesting deeper than 64 levels"},
      {"IdNested30000Deep", "report-request",
       "{\"id\":" + std::string(30000, '[') + std::string(30000, ']') + "}",
       "payload: nesting deeper than 64 levels at byte 70"},
      {"IssuedAtMaxInt64", "report-request", envelopeWith("issued_at", INT64_MAX),
       "issued_at: 9223372036854775807 is outside epoch ms from 2000-01-01 to 2100-01-01"},
      {"IssuedAtMaxUInt64", "report-request", envelopeWith("issued_at", kMaxU64),
       "issued_at: 18446744073709551615 is outside"},
      {"IssuedAtZero", "report-request", envelopeWith("issued_at", 0), "issued_at: 0 is outside"},
      {"IssuedAtJustBefore2000", "report-request", envelopeWith("issued_at", 946684799999),
       "issued_at: 946684799999 is outside"},
      {"IssuedAtYear2100", "report-request", envelopeWith("issued_at", 4102444800000),
       "issued_at: 4102444800000 is outside"},
      {"IssuedAtMinInt64", "report-request", envelopeWith("issued_at", INT64_MIN),
       "issued_at: expected a non-negative integer"},
      {"IssuedAtHugeFloat", "report-request", envelopeWith("issued_at", 1e300),
       "issued_at: expected a non-negative integer"},
      {"ExpiresAtMaxInt64", "report-request", envelopeWith("expires_at", INT64_MAX),
       "expires_at: 9223372036854775807 is outside"},
      {"ExpiresAtMaxUInt64", "report-request", envelopeWith("expires_at", kMaxU64),
       "expires_at: 18446744073709551615 is outside"},
      {"VisitDateFeb29InACommonYear", "service-record", serviceWith("visit_date", "2025-02-29"),
       "body.visit_date: expected a date YYYY-MM-DD that exists"},
      {"VisitDateApril31", "service-record", serviceWith("visit_date", "2025-04-31"),
       "body.visit_date: expected a date YYYY-MM-DD that exists"},
      {"VisitDateMonth13", "service-record", serviceWith("visit_date", "2025-13-01"),
       "body.visit_date: expected a date"},
      {"VisitDateBefore2000", "service-record", serviceWith("visit_date", "1999-12-31"),
       "from 2000-01-01 to 2099-12-31"},
      {"VisitDateYearZero", "service-record", serviceWith("visit_date", "0000-01-01"),
       "from 2000-01-01 to 2099-12-31"},
      {"VisitDateSignedYear", "service-record", serviceWith("visit_date", "-026-01-01"),
       "body.visit_date: expected a date"},
  };
}

TEST_P(RejectionTest, IsAnsweredWithItsReasonAndChangesNothingElse) {
  expectRejectedWithoutChange(GetParam());
}

INSTANTIATE_TEST_SUITE_P(EveryReason, RejectionTest, ::testing::ValuesIn(badCommands()),
                         [](const auto& info) { return std::string(info.param.label); });
INSTANTIATE_TEST_SUITE_P(HostileInput, RejectionTest, ::testing::ValuesIn(hostileCommands()),
                         [](const auto& info) { return std::string(info.param.label); });

TEST_F(ProcessorTest, AResultCarriesTheIdWhenTheEnvelopeHadOneAndNullWhenNot) {
  (void)send("report-request", envelopeWith("vin", "LRW3E7EK5NC999999"));
  (void)send("report-request", "not json");
  const auto r = results();
  ASSERT_EQ(r.size(), 2U);
  EXPECT_EQ(r[0]["command_id"], kId);
  EXPECT_TRUE(r[1]["command_id"].is_null());
}

TEST_F(ProcessorTest, AVeryLongCommandNameIsRefusedAndEchoedOnlyInPart) {
  const std::string name(5000, 'x');
  const auto o = send(name, envelope(serviceBody()).dump());
  EXPECT_EQ(o.status, CommandStatus::kRejected);
  EXPECT_NE(o.reason.find("unknown command"), std::string::npos) << o.reason;
  const auto r = results();
  ASSERT_EQ(r.size(), 1U);
  EXPECT_EQ(r[0]["command"].get<std::string>().size(), kMaxNameBytes);
}

TEST_F(ProcessorTest, DuplicateIdIsRejectedAndAppliedOnlyOnce) {
  const auto payload = envelope(serviceBody()).dump();
  EXPECT_EQ(send("service-record", payload).status, CommandStatus::kOk);
  const auto again = send("service-record", payload);
  EXPECT_EQ(again.status, CommandStatus::kRejected);
  EXPECT_NE(again.reason.find("id: already processed"), std::string::npos) << again.reason;
  EXPECT_EQ(store_->serviceRecords().size(), 1U);
}

TEST_F(ProcessorTest, DuplicateIdIsRecognisedAfterAReopen) {
  EXPECT_EQ(send("service-record", envelope(serviceBody()).dump()).status, CommandStatus::kOk);
  store_.reset();
  store::StoreOptions o;
  o.path = dir_.file("c.db");
  store_ = std::move(store::Store::open(o)).value();
  processor_ = std::make_unique<Processor>(*store_);
  EXPECT_EQ(send("service-record", envelope(serviceBody()).dump()).status,
            CommandStatus::kRejected);
}

TEST_F(ProcessorTest, ARejectedCommandDoesNotSpendItsId) {
  auto body = serviceBody();
  body["items"] = {"wipers"};
  EXPECT_EQ(send("service-record", envelope(body).dump()).status, CommandStatus::kRejected);
  EXPECT_FALSE(store_->commandSeen(kId).value());
  EXPECT_EQ(send("service-record", envelope(serviceBody()).dump()).status, CommandStatus::kOk);
}

TEST_F(ProcessorTest, NullExpiresAtIsReadAsAbsentAndAFutureOneIsAccepted) {
  auto e = envelope(serviceBody());
  e["expires_at"] = nullptr;
  EXPECT_EQ(send("service-record", e.dump()).status, CommandStatus::kOk);
  e["id"] = "123e4567-e89b-42d3-a456-426614174001";
  e["expires_at"] = kNow + 1;
  EXPECT_EQ(send("service-record", e.dump()).status, CommandStatus::kOk);
}

TEST_F(ProcessorTest, ReportRequestQueuesAHealthReportThatDoesNotMoveThePeriodicSchedule) {
  const auto o = send("report-request", envelope({{"period_days", 7}}).dump());
  ASSERT_EQ(o.status, CommandStatus::kOk) << o.reason;
  const auto outbox = store_->pendingOutbox(0, 10).value();
  ASSERT_EQ(outbox.size(), 2U);
  EXPECT_EQ(outbox[0].kind, "health-report");
  const auto report = json::parse(sync::envelope(outbox[0]))["body"];
  EXPECT_EQ(report["schema"], "crm.v1.health-report");
  // No data yet: the period ends at the command's arrival.
  EXPECT_EQ(report["period"]["to"], kNow);
  EXPECT_EQ(report["period"]["from"], kNow - 7 * 86'400'000LL);
  EXPECT_EQ(outbox[1].kind, "cmd-result");
  ASSERT_TRUE(store_->latestReport().has_value());
  EXPECT_TRUE(store_->latestReport()->on_request);
  EXPECT_FALSE(store_->latestPeriodicReport().has_value());
}

TEST_F(ProcessorTest, AReportOnRequestLeavesTheNextPeriodicReportDue) {
  // The last periodic report ended 8 days ago: a 7-day report is due.
  const std::int64_t kDay = 86'400'000;
  ASSERT_TRUE(
      store_->addReport({0, kNow - 15 * kDay, kNow - 8 * kDay, kNow - 8 * kDay, "{}", false}).ok());
  ASSERT_TRUE(store_->commit().ok());
  ASSERT_TRUE(*reports::reportDue(*store_, kNow, 7));
  ASSERT_EQ(send("report-request", envelope({{"period_days", 7}}).dump()).status,
            CommandStatus::kOk);
  EXPECT_TRUE(*reports::reportDue(*store_, kNow, 7));
}

// Runs one statement on the cache through a second connection.
void execOn(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

TEST_F(ProcessorTest, AStoreFailureUndoesTheEffectAndAnswersErrorThenAResendWorks) {
  // Recording the id fails after the service record was staged: the unit must
  // undo the record, and the command must be answered "error", not "ok".
  execOn(dir_.file("c.db"),
         "CREATE TRIGGER fail BEFORE INSERT ON commands_seen BEGIN SELECT RAISE(ABORT, 'x'); "
         "END");
  const auto payload = envelope(serviceBody()).dump();
  const auto failed = send("service-record", payload);
  EXPECT_EQ(failed.status, CommandStatus::kError);
  EXPECT_TRUE(store_->serviceRecords().empty());
  EXPECT_FALSE(store_->commandSeen(kId).value());
  auto r = results();
  ASSERT_EQ(r.size(), 1U);
  EXPECT_EQ(r[0]["status"], "error");

  execOn(dir_.file("c.db"), "DROP TRIGGER fail");
  EXPECT_EQ(send("service-record", payload).status, CommandStatus::kOk);
  EXPECT_EQ(store_->serviceRecords().size(), 1U);
  r = results();
  ASSERT_EQ(r.size(), 2U);
  EXPECT_EQ(r[1]["status"], "ok");
}

TEST_F(ProcessorTest, RecordedCommandsGetTheSameDerivedIdInEveryReplay) {
  const vehicle::Command cmd{kNow, "service-record", serviceBody().dump(), 7};
  const auto a = processor_->handleRecorded(cmd, context_);
  ASSERT_EQ(a.status, CommandStatus::kOk) << a.reason;
  EXPECT_EQ(a.command_id.size(), 36U);
  EXPECT_EQ(a.command_id[14], '5');  // a name-based (SHA-1) UUID

  crm::testing::TempDir other;
  store::StoreOptions o;
  o.path = other.file("c.db");
  auto store2 = std::move(store::Store::open(o)).value();
  Processor p2(*store2);
  EXPECT_EQ(p2.handleRecorded(cmd, context_).command_id, a.command_id);

  // The same line again in the same cache is a duplicate.
  const auto again = processor_->handleRecorded(cmd, context_);
  EXPECT_EQ(again.status, CommandStatus::kRejected);
  EXPECT_EQ(again.command_id, a.command_id);
}

TEST_F(ProcessorTest, RecordedCommandsTakeTheirTimeFromTheLineAndSkipTheVinCheck) {
  context_.vehicle.vin = "LRW3E7EK5NC000042";
  const vehicle::Command cmd{kNow + 5000, "service-record", serviceBody().dump(), 3};
  ASSERT_EQ(processor_->handleRecorded(cmd, context_).status, CommandStatus::kOk);
  ASSERT_TRUE(store_->commit().ok());
  const auto msg = json::parse(sync::envelope(store_->pendingOutbox(0, 1).value().at(0)));
  EXPECT_EQ(msg["ts"], kNow + 5000);
  EXPECT_EQ(store_->serviceRecords().at(0).received_ms, kNow + 5000);
}

TEST_F(ProcessorTest, ARecordedBodyTooDeepOrTooLargeIsRejectedBeforeItIsParsed) {
  const std::string deep = std::string(5000, '[') + std::string(5000, ']');
  const vehicle::Command nested{kNow, "service-record", R"({"items":)" + deep + "}", 3};
  auto o = processor_->handleRecorded(nested, context_);
  EXPECT_EQ(o.status, CommandStatus::kRejected);
  EXPECT_NE(o.reason.find("body: nesting deeper than 64 levels"), std::string::npos) << o.reason;
  const vehicle::Command big{kNow, "service-record",
                             R"({"x":")" + std::string(70 * 1024, 'x') + R"("})", 4};
  o = processor_->handleRecorded(big, context_);
  EXPECT_EQ(o.status, CommandStatus::kRejected);
  EXPECT_NE(o.reason.find("are accepted"), std::string::npos) << o.reason;
  EXPECT_TRUE(store_->serviceRecords().empty());
}

TEST_F(ProcessorTest, RecordedUnknownItemIsRejected) {
  auto body = serviceBody();
  body["items"] = {"oil_change"};
  const vehicle::Command cmd{kNow, "service-record", body.dump(), 3};
  const auto o = processor_->handleRecorded(cmd, context_);
  EXPECT_EQ(o.status, CommandStatus::kRejected);
  EXPECT_NE(o.reason.find("unknown maintenance item 'oil_change'"), std::string::npos);
  EXPECT_TRUE(store_->serviceRecords().empty());
}

}  // namespace
}  // namespace crm::commands::test
