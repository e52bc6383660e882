// What each rule says to the driver, in English and Simplified Chinese
// (docs/engagement.md, "Words"). Glanceable: a title of at most 40 Latin or
// 16 Chinese characters, a message of at most 120 Latin or 50 Chinese
// characters, with the figure and its unit and one clear action. Chinese
// uses full-width punctuation and the terms drivers know (动力电池, 快充,
// 慢充, 胎压, 保养). The words say what helps, never whose fault it was.
// Private to engagement.
//
// Threading: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crm/engagement/facts.h"
#include "crm/engagement/prompt.h"

namespace crm::engagement::words {

// Length limits in code points (a Chinese character is one).
inline constexpr std::size_t kTitleMaxEn = 40;
inline constexpr std::size_t kTitleMaxZh = 16;
inline constexpr std::size_t kMessageMaxEn = 120;
inline constexpr std::size_t kMessageMaxZh = 50;

struct Words {
  Text title, message;
};

std::size_t codePoints(std::string_view utf8);
// `v` with at most `decimals` decimals, trailing zeros dropped ("3.4", "80").
std::string num(double v, int decimals);

// --- Offers (tiers change the offer, never the facts).
// The stable code of the tier's offer with a booking, for detail_json:
// "booking" | "free_wash" | "pickup_delivery_priority".
const char* offerCode(Tier tier);
// Appends the tier's offer to each language's message where it still fits
// the limit; the basic tier has nothing to add.
void addOffer(Text& message, Tier tier);

// --- Battery (words_battery.cpp).
Words sohLow(double soh_percent, double limit_percent);
Words degradationFast(double percent_per_year, double fleet_percent_per_year);
Words dcFastShare(double share);
Words highSocStretch(double hours);
Words highSocShare(double share);
Words deepDischargeEvents(int events);
Words deepDischargeLow(double min_soc_percent);
Words hotCharging(int sessions, double pack_limit_c);
Words cellImbalance(double mv, double normal_mv);
Words lfpFullChargeDue(double days, int every_days);

// --- Chassis (words_chassis.cpp). Positions: front_left, front_right,
// rear_left, rear_right (else "a tyre", "a brake pad").
Words lvWeak(double volts, double weak_v);
Words lvCheckNow(double volts, double check_v);
Words tyrePressureLow(std::string_view position, double kpa, double placard_kpa,
                      double percent_below, bool critical);
Words tyreSlowLeak(std::string_view position, double kpa, double placard_kpa);
Words padsWorn(std::string_view position, double wear_percent, std::optional<double> km_to_limit);
Words brakeFluidLow(double percent, double limit_percent);
Words dtcActive(std::string_view code);

// --- Service (words_service.cpp).
// `due_in_*`: the figures that made it due (null: not one of them).
Words maintenanceDue(std::string_view item, std::optional<double> due_in_km,
                     std::optional<std::int64_t> due_in_days, bool overdue);
// `time` "HH:MM" local; `tomorrow` false: today.
Words appointmentReminder(std::string_view dealer_name, std::string_view time, bool tomorrow);
Words reportReady();
Words visitInvitation(int months, bool since_delivery, Tier tier);

}  // namespace crm::engagement::words
