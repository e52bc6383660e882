#include "crm/common/small_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "unique_fd.h"

namespace crm {
namespace {

const char* kindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "is a directory";
  if (S_ISFIFO(mode)) return "not a regular file (a FIFO)";
  if (S_ISCHR(mode)) return "not a regular file (a character device)";
  if (S_ISBLK(mode)) return "not a regular file (a block device)";
  if (S_ISSOCK(mode)) return "not a regular file (a socket)";
  return "not a regular file";
}

Error<FileError> openError(const std::string& path, int err) {
  if (err == ENOENT) return fail(FileError::kMissing, path + ": no such file");
  return fail(FileError::kUnreadable, path + ": cannot read (" + std::strerror(err) + ")");
}

}  // namespace

Result<std::string, FileError> readSmallFile(const std::string& path, std::size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO with no writer must not hang; the fstat that
  // follows refuses it before any read.
  detail::UniqueFd f(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (f.get() < 0) return openError(path, errno);
  struct stat st {};
  if (::fstat(f.get(), &st) != 0) return openError(path, errno);
  if (!S_ISREG(st.st_mode)) return fail(FileError::kNotRegular, path + ": " + kindOf(st.st_mode));
  const auto limit_text = path + ": larger than " + std::to_string(max_bytes) + " bytes";
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    return fail(FileError::kTooLarge, limit_text);
  }
  std::string out;
  out.resize(static_cast<std::size_t>(st.st_size));
  std::size_t have = 0;
  for (;;) {
    // One byte beyond the limit tells a file that grew apart from one that fits.
    if (out.size() < max_bytes + 1 && have == out.size()) out.resize(max_bytes + 1);
    if (have == out.size()) return fail(FileError::kTooLarge, limit_text);
    const ssize_t n = ::read(f.get(), out.data() + have, out.size() - have);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(FileError::kUnreadable, path + ": cannot read (" + std::strerror(errno) + ")");
    }
    if (n == 0) break;
    have += static_cast<std::size_t>(n);
  }
  out.resize(have);
  return out;
}

Status<FileError> checkReadableFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return openError(path, errno);
  if (!S_ISREG(st.st_mode)) return fail(FileError::kNotRegular, path + ": " + kindOf(st.st_mode));
  if (::access(path.c_str(), R_OK) != 0) return openError(path, errno);
  return {};
}

}  // namespace crm
