// The technician token file: checked on the open descriptor (fstat), so the
// file judged is the file read, even if the path is replaced meanwhile.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <system_error>
#include <utility>

#include "crm/localapi/sovd_routes.h"

namespace crm::localapi {
namespace {

constexpr std::size_t kMaxTokenBytes = 256;

// strerror without its shared buffer.
std::string errorText(int err) {
  return std::generic_category().message(err);
}

std::string modeText(mode_t mode) {
  std::array<char, 8> buf{};
  std::snprintf(buf.data(), buf.size(), "%04o", static_cast<unsigned>(mode & 07777));
  return buf.data();
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

// Opens `path` and checks what it is. O_NONBLOCK: a FIFO must not hang
// start-up; it is refused as not a regular file anyway.
Result<int, TokenError> openChecked(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return fail(TokenError::kMissing, path + ": no such file");
    return fail(TokenError::kUnreadable, path + ": cannot open (" + errorText(err) + ")");
  }
  Fd guard(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    return fail(TokenError::kUnreadable, path + ": cannot examine (" + errorText(errno) + ")");
  }
  if (!S_ISREG(st.st_mode)) {
    return fail(TokenError::kNotRegular,
                path + ": not a regular file (mode " + modeText(st.st_mode) + ")");
  }
  if ((st.st_mode & 077) != 0) {
    return fail(TokenError::kLoose, path + ": has mode " + modeText(st.st_mode) +
                                        ": group or others may read it; the technician token "
                                        "must be readable by its owner only (chmod 600 " +
                                        path + ")");
  }
  // Its owner can read it and change its mode: it must be the agent's user.
  if (st.st_uid != ::geteuid()) {
    return fail(TokenError::kLoose, path + ": owned by uid " + std::to_string(st.st_uid) +
                                        ", not by the agent's user (uid " +
                                        std::to_string(::geteuid()) + ")");
  }
  return guard.release();
}

}  // namespace

Status<TokenError> checkTokenFile(const std::string& path) {
  auto fd = openChecked(path);
  if (!fd) return fd.error();
  ::close(*fd);
  return {};
}

Result<std::string, TokenError> readTokenFile(const std::string& path) {
  auto opened = openChecked(path);
  if (!opened) return opened.error();
  Fd fd(*opened);
  std::string text;
  std::array<char, 512> buf{};
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      return fail(TokenError::kUnreadable, path + ": cannot read (" + errorText(errno) + ")");
    if (n == 0) break;
    text.append(buf.data(), static_cast<std::size_t>(n));
    if (text.size() > kMaxTokenBytes + 2) {
      return fail(TokenError::kBad, path + ": longer than " + std::to_string(kMaxTokenBytes) +
                                        " bytes; expected one line holding the token");
    }
  }
  if (text.ends_with('\n')) text.pop_back();
  if (text.ends_with('\r')) text.pop_back();
  if (text.empty()) return fail(TokenError::kBad, path + ": empty; expected the token");
  for (const char c : text) {
    // Printable ASCII without spaces: what fits an Authorization header.
    if (c <= ' ' || c > '~') {
      return fail(TokenError::kBad, path + ": expected one line of printable ASCII without spaces");
    }
  }
  if (text.size() < kMinTokenBytes || text.size() > kMaxTokenBytes) {
    return fail(TokenError::kBad, path + ": the token must be " + std::to_string(kMinTokenBytes) +
                                      " to " + std::to_string(kMaxTokenBytes) + " characters (" +
                                      std::to_string(text.size()) + " found)");
  }
  return text;
}

}  // namespace crm::localapi
