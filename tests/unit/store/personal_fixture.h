// A cache that holds one of every item the driver's data rights cover, each
// marked with a string or number found nowhere else, for the export and
// erase tests. Some markers are left the way an older agent (or an SQLite
// built without secure_delete) would leave them: in the free space of a
// page still in use and in free pages.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <bit>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "crm/common/civil_time.h"
#include "crm/store/meta_keys.h"
#include "crm/store/store.h"
#include "crm/testing/temp_dir.h"

namespace crm::store::test {

namespace sig = vehicle::sig;
inline constexpr std::int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z
inline constexpr std::int64_t kDay = civil::kMsPerDay;
inline constexpr char kVin[] = "LRW3E7EK5NC000001";

// Personal: each must be in the export and nowhere in the files after an erase.
inline constexpr char kPromptTitle[] = "Marker prompt title Q7Z";
inline constexpr char kPromptDetail[] = "marker-detail-K4P";
inline constexpr char kTier[] = "marker-tier-J3M";
inline constexpr char kLanguage[] = "marker-lang-W2X";
inline constexpr char kDealerId[] = "marker-dealer-id-V9B";
inline constexpr char kDealerName[] = "Marker Dealer Name R8T";
inline constexpr char kOfferTitle[] = "Marker offer title L5N";
inline constexpr char kQueuedPrompt[] = "marker-queued-prompt-H6D";
inline constexpr char kQueuedRequest[] = "marker-service-request-F1G";
inline constexpr char kAckedPrompt[] = "marker-acked-prompt-C2S";
// Left by an "older agent" without secure_delete.
inline constexpr char kStaleMessage[] = "marker-stale-older-agent-U3Y";
inline constexpr char kStaleProfile[] = "marker-stale-profile-P0P";
inline constexpr char kFreePage[] = "marker-free-page-E5E";
inline constexpr double kTripKm = 4321.98765;
inline constexpr double kLatitude = 31.2304123;
// Kept: the vehicle's technical history.
inline constexpr char kRecallTitle[] = "Kept recall title";
inline constexpr double kCapacityKwh = 71.53;

// The personal strings, for the byte scan.
inline std::vector<std::string> personalStrings() {
  return {kPromptTitle,  kPromptDetail, kTier,         kLanguage,      kDealerId,
          kDealerName,   kOfferTitle,   kQueuedPrompt, kQueuedRequest, kAckedPrompt,
          kStaleMessage, kStaleProfile, kFreePage};
}

// A REAL as SQLite stores it in a record: 8 bytes, big-endian.
inline std::string storedDouble(double v) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof bits);
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(bits >> (56 - 8 * i));
  return out;
}

inline std::string fileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Which of `needles` occur in the database file or its WAL: "<needle> in <file>".
inline std::vector<std::string> foundIn(const std::string& db_path,
                                        const std::vector<std::string>& needles) {
  std::vector<std::string> found;
  for (const std::string suffix : {"", "-wal"}) {
    const std::string bytes = fileBytes(db_path + suffix);
    for (const auto& n : needles) {
      if (bytes.find(n) != std::string::npos) found.push_back(n + " in c.db" + suffix);
    }
  }
  return found;
}

inline std::vector<std::string> personalNeedles() {
  auto needles = personalStrings();
  needles.push_back(storedDouble(kTripKm));
  needles.push_back(storedDouble(kLatitude));
  return needles;
}

