// Runs the `pochta` executable and checks exit codes, stdout and stderr.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "core/test_support.h"
#include "fmt/format.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "storage/testing/histories.h"
#include "storage/testing/tamper.h"
#include "storage/tracking_store.h"

namespace {

namespace testing_names = pochta::testing_names;

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs `pochta <args>` through the shell; args are trusted test literals.
Result Pochta(const std::string& args) {
  // ctest runs tests as parallel processes: one stderr file per process.
  const std::string err_path = testing::TempDir() + "pochta_stderr_" + std::to_string(getpid()) + ".txt";
  const std::string command = std::string(POCHTA_BINARY) + " " + args + " 2>" + err_path;
  Result run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) run.out.append(buffer.data(), n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.err = ReadFile(err_path);
  return run;
}

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(CliTest, FindsItsDataBesideTheBuildTreeOrWhereTheEnvironmentSays) {
  const Result help = Pochta("route --help");
  EXPECT_TRUE(Contains(help.out, "/data/uz-network.txt")) << help.out;
  ASSERT_EQ(setenv("POCHTA_DATA_DIR", "/nonexistent-pochta-data", 1), 0);
  const Result route = Pochta("route 140105");
  const Result simulate = Pochta("simulate h1-2025 --no-store");
  unsetenv("POCHTA_DATA_DIR");
  EXPECT_EQ(route.exit_code, 1);
  EXPECT_TRUE(Contains(route.err, "cannot open network file /nonexistent-pochta-data/uz-network.txt")) << route.err;
  EXPECT_EQ(simulate.exit_code, 1);
  EXPECT_TRUE(Contains(simulate.err, "/nonexistent-pochta-data/operators.txt")) << simulate.err;
}

TEST(CliTest, RoutesAPostcodeFromTheOfficeOfExchange) {
  const Result run = Pochta("route 140105");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "140105 Samarkand city post office 5")) << run.out;
  EXPECT_TRUE(Contains(run.out, "from UZTASA: 3 legs")) << run.out;
  EXPECT_TRUE(Contains(run.out, "SC-SKD")) << run.out;
  EXPECT_TRUE(run.err.empty()) << run.err;
}

TEST(CliTest, JsonPathIsContiguousAndAddsUp) {
  const Result run = Pochta("route 140105 --from SC-NCU --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json answer = nlohmann::json::parse(run.out);
  EXPECT_EQ(answer["office"]["code"], "140105");
  EXPECT_EQ(answer["match"], "exact");
  EXPECT_EQ(answer["from"], "SC-NCU");
  ASSERT_TRUE(answer["reachable"].get<bool>());
  std::string at = "SC-NCU";
  int minutes = 0;
  for (const auto& leg : answer["legs"]) {
    EXPECT_EQ(leg["from"], at);
    at = leg["to"];
    minutes += leg["minutes"].get<int>();
  }
  EXPECT_EQ(at, "140105");
  EXPECT_EQ(answer["minutes"].get<int>(), minutes);
}

TEST(CliTest, ClosingTheTrunkReroutesViaJizzakh) {
  const Result run = Pochta("route 140105 --close-link UZTASA:SC-SKD --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json answer = nlohmann::json::parse(run.out);
  EXPECT_EQ(answer["legs"][0]["to"], "SC-JIZ");
  EXPECT_GT(answer["closures"]["changed_destinations"].get<int>(), 0);
  EXPECT_EQ(answer["closures"]["unreachable_offices"].get<int>(), 0);
}

TEST(CliTest, UnknownOfficeInAKnownDistrictGoesToTheHeadOffice) {
  const Result run = Pochta("route 140199");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "140100 ")) << run.out;
  EXPECT_TRUE(Contains(run.out, "no office has postcode 140199")) << run.out;
}

TEST(CliTest, ClosedSortingCentreMakesTheOfficeUnreachable) {
  const Result run = Pochta("route 140105 --close-facility SC-SKD");
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_TRUE(Contains(run.out, "unreachable")) << run.out;
}

struct BadCall {
  const char* args;
  int exit_code;      // 1 bad input, 2 usage error
  const char* error;  // expected on stderr
};

class CliErrorTest : public testing::TestWithParam<BadCall> {};

TEST_P(CliErrorTest, ExitsNonZeroWithTheReasonOnStderr) {
  const Result run = Pochta(GetParam().args);
  EXPECT_EQ(run.exit_code, GetParam().exit_code);
  EXPECT_TRUE(Contains(run.err, GetParam().error)) << "stderr: " << run.err;
  EXPECT_TRUE(run.out.empty()) << "stdout: " << run.out;
}

