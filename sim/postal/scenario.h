// Scenario: every parameter of a postal flow simulation, with its unit and
// default, read from a scenario file (data/scenarios/*.scenario documents the
// format). Unknown or malformed parameters are refused with the line.
//
// Thread-safety: a value type.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/operators.h"

namespace pochta::sim {

// A flow of mail between a designated operator and Uzbekiston Pochtasi:
// e-commerce goods to Uzbekistan (an [operator XX] section), or
// correspondence, letters and documents, either way ([correspondence from XX],
// [correspondence to XX]).
struct OperatorFlow {
  enum class Kind : uint8_t { kGoods, kLettersIn, kLettersOut };
  core::Operator op = core::Operator("CN");  // the partner: the sender, or for kLettersOut the receiver
  Kind kind = Kind::kGoods;
  double items_per_day = 0;  // mean items posted per day, before weekday and peak factors
  // Share of items per S10 service indicator; shares sum to 1.
  std::vector<std::pair<std::string, double>> mix = {{"LP", 1.0}};
  // IMPC of the outward office, one of the sender's in the operators file
  // (UZTASA for kLettersOut).
  std::string office_of_exchange;
  // Where items are posted (EMA): an office code of the sender's country,
  // e.g. a post office by its postcode (CN518000, Shenzhen). Empty: the
  // office of exchange. For kLettersOut, Uzbek post offices drawn like
  // destinations.
  std::string posting_office;
  // IANA zone of its offices, for its departure times and its calendar. A
  // scenario file defaults it to the sender's zone in the operators file;
  // empty means UTC.
  std::string time_zone;
  double to_exchange_hours = 24;   // posting -> outward office, mean (log-normal)
  double to_exchange_cv = 0.5;
  std::vector<int> dispatch_departures = {2 * 3600};  // flight departures, local seconds after midnight
  double cutoff_hours = 3;                            // receptacles close this long before a departure
  int flight_capacity_kg = 10000;                     // mail per departure, gross kilograms
  double flight_hours = 6;                            // outward office -> Tashkent (or -> transit)
  // IMPC of a transit office of the operators file, whose operator reports
  // EMJ and EMK there; empty for direct flights.
  std::string transit_office;
  double transit_hours = 0;                           // time at and from the transit office, mean (log-normal)
  double transit_cv = 0.5;

  // Goods ordered from sellers in another country and shipped there in bulk
  // to be posted by this operator (marketplace goods posted in Riga). The
  // orders follow the sellers' calendar; each day's bulk shipment leaves at
  // `consolidation_departures` (the sellers' local time) with every order
  // waiting, and its items are posted (EMA) when it reaches the operator.
  // Empty: items are posted where they are ordered.
  std::string consolidated_from;        // ISO country of the sellers, e.g. CN
  std::string consolidation_time_zone;  // their clock; defaults to their operator's zone in the operators file
  std::vector<int> consolidation_departures = {18 * 3600};
  double consolidation_days = 10, consolidation_cv = 0.3;  // the bulk shipment's journey, mean (log-normal)

  // Correspondence only.
  double letter_grams = 30;        // mean weight of a registered letter (log-normal, the scenario's weight_cv)
  double ordinary_kg_per_day = 0;  // ordinary letters, untracked, bagged by weight at the outward office
  // kLettersOut only: the partner's office of exchange (in the operators
  // file) that receives the dispatches, and its side
  // of the journey: arrival there (EMD) -> delivery (EMI) at one of
  // `delivery_postcodes` (the partner's postcodes, drawn evenly).
  std::string destination_office;
  double abroad_days = 5, abroad_cv = 0.5;
  std::vector<std::string> delivery_postcodes;
};

// How a flow is named in summaries: "CN" for goods, "CN->UZ letters",
// "UZ->CN letters".
std::string Label(const OperatorFlow& flow);

struct Scenario {
  std::string name;
  std::string description;
  // The files it was read from, its base's first (LoadScenario; empty for
  // a parsed text): the reports show them as the run's parameters.
  struct Source {
    std::string file, text;
  };
  std::vector<Source> sources;
  // The operators file the flows were checked against (who is a partner,
  // their offices and zones); a sweep's changes are checked against it too.
  std::shared_ptr<const core::Operators> operators_file;
  // The first day of postings, as Unix seconds at its midnight UTC; the run
  // starts at that date's midnight in `time_zone`. Default: 2025-01-01.
  int64_t start = 1'735'689'600;
  // IANA zone of Uzbekiston Pochtasi's facilities: shifts, line-haul
  // departures, delivery rounds and opening hours are its local times.
  std::string time_zone = "Asia/Tashkent";
  int days = 181;                 // days with arrivals
  int drain_days = 30;            // days simulated after the last arrivals
  uint64_t seed = 1;
  double service_standard_days = 10;  // posting -> delivery within this counts as on time

