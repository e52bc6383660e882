#include "process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "crm/testing/temp_dir.h"

namespace crm::testing {

Process::Process(const std::vector<std::string>& args, const std::string& dir) {
  static std::atomic<int> counter{0};
  const int n = counter++;
  out_path_ = dir + "/proc" + std::to_string(n) + ".out";
  err_path_ = dir + "/proc" + std::to_string(n) + ".err";
  pid_ = fork();
  if (pid_ == 0) {
    const int out = open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, 1);
    dup2(err, 2);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
}

Process::~Process() {
  if (!reaped_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

void Process::signal(int sig) {
  if (!reaped_) kill(pid_, sig);
}

std::optional<Exit> Process::wait(std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  for (;;) {
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) break;
    if (std::chrono::steady_clock::now() > end) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  reaped_ = true;
  Exit e;
  if (WIFEXITED(status)) e.code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) e.signal = WTERMSIG(status);
  e.out = readFile(out_path_);
  e.err = readFile(err_path_);
  return e;
}

std::vector<std::string> agentCommand(std::vector<std::string> args) {
  std::vector<std::string> cmd;
  // The emulator comes space-separated (qemu-aarch64 -L /usr/aarch64-linux-gnu);
  // execv needs a full path.
  const std::string emulator = CRM_EMULATOR;
  for (std::size_t start = 0; start < emulator.size();) {
    auto space = emulator.find(' ', start);
    if (space == std::string::npos) space = emulator.size();
    if (space > start) cmd.push_back(emulator.substr(start, space - start));
    start = space + 1;
  }
  if (!cmd.empty() && cmd[0].find('/') == std::string::npos) cmd[0] = "/usr/bin/" + cmd[0];
  cmd.push_back(CRM_AGENT_BIN);
  for (auto& a : args) cmd.push_back(std::move(a));
  return cmd;
}

Exit run(const std::vector<std::string>& args, const std::string& dir,
         std::chrono::milliseconds timeout) {
  Process p(args, dir);
  if (auto e = p.wait(timeout)) return *e;
  p.signal(SIGKILL);
  auto e = p.wait(std::chrono::seconds(5));
  return e.value_or(Exit{});
}

}  // namespace crm::testing
