#include "core/network.h"

#include <algorithm>
#include <deque>
#include <fstream>
#include <sstream>

#include "core/ascii.h"
#include "core/files.h"
#include "fmt/format.h"
#include "fmt/ranges.h"

namespace pochta::core {
namespace {

constexpr int kFormatVersion = 3;  // 1 and 2 are read too
constexpr uint32_t kMaxLinkMinutes = 7 * 24 * 60;
constexpr uint32_t kMaxPickupCapacity = 10'000;
constexpr size_t kMaxReportedErrors = 50;

std::optional<uint32_t> ParseUint(std::string_view s) {
  if (!IsDigits(s) || s.size() > 9) return std::nullopt;
  uint32_t value = 0;
  for (char c : s) value = value * 10 + uint32_t(c - '0');
  return value;
}

// One line split into fields; Rest(i) is the text from field i to the end,
// which is how free-text names (with spaces) are read.
class Fields {
 public:
  explicit Fields(std::string_view line) : line_(line) {
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      if (i >= line.size()) break;
      const size_t start = i;
      while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
      starts_.push_back(start);
      fields_.push_back(line.substr(start, i - start));
    }
  }
  size_t size() const { return fields_.size(); }
  std::string_view operator[](size_t i) const { return fields_[i]; }
  std::string Rest(size_t i) const {
    std::string_view rest = line_.substr(starts_[i]);
    while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t' || rest.back() == '\r')) rest.remove_suffix(1);
    return std::string(rest);
  }

 private:
  std::string_view line_;
  std::vector<std::string_view> fields_;
  std::vector<size_t> starts_;
};

struct RawLink {
  std::string from, to;
  TransportMode mode;
  uint32_t minutes;
  bool two_way;
  int line;
};

struct RawRegion {
  std::string sorting_centre;
};

// Format 2 names each office's district and each district's head office.
struct RawDistrict {
  std::string head;  // postcode; empty in format 1 (the office ending in 00)
};

std::optional<PickupKind> ParsePickupKind(std::string_view name) {
  for (PickupKind k : {PickupKind::kLocker, PickupKind::kPoint}) {
    if (Name(k) == name) return k;
  }
  return std::nullopt;
}

}  // namespace

