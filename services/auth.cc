#include "services/auth.h"

#include <sstream>

#include "core/files.h"
#include "fmt/format.h"

namespace pochta::services {

bool SentFromUzbekistan(core::ItemId id) { return id.HasCountry(core::Code(core::kUzbekistanPost)); }

bool Principal::MayRead(core::ItemId id, std::string_view addressed_to) const {
  return role != Role::kOperator || id.HasCountry(core::Code(op)) ||
         (SentFromUzbekistan(id) && addressed_to == core::Code(op));
}

namespace {

// The way back of mail to Uzbekistan returned to its sender: Uzbekiston
// Pochtasi dispatches it (EMB, EMC at its offices) and its operator
// receives it (EMD at its office of exchange). Allowed by the event and its
// office alone, whatever has arrived before, so that reports may come in
// any order.
bool IsReturnLeg(core::EventCode code, core::EventSide side, bool outbound) {
  if (outbound) return false;
  return side == core::EventSide::kOrigin ? code == core::EventCode::kEMB || code == core::EventCode::kEMC
                                          : code == core::EventCode::kEMD;
}

}  // namespace

std::optional<std::string> Principal::WhyNotReport(core::ItemId item, core::EventCode code) const {
  const core::EventSide side = core::Info(code).side;
  const bool outbound = SentFromUzbekistan(item);
  if (role != Role::kReader && side == core::EventSide::kTransit) return std::nullopt;
  switch (role) {
    case Role::kReader: return std::string("the reader role may not report events");
    case Role::kStaff:
      if (side == (outbound ? core::EventSide::kOrigin : core::EventSide::kDestination)) return std::nullopt;
      if (IsReturnLeg(code, side, outbound)) return std::nullopt;
      if (outbound) {
        return fmt::format(
            "Uzbekiston Pochtasi staff report the origin-side events of mail it sends; {} is an {} event of item {}, "
            "reported by the operator it was sent to",
            core::Name(code), core::Name(side), item.ToString());
      }
      return fmt::format("Uzbekiston Pochtasi staff report destination-side events; {} is an {} event",
                         core::Name(code), core::Name(side));
    case Role::kOperator:
      if (kind == core::OperatorKind::kTransit) {
        return fmt::format("{} runs transit offices only: it reports transit events (EMJ, EMK); {} is an {} event",
                           core::Code(op), core::Name(code), core::Name(side));
      }
      if (outbound) {  // mail sent to this operator: it reports what happens at its offices
        if (side == core::EventSide::kDestination) return std::nullopt;
        return fmt::format("item {} was sent by Uzbekiston Pochtasi, which reports its {} events; {} is one",
                           item.ToString(), core::Name(side), core::Name(code));
      }
      if (!item.HasCountry(core::Code(op))) {
        return fmt::format("item {} was issued in {}, not {}", item.ToString(),
                           std::string_view(item.country().data(), 2), core::Code(op));
      }
      if (side == core::EventSide::kDestination && !IsReturnLeg(code, side, outbound)) {
        return fmt::format("{} is a destination-side event, reported by Uzbekiston Pochtasi", core::Name(code));
      }
      return std::nullopt;
  }
  return std::string("unknown role");
}

namespace {

std::optional<std::string> WhyNotOwn(core::Operator op, core::ItemId item) {
  if (item.HasCountry(core::Code(op))) return std::nullopt;
  return fmt::format("item {} was issued in {}, not {}", item.ToString(), std::string_view(item.country().data(), 2),
                     core::Code(op));
}

}  // namespace

// The sending operator: a designated operator for mail to Uzbekistan, staff
// for the mail Uzbekiston Pochtasi sends.
std::optional<core::Operator> Principal::Sender() const {
  if (role == Role::kOperator) return kind == core::OperatorKind::kPartner ? std::optional(op) : std::nullopt;
  if (role == Role::kStaff) return core::kUzbekistanPost;
  return std::nullopt;
}

std::optional<std::string> Principal::WhyNotSubmit(const core::Item& item) const {
  const std::optional<core::Operator> sender = Sender();
  if (!sender) {
    return std::string("only designated operators (partners in the operators file) and Uzbekiston Pochtasi staff "
                       "submit pre-advice");
  }
  if (std::optional<std::string> why = WhyNotOwn(*sender, item.id)) return why;
  if (!item.dispatch_id.empty() && !item.dispatch_id.starts_with(core::Code(*sender))) {
    return fmt::format("dispatch {} leaves an office of exchange of {}, not {}", item.dispatch_id,
                       item.dispatch_id.substr(0, 2), core::Code(*sender));
  }
  return std::nullopt;
}

std::optional<std::string> Principal::WhyNotDeclare(core::ItemId item) const {
  const std::optional<core::Operator> sender = Sender();
  if (!sender) {
    return std::string("only designated operators (partners in the operators file) and Uzbekiston Pochtasi staff "
                       "declare dispatches");
  }
  return WhyNotOwn(*sender, item);
}

absl::StatusOr<KeyRing> KeyRing::Load(const std::string& path, const core::Operators& operators) {
  absl::StatusOr<std::string> text = core::ReadFile(path, "keys file");
  if (!text.ok()) return text.status();
  return Parse(*text, path, operators);
}

absl::StatusOr<KeyRing> KeyRing::Parse(std::string_view text, std::string_view source,
                                       const core::Operators& operators) {
  KeyRing ring;
  std::istringstream lines{std::string(text)};
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (const size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream fields(line);
    std::string key, role;
    if (!(fields >> key)) continue;
    const auto fail = [&](std::string_view why) {
      return absl::InvalidArgumentError(fmt::format("{}:{}: {}", source, number, why));
    };
    if (key.size() < 16 || key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") !=
                               std::string::npos) {
      return fail("a key is 16 or more letters, digits, '-', '_' or '.'");
    }
    if (!(fields >> role)) return fail("expected \"KEY ROLE [COUNTRY] NAME\"");
    Principal p;
    if (role == "operator") {
      std::string country;
      fields >> country;
      const std::optional<core::Operator> op = core::Operator::Parse(country);
      const core::OperatorInfo* info = op ? operators.Find(*op) : nullptr;
      if (info == nullptr || info->kind == core::OperatorKind::kHome) {
        return fail(fmt::format("operator country \"{}\" is not a partner ({}) or transit operator ({}) of the "
                                "operators file",
                                country, operators.CodesOf(core::OperatorKind::kPartner),
                                operators.CodesOf(core::OperatorKind::kTransit)));
      }
      p.role = Role::kOperator;
      p.op = *op;
      p.kind = info->kind;
    } else if (role == "staff") {
      p.role = Role::kStaff;
    } else if (role == "reader") {
      p.role = Role::kReader;
    } else {
      return fail(fmt::format("role \"{}\" is not operator, staff or reader", role));
    }
    std::getline(fields >> std::ws, p.name);
    if (p.name.empty()) p.name = role;
    if (!ring.keys_.emplace(key, std::move(p)).second) return fail("duplicate key");
  }
  if (ring.keys_.empty()) return absl::InvalidArgumentError(fmt::format("{}: no keys", source));
  return ring;
}

std::optional<std::string> KeyRing::KeyFor(Role role, core::Operator op) const {
  std::optional<std::string> found;
  for (const auto& [key, p] : keys_) {
    if (p.role == role && (role != Role::kOperator || p.op == op) && (!found || key < *found)) found = key;
  }
  return found;
}

absl::StatusOr<Principal> KeyRing::Authenticate(std::optional<std::string_view> key) const {
  if (!key || key->empty()) {
    return absl::UnauthenticatedError(
        fmt::format("missing API key: send it in the \"{}\" metadata entry", kApiKeyHeader));
  }
  const auto it = keys_.find(std::string(*key));
  if (it == keys_.end()) return absl::UnauthenticatedError("unknown API key");
  return it->second;
}

}  // namespace pochta::services
