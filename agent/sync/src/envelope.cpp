#include "crm/sync/envelope.h"

#include <nlohmann/json.hpp>

namespace crm::sync {

std::string envelope(std::string_view schema, std::string_view id, std::int64_t seq,
                     std::string_view vin, std::int64_t ts_ms, std::string_view body_json) {
  // Built by hand around the already-serialised body: re-parsing it would
  // double the cost of every message for nothing.
  std::string out;
  out.reserve(body_json.size() + 160);
  out += "{\"schema\":\"";
  out += schema;
  out += "\",\"id\":\"";
  out += id;
  out += "\",\"seq\":" + std::to_string(seq) + ",\"vin\":" + nlohmann::json(vin).dump() +
         ",\"ts\":" + std::to_string(ts_ms) + ",\"body\":";
  out += body_json;
  out += '}';
  return out;
}

std::string envelope(const store::OutboxMessage& m) {
  if (auto kind = wire::kindFromTopic(m.kind)) {
    return envelope(wire::spec(*kind).schema, m.id, m.seq, m.vin, m.created_ms, m.body);
  }
  std::string schema = "crm.v1." + m.kind;
  for (auto& c : schema) {
    if (c == '/') c = '.';
  }
  return envelope(schema, m.id, m.seq, m.vin, m.created_ms, m.body);
}

std::string topicFor(std::string_view prefix, std::string_view vin, std::string_view kind) {
  std::string topic;
  topic.reserve(prefix.size() + vin.size() + kind.size() + 2);
  topic += prefix;
  topic += '/';
  topic += vin;
  topic += '/';
  topic += kind;
  return topic;
}

}  // namespace crm::sync
