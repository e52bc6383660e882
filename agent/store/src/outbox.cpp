// The persistent outbox: enveloped messages waiting for the broker's PUBACK.
#include <boost/uuid/uuid_io.hpp>
#include <nlohmann/json.hpp>

#include "impl.h"

namespace crm::store {

Result<OutboxMessage, StoreError> Store::envelope(std::string_view kind, std::string_view vin,
                                                  std::int64_t ts_ms, std::string_view body_json) {
  if (auto st = begin(); !st) return st.error();
  Impl& im = *impl_;
  OutboxMessage m;
  m.seq = im.next_seq++;
  m.id = boost::uuids::to_string(im.uuid());
  m.kind = std::string(kind);
  m.retain = kind == "status";
  m.created_ms = ts_ms;
  // Schema names are the topic suffix with '/' as '.': telemetry/daily ->
  // crm.v1.telemetry.daily. Stable: the CRM routes on them.
  std::string schema = "crm.v1." + m.kind;
  for (auto& c : schema) {
    if (c == '/') c = '.';
  }
  // Built by hand around the already-serialised body: re-parsing it would
  // double the cost of every message for nothing.
  m.payload.reserve(body_json.size() + 160);
  m.payload += "{\"schema\":\"" + schema + "\",\"id\":\"" + m.id +
               "\",\"seq\":" + std::to_string(m.seq) + ",\"vin\":" + nlohmann::json(vin).dump() +
               ",\"ts\":" + std::to_string(ts_ms) + ",\"body\":";
  m.payload += body_json;
  m.payload += '}';
  return m;
}

Result<OutboxMessage, StoreError> Store::enqueue(std::string_view kind, std::string_view vin,
                                                 std::int64_t ts_ms, std::string_view body_json) {
  auto made = envelope(kind, vin, ts_ms, body_json);
  if (!made) return made;
  Impl& im = *impl_;
  OutboxMessage& m = made.value();
  Stmt& ins = im.insert_outbox;
  ins.bind(1, m.seq)
      .bind(2, m.id)
      .bind(3, m.kind)
      .bind(4, static_cast<std::int64_t>(priorityFor(kind)))
      .bind(5, static_cast<std::int64_t>(m.retain))
      .bind(6, ts_ms)
      .bind(7, m.payload);
  if (ins.run() != SQLITE_DONE) return fail(StoreError::kIo, "enqueue: " + im.db.lastError());
  return made;
}

std::vector<OutboxMessage> Store::pendingOutbox(std::int64_t after_seq, std::size_t limit) {
  std::vector<OutboxMessage> out;
  Stmt s(impl_->db.handle(),
         "SELECT seq,id,kind,retain,created_ms,payload FROM outbox WHERE seq > ? AND seq < ? "
         "ORDER BY seq LIMIT ?");
  s.bind(1, after_seq).bind(2, impl_->committed_next_seq).bind(3, static_cast<std::int64_t>(limit));
  while (s.step() == SQLITE_ROW) {
    out.push_back(
        OutboxMessage{s.i64(0), s.text(1), s.text(2), s.i64(3) != 0, s.i64(4), s.text(5)});
  }
  return out;
}

void Store::ackOutbox(std::int64_t seq) {
  if (!begin()) return;
  impl_->delete_outbox.bind(1, seq).run();
}

}  // namespace crm::store
