// The edge between the wire (pochta.v1) and the domain (core, storage): every
// field of a request is validated here, and errors name the field by its
// path in the request and the value ("items[3].weight_grams -5: ...").
//
// Thread-safety: pure functions over immutable inputs.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/operators.h"
#include "core/item.h"
#include "core/routing.h"
#include "services/alert_monitor.h"
#include "pochta/v1/tracking.pb.h"
#include "pochta/v1/types.pb.h"
#include "storage/tracking_store.h"

namespace pochta::services {

// What validation checks against.
struct Validator {
  const core::Router* router;            // the network: offices and postcodes
  const core::Operators* operators;  // the operators file: partners, their offices, transit offices
  core::Timestamp now;
  // Event times may run this far ahead of the server's clock.
  std::chrono::seconds clock_skew{300};
};

// REQUIRES for all: `path` names the message in the request, e.g. "items[3]".
absl::StatusOr<core::ItemId> ParseItemId(std::string_view text, std::string_view path);
absl::StatusOr<core::Item> ItemFromProto(const v1::Item& item, std::string_view path, const Validator& v);
// Checks everything but the office (see CheckEventOffice) and the item's
// posting time (which the store knows).
absl::StatusOr<storage::ReportedEvent> EventFromProto(const v1::TrackingEvent& event, std::string_view path,
                                                      const Validator& v);
// Whether the side that reports an event may use its office: Uzbekiston
// Pochtasi a facility of the Uzbek network; a partner (`reported_by`) an
// outward office of its own for origin-side events, or for EMA also a post
// office of its country ("CN518000"); a transit office for EMJ and EMK.
absl::Status CheckEventOffice(const core::TrackingEvent& event, core::Operator reported_by, std::string_view path,
                              const Validator& v);

void ToProto(const core::Item& item, bool personal_data, v1::Item* out);
void ToProto(core::ItemId id, const storage::StoredEvent& event, v1::TrackingEvent* out);
// The view of an item: its state, the remaining route from the network, and
// its pre-advice when there is one.
void ToProto(const storage::ItemState& state, const core::Item* pre_advice, bool personal_data,
             const core::Router& router, v1::ItemView* out);

// The one mapping between core's enums and pochta.v1's, used by the services
// and by the clients pochta ships (replay). Nothing for a wire value with no
// domain meaning (UNSPECIFIED, or a number this build does not know); an
// unspecified measure is kNone.
v1::ItemStatus ToProto(core::ItemStatus status);
v1::AlertKind ToProto(AlertKind kind);
std::optional<core::ItemStatus> FromProto(v1::ItemStatus status);
v1::NonDeliveryMeasure ToProto(core::NonDeliveryMeasure measure);
std::optional<core::NonDeliveryMeasure> FromProto(v1::NonDeliveryMeasure measure);
v1::EventReason ToProto(core::EventReason reason);
std::optional<core::EventReason> FromProto(v1::EventReason reason);
v1::MailClass ToProto(core::MailClass mail_class);
std::optional<core::MailClass> FromProto(v1::MailClass mail_class);

core::Timestamp FromProto(const google::protobuf::Timestamp& t);
void ToProto(core::Timestamp t, google::protobuf::Timestamp* out);

}  // namespace pochta::services
