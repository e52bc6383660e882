// Maintenance, campaigns, appointments, the report and the visit
// invitation: what the dealer's side of the relationship brings.
#include <array>
#include <cstdio>

#include "crm/common/civil_time.h"
#include "crm/reports/maintenance.h"
#include "rules_internal.h"

namespace crm::engagement::detail {
namespace {

using civil::kMsPerDay;
using nlohmann::json;

// How long report.ready tells the driver about a new report.
constexpr std::int64_t kReportReadyMs = 7 * kMsPerDay;

// The start of the local day holding `ts_ms`. The one place rules turn an
// instant into a local day: a fixed UTC offset until the engine hands the
// rules its IANA zone (policy.h's LocalTime), then this is what changes.
std::int64_t localDayStart(const Facts& facts, std::int64_t ts_ms) {
  return civil::dayStart(ts_ms, facts.utc_offset_minutes);
}

std::string localClock(const Facts& facts, std::int64_t ts_ms) {
  const std::int64_t minute = (ts_ms - localDayStart(facts, ts_ms)) / 60'000;
  std::array<char, 8> buf{};
  std::snprintf(buf.data(), buf.size(), "%02d:%02d", static_cast<int>(minute / 60 % 24),
                static_cast<int>(minute % 60));
  return buf.data();
}

void maintenance(const RuleInput& in, const reports::HealthReport& r) {
  for (const auto& due : r.service.due) {
    if (!reports::isMaintenanceItem(due.item)) continue;
    std::optional<double> km;
    std::optional<std::int64_t> days;
    if (due.overdue) {
      if (due.due_in_km && *due.due_in_km < 0) km = due.due_in_km;
      if (due.due_in_days && *due.due_in_days < 0) days = due.due_in_days;
    } else {
      if (due.due_in_km && *due.due_in_km <= in.t.maintenance_soon_km) km = due.due_in_km;
      if (due.due_in_days && *due.due_in_days <= in.t.maintenance_soon_days) days = due.due_in_days;
      if (!km && !days) continue;
    }
    emit(in, "maintenance." + due.item, due.item,
         due.overdue ? Severity::kWarning : Severity::kAdvisory,
         words::maintenanceDue(due.item, km, days, due.overdue),
         json{{"item", due.item},
              {"due_in_km", due.due_in_km ? json(*due.due_in_km) : json(nullptr)},
              {"due_in_days", due.due_in_days ? json(*due.due_in_days) : json(nullptr)},
              {"overdue", due.overdue}},
         true);
  }
}

// The CRM's own words; a missing language falls back to the other one.
void campaigns(const RuleInput& in, const EngagementData& data) {
  for (const auto& c : data.campaigns) {
    if (c.valid_until <= in.facts.now_ms) continue;
    const bool booking = c.kind == "recall" || c.kind == "service";
    auto pick = [](const std::string& a, const std::string& b) { return a.empty() ? b : a; };
    Condition out;
    out.rule = "campaign." + c.campaign_id;
    out.severity = c.severity;
    out.title = {pick(c.title.en, c.title.zh), pick(c.title.zh, c.title.en)};
    out.message = {pick(c.message.en, c.message.zh), pick(c.message.zh, c.message.en)};
    out.expires_ms = c.valid_until;
    out.booking = booking;
    out.uncapped = c.kind == "recall";  // a safety recall is never held back by the cap
    json detail{{"campaign_id", c.campaign_id}, {"kind", c.kind}};
    if (booking) {
      detail["offer"] = words::offerCode(in.tier);
      detail["tier"] = tierName(in.tier);
    }
    out.detail_json = detail.dump();
    in.out.push_back(std::move(out));
  }
}

// From the start of the local day before the appointment until its time.
void appointments(const RuleInput& in, const EngagementData& data) {
  const std::int64_t now = in.facts.now_ms;
  for (const auto& a : data.appointments) {
    const std::int64_t day = localDayStart(in.facts, a.at_ms);
    if (now < day - kMsPerDay || now >= a.at_ms) continue;
    emit(in, "appointment.reminder", a.appointment_id, Severity::kInfo,
         words::appointmentReminder(a.dealer_name, localClock(in.facts, a.at_ms), now < day),
         json{{"appointment_id", a.appointment_id},
              {"at_ms", a.at_ms},
              {"dealer_name", a.dealer_name},
              {"items", a.items}},
         false, a.at_ms);
  }
}

void reportReady(const RuleInput& in, const PeriodFacts& p) {
  if (!p.latest_report_id || !p.latest_report_generated_ms) return;
  const std::int64_t generated = *p.latest_report_generated_ms;
  if (generated > in.facts.now_ms || in.facts.now_ms - generated >= kReportReadyMs) return;
  emit(in, "report.ready", std::to_string(*p.latest_report_id), Severity::kInfo,
       words::reportReady(), json{{"report_id", *p.latest_report_id}, {"generated_ms", generated}},
       false, generated + kReportReadyMs);
}

// The last visit (or, with none, the delivery) was from..to months ago: a
// free check, the offer shaped by the tier. Not while a visit is booked.
void visitInvitation(const RuleInput& in, const reports::HealthReport& r,
                     const EngagementData* data) {
  if (data != nullptr) {
    for (const auto& a : data->appointments) {
      if (a.at_ms > in.facts.now_ms) return;
    }
  }
  std::string anchor;
  if (r.service.last_visit) {
    anchor = civil::isoDate(*r.service.last_visit, 0);  // midnight UTC of the visit's date
  } else if (in.facts.vehicle != nullptr) {
    anchor = in.facts.vehicle->delivered;
  }
  const auto today = civil::dayNumber(civil::isoDate(in.facts.now_ms, in.facts.utc_offset_minutes));
  const auto from = civil::addMonths(anchor, in.t.visit_invitation_from_months);
  const auto to = civil::addMonths(anchor, in.t.visit_invitation_to_months);
  if (!today || !from || !to || *today < *from || *today >= *to) return;
  int months = in.t.visit_invitation_from_months;
  while (months + 1 < in.t.visit_invitation_to_months) {
    const auto next = civil::addMonths(anchor, months + 1);
    if (!next || *next > *today) break;
    ++months;
  }
  const bool since_delivery = !r.service.last_visit;
  emit(in, "engagement.visit_invitation", "", Severity::kInfo,
       words::visitInvitation(months, since_delivery, in.tier),
       json{{"months", months}, {since_delivery ? "delivered" : "last_visit", anchor}}, true,
       *to * kMsPerDay - std::int64_t{in.facts.utc_offset_minutes} * 60'000);
}

}  // namespace

void serviceRules(const RuleInput& in) {
  const PeriodFacts* p = in.facts.period;
  if (p != nullptr) maintenance(in, p->report);
  if (in.facts.data != nullptr) {
    campaigns(in, *in.facts.data);
    appointments(in, *in.facts.data);
  }
  if (p != nullptr) {
    reportReady(in, *p);
    visitInvitation(in, p->report, in.facts.data);
  }
}

}  // namespace crm::engagement::detail
