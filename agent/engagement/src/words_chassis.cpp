// Words for the 12 V battery, tyres, brakes and fault codes.
#include <array>

#include "words.h"

namespace crm::engagement::words {
namespace {

struct Position {
  std::string_view key;
  const char* en;  // sentence case
  const char* zh;
};
constexpr std::array<Position, 4> kPositions{{
    {"front_left", "Front left", "左前"},
    {"front_right", "Front right", "右前"},
    {"rear_left", "Rear left", "左后"},
    {"rear_right", "Rear right", "右后"},
}};

Text positionName(std::string_view key) {
  for (const auto& p : kPositions) {
    if (p.key == key) return {p.en, p.zh};
  }
  return {"A", ""};
}

}  // namespace

Words lvWeak(double volts, double weak_v) {
  const std::string v = num(volts, 2), weak = num(weak_v, 2);
  return {
      {"12 V battery weak", "12 V蓄电池电压偏低"},
      {"The 12 V battery rested at " + v + " V (healthy: " + weak + " V or more). Book a check.",
       "12 V蓄电池静置电压" + v + " V，正常应不低于" + weak + " V。请预约检查。"}};
}

Words lvCheckNow(double volts, double check_v) {
  const std::string v = num(volts, 2), check = num(check_v, 2);
  return {
      {"12 V battery needs a check now", "12 V蓄电池需尽快检查"},
      {"The 12 V battery rested at " + v + " V, below " + check +
           " V. The car may not start: book a check now.",
       "12 V蓄电池静置电压" + v + " V，低于" + check + " V，车辆可能无法启动。请尽快预约检查。"}};
}

Words tyrePressureLow(std::string_view position, double kpa, double placard_kpa,
                      double percent_below, bool critical) {
  const Text pos = positionName(position);
  const std::string p = num(kpa, 0), placard = num(placard_kpa, 0), pct = num(percent_below, 0);
  const std::string figures_en =
      pos.en + " tyre " + p + " kPa, " + pct + " % below " + placard + " kPa.";
  const std::string figures_zh =
      pos.zh + "轮胎压" + p + " kPa，比标准值" + placard + " kPa低" + pct + " %。";
  if (critical) {
    return {{pos.en + " tyre pressure very low", pos.zh + "轮胎压严重不足"},
            {figures_en + " Stop safely and check the tyre.", figures_zh + "请尽快安全停车检查。"}};
  }
  return {{pos.en + " tyre pressure low", pos.zh + "轮胎压过低"},
          {figures_en + " Inflate it or book a check.", figures_zh + "请充气或预约检查。"}};
}

Words tyreSlowLeak(std::string_view position, double kpa, double placard_kpa) {
  const Text pos = positionName(position);
  const std::string p = num(kpa, 0), placard = num(placard_kpa, 0);
  return {{pos.en + " tyre losing air", pos.zh + "轮胎压持续下降"},
          {pos.en + " tyre is slowly losing pressure, now " + p + " kPa (placard " + placard +
               " kPa). Book a check.",
           pos.zh + "轮胎压持续下降，当前" + p + " kPa，标准值" + placard + " kPa。请预约检查。"}};
}

Words padsWorn(std::string_view position, double wear_percent, std::optional<double> km_to_limit) {
  const Text pos = positionName(position);
  const std::string wear = num(wear_percent, 0);
  const std::string pad_en = pos.en + " brake pad is " + wear + " % worn";
  const std::string pad_zh = pos.zh + "刹车片已磨损" + wear + " %";
  if (km_to_limit) {
    const std::string km = num(*km_to_limit, 0);
    return {{"Brake pads nearly worn", "刹车片接近磨损极限"},
            {pad_en + ", about " + km + " km from its limit. Book a check.",
             pad_zh + "，约" + km + " km后需更换。请预约检查。"}};
  }
  return {{"Brake pads nearly worn", "刹车片接近磨损极限"},
          {pad_en + ". Book a pad replacement.", pad_zh + "。请预约更换。"}};
}

Words brakeFluidLow(double percent, double limit_percent) {
  const std::string p = num(percent, 0), limit = num(limit_percent, 0);
  return {{"Brake fluid low", "制动液液位过低"},
          {"Brake fluid is at " + p + " % (minimum " + limit +
               " %). Drive gently and have the brakes checked now.",
           "制动液液位" + p + " %，低于" + limit + " %。请谨慎驾驶并尽快检查制动系统。"}};
}

Words dtcActive(std::string_view code_view) {
  const std::string code(code_view);
  if (code == "P0AA6") {
    return {{"High-voltage fault " + code, "高压绝缘故障" + code},
            {"High-voltage isolation fault (" + code + "). Stop safely and contact your dealer.",
             "检测到高压绝缘故障（" + code + "）。请安全停车并联系经销商。"}};
  }
  struct Pack {
    const char* code;
    const char* en;
    const char* zh;
  };
  static constexpr std::array<Pack, 3> kPack{{
      {"P0A80", "battery pack needs service", "动力电池需检修"},
      {"P0A7F", "battery pack wear", "动力电池性能衰退"},
      {"P0A7E", "battery pack over temperature", "动力电池温度过高"},
  }};
  for (const auto& p : kPack) {
    if (code == p.code) {
      return {{"Battery pack fault " + code, std::string(p.zh) + code},
              {"The car reported " + code + ": " + p.en + ". Book a check soon.",
               "车辆报告" + code + "：" + p.zh + "。请尽快预约检查。"}};
    }
  }
  return {{"Fault code " + code, "故障码" + code},
          {"The car reported fault code " + code + ". Book a check so the dealer can read it.",
           "车辆报告故障码" + code + "。请预约检查，由经销商读取诊断。"}};
}

}  // namespace crm::engagement::words
