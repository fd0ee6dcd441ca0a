// Fuzzes the decoding of intake requests as they arrive over the wire: the
// first byte picks the message (SubmitItems, ReportEvents, DeclareDispatch),
// the rest is its protobuf encoding. Whatever validation accepts must
// survive a round trip through the wire type.
#include <cstdlib>
#include <string>

#include "core/dispatch_id.h"
#include "core/operators.h"
#include "core/network.h"
#include "core/routing.h"
#include "pochta/v1/intake.pb.h"
#include "services/convert.h"

namespace {

const pochta::core::Router& TheRouter() {
  static const pochta::core::Network* network =
      new pochta::core::Network(*pochta::core::Network::Load(POCHTA_NETWORK_FILE));
  static const pochta::core::RoutePlanner* planner = new pochta::core::RoutePlanner(*network);
  static const pochta::core::Router* router = new pochta::core::Router(planner->router());
  return *router;
}

const pochta::core::Operators& TheOperators() {
  static const pochta::core::Operators* operators =
      new pochta::core::Operators(*pochta::core::Operators::Load(POCHTA_OPERATORS_FILE));
  return *operators;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 256 * 1024) return 0;
  using namespace pochta;
  const services::Validator v{&TheRouter(), &TheOperators(),
                              core::Timestamp(std::chrono::seconds(1'767'225'600))};  // 2026-01-01
  const uint8_t* body = data + 1;
  const int length = int(size - 1);
  switch (data[0] % 3) {
    case 0: {
      v1::SubmitItemsRequest request;
      if (!request.ParseFromArray(body, length)) return 0;
      for (const v1::Item& in : request.items()) {
        absl::StatusOr<core::Item> item = services::ItemFromProto(in, "items[0]", v);
        if (!item.ok()) continue;
        v1::Item wire;
        services::ToProto(*item, /*personal_data=*/true, &wire);
        absl::StatusOr<core::Item> again = services::ItemFromProto(wire, "items[0]", v);
        if (!again.ok() || !(*again == *item)) std::abort();
      }
      break;
    }
    case 1: {
      v1::ReportEventsRequest request;
      if (!request.ParseFromArray(body, length)) return 0;
      for (const v1::TrackingEvent& in : request.events()) {
        absl::StatusOr<storage::ReportedEvent> e = services::EventFromProto(in, "events[0]", v);
        if (!e.ok()) continue;
        for (const core::OperatorInfo& by : TheOperators().all()) {
          services::CheckEventOffice(e->event, by.op, "events[0]", v).IgnoreError();
        }
        v1::TrackingEvent wire;
        services::ToProto(e->item, storage::StoredEvent{e->event, e->reported_by, e->reason}, &wire);
        absl::StatusOr<storage::ReportedEvent> again = services::EventFromProto(wire, "events[0]", v);
        if (!again.ok() || !(*again == *e)) std::abort();
      }
      break;
    }
    case 2: {
      v1::DeclareDispatchRequest request;
      if (!request.ParseFromArray(body, length)) return 0;
      (void)core::DispatchId::Parse(request.dispatch_id());
      for (const v1::Receptacle& r : request.receptacles()) {
        (void)core::ReceptacleId::Parse(r.receptacle_id());
        for (const std::string& id : r.item_ids()) (void)services::ParseItemId(id, "item_ids[0]");
      }
      break;
    }
  }
  return 0;
}
