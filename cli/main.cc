// pochta: inbound international mail for Uzbekiston Pochtasi.
#include "cli/commands.h"
#include "cli/runs.h"

int main(int argc, char** argv) {
  const pochta::cli::Ranks ranks;  // MPI, when started by mpirun
  CLI::App app{"pochta: tracking and simulation of inbound international mail for Uzbekiston Pochtasi"};
  app.require_subcommand(1);
  app.failure_message(CLI::FailureMessage::help);  // a usage error shows the subcommands and options
  // Options from a file too, a [SUBCOMMAND] section each: the service's
  // /etc/pochta/pochta.conf. The command line overrides it; a name no
  // option has is an error.
  app.set_config("--config", "",
                 "Read options from this TOML file, one [SUBCOMMAND] section each (/etc/pochta/pochta.conf); the "
                 "command line overrides it");
  app.allow_config_extras(CLI::config_extras_mode::error);
  pochta::cli::NetworkOptions network;
  pochta::cli::RouteOptions route;
  pochta::cli::StoreOptions store;
  pochta::cli::ServeOptions serve;
  pochta::cli::KeysOptions keys;
  pochta::cli::SimulateOptions simulate;
  pochta::cli::ReplayOptions replay;
  pochta::cli::CompareOptions compare;
  pochta::cli::PlanOptions plan;
  pochta::cli::ForecastOptions forecast;
  pochta::cli::BacktestOptions backtest;
  pochta::cli::MergeOptions merge;
  CLI::App* network_command = pochta::cli::AddNetworkCommand(app, network);
  CLI::App* route_command = pochta::cli::AddRouteCommand(app, route);
  CLI::App* store_command = pochta::cli::AddStoreCommand(app, store);
  CLI::App* serve_command = pochta::cli::AddServeCommand(app, serve);
  CLI::App* keys_command = pochta::cli::AddKeysCommand(app, keys);
  CLI::App* simulate_command = pochta::cli::AddSimulateCommand(app, simulate);
  CLI::App* replay_command = pochta::cli::AddReplayCommand(app, replay);
  CLI::App* compare_command = pochta::cli::AddCompareCommand(app, compare);
  CLI::App* plan_command = pochta::cli::AddPlanCommand(app, plan);
  CLI::App* forecast_command = pochta::cli::AddForecastCommand(app, forecast);
  CLI::App* backtest_command = pochta::cli::AddBacktestCommand(app, backtest);
  CLI::App* merge_command = pochta::cli::AddMergeCommand(app, merge);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? pochta::cli::kExitOk : pochta::cli::kExitUsage;  // --help exits 0
  }
  if (network_command->parsed()) return pochta::cli::RunNetwork(network);
  if (route_command->parsed()) return pochta::cli::RunRoute(route);
  if (store_command->parsed()) return pochta::cli::RunStore(store);
  if (serve_command->parsed()) return pochta::cli::RunServe(serve);
  if (keys_command->parsed()) return pochta::cli::RunKeys(keys);
  if (simulate_command->parsed()) return pochta::cli::RunSimulate(simulate);
  if (replay_command->parsed()) return pochta::cli::RunReplay(replay);
  if (compare_command->parsed()) return pochta::cli::RunCompare(compare);
  if (plan_command->parsed()) return pochta::cli::RunPlan(plan);
  if (forecast_command->parsed()) return pochta::cli::RunForecast(forecast);
  if (backtest_command->parsed()) return pochta::cli::RunBacktest(backtest);
  if (merge_command->parsed()) return pochta::cli::RunMerge(merge);
  return pochta::cli::kExitUsage;
}
