#include "sim/postal/internal/dispatching.h"

#include <algorithm>

#include "fmt/format.h"
#include "sim/postal/internal/contents.h"

namespace pochta::sim::internal {
namespace {

constexpr int kMaxReceptacles = 999;  // the S9 receptacle number has three digits

}  // namespace

Dispatch MakeDispatch(Context& ctx, const std::string& origin, const std::string& destination,
                      core::MailClass mail_class, std::span<const uint32_t> receptacles) {
  const Scenario::Dispatching& d = ctx.s.dispatching;
  const std::string& subclass = mail_class == core::MailClass::kLetterPost ? d.letter_post_subclass
                                : mail_class == core::MailClass::kParcels  ? d.parcel_subclass
                                                                           : d.ems_subclass;
  const int year = YearOf(ctx.sim.now());
  const std::string series = fmt::format("{}{}A{}", origin, destination, subclass);
  const int number = ctx.NextDispatchNumber(series, year);
  Dispatch declared{*core::DispatchId::Parse(fmt::format("{}{}{:04d}", series, year % 10, (number - 1) % 9999 + 1)),
                    {}};
  if (!ctx.sink) return declared;
  for (size_t k = 0; k < receptacles.size(); ++k) {
    const ReceptacleRecord& r = ctx.receptacles[receptacles[k]];
    const std::string id = fmt::format("{}{:03d}{}{}{:04d}", declared.id.ToString(), k + 1,
                                       k + 1 == receptacles.size() ? 1 : 0, r.registered ? 1 : 0,
                                       std::min<uint32_t>(9999, (r.gross_g + 50) / 100));
    Dispatch::Receptacle& listed =
        declared.receptacles.emplace_back(Dispatch::Receptacle{*core::ReceptacleId::Parse(id), {}});
    for (uint32_t i : r.items) listed.items.push_back(*core::ItemId::Unpack(ctx.items[i].key));
  }
  return declared;
}

Dispatching::Dispatching(Context& ctx, Carriers& carriers)
    : ctx_(ctx),
      carriers_(carriers),
      offices_(ctx.s.operators.size()),
      max_g_(uint32_t(ctx.s.dispatching.receptacle_max_kg * 1000)),
      tare_g_(uint32_t(ctx.s.dispatching.receptacle_tare_kg * 1000)) {
  for (Office& o : offices_) {
    for (auto& kinds : o.open) kinds.fill(kNone);
  }
}

void Dispatching::Receive(uint32_t i) {
  ItemRecord& item = ctx_.items[i];
  const uint32_t r = Bag(item.op, int(item.mail_class), item.registered, item.weight_g);
  ctx_.receptacles[r].items.push_back(i);
  ctx_.receptacles[r].gross_g += item.weight_g;
  item.receptacle = r;
}

void Dispatching::ReceiveOrdinary(uint32_t op, uint32_t grams) {
  const int series = int(core::MailClass::kLetterPost);
  while (grams > 0) {
    const uint32_t r = Bag(op, series, false, std::min(grams, max_g_ - tare_g_));
    ReceptacleRecord& bag = ctx_.receptacles[r];
    const uint32_t put = std::min(grams, max_g_ > bag.gross_g ? max_g_ - bag.gross_g : 0);
    bag.gross_g += put;
    grams -= put;
    if (grams > 0) offices_[op].open[series][0] = kNone;  // full
  }
}

uint32_t Dispatching::Bag(uint32_t op, int series, bool registered, uint32_t grams) {
  Office& office = offices_[op];
  uint32_t& open = office.open[series][registered];
  if (open != kNone && ctx_.receptacles[open].gross_g + grams > max_g_ && ctx_.receptacles[open].gross_g > tare_g_) {
    open = kNone;  // full: it waits for the cut-off as it is
  }
  if (open == kNone) {
    open = uint32_t(ctx_.receptacles.size());
    ctx_.receptacles.push_back(ReceptacleRecord{{}, tare_g_, uint8_t(op), registered});
    office.waiting[series].push_back(open);
  }
  if (!office.cutoff_scheduled) {
    office.cutoff_scheduled = true;
    const Time cutoff = Time(ctx_.s.operators[op].cutoff_hours * kHour);
    ctx_.sim.Schedule(carriers_.NextDeparture(op, ctx_.sim.now() + cutoff) - cutoff, this, op);
  }
  return open;
}

void Dispatching::OnEvent(Simulation&, uint64_t payload) { CutOff(uint32_t(payload)); }

void Dispatching::CutOff(uint32_t op) {
  Office& office = offices_[op];
  office.cutoff_scheduled = false;
  for (int series = 0; series < kSeries; ++series) {
    std::vector<uint32_t>& waiting = office.waiting[series];
    for (size_t from = 0; from < waiting.size(); from += kMaxReceptacles) {
      Close(op, series, std::span(waiting).subspan(from, std::min<size_t>(kMaxReceptacles, waiting.size() - from)));
    }
    waiting.clear();
    office.open[series].fill(kNone);
  }
}

void Dispatching::Close(uint32_t op, int series, std::span<const uint32_t> receptacles) {
  const Dispatch dispatch =
      MakeDispatch(ctx_, ctx_.s.operators[op].office_of_exchange, ctx_.InwardOffice(op), core::MailClass(series),
                   receptacles);
  for (uint32_t r : receptacles) carriers_.Board(r);
  if (!ctx_.sink) return;
  // Each item's pre-advice names its dispatch and receptacle, and goes first.
  for (size_t k = 0; k < receptacles.size(); ++k) {
    for (uint32_t i : ctx_.receptacles[receptacles[k]].items) SendPreAdvice(i, dispatch.receptacles[k].id);
  }
  ctx_.sink->Declare(dispatch);
}

void Dispatching::SendPreAdvice(uint32_t i, const core::ReceptacleId& receptacle) {
  const ItemRecord& record = ctx_.items[i];
  const OperatorFlow& flow = ctx_.s.operators[record.op];
  const std::string partner(core::Code(flow.op));
  core::Item item{.id = *core::ItemId::Unpack(record.key)};
  item.mail_class = record.mail_class;
  item.weight_grams = record.weight_g;
  item.posted_at = core::Timestamp(std::chrono::seconds(record.posted));
  item.dispatch_id = receptacle.dispatch().ToString();
  item.receptacle_id = receptacle.ToString();
  switch (flow.kind) {
    case OperatorFlow::Kind::kGoods: {
      item.declared_value_minor = record.value_cents;
      item.currency = "USD";
      const Contents& contents = kContents[record.contents];
      item.contents = {core::ContentLine{std::string(contents.description), std::string(contents.hs_code), 1,
                                         record.weight_g, record.value_cents, "CN"}};
      item.sender = core::Party{"Online store", "", "", partner, "", ""};
      item.recipient = core::Party{"Addressee", "", ctx_.Code(record.office), "UZ", "", ""};
      break;
    }
    case OperatorFlow::Kind::kLettersIn:  // documents: no declaration
      item.sender = core::Party{"Sender", "", "", partner, "", ""};
      item.recipient = core::Party{"Addressee", "", ctx_.Code(record.office), "UZ", "", ""};
      break;
    case OperatorFlow::Kind::kLettersOut:
      item.sender = core::Party{"Sender", "", ctx_.Code(record.office), "UZ", "", ""};
      item.recipient = core::Party{"Addressee", "", "", partner, "", ""};
      break;
  }
  ctx_.sink->PreAdvice(item);
}

}  // namespace pochta::sim::internal
