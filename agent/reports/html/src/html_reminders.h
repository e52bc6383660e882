// The "Reminders" card of the HTML report: the prompts the car raised for
// the driver in the period. Private to crm_report_html.
//
// Threading: pure function. Returns HTML-safe markup.
#pragma once

#include <string>
#include <vector>

#include "crm/reports/chart_data.h"
#include "html_i18n.h"

namespace crm::reports::html {

// One row per prompt, newest first: the date it was raised, its severity,
// its title in `lang` (the other language when that one is empty) and what
// became of it. At most a card's worth of rows, then a line counting the
// rest; "No reminders in this period" when `prompts` is empty.
std::string renderReminders(const std::vector<ChartData::PromptLine>& prompts, Lang lang);

}  // namespace crm::reports::html
