// An M/M/c queue on the kernel, for validating it against queueing theory
// (tests) and for comparing its speed with SimPy (benchmarks).
#pragma once

#include <cmath>
#include <vector>

#include "sim/kernel.h"
#include "sim/random.h"
#include "sim/resource.h"

namespace pochta::sim::testing {

struct MmcResult {
  double mean_wait = 0;              // in queue, in time units
  double mean_in_system = 0;         // wait + service
  double mean_number_in_system = 0;  // time average over the measured period
  double arrival_rate = 0;           // measured customers per time unit
  uint64_t events = 0;
};

// `customers` arrive at rate lambda to c servers of rate mu (per time unit);
// integer time runs in `ticks` per time unit. The first `warmup` customers
// are not measured.
inline MmcResult RunMmc(double lambda, double mu, int c, uint64_t customers, uint64_t warmup, uint64_t seed,
                        double ticks = 1000) {
  struct Model : EventHandler {
    Simulation sim;
    Resource servers{sim, 0};  // capacity set in the constructor
    Rng arrivals, service;
    std::vector<Time> arrived;
    double lambda, mu;
    int c_;
    uint64_t customers, warmup, done = 0;
    double ticks;
    double wait_sum = 0, system_sum = 0;
    int in_system = 0;
    Time measure_start = -1, last_change = 0;
    double number_area = 0;
    uint64_t measured_arrivals = 0;

    // Payload: customer index << 2 | phase (0 arrival, 1 service start, 2 departure).
    Model(double l, double m, int c, uint64_t n, uint64_t w, uint64_t seed, double t)
        : arrivals(RandomStreams(seed).Stream("arrivals")),
          service(RandomStreams(seed).Stream("service")),
          lambda(l),
          mu(m),
          c_(c),
          customers(n),
          warmup(w),
          ticks(t) {
      servers.SetCapacity(c);
    }
    Time Draw(Rng& rng, double rate) { return Time(std::llround(rng.Exponential(ticks / rate))); }
    void Count(int delta) {
      if (measure_start >= 0) number_area += double(sim.now() - last_change) * in_system;
      last_change = sim.now();
      in_system += delta;
    }
    void OnEvent(Simulation& s, uint64_t payload) override {
      const uint64_t i = payload >> 2;
      switch (payload & 3) {
        case 0:
          if (i == warmup) measure_start = s.now();
          if (i >= warmup) ++measured_arrivals;
          arrived.push_back(s.now());
          Count(+1);
          servers.Request(this, i << 2 | 1);
          if (i + 1 < customers) s.Schedule(s.now() + Draw(arrivals, lambda), this, (i + 1) << 2);
          break;
        case 1:
          if (i >= warmup) wait_sum += double(s.now() - arrived[i]);
          s.Schedule(s.now() + Draw(service, mu), this, i << 2 | 2);
          break;
        case 2:
          servers.Release();
          Count(-1);
          if (i >= warmup) system_sum += double(s.now() - arrived[i]);
          if (++done == customers) s.Stop();
          break;
      }
    }
  };
  Model m(lambda, mu, c, customers, warmup, seed, ticks);
  m.sim.Schedule(0, &m, 0);
  m.sim.Run();
  const double measured = double(customers - warmup);
  const double span = double(m.sim.now() - m.measure_start);
  return MmcResult{m.wait_sum / measured / ticks, m.system_sum / measured / ticks, m.number_area / span,
                   double(m.measured_arrivals) / (span / ticks), m.sim.events_run()};
}

// Erlang C: the mean wait in queue of an M/M/c queue. REQUIRES: lambda < c * mu.
inline double ErlangCWait(double lambda, double mu, int c) {
  const double a = lambda / mu;
  double term = 1, sum = 0;
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double last = term * c / (c - a);  // a^c / c! * c / (c - a)
  return last / (sum + last) / (c * mu - lambda);
}

}  // namespace pochta::sim::testing
