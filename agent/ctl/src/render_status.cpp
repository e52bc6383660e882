// The status screen: everything a technician checks first, one line each.
#include <string>
#include <vector>

#include "render.h"
#include "table.h"

namespace crm::ctl {
namespace {

using nlohmann::json;

// "P0A80, U0100, +3 more" in at most `width` columns.
std::string codeList(const json* codes, int width) {
  if (codes == nullptr || !codes->is_array()) return std::string(kNotKnown);
  if (codes->empty()) return "none active";
  std::vector<std::string> all;
  for (const auto& c : *codes) all.push_back(text(&c));
  const std::string head = std::to_string(all.size()) + " active: ";
  std::string out = head;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const std::string next = (i == 0 ? "" : ", ") + all[i];
    const std::size_t left = all.size() - i - 1;
    const std::string more = left > 0 ? ", +" + std::to_string(left) + " more" : "";
    if (displayWidth(out) + displayWidth(next) + displayWidth(more) > width) {
      out += i == 0 ? "+" : ", +";
      out += std::to_string(all.size() - i) + " more";
      return out;
    }
    out += next;
  }
  return out;
}

std::string connection(const json* connected) {
  if (connected == nullptr || !connected->is_boolean()) return "connection n/a";
  return connected->get<bool>() ? "connected to the broker" : "not connected";
}

}  // namespace

std::string renderStatus(const json& s, std::int64_t now_ms) {
  std::string out;
  const std::string version = "crm-agent " + text(at(s, {"version"}));
  if (text(at(s, {"source"})) == "offline") {
    out += line(version + ", offline: read from a copy of the cache");
  } else {
    out += line(version + ", up " + duration(at(s, {"uptime_s"})));
  }

  Fields f(0);
  f.add("Vehicle", text(at(s, {"vehicle", "vin"})) + ", " + text(at(s, {"vehicle", "model"})) +
                       ", " + withUnit(at(s, {"vehicle", "odometer_km"}), "km"));
  std::string battery = "SOH " + withUnit(at(s, {"battery", "soh_percent"}), "%", 1);
  const auto* low = at(s, {"battery", "soh_low"});
  const auto* high = at(s, {"battery", "soh_high"});
  if (low != nullptr && low->is_number() && high != nullptr && high->is_number()) {
    battery += " (" + number(low, 1) + " to " + number(high, 1) + ")";
  }
  battery += ", status " + text(at(s, {"battery", "status"}));
  f.add("Battery", battery);
  std::string sync = connection(at(s, {"sync", "connected"})) + "; last ack " +
                     utcTime(at(s, {"sync", "last_ack_ms"}));
  if (const auto when = ago(at(s, {"sync", "last_ack_ms"}), now_ms); !when.empty()) {
    sync += " (" + when + ")";
  }
  f.add("Sync", sync);
  f.add("Outbox", number(at(s, {"sync", "outbox_pending"})) + " waiting to be sent, " +
                      number(at(s, {"sync", "outbox_dropped"})) + " lost to the storage quota");
  std::string storage =
      bytes(at(s, {"storage", "file_bytes"})) + " of " + bytes(at(s, {"storage", "quota_bytes"}));
  const auto* used = at(s, {"storage", "file_bytes"});
  const auto* quota = at(s, {"storage", "quota_bytes"});
  if (used != nullptr && used->is_number() && quota != nullptr && quota->is_number() &&
      quota->get<double>() > 0) {
    const json share = used->get<double>() / quota->get<double>();
    storage += " (" + percentOf(&share) + ")";
  }
  f.add("Storage", storage);
  constexpr int kLabel = 9;  // "Prompts" + the gap
  f.add("Faults", codeList(at(s, {"faults_active"}), kScreenWidth - kLabel));
  f.add("Prompts", number(at(s, {"prompts_open"})) + " open");
  out += f.render();
  return out;
}

}  // namespace crm::ctl
