// pochta network: validate a network file and summarise it.
#include <map>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/routing.h"
#include "fmt/format.h"

namespace pochta::cli {

CLI::App* AddNetworkCommand(CLI::App& app, NetworkOptions& options) {
  CLI::App* cmd = app.add_subcommand("network", "Validate a network file and print what it contains");
  cmd->add_option("--network", options.network_file, "Network file to load")->capture_default_str();
  return cmd;
}

int RunNetwork(const NetworkOptions& options) {
  const std::optional<core::Network> network = LoadNetworkOrReport(options.network_file, "network");
  if (!network) return kExitBadInput;

  using core::FacilityKind;
  fmt::print("{}: valid\n", options.network_file);
  fmt::print("  office of exchange {}, {} sorting centres, {} delivery offices in {} districts of {} regions\n",
             network->facility(network->office_of_exchange()).code, network->CountOf(FacilityKind::kSortingCentre),
             network->CountOf(FacilityKind::kDeliveryOffice), network->districts().size(), network->regions().size());
  std::map<std::string_view, size_t> links_by_mode;
  for (const core::Link& link : network->links()) ++links_by_mode[core::Name(link.mode)];
  fmt::print("  {} directed links:", network->links().size());
  for (const auto& [mode, count] : links_by_mode) fmt::print(" {} {}", count, mode);
  fmt::print("\n");
  std::map<core::PickupKind, std::pair<size_t, uint64_t>> pickups;  // kind -> (count, capacity)
  for (const core::PickupPoint& p : network->pickup_points()) {
    ++pickups[p.kind].first;
    pickups[p.kind].second += p.capacity;
  }
  fmt::print("  {} parcel lockers ({} compartments), {} pick-up points ({} shelf places)\n",
             pickups[core::PickupKind::kLocker].first, pickups[core::PickupKind::kLocker].second,
             pickups[core::PickupKind::kPoint].first, pickups[core::PickupKind::kPoint].second);

  const core::RoutePlanner planner(*network);
  const core::Router router = planner.router();
  std::vector<size_t> districts(network->regions().size()), offices(network->regions().size());
  std::vector<uint32_t> slowest(network->regions().size());
  for (const core::District& d : network->districts()) ++districts[d.region.value()];
  for (uint32_t i = 0; i < network->facilities().size(); ++i) {
    const core::Facility& f = network->facilities()[i];
    if (f.kind != FacilityKind::kDeliveryOffice) continue;
    ++offices[f.region.value()];
    const std::optional<uint32_t> minutes = router.TransitMinutes(network->office_of_exchange(), core::FacilityId(i));
    slowest[f.region.value()] = std::max(slowest[f.region.value()], minutes.value_or(0));
  }
  fmt::print("\n  {:<16} {:<6} {:<8} {:>9} {:>7}  {}\n", "region", "prefix", "sorting", "districts", "offices",
             "slowest office from the office of exchange");
  for (size_t r = 0; r < network->regions().size(); ++r) {
    const core::Region& region = network->regions()[r];
    fmt::print("  {:<16} {:<6} {:<8} {:>9} {:>7}  {}\n", region.name, region.prefix,
               network->facility(region.sorting_centre).code, districts[r], offices[r], FormatMinutes(slowest[r]));
  }
  return kExitOk;
}

}  // namespace pochta::cli
