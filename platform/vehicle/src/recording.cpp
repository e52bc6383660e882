#include "crm/vehicle/recording.h"

#include <zlib.h>
#include <charconv>
#include <nlohmann/json.hpp>

namespace crm::vehicle {
namespace {

using nlohmann::json;

Rejected malformed(std::uint64_t line_no, std::string why) {
  return Rejected{RejectKind::kMalformed, std::move(why), line_no};
}

std::optional<std::int64_t> epochMs(const json& j) {
  if (j.is_number_unsigned()) return static_cast<std::int64_t>(j.get<std::uint64_t>());
  if (j.is_number_integer()) {
    auto v = j.get<std::int64_t>();
    if (v >= 0) return v;
  }
  return std::nullopt;
}

// The JSON value as the catalogue's type would carry it; a type the signal
// cannot have is reported as wrong_type by the validator, so convert what can
// be converted and let mismatches through as the nearest variant.
std::optional<Value> toValue(const json& v) {
  if (v.is_boolean()) return Value{v.get<bool>()};
  if (v.is_number()) return Value{v.get<double>()};
  if (v.is_string()) return Value{v.get<std::string>()};
  if (v.is_array()) {
    std::vector<std::string> items;
    items.reserve(v.size());
    for (const auto& item : v) {
      if (!item.is_string()) return std::nullopt;
      items.push_back(item.get<std::string>());
    }
    return Value{std::move(items)};
  }
  return std::nullopt;
}

Record parseFacts(const json& facts, std::uint64_t line_no) {
  if (!facts.is_object()) return malformed(line_no, "\"vehicle\" must be an object");
  VehicleFacts f;
  f.line = line_no;
  for (const auto& [key, v] : facts.items()) {
    if (key == "vin" && v.is_string() && v.get<std::string>().size() == 17) {
      f.vin = v.get<std::string>();
    } else if (key == "model" && v.is_string() && !v.get<std::string>().empty()) {
      f.model = v.get<std::string>();
    } else if (key == "nominal_capacity_kwh" && v.is_number() && v.get<double>() > 0 &&
               v.get<double>() <= 300) {
      f.nominal_capacity_kwh = v.get<double>();
    } else if (key == "chemistry" && v.is_string() && (v == "NMC" || v == "NCA" || v == "LFP")) {
      f.chemistry = v.get<std::string>();
    } else if (key == "delivered" && v.is_string() && v.get<std::string>().size() == 10) {
      f.delivered = v.get<std::string>();
    } else if (key == "tyre_placard_kpa" && v.is_number() && v.get<double>() > 100 &&
               v.get<double>() < 1000) {
      f.tyre_placard_kpa = v.get<double>();
    } else {
      return malformed(line_no, "vehicle." + key +
                                    ": unknown key or bad value (expected vin of 17 chars, model, "
                                    "nominal_capacity_kwh 0..300, chemistry NMC|NCA|LFP, delivered "
                                    "YYYY-MM-DD, tyre_placard_kpa 100..1000)");
    }
  }
  return f;
}

void appendNumber(std::string& out, double v) {
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

void appendValue(std::string& out, const Value& value) {
  if (const auto* d = std::get_if<double>(&value)) {
    appendNumber(out, *d);
  } else if (const auto* b = std::get_if<bool>(&value)) {
    out += *b ? "true" : "false";
  } else if (const auto* s = std::get_if<std::string>(&value)) {
    out += json(*s).dump();
  } else {
    out += json(std::get<std::vector<std::string>>(value)).dump();
  }
}

}  // namespace

std::optional<Record> parseRecordingLine(std::string_view line, std::uint64_t line_no) {
  const auto first = line.find_first_not_of(" \t\r");
  if (first == std::string_view::npos || line[first] == '#') return std::nullopt;
  json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return malformed(line_no, "not valid JSON");
  if (!j.is_object()) return malformed(line_no, "expected a JSON object");
  if (auto it = j.find("vehicle"); it != j.end()) {
    if (j.size() != 1) return malformed(line_no, "a vehicle line holds only \"vehicle\"");
    return parseFacts(*it, line_no);
  }
  auto ts_it = j.find("ts");
  if (ts_it == j.end()) return malformed(line_no, "missing \"ts\" (epoch milliseconds)");
  auto ts = epochMs(*ts_it);
  if (!ts) return malformed(line_no, "\"ts\" must be a non-negative integer (epoch milliseconds)");

  if (auto cmd = j.find("command"); cmd != j.end()) {
    if (!cmd->is_string() || cmd->get<std::string>().empty()) {
      return malformed(line_no, "\"command\" must be a non-empty string");
    }
    auto body = j.find("body");
    if (body == j.end() || !body->is_object()) {
      return malformed(line_no, "command needs a \"body\" object");
    }
    return Command{*ts, cmd->get<std::string>(), body->dump(), line_no};
  }

  auto path = j.find("path");
  if (path == j.end() || !path->is_string()) {
    return malformed(line_no, "expected \"path\" (a VSS path string), \"command\" or \"vehicle\"");
  }
  auto value = j.find("value");
  if (value == j.end()) return malformed(line_no, "missing \"value\"");
  if (j.size() != 3) return malformed(line_no, "a sample has exactly ts, path and value");
  const auto& path_str = path->get_ref<const std::string&>();
  auto id = findSignal(path_str);
  if (!id) {
    // The path itself is not personal data; quote it so the technician can
    // fix the recording, truncated in case it is garbage.
    return Rejected{RejectKind::kUnknownPath,
                    "unknown VSS path \"" + path_str.substr(0, 120) + "\"", line_no};
  }
  auto v = toValue(*value);
  if (!v) {
    return Rejected{RejectKind::kWrongType,
                    std::string(signalInfo(*id).path) + ": value of unsupported JSON type",
                    line_no};
  }
  return Sample{*ts, *id, std::move(*v), line_no};
}

Result<std::unique_ptr<RecordingReader>, RecordingError> RecordingReader::open(
    const std::string& path) {
  // gzopen reads plain files as they are: one reader for both.
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return fail(RecordingError::kCannotOpen, path + ": cannot open for reading");
  gzbuffer(f, 128 * 1024);
  return std::unique_ptr<RecordingReader>(new RecordingReader(f, path));
}

RecordingReader::~RecordingReader() {
  gzclose_r(static_cast<gzFile>(file_));
}

bool RecordingReader::readLine() {
  auto* f = static_cast<gzFile>(file_);
  line_.clear();
  char buf[4096];
  while (gzgets(f, buf, sizeof buf) != nullptr) {
    line_ += buf;
    if (!line_.empty() && line_.back() == '\n') {
      line_.pop_back();
      if (!line_.empty() && line_.back() == '\r') line_.pop_back();
      return true;
    }
  }
  int code = Z_OK;
  const char* why = gzerror(f, &code);
  if (code != Z_OK && code != Z_STREAM_END) {
    error_ = path_ + ": line " + std::to_string(line_no_ + 1) + ": cannot read (" + why + ")";
    return false;
  }
  return !line_.empty();  // a last line without a newline
}

std::optional<Record> RecordingReader::next() {
  while (error_.empty() && readLine()) {
    ++line_no_;
    if (auto rec = parseRecordingLine(line_, line_no_)) return rec;
  }
  return std::nullopt;
}

std::string formatRecordingLine(const Record& record) {
  std::string out;
  if (const auto* s = std::get_if<Sample>(&record)) {
    out.reserve(96);
    out += "{\"ts\":";
    out += std::to_string(s->ts_ms);
    out += ",\"path\":\"";
    out += signalInfo(s->signal).path;
    out += "\",\"value\":";
    appendValue(out, s->value);
    out += '}';
  } else if (const auto* c = std::get_if<Command>(&record)) {
    json j = {{"ts", c->ts_ms},
              {"command", c->name},
              {"body", json::parse(c->body_json, nullptr, false)}};
    out = j.dump();
  } else if (const auto* f = std::get_if<VehicleFacts>(&record)) {
    json v = json::object();
    if (f->vin) v["vin"] = *f->vin;
    if (f->model) v["model"] = *f->model;
    if (f->nominal_capacity_kwh) v["nominal_capacity_kwh"] = *f->nominal_capacity_kwh;
    if (f->chemistry) v["chemistry"] = *f->chemistry;
    if (f->delivered) v["delivered"] = *f->delivered;
    if (f->tyre_placard_kpa) v["tyre_placard_kpa"] = *f->tyre_placard_kpa;
    out = json{{"vehicle", v}}.dump();
  } else {
    const auto& r = std::get<Rejected>(record);
    out = std::string("# rejected ") + rejectKindName(r.kind) + ": " + r.message;
  }
  return out;
}

Result<RecordingWriter, RecordingError> RecordingWriter::create(const std::string& path) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) return fail(RecordingError::kCannotWrite, path + ": cannot open for writing");
  return RecordingWriter(std::move(out));
}

Status<RecordingError> RecordingWriter::write(const Record& record) {
  out_ << formatRecordingLine(record) << '\n';
  if (!out_) return fail(RecordingError::kCannotWrite, "write failed (disk full?)");
  return {};
}

Status<RecordingError> RecordingWriter::close() {
  out_.close();
  if (!out_) return fail(RecordingError::kCannotWrite, "close failed (disk full?)");
  return {};
}

Result<std::uint64_t, RecordingError> writeRecording(VehicleSource& source,
                                                     const std::string& path) {
  auto writer = RecordingWriter::create(path);
  // Not being able to create the file is a usage problem (wrong folder), not
  // a failure half-way: tell the two apart.
  if (!writer) return fail(RecordingError::kCannotOpen, writer.error().message);
  std::uint64_t samples = 0;
  while (auto rec = source.next()) {
    if (std::holds_alternative<Sample>(*rec)) ++samples;
    if (auto st = writer->write(*rec); !st) {
      return fail(RecordingError::kCannotWrite, path + ": " + st.error().message);
    }
  }
  if (auto st = writer->close(); !st) {
    return fail(RecordingError::kCannotWrite, path + ": " + st.error().message);
  }
  return samples;
}

}  // namespace crm::vehicle
