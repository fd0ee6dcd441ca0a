// pochta keys add: a new API key, printed once; its salted hash appended to
// the keys file.
#include <cstdio>
#include <filesystem>

#include "absl/strings/str_join.h"
#include "cli/commands.h"
#include "core/files.h"
#include "core/operators.h"
#include "fmt/format.h"
#include "services/auth.h"

namespace pochta::cli {

CLI::App* AddKeysCommand(CLI::App& app, KeysOptions& options) {
  CLI::App* cmd = app.add_subcommand("keys", "Manage the API keys of pochta serve");
  cmd->require_subcommand(1);
  CLI::App* add = cmd->add_subcommand(
      "add", "Make a new random key: print it once, and append its salted hash to the keys file");
  add->add_option("words", options.words, "ROLE [COUNTRY] NAME: operator CN China Post EDI gateway; staff NAME; "
                                          "reader NAME")
      ->required();
  add->add_option("--keys", options.keys, "The keys file (created when missing)")->required();
  add->add_option("--operators", options.operators_file, "Operators file: who may hold an operator key")
      ->capture_default_str();
  add->footer(
      "The key is printed on stdout and stored nowhere: hand it to its holder. The file keeps \"hash:ID:SALT:DIGEST "
      "ROLE [COUNTRY] NAME\"; a running server reads it when it starts.");
  return cmd;
}

int RunKeys(const KeysOptions& options) {
  const auto fail = [](const std::string& why) {
    fmt::print(stderr, "pochta keys add: {}\n", why);
    return kExitBadInput;
  };
  absl::StatusOr<core::Operators> operators = core::Operators::Load(options.operators_file);
  if (!operators.ok()) return fail(std::string(operators.status().message()));
  std::string text;
  if (std::filesystem::exists(options.keys)) {
    absl::StatusOr<std::string> existing = core::ReadFile(options.keys, "keys file");
    if (!existing.ok()) return fail(std::string(existing.status().message()));
    text = *std::move(existing);
    if (!text.empty() && text.back() != '\n') text += '\n';
  }
  const services::KeyRing::NewKey key = services::KeyRing::Generate();
  text += fmt::format("{} {}\n", key.entry, absl::StrJoin(options.words, " "));
  // The whole file must still load: a bad role or country is refused here,
  // with the file untouched, not when the server next starts.
  if (absl::StatusOr<services::KeyRing> ring = services::KeyRing::Parse(text, options.keys, *operators); !ring.ok()) {
    return fail(std::string(ring.status().message()));
  }
  if (absl::Status s = core::WriteFile(options.keys, text); !s.ok()) return fail(std::string(s.message()));
  fmt::print("{}\n", key.key);
  fmt::print(stderr, "pochta keys add: key {} ({}) added to {}; it is shown only this once\n",
             key.entry.substr(5, 12), absl::StrJoin(options.words, " "), options.keys);
  return kExitOk;
}

}  // namespace pochta::cli
