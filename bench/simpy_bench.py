#!/usr/bin/python3
"""The hold model and the M/M/3 queue of bench/sim_bench.cc, on SimPy 2
(Debian's python3-simpy), for a side-by-side speed ratio. Prints one line per
model: "name rate" with events/s for the hold model, customers/s for M/M/3."""
import random
import time

from SimPy.Simulation import Process, Resource, activate, hold, initialize, release, request, simulate

HOLD_EVENTS = 1_000_000
PENDING = 10_000
MMC_CUSTOMERS = 100_000


def hold_model():
    rng = random.Random(1)
    counter = [0]

    class Holder(Process):
        def run(self):
            while counter[0] < HOLD_EVENTS:
                yield hold, self, 1 + rng.expovariate(1 / 1_000_000)
                counter[0] += 1

    initialize()
    for _ in range(PENDING):
        p = Holder()
        activate(p, p.run(), at=rng.expovariate(1 / 1_000_000))
    start = time.perf_counter()
    simulate(until=1e18)
    return counter[0] / (time.perf_counter() - start)


def mmc_model():
    rng = random.Random(2)
    served = [0]

    class Customer(Process):
        def run(self, servers):
            yield request, self, servers
            yield hold, self, rng.expovariate(1.0)
            yield release, self, servers
            served[0] += 1

    class Source(Process):
        def run(self, servers):
            for _ in range(MMC_CUSTOMERS):
                c = Customer()
                activate(c, c.run(servers))
                yield hold, self, rng.expovariate(2.4)

    initialize()
    servers = Resource(capacity=3)
    source = Source()
    activate(source, source.run(servers))
    start = time.perf_counter()
    simulate(until=1e18)
    return served[0] / (time.perf_counter() - start)


if __name__ == "__main__":
    print("hold %.0f" % hold_model())
    print("mmc %.0f" % mmc_model())
