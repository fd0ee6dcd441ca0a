// pochta route: where a parcel for a postcode goes, and by which path.
#include "cli/commands.h"
#include "cli/common.h"
#include "core/routing.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"

namespace pochta::cli {
namespace {

using core::FacilityId;
using core::LinkId;
using core::Network;

struct Closure {
  std::string label;  // as given on the command line
  std::vector<LinkId> links;
  std::optional<FacilityId> facility;
};

std::optional<FacilityId> FindFacilityOrReport(const Network& network, std::string_view code, std::string_view option) {
  const std::optional<FacilityId> id = network.Find(code);
  if (!id) fmt::print(stderr, "pochta route: {} \"{}\" is not a facility of the network\n", option, code);
  return id;
}

// "A:B" or "A:B:MODE": every link between A and B in both directions (of one mode).
std::optional<Closure> ParseLinkClosure(const Network& network, const std::string& spec) {
  const size_t colon = spec.find(':');
  if (colon == std::string::npos) {
    fmt::print(stderr, "pochta route: --close-link \"{}\" must be FROM:TO or FROM:TO:MODE\n", spec);
    return std::nullopt;
  }
  const std::string_view rest = std::string_view(spec).substr(colon + 1);
  const size_t colon2 = rest.find(':');
  const std::string_view to_code = rest.substr(0, colon2);
  std::optional<core::TransportMode> mode;
  if (colon2 != std::string_view::npos) {
    mode = core::ParseTransportMode(rest.substr(colon2 + 1));
    if (!mode) {
      fmt::print(stderr, "pochta route: --close-link \"{}\": mode \"{}\" is not truck, van, rail or air\n", spec,
                 rest.substr(colon2 + 1));
      return std::nullopt;
    }
  }
  const std::optional<FacilityId> from = FindFacilityOrReport(network, spec.substr(0, colon), "--close-link");
  const std::optional<FacilityId> to = from ? FindFacilityOrReport(network, to_code, "--close-link") : std::nullopt;
  if (!to) return std::nullopt;
  Closure closure{spec, network.LinksBetween(*from, *to, mode), std::nullopt};
  if (closure.links.empty()) {
    fmt::print(stderr, "pochta route: --close-link \"{}\": there is no such link\n", spec);
    return std::nullopt;
  }
  return closure;
}

}  // namespace

CLI::App* AddRouteCommand(CLI::App& app, RouteOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "route", "Route a parcel: the delivery office of a postcode, the path there and its transit time");
  cmd->add_option("postcode", options.postcode, "Six-digit destination postcode, e.g. 140105")->required();
  cmd->add_option("--from", options.from, "Facility the parcel is at (default: the office of exchange)");
  cmd->add_option("--close-link", options.close_links,
                  "Close the links between two facilities, both ways: FROM:TO or FROM:TO:MODE (repeatable)");
  cmd->add_option("--close-facility", options.close_facilities, "Close a facility (repeatable)");
  cmd->add_flag("--json", options.json, "Print the answer as JSON");
  cmd->add_option("--network", options.network_file, "Network file to load")->capture_default_str();
  cmd->footer("Exit status: 0 route found, 1 bad input, 2 usage error, 3 destination unreachable.");
  return cmd;
}

