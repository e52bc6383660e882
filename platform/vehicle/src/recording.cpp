#include "crm/vehicle/recording.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "crm/common/input_limits.h"
#include "line_reader.h"

namespace crm::vehicle {
namespace {

using nlohmann::json;

Rejected malformed(std::uint64_t line_no, std::string why) {
  return Rejected{RejectKind::kMalformed, std::move(why), line_no};
}

// The ts of a line: a non-negative JSON integer (else malformed) within
// 2000..2100 (else out_of_range, before any calendar arithmetic sees it).
std::variant<std::int64_t, Rejected> epochMs(const json& j, std::uint64_t line_no) {
  const bool integer = j.is_number_integer();  // unsigned ones too
  if (!integer || (!j.is_number_unsigned() && j.get<std::int64_t>() < 0)) {
    return malformed(line_no, "\"ts\" must be a non-negative integer (epoch milliseconds)");
  }
  const std::uint64_t v = j.get<std::uint64_t>();
  if (v > static_cast<std::uint64_t>(INT64_MAX) ||
      !input::isPlausibleTimeMs(static_cast<std::int64_t>(v))) {
    return Rejected{
        RejectKind::kOutOfRange,
        "\"ts\" " + std::to_string(v) + " is outside " + std::string(input::kTimeRangeText),
        line_no};
  }
  return static_cast<std::int64_t>(v);
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
    if (key == "vin" && v.is_string() && input::isValidVin(v.get_ref<const std::string&>())) {
      f.vin = v.get<std::string>();
    } else if (key == "model" && v.is_string() && !v.get<std::string>().empty()) {
      f.model = v.get<std::string>();
    } else if (key == "nominal_capacity_kwh" && v.is_number() && v.get<double>() > 0 &&
               v.get<double>() <= 300) {
      f.nominal_capacity_kwh = v.get<double>();
    } else if (key == "chemistry" && v.is_string() && (v == "NMC" || v == "NCA" || v == "LFP")) {
      f.chemistry = v.get<std::string>();
    } else if (key == "delivered" && v.is_string() &&
               input::isPlausibleDate(v.get<std::string>())) {
      f.delivered = v.get<std::string>();
    } else if (key == "tyre_placard_kpa" && v.is_number() && v.get<double>() > 100 &&
               v.get<double>() < 1000) {
      f.tyre_placard_kpa = v.get<double>();
    } else {
      return malformed(line_no, "vehicle." + key + ": unknown key or bad value (expected vin: " +
                                    std::string(input::kVinText) +
                                    ", model, "
                                    "nominal_capacity_kwh 0..300, chemistry NMC|NCA|LFP, delivered "
                                    "YYYY-MM-DD in 2000..2099, tyre_placard_kpa 100..1000)");
    }
  }
  return f;
}

void appendNumber(std::string& out, double v) {
  // -0.0 would be written "-0", which JSON readers take as the integer 0:
  // the line would not read back as itself (found by tests/fuzz/recording).
  if (v == 0) v = 0;
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
  // Before the parser: a NUL byte is no JSON and usually a sign of a
  // damaged file (zeros written by a power cut), so say so.
  if (const auto nul = line.find('\0'); nul != std::string_view::npos) {
    return malformed(line_no,
                     "NUL byte at column " + std::to_string(nul + 1) + " (a damaged file?)");
  }
  if (line.size() > input::kMaxRecordingLineBytes) {
    return malformed(line_no, "line of " + std::to_string(line.size()) + " bytes; at most " +
                                  std::to_string(input::kMaxRecordingLineBytes) + " are accepted");
  }
  if (auto deep = input::checkJsonDepth(line)) return malformed(line_no, *deep);
  json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return malformed(line_no, "not valid JSON");
  if (!j.is_object()) return malformed(line_no, "expected a JSON object");
  if (auto it = j.find("vehicle"); it != j.end()) {
    if (j.size() != 1) return malformed(line_no, "a vehicle line holds only \"vehicle\"");
    return parseFacts(*it, line_no);
  }
  auto ts_it = j.find("ts");
  if (ts_it == j.end()) return malformed(line_no, "missing \"ts\" (epoch milliseconds)");
  auto ts_or = epochMs(*ts_it, line_no);
  if (auto* bad = std::get_if<Rejected>(&ts_or)) return std::move(*bad);
  const auto ts = std::get<std::int64_t>(ts_or);

  if (auto cmd = j.find("command"); cmd != j.end()) {
    if (!cmd->is_string() || cmd->get<std::string>().empty()) {
      return malformed(line_no, "\"command\" must be a non-empty string");
    }
    auto body = j.find("body");
    if (body == j.end() || !body->is_object()) {
      return malformed(line_no, "command needs a \"body\" object");
    }
    return Command{ts, cmd->get<std::string>(), body->dump(), line_no};
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
  return Sample{ts, *id, std::move(*v), line_no};
}

Result<std::unique_ptr<RecordingReader>, RecordingError> RecordingReader::open(
    const std::string& path) {
  std::string error;
  auto lines = LineReader::open(path, input::kMaxRecordingLineBytes, error);
  if (!lines) return fail(RecordingError::kCannotOpen, error);
  return std::unique_ptr<RecordingReader>(new RecordingReader(std::move(lines), path));
}

RecordingReader::RecordingReader(std::unique_ptr<LineReader> lines, std::string path)
    : lines_(std::move(lines)), path_(std::move(path)) {}

RecordingReader::~RecordingReader() = default;

std::optional<Record> RecordingReader::next() {
  while (!ended_) {
    switch (lines_->next(line_)) {
      case LineReader::Got::kLine:
        ++line_no_;
        if (auto rec = parseRecordingLine(line_, line_no_)) return rec;
        continue;
      case LineReader::Got::kTooLong:
        ++line_no_;
        return malformed(line_no_,
                         "line of " + std::to_string(lines_->tooLongBytes()) + " bytes; at most " +
                             std::to_string(input::kMaxRecordingLineBytes) + " are accepted");
      case LineReader::Got::kError:
        ended_ = true;
        error_ = path_ + ": line " + std::to_string(line_no_ + 1) + ": cannot read (" +
                 lines_->error() + ")";
        return std::nullopt;
      case LineReader::Got::kEnd:
        ended_ = true;
        if (const auto extra = lines_->trailingBytes(); extra > 0) {
          // zlib would drop them silently; they may be a second recording
          // appended the wrong way, or damage.
          return malformed(line_no_ + 1, std::to_string(extra) +
                                             " bytes after the end of the compressed data "
                                             "(not a gzip stream); ignored");
        }
        return std::nullopt;
    }
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
