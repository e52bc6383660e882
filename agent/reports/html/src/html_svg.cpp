#include "html_svg.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <optional>
#include <vector>

#include "crm/common/civil_time.h"
#include "html_text.h"

namespace crm::reports::html {
namespace {

// One geometry for every chart: the page scales the viewBox to the card.
constexpr double kW = 400, kH = 210;
constexpr double kLeft = 42, kRight = 10, kTop = 26, kBottom = 34;
constexpr double kPlotW = kW - kLeft - kRight, kPlotH = kH - kTop - kBottom;

std::string num(double v) {
  return fixed(v, 1);
}

std::string open() {
  return "<svg viewBox=\"0 0 " + num(kW) + " " + num(kH) +
         "\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">";
}

std::string noData(Lang lang) {
  return "<p class=\"nodata\">" + std::string(tr(lang, Msg::kNoDataYet)) + "</p>";
}

std::string label(double x, double y, const std::string& text, const char* anchor = "middle",
                  const char* cls = "ax") {
  return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\" class=\"" +
         cls + "\">" + text + "</text>";
}

std::string line(double x1, double y1, double x2, double y2, const char* cls) {
  return "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" +
         num(y2) + "\" class=\"" + cls + "\"/>";
}

std::string rect(double x, double y, double w, double h, const char* cls) {
  return "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(std::max(w, 0.0)) +
         "\" height=\"" + num(std::max(h, 0.0)) + "\" class=\"" + cls + "\"/>";
}

// The smallest of 1, 2, 2.5, 5 times a power of ten at or above `v`: axis
// maxima that read as round numbers.
double niceMax(double v) {
  if (!(v > 0)) return 1;
  const double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * p >= v) return m * p;
  }
  return 10 * p;
}

// A legend entry at (x, y): a swatch of class `cls` and its text.
std::string legend(double x, double y, const char* cls, const std::string& text) {
  return rect(x, y - 9, 12, 10, cls) + label(x + 16, y, text, "start", "lg");
}

struct Bar {
  std::string top, bottom;  // label lines under the bar, HTML-safe
  double value;
};

std::string barChart(const std::vector<Bar>& bars, int decimals, const char* cls,
                     const std::string& unit) {
  double max = 0;
  for (const auto& b : bars) max = std::max(max, b.value);
  const double top = niceMax(max);
  const double slot = kPlotW / static_cast<double>(bars.size());
  const double y0 = kTop + kPlotH;
  std::string s = open();
  s += line(kLeft, kTop, kW - kRight, kTop, "grid") + line(kLeft, y0, kW - kRight, y0, "axis");
  s += label(kLeft - 6, kTop + 4, grouped(top, 0), "end") + label(kLeft - 6, y0 + 4, "0", "end");
  s += label(kLeft, 12, unit, "start", "unit");
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const double h = bars[i].value / top * kPlotH;
    const double x = kLeft + slot * static_cast<double>(i);
    const double cx = x + slot / 2;
    s += rect(x + slot * 0.18, y0 - h, slot * 0.64, h, cls);
    // Values on the bars only while they fit; the axis carries the scale.
    if (slot >= 34) s += label(cx, y0 - h - 5, grouped(bars[i].value, decimals), "middle", "val");
    s += label(cx, y0 + 15, bars[i].top);
    if (!bars[i].bottom.empty()) s += label(cx, y0 + 29, bars[i].bottom);
  }
  return s + "</svg>";
}

std::string bandName(const std::string& key) {
  const std::string deg =
      "\xC2\xB0"
      "C";  // °C
  if (key == "below_0") return "&lt; 0 " + deg;
  if (key.rfind("above_", 0) == 0) return "&gt; " + escape(key.substr(6)) + " " + deg;
  if (const auto u = key.find('_'); u != std::string::npos && u > 0 && u + 1 < key.size() &&
                                    key.find_first_not_of("-0123456789_") == std::string::npos) {
    return escape(key.substr(0, u)) + "\xE2\x80\x93" + escape(key.substr(u + 1)) + " " + deg;
  }
  return escape(key.substr(0, 12));
}

}  // namespace

