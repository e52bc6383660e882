// A recording HmiBackend for the server's tests. Calls arrive on the
// server's loop thread while the test reads from its own: a mutex guards
// the records.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crm/localapi/hmi_backend.h"

namespace crm::localapi::testing {

class FakeBackend : public HmiBackend {
 public:
  std::optional<nlohmann::json> prompts() override {
    std::lock_guard lock(mutex_);
    ++prompt_reads_;
    return prompts_;
  }
  ActionReply act(std::int64_t prompt_id, std::string_view action) override {
    std::lock_guard lock(mutex_);
    actions_.emplace_back(prompt_id, std::string(action));
    // Like the engine: a prompt acted on leaves the list.
    if (reply_.outcome == ActionOutcome::kOk && prompts_ && prompts_->contains("prompts")) {
      auto& list = (*prompts_)["prompts"];
      for (auto it = list.begin(); it != list.end(); ++it) {
        if (it->value("id", std::int64_t{0}) == prompt_id) {
          list.erase(it);
          break;
        }
      }
    }
    return reply_;
  }
  std::optional<std::string> latestReportJson() override {
    std::lock_guard lock(mutex_);
    return report_json_;
  }
  std::optional<std::string> latestReportHtml(std::string_view language) override {
    std::lock_guard lock(mutex_);
    html_languages_.emplace_back(language);
    if (!report_html_) return std::nullopt;
    return *report_html_ + "<!-- " + std::string(language) + " -->";
  }

  void setPrompts(std::optional<nlohmann::json> p) {
    std::lock_guard lock(mutex_);
    prompts_ = std::move(p);
  }
  void setReply(ActionReply r) {
    std::lock_guard lock(mutex_);
    reply_ = std::move(r);
  }
  void setReports(std::optional<std::string> json, std::optional<std::string> html) {
    std::lock_guard lock(mutex_);
    report_json_ = std::move(json);
    report_html_ = std::move(html);
  }
  std::vector<std::pair<std::int64_t, std::string>> actions() const {
    std::lock_guard lock(mutex_);
    return actions_;
  }
  std::vector<std::string> htmlLanguages() const {
    std::lock_guard lock(mutex_);
    return html_languages_;
  }
  int promptReads() const {
    std::lock_guard lock(mutex_);
    return prompt_reads_;
  }

 private:
  mutable std::mutex mutex_;  // guards everything below
  std::optional<nlohmann::json> prompts_ =
      nlohmann::json{{"language", "en"}, {"prompts", nlohmann::json::array()}};
  ActionReply reply_;
  std::optional<std::string> report_json_;
  std::optional<std::string> report_html_;
  std::vector<std::pair<std::int64_t, std::string>> actions_;
  std::vector<std::string> html_languages_;
  int prompt_reads_ = 0;
};

// Two prompts as the agent would list them: a critical booking prompt and
// an advisory one.
nlohmann::json samplePrompts();

}  // namespace crm::localapi::testing
