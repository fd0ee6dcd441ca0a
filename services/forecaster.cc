#include "services/forecaster.h"

#include <algorithm>
#include <array>
#include <unordered_map>

#include "services/log.h"

namespace pochta::services {
namespace {

sim::Time Seconds(core::Timestamp t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
core::Timestamp At(sim::Time t) { return core::Timestamp(std::chrono::seconds(t)); }

// What the store knows of an item, as the forecast places it.
sim::ItemInFlow InFlow(const storage::ItemState& state, const core::Item* item) {
  sim::ItemInFlow in{.id = state.id, .latest = state.latest};
  in.posted = state.has_preadvice ? state.posted_at : state.first_event.value_or(state.since);
  in.postcode = state.destination_postcode;
  if (item) {
    in.mail_class = item->mail_class;
    in.weight_grams = item->weight_grams;
    if (item->currency == "USD" && item->declared_value_minor >= 0 && item->declared_value_minor < (int64_t(1) << 32)) {
      in.value_cents = uint32_t(item->declared_value_minor);
    }
    in.documents = item->contents.empty();
    if (!item->recipient.postcode.empty()) in.postcode = item->recipient.postcode;
    in.dispatch_id = item->dispatch_id;
    in.receptacle_id = item->receptacle_id;
  }
  return in;
}

// The median of values, kForever counted as the largest.
sim::Time Median(std::vector<sim::Time>& values) {
  std::nth_element(values.begin(), values.begin() + ptrdiff_t(values.size() / 2), values.end());
  return values[values.size() / 2];
}

}  // namespace

absl::Status ForEachItemInFlow(const storage::TrackingStore& store,
                               const std::function<void(const storage::ItemState&, sim::ItemInFlow)>& visit) {
  return store.ForEachInFlow([&](const storage::ItemState& state, const core::Item* item) {
    visit(state, InFlow(state, item));
    return true;
  });
}

struct Forecaster::Table {
  sim::Time start = 0;
  struct Entry {
    sim::Time p50, p90;
    std::optional<core::TrackingEvent> latest;  // the item's latest event when the forecast started
  };
  std::unordered_map<uint64_t, Entry> items;
  // By latest event code: what was left at the start to the items whose
  // latest event it was, p50 and p90 (medians over them).
  std::array<std::optional<std::pair<sim::Time, sim::Time>>, core::kEventCodeCount> left;

  std::optional<Expected> For(const storage::ItemState& state) const {
    if (state.status == core::ItemStatus::kDelivered || state.status == core::ItemStatus::kReturned) {
      return std::nullopt;
    }
    sim::Time p50 = sim::kForever, p90 = sim::kForever;
    if (const auto it = items.find(state.id.Pack()); it != items.end() && it->second.latest == state.latest) {
      p50 = it->second.p50;
      p90 = it->second.p90;
    } else if (state.latest && Seconds(state.latest->time) > start && !state.id.HasCountry("UZ") &&
               left[size_t(state.latest->code)]) {
      // Moved by an event since (letters posted in Uzbekistan end abroad:
      // no forecast places them).
      const auto [p50_left, p90_left] = *left[size_t(state.latest->code)];
      const sim::Time event = Seconds(state.latest->time);
      p50 = p50_left == sim::kForever ? sim::kForever : event + p50_left;
      p90 = p90_left == sim::kForever ? sim::kForever : event + p90_left;
    }
    if (p50 == sim::kForever) return std::nullopt;
    return Expected{At(p50), p90 == sim::kForever ? std::nullopt : std::optional(At(p90)), At(start)};
  }
};

Forecaster::Forecaster(const storage::TrackingStore& store, const core::Network& network, const core::Clock& clock,
                       ForecastOptions options, ForecastObserver* observer)
    : store_(store), network_(network), clock_(clock), options_(std::move(options)), observer_(observer) {}

Forecaster::~Forecaster() { Stop(); }

void Forecaster::Start(std::function<void(const std::vector<core::ItemId>&)> moved) {
  moved_ = std::move(moved);
  thread_ = std::thread([this] { Loop(); });
}

void Forecaster::Refresh(std::optional<sim::Scenario> scenario) {
  std::lock_guard lock(mu_);
  if (scenario) options_.scenario = *std::move(scenario);
  refresh_ = true;
  cv_.notify_all();
}

void Forecaster::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

std::optional<Forecaster::Expected> Forecaster::ExpectedFor(const storage::ItemState& state) const {
  std::shared_ptr<const Table> table;
  {
    std::lock_guard lock(mu_);
    table = table_;
  }
  return table ? table->For(state) : std::nullopt;
}

void Forecaster::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    refresh_ = false;
    lock.unlock();
    if (absl::Status s = RunOnce(); !s.ok()) {
      Log().error("pochta serve: the forecast failed: {}", std::string(s.message()));
    }
    lock.lock();
    cv_.wait_for(lock, options_.every, [&] { return stopping_ || refresh_; });
  }
}