  std::array<double, 7> weekday_factors = {1, 1, 1, 1, 1, 1, 1};  // Monday first
  // A season in the origin's demand: postings (by the origin's local date)
  // times `factor` on the day, fading linearly to 1 over `days`. A factor
  // below 1 is a trough (the Chinese New Year). Seasons that overlap multiply.
  struct Peak {
    int year = 0;              // 0: every year
    int month = 11, day = 11;  // date of the peak (posting)
    double factor = 1;         // volume multiplier on that day
    int days = 1;              // the factor fades linearly to 1 over these days
  };
  std::vector<Peak> peaks;
  // Destination demand by region postcode prefix; shares sum to 1. Empty: by office count.
  std::vector<std::pair<std::string, double>> region_shares;
  // Mean weight per mail class, grams (log-normal, cv below).
  double letter_post_grams = 250, parcel_grams = 1800, ems_grams = 1200, weight_cv = 0.8;
  // Mean declared value per mail class, US dollars (log-normal, cv below),
  // scaled by what the item contains (see sim/postal/internal/contents.h).
  double letter_post_usd = 12, parcel_usd = 45, ems_usd = 60, value_cv = 1.0;

  std::vector<OperatorFlow> operators;

  // Receptacles and dispatches (at the origin) and their arrival in Tashkent.
  struct Dispatching {
    double receptacle_max_kg = 30;   // gross; a receptacle is closed before an item would pass it
    double receptacle_tare_kg = 0.5;  // the empty bag
    // UPU code list 117 subclass of each mail class's dispatches.
    std::string letter_post_subclass = "UN", parcel_subclass = "CN", ems_subclass = "EM";
    double missent_share = 0.005;  // receptacles missent or left behind on the way
    double missent_days = 4;       // their extra delay, mean (log-normal, cv 0.5)
    double ground_hours = 3;       // airport -> office of exchange, receptacles opened
  } dispatching;

  // Inward office of exchange (Tashkent).
  int scan_per_hour = 2000;                       // arrival scanning capacity, items per hour, during shifts
  int sort_per_hour = 2500;                       // sorting capacity, items per hour, during shifts
  int shift_start_hour = 6, shift_end_hour = 22;  // shifts; no scanning or sorting outside

  // Import customs at Tashkent. Every item is presented (EDB) and put in a
  // risk channel: green items are released on their electronic declaration;
  // yellow items are held (EME) while documents are checked; red items are
  // held for a physical inspection by an officer, then for documents. An
  // item whose declared value passes the duty-free threshold waits for the
  // addressee to pay before release (EDC).
  struct Customs {
    // Shares of items per channel (green, yellow, red); they sum to 1.
    std::array<double, 3> channels = {0.80, 0.12, 0.08};
    double green_minutes = 30;       // release, mean (exponential)
    double yellow_hours = 24;        // documents checked, mean (log-normal, cv 0.8)
    int officers = 6;                // inspecting at once, around the clock
    double inspection_minutes = 12;  // an officer's time per red item (exponential)
    double red_hold_hours = 36;      // after the inspection, mean (log-normal, cv 0.8)
    double refusal_share = 0.02;     // of red items: refused (EDX) and returned
    double duty_free_usd = 100;      // declared value above which duty is due
    double duty_days = 3;            // the addressee's wait to pay, mean (log-normal, cv 0.8)
    double unpaid_share = 0.05;      // of dutiable items: never paid, returned when the holding period ends
  } customs;

