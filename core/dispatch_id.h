// The dispatch hierarchy above items: consignment > dispatch > receptacle > item.
//
// DispatchId is the UPU S8 identifier (20 characters), ReceptacleId the UPU S9
// identifier (29 characters) of one bag or tray of a dispatch:
//
//   S8: CNSHAA UZTASA A UN 5 0042        origin OE, destination OE, mail
//       category, mail subclass, last digit of the year, dispatch number
//   S9: <S8> 017 0 1 0123                receptacle number, highest-receptacle
//       indicator, registered/insured indicator, gross weight in 0.1 kg
//
// Both are always valid once constructed (only Parse creates them).
// Thread-safety: value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/mail_class.h"

namespace pochta::core {

// UPU code list 115.
enum class MailCategory : uint8_t {
  kPriority = 'A',          // A: airmail / priority
  kSal = 'B',               // B: S.A.L. / non-priority
  kSurface = 'C',           // C: surface / non-priority
  kPriorityBySurface = 'D'  // D: priority mail carried by surface
};

class DispatchId {
 public:
  static constexpr size_t kTextLength = 20;

  // InvalidArgument naming the field (origin, destination, category,
  // subclass, year, number) and its value when `text` is not a valid S8 id.
  static absl::StatusOr<DispatchId> Parse(std::string_view text);

  std::string_view origin() const { return {text_, 6}; }  // IMPC of the dispatching office of exchange
  std::string_view destination() const { return {text_ + 6, 6}; }
  MailCategory category() const { return MailCategory(text_[12]); }
  std::string_view subclass() const { return {text_ + 13, 2}; }  // UPU code list 117, e.g. "UN", "CN", "EM"
  // The mail class the subclass belongs to (U.. letter post, C.. parcels, E.. EMS).
  std::optional<MailClass> mail_class() const;
  int year_digit() const { return text_[15] - '0'; }
  int number() const;  // 1..9999, counted per year between a pair of offices of exchange
  std::string_view text() const { return {text_, kTextLength}; }
  std::string ToString() const { return std::string(text()); }

  friend bool operator==(const DispatchId& a, const DispatchId& b) { return a.text() == b.text(); }

 private:
  friend class ReceptacleId;
  DispatchId() = default;
  char text_[kTextLength] = {};
};

// What the registered/insured indicator of an S9 id says about the contents.
enum class ReceptacleContents : uint8_t {
  kOrdinary = '0',             // no registered or insured items
  kRegisteredOrInsured = '1',  // contains registered or insured items
  kOther = '9',                // other (bilateral) use
};

class ReceptacleId {
 public:
  static constexpr size_t kTextLength = 29;

  // InvalidArgument naming the field when `text` is not a valid S9 id.
  static absl::StatusOr<ReceptacleId> Parse(std::string_view text);

  const DispatchId& dispatch() const { return dispatch_; }
  int number() const { return number_; }     // 1..999 within the dispatch
  bool highest() const { return highest_; }  // the last receptacle of the dispatch
  ReceptacleContents contents() const { return contents_; }
  int weight_hectograms() const { return weight_hg_; }  // gross weight in 0.1 kg units (0..9999)
  std::string ToString() const;

 private:
  ReceptacleId() = default;
  DispatchId dispatch_;
  int number_ = 0;
  bool highest_ = false;
  ReceptacleContents contents_ = ReceptacleContents::kOrdinary;
  int weight_hg_ = 0;
};

}  // namespace pochta::core