INSTANTIATE_TEST_SUITE_P(BadInput, CliErrorTest,
                         testing::Values(BadCall{"route 12345", 1, "postcode \"12345\" is not six digits"},
                                         BadCall{"route 990101", 1, "no delivery office serves postcode 990101"},
                                         BadCall{"route 140105 --from NOPE", 1, "--from \"NOPE\" is not a facility"},
                                         BadCall{"route 140105 --close-link UZTASA", 1, "must be FROM:TO"},
                                         BadCall{"route 140105 --close-link UZTASA:140105", 1, "there is no such link"},
                                         BadCall{"route 140105 --close-link UZTASA:SC-SKD:boat", 1, "mode \"boat\""},
                                         BadCall{"route 140105 --network /nonexistent.txt", 1,
                                                 "cannot open network file"},
                                         BadCall{"network --network /nonexistent.txt", 1, "cannot open network file"},
                                         BadCall{"route", 2, "postcode is required"},
                                         BadCall{"", 2, "A subcommand is required"}, BadCall{"fly", 2, "Subcommands:"}),
                         [](const auto& info) { return testing_names::CaseName(info.index, info.param.args); });

TEST(CliTest, BrokenNetworkFileNamesTheLine) {
  const std::string path = testing::TempDir() + "broken-network-" + std::to_string(getpid()) + ".txt";
  std::ofstream(path) << "network 1\nexchange UZTASA X\nlink UZTASA SC-X truck 5\n";
  const Result run = Pochta("network --network " + path);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(Contains(run.err, ".txt:3: unknown facility SC-X")) << run.err;
}

TEST(CliTest, NetworkSummarisesTheShippedFile) {
  const Result run = Pochta("network");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "valid")) << run.out;
  EXPECT_TRUE(Contains(run.out, "14 sorting centres")) << run.out;
  EXPECT_TRUE(Contains(run.out, "Karakalpakstan")) << run.out;
}

namespace storage = pochta::storage;
namespace histories = pochta::storage::testing;

// A store with three items: one delivered, one in transit, one pre-advised.
std::string MakeStore() {
  std::string dir = testing::TempDir() + "pochta_cli_store_XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) std::abort();
  storage::StoreOptions options;
  options.durability = storage::Durability::kBuffered;
  std::unique_ptr<storage::TrackingStore> store = *storage::TrackingStore::Open(dir, options);
  std::vector<storage::ReportedEvent> events;
  for (const auto& e : histories::TestHistory(histories::kEpoch2025)) {
    events.push_back(histories::Reported(histories::TestItemId(1), e));
  }
  events.push_back(
      histories::Reported(histories::TestItemId(2), {pochta::core::EventCode::kEMD, histories::kEpoch2025, "UZTASA"}));
  EXPECT_TRUE(store->AppendEvents(events).ok());
  const pochta::core::Item item = histories::TestPreAdvice(histories::TestItemId(3, "LV"), histories::kEpoch2025);
  EXPECT_TRUE(store->PutItems({&item, 1}).ok());
  return dir;
}

TEST(CliTest, StoreStatsCountsByStatusCountryAndFacility) {
  const Result run = Pochta("store stats " + MakeStore());
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, ": 3 items, 17 events")) << run.out;
  EXPECT_TRUE(Contains(run.out, "delivered")) << run.out;
  EXPECT_TRUE(Contains(run.out, "LV")) << run.out;
  EXPECT_TRUE(Contains(run.out, "UZTASA")) << run.out;
}

TEST(CliTest, StoreVerifyPassesACleanStoreAndNamesACorruptRecord) {
  const std::string dir = MakeStore();
  Result run = Pochta("store verify " + dir);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(Contains(run.out, "3 items, 17 events checked, 0 problems")) << run.out;

  const std::string key = storage::internal::ItemKey(histories::TestItemId(2));
  const std::string garbage = "\x01\xff\xff";
  ASSERT_TRUE(histories::Tamper(dir, storage::internal::kState, key, &garbage));
  run = Pochta("store verify " + dir);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(Contains(run.out, storage::internal::Hex(key))) << run.out;
  EXPECT_TRUE(Contains(run.out, "1 problems")) << run.out;
  run = Pochta("store stats " + dir);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(Contains(run.err, storage::internal::Hex(key))) << run.err;
}

TEST(CliTest, StoreCommandsRefuseAMissingStore) {
  for (const char* command : {"store verify /nonexistent/db", "store stats /nonexistent/db"}) {
    const Result run = Pochta(command);
    EXPECT_EQ(run.exit_code, 1) << command;
    EXPECT_TRUE(Contains(run.err, "cannot open tracking store")) << run.err;
  }
}

