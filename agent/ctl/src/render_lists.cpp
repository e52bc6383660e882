// The lists: faults, open prompts, the outbox by kind.
#include <array>
#include <map>
#include <string>

#include "render.h"
#include "table.h"

namespace crm::ctl {
namespace {

using nlohmann::json;

std::string timeAgo(const json* ms, std::int64_t now_ms) {
  std::string out = utcTime(ms);
  if (const auto when = ago(ms, now_ms); !when.empty()) out += " (" + when + ")";
  return out;
}

}  // namespace

std::string renderFaults(const json& faults, std::int64_t now_ms) {
  const json* items = at(faults, {"items"});
  if (items == nullptr || !items->is_array()) return line("Faults: n/a");
  if (items->empty()) return line("No faults recorded.");
  int active = 0;
  Table t({{"CODE"}, {"STATUS"}, {"FIRST SEEN"}, {"LAST SEEN"}});
  for (const auto& f : *items) {
    const std::string status = text(at(f, {"status"}));
    if (status == "active") ++active;
    t.addRow({text(at(f, {"code"})), status, utcTime(at(f, {"first_seen_ms"})),
              timeAgo(at(f, {"last_seen_ms"}), now_ms)});
  }
  return line("Faults: " + std::to_string(items->size()) + ", " + std::to_string(active) +
              " active") +
         t.render();
}

std::string renderPrompts(const json& p, std::int64_t now_ms) {
  (void)now_ms;
  std::string out;
  const json* open = at(p, {"open"});
  if (open == nullptr || !open->is_array()) {
    out += line("Open prompts: n/a");
  } else if (open->empty()) {
    out += line("No open prompts.");
  } else {
    out += line("Open prompts: " + std::to_string(open->size()));
    Table t({{"ID", true}, {"SEVERITY"}, {"STATE"}, {"RAISED"}, {"RULE", false, true}});
    for (const auto& e : *open) {
      t.addRow({number(at(e, {"id"})), text(at(e, {"severity"})), text(at(e, {"state"})),
                utcTime(at(e, {"raised_ms"})), text(at(e, {"rule"}))});
      t.addNote(text(at(e, {"title_en"})));
      t.addNote("delivered " + utcTime(at(e, {"delivered_ms"})) + ", expires " +
                utcTime(at(e, {"expires_ms"})));
    }
    out += t.render();
  }
  const json* c = at(p, {"counts"});
  if (c != nullptr) {
    out += line("In the period: " + number(at(*c, {"raised"})) + " raised, " +
                number(at(*c, {"delivered"})) + " delivered, " + number(at(*c, {"accepted"})) +
                " accepted, " + number(at(*c, {"snoozed"})) + " snoozed, " +
                number(at(*c, {"dismissed"})) + " dismissed");
  }
  return out;
}

std::string renderOutbox(const json& o, std::int64_t now_ms) {
  std::string out = line("Outbox: " + number(at(o, {"pending"})) + " waiting, oldest " +
                         timeAgo(at(o, {"oldest_ms"}), now_ms));
  Fields f;
  const json* connected = at(o, {"connected"});
  std::string broker = connected == nullptr || !connected->is_boolean() ? "connection n/a"
                       : connected->get<bool>()                         ? "connected"
                                                                        : "not connected";
  f.add("Broker", broker + "; last ack " + timeAgo(at(o, {"last_ack_ms"}), now_ms));
  f.add("Lost to the quota", number(at(o, {"dropped_quota"})));
  f.add("Expired unsent", number(at(o, {"expired"})));
  f.add("Next seq", number(at(o, {"next_seq"})));
  out += f.render();
  // One row per kind that waits or lost something: what waits, and what
  // was dropped for the quota or expired (all time; n/a from an agent that
  // does not count them per kind).
  const json* kinds = at(o, {"by_kind"});
  const json* lost = at(o, {"lost_by_kind"});
  const bool lost_known = lost != nullptr && lost->is_object();
  std::map<std::string, std::array<const json*, 3>> rows;
  if (kinds != nullptr && kinds->is_object()) {
    for (const auto& [kind, count] : kinds->items()) rows[kind][0] = &count;
  }
  if (lost_known) {
    for (const auto& [kind, n] : lost->items()) {
      rows[kind][1] = at(n, {"quota"});
      rows[kind][2] = at(n, {"expired"});
    }
  }
  if (!rows.empty()) {
    Table t({{"KIND", false, true}, {"WAITING", true}, {"DROPPED", true}, {"EXPIRED", true}});
    auto count = [](const json* n, bool known) { return n != nullptr || !known ? number(n) : "0"; };
    for (const auto& [kind, r] : rows) {
      t.addRow({kind, count(r[0], true), count(r[1], lost_known), count(r[2], lost_known)});
    }
    out += t.render();
  }
  return out;
}

}  // namespace crm::ctl