int RunRoute(const RouteOptions& options) {
  const std::optional<core::Postcode> postcode = core::Postcode::Parse(options.postcode);
  if (!postcode) {
    fmt::print(stderr, "pochta route: postcode \"{}\" is not six digits\n", options.postcode);
    return kExitBadInput;
  }
  const std::optional<Network> loaded = LoadNetworkOrReport(options.network_file, "route");
  if (!loaded) return kExitBadInput;
  const Network& network = *loaded;

  FacilityId from = network.office_of_exchange();
  if (!options.from.empty()) {
    const std::optional<FacilityId> found = FindFacilityOrReport(network, options.from, "--from");
    if (!found) return kExitBadInput;
    from = *found;
  }

  std::vector<Closure> closures;
  for (const std::string& spec : options.close_links) {
    std::optional<Closure> closure = ParseLinkClosure(network, spec);
    if (!closure) return kExitBadInput;
    closures.push_back(*std::move(closure));
  }
  for (const std::string& code : options.close_facilities) {
    const std::optional<FacilityId> facility = FindFacilityOrReport(network, code, "--close-facility");
    if (!facility) return kExitBadInput;
    closures.push_back(Closure{code, {}, facility});
  }

  core::RoutePlanner planner(network);
  core::RouteChanges changes;
  for (const Closure& c : closures) {
    core::RouteChanges step = c.facility ? planner.CloseFacility(*c.facility) : planner.CloseLinks(c.links);
    changes.destinations.insert(changes.destinations.end(), step.destinations.begin(), step.destinations.end());
    changes.unreachable_offices = step.unreachable_offices;
  }
  std::sort(changes.destinations.begin(), changes.destinations.end());
  changes.destinations.erase(std::unique(changes.destinations.begin(), changes.destinations.end()),
                             changes.destinations.end());

  const core::Router router = planner.router();
  const core::OfficeMatch match = router.Resolve(*postcode);
  if (match.match == core::PostcodeMatch::kNone) {
    fmt::print(stderr, "pochta route: no delivery office serves postcode {} and district {} is not in the network\n",
               postcode->ToString(), postcode->ToString().substr(0, 4));
    return kExitBadInput;
  }
  const core::Facility& office = network.facility(match.office);
  const core::District& district = network.district(office.district);
  const std::optional<core::Path> path = router.FindPath(from, match.office);
  const std::string& from_code = network.facility(from).code;

  if (options.json) {
    nlohmann::ordered_json out;
    out["postcode"] = postcode->ToString();
    out["match"] = match.match == core::PostcodeMatch::kExact ? "exact" : "district-head-office";
    out["office"] = {{"code", office.code},
                     {"name", office.name},
                     {"district", fmt::format("{:04d}", district.code)},
                     {"district_name", district.name},
                     {"region", network.region(office.region).name}};
    out["from"] = from_code;
    out["reachable"] = path.has_value();
    if (path) {
      out["minutes"] = path->minutes;
      out["legs"] = nlohmann::ordered_json::array();
      for (LinkId id : path->legs) {
        const core::Link& l = network.link(id);
        out["legs"].push_back({{"from", network.facility(l.from).code},
                               {"to", network.facility(l.to).code},
                               {"mode", core::Name(l.mode)},
                               {"minutes", l.minutes}});
      }
    }
    if (!closures.empty()) {
      std::vector<std::string> labels;
      for (const Closure& c : closures) labels.push_back(c.label);
      out["closures"] = {{"closed", labels},
                         {"changed_destinations", changes.destinations.size()},
                         {"unreachable_offices", changes.unreachable_offices}};
    }
    fmt::print("{}\n", out.dump(2));
    return path ? kExitOk : kExitNoRoute;
  }

  for (const Closure& c : closures) {
    fmt::print("closed {}: {}\n", c.facility ? "facility" : "link", c.label);
  }
  if (!closures.empty()) {
    fmt::print("  the route to {} facilities changed; {} delivery offices are unreachable from {}\n",
               changes.destinations.size(), changes.unreachable_offices,
               network.facility(network.office_of_exchange()).code);
  }
  fmt::print("{} {} (district {:04d} {}, region {})\n", office.code, office.name, district.code, district.name,
             network.region(office.region).name);
  if (match.match == core::PostcodeMatch::kDistrictHeadOffice) {
    fmt::print("  no office has postcode {}; the district head office takes it\n", postcode->ToString());
  }
  if (!path) {
    fmt::print("from {}: unreachable, every path is cut by a closed link or facility\n", from_code);
    return kExitNoRoute;
  }
  fmt::print("from {}: {} legs, {}\n", from_code, path->legs.size(), FormatMinutes(path->minutes));
  for (LinkId id : path->legs) {
    const core::Link& l = network.link(id);
    fmt::print("  {:<8} -> {:<8} {:<6} {:>12}  {}\n", network.facility(l.from).code, network.facility(l.to).code,
               core::Name(l.mode), FormatMinutes(l.minutes), network.facility(l.to).name);
  }
  return kExitOk;
}

}  // namespace pochta::cli