// A short scenario: ten days of postings on the h1-2025 model.
std::string SmallScenario() {
  const std::string path = testing::TempDir() + "small-" + std::to_string(getpid()) + ".scenario";
  std::ofstream(path) << "name = small\ndescription = ten days\n[run]\ndays = 10\ndrain_days = 45\n"
                      << "[operator CN]\nitems_per_day = 300\noffice_of_exchange = CNURCA\n"
                      << "[operator VU]\nitems_per_day = 20\noffice_of_exchange = VUVLIA\n"
                      << "transit_office = AUSYDA\ntransit_hours = 48\n";
  return path;
}

TEST(CliTest, SimulateWritesAStoreThatVerifiesAndItsReports) {
  const std::string dir = testing::TempDir() + "sim-" + std::to_string(getpid());
  const std::string json = dir + ".json", csv = dir + ".csv";
  const Result run = Pochta("simulate " + SmallScenario() + " --db " + dir + ".db --json " + json + " --csv " + csv);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "pochta simulate small (seed 1)")) << run.out;
  EXPECT_TRUE(Contains(run.out, "events written")) << run.out;
  const nlohmann::json summary = nlohmann::json::parse(ReadFile(json));
  const int posted = summary["operators"]["all"]["posted"];
  EXPECT_GT(posted, 2500);
  EXPECT_EQ(summary["operators"]["all"]["in_flow"], 0);
  const std::string series = ReadFile(csv);
  EXPECT_TRUE(series.starts_with("time,facility,backlog,throughput,utilisation\n")) << series.substr(0, 80);
  EXPECT_TRUE(Contains(series, "2025-01-01T09:00:00Z,UZTASA sorting,")) << series.substr(0, 400);
  EXPECT_TRUE(Contains(series, ",SC-SKD,")) << series.substr(0, 400);
  EXPECT_TRUE(Contains(series, ",network,"));

  EXPECT_TRUE(Contains(run.out, "bulk load into a new store")) << run.out;
  const Result verify = Pochta("store verify " + dir + ".db");
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  EXPECT_TRUE(Contains(verify.out, fmt::format("{} items", posted))) << verify.out;
  EXPECT_TRUE(Contains(verify.out, " 0 problems")) << verify.out;

  // The same run again into the same store: ordinary writes, all duplicates.
  const Result again = Pochta("simulate " + SmallScenario() + " --db " + dir + ".db");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(Contains(again.out, "appended to existing items")) << again.out;
  EXPECT_EQ(Pochta("store verify " + dir + ".db").out, verify.out);
}

// A simulated store answers the dispatch questions a declared one does:
// every item of a dispatch, and those of its receptacles still missing.
TEST(CliTest, ASimulatedStoreListsEveryItemOfADispatchAndThoseNotScanned) {
  const std::string path = SmallScenario();
  std::ofstream(path, std::ios::app) << "[dispatch]\nmissent_share = 0.1\nmissent_days = 200\n";
  const std::string db = testing::TempDir() + "dispatches-" + std::to_string(getpid()) + ".db";
  ASSERT_EQ(Pochta("simulate " + path + " --db " + db).exit_code, 0);
  const Result dump = Pochta("store dump " + db);
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  std::map<std::string, std::set<std::string>> pre_advised;  // dispatch -> items, from the items' pre-advice
  std::set<std::string> scanned;                             // items with an event of Uzbekiston Pochtasi
  std::istringstream lines(dump.out);
  for (std::string line; std::getline(lines, line);) {
    const nlohmann::json record = nlohmann::json::parse(line);
    if (record["family"] == "items") pre_advised[record["dispatch_id"]].insert(record["item"]);
    if (record["family"] == "events" && record["reported_by"] == "UZ") scanned.insert(record["item"]);
  }
  ASSERT_FALSE(pre_advised.contains("")) << "an item without a dispatch";
  ASSERT_GT(pre_advised.size(), 15u);  // a dispatch a day from each operator

  storage::StoreOptions options;
  options.read_only = true;
  absl::StatusOr<std::unique_ptr<storage::TrackingStore>> store = storage::TrackingStore::Open(db, options);
  ASSERT_TRUE(store.ok()) << store.status();
  const auto list = [&](const std::string& dispatch, bool unscanned_only) {
    storage::WorkListQuery q;
    q.kind = storage::WorkListQuery::Kind::kDispatch;
    q.dispatch_id = dispatch;
    q.unscanned_only = unscanned_only;
    q.page_size = 1000;
    std::set<std::string> ids;
    do {
      absl::StatusOr<storage::WorkListPage> page = (*store)->ListItems(q);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (pochta::core::ItemId id : page->items) ids.insert(id.ToString());
      q.page_token = page->next_page_token;
    } while (!q.page_token.empty());
    return ids;
  };
  size_t missing = 0;
  for (const auto& [dispatch, items] : pre_advised) {
    EXPECT_EQ(list(dispatch, false), items) << dispatch;
    std::set<std::string> unscanned;
    for (const std::string& id : items) {
      if (!scanned.contains(id)) unscanned.insert(id);
    }
    EXPECT_EQ(list(dispatch, true), unscanned) << dispatch;
    missing += unscanned.size();
  }
  EXPECT_GT(missing, 50u) << "missent receptacles 200 days late are still missing at the end of the run";
}

