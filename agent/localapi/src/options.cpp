#include "crm/localapi/options.h"

#include <sys/un.h>

namespace crm::localapi {
namespace {

std::optional<std::string> range(const char* name, int value, int low, int high) {
  if (value >= low && value <= high) return std::nullopt;
  return std::string("local_api.") + name + " must be " + std::to_string(low) + ".." +
         std::to_string(high) + " (got " + std::to_string(value) + ")";
}

}  // namespace

std::optional<std::string> validate(const Options& o) {
  constexpr int kDay = 24 * 3600 * 1000;
  constexpr int kMiB = 1024 * 1024;
  if (o.unix_socket.empty()) {
    if (o.address.empty()) return "local_api.address is empty (and no local_api.unix_socket)";
    if (auto e = range("port", o.port, 0, 65535)) return e;
  } else {
    // sun_path holds the path and its terminating NUL.
    if (o.unix_socket.size() >= sizeof(sockaddr_un::sun_path)) {
      return "local_api.unix_socket is longer than " +
             std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes";
    }
    if (o.unix_socket.find('\0') != std::string::npos) {
      return std::string("local_api.unix_socket holds a NUL byte");
    }
  }
  if (auto e = range("max_connections", o.max_connections, 1, 1024)) return e;
  if (auto e = range("max_streams", o.max_streams, 1, o.max_connections)) return e;
  if (auto e = range("max_body_bytes", o.max_body_bytes, 16, kMiB)) return e;
  if (auto e = range("max_header_bytes", o.max_header_bytes, 256, kMiB)) return e;
  if (auto e = range("read_timeout_ms", o.read_timeout_ms, 1, kDay)) return e;
  if (auto e = range("idle_timeout_ms", o.idle_timeout_ms, 1, kDay)) return e;
  if (auto e = range("write_timeout_ms", o.write_timeout_ms, 1, kDay)) return e;
  if (auto e = range("heartbeat_ms", o.heartbeat_ms, 10, kDay)) return e;
  if (auto e = range("max_stream_queue_bytes", o.max_stream_queue_bytes, 1024, 64 * kMiB)) {
    return e;
  }
  return std::nullopt;
}

}  // namespace crm::localapi
