// Recordings: the JSON Lines format of contracts.md §2, read as a vehicle
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
// Malformed lines, unknown paths and mistyped values yield Rejected; range
// and order are the validator's job. `line_no` is stored in the record.
std::optional<Record> parseRecordingLine(std::string_view line, std::uint64_t line_no);

// Reads a recording file line by line (streaming: memory does not grow with
// the file). Threading: one thread.
class RecordingReader final : public VehicleSource {
 public:
  static Result<std::unique_ptr<RecordingReader>, RecordingError> open(const std::string& path);

  std::optional<Record> next() override;

 private:
  explicit RecordingReader(std::ifstream in) : in_(std::move(in)) {}
  std::ifstream in_;
  std::string line_;
  std::uint64_t line_no_ = 0;
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
