// The many runs of replications, sweeps and plans: on this process's
// threads or, started by mpirun, spread over its ranks (each with its own
// threads, on one machine or many), with progress on stderr.
//
// Replication r of a scenario runs seed scenario.seed + r wherever it runs,
// so the key figures, and everything printed and written from them, are the
// same bytes whatever the number of ranks, machines or threads. Every rank
// gets every run's figures and takes the same decisions; rank 0 alone
// prints and writes files.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/network.h"
#include "sim/postal/replications.h"

namespace pochta::cli {

// Runs (or a run's days) done, left, and the time left, on one line of
// stderr: redrawn in place on a terminal, else a line every 30 seconds
// (none for a shorter command). Only on rank 0, which counts its own share
// of the runs. Thread-safe.
class Progress {
 public:
  explicit Progress(std::string what, std::string unit = "runs") : what_(std::move(what)), unit_(std::move(unit)) {}
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ~Progress() { Finish(); }

  void Expect(size_t more);
  void Done();
  // The last line, with the time taken, once something was shown.
  void Finish();

 private:
  void Print(bool last);

  const std::string what_, unit_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::mutex mu_;
  size_t done_ = 0, expected_ = 0;
  std::chrono::steady_clock::time_point printed_ = start_;
  bool shown_ = false;
};

// MPI's ranks when pochta was started by mpirun (seen in its environment),
// else one rank. Construct once, first thing in main; MPI ends with it.
class Ranks {
 public:
  Ranks();
  ~Ranks();
  Ranks(const Ranks&) = delete;
  Ranks& operator=(const Ranks&) = delete;

  static int rank();
  static int size();
  static bool leader() { return rank() == 0; }
};

using KeyFigures = std::vector<std::pair<std::string, double>>;

// Every run's key figures, in the order given, on every rank: run k runs on
// rank k % size.
std::vector<KeyFigures> RunKeyFigures(const std::vector<sim::Replication>& runs, const core::Network& network,
                                      int jobs, Progress& progress);

}  // namespace pochta::cli