TEST(CliTest, ForecastRunsOnFromAStoreStoppedMidFlow) {
  const std::string base = testing::TempDir() + "forecast-" + std::to_string(getpid());
  std::filesystem::remove_all(base + ".db");
  const Result sim = Pochta("simulate " + SmallScenario() + " --until 8 --db " + base + ".db");
  ASSERT_EQ(sim.exit_code, 0) << sim.err;
  EXPECT_TRUE(Contains(sim.out, "stopped at the start of day 8")) << sim.out;
  const Result stats = Pochta("store stats " + base + ".db");
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_TRUE(Contains(stats.out, "in-transit")) << stats.out;  // a network in mid-flow

  const Result run = Pochta("forecast --db " + base + ".db --scenario " + SmallScenario() +
                            " --at latest --days 14 --replications 3 --json " + base + ".json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "items in flow in " + base + ".db at 2025-01-08")) << run.out;
  EXPECT_TRUE(Contains(run.out, "UZTASA in customs, all channels")) << run.out;
  const nlohmann::json f = nlohmann::json::parse(ReadFile(base + ".json"));
  EXPECT_EQ(f["replications"], 3);
  const size_t items = f["items"].size();
  EXPECT_GT(items, 1000u);
  EXPECT_EQ(f["placed"], items);  // goods only: every item placed
  size_t delivered = 0;
  for (const nlohmann::json& item : f["items"]) {
    if (item["p50"].is_null()) continue;
    ++delivered;
    EXPECT_LE(item["p10"].get<int64_t>(), item["p50"].get<int64_t>());
    if (!item["p90"].is_null()) {
      EXPECT_LE(item["p50"].get<int64_t>(), item["p90"].get<int64_t>());
    }
  }
  EXPECT_GT(delivered, items * 8 / 10);
  EXPECT_EQ(f["backlog"]["facilities"][1]["name"], "UZTASA in customs, all channels");

  // A closure of the trunk to Samarkand for the whole forecast delays what goes there.
  const Result closed =
      Pochta("forecast --db " + base + ".db --scenario " + SmallScenario() +
             " --at latest --days 14 --replications 3 --close-link UZTASA:SC-SKD --json " + base + "-closed.json");
  ASSERT_EQ(closed.exit_code, 0) << closed.err;
  const nlohmann::json g = nlohmann::json::parse(ReadFile(base + "-closed.json"));
  EXPECT_GE(g["late"]["all"]["mean"].get<double>(), f["late"]["all"]["mean"].get<double>());
}

TEST(CliTest, ForecastRefusesBadInputNamingIt) {
  const std::string db = testing::TempDir() + "forecast-missing-" + std::to_string(getpid()) + ".db";
  Result run = Pochta("forecast --db " + db);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(Contains(run.err, db)) << run.err;
  run = Pochta("forecast --db " + db + " --at yesterday");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(Contains(run.err, "--at \"yesterday\" is not an RFC 3339 time")) << run.err;
  run = Pochta("forecast --db " + db + " --close-link UZTASA");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(Contains(run.err, "--close-link \"UZTASA\" must be FROM:TO")) << run.err;
  run = Pochta("forecast --db " + db + " --close-link UZTASA:140105");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(Contains(run.err, "there is no link between them")) << run.err;
  run = Pochta("forecast --db " + db + " --set customs.officers=many");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(Contains(run.err, "customs.officers")) << run.err;
}

// The short backtest of the test command: the README's, with its targets.
TEST(CliTest, BacktestMeetsTheForecastsTargets) {
  const std::string json = testing::TempDir() + "backtest-" + std::to_string(getpid()) + ".json";
  const Result run = Pochta("backtest h1-2025 --day 60 --days 14 --replications 10 --check --json " + json);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(Contains(run.out, "targets: p50 error")) << run.out;
  const nlohmann::json b = nlohmann::json::parse(ReadFile(json));
  EXPECT_LE(b["targets"]["error_ratio"].get<double>(), 0.5);
  const nlohmann::json& all = b["rows"].back();
  ASSERT_EQ(all["name"], "all");
  EXPECT_GT(all["items"].get<int>(), 20000);
  EXPECT_GT(all["items_with_route_sum"].get<int>(), 10000);
  EXPECT_NEAR(all["delivered_by_p90"].get<double>(), 0.9, 0.05);
  EXPECT_NEAR(all["delivered_before_p10"].get<double>(), 0.1, 0.05);
  // Every operator of the scenario, and the stages from origin to the delivery office.
  std::set<std::string> operators, stages;
  for (const nlohmann::json& row : b["rows"]) (row["group"] == "operator" ? operators : stages).insert(row["name"]);
  EXPECT_EQ(operators, (std::set<std::string>{"CN", "LV", "VU"}));
  EXPECT_TRUE(stages.contains("at origin") && stages.contains("in customs") &&
              stages.contains("at the delivery office"));
  EXPECT_EQ(b["starts"][0]["start"], "2025-03-01T19:00:00+00:00");  // Tashkent's midnight
}

TEST(CliTest, BacktestRefusesAForecastPastThePostings) {
  const Result run = Pochta("backtest " + SmallScenario() + " --day 8 --days 5");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(Contains(run.err, "--day 8: its 5 days of forecast must end within the 10 days of postings of small"))
      << run.err;
}

TEST(CliTest, SimulateOutputsAreByteIdenticalForTheSameSeed) {
  const std::string base = testing::TempDir() + "same-" + std::to_string(getpid());
  std::string files[2];
  for (int run = 0; run < 2; ++run) {
    const std::string p = base + "-" + std::to_string(run);
    const Result r = Pochta("simulate " + SmallScenario() + " --no-store --json " + p + ".json --csv " + p +
                            ".csv --trace " + p + ".jsonl --report " + p + ".html");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    files[run] = ReadFile(p + ".json") + ReadFile(p + ".csv") + ReadFile(p + ".jsonl") + ReadFile(p + ".html");
  }
  EXPECT_GT(files[0].size(), 100000u);
  EXPECT_TRUE(files[0] == files[1]);
  const Result other = Pochta("simulate " + SmallScenario() + " --no-store --seed 2 --trace " + base + "-2.jsonl");
  ASSERT_EQ(other.exit_code, 0);
  EXPECT_NE(ReadFile(base + "-2.jsonl"), ReadFile(base + "-0.jsonl"));
}

TEST(CliTest, SimulatedStoresDumpToTheSameBytesForTheSameSeed) {
  const std::string base = testing::TempDir() + "dump-" + std::to_string(getpid());
  std::string dumps[2];
  for (int run = 0; run < 2; ++run) {
    const std::string db = base + "-" + std::to_string(run) + ".db";
    const Result r = Pochta("simulate " + SmallScenario() + " --db " + db);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Result dump = Pochta("store dump " + db);
    ASSERT_EQ(dump.exit_code, 0) << dump.err;
    dumps[run] = dump.out;
  }
  EXPECT_GT(dumps[0].size(), 1000000u);
  EXPECT_TRUE(dumps[0] == dumps[1]);
  // Every event was received at a simulated time: the ten days of postings
  // and the drain after them, never the day the test ran.
  std::istringstream lines(dumps[0]);
  int events = 0;
  for (std::string line; std::getline(lines, line);) {
    const nlohmann::json record = nlohmann::json::parse(line);
    if (record["family"] != "events") continue;
    ++events;
    const std::string received = record["received_at"];
    ASSERT_TRUE(received >= std::string(record["time"]) && received < "2025-03-08") << line;
  }
  EXPECT_GT(events, 30000);

  // Written again into the same store (ordinary writes, all duplicates): the same bytes.
  ASSERT_EQ(Pochta("simulate " + SmallScenario() + " --db " + base + "-0.db").exit_code, 0);
  EXPECT_TRUE(Pochta("store dump " + base + "-0.db").out == dumps[0]);
}

TEST(CliTest, StoreDumpOfOneItemAndItsErrors) {
  const std::string db = testing::TempDir() + "one-" + std::to_string(getpid()) + ".db";
  ASSERT_EQ(Pochta("simulate " + SmallScenario() + " --db " + db).exit_code, 0);
  const Result all = Pochta("store dump " + db);
  const size_t at = all.out.find("{\"family\":\"items\"");
  const std::string first_item = nlohmann::json::parse(all.out.substr(at, all.out.find('\n', at) - at))["item"];
  const Result one = Pochta("store dump " + db + " --item " + first_item);
  ASSERT_EQ(one.exit_code, 0) << one.err;
  std::istringstream lines(one.out);
  std::set<std::string> families;
  for (std::string line; std::getline(lines, line);) {
    EXPECT_TRUE(Contains(all.out, line + "\n")) << line;  // the same lines as in the whole dump
    const nlohmann::json record = nlohmann::json::parse(line);
    families.insert(record["family"]);
    if (record["family"] == "dispatches") {  // the dispatch that lists the item
      EXPECT_TRUE(Contains(line, "\"" + first_item + "\"")) << line;
      continue;
    }
    EXPECT_TRUE(record["item"] == first_item) << line;
  }
  EXPECT_EQ(families, (std::set<std::string>{"items", "events", "state", "dispatches", "idx_dispatch", "idx_facility",
                                             "idx_country"}));

  Result bad = Pochta("store dump " + db + " --item RR123");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(Contains(bad.err, "--item \"RR123\": an S10 identifier has exactly 13 characters")) << bad.err;
  bad = Pochta("store dump /nonexistent/db");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_TRUE(Contains(bad.err, "cannot open tracking store")) << bad.err;
}

TEST(CliTest, AFullDiskFailsEveryOutputFileWithItsName) {
  for (const std::string option : {"--json", "--csv", "--trace"}) {
    const Result run = Pochta("simulate " + SmallScenario() + " --no-store " + option + " /dev/full");
    EXPECT_EQ(run.exit_code, 1) << option;
    EXPECT_TRUE(Contains(run.err, "pochta simulate: cannot write /dev/full: No space left on device")) << run.err;
  }
  const Result replications = Pochta("simulate " + SmallScenario() + " --replications 2 --json /dev/full");
  EXPECT_EQ(replications.exit_code, 1);
  EXPECT_TRUE(Contains(replications.err, "cannot write /dev/full: No space left on device")) << replications.err;
  const Result dump = Pochta("store dump " + std::string(POCHTA_TESTDATA_DIR) + "/golden-v1 > /dev/full");
  EXPECT_EQ(dump.exit_code, 1);
  EXPECT_TRUE(Contains(dump.err, "pochta store dump: cannot write the output: No space left on device")) << dump.err;
}

TEST(CliTest, AnOutputFileIsReplacedWholeOrNotAtAll) {
  const std::string json = testing::TempDir() + "whole-" + std::to_string(getpid()) + ".json";
  std::ofstream(json) << "the previous summary\n";
  // Cannot be created (no such directory): the existing file elsewhere is untouched, no temporary is left.
  const Result bad = Pochta("simulate " + SmallScenario() + " --no-store --json /nonexistent/dir/s.json");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_TRUE(Contains(bad.err, "cannot create /nonexistent/dir/s.json")) << bad.err;
  const Result good = Pochta("simulate " + SmallScenario() + " --no-store --json " + json);
  ASSERT_EQ(good.exit_code, 0) << good.err;
  EXPECT_TRUE(ReadFile(json).starts_with("{")) << ReadFile(json).substr(0, 40);
  for (const auto& entry : std::filesystem::directory_iterator(testing::TempDir())) {
    EXPECT_FALSE(Contains(entry.path().string(), "whole-" + std::to_string(getpid()) + ".json.tmp")) << entry.path();
  }
}

TEST(CliTest, SimulateReplicationsReportConfidenceIntervals) {
  const Result run = Pochta("simulate " + SmallScenario() + " --replications 3 --jobs 2");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "3 replications from seed 1")) << run.out;
  EXPECT_TRUE(Contains(run.out, "95% CI +-")) << run.out;
  const Result sweep = Pochta("simulate " + SmallScenario() + " --replications 2 --sweep customs.officers=2,4");
  ASSERT_EQ(sweep.exit_code, 0) << sweep.err;
  EXPECT_TRUE(Contains(sweep.out, "customs.officers = 4")) << sweep.out;
}

