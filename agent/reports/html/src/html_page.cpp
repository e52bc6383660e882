#include "html_page.h"

namespace crm::reports::html {
namespace {

// Chinese glyphs come from whichever CJK font the head unit has: Noto Sans
// CJK (fonts-noto-cjk) first, WenQuanYi Micro Hei (fonts-wqy-microhei) as
// the small fallback. The CJK fonts lead for Chinese so punctuation and
// digits come from the same face as the characters around them.
constexpr const char* kLatinFonts = "\"Noto Sans\",\"DejaVu Sans\",\"Liberation Sans\",Arial";
constexpr const char* kCjkFonts =
    "\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"WenQuanYi Micro Hei\",\"Microsoft YaHei\","
    "\"PingFang SC\"";

// Colours: dark background, high contrast; status colours chosen to stay
// apart for the common colour-vision deficiencies (and a symbol and a word
// go with each anyway).
constexpr const char* kStyle = R"css(
*{box-sizing:border-box;margin:0;padding:0}
html{background:#0b0f14;color:#eef2f6;font-size:18px;line-height:1.3;scrollbar-width:none}
::-webkit-scrollbar{display:none}
body{max-width:1280px;margin:0 auto}
.screen{height:720px;padding:14px 20px;display:flex;flex-direction:column;gap:12px;overflow:hidden}
.more{padding:14px 20px 20px;display:flex;flex-direction:column;gap:12px}
header{display:flex;justify-content:space-between;align-items:flex-end;gap:20px}
h1{font-size:30px;line-height:1.15}
.veh,.period{color:#a9b5c1;font-size:18px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.veh{max-width:760px}
h2{font-size:19px;color:#c9d3dc;margin-bottom:6px;font-weight:600}
.lights{display:grid;grid-template-columns:repeat(7,1fr);gap:8px}
.light{background:#161d26;border-radius:12px;padding:8px 8px 8px 10px;border-left:6px solid #6b7785;min-width:0;height:118px;overflow:hidden}
.top{display:flex;gap:8px;align-items:center;min-height:30px}
.dot{flex:none;width:28px;height:28px;border-radius:50%;display:flex;align-items:center;justify-content:center;font-size:18px;font-weight:700;color:#0b0f14;background:#6b7785}
.sys{font-size:16px;color:#c9d3dc;line-height:1.1}
.state{font-size:17px;font-weight:700;margin:4px 0 2px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.det{font-size:14px;color:#a9b5c1;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden}
.green{border-color:#34d17a}.green .dot{background:#34d17a}.green .state,.v.green{color:#34d17a}
.amber{border-color:#ffb524}.amber .dot{background:#ffb524}.amber .state,.v.amber{color:#ffb524}
.red{border-color:#ff5c5c}.red .dot{background:#ff5c5c}.red .state,.v.red{color:#ff5c5c}
.grey .state{color:#a9b5c1}
.main{flex:1;min-height:0;display:grid;grid-template-columns:1fr 410px;gap:12px}
.figs{display:grid;grid-template-columns:repeat(3,1fr);grid-template-rows:repeat(3,1fr);gap:10px;min-height:0}
.fig,.panel,.card{background:#161d26;border-radius:12px;padding:10px 14px;min-width:0;overflow:hidden}
.fig{padding:12px 16px}
.k{font-size:17px;color:#a9b5c1}
.v{font-size:40px;font-weight:700;white-space:nowrap;margin:4px 0}
.v small{font-size:19px;font-weight:400;color:#c9d3dc}
.s{font-size:16px;color:#a9b5c1}
.side{display:flex;flex-direction:column;gap:10px;min-height:0}
.side .panel:last-child{flex:1}
.habits{width:100%;border-collapse:collapse}
.habits td{font-size:17px;padding:2px 0}
.habits td:last-child{text-align:right;white-space:nowrap}
.stars{font-size:22px;letter-spacing:1px}.on{color:#ffc940}.off{color:#3a4654}
.none,.nodata,.note{color:#a9b5c1;font-size:16px}
.nodata{padding:40px 0;text-align:center}
.advice{list-style:none}
.advice li{font-size:17px;margin-bottom:8px;padding-left:16px;border-left:4px solid #4da3ff}
.charts{display:grid;grid-template-columns:repeat(3,1fr);gap:12px}
.card svg{display:block;width:100%;height:auto}
.list{width:100%;border-collapse:collapse}
.list td{font-size:16px;padding:4px 0;border-bottom:1px solid #243040}
.list td:last-child{text-align:right;white-space:nowrap;padding-left:8px}
.tag{font-size:14px;padding:1px 8px;border-radius:8px;color:#0b0f14;font-weight:700}
.tag.red{background:#ff5c5c}.tag.grey{background:#6b7785}.tag.amber{background:#ffb524}.tag.blue{background:#4da3ff}
.rem td{white-space:nowrap;padding-right:12px}.rem td.what{white-space:normal;width:100%}
footer{color:#a9b5c1;font-size:15px}
svg text{fill:#c9d3dc;font-size:13px}
svg .lg,svg .lv{font-size:14px}svg .lv{fill:#eef2f6;font-weight:700}
svg .big{font-size:28px;font-weight:700;fill:#eef2f6}
svg .val{font-size:12px;fill:#eef2f6}
svg .unit{font-size:12px;fill:#a9b5c1}
.grid{stroke:#2a3542;stroke-width:1}.axis{stroke:#5b6776;stroke-width:1}
.limit{stroke:#ff5c5c;stroke-width:1.5;stroke-dasharray:4 4}
.band{fill:#4da3ff;fill-opacity:.25}
.soh{fill:none;stroke:#4da3ff;stroke-width:3}
.dotsoh{fill:#4da3ff}.dotproj{fill:#ffb524}
.proj{stroke:#ffb524;stroke-width:2.5;stroke-dasharray:6 5}
.ringac{fill:none;stroke:#34d17a;stroke-width:26}
.ringdc{fill:none;stroke:#ff8a3d;stroke-width:26}
.swac{fill:#34d17a}.swdc{fill:#ff8a3d}
.barstart{fill:#ff8a3d}.barend{fill:#4da3ff}.barkm{fill:#4da3ff}.bareff{fill:#34d17a}
)css";

}  // namespace

std::string styleSheet(Lang lang) {
  std::string fonts = lang == Lang::kZh ? std::string(kCjkFonts) + "," + kLatinFonts
                                        : std::string(kLatinFonts) + "," + kCjkFonts;
  return "html{font-family:" + fonts + ",sans-serif}" + kStyle;
}

}  // namespace crm::reports::html
