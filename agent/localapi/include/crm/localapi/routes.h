// One API served by the local server: a route table mounted at a path
// prefix. The driver's HMI API is one (hmi_routes.h); the technician's API
// is another (sovd_routes.h), with its own authentication inside its table.
//
// The server parses and bounds the request (size, time) before a table sees
// it, and adds the headers every response carries (no-store, nosniff).
//
// Threading: handle() is called on the server's io_context thread and must
// not block it.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crm::localapi {

// A parsed request. The views point into the server's buffers and are valid
// during handle() only.
struct Request {
  std::string_view method;  // "GET", "POST", ... as sent
  std::string_view path;    // the target up to '?', not decoded
  std::string_view query;   // after '?', empty if none
  std::string_view content_type;
  std::string_view authorization;  // the header as sent, empty if none
  std::string_view body;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra header fields (Allow, Content-Security-Policy, Location).
  std::vector<std::pair<std::string, std::string>> headers;
  // The connection becomes an event stream (text/event-stream) that gets
  // every Server::publish(); status, content_type and body are then unused.
  bool open_stream = false;
};

class Routes {
 public:
  virtual ~Routes() = default;
  // Answers a request whose path is the mount's prefix or lies below it.
  // Never throws; a request it has no route for gets a 404 from it.
  virtual Response handle(const Request& request) = 0;
};

struct Mount {
  std::string prefix;  // "/hmi": matches "/hmi" and "/hmi/..." (not "/hmix")
  std::unique_ptr<Routes> routes;
};

// {"error": {"code": code, "message": message}} with that status.
Response errorResponse(int status, std::string_view code, std::string_view message);
// A JSON body with status 200 (or `status`).
Response jsonResponse(std::string body, int status = 200);
// 405 with the Allow header listing `allow` ("GET" or "POST").
Response methodNotAllowed(std::string_view method, std::string_view allow);

}  // namespace crm::localapi
