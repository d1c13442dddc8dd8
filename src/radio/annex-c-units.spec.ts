// SPDX-License-Identifier: Apache-2.0
import { annexCNumber, bandwidthHz, frequencyHz, isWrittenInMhz } from './annex-c-units';

describe('Annex C channel numbers', () => {
  it('reads decimal strings as numbers and leaves anything else for validation', () => {
    expect(annexCNumber('457.356')).toBe(457.356);
    expect(annexCNumber('25')).toBe(25);
    expect(annexCNumber(600)).toBe(600);
    expect(annexCNumber('fast')).toBe('fast');
    expect(annexCNumber('')).toBe('');
    expect(annexCNumber('1e6')).toBe('1e6');
  });

  it('reads a frequency below 1 MHz as MHz, rounded to the Hz; Hz values stay', () => {
    expect(frequencyHz('457.356')).toBe(457_356_000);
    expect(frequencyHz(450.54)).toBe(450_540_000);
    expect(frequencyHz(800.23)).toBe(800_230_000);
    expect(frequencyHz(437_500_000)).toBe(437_500_000);
    expect(frequencyHz(-5)).toBe(-5); // refused by validation, not scaled
  });

  it('reads bandwidths in kHz only in a channel whose frequency is written in MHz', () => {
    expect(isWrittenInMhz('457.356')).toBe(true);
    expect(isWrittenInMhz(437_500_000)).toBe(false);
    expect(bandwidthHz(12.5, true)).toBe(12_500);
    expect(bandwidthHz('25', true)).toBe(25_000);
    expect(bandwidthHz(500, false)).toBe(500);
  });
});
