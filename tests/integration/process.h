// Runs the crm-agent binary as a child process for integration tests.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace crm::testing {

struct Exit {
  int code = -1;  // exit status, or -1 when killed by a signal
  int signal = 0;
  std::string out;  // stdout
  std::string err;  // stderr
};

class Process {
 public:
  // Starts `args` (args[0] is the program); stdout/stderr go to files in `dir`.
  Process(const std::vector<std::string>& args, const std::string& dir);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  void signal(int sig);
  // Waits up to `timeout`; nullopt if still running.
  std::optional<Exit> wait(std::chrono::milliseconds timeout);
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::string out_path_, err_path_;
  bool reaped_ = false;
};

// The command line for the crm-agent under test: the binary, behind the
// cross-compiling emulator when there is one (qemu-aarch64 -L ...).
std::vector<std::string> agentCommand(std::vector<std::string> args);

// The wall clock in epoch ms: commands sent to a running agent are issued now.
inline std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Runs to completion (up to `timeout`, then SIGKILL).
Exit run(const std::vector<std::string>& args, const std::string& dir,
         std::chrono::milliseconds timeout = std::chrono::seconds(120));

}  // namespace crm::testing
