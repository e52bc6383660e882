// Shared pieces of the words: numbers as drivers read them, lengths in
// code points, and the tier offers.
#include "words.h"

#include <array>
#include <cmath>
#include <cstdio>

namespace crm::engagement::words {

std::size_t codePoints(std::string_view utf8) {
  std::size_t n = 0;
  for (unsigned char c : utf8) {
    if ((c & 0xC0) != 0x80) ++n;  // continuation bytes belong to the previous one
  }
  return n;
}

std::string num(double v, int decimals) {
  std::array<char, 48> buf{};
  const double scale = std::pow(10.0, decimals);
  double rounded = std::round(v * scale) / scale;
  if (rounded == 0) rounded = 0;  // no "-0"
  std::snprintf(buf.data(), buf.size(), "%.*f", decimals, rounded);
  std::string s = buf.data();
  if (s.find('.') != std::string::npos) {
    s.erase(s.find_last_not_of('0') + 1);
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

const char* offerCode(Tier tier) {
  switch (tier) {
    case Tier::kMiddle:
      return "free_wash";
    case Tier::kHigh:
      return "pickup_delivery_priority";
    case Tier::kBasic:
      break;
  }
  return "booking";
}

void addOffer(Text& message, Tier tier) {
  Text offer;
  switch (tier) {
    case Tier::kBasic:
      return;
    case Tier::kMiddle:
      offer = {" A free car wash comes with the visit.", "到店享免费洗车。"};
      break;
    case Tier::kHigh:
      offer = {" Free pick-up and delivery, priority slot.", "享上门取送车和优先预约。"};
      break;
  }
  if (codePoints(message.en) + codePoints(offer.en) <= kMessageMaxEn) message.en += offer.en;
  if (codePoints(message.zh) + codePoints(offer.zh) <= kMessageMaxZh) message.zh += offer.zh;
}

}  // namespace crm::engagement::words
