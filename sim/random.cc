#include "sim/random.h"

#include <algorithm>

#include "boost/math/special_functions/erf.hpp"
#include "core/hash.h"

namespace pochta::sim {
namespace {

uint64_t SplitMix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

// Tables of the exponential ziggurat, 256 layers (Marsaglia and Tsang, 2000).
Rng::Ziggurat::Ziggurat() {
  constexpr double kM = 4294967296.0;  // 2^32
  constexpr double kR = 7.697117470131487;
  constexpr double kV = 3.949659822581572e-3;
  double d = kR, t = kR;
  const double q = kV / std::exp(-d);
  k[0] = uint32_t((d / q) * kM);
  k[1] = 0;
  w[0] = q / kM;
  w[255] = d / kM;
  f[0] = 1.0;
  f[255] = std::exp(-d);
  for (int i = 254; i >= 1; --i) {
    d = -std::log(kV / d + std::exp(-d));
    k[i + 1] = uint32_t((d / t) * kM);
    t = d;
    f[i] = std::exp(-d);
    w[i] = d / kM;
  }
}

const Rng::Ziggurat Rng::kZiggurat;

double Rng::ExponentialSlow(uint32_t j) {
  constexpr double kR = 7.697117470131487;
  uint32_t i = j & 255;
  while (true) {
    if (i == 0) return kR - std::log1p(-Uniform());  // the tail beyond the base layer
    const double x = j * kZiggurat.w[i];
    if (kZiggurat.f[i] + Uniform() * (kZiggurat.f[i - 1] - kZiggurat.f[i]) < std::exp(-x)) return x;
    j = uint32_t(Next() >> 32);
    i = j & 255;
    if (j < kZiggurat.k[i]) return j * kZiggurat.w[i];
  }
}

Rng::Rng(uint64_t seed) {
  for (uint64_t& word : s_) word = SplitMix64(seed);
}

double Rng::Normal(double mean, double sd) {
  // Box-Muller; one of the pair is enough here.
  const double u = 1.0 - Uniform();
  const double v = Uniform();
  return mean + sd * std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * M_PI * v);
}

double Rng::LogNormal(double mean, double cv) {
  const double sigma2 = std::log1p(cv * cv);
  return std::exp(Normal(std::log(mean) - sigma2 / 2, std::sqrt(sigma2)));
}

namespace {

struct LogNormalParameters {
  double mu, sigma;
};

LogNormalParameters Parameters(double mean, double cv) {
  const double sigma2 = std::log1p(cv * cv);
  return {std::log(mean) - sigma2 / 2, std::sqrt(sigma2)};
}

// The standard normal's distribution function at z.
double Phi(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

}  // namespace

double LogNormalSurvival(double mean, double cv, double x) {
  if (x <= 0) return 1;
  const LogNormalParameters p = Parameters(mean, cv);
  return 1 - Phi((std::log(x) - p.mu) / p.sigma);
}

double Rng::LogNormalAbove(double mean, double cv, double floor) {
  const LogNormalParameters p = Parameters(mean, cv);
  const double below = floor > 0 ? Phi((std::log(floor) - p.mu) / p.sigma) : 0;
  const double u = below + Uniform() * (1 - below);
  if (u <= 0 || u >= 1 - 1e-12) return std::max(floor, 0.0);
  // Phi^-1(u) = -sqrt(2) erfc^-1(2u).
  const double z = -std::sqrt(2.0) * boost::math::erfc_inv(2 * u);
  return std::max(floor, std::exp(p.mu + p.sigma * z));
}

Rng RandomStreams::Stream(std::string_view purpose) const {
  uint64_t x = seed_ ^ core::Fnv1a(purpose);  // the purpose's hash, mixed with the seed
  return Rng(SplitMix64(x));
}

}  // namespace pochta::sim
