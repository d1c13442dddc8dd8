// SPDX-License-Identifier: Apache-2.0
/**
 * How channel numbers written as the SATNet seed's Annex C writes them are read (docs/api.md,
 * "Annex C documents as the seed writes them"). Annex C gives numbers as decimal strings
 * ("457.356"), frequencies in MHz (450.54) and bandwidths in kHz (12.5), without saying so; this
 * server's unit is the Hz. The reading is unambiguous because no satellite radio link is below
 * 1 MHz: a frequency under 1,000,000 is in MHz, and in a channel whose frequency is written in MHz
 * the bandwidths are in kHz. Bitrates are bit/s either way. Pure: no Nest, no I/O.
 */

export const MHZ_WRITTEN_BELOW = 1_000_000;

const DECIMAL = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)\s*$/;

/** A decimal string as its number; anything else unchanged, for validation to describe. */
export function annexCNumber(value: unknown): unknown {
  return typeof value === 'string' && DECIMAL.test(value) ? Number(value) : value;
}

/** True when a frequency is written in MHz (a positive number, or decimal string, below 1,000,000). */
export function isWrittenInMhz(frequency: unknown): boolean {
  const value = annexCNumber(frequency);
  return typeof value === 'number' && value > 0 && value < MHZ_WRITTEN_BELOW;
}

/** A frequency in Hz: MHz values scaled, rounded to the Hz. */
export function frequencyHz(value: unknown): unknown {
  const number = annexCNumber(value);
  return isWrittenInMhz(number) ? Math.round((number as number) * 1e6) : number;
}

/** A bandwidth in Hz: scaled from kHz when its channel's frequency is written in MHz. */
export function bandwidthHz(value: unknown, channelInMhz: boolean): unknown {
  const number = annexCNumber(value);
  return channelInMhz && typeof number === 'number' ? Math.round(number * 1000) : number;
}