TEST(CliTest, CompareTestsDifferencesPairedOverTheSameSeedsElseUnpaired) {
  const std::string base = testing::TempDir() + "compare-" + std::to_string(getpid());
  ASSERT_EQ(Pochta("simulate " + SmallScenario() + " --replications 3 --json " + base + "-a.json").exit_code, 0);
  ASSERT_EQ(Pochta("simulate " + SmallScenario() + " --replications 3 --seed 7 --json " + base + "-b.json").exit_code,
            0);
  ASSERT_EQ(Pochta("simulate " + SmallScenario() + " --no-store --json " + base + "-one.json").exit_code, 0);
  // The same seeds: paired, and a scenario against itself differs in nothing.
  Result run = Pochta("compare " + base + "-a.json " + base + "-a.json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "Paired over 3 replications, seeds 1 to 3")) << run.out;
  EXPECT_TRUE(Contains(run.out, "items posted")) << run.out;
  EXPECT_FALSE(Contains(run.out, " yes\n")) << run.out;
  // Other seeds: Welch's interval, for independent runs.
  run = Pochta("compare " + base + "-a.json " + base + "-b.json --report " + base + ".html");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "Not paired: the runs used different seeds (3 from 1, 3 from 7)")) << run.out;
  EXPECT_TRUE(Contains(ReadFile(base + ".html"), "<td>items posted</td>"));
  // One run on a side: no significance.
  run = Pochta("compare " + base + "-one.json " + base + "-a.json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "One run on a side")) << run.out;
}

