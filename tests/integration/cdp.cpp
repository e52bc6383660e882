#include "cdp.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>
#include <vector>

namespace crm::testing {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

std::string base64Decode(const std::string& in) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned value = 0;
  int bits = -8;
  for (const char c : in) {
    const auto at = kAlphabet.find(c);
    if (at == std::string::npos) break;  // '=' padding ends it
    value = (value << 6) | static_cast<unsigned>(at);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((value >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

struct Key {
  const char* code;
  int vk;
  const char* text;
};

Key keyFor(const std::string& key) {
  if (key == "Tab") return {"Tab", 9, ""};
  if (key == "Enter") return {"Enter", 13, "\r"};
  if (key == " ") return {"Space", 32, " "};
  if (key == "ArrowDown") return {"ArrowDown", 40, ""};
  if (key == "ArrowUp") return {"ArrowUp", 38, ""};
  if (key == "ArrowRight") return {"ArrowRight", 39, ""};
  if (key == "ArrowLeft") return {"ArrowLeft", 37, ""};
  return {"", 0, ""};
}

}  // namespace

bool Browser::available() {
  return access(kChromium, X_OK) == 0;
}

Browser::Browser(const std::string& profile_dir, int width, int height) {
  int to_chrome[2], from_chrome[2];
  if (pipe(to_chrome) != 0 || pipe(from_chrome) != 0) {
    error_ = "pipe failed";
    return;
  }
  const std::vector<std::string> args = {
      kChromium,
      "--headless",
      "--no-sandbox",  // root in CI; the pages are our own
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--hide-scrollbars",
      "--remote-debugging-pipe",
      "--user-data-dir=" + profile_dir,
      "--window-size=" + std::to_string(width) + "," + std::to_string(height),
      "about:blank"};
  pid_ = fork();
  if (pid_ == 0) {
    setpgid(0, 0);
    // The protocol's pipe: Chromium reads commands on 3, writes on 4.
    dup2(to_chrome[0], 3);
    dup2(from_chrome[1], 4);
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    for (int fd = 5; fd < 1024; ++fd) close(fd);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(kChromium, argv.data());
    _exit(127);
  }
  setpgid(pid_, pid_);
  close(to_chrome[0]);
  close(from_chrome[1]);
  to_ = to_chrome[1];
  from_ = from_chrome[0];

  auto targets = call("Target.getTargets", json::object(), false);
  if (!targets) return;
  std::string target;
  for (const auto& t : (*targets)["targetInfos"]) {
    if (t.value("type", "") == "page") target = t.value("targetId", "");
  }
  if (target.empty()) {
    auto created = call("Target.createTarget", {{"url", "about:blank"}}, false);
    if (!created) return;
    target = created->value("targetId", "");
  }
  auto attached = call("Target.attachToTarget", {{"targetId", target}, {"flatten", true}}, false);
  if (!attached) return;
  session_ = attached->value("sessionId", "");
  call("Page.enable", json::object());
  // The window's size includes what a headless window still reserves; the
  // head unit's screen is the page's own size, set exactly.
  call("Emulation.setDeviceMetricsOverride",
       {{"width", width}, {"height", height}, {"deviceScaleFactor", 1}, {"mobile", false}});
}

Browser::~Browser() {
  if (to_ >= 0) close(to_);
  if (from_ >= 0) close(from_);
  if (pid_ > 0) {
    kill(-pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

std::optional<std::string> Browser::readMessage(Clock::time_point deadline) {
  while (true) {
    const auto end = pending_.find('\0');
    if (end != std::string::npos) {
      std::string message = pending_.substr(0, end);
      pending_.erase(0, end + 1);
      return message;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return std::nullopt;
    pollfd p{from_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) return std::nullopt;
    char buf[65536];
    const auto n = read(from_, buf, sizeof buf);
    if (n <= 0) return std::nullopt;
    pending_.append(buf, static_cast<std::size_t>(n));
  }
}

std::optional<json> Browser::call(const std::string& method, json params, bool in_session) {
  const int id = next_id_++;
  json message = {{"id", id}, {"method", method}, {"params", std::move(params)}};
  if (in_session) message["sessionId"] = session_;
  const std::string text = message.dump() + std::string(1, '\0');
  if (write(to_, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    error_ = method + ": write failed";
    return std::nullopt;
  }
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (auto raw = readMessage(deadline)) {
    auto reply = json::parse(*raw, nullptr, false);
    if (!reply.is_object() || reply.value("id", -1) != id) continue;  // an event
    if (reply.contains("error")) {
      error_ = method + ": " + reply["error"].dump();
      return std::nullopt;
    }
    return reply.value("result", json::object());
  }
  error_ = method + ": no answer";
  return std::nullopt;
}

bool Browser::navigate(const std::string& url) {
  return call("Page.navigate", {{"url", url}}).has_value();
}

std::optional<json> Browser::evaluate(const std::string& expression) {
  auto r = call("Runtime.evaluate",
                {{"expression", expression}, {"returnByValue", true}, {"awaitPromise", true}});
  if (!r) return std::nullopt;
  if (r->contains("exceptionDetails")) {
    error_ = "evaluate: " + (*r)["exceptionDetails"].dump();
    return std::nullopt;
  }
  return (*r)["result"].value("value", json());
}

bool Browser::waitUntil(const std::string& expression, std::chrono::milliseconds timeout) {
  const auto end = Clock::now() + timeout;
  while (Clock::now() < end) {
    auto v = evaluate(expression);
    if (v && v->is_boolean() && v->get<bool>()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

bool Browser::press(const std::string& key, bool shift) {
  const Key k = keyFor(key);
  json down = {{"type", "keyDown"},
               {"key", key},
               {"code", k.code},
               {"windowsVirtualKeyCode", k.vk},
               {"modifiers", shift ? 8 : 0}};
  if (*k.text) down["text"] = k.text;
  json up = {{"type", "keyUp"},
             {"key", key},
             {"code", k.code},
             {"windowsVirtualKeyCode", k.vk},
             {"modifiers", shift ? 8 : 0}};
  return call("Input.dispatchKeyEvent", down).has_value() &&
         call("Input.dispatchKeyEvent", up).has_value();
}

std::string Browser::screenshot() {
  auto r = call("Page.captureScreenshot", {{"format", "png"}});
  if (!r) return {};
  return base64Decode(r->value("data", ""));
}

}  // namespace crm::testing
