#include "html_i18n.h"

#include <array>
#include <cstddef>

#include "html_text.h"

namespace crm::reports::html {
namespace {

struct Entry {
  Msg id;
  const char* en;
  const char* zh;
};

// Kept in the order of Msg; the static_assert below checks it. Units (km,
// kWh, V, %) stay as symbols in Chinese too, as Chinese car displays show them.
constexpr Entry kTable[] = {
    {Msg::kTitle, "Vehicle health report", "车辆健康报告"},
    {Msg::kVin, "VIN", "车架号"},
    {Msg::kNoData, "not enough data", "数据不足"},
    {Msg::kNoDataYet, "Not enough data yet", "数据尚不足"},
    {Msg::kDetails, "Details", "详细信息"},
    {Msg::kSysBattery, "Battery", "动力电池"},
    {Msg::kSysCharging, "Charging habits", "充电习惯"},
    {Msg::kSysLowVoltage, "12 V battery", "12V 蓄电池"},
    {Msg::kSysTyres, "Tyres", "轮胎"},
    {Msg::kSysBrakes, "Brakes", "制动"},
    {Msg::kSysFaults, "Faults", "故障"},
    {Msg::kSysService, "Service", "保养"},
    {Msg::kGood, "Good", "良好"},
    {Msg::kWatch, "Check soon", "请留意"},
    {Msg::kAttention, "Act now", "需要处理"},
    {Msg::kUnknown, "No data yet", "暂无数据"},
    {Msg::kDetailSoh, "Health {0} %", "健康度 {0}%"},
    {Msg::kDetailDcShare, "Fast charging {0} %", "快充占比 {0}%"},
    {Msg::kDetailHabitMin, "Lowest score {0} of 5", "最低评分 {0}/5"},
    {Msg::kDetailVoltage, "{0} V at rest", "静置电压 {0} V"},
    {Msg::kDetailTyresOk, "Pressures fine", "胎压正常"},
    {Msg::kDetailPadWear, "Pads {0} % worn", "刹车片磨损 {0}%"},
    {Msg::kDetailTyreLow, "{0} low", "{0}胎压偏低"},
    {Msg::kDetailTyreLeak, "{0} slow leak", "{0}疑似慢漏气"},
    {Msg::kDetailTyreVeryLow, "{0} very low", "{0}胎压过低"},
    {Msg::kDetailNoActiveFaults, "No active faults", "无当前故障"},
    {Msg::kDetailActiveFaults, "Active faults: {0}", "当前故障：{0} 个"},
    {Msg::kDetailOverdue, "Overdue: {0}", "已逾期：{0}"},
    {Msg::kDetailNext, "Next: {0}", "下次：{0}"},
    {Msg::kDetailNothingDue, "Nothing due", "暂无待办"},
    {Msg::kFigSoh, "Battery health (SOH)", "电池健康度 (SOH)"},
    {Msg::kSrcBms, "from the car", "车辆读数"},
    {Msg::kSrcEstimated, "estimated", "估算值"},
    {Msg::kSrcCombined, "car and estimate", "综合值"},
    {Msg::kFigAgeing, "Capacity loss a year", "每年容量衰减"},
    {Msg::kPerYear, "%/yr", "%/年"},
    {Msg::kFigAgeingTypical, "Typical car {0} %/yr", "典型车辆 {0}%/年"},
    {Msg::kSlower, "slower", "较慢"},
    {Msg::kFaster, "faster", "较快"},
    {Msg::kFig80, "Expected at 80 % health", "预计降至 80% 健康度"},
    {Msg::kFig80Km, "at about {0} km", "约 {0} km 时"},
    {Msg::kFigOdometer, "Odometer", "总里程"},
    {Msg::kFigDistance, "Driven this period", "本期行驶"},
    {Msg::kFigDistanceSub, "{0} trips · {1} km a day", "{0} 次行程 · 日均 {1} km"},
    {Msg::kFigEfficiency, "Energy use", "平均能耗"},
    {Msg::kFigSessions, "Charging sessions", "充电次数"},
    {Msg::kFigSessionsSub, "{0} kWh charged", "共充入 {0} kWh"},
    {Msg::kFigDcShare, "Fast-charging share", "快充电量占比"},
    {Msg::kFigDcShareSub, "{0} DC · {1} over 100 kW", "直流 {0} 次 · 超 100 kW {1} 次"},
    {Msg::kFigWindow, "Typical charge", "常用充电区间"},
    {Msg::kFigWindowSub, "average start to end", "平均起始至结束电量"},
    {Msg::kHabits, "Battery-friendly habits", "护电习惯评分"},
    {Msg::kHabitFast, "Fast charging", "快充使用"},
    {Msg::kHabitHighSoc, "Parking fully charged", "高电量停放"},
    {Msg::kHabitDeep, "Running low", "低电量行驶"},
    {Msg::kHabitTemp, "Charging temperature", "充电温度"},
    {Msg::kStarsOf, "{0} of 5 stars", "{0} 星（满分 5 星）"},
    {Msg::kAdvice, "Advice", "建议"},
    {Msg::kMoreAdvice, "More advice", "更多建议"},
    {Msg::kAdvDcHigh,
     "Fast charging makes up {0} % of your charging; charging at home more often helps the "
     "battery last.",
     "快充占您充电量的 {0}%；多在家中慢充有助于延长电池寿命。"},
    {Msg::kAdvDcVeryHigh,
     "Fast charging makes up {0} % of your charging, which ages the battery faster; charge at "
     "home or at AC chargers when you can.",
     "快充占您充电量的 {0}%，会加快电池老化；条件允许时请尽量使用家用或交流慢充。"},
    {Msg::kAdvHighSoc,
     "The car sat above 90 % charge for {0} hours; a limit of 80-90 % for everyday driving is "
     "kinder to the battery.",
     "车辆在 90% 以上电量停放了 {0} 小时；日常用车将充电上限设为 80-90% 更有利于电池。"},
    {Msg::kAdvDeep, "The charge fell below 10 % {0} times; plugging in a little earlier helps.",
     "电量 {0} 次低于 10%；稍早一些充电对电池更好。"},
    {Msg::kAdvHot,
     "{0} charging sessions ran with a hot battery; charging in the shade or after a short rest "
     "helps.",
     "有 {0} 次充电时电池温度过高；在阴凉处或稍作停留后再充电会更好。"},
    {Msg::kAdvImbalance,
     "Cell voltages differ by up to {0} mV; ask your dealer to check the battery at your next "
     "visit.",
     "电芯电压差最高达 {0} mV；下次到店时请经销商检查电池。"},
    {Msg::kAdvAgeingFast,
     "Your battery loses {0} % a year, more than the typical {1} %; the tips here slow that down.",
     "您的电池每年衰减 {0}%，高于典型的 {1}%；遵循这些建议可减缓衰减。"},
    {Msg::kAdvAgeingSlow,
     "Your battery loses {0} % a year, less than the typical {1} %. Keep it up.",
     "您的电池每年衰减 {0}%，低于典型的 {1}%。请继续保持。"},
    {Msg::kAdvLowVoltage,
     "The 12 V battery is weak; have it checked before it stops the car starting.",
     "12V 蓄电池电量偏弱；请尽快检查，以免车辆无法启动。"},
    {Msg::kAdvBrakes, "Have the brake pads and fluid checked at your next visit.",
     "请在下次到店时检查刹车片和制动液。"},
    {Msg::kAdvTyres, "Check your tyre pressures: {0}.", "请检查胎压：{0}。"},
    {Msg::kAdvFaults, "{0} fault(s) active ({1}); please book a visit with your dealer.",
     "当前有 {0} 个故障（{1}）；请预约经销商检查。"},
    {Msg::kAdvService, "Service overdue: {0}. Please book a visit with your dealer.",
     "保养已逾期：{0}。请预约经销商。"},
    {Msg::kAdvAllGood, "Everything looks good. Keep driving and charging as you do.",
     "一切正常。请保持现在的用车和充电习惯。"},
    {Msg::kAdvNoData, "Not enough data yet: the report fills in after a few weeks of driving.",
     "数据尚不足：行驶几周后报告内容会更完整。"},
    {Msg::kChartSoh, "Battery health over time", "电池健康度变化"},
    {Msg::kInterval, "range", "区间"},
    {Msg::kProjection, "projection", "预测"},
    {Msg::kChartMix, "Charging mix (energy)", "充电构成（电量）"},
    {Msg::kAc, "AC (home, work)", "交流慢充"},
    {Msg::kDc, "DC fast", "直流快充"},
    {Msg::kChartSoc, "Charge level at start and end", "充电开始与结束时电量"},
    {Msg::kSocStart, "start", "开始"},
    {Msg::kSocEnd, "end", "结束"},
    {Msg::kChartMonthly, "Distance per month", "每月行驶里程"},
    {Msg::kChartEfficiency, "Energy use by temperature", "不同气温下的能耗"},
    {Msg::kSessionsCount, "{0} of {1} sessions", "{1} 次中的 {0} 次"},
    {Msg::kSessionsUnit, "sessions", "次数"},
    {Msg::kServiceFaults, "Service and faults", "保养与故障"},
    {Msg::kDueKm, "in {0} km", "{0} km 后"},
    {Msg::kDueDays, "in {0} days", "{0} 天后"},
    {Msg::kOverdue, "overdue", "已逾期"},
    {Msg::kLastVisit, "Last dealer visit: {0}", "上次到店：{0}"},
    {Msg::kFaultActive, "active", "当前"},
    {Msg::kFaultCleared, "cleared", "已消除"},
    {Msg::kNoFaults, "No faults recorded", "无故障记录"},
    {Msg::kServiceItem, "Service", "保养项目"},
    {Msg::kFaultCode, "Fault", "故障码"},
    {Msg::kItemTyreRotation, "Tyre rotation", "轮胎换位"},
    {Msg::kItemCabinFilter, "Cabin filter", "空调滤芯"},
    {Msg::kItemBrakeFluid, "Brake fluid", "制动液"},
    {Msg::kItemAcDesiccant, "A/C desiccant", "空调干燥剂"},
    {Msg::kItemInspection, "Annual inspection", "年度检查"},
    {Msg::kItemBrakeCaliper, "Brake calipers", "制动卡钳"},
    {Msg::kTyreFrontLeft, "front left", "左前"},
    {Msg::kTyreFrontRight, "front right", "右前"},
    {Msg::kTyreRearLeft, "rear left", "左后"},
    {Msg::kTyreRearRight, "rear right", "右后"},
    {Msg::kDataQuality, "Based on {0} readings ({1} rejected, {2} gaps).",
     "基于 {0} 个数据点（剔除 {1} 个，缺口 {2} 处）。"},
    {Msg::kReminders, "Reminders", "提醒"},
    {Msg::kNoReminders, "No reminders in this period", "本期无提醒"},
    {Msg::kMoreReminders, "{0} earlier reminders not listed", "另有 {0} 条较早的提醒未列出"},
    {Msg::kSevCritical, "Critical", "紧急"},
    {Msg::kSevWarning, "Warning", "警告"},
    {Msg::kSevAdvisory, "Advisory", "提示"},
    {Msg::kSevInfo, "Info", "通知"},
    // Raised but not shown yet: the car was moving, it was night, or the
    // day's limit was reached.
    {Msg::kStateWaiting, "waiting", "待显示"},
    {Msg::kStateShown, "shown", "已显示"},
    {Msg::kStateAccepted, "accepted", "已接受"},
    {Msg::kStateSnoozed, "snoozed", "稍后提醒"},
    {Msg::kStateDismissed, "dismissed", "已忽略"},
    {Msg::kStateExpired, "expired", "已过期"},
    // The condition went away (a tyre inflated again).
    {Msg::kStateWithdrawn, "withdrawn", "已撤回"},
};

constexpr bool tableInOrder() {
  for (std::size_t i = 0; i < std::size(kTable); ++i) {
    if (static_cast<std::size_t>(kTable[i].id) != i) return false;
  }
  return std::size(kTable) == static_cast<std::size_t>(Msg::kCount);
}
static_assert(tableInOrder(), "kTable must list every Msg once, in enum order");

std::string keyToWords(const std::string& key) {
  std::string s = clip(key, 40);  // a real key is a word or two
  for (auto& c : s) {
    if (c == '_') c = ' ';
  }
  return s;
}

}  // namespace

Lang langOf(std::string_view tag) {
  return tag == "zh-CN" || tag == "zh" || tag == "zh-Hans" || tag == "zh_CN" ? Lang::kZh
                                                                             : Lang::kEn;
}

const char* langTag(Lang lang) {
  return lang == Lang::kZh ? "zh-CN" : "en";
}

const char* tr(Lang lang, Msg msg) {
  const auto i = static_cast<std::size_t>(msg);
  if (i >= std::size(kTable)) return "";
  return lang == Lang::kZh ? kTable[i].zh : kTable[i].en;
}

std::string trf(Lang lang, Msg msg, std::initializer_list<std::string> args) {
  std::string out = tr(lang, msg);
  std::size_t n = 0;
  for (const auto& arg : args) {
    const std::string mark = "{" + std::to_string(n++) + "}";
    // Replace after the inserted text so an argument holding "{1}" stays as is.
    for (std::size_t at = out.find(mark); at != std::string::npos;
         at = out.find(mark, at + arg.size())) {
      out.replace(at, mark.size(), arg);
    }
  }
  return out;
}

std::string serviceItemName(Lang lang, const std::string& key) {
  static constexpr std::pair<const char*, Msg> kItems[] = {
      {"tire_rotation", Msg::kItemTyreRotation}, {"tyre_rotation", Msg::kItemTyreRotation},
      {"cabin_filter", Msg::kItemCabinFilter},   {"brake_fluid", Msg::kItemBrakeFluid},
      {"ac_desiccant", Msg::kItemAcDesiccant},   {"annual_inspection", Msg::kItemInspection},
      {"brake_caliper", Msg::kItemBrakeCaliper}, {"brake_calipers", Msg::kItemBrakeCaliper}};
  for (const auto& [name, msg] : kItems) {
    if (key == name) return tr(lang, msg);
  }
  return keyToWords(key);
}

std::string tyrePositionName(Lang lang, const std::string& key) {
  static constexpr std::pair<const char*, Msg> kPositions[] = {
      {"front_left", Msg::kTyreFrontLeft},
      {"front_right", Msg::kTyreFrontRight},
      {"rear_left", Msg::kTyreRearLeft},
      {"rear_right", Msg::kTyreRearRight}};
  for (const auto& [name, msg] : kPositions) {
    if (key == name) return tr(lang, msg);
  }
  return keyToWords(key);
}

}  // namespace crm::reports::html
