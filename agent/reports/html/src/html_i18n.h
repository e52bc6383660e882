// Every visible string of the HTML report, in English and Simplified Chinese.
// Private to crm_report_html.
//
// Threading: pure functions over constant tables.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace crm::reports::html {

enum class Lang { kEn, kZh };

// "zh-CN" (and "zh", "zh-Hans") select Chinese; anything else English.
Lang langOf(std::string_view tag);
// The value of <html lang=...>.
const char* langTag(Lang lang);

enum class Msg {
  kTitle,
  kVin,
  kNoData,
  kNoDataYet,
  kDetails,
  // Systems of the traffic-light summary and their states.
  kSysBattery,
  kSysCharging,
  kSysLowVoltage,
  kSysTyres,
  kSysBrakes,
  kSysFaults,
  kSysService,
  kGood,
  kWatch,
  kAttention,
  kUnknown,
  kDetailSoh,
  kDetailDcShare,
  kDetailHabitMin,
  kDetailVoltage,
  kDetailTyresOk,
  kDetailPadWear,
  kDetailTyreLow,
  kDetailTyreLeak,
  kDetailTyreVeryLow,
  kDetailNoActiveFaults,
  kDetailActiveFaults,
  kDetailOverdue,
  kDetailNext,
  kDetailNothingDue,
  // Key figures.
  kFigSoh,
  kSrcBms,
  kSrcEstimated,
  kSrcCombined,
  kFigAgeing,
  kPerYear,
  kFigAgeingTypical,
  kSlower,
  kFaster,
  kFig80,
  kFig80Km,
  kFigOdometer,
  kFigDistance,
  kFigDistanceSub,
  kFigEfficiency,
  kFigSessions,
  kFigSessionsSub,
  kFigDcShare,
  kFigDcShareSub,
  kFigWindow,
  kFigWindowSub,
  // Habit scores.
  kHabits,
  kHabitFast,
  kHabitHighSoc,
  kHabitDeep,
  kHabitTemp,
  kStarsOf,
  // Advice.
  kAdvice,
  kMoreAdvice,
  kAdvDcHigh,
  kAdvDcVeryHigh,
  kAdvHighSoc,
  kAdvDeep,
  kAdvHot,
  kAdvImbalance,
  kAdvAgeingFast,
  kAdvAgeingSlow,
  kAdvLowVoltage,
  kAdvBrakes,
  kAdvTyres,
  kAdvFaults,
  kAdvService,
  kAdvAllGood,
  kAdvNoData,
  // Charts.
  kChartSoh,
  kInterval,
  kProjection,
  kChartMix,
  kAc,
  kDc,
  kChartSoc,
  kSocStart,
  kSocEnd,
  kChartMonthly,
  kChartEfficiency,
  kSessionsCount,
  kSessionsUnit,
  // Service and faults.
  kServiceFaults,
  kDueKm,
  kDueDays,
  kOverdue,
  kLastVisit,
  kFaultActive,
  kFaultCleared,
  kNoFaults,
  kServiceItem,
  kFaultCode,
  kItemTyreRotation,
  kItemCabinFilter,
  kItemBrakeFluid,
  kItemAcDesiccant,
  kItemInspection,
  kItemBrakeCaliper,
  kTyreFrontLeft,
  kTyreFrontRight,
  kTyreRearLeft,
  kTyreRearRight,
  kDataQuality,
  // The period's prompts for the driver.
  kReminders,
  kNoReminders,
  kMoreReminders,
  kSevCritical,
  kSevWarning,
  kSevAdvisory,
  kSevInfo,
  kStateWaiting,
  kStateShown,
  kStateAccepted,
  kStateSnoozed,
  kStateDismissed,
  kStateExpired,
  kStateWithdrawn,
  kCount
};

// The translation; HTML-safe (the tables hold no markup characters).
const char* tr(Lang lang, Msg msg);
// tr() with "{0}", "{1}"... replaced by `args` in order. The args are
// inserted as given: the caller escapes anything that came from the report.
std::string trf(Lang lang, Msg msg, std::initializer_list<std::string> args);

// A report key such as "brake_fluid" or "front_left" in words; unknown keys
// come back with '_' as spaces (the caller escapes them).
std::string serviceItemName(Lang lang, const std::string& key);
std::string tyrePositionName(Lang lang, const std::string& key);

}  // namespace crm::reports::html
