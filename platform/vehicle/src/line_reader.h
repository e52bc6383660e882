// Lines of a plain or gzip-compressed file, each at most a given length,
// read in fixed-size chunks: a 200 MB line is skipped as it streams past and
// never sits in memory. Private to the vehicle component (recordings).
//
// Threading: one thread.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace crm::vehicle {

class LineReader {
 public:
  // nullptr and `error` set ("<path>: cannot open for reading (why)",
  // "<path>: is a directory") when the file cannot be read.
  static std::unique_ptr<LineReader> open(const std::string& path, std::size_t max_line_bytes,
                                          std::string& error);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  enum class Got : std::uint8_t {
    kLine,     // `line` holds it, without "\n" or "\r\n"
    kTooLong,  // a line longer than the limit, skipped; `line` empty, tooLongBytes() its length
    kEnd,      // clean end of the data
    kError,    // reading failed (error()); nothing more will be read
  };
  Got next(std::string& line);

  std::uint64_t tooLongBytes() const { return too_long_bytes_; }
  // Bytes after the end of the last gzip stream that are not another gzip
  // stream (zlib's gzread drops them silently). Known once next() said kEnd.
  std::uint64_t trailingBytes() const { return trailing_bytes_; }
  // Why reading failed ("unexpected end of the compressed data", zlib's
  // message, an I/O error), without the path.
  const std::string& error() const { return error_; }

 private:
  LineReader(std::FILE* file, std::size_t max_line_bytes);
  bool fill();     // more decoded bytes into out_; false at end or error
  bool readRaw();  // more file bytes into in_; false at end of file or error
  bool fillGzip();

  std::FILE* file_;
  std::size_t max_line_bytes_;
  bool gzip_ = false;
  bool stream_ended_ = false;  // between gzip members
  bool z_ready_ = false;
  z_stream z_{};
  std::vector<unsigned char> in_, out_;
  std::size_t in_len_ = 0;  // valid bytes in in_ (plain files read straight into out_)
  std::size_t out_pos_ = 0, out_len_ = 0;
  std::uint64_t too_long_bytes_ = 0;
  std::uint64_t trailing_bytes_ = 0;
  std::string error_;
};

}  // namespace crm::vehicle