TEST(CliTest, CompareNamesTheFileThatIsNotResults) {
  const std::string base = testing::TempDir() + "compare-bad-" + std::to_string(getpid());
  std::ofstream(base + "-text.json") << "scenario = h1-2025\n";
  ASSERT_EQ(Pochta("simulate " + SmallScenario() + " --replications 2 --sweep customs.officers=2,4 --json " + base +
                   "-sweep.json")
                .exit_code,
            0);
  ASSERT_EQ(Pochta("simulate " + SmallScenario() + " --no-store --json " + base + "-one.json").exit_code, 0);
  const std::string one = base + "-one.json";
  for (const auto& [file, error] : std::vector<std::pair<std::string, std::string>>{
           {base + "-missing.json", "cannot open results file " + base + "-missing.json"},
           {base + "-text.json", base + "-text.json: not JSON from pochta simulate --json"},
           {base + "-sweep.json", base + "-sweep.json: a sweep"}}) {
    for (const std::string& args : {file + " " + one, one + " " + file}) {
      const Result run = Pochta("compare " + args);
      EXPECT_EQ(run.exit_code, 1) << args;
      EXPECT_TRUE(Contains(run.err, error)) << args << ": " << run.err;
      EXPECT_TRUE(run.out.empty()) << run.out;
    }
  }
}

