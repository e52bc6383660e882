// Recordings: the JSON Lines format of docs/contract.md §2, read as a vehicle
// source and written from any source (so a simulated scenario can be saved,
// shared and replayed).
#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>

#include "crm/common/result.h"
#include "crm/vehicle/vehicle_source.h"

namespace crm::vehicle {

enum class RecordingError : std::uint8_t { kCannotOpen, kCannotWrite };

// Parses one recording line. Blank lines and '#' comments yield nullopt.
// Malformed lines (also: longer than input::kMaxRecordingLineBytes, nested
// deeper than input::kMaxJsonDepth, holding NUL bytes), unknown paths and
// mistyped values yield Rejected, and so does a ts outside 2000..2100
// (out_of_range); the value's range and order are the validator's job.
// `line_no` is stored in the record.
std::optional<Record> parseRecordingLine(std::string_view line, std::uint64_t line_no);

// Reads a recording file line by line (streaming: memory does not grow with
// the file, nor with a line: one longer than input::kMaxRecordingLineBytes
// is skipped as it streams past and yields Rejected with its line number).
// A gzip-compressed file (.jsonl.gz, as recordings are usually kept and
// shared) is read the same way, decompressed on the fly; bytes after the
// end of the compressed data yield one Rejected that counts them.
// Threading: one thread.
class LineReader;

class RecordingReader final : public VehicleSource {
 public:
  static Result<std::unique_ptr<RecordingReader>, RecordingError> open(const std::string& path);
  ~RecordingReader() override;
  RecordingReader(const RecordingReader&) = delete;
  RecordingReader& operator=(const RecordingReader&) = delete;

  std::optional<Record> next() override;
  // Why reading stopped early (a damaged or truncated compressed file),
  // naming the path and line; nullopt after a clean end of file.
  std::optional<std::string> endError() const override {
    if (error_.empty()) return std::nullopt;
    return error_;
  }

 private:
  RecordingReader(std::unique_ptr<LineReader> lines, std::string path);

  std::unique_ptr<LineReader> lines_;  // opaque, so that users need no zlib header
  std::string path_;
  std::string line_;
  std::string error_;
  std::uint64_t line_no_ = 0;
  bool ended_ = false;
};

// Writes records as recording lines. Rejected records are written as '#'
// comments so that nothing silently disappears. Threading: one thread.
class RecordingWriter {
 public:
  static Result<RecordingWriter, RecordingError> create(const std::string& path);

  Status<RecordingError> write(const Record& record);
  Status<RecordingError> close();

 private:
  explicit RecordingWriter(std::ofstream out) : out_(std::move(out)) {}
  std::ofstream out_;
};

// Drains `source` into a new recording at `path`. Returns the number of
// samples written; kCannotOpen when the file cannot be created, kCannotWrite
// when writing fails later (both messages name the path).
Result<std::uint64_t, RecordingError> writeRecording(VehicleSource& source,
                                                     const std::string& path);

// The recording line for a record, without the newline.
std::string formatRecordingLine(const Record& record);

}  // namespace crm::vehicle
