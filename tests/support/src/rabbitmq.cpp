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
  // The forked child runs one thread until exec: setenv cannot race here.
  auto set = [](const char* key, const std::string& value) {
    setenv(key, value.c_str(), 1);  // NOLINT(concurrency-mt-unsafe)
  };
  set("HOME", dir.path());  // the Erlang cookie
  set("RABBITMQ_NODENAME", "crmtest" + p + "@localhost");
  set("RABBITMQ_DIST_PORT", std::to_string(port + 20000 > 65000 ? port - 20000 : port + 20000));
  set("RABBITMQ_CONFIG_FILE", dir.file("rabbitmq"));
  set("RABBITMQ_ENABLED_PLUGINS_FILE", dir.file("enabled_plugins"));
  set("RABBITMQ_MNESIA_BASE", dir.file("mnesia"));
  set("RABBITMQ_LOG_BASE", dir.file("log"));
  set("RABBITMQ_PLUGINS_EXPAND_DIR", dir.file("plugins"));
  const std::string out = dir.file("rabbitmq.out");
  if (freopen(out.c_str(), "w", stdout) == nullptr ||
      freopen(out.c_str(), "a", stderr) == nullptr) {
    _exit(127);
  }
  execl(kServer, "rabbitmq-server", static_cast<char*>(nullptr));
  _exit(127);
}

}  // namespace crm::testing
