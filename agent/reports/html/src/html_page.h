// The page frame of the HTML report: the inline style sheet and the font
// lists. Private to crm_report_html.
#pragma once

#include <string>

#include "html_i18n.h"

namespace crm::reports::html {

// The <style> contents, for a 1280x720 head-unit screen, dark theme.
std::string styleSheet(Lang lang);

}  // namespace crm::reports::html
