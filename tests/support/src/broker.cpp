#include "crm/testing/broker.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <thread>

#include "rabbitmq.h"

namespace crm::testing {
namespace {

bool canConnect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

}  // namespace

std::string mosquittoPath() {
  for (const char* p : {"/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"}) {
    if (access(p, X_OK) == 0) return p;
  }
  return {};
}

int freePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

Broker::Broker(int port) : Broker(BrokerSetup{}, port) {}

BrokerKind testBrokerKind() {
  const char* v = std::getenv("CRM_TEST_BROKER");
  return v != nullptr && std::string_view(v) == "rabbitmq" ? BrokerKind::kRabbitmq
                                                           : BrokerKind::kMosquitto;
}

Broker::Broker(const BrokerSetup& setup, int port)
    : port_(port == 0 ? freePort() : port), tls_(setup.tls) {
  const bool plain = setup.config.empty() && !setup.tls && setup.anonymous;
  if (plain && testBrokerKind() == BrokerKind::kRabbitmq) {
    kind_ = BrokerKind::kRabbitmq;
    writeRabbitmqConfig(dir_, port_);
    return;
  }
  // Persistence keeps the collector's queued messages across a broker
  // restart, as a production broker would.
  // mosquitto started as root drops to its own user: let it write here.
  std::filesystem::permissions(dir_.path(), std::filesystem::perms::all);
  const bool verbose = std::getenv("CRM_BROKER_LOG") != nullptr;  // for debugging a test
  writeFile(dir_.file("mosquitto.conf"),
            "listener " + std::to_string(port_) + " 127.0.0.1\n" + setup.config +
                (setup.config.empty() || setup.config.back() == '\n' ? "" : "\n") +
                "allow_anonymous " + (setup.anonymous ? "true" : "false") + "\n" +
                "persistence true\n" + "persistence_location " + dir_.path() + "/\n" +
                "autosave_interval 1\n" +
                (verbose ? "log_dest stderr\nlog_type all\n" : "log_dest none\n"));
}

Broker::~Broker() {
  stop();
}

bool Broker::start() {
  if (kind_ == BrokerKind::kRabbitmq) {
    pid_ = startRabbitmq(dir_, port_);
    for (int i = 0; pid_ > 0 && i < 900; ++i) {
      if (canConnect(port_)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
  const std::string bin = mosquittoPath();
  if (bin.empty()) return false;
  pid_ = fork();
  if (pid_ == 0) {
    const std::string conf = dir_.file("mosquitto.conf");
    execl(bin.c_str(), "mosquitto", "-c", conf.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 250; ++i) {
    if (canConnect(port_)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void Broker::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

Collector::Collector(const std::string& uri, const std::string& filter)
    : Collector(uri, filter, mqtt::ssl_options()) {}

Collector::Collector(const std::string& uri, const std::string& filter,
                     const mqtt::ssl_options& ssl)
    : client_(uri, "collector-" + std::to_string(getpid()) + "-" + std::to_string(freePort())) {
  client_.set_message_callback([this](mqtt::const_message_ptr msg) {
    std::lock_guard<std::mutex> lock(mu_);
    received_.push_back({msg->get_topic(), msg->to_string(), msg->is_retained()});
  });
  client_.set_connected_handler(
      [this, filter](const std::string&) { client_.subscribe(filter, 1); });
  auto builder = mqtt::connect_options_builder().clean_session(false).automatic_reconnect(
      std::chrono::milliseconds(100), std::chrono::seconds(1));
  if (uri.rfind("ssl://", 0) == 0) builder.ssl(ssl);
  auto opts = builder.finalize();
  try {
    if (client_.connect(opts)->wait_for(std::chrono::seconds(5))) {
      client_.subscribe(filter, 1)->wait_for(std::chrono::seconds(5));
    }
  } catch (const mqtt::exception&) {
    // connected() tells the test.
  }
}

Collector::~Collector() {
  try {
    if (client_.is_connected()) client_.disconnect()->wait_for(std::chrono::seconds(2));
  } catch (const mqtt::exception&) {
  }
}

bool Collector::connected() const {
  return client_.is_connected();
}

std::vector<Received> Collector::messages() const {
  std::lock_guard<std::mutex> lock(mu_);
  return received_;
}

}  // namespace crm::testing
