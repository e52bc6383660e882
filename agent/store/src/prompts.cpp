// The prompt ledger (schema v5): prompts, their lifecycle events, and the
// campaigns and appointments the CRM sent. Writes are staged in the batch
// like every other record; reads fail loudly (a Result), because a prompt
// the engine does not see may be raised twice.
#include <nlohmann/json.hpp>

#include "impl.h"

namespace crm::store {
namespace {

constexpr char kPromptColumns[] =
    "id,rule,subject,severity,state,title_en,title_zh,message_en,message_zh,booking,uncapped,"
    "detail,raised_ms,expires_ms,delivered_ms,state_ms,snoozed_until";

void bindOptional(Stmt& s, int i, const std::optional<std::int64_t>& v) {
  if (v) {
    s.bind(i, *v);
  } else {
    s.bindNull(i);
  }
}

std::optional<std::int64_t> optionalInt(const Stmt& s, int col) {
  if (s.isNull(col)) return std::nullopt;
  return s.i64(col);
}

// Binds every column but id to ?1..?16, in kPromptColumns' order.
void bindPrompt(Stmt& s, const PromptRecord& p) {
  s.bind(1, p.rule)
      .bind(2, p.subject)
      .bind(3, p.severity)
      .bind(4, p.state)
      .bind(5, p.title_en)
      .bind(6, p.title_zh)
      .bind(7, p.message_en)
      .bind(8, p.message_zh)
      .bind(9, static_cast<std::int64_t>(p.booking))
      .bind(10, static_cast<std::int64_t>(p.uncapped))
      .bind(11, p.detail_json)
      .bind(12, p.raised_ms)
      .bind(13, p.expires_ms);
  bindOptional(s, 14, p.delivered_ms);
  s.bind(15, p.state_ms);
  bindOptional(s, 16, p.snoozed_until);
}

PromptRecord readPrompt(const Stmt& s) {
  PromptRecord p;
  p.id = s.i64(0);
  p.rule = s.text(1);
  p.subject = s.text(2);
  p.severity = s.text(3);
  p.state = s.text(4);
  p.title_en = s.text(5);
  p.title_zh = s.text(6);
  p.message_en = s.text(7);
  p.message_zh = s.text(8);
  p.booking = s.i64(9) != 0;
  p.uncapped = s.i64(10) != 0;
  p.detail_json = s.text(11);
  p.raised_ms = s.i64(12);
  p.expires_ms = s.i64(13);
  p.delivered_ms = optionalInt(s, 14);
  p.state_ms = s.i64(15);
  p.snoozed_until = optionalInt(s, 16);
  return p;
}

Error<StoreError> readFailed(const Db& db, const char* what) {
  return fail(StoreError::kRead, std::string(what) + ": " + db.lastError());
}

// Every row of a prompt query, or the error that ended it early.
Result<std::vector<PromptRecord>, StoreError> readPrompts(const Db& db, Stmt& s, const char* what) {
  std::vector<PromptRecord> out;
  int rc = SQLITE_OK;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(readPrompt(s));
  if (rc != SQLITE_DONE) return readFailed(db, what);
  return out;
}

Result<std::optional<PromptRecord>, StoreError> readOnePrompt(const Db& db, Stmt& s,
                                                              const char* what) {
  const int rc = s.step();
  if (rc == SQLITE_ROW) return std::optional<PromptRecord>(readPrompt(s));
  if (rc == SQLITE_DONE) return std::optional<PromptRecord>();
  return readFailed(db, what);
}

std::string select(const char* rest) {
  return std::string("SELECT ") + kPromptColumns + " FROM prompts " + rest;
}

}  // namespace

Result<std::int64_t, StoreError> Store::addPrompt(const PromptRecord& prompt) {
  if (auto st = begin(); !st) return st.error();
  Stmt s(impl_->db.handle(),
         "INSERT INTO prompts(rule,subject,severity,state,title_en,title_zh,message_en,"
         "message_zh,booking,uncapped,detail,raised_ms,expires_ms,delivered_ms,state_ms,"
         "snoozed_until) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  bindPrompt(s, prompt);
  if (s.run() != SQLITE_DONE) return writeFailed("prompt");
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(impl_->db.handle()));
}

Status<StoreError> Store::updatePrompt(const PromptRecord& prompt) {
  if (auto st = begin(); !st) return st;
  Stmt s(impl_->db.handle(),
         "UPDATE prompts SET rule=?1,subject=?2,severity=?3,state=?4,title_en=?5,title_zh=?6,"
         "message_en=?7,message_zh=?8,booking=?9,uncapped=?10,detail=?11,raised_ms=?12,"
         "expires_ms=?13,delivered_ms=?14,state_ms=?15,snoozed_until=?16 WHERE id=?17");
  bindPrompt(s, prompt);
  s.bind(17, prompt.id);
  if (s.run() != SQLITE_DONE) return writeFailed("prompt update");
  return {};
}

Status<StoreError> Store::addPromptEvent(const PromptEvent& event) {
  if (auto st = begin(); !st) return st;
  Stmt s(impl_->db.handle(), "INSERT INTO prompt_events(prompt_id,ts,event) VALUES(?,?,?)");
  s.bind(1, event.prompt_id).bind(2, event.ts_ms).bind(3, event.event);
  if (s.run() != SQLITE_DONE) return writeFailed("prompt event");
  return {};
}

Result<std::optional<PromptRecord>, StoreError> Store::prompt(std::int64_t id) const {
  Stmt s(impl_->db.handle(), select("WHERE id = ?"));
  s.bind(1, id);
  return readOnePrompt(impl_->db, s, "prompt");
}

Result<std::vector<PromptRecord>, StoreError> Store::openPrompts() const {
  // The WHERE clause is the partial index's, so the index answers it.
  Stmt s(impl_->db.handle(),
         select("WHERE state IN ('raised', 'delivered', 'snoozed') ORDER BY id"));
  return readPrompts(impl_->db, s, "open prompts");
}

Result<std::optional<PromptRecord>, StoreError> Store::latestPrompt(
    std::string_view rule, std::string_view subject) const {
  Stmt s(impl_->db.handle(), select("WHERE rule = ? AND subject = ? ORDER BY id DESC LIMIT 1"));
  s.bind(1, rule).bind(2, subject);
  return readOnePrompt(impl_->db, s, "latest prompt");
}

Result<std::vector<PromptRecord>, StoreError> Store::promptsRaised(std::int64_t from_ms,
                                                                   std::int64_t to_ms) const {
  Stmt s(impl_->db.handle(),
         select("WHERE raised_ms >= ? AND raised_ms < ? ORDER BY raised_ms, id"));
  s.bind(1, from_ms).bind(2, to_ms);
  return readPrompts(impl_->db, s, "prompts raised");
}

Result<PromptCounts, StoreError> Store::promptCounts(std::int64_t from_ms,
                                                     std::int64_t to_ms) const {
  Stmt s(impl_->db.handle(),
         "SELECT event, count(*) FROM prompt_events WHERE ts >= ? AND ts < ? GROUP BY event");
  s.bind(1, from_ms).bind(2, to_ms);
  PromptCounts c;
  int rc = SQLITE_OK;
  while ((rc = s.step()) == SQLITE_ROW) {
    const std::string event = s.text(0);
    const std::int64_t n = s.i64(1);
    if (event == "raised") c.raised = n;
    if (event == "delivered") c.delivered = n;
    if (event == "accepted") c.accepted = n;
    if (event == "snoozed") c.snoozed = n;
    if (event == "dismissed") c.dismissed = n;
    if (event == "expired") c.expired = n;
    if (event == "withdrawn") c.withdrawn = n;
  }
  if (rc != SQLITE_DONE) return readFailed(impl_->db, "prompt counts");
  return c;
}

Result<std::int64_t, StoreError> Store::cappedDeliveries(std::int64_t from_ms,
                                                         std::int64_t to_ms) const {
  // The prompt's current severity decides: one raised in place from warning
  // to critical stops counting (docs/engagement.md, "Delivery").
  Stmt s(impl_->db.handle(),
         "SELECT count(*) FROM prompt_events e JOIN prompts p ON p.id = e.prompt_id "
         "WHERE e.ts >= ? AND e.ts < ? AND e.event = 'delivered' AND p.severity <> 'critical' "
         "AND p.uncapped = 0");
  s.bind(1, from_ms).bind(2, to_ms);
  if (s.step() != SQLITE_ROW) return readFailed(impl_->db, "capped deliveries");
  return s.i64(0);
}

Status<StoreError> Store::putCampaign(const CampaignRecord& c) {
  if (auto st = begin(); !st) return st;
  Stmt s(impl_->db.handle(),
         "INSERT OR REPLACE INTO campaigns(campaign_id,kind,severity,title_en,title_zh,"
         "message_en,message_zh,valid_until,command_id,received_ms) VALUES(?,?,?,?,?,?,?,?,?,?)");
  s.bind(1, c.campaign_id)
      .bind(2, c.kind)
      .bind(3, c.severity)
      .bind(4, c.title_en)
      .bind(5, c.title_zh)
      .bind(6, c.message_en)
      .bind(7, c.message_zh)
      .bind(8, c.valid_until)
      .bind(9, c.command_id)
      .bind(10, c.received_ms);
  if (s.run() != SQLITE_DONE) return writeFailed("campaign");
  return {};
}

Result<std::vector<CampaignRecord>, StoreError> Store::campaigns() const {
  Stmt s(impl_->db.handle(),
         "SELECT campaign_id,kind,severity,title_en,title_zh,message_en,message_zh,valid_until,"
         "command_id,received_ms FROM campaigns ORDER BY received_ms, campaign_id");
  std::vector<CampaignRecord> out;
  int rc = SQLITE_OK;
  while ((rc = s.step()) == SQLITE_ROW) {
    out.push_back(CampaignRecord{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5),
                                 s.text(6), s.i64(7), s.text(8), s.i64(9)});
  }
  if (rc != SQLITE_DONE) return readFailed(impl_->db, "campaigns");
  return out;
}