std::string sohChart(const BatterySection& battery, const ChartData& charts, Lang lang) {
  std::vector<ChartData::SohPoint> pts;
  for (const auto& p : charts.soh) {
    if (std::isfinite(p.value) && std::isfinite(p.low) && std::isfinite(p.high)) {
      pts.push_back({p.ts_ms, sohShown(p.value), sohShown(p.low), sohShown(p.high)});
    }
  }
  std::sort(pts.begin(), pts.end(), [](const auto& a, const auto& b) { return a.ts_ms < b.ts_ms; });
  if (pts.size() < 2 || pts.front().ts_ms == pts.back().ts_ms) return noData(lang);
  // A few hundred points are more than 350 pixels can show; thinning keeps
  // the page small whatever the history holds (the newest point stays).
  constexpr std::size_t kMaxPoints = 120;
  if (pts.size() > kMaxPoints) {
    const std::size_t stride = (pts.size() + kMaxPoints - 1) / kMaxPoints;
    std::vector<ChartData::SohPoint> thin;
    for (std::size_t i = (pts.size() - 1) % stride; i < pts.size(); i += stride) {
      thin.push_back(pts[i]);
    }
    pts = std::move(thin);
  }
  const double t0 = static_cast<double>(pts.front().ts_ms);
  const double tl = static_cast<double>(pts.back().ts_ms);
  // The date is "YYYY-MM-DD". A projection at or before the last point would
  // draw backwards, one decades away would squash the history into a sliver:
  // leave both out.
  // (A plain double and a flag: GCC 12 warns on std::optional<double> here.)
  double proj = 0;
  if (const auto& d = battery.projected_80_percent.date) {
    proj = static_cast<double>(civil::parseIsoDate(*d).value_or(0));
  }
  const bool has_proj = proj > tl && proj < tl + 50 * 365.25 * civil::kMsPerDay;
  // Past one and a half times the history the projection is cut at the
  // edge: drawn to its end, a short history would shrink to a sliver.
  const double t1 = has_proj ? std::min(proj, tl + 1.5 * (tl - t0)) : tl;
  // The axis spans 80..100 % and what the data adds, within 0..150 % so a
  // corrupt point cannot stretch it (points beyond are drawn at the edge).
  double lo = 80, hi = 100;
  for (const auto& p : pts) lo = std::min(lo, p.low), hi = std::max(hi, p.high);
  const int ymin = static_cast<int>(std::floor(std::max(lo - 1, 0.0) / 5)) * 5;
  const int ymax = static_cast<int>(std::ceil(std::min(hi, 150.0) / 5)) * 5;
  const auto x = [&](double t) { return kLeft + (t - t0) / (t1 - t0) * kPlotW; };
  const auto y = [&](double v) {
    return kTop + (ymax - std::clamp(v, 1.0 * ymin, 1.0 * ymax)) / (ymax - ymin) * kPlotH;
  };
  std::string s = open();
  const int step = ymax - ymin > 50 ? 25 : ymax - ymin > 25 ? 10 : 5;
  for (int v = ymin; v <= ymax; v += step) {
    s += line(kLeft, y(v), kW - kRight, y(v), "grid") +
         label(kLeft - 6, y(v) + 4, std::to_string(v), "end");
  }
  s += line(kLeft, y(80), kW - kRight, y(80), "limit");
  std::string band = "<polygon class=\"band\" points=\"";
  for (const auto& p : pts) band += num(x(p.ts_ms)) + "," + num(y(p.high)) + " ";
  for (auto it = pts.rbegin(); it != pts.rend(); ++it) {
    band += num(x(it->ts_ms)) + "," + num(y(it->low)) + " ";
  }
  s += band + "\"/><polyline class=\"soh\" points=\"";
  for (const auto& p : pts) s += num(x(p.ts_ms)) + "," + num(y(p.value)) + " ";
  s += "\"/>";
  const auto& last = pts.back();
  s += "<circle cx=\"" + num(x(tl)) + "\" cy=\"" + num(y(last.value)) +
       "\" r=\"4\" class=\"dotsoh\"/>";
  const double y0 = kTop + kPlotH;
  s += label(kLeft, y0 + 16, dateOf(pts.front().ts_ms).substr(0, 7), "start");
  const std::string last_month = dateOf(pts.back().ts_ms).substr(0, 7);
  if (has_proj) {
    const double v_end = last.value + (80 - last.value) * (t1 - tl) / (proj - tl);
    s += line(x(tl), y(last.value), x(t1), y(v_end), "proj");
    if (t1 >= proj) {
      s +=
          "<circle cx=\"" + num(x(t1)) + "\" cy=\"" + num(y(80)) + "\" r=\"4\" class=\"dotproj\"/>";
    }
    // Under the 80 % line, where the history never goes: clear of the
    // projection line whatever its slope.
    s += label(kW - kRight, y(80) + 16,
               "80 %: " + dateOf(static_cast<std::int64_t>(proj)).substr(0, 7), "end", "lg");
    s += label(kW - kRight, y0 + 16, dateOf(static_cast<std::int64_t>(t1)).substr(0, 7), "end");
    // The last-data date only where it does not collide with the others.
    if (x(tl) - kLeft > 70 && kW - kRight - x(tl) > 70) s += label(x(tl), y0 + 16, last_month);
  } else {
    s += label(kW - kRight, y0 + 16, last_month, "end");
  }
  s += legend(kLeft + 4, 16, "band", tr(lang, Msg::kInterval));
  if (has_proj) {
    s += line(kLeft + 110, 12, kLeft + 124, 12, "proj") +
         label(kLeft + 130, 16, tr(lang, Msg::kProjection), "start", "lg");
  }
  return s + "</svg>";
}

