#include "crm/reports/service.h"

#include <algorithm>
#include <charconv>

namespace crm::reports {
namespace {

struct Ymd {
  int y = 0;
  int m = 0, d = 0;
};

std::optional<Ymd> parseYmd(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  Ymd v;
  const char* p = s.data();
  if (std::from_chars(p, p + 4, v.y).ptr != p + 4 ||
      std::from_chars(p + 5, p + 7, v.m).ptr != p + 7 ||
      std::from_chars(p + 8, p + 10, v.d).ptr != p + 10 || v.m < 1 || v.m > 12 || v.d < 1 ||
      v.d > 31) {
    return std::nullopt;
  }
  return v;
}

// H. Hinnant's days_from_civil: days since 1970-01-01.
std::int64_t dayNumber(Ymd c) {
  std::int64_t y = c.y - (c.m <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const auto m = static_cast<unsigned>(c.m);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + static_cast<unsigned>(c.d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

int daysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// The same day `months` later (or earlier), clamped to the month's end, as
// a calendar says: 2024-01-31 + 1 month = 2024-02-29.
std::int64_t addMonths(Ymd c, int months) {
  const int total = c.y * 12 + (c.m - 1) + months;
  Ymd r{total / 12, total % 12 + 1, 0};
  r.d = std::min(c.d, daysInMonth(r.y, r.m));
  return dayNumber(r);
}

}  // namespace

std::string customerStatus(const std::vector<std::string>& visit_dates,
                           const std::string& delivered, const std::string& today) {
  const auto t = parseYmd(today);
  if (!t) return "lost";
  const std::int64_t today_day = dayNumber(*t);
  // "In the last 12 months" includes the day 12 months ago; "3-12 months
  // ago" includes both ends.
  const std::int64_t year_ago = addMonths(*t, -12);
  const std::int64_t three_months_ago = addMonths(*t, -3);
  int count = 0;
  std::int64_t latest = INT64_MIN;
  for (const auto& v : visit_dates) {
    const auto ymd = parseYmd(v);
    if (!ymd) continue;
    const std::int64_t day = dayNumber(*ymd);
    if (day < year_ago || day > today_day) continue;
    ++count;
    latest = std::max(latest, day);
  }
  if (count >= 3) return "active";
  if (count == 2) return "swing";
  // One visit under 3 months ago is not drifting yet: the customer was just
  // there. The source defines no name for it; "swing" (could go either way)
  // is the nearest.
  if (count == 1) return latest <= three_months_ago ? "drifting" : "swing";
  const auto d = parseYmd(delivered);
  if (d && dayNumber(*d) > year_ago) return "new";
  return "lost";
}

ServiceStatus serviceStatus(const std::vector<config::MaintenanceItem>& schedule,
                            const std::vector<store::ServiceRecord>& visits,
                            const std::string& delivered, std::optional<double> odometer_km,
                            const std::string& today) {
  ServiceStatus out;
  const auto t = parseYmd(today);
  const auto d = parseYmd(delivered);
  // The visits up to today, oldest first (ISO dates sort as text).
  std::vector<const store::ServiceRecord*> past;
  for (const auto& v : visits) {
    if (parseYmd(v.visit_date) && (!t || v.visit_date <= today)) past.push_back(&v);
  }
  std::stable_sort(past.begin(), past.end(),
                   [](const auto* a, const auto* b) { return a->visit_date < b->visit_date; });

  for (const auto& item : schedule) {
    // Counted from the last visit that did this item; without one, from
    // delivery at 0 km: nothing was done since, so what is past its first
    // due point is overdue.
    const store::ServiceRecord* last = nullptr;
    for (const auto* v : past) {
      if (std::find(v->items.begin(), v->items.end(), item.name) != v->items.end()) last = v;
    }
    DueItem due{item.name, std::nullopt, std::nullopt, false};
    if (item.every_km && odometer_km) {
      const double from_km = last ? last->odometer_km : 0.0;
      due.due_in_km = from_km + *item.every_km - *odometer_km;
      due.overdue |= *due.due_in_km < 0;
    }
    const auto from = last ? parseYmd(last->visit_date) : d;
    if (item.every_months && from && t) {
      due.due_in_days = addMonths(*from, *item.every_months) - dayNumber(*t);
      due.overdue |= *due.due_in_days < 0;
    }
    out.due.push_back(due);
  }

  std::vector<std::string> dates;
  dates.reserve(past.size());
  for (const auto* v : past) dates.push_back(v->visit_date);
  if (!dates.empty()) out.last_visit = dates.back();
  if (t) {
    const std::int64_t year_ago = addMonths(*t, -12);
    for (const auto& date : dates) {
      if (dayNumber(*parseYmd(date)) >= year_ago) ++out.visits_12_months;
    }
  }
  out.customer_status = customerStatus(dates, delivered, today);
  return out;
}

}  // namespace crm::reports