  // Returns: an item returned to its sender (EMH, return to sender) goes
  // back to Tashkent, where it arrives at the office of exchange (EMB),
  // waits for a return dispatch to its flow's office of exchange (EMC on
  // departure; S8 series from UZTASA) and reaches it after the flow's
  // flight and transit (EMD, reported by the partner). Returns travel as
  // the counter-flow of the same route, without a capacity of their own.
  struct Returns {
    double to_exchange_days = 4;  // delivery office -> Tashkent, mean (log-normal, cv 0.5)
    // Return dispatches close at these times (Tashkent) on these weekdays.
    std::vector<int> departures = {10 * 3600};
    std::array<bool, 7> weekdays = {true, false, false, true, false, false, false};  // Monday first
  } returns;

  // Line-haul and delivery.
  std::vector<int> truck_departures = {20 * 3600};  // every truck link, seconds after midnight
  std::vector<int> air_departures = {7 * 3600};
  std::vector<int> van_departures = {8 * 3600, 13 * 3600};
  int truck_capacity = 4000, air_capacity = 1500, van_capacity = 400;  // items per departure
  double hub_processing_hours = 2;  // sorting centre handling per item, arrival scan to departure scan
  // Centres whose handling takes another time: (facility code, hours).
  std::vector<std::pair<std::string, double>> hub_processing;
  int delivery_hour = 9;                                               // rounds start, local
  // Share of items delivered to the door, by mail class (letter post,
  // parcels, EMS); the others get a notice (EDH) and are collected at the
  // office counter, the norm for small packets.
  std::array<double, 3> home_delivery = {0.10, 0.30, 0.90};
  double delivery_success = 0.85;  // per attempt at the door
  int delivery_attempts = 2;       // then the item waits for collection
  double collection_share = 0.8;   // of items waiting, those the addressee comes for
  double collection_days = 3;      // their wait from the notice, mean (exponential); past the holding period, returned
  int holding_days = 15;          // then returned to sender
  // Share of items, by mail class, addressed to a parcel locker or pick-up
  // point, of those whose delivery office fills one (pickup records of the
  // network file). The office takes them there on its round; a full one
  // sends the item to the counter instead.
  std::array<double, 3> pickup_share = {0, 0, 0};
  double pickup_collection_days = 1;  // from the notice to collection there, mean (exponential)
  int pickup_holding_days = 5;        // then taken back to the office, for the rest of holding_days
  // Delivery offices open these local hours on working days; rounds go out
  // and items are collected only then.
  int office_open = 8 * 3600, office_close = 19 * 3600;  // seconds after local midnight
  std::array<bool, 7> working_days = {true, true, true, true, true, true, false};  // Monday first
  std::vector<int64_t> holidays;  // days (Unix day numbers) without delivery or collection

  // Closures: links closed for a period (road-closure scenarios).
  struct Closure {
    std::string from, to;  // facility codes; both directions
    double start_day = 0, days = 0;
  };
  std::vector<Closure> closures;
};

// Parses a scenario file, its flows checked against `operators`; `source`
// names it in errors ("h1-2025.scenario:12: ...").
absl::StatusOr<Scenario> ParseScenario(std::string_view text, std::string_view source,
                                       std::shared_ptr<const core::Operators> operators);
// The same on top of `base`, against base's operators file.
// REQUIRES: base.operators_file is set.
absl::StatusOr<Scenario> ParseScenario(std::string_view text, std::string_view source, Scenario base);
// Loads a file. A file whose first parameter is "base = NAME" starts from
// NAME.scenario in the same directory and changes only what it sets.
absl::StatusOr<Scenario> LoadScenario(const std::string& path, std::shared_ptr<const core::Operators> operators);

}  // namespace pochta::sim
