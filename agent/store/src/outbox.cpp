// The persistent outbox: messages waiting for the broker's PUBACK. Rows hold
// the body and what its envelope needs; the sync side builds the envelope.
#include <boost/uuid/uuid_io.hpp>

#include "crm/common/log.h"
#include "impl.h"
#include "seq_mark.h"

namespace crm::store {

// Every seq handed out lies below the mark file: a block is reserved there
// before its first seq is used, so no seq depends on a database commit to be
// durable, and a cache lost with its meta row cannot make one come back.
Result<std::int64_t, StoreError> Store::takeSeq() {
  Impl& im = *impl_;
  if (im.next_seq >= im.seq_mark) {
    const std::int64_t mark = im.next_seq + kSeqBlock;
    if (auto st = writeSeqMark(options_.path, mark, options_.full_sync); !st) {
      if (st.error().code == StoreError::kFull) im.full = true;
      return fail(st.error().code, "seq mark: " + st.error().message);
    }
    im.seq_mark = mark;
  }
  return im.next_seq++;
}

Result<Reservation, StoreError> Store::reserve() {
  auto seq = takeSeq();
  if (!seq) return seq.error();
  return Reservation{*seq, boost::uuids::to_string(impl_->uuid())};
}

Result<OutboxMessage, StoreError> Store::enqueue(wire::Kind kind, std::string_view vin,
                                                 std::int64_t ts_ms, std::string_view body_json) {
  const wire::KindSpec& spec = wire::spec(kind);
  if (auto st = begin(); !st) return st.error();
  auto taken = reserve();
  if (!taken) return taken.error();
  OutboxMessage m{taken->seq, std::move(taken->id),  std::string(spec.topic), std::string(vin),
                  ts_ms,      std::string(body_json)};
  Impl& im = *impl_;
  Stmt& ins = im.insert_outbox;
  ins.bind(1, m.seq)
      .bind(2, m.id)
      .bind(3, m.kind)
      .bind(4, static_cast<std::int64_t>(spec.priority))
      .bind(5, static_cast<std::int64_t>(spec.retained))
      .bind(6, ts_ms)
      .bind(7, m.body)
      .bind(8, m.vin);
  if (ins.run() != SQLITE_DONE) return writeFailed("enqueue");
  return m;
}

Result<std::vector<OutboxMessage>, StoreError> Store::pendingOutbox(std::int64_t after_seq,
                                                                    std::size_t limit) {
  std::vector<OutboxMessage> out;
  Stmt s(impl_->db.handle(),
         "SELECT seq,id,kind,vin,created_ms,payload FROM outbox WHERE seq > ? AND seq < ? "
         "ORDER BY seq LIMIT ?");
  s.bind(1, after_seq).bind(2, impl_->committed_next_seq).bind(3, static_cast<std::int64_t>(limit));
  int rc = SQLITE_OK;
  while ((rc = s.step()) == SQLITE_ROW) {
    out.push_back(OutboxMessage{s.i64(0), s.text(1), s.text(2), s.text(3), s.i64(4), s.text(5)});
  }
  if (rc != SQLITE_DONE) return fail(StoreError::kIo, "outbox: " + impl_->db.lastError());
  return out;
}

Status<StoreError> Store::ackOutbox(std::int64_t seq) {
  if (auto st = begin(); !st) return st;
  if (impl_->delete_outbox.bind(1, seq).run() != SQLITE_DONE) {
    return writeFailed("outbox ack");
  }
  return {};
}

}  // namespace crm::store