std::string chargingMixChart(const ChargingSection& charging, Lang lang) {
  const auto dc = finite(charging.dc_energy_share);
  if (!dc) return noData(lang);
  const double share = std::clamp(*dc, 0.0, 1.0);
  constexpr double kR = 66, kCx = 95, kCy = 105;
  const double circumference = 2 * std::numbers::pi * kR;
  std::string s = open();
  s += "<circle cx=\"" + num(kCx) + "\" cy=\"" + num(kCy) + "\" r=\"" + num(kR) +
       "\" class=\"ringac\"/>";
  s += "<circle cx=\"" + num(kCx) + "\" cy=\"" + num(kCy) + "\" r=\"" + num(kR) +
       "\" class=\"ringdc\" stroke-dasharray=\"" + num(share * circumference) + " " +
       num(circumference) + "\" transform=\"rotate(-90 " + num(kCx) + " " + num(kCy) + ")\"/>";
  s += label(kCx, kCy + 4, percentOf(share) + " %", "middle", "big");
  s += label(kCx, kCy + 26, tr(lang, Msg::kDc), "middle", "ax");
  const auto energy = finite(charging.energy_kwh);
  const auto kwh = [&](double part) {
    return energy ? " \xC2\xB7 " + grouped(*energy * part, 0) + " kWh" : std::string();
  };
  s += legend(200, 70, "swac", tr(lang, Msg::kAc));
  s += label(216, 92, percentOf(1 - share) + " %" + kwh(1 - share), "start", "lv");
  s += legend(200, 130, "swdc", tr(lang, Msg::kDc));
  s += label(216, 152, percentOf(share) + " %" + kwh(share), "start", "lv");
  s += label(
      216, 172,
      trf(lang, Msg::kSessionsCount, {fixed(charging.dc_sessions, 0), fixed(charging.sessions, 0)}),
      "start", "ax");
  return s + "</svg>";
}

std::string socChart(const ChartData& charts, Lang lang) {
  int start[10] = {}, end[10] = {};
  int total = 0;
  const auto bin = [](double soc) { return std::clamp(static_cast<int>(soc / 10), 0, 9); };
  for (double v : charts.start_soc) {
    if (std::isfinite(v)) ++start[bin(v)], ++total;
  }
  for (double v : charts.end_soc) {
    if (std::isfinite(v)) ++end[bin(v)], ++total;
  }
  if (total == 0) return noData(lang);
  const int max = std::max(*std::max_element(start, start + 10), *std::max_element(end, end + 10));
  const double top = std::max(niceMax(max), 1.0);
  const double slot = kPlotW / 10, y0 = kTop + kPlotH;
  std::string s = open();
  s += line(kLeft, kTop, kW - kRight, kTop, "grid") + line(kLeft, y0, kW - kRight, y0, "axis");
  s += label(kLeft - 6, kTop + 4, fixed(top, 0), "end") + label(kLeft - 6, y0 + 4, "0", "end");
  for (int i = 0; i < 10; ++i) {
    const double x = kLeft + slot * i;
    s += rect(x + 3, y0 - start[i] / top * kPlotH, slot / 2 - 3, start[i] / top * kPlotH,
              "barstart");
    s += rect(x + slot / 2, y0 - end[i] / top * kPlotH, slot / 2 - 3, end[i] / top * kPlotH,
              "barend");
  }
  for (int i = 0; i < 10; i += 2) s += label(kLeft + slot * i, y0 + 16, std::to_string(i * 10));
  s += label(kW - kRight, y0 + 16, "100 %", "end");
  s += label(kLeft, 12, tr(lang, Msg::kSessionsUnit), "start", "unit");
  s += legend(kW - 150, 14, "barstart", tr(lang, Msg::kSocStart));
  s += legend(kW - 75, 14, "barend", tr(lang, Msg::kSocEnd));
  return s + "</svg>";
}

std::string monthlyChart(const ChartData& charts, Lang lang) {
  std::vector<Bar> bars;
  const auto& months = charts.monthly_distance_km;
  const std::size_t first = months.size() > 12 ? months.size() - 12 : 0;
  for (std::size_t i = first; i < months.size(); ++i) {
    const auto& [month, km] = months[i];
    if (!std::isfinite(km)) continue;
    Bar b{escape(month.substr(0, 8)), "", std::max(km, 0.0)};
    // "2026-01": the month number under each bar, the year under the first
    // bar and each January, so twelve labels fit.
    if (month.size() == 7 && month[4] == '-') {
      b.top = escape(month.substr(5));
      if (bars.empty() || b.top == "01") b.bottom = escape(month.substr(0, 4));
    }
    bars.push_back(b);
  }
  if (bars.empty()) return noData(lang);
  return barChart(bars, 0, "barkm", "km");
}

std::string efficiencyChart(const ChartData& charts, Lang lang) {
  std::vector<Bar> bars;
  for (const auto& [band, value] : charts.efficiency_by_ambient) {
    if (std::isfinite(value) && value > 0 && bars.size() < 8) {
      bars.push_back({bandName(band), "", value});
    }
  }
  if (bars.empty()) return noData(lang);
  return barChart(bars, 1, "bareff", "kWh/100 km");
}

}  // namespace crm::reports::html