bool IsFacilityCode(std::string_view code) {
  if (code.size() < 2 || code.size() > 16) return false;
  return std::all_of(code.begin(), code.end(),
                     [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'; });
}

// Builds a Network from the text of a file, collecting every error with its line.
class NetworkParser {
 public:
  explicit NetworkParser(std::string_view source) : source_(source) {}

  absl::StatusOr<Network> Run(std::string_view text) {
    ReadLines(text);
    // References are resolved even after a syntax error, so one run reports
    // every problem; reachability only means something in a clean file.
    Resolve();
    if (errors_.empty()) CheckReachability();
    if (!errors_.empty()) {
      std::vector<std::string> shown(errors_.begin(),
                                     errors_.begin() + std::ptrdiff_t(std::min(errors_.size(), kMaxReportedErrors)));
      if (errors_.size() > kMaxReportedErrors) {
        shown.push_back(fmt::format("... and {} more errors", errors_.size() - kMaxReportedErrors));
      }
      return absl::InvalidArgumentError(fmt::format("{}", fmt::join(shown, "\n")));
    }
    return std::move(net_);
  }

 private:
  void Error(int line, std::string_view message) {
    errors_.push_back(line > 0 ? fmt::format("{}:{}: {}", source_, line, message)
                               : fmt::format("{}: {}", source_, message));
  }

  void ReadLines(std::string_view text) {
    int line_number = 0;
    bool saw_header = false;
    size_t pos = 0;
    while (pos <= text.size()) {
      size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(pos, end - pos);
      pos = end + 1;
      ++line_number;
      if (const size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
      const Fields f(line);
      if (f.size() == 0) continue;
      if (!saw_header) {
        saw_header = true;
        const uint32_t version = f.size() == 2 ? ParseUint(f[1]).value_or(0) : 0;
        if (f[0] != "network" || version < 1 || version > kFormatVersion) {
          Error(line_number, fmt::format("the first record must be \"network {}\" (or an earlier format, 1 or 2)",
                                         kFormatVersion));
          return;
        }
        version_ = int(version);
        continue;
      }
      ReadRecord(f, line_number);
    }
    if (!saw_header) Error(0, "empty network file");
  }

  bool Expect(const Fields& f, size_t min_fields, std::string_view usage, int line) {
    if (f.size() >= min_fields) return true;
    Error(line, fmt::format("expected \"{}\"", usage));
    return false;
  }

  void ReadRecord(const Fields& f, int line) {
    const std::string_view kind = f[0];
    if (kind == "exchange" || kind == "sorting") {
      if (!Expect(f, 3, fmt::format("{} CODE NAME", kind), line)) return;
      AddFacility(f[1], kind == "exchange" ? FacilityKind::kOfficeOfExchange : FacilityKind::kSortingCentre, f.Rest(2),
                  std::nullopt, line);
    } else if (kind == "region") {
      if (!Expect(f, 4, "region PREFIX SORTING-CENTRE NAME", line)) return;
      AddRegion(f[1], f[2], f.Rest(3), line);
    } else if (kind == "district") {
      if (version_ == 1) {
        if (!Expect(f, 3, "district CODE NAME", line)) return;
        AddDistrict(f[1], "", f.Rest(2), line);
      } else {
        if (!Expect(f, 4, "district CODE HEAD-POSTCODE NAME", line)) return;
        AddDistrict(f[1], f[2], f.Rest(3), line);
      }
    } else if (kind == "office") {
      if (!Expect(f, version_ == 1 ? 3 : 4, version_ == 1 ? "office POSTCODE NAME" : "office POSTCODE DISTRICT NAME",
                  line)) {
        return;
      }
      const std::optional<Postcode> postcode = Postcode::Parse(f[1]);
      if (!postcode) {
        Error(line, fmt::format("postcode \"{}\" is not six digits", f[1]));
        return;
      }
      const size_t before = net_.facilities_.size();
      AddFacility(f[1], FacilityKind::kDeliveryOffice, f.Rest(version_ == 1 ? 2 : 3), postcode, line);
      if (net_.facilities_.size() > before) {
        office_district_.resize(before + 1);
        office_district_[before] = version_ == 1 ? fmt::format("{:04d}", postcode->block()) : std::string(f[2]);
      }
    } else if (kind == "link") {
      AddLink(f, line);
    } else if (kind == "pickup" && version_ >= 3) {
      AddPickupPoint(f, line);
    } else if (kind == "pickup") {
      Error(line, fmt::format("pickup records need \"network 3\" (this file is format {})", version_));
    } else {
      Error(line, fmt::format(
                      "unknown record \"{}\" (expected exchange, sorting, region, district, office, link or pickup)",
                      kind));
    }
  }

  void AddPickupPoint(const Fields& f, int line) {
    if (!Expect(f, 6, "pickup CODE KIND OFFICE CAPACITY NAME", line)) return;
    const std::string_view code = f[1];
    if (!IsFacilityCode(code) || Postcode::Parse(code)) {
      Error(line, fmt::format("pickup code \"{}\" must be 2-16 capital letters, digits or '-', and not a postcode",
                              code));
      return;
    }
    const std::optional<PickupKind> kind = ParsePickupKind(f[2]);
    if (!kind) {
      Error(line, fmt::format("pickup kind \"{}\" is not locker or point", f[2]));
      return;
    }
    const std::optional<uint32_t> capacity = ParseUint(f[4]);
    if (!capacity || *capacity == 0 || *capacity > kMaxPickupCapacity) {
      Error(line, fmt::format("capacity \"{}\" must be a whole number of items from 1 to {}", f[4],
                              kMaxPickupCapacity));
      return;
    }
    const PickupPointId id(uint32_t(net_.pickup_points_.size()));
    if (const auto [it, inserted] = net_.pickup_by_code_.emplace(std::string(code), id); !inserted) {
      Error(line, fmt::format("duplicate pickup point {} (first declared at line {})", code,
                              net_.pickup_point(it->second).line));
      return;
    }
    net_.pickup_points_.push_back(PickupPoint{std::string(code), *kind, {}, *capacity, f.Rest(5), line});
    pickup_office_.emplace_back(f[3]);
  }

  void AddFacility(std::string_view code, FacilityKind kind, std::string name, std::optional<Postcode> postcode,
                   int line) {
    if (!IsFacilityCode(code)) {
      Error(line, fmt::format("facility code \"{}\" must be 2-16 capital letters, digits or '-'", code));
      return;
    }
    const FacilityId id(uint32_t(net_.facilities_.size()));
    const auto [it, inserted] = net_.by_code_.emplace(std::string(code), id);
    if (!inserted) {
      const int first = net_.facility(it->second).line;
      Error(line, postcode ? fmt::format("duplicate postcode {} (first declared at line {})", code, first)
                           : fmt::format("duplicate facility {} (first declared at line {})", code, first));
      return;
    }
    if (kind == FacilityKind::kOfficeOfExchange) {
      if (net_.office_of_exchange_.valid()) {
        Error(line, fmt::format("a second office of exchange {} (the network has one inward office, {})", code,
                                net_.facility(net_.office_of_exchange_).code));
      }
      net_.office_of_exchange_ = id;
    }
    net_.facilities_.push_back(Facility{std::string(code), kind, std::move(name), {}, {}, postcode, line});
  }

  void AddRegion(std::string_view prefix, std::string_view sorting_centre, std::string name, int line) {
    if (!IsDigits(prefix) || prefix.size() < 2 || prefix.size() > 3) {
      Error(line, fmt::format("region prefix \"{}\" must be two or three digits", prefix));
      return;
    }
    for (const Region& r : net_.regions_) {
      if (r.prefix.starts_with(prefix) || prefix.starts_with(r.prefix)) {
        Error(line, fmt::format("region prefix {} overlaps region {} (line {})", prefix, r.prefix, r.line));
        return;
      }
    }
    net_.regions_.push_back(Region{std::string(prefix), std::move(name), {}, line});
    raw_regions_.push_back(RawRegion{std::string(sorting_centre)});
  }

  void AddDistrict(std::string_view code_text, std::string_view head, std::string name, int line) {
    // Format 1: four digits. Format 2: the region's prefix and two digits
    // (four digits, or five in Tashkent city), checked once regions are known.
    if (!IsDigits(code_text) || code_text.size() < 4 || code_text.size() > (version_ == 1 ? 4u : 5u)) {
      Error(line, fmt::format("district code \"{}\" must be {}", code_text,
                              version_ == 1 ? "four digits" : "its region's prefix and two digits"));
      return;
    }
    const uint32_t code = *ParseUint(code_text);
    const DistrictId id(uint32_t(net_.districts_.size()));
    if (const auto [it, inserted] = net_.district_by_code_.emplace(code, id); !inserted) {
      Error(line, fmt::format("duplicate district {} (first declared at line {})", code_text,
                              net_.district(it->second).line));
      return;
    }
    net_.districts_.push_back(District{code, {}, std::move(name), {}, line});
    raw_districts_.push_back(RawDistrict{std::string(head)});
  }

  void AddLink(const Fields& f, int line) {
    if (f.size() < 5 || f.size() > 6) {
      Error(line, "expected \"link FROM TO MODE MINUTES [oneway]\"");
      return;
    }
    const std::optional<TransportMode> mode = ParseTransportMode(f[3]);
    if (!mode) {
      Error(line, fmt::format("transport mode \"{}\" is not truck, van, rail or air", f[3]));
      return;
    }
    const std::optional<uint32_t> minutes = ParseUint(f[4]);
    if (!minutes || *minutes == 0 || *minutes > kMaxLinkMinutes) {
      Error(line, fmt::format("transit time \"{}\" must be whole minutes from 1 to {}", f[4], kMaxLinkMinutes));
      return;
    }
    if (f.size() == 6 && f[5] != "oneway") {
      Error(line, fmt::format("unexpected \"{}\" after the transit time (only \"oneway\" may follow)", f[5]));
      return;
    }
    raw_links_.push_back(RawLink{std::string(f[1]), std::string(f[2]), *mode, *minutes, f.size() == 5, line});
  }

  // Second pass: everything that refers to something declared elsewhere in the file.
  void Resolve() {
    if (!net_.office_of_exchange_.valid()) Error(0, "no office of exchange (an \"exchange\" record) is declared");

    std::vector<int> regions_served(net_.facilities_.size(), 0);
    for (size_t r = 0; r < net_.regions_.size(); ++r) {
      Region& region = net_.regions_[r];
      const std::optional<FacilityId> sc = net_.Find(raw_regions_[r].sorting_centre);
      if (!sc) {
        Error(region.line, fmt::format("unknown facility {}", raw_regions_[r].sorting_centre));
        continue;
      }
      if (net_.facility(*sc).kind != FacilityKind::kSortingCentre) {
        Error(region.line, fmt::format("{} is not a sorting centre", raw_regions_[r].sorting_centre));
        continue;
      }
      region.sorting_centre = *sc;
      net_.facilities_[sc->value()].region = RegionId(uint32_t(r));
      ++regions_served[sc->value()];
    }
    for (const Facility& f : net_.facilities_) {
      if (f.kind == FacilityKind::kSortingCentre && regions_served[net_.by_code_.at(f.code).value()] == 0) {
        Error(f.line, fmt::format("sorting centre {} serves no region", f.code));
      }
    }

    std::vector<int> districts_in_region(net_.regions_.size(), 0);
    for (District& d : net_.districts_) {
      const std::string code = fmt::format("{:04d}", d.code);
      for (size_t r = 0; r < net_.regions_.size(); ++r) {
        if (code.starts_with(net_.regions_[r].prefix)) d.region = RegionId(uint32_t(r));
      }
      if (!d.region.valid()) {
        Error(d.line, fmt::format("district {} does not start with the prefix of any region", code));
        continue;
      }
      if (version_ > 1 && code.size() != net_.region(d.region).prefix.size() + 2) {
        Error(d.line, fmt::format("district {} must be its region's prefix {} and two digits", code,
                                  net_.region(d.region).prefix));
      }
      ++districts_in_region[d.region.value()];
    }
    for (size_t r = 0; r < net_.regions_.size(); ++r) {
      if (districts_in_region[r] == 0) {
        Error(net_.regions_[r].line, fmt::format("region {} has no districts", net_.regions_[r].prefix));
      }
    }

    for (size_t i = 0; i < net_.facilities_.size(); ++i) {
      Facility& f = net_.facilities_[i];
      if (!f.postcode) continue;
      const std::string& named = office_district_[i];
      const std::optional<uint32_t> code = ParseUint(named);
      const std::optional<DistrictId> district = code ? net_.FindDistrict(*code) : std::nullopt;
      if (!district) {
        Error(f.line, fmt::format("office {}: district {} is not declared", f.code, named));
        continue;
      }
      const District& d = net_.district(*district);
      if (!d.region.valid()) continue;  // reported above
      const std::string& prefix = net_.region(d.region).prefix;
      if (!f.code.starts_with(prefix)) {
        Error(f.line, fmt::format("office {}: district {} is in region {}, whose postcodes start with {}", f.code,
                                  named, net_.region(d.region).name, prefix));
        continue;
      }
      // Outside Tashkent city the postcode carries the district: region,
      // district, office, two digits each.
      if (prefix.size() == 2 && f.code.substr(0, 4) != named) {
        Error(f.line, fmt::format("office {}: a postcode of district {} starts with {}", f.code, named, named));
        continue;
      }
      f.district = *district;
      f.region = d.region;
    }
    for (size_t k = 0; k < net_.districts_.size(); ++k) {
      District& d = net_.districts_[k];
      if (!d.region.valid()) continue;
      const std::string& head = raw_districts_[k].head;
      const std::optional<FacilityId> office =
          version_ == 1 ? net_.Find(fmt::format("{:04d}00", d.code)) : net_.Find(head);
      if (office && net_.facility(*office).kind == FacilityKind::kDeliveryOffice &&
          net_.facility(*office).district == DistrictId(uint32_t(k))) {
        d.head_office = *office;
      } else if (version_ == 1) {
        Error(d.line, fmt::format("district {:04d} has no head office (an office whose postcode ends in 00)", d.code));
      } else {
        Error(d.line, fmt::format("district {}: head office {} is not an office of the district", d.code, head));
      }
    }

    for (const RawLink& raw : raw_links_) {
      const std::optional<FacilityId> from = net_.Find(raw.from);
      const std::optional<FacilityId> to = net_.Find(raw.to);
      if (!from || !to) {
        Error(raw.line, fmt::format("unknown facility {}", !from ? raw.from : raw.to));
        continue;
      }
      if (*from == *to) {
        Error(raw.line, fmt::format("link from {} to itself", raw.from));
        continue;
      }
      net_.links_.push_back(Link{*from, *to, raw.mode, raw.minutes, raw.line});
      if (raw.two_way) net_.links_.push_back(Link{*to, *from, raw.mode, raw.minutes, raw.line});
    }

    for (size_t k = 0; k < net_.pickup_points_.size(); ++k) {
      PickupPoint& p = net_.pickup_points_[k];
      if (net_.Find(p.code)) {
        Error(p.line, fmt::format("pickup point {} has the code of a facility", p.code));
        continue;
      }
      const std::optional<FacilityId> office = net_.Find(pickup_office_[k]);
      if (!office || net_.facility(*office).kind != FacilityKind::kDeliveryOffice) {
        Error(p.line, fmt::format("pickup point {}: {} is not a delivery office", p.code, pickup_office_[k]));
        continue;
      }
      p.office = *office;
      net_.pickups_by_office_[office->value()].push_back(PickupPointId(uint32_t(k)));
    }
  }

  // Every facility must receive mail from the office of exchange and be able
  // to send it back there (returns to sender leave through Tashkent).
  void CheckReachability() {
    const size_t n = net_.facilities_.size();
    std::vector<std::vector<uint32_t>> out(n), in(n);
    for (const Link& l : net_.links_) {
      out[l.from.value()].push_back(l.to.value());
      in[l.to.value()].push_back(l.from.value());
    }
    const auto reach = [&](const std::vector<std::vector<uint32_t>>& adj) {
      std::vector<bool> seen(n, false);
      std::deque<uint32_t> queue = {net_.office_of_exchange_.value()};
      seen[queue.front()] = true;
      while (!queue.empty()) {
        const uint32_t u = queue.front();
        queue.pop_front();
        for (uint32_t v : adj[u]) {
          if (!seen[v]) {
            seen[v] = true;
            queue.push_back(v);
          }
        }
      }
      return seen;
    };
    const std::vector<bool> reached = reach(out);
    const std::vector<bool> returns = reach(in);
    const std::string& oe = net_.facility(net_.office_of_exchange_).code;
    for (size_t i = 0; i < n; ++i) {
      const Facility& f = net_.facilities_[i];
      if (!reached[i]) {
        Error(f.line,
              fmt::format("{} {} is unreachable: no path of links leads to it from {}", Name(f.kind), f.code, oe));
      } else if (!returns[i]) {
        Error(f.line, fmt::format("{} {} has no path of links back to {}", Name(f.kind), f.code, oe));
      }
    }
  }

  std::string source_;
  Network net_;
  int version_ = kFormatVersion;
  std::vector<RawRegion> raw_regions_;
  std::vector<RawDistrict> raw_districts_;
  std::vector<std::string> office_district_;  // by facility: the district an office record names
  std::vector<RawLink> raw_links_;
  std::vector<std::string> pickup_office_;  // by pickup point: the office its record names
  std::vector<std::string> errors_;
};

std::string_view Name(FacilityKind kind) {
  switch (kind) {
    case FacilityKind::kOfficeOfExchange: return "exchange";
    case FacilityKind::kSortingCentre: return "sorting";
    case FacilityKind::kDeliveryOffice: return "office";
  }
  return "?";
}

std::string_view Name(TransportMode mode) {
  switch (mode) {
    case TransportMode::kTruck: return "truck";
    case TransportMode::kVan: return "van";
    case TransportMode::kRail: return "rail";
    case TransportMode::kAir: return "air";
  }
  return "?";
}

std::string_view Name(PickupKind kind) {
  switch (kind) {
    case PickupKind::kLocker: return "locker";
    case PickupKind::kPoint: return "point";
  }
  return "?";
}

std::optional<TransportMode> ParseTransportMode(std::string_view name) {
  for (TransportMode m : {TransportMode::kTruck, TransportMode::kVan, TransportMode::kRail, TransportMode::kAir}) {
    if (Name(m) == name) return m;
  }
  return std::nullopt;
}

std::optional<Postcode> Postcode::Parse(std::string_view text) {
  if (text.size() != 6 || !IsDigits(text)) return std::nullopt;
  return Postcode(*ParseUint(text));
}

std::string Postcode::ToString() const {
  std::string text(6, '0');
  uint32_t v = value_;
  for (int i = 5; i >= 0; --i, v /= 10) text[size_t(i)] = char('0' + v % 10);
  return text;
}

absl::StatusOr<Network> Network::Parse(std::string_view text, std::string_view source) {
  return NetworkParser(source).Run(text);
}

absl::StatusOr<Network> Network::Load(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path, "network file");
  if (!text.ok()) return text.status();
  const size_t slash = path.find_last_of('/');
  return Parse(*text, slash == std::string::npos ? path : path.substr(slash + 1));
}

std::optional<FacilityId> Network::Find(std::string_view code) const {
  const auto it = by_code_.find(absl::string_view(code.data(), code.size()));
  if (it == by_code_.end()) return std::nullopt;
  return it->second;
}

std::optional<FacilityId> Network::FindOffice(Postcode postcode) const {
  const std::optional<FacilityId> id = Find(postcode.ToString());
  if (!id || facility(*id).kind != FacilityKind::kDeliveryOffice) return std::nullopt;
  return id;
}

std::optional<DistrictId> Network::FindDistrict(uint32_t district_code) const {
  const auto it = district_by_code_.find(district_code);
  if (it == district_by_code_.end()) return std::nullopt;
  return it->second;
}

std::optional<PickupPointId> Network::FindPickupPoint(std::string_view code) const {
  const auto it = pickup_by_code_.find(absl::string_view(code.data(), code.size()));
  if (it == pickup_by_code_.end()) return std::nullopt;
  return it->second;
}

std::span<const PickupPointId> Network::PickupPointsOf(FacilityId office) const {
  const auto it = pickups_by_office_.find(office.value());
  if (it == pickups_by_office_.end()) return {};
  return it->second;
}

std::vector<LinkId> Network::LinksBetween(FacilityId a, FacilityId b, std::optional<TransportMode> mode) const {
  std::vector<LinkId> found;
  for (uint32_t i = 0; i < links_.size(); ++i) {
    const Link& l = links_[i];
    const bool between = (l.from == a && l.to == b) || (l.from == b && l.to == a);
    if (between && (!mode || l.mode == *mode)) found.push_back(LinkId(i));
  }
  return found;
}

size_t Network::CountOf(FacilityKind kind) const {
  return size_t(
      std::count_if(facilities_.begin(), facilities_.end(), [&](const Facility& f) { return f.kind == kind; }));
}

}  // namespace pochta::core