TEST(CliTest, SimulateRefusesBadScenarios) {
  Result run = Pochta("simulate no-such-scenario --no-store");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(Contains(run.err, "cannot open scenario file")) << run.err;
  const std::string path = testing::TempDir() + "bad-" + std::to_string(getpid()) + ".scenario";
  std::ofstream(path) << "name = bad\n[operator CN]\nitems_per_day = lots\noffice_of_exchange = CNURCA\n";
  run = Pochta("simulate " + path + " --no-store");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(Contains(run.err, ".scenario:3: items_per_day \"lots\"")) << run.err;
  run = Pochta("simulate " + SmallScenario() + " --replications 2 --sweep inward.officers=2");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(Contains(run.err, "unknown parameter \"officers\"")) << run.err;
}

TEST(CliTest, MergedPartsEqualTheReplicationsRunTogether) {
  const std::string base = testing::TempDir() + "merge-" + std::to_string(getpid());
  const std::string sweep = " --sweep customs.officers=2,4 --jobs 1";
  ASSERT_EQ(Pochta("simulate " + SmallScenario() + sweep + " --replications 3 --json " + base + "-all.json").exit_code,
            0);
  std::string parts;
  for (int r : {2, 0, 1}) {  // in any order
    const std::string part = fmt::format("{}-{}.json", base, r);
    const Result run = Pochta(fmt::format("simulate {}{} --replication-index {} --json {}", SmallScenario(), sweep, r,
                                          part));
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_TRUE(Contains(run.out, fmt::format("replication {} (seed {})", r, 1 + r))) << run.out;
    parts += " " + part;
  }
  Result run = Pochta("merge" + parts + " --json " + base + "-merged.json --report " + base + ".html");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "3 replications of small from seed 1, sweeping customs.officers")) << run.out;
  EXPECT_EQ(ReadFile(base + "-merged.json"), ReadFile(base + "-all.json"));
  EXPECT_TRUE(Contains(ReadFile(base + ".html"), "3 replications at each point, seeds 1 to 3"));
  // A gap, a replication twice, other runs.
  run = Pochta(fmt::format("merge {}-0.json {}-2.json", base, base));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(Contains(run.err, "replication 1 is missing: the parts must be replications 0 to 1")) << run.err;
  run = Pochta(fmt::format("merge {}-0.json {}-0.json", base, base));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(Contains(run.err, "replication 0 is in two parts")) << run.err;
  ASSERT_EQ(Pochta("simulate " + SmallScenario() + " --replication-index 1 --json " + base + "-other.json").exit_code, 0);
  run = Pochta(fmt::format("merge {}-0.json {}-other.json", base, base));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(Contains(run.err, "-other.json: not a part of the same runs as")) << run.err;
  run = Pochta(fmt::format("merge {}-all.json", base));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(Contains(run.err, "-all.json: not a part from pochta simulate --replication-index --json")) << run.err;
}

