#include "cli/runs.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "fmt/format.h"
#include "nlohmann/json.hpp"
#ifdef POCHTA_WITH_MPI
#include <mpi.h>
#endif

namespace pochta::cli {
namespace {

int rank_ = 0;
int size_ = 1;

std::string Duration(double seconds) {
  const auto s = uint64_t(seconds + 0.5);
  if (s < 60) return fmt::format("{:.1f} s", seconds);
  if (s < 3600) return fmt::format("{} min {:02} s", s / 60, s % 60);
  return fmt::format("{} h {:02} min", s / 3600, s % 3600 / 60);
}

}  // namespace

void Progress::Finish() {
  std::lock_guard lock(mu_);
  if (shown_) Print(true);
  shown_ = false;
}

void Progress::Expect(size_t more) {
  std::lock_guard lock(mu_);
  expected_ += more;
}

void Progress::Done() {
  std::lock_guard lock(mu_);
  ++done_;
  const auto now = std::chrono::steady_clock::now();
  const bool tty = isatty(STDERR_FILENO);
  if (now - printed_ < (tty ? std::chrono::milliseconds(250) : std::chrono::seconds(30))) return;
  printed_ = now;
  Print(false);
}

void Progress::Print(bool last) {
  if (rank_ != 0) return;
  const bool tty = isatty(STDERR_FILENO);
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const size_t left = expected_ > done_ ? expected_ - done_ : 0;
  std::string line = fmt::format("  {}: {} {} done", what_, done_, unit_);
  if (size_ > 1) line += fmt::format(" on rank 0 of {}", size_);
  if (!last) {
    line += fmt::format(", {} left", left);
    if (done_ > 0) line += fmt::format(", about {} to go", Duration(elapsed / double(done_) * double(left)));
  } else {
    line += fmt::format(" in {}", Duration(elapsed));
  }
  if (tty) {
    fmt::print(stderr, "\r{:<100}{}", line, last ? "\n" : "");
  } else {
    fmt::print(stderr, "{}\n", line);
  }
  shown_ = true;
}

Ranks::Ranks() {
#ifdef POCHTA_WITH_MPI
  // Started by mpirun (Open MPI, or a PMI launcher): join the others.
  if (std::getenv("OMPI_COMM_WORLD_SIZE") == nullptr && std::getenv("PMI_SIZE") == nullptr &&
      std::getenv("PMIX_RANK") == nullptr) {
    return;
  }
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  // Only rank 0 prints results.
  if (rank_ != 0 && std::freopen("/dev/null", "w", stdout) == nullptr) std::abort();
#endif
}

Ranks::~Ranks() {
#ifdef POCHTA_WITH_MPI
  int started = 0;
  MPI_Initialized(&started);
  if (started) MPI_Finalize();
#endif
}

int Ranks::rank() { return rank_; }
int Ranks::size() { return size_; }

std::vector<KeyFigures> RunKeyFigures(const std::vector<sim::Replication>& runs, const core::Network& network,
                                      int jobs, Progress& progress) {
  std::vector<sim::Replication> mine;
  for (size_t k = size_t(rank_); k < runs.size(); k += size_t(size_)) mine.push_back(runs[k]);
  progress.Expect(mine.size());
  std::vector<KeyFigures> figures(runs.size());
  const std::vector<sim::RunSummary> summaries =
      sim::RunReplications(mine, network, jobs, [&progress] { progress.Done(); });
  for (size_t m = 0; m < mine.size(); ++m) figures[size_t(rank_) + m * size_t(size_)] = sim::KeyFigures(summaries[m]);
#ifdef POCHTA_WITH_MPI
  if (size_ > 1) {
    // Everyone's figures to everyone, as JSON (doubles round-trip exactly).
    nlohmann::json own = nlohmann::json::array();
    for (size_t m = 0; m < mine.size(); ++m) own.push_back(figures[size_t(rank_) + m * size_t(size_)]);
    const std::string text = own.dump();
    int length = int(text.size());
    std::vector<int> lengths(static_cast<size_t>(size_)), offsets(static_cast<size_t>(size_));
    MPI_Allgather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, MPI_COMM_WORLD);
    int total = 0;
    for (int r = 0; r < size_; ++r) {
      offsets[size_t(r)] = total;
      total += lengths[size_t(r)];
    }
    std::string all(size_t(total), '\0');
    MPI_Allgatherv(text.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR,
                   MPI_COMM_WORLD);
    for (int r = 0; r < size_; ++r) {
      if (r == rank_) continue;
      const nlohmann::json theirs = nlohmann::json::parse(all.substr(size_t(offsets[size_t(r)]), size_t(lengths[size_t(r)])));
      for (size_t m = 0; m < theirs.size(); ++m) figures[size_t(r) + m * size_t(size_)] = theirs[m].get<KeyFigures>();
    }
  }
#endif
  return figures;
}

}  // namespace pochta::cli
