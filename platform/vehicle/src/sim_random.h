// Deterministic random numbers for the simulator: xoshiro256** seeded through
// splitmix64, with the distributions written out here. <random>'s
// distributions are implementation-defined (libstdc++ and libc++ differ), and
// the simulator promises the same records for the same seed everywhere.
//
// Threading: plain values.
#pragma once

#include <cmath>
#include <cstdint>

namespace crm::vehicle::sim {

inline std::uint64_t splitMix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A stateless draw keyed by (seed, key): lets a model look up "the weather on
// day 812" without replaying every day before it.
inline std::uint64_t hashDraw(std::uint64_t seed, std::uint64_t key) {
  std::uint64_t s = seed ^ (key * 0xD1B54A32D192ED03ULL);
  splitMix64(s);
  return splitMix64(s);
}

// [0, 1) from the top 53 bits: exact in a double, identical on every machine.
inline double unitFromBits(std::uint64_t bits) {
  return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

// Irwin-Hall with four uniforms, rescaled to unit variance. Bell-shaped, bounded
// at +-3.46 sigma (so noisy values stay inside physical ranges) and free of
// libm calls, so bit-identical across architectures.
inline double gaussFromUnits(double u1, double u2, double u3, double u4) {
  return (u1 + u2 + u3 + u4 - 2.0) * 1.7320508075688772;
}

inline double hashGauss(std::uint64_t seed, std::uint64_t key) {
  return gaussFromUnits(
      unitFromBits(hashDraw(seed, key * 4)), unitFromBits(hashDraw(seed, key * 4 + 1)),
      unitFromBits(hashDraw(seed, key * 4 + 2)), unitFromBits(hashDraw(seed, key * 4 + 3)));
}

// xoshiro256** (Blackman and Vigna). Each subsystem owns its own stream so
// that, for example, switching sensor noise on does not change the trips.
class Rng {
 public:
  Rng(std::uint64_t seed, std::uint64_t stream) {
    std::uint64_t sm = seed ^ (stream * 0x9E3779B97F4A7C15ULL) ^ 0x6A09E667F3BCC909ULL;
    for (auto& word : s_) word = splitMix64(sm);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  double uniform() { return unitFromBits(next()); }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  bool chance(double p) { return uniform() < p; }
  // Inclusive; the modulo bias (< 1e-17 for small ranges) does not matter here.
  int uniformInt(int lo, int hi) {
    return lo + static_cast<int>(next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  // Draws are sequenced explicitly: the evaluation order of function
  // arguments is unspecified (GCC differs between amd64 and arm64). For the
  // same reason callers never pass two draws as arguments of one call;
  // braced initialiser lists are fine (evaluated left to right).
  double gauss() {
    const double u1 = uniform();
    const double u2 = uniform();
    const double u3 = uniform();
    const double u4 = uniform();
    return gaussFromUnits(u1, u2, u3, u4);
  }
  double gauss(double mean, double sd) { return mean + sd * gauss(); }
  // log() is correctly rounded in practice on glibc for both architectures;
  // only scheduling (not emitted values) depends on it.
  double exponential(double mean) { return -mean * std::log(1.0 - uniform()); }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace crm::vehicle::sim
