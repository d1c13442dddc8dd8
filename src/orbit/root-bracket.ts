// SPDX-License-Identifier: Apache-2.0
/**
 * Root bracketing by false position with the Illinois modification: like bisection it keeps a
 * sign change inside [lo, hi], so it cannot miss the root, but on the smooth functions of pass
 * search (elevation against a horizon, the elevation rate) it needs about half the evaluations.
 */

/** A bracket [lo, hi]; the function's sign at `lo` is that of `fLo`. */
export interface Bracket {
  lo: number;
  hi: number;
  fLo: number;
}

/**
 * Narrows [lo, hi] — with f(lo) and f(hi) of opposite signs (a zero counts as either) — around
 * a sign change of f until hi − lo ≤ tolerance.
 */
export function bracketRoot(
  f: (t: number) => number,
  lo: number,
  fLo: number,
  hi: number,
  fHi: number,
  tolerance: number,
): Bracket {
  // Probes stay this far inside the bracket so both ends keep moving.
  const inset = tolerance / 4;
  let retained = 0;
  while (hi - lo > tolerance) {
    const secant = fLo === fHi ? (lo + hi) / 2 : hi - (fHi * (hi - lo)) / (fHi - fLo);
    const t = Math.min(Math.max(secant, lo + inset), hi - inset);
    const ft = f(t);
    if (ft > 0 === fLo > 0) {
      lo = t;
      fLo = ft;
      // The high end survived twice: halve its weight so the next probe lands past the root.
      if (retained === 1) fHi /= 2;
      retained = 1;
    } else {
      hi = t;
      fHi = ft;
      if (retained === -1) fLo /= 2;
      retained = -1;
    }
  }
  return { lo, hi, fLo };
}
