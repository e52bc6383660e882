// The traction battery's words. Habits are put as what helps the battery,
// never as what the driver did wrong.
#include "words.h"

namespace crm::engagement::words {
namespace {

const std::string kSlowChargingHelps = " Slow charging at home keeps the battery healthier.";
const std::string kChargeLimitHelps =
    " A daily charge limit of 80–90 % keeps the battery healthier.";
const std::string kChargeLimitHelpsZh = "充电上限设为80 %至90 %更有利于电池。";
const std::string kChargeEarlyHelps = " Charging before 20 % keeps the battery healthier.";
const std::string kChargeEarlyHelpsZh = "电量降到20 %前充电更有利于动力电池。";

std::string timesEn(int n) {
  if (n == 1) return "once";
  if (n == 2) return "twice";
  return std::to_string(n) + " times";
}

}  // namespace

Words sohLow(double soh_percent, double limit_percent) {
  const std::string soh = num(soh_percent, 1), limit = num(limit_percent, 1);
  return {{"Battery health at " + soh + " %", "动力电池健康度" + soh + " %"},
          {"Battery health is " + soh + " %, below " + limit +
               " %. A check shows what the pack needs. Book a check.",
           "动力电池健康度为" + soh + " %，低于" + limit + " %。建议检查电池状态，请预约检查。"}};
}

Words degradationFast(double percent_per_year, double fleet_percent_per_year) {
  const std::string rate = num(percent_per_year, 1), fleet = num(fleet_percent_per_year, 1);
  return {
      {"Battery ageing faster than typical", "动力电池衰减偏快"},
      {"Capacity is falling " + rate + " % a year (typical: " + fleet + " %)." + kSlowChargingHelps,
       "动力电池容量每年下降" + rate + " %，常见水平为" + fleet +
           " %。在家慢充有助于保护动力电池。"}};
}

Words dcFastShare(double share) {
  const std::string pct = num(share * 100, 0);
  return {
      {"Fast charging " + pct + " % of energy", "快充占比" + pct + " %"},
      {pct + " % of the energy charged in 30 days came from DC fast chargers." + kSlowChargingHelps,
       "近30天充电量中快充占" + pct + " %。在家慢充有助于延长动力电池寿命。"}};
}

Words highSocStretch(double hours) {
  const std::string h = num(hours, 0);
  return {{"Parked at high charge for long", "长时间高电量停放"},
          {"Parked above 90 % for " + h + " h at a stretch." + kChargeLimitHelps,
           "车辆在90 %以上电量连续停放" + h + "小时。" + kChargeLimitHelpsZh}};
}

Words highSocShare(double share) {
  const std::string pct = num(share * 100, 0);
  return {{"Parked at high charge for long", "长时间高电量停放"},
          {"Parked above 90 % for " + pct + " % of parked time in 30 days." + kChargeLimitHelps,
           "近30天停车时间中" + pct + " %处于90 %以上电量。" + kChargeLimitHelpsZh}};
}

Words deepDischargeEvents(int events) {
  const std::string n = std::to_string(events);
  return {{"Battery ran below 10 % " + timesEn(events), "电量" + n + "次低于10 %"},
          {"In 30 days the battery fell below 10 % " + timesEn(events) + "." + kChargeEarlyHelps,
           "近30天电量" + n + "次低于10 %。" + kChargeEarlyHelpsZh}};
}

Words deepDischargeLow(double min_soc_percent) {
  const std::string soc = num(min_soc_percent, 1);
  return {{"Battery ran down to " + soc + " %", "电量曾降至" + soc + " %"},
          {"The battery fell to " + soc + " % in the last 30 days." + kChargeEarlyHelps,
           "近30天电量曾降至" + soc + " %。" + kChargeEarlyHelpsZh}};
}

Words hotCharging(int sessions, double pack_limit_c) {
  const std::string limit = num(pack_limit_c, 0);
  return {{"Battery hot while charging", "充电时动力电池温度偏高"},
          {"The pack ran above " + limit + " °C while charging " + timesEn(sessions) +
               " in 30 days. Slow charging in the shade keeps it cooler.",
           "近30天有" + std::to_string(sessions) + "次充电时电池温度超过" + limit +
               " °C。在阴凉处慢充可降低电池温度。"}};
}

Words cellImbalance(double mv, double normal_mv) {
  const std::string v = num(mv, 0), normal = num(normal_mv, 0);
  return {{"Battery cells out of balance", "动力电池电芯压差偏大"},
          {"Cell voltages differ by " + v + " mV at rest (normal: under " + normal +
               " mV). Book a check.",
           "静置时电芯压差" + v + " mV，正常应低于" + normal + " mV。请预约检查。"}};
}

Words lfpFullChargeDue(double days, int every_days) {
  const std::string d = num(days, 0), every = std::to_string(every_days);
  return {{"Time for a full charge", "建议充满一次电"},
          {"No full charge in " + d + " days. A charge to 100 % every " + every +
               " days keeps the LFP battery's range reading accurate.",
           "已" + d + "天未充满电。磷酸铁锂电池每" + every + "天充满一次，续航显示更准确。"}};
}

}  // namespace crm::engagement::words
