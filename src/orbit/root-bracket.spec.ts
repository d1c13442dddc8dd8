// SPDX-License-Identifier: Apache-2.0
import { bracketRoot } from './root-bracket';

function counting(f: (t: number) => number): { f: (t: number) => number; calls: () => number } {
  let calls = 0;
  return {
    f: (t) => {
      calls++;
      return f(t);
    },
    calls: () => calls,
  };
}

describe('bracketRoot', () => {
  it('narrows a smooth crossing to the tolerance in fewer steps than bisection', () => {
    // An elevation-like curve over a 120-s interval, crossing zero at t = 47.3.
    const g = (t: number) => Math.sin((t - 47.3) / 200) + (0.002 * (t - 47.3) ** 2) / 100;
    const { f, calls } = counting(g);

    const bracket = bracketRoot(f, 0, g(0), 120, g(120), 0.5);

    expect(bracket.hi - bracket.lo).toBeLessThanOrEqual(0.5);
    expect(bracket.lo).toBeLessThanOrEqual(47.3);
    expect(bracket.hi).toBeGreaterThanOrEqual(47.3);
    expect(bracket.fLo).toBeLessThan(0);
    expect(calls()).toBeLessThan(8); // bisection: ⌈log2(120 / 0.5)⌉ = 8
  });

  it('works the other way round (positive at lo)', () => {
    const g = (t: number) => 10 - t * t;
    const bracket = bracketRoot(g, 0, g(0), 5, g(5), 1e-6);
    expect(bracket.lo).toBeCloseTo(Math.sqrt(10), 5);
    expect(bracket.fLo).toBeGreaterThan(0);
  });

  it('still brackets a jump, where a secant method alone would stall', () => {
    const g = (t: number) => (t < 7.25 ? -1 : 100);
    const bracket = bracketRoot(g, 0, -1, 120, 100, 0.5);
    expect(bracket.lo).toBeLessThan(7.25);
    expect(bracket.hi).toBeGreaterThanOrEqual(7.25);
    expect(bracket.hi - bracket.lo).toBeLessThanOrEqual(0.5);
  });

  it('returns the bracket unchanged when it is already narrow enough', () => {
    const { f, calls } = counting((t) => t - 1);
    expect(bracketRoot(f, 0.9, -0.1, 1.2, 0.2, 0.5)).toEqual({ lo: 0.9, hi: 1.2, fLo: -0.1 });
    expect(calls()).toBe(0);
  });
});
