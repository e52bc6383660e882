// The page layout: a first screen (1280x720, no scrolling) with the traffic
// lights, key figures, habit scores and the most urgent advice; below it the
// charts, the service list, the period's reminders and the rest of the advice.
#include "crm/reports/html.h"

#include <new>

#include "html_advice.h"
#include "html_i18n.h"
#include "html_page.h"
#include "html_reminders.h"
#include "html_summary.h"
#include "html_svg.h"
#include "html_text.h"

namespace crm::reports {
namespace {

using html::Lang;
using html::Msg;
using html::tr;

// What fits in the side panel of the first screen at 17 px; the rest of the
// advice follows the charts.
constexpr std::size_t kAdviceOnFirstScreen = 3;
// Longer model names or VINs are not real; they are cut to keep the page small.
constexpr std::size_t kMaxName = 80;

std::string header(const HealthReport& r, Lang lang) {
  std::string vehicle = html::escape(html::clip(r.vehicle.model, kMaxName));
  if (!r.vehicle.vin.empty()) {
    vehicle += (vehicle.empty() ? "" : " \xC2\xB7 ") + std::string(tr(lang, Msg::kVin)) + " " +
               html::escape(html::clip(r.vehicle.vin, kMaxName));
  }
  // A report that was never built has no period to show.
  std::string period;
  if (r.period.to_ms > r.period.from_ms) {
    period = html::dateOf(r.period.from_ms) + " \xE2\x80\x93 " + html::dateOf(r.period.to_ms);
  }
  return "<header><div><h1>" + std::string(tr(lang, Msg::kTitle)) + "</h1><div class=\"veh\">" +
         vehicle + "</div></div><div class=\"period\">" + period + "</div></header>";
}

std::string adviceList(const std::vector<std::string>& advice, std::size_t from, std::size_t to) {
  std::string h = "<ul class=\"advice\">";
  for (std::size_t i = from; i < to && i < advice.size(); ++i) h += "<li>" + advice[i] + "</li>";
  return h + "</ul>";
}

std::string card(Msg title, const std::string& body, Lang lang) {
  return "<div class=\"card\"><h2>" + std::string(tr(lang, title)) + "</h2>" + body + "</div>";
}

std::string footer(const DataQualitySection& q, Lang lang) {
  const auto count = [](double v) { return html::grouped(v, 0); };
  const std::string rejected =
      q.rejected ? count(static_cast<double>(*q.rejected)) : "\xE2\x80\x94";
  return "<footer>" +
         html::trf(lang, Msg::kDataQuality,
                   {count(static_cast<double>(q.samples)), rejected,
                    count(static_cast<double>(q.gaps))}) +
         "</footer>";
}

std::string render(const HealthReport& r, const ChartData& charts, Lang lang) {
  const auto advice = html::adviceFor(r, lang);
  std::string title = tr(lang, Msg::kTitle);
  if (!r.vehicle.model.empty()) {
    title += " \xC2\xB7 " + html::escape(html::clip(r.vehicle.model, kMaxName));
  }
  std::string h;
  h.reserve(std::size_t{48} * 1024);  // a typical page, in one allocation
  h += "<!DOCTYPE html>\n<html lang=\"";
  h += html::langTag(lang);
  // The policy makes "self-contained" a property the browser enforces: no
  // script runs and nothing loads from outside, whatever a string holds.
  h += "\"><head><meta charset=\"utf-8\">"
       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
       "style-src 'unsafe-inline'\">"
       "<meta name=\"viewport\" content=\"width=1280\"><title>" +
       title + "</title><style>" + html::styleSheet(lang) + "</style></head><body>";
  h += "<div class=\"screen\">" + header(r, lang) +
       html::renderLights(html::systemLights(r, lang), lang);
  h += "<div class=\"main\">" + html::renderFigures(r, lang) + "<div class=\"side\">";
  h += "<div class=\"panel\">" + html::renderHabits(r.charging, lang) + "</div>";
  h += "<div class=\"panel\"><h2>" + std::string(tr(lang, Msg::kAdvice)) + "</h2>" +
       adviceList(advice, 0, kAdviceOnFirstScreen) + "</div>";
  h += "</div></div></div>";
  h += "<div class=\"more\"><h2>" + std::string(tr(lang, Msg::kDetails)) +
       "</h2><div class=\"charts\">";
  h += card(Msg::kChartSoh, html::sohChart(r.battery, charts, lang), lang);
  h += card(Msg::kChartMix, html::chargingMixChart(r.charging, lang), lang);
  h += card(Msg::kChartSoc, html::socChart(charts, lang), lang);
  h += card(Msg::kChartMonthly, html::monthlyChart(charts, lang), lang);
  h += card(Msg::kChartEfficiency, html::efficiencyChart(charts, lang), lang);
  h += card(Msg::kServiceFaults, html::renderServiceAndFaults(r, lang), lang);
  h += "</div>";
  // Only when the caller read the history: an unknown one is not "none".
  if (charts.prompts) {
    h += card(Msg::kReminders, html::renderReminders(*charts.prompts, lang), lang);
  }
  if (advice.size() > kAdviceOnFirstScreen) {
    h += card(Msg::kMoreAdvice, adviceList(advice, kAdviceOnFirstScreen, advice.size()), lang);
  }
  h += footer(r.data_quality, lang) + "</div></body></html>\n";
  return h;
}

}  // namespace

std::string renderHtml(const HealthReport& report, const ChartData& charts,
                       const std::string& language) {
  const Lang lang = html::langOf(language);
  try {
    return render(report, charts, lang);
  } catch (...) {
    // Only allocation can fail here; a page that says nothing beats an
    // exception leaving the renderer.
  }
  try {
    return std::string("<!DOCTYPE html>\n<html lang=\"") + html::langTag(lang) +
           "\"><head><meta charset=\"utf-8\"><title>" + tr(lang, Msg::kTitle) +
           "</title></head><body><p>" + tr(lang, Msg::kNoDataYet) + "</p></body></html>\n";
  } catch (...) {
    return {};
  }
}

}  // namespace crm::reports
