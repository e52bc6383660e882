// The persistent outbox: messages waiting for the broker's PUBACK. Rows hold
// the body and what its envelope needs; the sync side builds the envelope.
#include <boost/uuid/uuid_io.hpp>
#include <map>

#include "crm/store/meta_keys.h"

#include "crm/common/log.h"
#include "impl.h"
#include "seq_mark.h"

namespace crm::store {
namespace {
constexpr std::int64_t kMsPerHour = 3'600'000;
}  // namespace

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
  // What the envelope adds: schema, id, seq, vin, ts and the keys, at most.
  constexpr std::size_t kEnvelopeBytes = 160;
  const std::size_t size = body_json.size() + kEnvelopeBytes;
  if (options_.max_message_bytes > 0 &&
      size > static_cast<std::size_t>(options_.max_message_bytes)) {
    if (!addToMetaCounter(*this, impl_->set_meta, outboxOversizeKey(spec.topic), 1)) {
      return writeFailed("outbox oversize count");
    }
    log::error(
        "store: a {} message of about {} bytes is over mqtt.max_payload_bytes ({}): not "
        "queued, counted as lost",
        spec.topic, size, options_.max_message_bytes);
    return OutboxMessage{0, {}, std::string(spec.topic), std::string(vin), ts_ms, {}, 0};
  }
  auto taken = reserve();
  if (!taken) return taken.error();
  const std::int64_t expires_ms =
      spec.ttl_hours > 0 ? ts_ms + std::int64_t{spec.ttl_hours} * kMsPerHour : 0;
  OutboxMessage m{taken->seq,
                  std::move(taken->id),
                  std::string(spec.topic),
                  std::string(vin),
                  ts_ms,
                  std::string(body_json),
                  expires_ms};
  Impl& im = *impl_;
  Stmt& ins = im.insert_outbox;
  ins.bind(1, m.seq)
      .bind(2, m.id)
      .bind(3, m.kind)
      .bind(4, static_cast<std::int64_t>(spec.priority))
      .bind(5, static_cast<std::int64_t>(spec.retained))
      .bind(6, ts_ms)
      .bind(7, m.body)
      .bind(8, m.vin)
      .bind(9, m.expires_ms);
  if (ins.run() != SQLITE_DONE) return writeFailed("enqueue");
  return m;
}

Result<std::vector<OutboxMessage>, StoreError> Store::pendingOutbox(std::int64_t after_seq,
                                                                    std::size_t limit,
                                                                    std::int64_t now_ms) {
  Impl& im = *impl_;
  im.outbox_now_ms = std::max(im.outbox_now_ms, now_ms);
  std::vector<OutboxMessage> out, expired;
  Stmt& s = im.pending_outbox;
  // Expired messages are set aside as they come; the read goes on past them
  // until `limit` fresh ones are found or the outbox ends.
  for (std::int64_t after = after_seq; out.size() < limit;) {
    const auto want = static_cast<std::int64_t>(limit - out.size());
    s.bind(1, after).bind(2, im.committed_next_seq).bind(3, want);
    std::int64_t rows = 0;
    int rc = SQLITE_OK;
    while ((rc = s.step()) == SQLITE_ROW) {
      ++rows;
      OutboxMessage m{s.i64(0), s.text(1), s.text(2), s.text(3), s.i64(4), s.text(5), s.i64(6)};
      after = m.seq;
      const bool stale = now_ms > 0 && m.expires_ms > 0 && m.expires_ms <= now_ms;
      (stale ? expired : out).push_back(std::move(m));
    }
    s.reset();
    if (rc != SQLITE_DONE) return fail(StoreError::kIo, "outbox: " + im.db.lastError());
    if (rows < want) break;
  }
  if (!expired.empty()) {
    if (auto st = dropExpired(expired); !st) return st.error();
  }
  return out;
}

Status<StoreError> Store::dropExpired(const std::vector<OutboxMessage>& expired) {
  if (auto st = begin(); !st) return st;
  Impl& im = *impl_;
  std::map<std::string, std::int64_t> by_kind;
  for (const auto& m : expired) {
    if (im.delete_outbox.bind(1, m.seq).run() != SQLITE_DONE) return writeFailed("outbox expiry");
    ++by_kind[m.kind];
  }
  for (const auto& [kind, n] : by_kind) {
    if (!addToMetaCounter(*this, im.set_meta, outboxExpiredKey(kind), n)) {
      return writeFailed("outbox expiry count");
    }
  }
  log::warn("store: {} outbox messages expired unsent (past their kind's time-to-live)",
            expired.size());
  return {};
}

Status<StoreError> Store::ackOutbox(std::int64_t seq) {
  if (auto st = begin(); !st) return st;
  if (impl_->delete_outbox.bind(1, seq).run() != SQLITE_DONE) {
    return writeFailed("outbox ack");
  }
  return {};
}

}  // namespace crm::store