// Runs SQL on a connection of its own, as an older agent would have, with
// secure_delete off: what it deletes stays in the file's free space.
inline void olderAgent(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  const std::string all = "PRAGMA secure_delete = OFF;" + sql;
  EXPECT_EQ(sqlite3_exec(db, all.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
  sqlite3_free(err);
  sqlite3_close(db);
}

// Rows of a table, through a connection of its own.
inline std::int64_t rows(const std::string& path, const std::string& where_sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* s = nullptr;
  std::int64_t n = -1;
  if (sqlite3_prepare_v2(db, ("SELECT count(*) FROM " + where_sql).c_str(), -1, &s, nullptr) ==
          SQLITE_OK &&
      sqlite3_step(s) == SQLITE_ROW) {
    n = sqlite3_column_int64(s, 0);
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return n;
}

class PersonalDataTest : public ::testing::Test {
 protected:
  std::string path() const { return dir_.file("c.db"); }

  std::unique_ptr<Store> open() {
    StoreOptions o;
    o.path = path();
    o.page_bytes = page_bytes_;
    o.full_sync = false;
    o.busy_timeout_ms = 50;
    auto s = Store::open(o);
    EXPECT_TRUE(s.ok()) << s.error().message;
    return s.ok() ? std::move(s).value() : nullptr;
  }

  // One of everything, committed; the store stays open in store_.
  // The page size a new cache gets (an older agent's cache has 4 KiB pages).
  int page_bytes_ = StoreOptions{}.page_bytes;

  void fill() {
    store_ = open();
    ASSERT_NE(store_, nullptr);
    Store& s = *store_;

    // Samples over three days: daily roll-ups for the technical signals,
    // and location samples.
    for (int d = 0; d < 3; ++d) {
      for (int i = 0; i < 10; ++i) {
        const std::int64_t t = kT0 + d * kDay + i * 600'000;
        ASSERT_TRUE(s.addSample({t, sig::kSoh, 97.0 - d * 0.01 - i * 0.001, 0}).ok());
        ASSERT_TRUE(s.addSample({t, sig::kSocCurrent, 40.0 + i, 0}).ok());
        ASSERT_TRUE(s.addSample({t, sig::kLatitude, kLatitude + i * 0.001, 0}).ok());
      }
    }
    ASSERT_TRUE(s.addTrip({kT0 + 1000, kT0 + 90'000, kTripKm, 8.5, 12.5}).ok());
    ASSERT_TRUE(s.addTrip({kT0 + kDay, kT0 + kDay + 60'000, 11.25, 2.5, std::nullopt}).ok());
    ASSERT_TRUE(
        s.addChargingSession({kT0 + 2000, kT0 + 3000, 20, 80, 45, 11, 10, false, 30, false, false})
            .ok());
    ASSERT_TRUE(s.addCapacityEstimate({kT0 + 3000, kCapacityKwh, 60, 21.5}).ok());
    ASSERT_TRUE(s.addServiceRecord(
                     {"cmd-1", "2025-12-20", 12000, {"tire_rotation"}, "D-KEPT", kT0 - 10 * kDay})
                    .ok());
    ASSERT_TRUE(s.addReport({0, kT0 - 30 * kDay, kT0, kT0, R"({"kept":"report"})", false}).ok());

    PromptRecord p;
    p.rule = "tyres.pressure_low";
    p.subject = "front_left";
    p.severity = "warning";
    p.state = "dismissed";
    p.title_en = kPromptTitle;
    p.title_zh = "左前轮胎";
    p.message_en = "Book a check.";
    p.message_zh = "预约检查。";
    p.detail_json = std::string(R"({"note":")") + kPromptDetail + "\"}";
    p.raised_ms = kT0 + 5000;
    p.state_ms = kT0 + 9000;
    auto id = s.addPrompt(p);
    ASSERT_TRUE(id.ok());
    for (const auto& [ts, event] :
         {std::pair{kT0 + 5000, "raised"}, {kT0 + 6000, "delivered"}, {kT0 + 9000, "dismissed"}}) {
      ASSERT_TRUE(s.addPromptEvent({*id, ts, event}).ok());
    }
    ASSERT_TRUE(s.putCampaign({"offer-1", "offer", "info", kOfferTitle, "优惠", "A free wash.",
                               "洗车", kT0 + 30 * kDay, "cmd-2", kT0})
                    .ok());
    ASSERT_TRUE(s.putCampaign({"recall-1", "recall", "warning", kRecallTitle, "召回",
                               "Book a visit.", "预约", kT0 + 30 * kDay, "cmd-3", kT0})
                    .ok());
    ASSERT_TRUE(
        s.putAppointment({"appt-1", kT0 + 4 * kDay, kDealerName, {"tire_rotation"}, "cmd-4", kT0})
            .ok());
    ASSERT_TRUE(s.setMeta(kProfileTierKey, kTier).ok());
    ASSERT_TRUE(s.setMeta(kProfileLanguageKey, kLanguage).ok());
    ASSERT_TRUE(s.setMeta(kProfileDealerKey, kDealerId).ok());
    ASSERT_TRUE(s.markCommandSeen("cmd-4", "appointment", kT0).ok());
    ASSERT_TRUE(s.commit().ok());

    // What an older agent left in the file: a message deleted and an
    // earlier profile replaced without secure_delete (their bytes stay in
    // the free space of pages still in use), a table dropped (its pages
    // free, not zeroed). Checkpointed: the file itself holds them.
    olderAgent(path(),
               "INSERT INTO outbox(seq, id, kind, priority, retain, created_ms, payload, vin) "
               "VALUES(900000, 'x', 'prompts', 2, 0, 0, '{\"note\":\"" +
                   std::string(kStaleMessage) +
                   "\"}', 'V');"
                   "INSERT INTO outbox(seq, id, kind, priority, retain, created_ms, payload, vin) "
                   "VALUES(900001, 'y', 'telemetry/daily', 0, 0, 0, '{}', 'V');"
                   "DELETE FROM outbox WHERE seq = 900000;"
                   "INSERT OR REPLACE INTO meta(key, value) VALUES('profile.language', '" +
                   kStaleProfile +
                   "');"
                   "INSERT OR REPLACE INTO meta(key, value) VALUES('profile.language', '" +
                   kLanguage +
                   "');"
                   "CREATE TABLE junk(t TEXT);"
                   "INSERT INTO junk VALUES(hex(zeroblob(4500)) || '" +
                   kFreePage +
                   "');"
                   "DROP TABLE junk;"
                   "PRAGMA wal_checkpoint(TRUNCATE);");

    // A prompts message sent and acknowledged, then two still queued.
    auto acked = s.enqueue(wire::Kind::kPrompts, kVin, kT0,
                           std::string(R"({"note":")") + kAckedPrompt + "\"}");
    ASSERT_TRUE(acked.ok());
    ASSERT_TRUE(s.commit().ok());
    ASSERT_TRUE(s.ackOutbox(acked->seq).ok());
    ASSERT_TRUE(s.enqueue(wire::Kind::kPrompts, kVin, kT0,
                          std::string(R"({"note":")") + kQueuedPrompt + "\"}")
                    .ok());
    ASSERT_TRUE(s.enqueue(wire::Kind::kServiceRequest, kVin, kT0,
                          std::string(R"({"note":")") + kQueuedRequest + "\"}")
                    .ok());
    ASSERT_TRUE(s.enqueue(wire::Kind::kTelemetryDaily, kVin, kT0, R"({"kept":"telemetry"})").ok());
    ASSERT_TRUE(s.commit().ok());
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace crm::store::test
