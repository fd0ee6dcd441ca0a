// Item: the pre-advice a designated operator sends for one postal item
// (the content of a UPU ITMATT message): what it is, what it contains for
// customs, who sent it and to whom, and which dispatch carries it.
//
// Thread-safety: a value type.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/item_id.h"
#include "core/mail_class.h"
#include "core/tracking.h"

namespace pochta::core {

// One line of the customs declaration (CN 22 / CN 23).
struct ContentLine {
  std::string description;
  std::string hs_code;  // Harmonized System tariff code, 6 to 10 digits; may be empty for documents
  uint32_t quantity = 0;
  uint32_t net_weight_grams = 0;
  int64_t value_minor = 0;     // in minor units of the item's currency (cents, tiyin)
  std::string origin_country;  // ISO 3166-1 alpha-2

  friend bool operator==(const ContentLine&, const ContentLine&) = default;
};

// Sender or addressee. Personal data: read-only roles never see it.
struct Party {
  std::string name;
  std::string address;   // street, house, flat, city
  std::string postcode;  // for the addressee, the Uzbek postcode that routes the item
  std::string country;   // ISO 3166-1 alpha-2
  std::string phone;
  std::string email;

  friend bool operator==(const Party&, const Party&) = default;
};

struct Item {
  ItemId id;
  MailClass mail_class = MailClass::kLetterPost;
  uint32_t weight_grams = 0;
  int64_t declared_value_minor = 0;
  std::string currency;  // ISO 4217, e.g. "USD", "CNY", "EUR"
  std::vector<ContentLine> contents;
  Party sender;
  Party recipient;
  Timestamp posted_at{};
  std::string dispatch_id;    // S8, when known; may be empty
  std::string receptacle_id;  // S9, when known; may be empty

  friend bool operator==(const Item&, const Item&) = default;
};

}  // namespace pochta::core