Status<StoreError> Store::putAppointment(const AppointmentRecord& a) {
  if (auto st = begin(); !st) return st;
  Stmt s(impl_->db.handle(),
         "INSERT OR REPLACE INTO appointments(appointment_id,at_ms,dealer_name,items,command_id,"
         "received_ms) VALUES(?,?,?,?,?,?)");
  s.bind(1, a.appointment_id)
      .bind(2, a.at_ms)
      .bind(3, a.dealer_name)
      .bind(4, nlohmann::json(a.items).dump())
      .bind(5, a.command_id)
      .bind(6, a.received_ms);
  if (s.run() != SQLITE_DONE) return writeFailed("appointment");
  return {};
}

Result<std::vector<AppointmentRecord>, StoreError> Store::appointments() const {
  Stmt s(impl_->db.handle(),
         "SELECT appointment_id,at_ms,dealer_name,items,command_id,received_ms FROM appointments "
         "ORDER BY at_ms, appointment_id");
  std::vector<AppointmentRecord> out;
  int rc = SQLITE_OK;
  while ((rc = s.step()) == SQLITE_ROW) {
    AppointmentRecord a{s.text(0), s.i64(1), s.text(2), {}, s.text(4), s.i64(5)};
    // Written by putAppointment only; a row that does not parse keeps the
    // booking without its items rather than losing it.
    const auto items = nlohmann::json::parse(s.text(3), nullptr, false);
    if (items.is_array()) {
      for (const auto& i : items) {
        if (i.is_string()) a.items.push_back(i.get<std::string>());
      }
    }
    out.push_back(std::move(a));
  }
  if (rc != SQLITE_DONE) return readFailed(impl_->db, "appointments");
  return out;
}

}  // namespace crm::store
