#include "output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

namespace crm::ctl {
namespace {

// strerror's text without its shared buffer.
std::string errnoText() {
  return std::error_code(errno, std::generic_category()).message();
}

}  // namespace

CtlStatus writeFileAtomically(const std::string& path, std::string_view content, mode_t mode) {
  std::string tmpl = path + ".tmp-XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  // mkstemp creates the file 0600: nobody else can open it before fchmod.
  const int fd = ::mkstemp(name.data());
  if (fd < 0) {
    return fail(CtlError::kBadFile, path + ": cannot create (" + errnoText() + ")");
  }
  const std::string tmp(name.data());
  auto abandon = [&](const std::string& what) {
    const std::string why = errnoText();
    ::close(fd);
    ::unlink(tmp.c_str());
    return fail(CtlError::kFailed, path + ": " + what + " failed (" + why + ")");
  };
  if (::fchmod(fd, mode) != 0) return abandon("chmod");
  std::size_t done = 0;
  while (done < content.size()) {
    const auto n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return abandon("write");
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return abandon("fsync");
  if (::close(fd) != 0) {
    const std::string why = errnoText();
    ::unlink(tmp.c_str());
    return fail(CtlError::kFailed, path + ": close failed (" + why + ")");
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = errnoText();
    ::unlink(tmp.c_str());
    return fail(CtlError::kBadFile, path + ": cannot replace (" + why + ")");
  }
  return {};
}

}  // namespace crm::ctl
