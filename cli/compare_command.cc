// pochta compare A.json B.json: two scenarios' key figures side by side,
// with B minus A and whether each difference is significant.
#include "cli/commands.h"
#include "cli/reports.h"
#include "core/files.h"
#include "fmt/format.h"

namespace pochta::cli {

CLI::App* AddCompareCommand(CLI::App& app, CompareOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "compare", "Compare two scenarios' results (pochta simulate --json), paired over the same seeds");
  cmd->add_option("a", options.a, "Results of scenario A: pochta simulate A [--replications R] --json A.json")
      ->required();
  cmd->add_option("b", options.b, "Results of scenario B, with the same seed and replications to pair them")
      ->required();
  cmd->add_option("--report", options.report, "Also write an HTML report with charts to this file");
  return cmd;
}

int RunCompare(const CompareOptions& options) {
  absl::StatusOr<Results> a = ReadResults(options.a);
  absl::StatusOr<Results> b = a.ok() ? ReadResults(options.b) : a;
  if (!a.ok() || !b.ok()) {
    fmt::print(stderr, "pochta compare: {}\n", std::string((a.ok() ? b : a).status().message()));
    return kExitBadInput;
  }
  const Comparison c = Compare(*a, *b);
  if (c.rows.empty()) {
    fmt::print(stderr, "pochta compare: {} and {} have no key figure in common\n", a->file, b->file);
    return kExitBadInput;
  }
  fmt::print("pochta compare: A {} ({}), B {} ({})\n", a->scenario, a->file, b->scenario, b->file);
  fmt::print("  {}\n\n", ComparisonMethod(*a, *b, c));
  fmt::print("  {:<46} {:>16} {:>16} {:>16} {:>8} {:>12}\n", "key figure", "A", "B", "B - A", "change",
             "significant");
  for (const Comparison::Row& row : c.rows) {
    // fmt pads by code points, so "±" takes one column.
    fmt::print("  {:<46} {:>16} {:>16} {:>16} {:>8} {:>12}\n", row.figure, PlusMinus(row.a.mean, row.a.half_width),
               PlusMinus(row.b.mean, row.b.half_width), PlusMinus(row.difference.mean, row.difference.half_width),
               Change(row), Significance(*a, *b, row.difference));
  }
  if (!options.report.empty()) {
    if (absl::Status s = core::WriteFile(options.report, CompareReport(*a, *b, c)); !s.ok()) {
      fmt::print(stderr, "pochta compare: {}\n", std::string(s.message()));
      return kExitBadInput;
    }
  }
  return kExitOk;
}

}  // namespace pochta::cli
