#include "line_reader.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace crm::vehicle {
namespace {

constexpr std::size_t kChunk = 64 * 1024;

}  // namespace

std::unique_ptr<LineReader> LineReader::open(const std::string& path, std::size_t max_line_bytes,
                                             std::string& error) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    error = path + ": cannot open for reading (" + std::strerror(errno) + ")";
    return nullptr;
  }
  struct stat st {};
  // A FIFO is fine (a recording piped in); a folder would only fail later
  // with a stranger message.
  if (::fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    std::fclose(f);
    error = path + ": is a directory";
    return nullptr;
  }
  std::unique_ptr<LineReader> r(new LineReader(f, max_line_bytes));
  // gzip's magic bytes decide, as gzopen does; anything else is read as is.
  if (!r->readRaw()) {
    if (!r->error_.empty()) {
      error = path + ": cannot open for reading (" + r->error_ + ")";
      return nullptr;
    }
    return r;  // empty file
  }
  r->gzip_ = r->in_len_ >= 2 && r->in_[0] == 0x1f && r->in_[1] == 0x8b;
  if (r->gzip_) {
    if (inflateInit2(&r->z_, 15 + 16) != Z_OK) {
      error = path + ": cannot open for reading (zlib: out of memory)";
      return nullptr;
    }
    r->z_ready_ = true;
    r->z_.next_in = r->in_.data();
    r->z_.avail_in = static_cast<uInt>(r->in_len_);
  } else {
    // The bytes already read are the first data.
    r->out_.assign(r->in_.begin(), r->in_.begin() + static_cast<std::ptrdiff_t>(r->in_len_));
    r->out_len_ = r->in_len_;
  }
  return r;
}

LineReader::LineReader(std::FILE* file, std::size_t max_line_bytes)
    : file_(file), max_line_bytes_(max_line_bytes), in_(kChunk), out_(kChunk) {}

LineReader::~LineReader() {
  if (z_ready_) inflateEnd(&z_);
  std::fclose(file_);
}

bool LineReader::readRaw() {
  in_len_ = std::fread(in_.data(), 1, in_.size(), file_);
  if (in_len_ > 0) return true;
  if (std::ferror(file_)) error_ = std::strerror(errno);
  return false;
}

bool LineReader::fillGzip() {
  for (;;) {
    if (z_.avail_in == 0) {
      if (!readRaw()) {
        if (error_.empty() && !stream_ended_) error_ = "unexpected end of the compressed data";
        return false;
      }
      z_.next_in = in_.data();
      z_.avail_in = static_cast<uInt>(in_len_);
    }
    if (stream_ended_) {
      // Another gzip member (cat a.gz b.gz) continues the data; anything
      // else after the end is counted, not decoded.
      if (z_.next_in[0] == 0x1f && (z_.avail_in < 2 || z_.next_in[1] == 0x8b)) {
        inflateReset(&z_);
        stream_ended_ = false;
      } else {
        trailing_bytes_ += z_.avail_in;
        z_.avail_in = 0;
        while (readRaw()) trailing_bytes_ += in_len_;
        return false;
      }
    }
    z_.next_out = out_.data();
    z_.avail_out = static_cast<uInt>(out_.size());
    const int rc = inflate(&z_, Z_NO_FLUSH);
    out_pos_ = 0;
    out_len_ = out_.size() - z_.avail_out;
    if (rc == Z_STREAM_END) {
      stream_ended_ = true;
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      error_ = z_.msg != nullptr ? z_.msg : "damaged compressed data";
      return false;
    }
    if (out_len_ > 0) return true;
  }
}

bool LineReader::fill() {
  if (!error_.empty()) return false;
  if (gzip_) return fillGzip();
  out_pos_ = 0;
  out_len_ = std::fread(out_.data(), 1, out_.size(), file_);
  if (out_len_ > 0) return true;
  if (std::ferror(file_)) error_ = std::strerror(errno);
  return false;
}

LineReader::Got LineReader::next(std::string& line) {
  line.clear();
  std::uint64_t length = 0;  // of this line, counted on when it is too long
  bool any = false;
  for (;;) {
    if (out_pos_ == out_len_ && !fill()) {
      if (!error_.empty()) return Got::kError;
      if (!any) return Got::kEnd;
      break;  // a last line without a newline
    }
    any = true;
    const auto* begin = out_.data() + out_pos_;
    const auto* end = out_.data() + out_len_;
    const auto* nl = static_cast<const unsigned char*>(std::memchr(begin, '\n', end - begin));
    const auto* stop = nl != nullptr ? nl : end;
    const auto n = static_cast<std::size_t>(stop - begin);
    length += n;
    if (length <= max_line_bytes_ + 1) {  // + 1: room for a '\r' before the '\n'
      line.append(reinterpret_cast<const char*>(begin), n);
    } else if (!line.empty()) {
      line.clear();
      line.shrink_to_fit();
    }
    out_pos_ += n + (nl != nullptr ? 1 : 0);
    if (nl != nullptr) break;
  }
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
    --length;
  }
  if (length > max_line_bytes_) {
    line.clear();
    too_long_bytes_ = length;
    return Got::kTooLong;
  }
  return Got::kLine;
}

}  // namespace crm::vehicle
