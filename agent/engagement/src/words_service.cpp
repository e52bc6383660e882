// Words for maintenance, appointments, reports and the visit invitation.
#include <array>
#include <cmath>

#include "words.h"

namespace crm::engagement::words {
namespace {

struct Item {
  std::string_view key;
  const char* en;
  const char* zh;
};
// The items of reports::kMaintenanceItems.
constexpr std::array<Item, 5> kItems{{
    {"tire_rotation", "Tyre rotation", "轮胎换位"},
    {"cabin_filter", "Cabin air filter", "空调滤芯更换"},
    {"brake_fluid", "Brake fluid change", "制动液更换"},
    {"ac_desiccant", "A/C desiccant", "空调干燥剂更换"},
    {"annual_inspection", "Annual inspection", "年度检查"},
}};

Text itemName(std::string_view key) {
  for (const auto& i : kItems) {
    if (i.key == key) return {i.en, i.zh};
  }
  return {"Maintenance", "保养项目"};
}

// A name from outside, cut to fit a message: whole code points, "…" added.
std::string clip(std::string_view s, std::size_t max_points) {
  if (codePoints(s) <= max_points) return std::string(s);
  std::size_t points = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && ++points > max_points - 1) break;
  }
  return std::string(s.substr(0, i)) + "…";
}

std::string days(std::int64_t n) {
  return std::to_string(n) + (n == 1 ? " day" : " days");
}

}  // namespace

Words maintenanceDue(std::string_view item, std::optional<double> due_in_km,
                     std::optional<std::int64_t> due_in_days, bool overdue) {
  const Text name = itemName(item);
  std::string en, zh;
  if (overdue) {
    const auto km = due_in_km ? num(std::fabs(*due_in_km), 0) : "";
    const auto d = due_in_days ? std::llabs(*due_in_days) : 0;
    if (due_in_km && due_in_days) {
      en = " is overdue by " + km + " km and " + days(d) + ".";
      zh = "已超期" + km + " km和" + std::to_string(d) + "天。";
    } else if (due_in_km) {
      en = " is overdue by " + km + " km.";
      zh = "已超期" + km + " km。";
    } else {
      en = " is overdue by " + days(d) + ".";
      zh = "已超期" + std::to_string(d) + "天。";
    }
    return {{name.en + " overdue", name.zh + "已超期"},
            {name.en + en + " Book a service.", name.zh + zh + "请预约保养。"}};
  }
  const auto km = due_in_km ? num(std::max(0.0, *due_in_km), 0) : "";
  const auto d = due_in_days ? std::max<std::int64_t>(0, *due_in_days) : 0;
  if (due_in_km && due_in_days) {
    en = " is due in " + km + " km or " + days(d) + ".";
    zh = "还有" + km + " km或" + std::to_string(d) + "天到期。";
  } else if (due_in_km) {
    en = " is due in " + km + " km.";
    zh = "还有" + km + " km到期。";
  } else {
    en = " is due in " + days(d) + ".";
    zh = "还有" + std::to_string(d) + "天到期。";
  }
  return {{name.en + " due soon", name.zh + "即将到期"},
          {name.en + en + " Book a service.", name.zh + zh + "请预约保养。"}};
}

Words appointmentReminder(std::string_view dealer_name, std::string_view time, bool tomorrow) {
  const std::string t(time);
  const std::string when_en = (tomorrow ? "tomorrow at " : "today at ") + t;
  const std::string when_zh = (tomorrow ? "明天" : "今天") + t;
  const std::string at_en = dealer_name.empty() ? "" : " at " + clip(dealer_name, 40);
  const std::string at_zh = dealer_name.empty() ? "您的" : "您在" + clip(dealer_name, 14) + "的";
  return {{"Service visit " + when_en, when_zh + "到店保养"},
          {"Your service visit" + at_en + " is " + when_en + ". Plan your trip there.",
           at_zh + "保养预约是" + when_zh + "，请合理安排出行。"}};
}

Words reportReady() {
  return {{"Your car's health report is ready", "车辆健康报告已生成"},
          {"Battery health, charging habits and service on one page. Open it under Reports.",
           "电池健康、充电习惯与保养情况一览。请在“报告”中查看。"}};
}

Words visitInvitation(int months, bool since_delivery, Tier tier) {
  const std::string m = std::to_string(months);
  const std::string since_en =
      m + " months since " + (since_delivery ? "your car was delivered." : "your last visit.");
  const std::string since_zh = (since_delivery ? "提车已" : "距上次到店已") + m + "个月。";
  std::string offer_en = " Book a free check-up.", offer_zh = "欢迎预约免费检测。";
  if (tier == Tier::kMiddle) {
    offer_en = " Book a free check-up with a free car wash.";
    offer_zh = "欢迎预约免费检测，并享免费洗车。";
  } else if (tier == Tier::kHigh) {
    offer_en = " Book a free check-up with pick-up, delivery and a priority slot.";
    offer_zh = "欢迎预约免费检测，享上门取送车和优先预约。";
  }
  return {{"Time for a free check-up", "邀您到店免费检测"},
          {since_en + offer_en, since_zh + offer_zh}};
}

}  // namespace crm::engagement::words
