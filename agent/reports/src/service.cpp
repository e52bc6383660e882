#include "crm/reports/service.h"

#include <algorithm>

#include "crm/common/civil_time.h"

namespace crm::reports {

std::string customerStatus(const std::vector<std::string>& visit_dates,
                           const std::string& delivered, const std::string& today) {
  const auto today_day = civil::dayNumber(today);
  if (!today_day) return "lost";
  // "In the last 12 months" includes the day 12 months ago; "3-12 months
  // ago" includes both ends.
  const std::int64_t year_ago = *civil::addMonths(today, -12);
  const std::int64_t three_months_ago = *civil::addMonths(today, -3);
  int count = 0;
  std::int64_t latest = INT64_MIN;
  for (const auto& v : visit_dates) {
    const auto day = civil::dayNumber(v);
    if (!day || *day < year_ago || *day > *today_day) continue;
    ++count;
    latest = std::max(latest, *day);
  }
  if (count >= 3) return "active";
  if (count == 2) return "swing";
  // One visit under 3 months ago is not drifting yet: the customer was just
  // there. The source defines no name for it; "swing" (could go either way)
  // is the nearest.
  if (count == 1) return latest <= three_months_ago ? "drifting" : "swing";
  const auto d = civil::dayNumber(delivered);
  if (d && *d > year_ago) return "new";
  return "lost";
}

ServiceStatus serviceStatus(const std::vector<MaintenanceItem>& schedule,
                            const std::vector<store::ServiceRecord>& visits,
                            const std::string& delivered, std::optional<double> odometer_km,
                            const std::string& today) {
  ServiceStatus out;
  const auto t = civil::dayNumber(today);
  // The visits up to today, oldest first (ISO dates sort as text).
  std::vector<const store::ServiceRecord*> past;
  for (const auto& v : visits) {
    if (civil::dayNumber(v.visit_date) && (!t || v.visit_date <= today)) past.push_back(&v);
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
    const auto due_day = item.every_months ? civil::addMonths(last ? last->visit_date : delivered,
                                                              *item.every_months)
                                           : std::nullopt;
    if (due_day && t) {
      due.due_in_days = *due_day - *t;
      due.overdue |= *due.due_in_days < 0;
    }
    out.due.push_back(due);
  }

  std::vector<std::string> dates;
  dates.reserve(past.size());
  for (const auto* v : past) dates.push_back(v->visit_date);
  if (!dates.empty()) out.last_visit = dates.back();
  if (t) {
    const std::int64_t year_ago = *civil::addMonths(today, -12);
    for (const auto& date : dates) {
      if (*civil::dayNumber(date) >= year_ago) ++out.visits_12_months;
    }
  }
  out.customer_status = customerStatus(dates, delivered, today);
  return out;
}

}  // namespace crm::reports
