// Included first by every simulator source: turns off floating-point
// contraction for the rest of the translation unit. GCC fuses a*b+c into an
// FMA by default where the target has one (arm64 always, amd64 not), which
// changes the last bit of results and, through thresholds, the simulated
// trips. Without contraction both architectures produce the same records.
#pragma once

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif
