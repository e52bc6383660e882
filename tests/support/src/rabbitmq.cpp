#include "rabbitmq.h"

#include <unistd.h>

#include <cstdlib>
#include <string>

namespace crm::testing {
namespace {

constexpr const char* kServer = "/usr/lib/rabbitmq/bin/rabbitmq-server";

}  // namespace

void writeRabbitmqConfig(const TempDir& dir, int port) {
  writeFile(dir.file("rabbitmq.conf"),
            "listeners.tcp = none\n"
            "mqtt.listeners.tcp.default = 127.0.0.1:" +
                std::to_string(port) +
                "\n"
                "mqtt.allow_anonymous = true\n"
                "loopback_users = none\n"
                "log.console = false\n"
                "log.file.level = warning\n");
  writeFile(dir.file("enabled_plugins"), "[rabbitmq_mqtt].\n");
}

pid_t startRabbitmq(const TempDir& dir, int port) {
  if (access(kServer, X_OK) != 0) return -1;
  const pid_t pid = fork();
  if (pid != 0) return pid;
  // The child: a node named after its port, with its Erlang distribution
  // port beside it, everything it writes under the test's folder.
  const std::string p = std::to_string(port);
  setenv("HOME", dir.path().c_str(), 1);  // the Erlang cookie
  setenv("RABBITMQ_NODENAME", ("crmtest" + p + "@localhost").c_str(), 1);
  setenv("RABBITMQ_DIST_PORT",
         std::to_string(port + 20000 > 65000 ? port - 20000 : port + 20000).c_str(), 1);
  setenv("RABBITMQ_CONFIG_FILE", dir.file("rabbitmq").c_str(), 1);
  setenv("RABBITMQ_ENABLED_PLUGINS_FILE", dir.file("enabled_plugins").c_str(), 1);
  setenv("RABBITMQ_MNESIA_BASE", dir.file("mnesia").c_str(), 1);
  setenv("RABBITMQ_LOG_BASE", dir.file("log").c_str(), 1);
  setenv("RABBITMQ_PLUGINS_EXPAND_DIR", dir.file("plugins").c_str(), 1);
  const std::string out = dir.file("rabbitmq.out");
  if (freopen(out.c_str(), "w", stdout) == nullptr ||
      freopen(out.c_str(), "a", stderr) == nullptr) {
    _exit(127);
  }
  execl(kServer, "rabbitmq-server", static_cast<char*>(nullptr));
  _exit(127);
}

}  // namespace crm::testing
