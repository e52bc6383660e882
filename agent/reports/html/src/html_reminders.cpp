#include "html_reminders.h"

#include "html_text.h"

namespace crm::reports::html {
namespace {

// What the card shows before it outgrows a screen; older ones are counted.
constexpr std::size_t kMaxRows = 12;
// Titles fit a glance (a campaign's at most 60 code points, 240 bytes of
// UTF-8): anything longer did not come from the engine and is cut.
constexpr std::size_t kMaxTitleBytes = 240;
// A stored word the page does not know (a newer agent's, a damaged row) is
// shown as it is, this short.
constexpr std::size_t kMaxWordBytes = 16;

struct Severity {
  const char* key;
  Msg label;
  const char* tag;  // the CSS class of its label (html_page.cpp)
};
constexpr Severity kSeverities[] = {{"critical", Msg::kSevCritical, "red"},
                                    {"warning", Msg::kSevWarning, "amber"},
                                    {"advisory", Msg::kSevAdvisory, "blue"},
                                    {"info", Msg::kSevInfo, "grey"}};

constexpr std::pair<const char*, Msg> kStates[] = {
    {"raised", Msg::kStateWaiting},      {"delivered", Msg::kStateShown},
    {"accepted", Msg::kStateAccepted},   {"snoozed", Msg::kStateSnoozed},
    {"dismissed", Msg::kStateDismissed}, {"expired", Msg::kStateExpired},
    {"withdrawn", Msg::kStateWithdrawn}};

std::string severityLabel(const std::string& severity, Lang lang) {
  for (const auto& s : kSeverities) {
    if (severity == s.key) {
      return std::string("<span class=\"tag ") + s.tag + "\">" + tr(lang, s.label) + "</span>";
    }
  }
  return "<span class=\"tag grey\">" + escape(clip(severity, kMaxWordBytes)) + "</span>";
}

std::string stateWord(const std::string& state, Lang lang) {
  for (const auto& [key, msg] : kStates) {
    if (state == key) return tr(lang, msg);
  }
  return escape(clip(state, kMaxWordBytes));
}

std::string titleOf(const ChartData::PromptLine& p, Lang lang) {
  const std::string& mine = lang == Lang::kZh ? p.title_zh : p.title_en;
  const std::string& other = lang == Lang::kZh ? p.title_en : p.title_zh;
  return escape(clip(mine.empty() ? other : mine, kMaxTitleBytes));
}

}  // namespace

std::string renderReminders(const std::vector<ChartData::PromptLine>& prompts, Lang lang) {
  if (prompts.empty())
    return "<p class=\"none\">" + std::string(tr(lang, Msg::kNoReminders)) + "</p>";
  std::string h = "<table class=\"list rem\">";
  std::size_t rows = 0;
  for (auto it = prompts.rbegin(); it != prompts.rend() && rows < kMaxRows; ++it, ++rows) {
    h += "<tr><td>" + escape(dateOf(it->raised_ms)) + "</td><td>" +
         severityLabel(it->severity, lang) + "</td><td class=\"what\">" + titleOf(*it, lang) +
         "</td><td>" + stateWord(it->state, lang) + "</td></tr>";
  }
  h += "</table>";
  if (prompts.size() > rows) {
    h += "<p class=\"note\">" +
         trf(lang, Msg::kMoreReminders, {grouped(static_cast<double>(prompts.size() - rows), 0)}) +
         "</p>";
  }
  return h;
}

}  // namespace crm::reports::html
