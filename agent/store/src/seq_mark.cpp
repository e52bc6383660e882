#include "seq_mark.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace crm::store {
namespace {

Status<StoreError> ioFailed(const std::string& what, int err) {
  return fail(err == ENOSPC || err == EDQUOT ? StoreError::kFull : StoreError::kIo,
              what + ": " + std::strerror(err));
}

}  // namespace

std::string seqMarkPath(const std::string& cache_path) {
  return cache_path + ".seq";
}

SeqMarkRead readSeqMark(const std::string& cache_path) {
  const std::string path = seqMarkPath(cache_path);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return {};
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, err] = std::from_chars(text.data(), end, value);
  if (!in || text.empty() || err != std::errc() || ptr != end || value < 1) {
    return {SeqMarkRead::Is::kDamaged, 0, path + ": \"" + text.substr(0, 40) + "\" is not a seq"};
  }
  return {SeqMarkRead::Is::kValue, value, {}};
}

Status<StoreError> writeSeqMark(const std::string& cache_path, std::int64_t value, bool sync) {
  const std::string path = seqMarkPath(cache_path);
  const std::string tmp = path + ".tmp";
  const std::string text = std::to_string(value) + "\n";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ioFailed(tmp, errno);
  const auto written = ::write(fd, text.data(), text.size());
  const int write_err = errno;
  if (written != static_cast<ssize_t>(text.size()) || (sync && ::fsync(fd) != 0)) {
    const int err = written < 0 ? write_err : (written == 0 ? ENOSPC : errno);
    ::close(fd);
    ::unlink(tmp.c_str());
    return ioFailed(tmp, err);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return ioFailed(path, err);
  }
  if (sync) {
    // The rename is durable only once the folder is.
    const auto dir = std::filesystem::path(path).parent_path();
    const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
  }
  return {};
}

}  // namespace crm::store
