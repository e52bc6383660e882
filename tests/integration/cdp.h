// Headless Chromium driven over the DevTools protocol on a pipe
// (--remote-debugging-pipe): navigate, evaluate script, press keys and take
// screenshots, as a person at the head unit would, without a WebDriver.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace crm::testing {

class Browser {
 public:
  static constexpr const char* kChromium = "/usr/bin/chromium";
  static bool available();

  // Starts Chromium with a fresh profile under `profile_dir`, a
  // width x height window and one page attached. ok() tells whether it came up.
  Browser(const std::string& profile_dir, int width, int height);
  ~Browser();  // kills Chromium's process group
  Browser(const Browser&) = delete;
  Browser& operator=(const Browser&) = delete;

  bool ok() const { return !session_.empty(); }
  // The last protocol error or failure, for test messages.
  const std::string& lastError() const { return error_; }

  bool navigate(const std::string& url);
  // The value of `expression` in the page (promises awaited); nullopt on an
  // exception or a protocol failure.
  std::optional<nlohmann::json> evaluate(const std::string& expression);
  // Polls `expression` until it is true; false after `timeout`.
  bool waitUntil(const std::string& expression,
                 std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));
  // A key press as from a keyboard: "Tab", "Enter", "ArrowDown", ...
  bool press(const std::string& key, bool shift = false);
  // A PNG of the page as it is now; empty on failure.
  std::string screenshot();

 private:
  std::optional<nlohmann::json> call(const std::string& method, nlohmann::json params,
                                     bool in_session = true);
  std::optional<std::string> readMessage(std::chrono::steady_clock::time_point deadline);

  pid_t pid_ = -1;
  int to_ = -1, from_ = -1;
  int next_id_ = 1;
  std::string session_;
  std::string pending_;
  std::string error_;
};

}  // namespace crm::testing
