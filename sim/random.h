// Random numbers for simulations: independent, reproducible streams, one per
// purpose ("arrivals/CN", "customs"), derived from one seed. Two scenarios
// run with the same seed draw the same numbers for the same purpose, so
// their difference is the scenario's, not chance's (common random numbers).
//
// Rng is xoshiro256** (fast, period 2^256 - 1), seeded through SplitMix64.
// Thread-safety: value types; one Rng per thread.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

namespace pochta::sim {

class Rng {
 public:
  using result_type = uint64_t;
  explicit Rng(uint64_t seed);

  static constexpr uint64_t min() { return 0; }
  static constexpr uint64_t max() { return ~uint64_t{0}; }
  uint64_t operator()() { return Next(); }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1), 53 bits.
  double Uniform() { return double(Next() >> 11) * 0x1.0p-53; }
  // Uniform integer in [0, n). REQUIRES: n > 0.
  uint64_t Below(uint64_t n) {
    __extension__ using Wide = unsigned __int128;  // Lemire's multiply-shift
    return uint64_t(Wide(Next()) * n >> 64);
  }
  bool Chance(double p) { return Uniform() < p; }
  // Exponential with this mean: Marsaglia and Tsang's ziggurat, exact, with
  // a logarithm only in the rare tail and edge cases.
  double Exponential(double mean) {
    const uint32_t j = uint32_t(Next() >> 32);
    const uint32_t i = j & 255;
    if (j < kZiggurat.k[i]) return mean * j * kZiggurat.w[i];
    return mean * ExponentialSlow(j);
  }
  double Normal(double mean, double sd);
  // Log-normal with the given mean and coefficient of variation.
  double LogNormal(double mean, double cv);
  // The same, given that it is above `floor`: what is left of a duration
  // that has lasted `floor` so far, plus `floor` (inverse transform of the
  // distribution's tail). `floor` itself where the tail is too thin to draw.
  double LogNormalAbove(double mean, double cv, double floor);

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  double ExponentialSlow(uint32_t j);

  struct Ziggurat {
    Ziggurat();
    uint32_t k[256];
    double w[256];
    double f[256];
  };
  static const Ziggurat kZiggurat;
  uint64_t s_[4];
};

// The probability that a log-normal with this mean and coefficient of
// variation exceeds x.
double LogNormalSurvival(double mean, double cv, double x);

class RandomStreams {
 public:
  explicit RandomStreams(uint64_t seed) : seed_(seed) {}
  uint64_t seed() const { return seed_; }
  // The stream for a purpose: the same (seed, purpose) always gives the same
  // sequence, whatever other streams were taken.
  Rng Stream(std::string_view purpose) const;

 private:
  uint64_t seed_;
};

}  // namespace pochta::sim