TEST(CliTest, PlanFindsTheFewestOfficersAndExplainsItsAnswer) {
  // Ten times the small scenario's goods: one customs officer is swamped.
  const std::string busy = testing::TempDir() + "busy-" + std::to_string(getpid()) + ".scenario";
  std::ofstream(busy) << "base = " << std::filesystem::path(SmallScenario()).stem().string()
                      << "\nname = busy\n[operator CN]\nitems_per_day = 3000\n";
  const std::string json = testing::TempDir() + "plan-" + std::to_string(getpid()) + ".json";
  const Result run = Pochta("plan " + busy +
                            " --goal 'peak backlog, UZTASA customs inspection <= 600' --vary customs.officers=1..6 "
                            "--cost customs.officers=1200 --json " + json);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Contains(run.out, "the cheapest setting with peak backlog, UZTASA customs inspection <= 600 at 95% "
                                "confidence")) << run.out;
  EXPECT_TRUE(Contains(run.out, "  answer: customs.officers=2 (cost 2,400): peak backlog, UZTASA customs inspection "))
      << run.out;
  EXPECT_TRUE(Contains(run.out, "  the next cheaper setting run, customs.officers=1 (cost 1,200), misses: ")) << run.out;
  const nlohmann::json plan = nlohmann::json::parse(ReadFile(json));
  EXPECT_EQ(plan["answer"], nlohmann::json::array({2.0}));
  // Every setting known is consistent with the answer: from 2 officers on
  // it meets, below it misses; costs are 1,200 an officer.
  for (const auto& trial : plan["trials"]) {
    const double officers = trial["setting"][0].get<double>();
    const std::string verdict = trial["verdict"];
    EXPECT_EQ(verdict.starts_with("meets"), officers >= 2) << trial.dump();
    if (trial.contains("values")) {
      EXPECT_GE(trial["values"].size(), 5u) << trial.dump();
    }
    EXPECT_EQ(trial["cost"].get<double>(), 1200 * officers);
  }
}

TEST(CliTest, PlanNamesWhatIsWrongWithItsQuestion) {
  for (const auto& [args, error] : std::vector<std::pair<std::string, std::string>>{
           {"--goal 'on time >= 95' --vary customs.officers=1..3",
            "goal: \"on time\" is not a key figure; they are: \"items posted\", "},
           {"--goal 'on_time_share >= 0.95' --vary customs.officers=1..3",
            "goal: \"on-time share, %\" is in percent: 0.95 looks like a share; write 95 for 95%"},
           {"--goal 'on_time_share = 95' --vary customs.officers=1..3", "has no >= or <="},
           {"--goal 'on_time_share >= 95' --vary customs.officers=3..1", "needs LO <= HI and a STEP above 0"},
           {"--goal 'on_time_share >= 95' --vary customs.officers=1..2.5:0.5",
            "--vary: customs.officers=1.5:2: officers \"1.5\": expected a whole number of at least 1"},
           {"--goal 'on_time_share >= 95' --vary customs.officers=1..3 --vary inward.sort_per_hour=1000..2000:500 "
            "--cost customs.officers=10",
            "varying several parameters: give --cost inward.sort_per_hour=COST"},
           {"--goal 'on_time_share >= 95' --vary customs.officers=1..3 --cost customs.staff=10",
            "--cost \"customs.staff=10\" must be SECTION.NAME=COST"}}) {
    const Result run = Pochta("plan " + SmallScenario() + " " + args);
    EXPECT_EQ(run.exit_code, 1) << args;
    EXPECT_TRUE(Contains(run.err, error)) << args << ": " << run.err;
    EXPECT_TRUE(run.out.empty()) << args << ": " << run.out;
  }
}

TEST(CliTest, EverySubcommandHasHelp) {
  for (const char* args : {"--help", "route --help", "network --help", "store --help", "store verify --help",
                           "store stats --help", "store dump --help", "simulate --help", "compare --help", "plan --help", "merge --help"}) {
    const Result run = Pochta(args);
    EXPECT_EQ(run.exit_code, 0) << args;
    EXPECT_TRUE(Contains(run.out, "Usage")) << args << ": " << run.out;
  }
}

}  // namespace
