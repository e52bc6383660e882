// The one owner of a file descriptor inside crm_common: closes it on every
// path out. Private to crm_common (small_file.cpp and private_file.cpp).
//
// Threading: one owner; not shared.
#pragma once

#include <unistd.h>

#include <utility>

namespace crm::detail {

class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }
  // Gives the descriptor up: the caller closes it.
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

}  // namespace crm::detail