absl::Status Forecaster::RunOnce() {
  ForecastObserver::Run run;
  const auto began = std::chrono::steady_clock::now();
  run.status = Run(run);
  run.took = std::chrono::steady_clock::now() - began;
  if (observer_) observer_->OnForecast(run);
  return run.status;
}

absl::Status Forecaster::Run(ForecastObserver::Run& run) {
  std::vector<sim::ItemInFlow> items;
  std::vector<storage::ItemState> states;  // kept only to tell whose estimate moved
  const absl::Status read = ForEachItemInFlow(store_, [&](const storage::ItemState& state, sim::ItemInFlow in) {
    if (moved_) states.push_back(state);
    items.push_back(std::move(in));
  });
  if (!read.ok()) return read;
  sim::Scenario scenario;
  {
    std::lock_guard lock(mu_);
    scenario = options_.scenario;
  }
  scenario.days = options_.days;
  scenario.drain_days = 0;
  const sim::Time now = Seconds(clock_.Now());
  run.in_flow = items.size();
  run.start = At(now);
  const sim::Forecast forecast =
      sim::RunForecast(scenario, network_, sim::ForecastStart{now, items}, options_.replications, options_.jobs);

  auto table = std::make_shared<Table>();
  table->start = now;
  std::array<std::vector<sim::Time>, core::kEventCodeCount> p50_left, p90_left;
  for (size_t k = 0; k < items.size(); ++k) {
    const sim::ItemOutlook& o = forecast.items[k];
    if (!o.placed) continue;
    table->items.emplace(items[k].id.Pack(), Table::Entry{o.p50, o.p90, items[k].latest});
    if (o.p50 != sim::kForever) ++run.dated;
    if (!items[k].latest) continue;
    const size_t code = size_t(items[k].latest->code);
    p50_left[code].push_back(o.p50 == sim::kForever ? sim::kForever : o.p50 - now);
    p90_left[code].push_back(o.p90 == sim::kForever ? sim::kForever : o.p90 - now);
  }
  for (size_t code = 0; code < p50_left.size(); ++code) {
    if (!p50_left[code].empty()) table->left[code] = std::pair(Median(p50_left[code]), Median(p90_left[code]));
  }

  std::shared_ptr<const Table> before;
  {
    std::lock_guard lock(mu_);
    before = std::exchange(table_, table);
  }
  ++runs_;
  if (!moved_ || !before) return absl::OkStatus();
  std::vector<core::ItemId> moved;
  const auto p50 = [](const std::optional<Expected>& e) { return e ? Seconds(e->p50) : sim::kForever; };
  for (const storage::ItemState& state : states) {
    const sim::Time was = p50(before->For(state)), is = p50(table->For(state));
    if (was == is) continue;
    if (was == sim::kForever || is == sim::kForever || std::abs(is - was) > options_.notify.count()) {
      moved.push_back(state.id);
    }
  }
  if (!moved.empty()) moved_(moved);
  return absl::OkStatus();
}

}  // namespace pochta::services
