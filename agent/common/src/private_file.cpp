#include "crm/common/private_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <system_error>
#include <utility>

#include "unique_fd.h"

namespace crm {
namespace {

// strerror without its shared buffer.
std::string errorText(int err) {
  return std::generic_category().message(err);
}

std::string modeText(mode_t mode) {
  std::array<char, 8> buf{};
  std::snprintf(buf.data(), buf.size(), "%04o", static_cast<unsigned>(mode & 07777));
  return buf.data();
}

// Opens `path` and checks what it is. O_NONBLOCK: a FIFO must not hang
// start-up; it is refused as not a regular file anyway.
Result<int, PrivateFileError> openChecked(const std::string& path, std::string_view what) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return fail(PrivateFileError::kMissing, path + ": no such file");
    return fail(PrivateFileError::kUnreadable, path + ": cannot open (" + errorText(err) + ")");
  }
  detail::UniqueFd guard(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    return fail(PrivateFileError::kUnreadable,
                path + ": cannot examine (" + errorText(errno) + ")");
  }
  if (!S_ISREG(st.st_mode)) {
    return fail(PrivateFileError::kNotRegular,
                path + ": not a regular file (mode " + modeText(st.st_mode) + ")");
  }
  if ((st.st_mode & 077) != 0) {
    return fail(PrivateFileError::kLoose,
                path + ": has mode " + modeText(st.st_mode) + ": group or others may read it; " +
                    std::string(what) + " must be readable by its owner only (chmod 600 " + path +
                    ")");
  }
  // Its owner can read it and change its mode: it must be the agent's user.
  if (st.st_uid != ::geteuid()) {
    return fail(PrivateFileError::kLoose, path + ": owned by uid " + std::to_string(st.st_uid) +
                                              ", not by the agent's user (uid " +
                                              std::to_string(::geteuid()) + ")");
  }
  return guard.release();
}

}  // namespace

Status<PrivateFileError> checkPrivateFile(const std::string& path, std::string_view what) {
  auto fd = openChecked(path, what);
  if (!fd) return fd.error();
  ::close(*fd);
  return {};
}

Result<std::string, PrivateFileError> readPrivateFile(const std::string& path,
                                                      std::size_t max_bytes,
                                                      std::string_view what) {
  auto opened = openChecked(path, what);
  if (!opened) return opened.error();
  detail::UniqueFd fd(*opened);
  std::string text;
  std::array<char, 512> buf{};
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return fail(PrivateFileError::kUnreadable, path + ": cannot read (" + errorText(errno) + ")");
    }
    if (n == 0) break;
    text.append(buf.data(), static_cast<std::size_t>(n));
    if (text.size() > max_bytes) {
      return fail(PrivateFileError::kTooLarge,
                  path + ": longer than " + std::to_string(max_bytes) + " bytes");
    }
  }
  return text;
}

}  // namespace crm
