// SPDX-License-Identifier: Apache-2.0
/** Radio vocabulary shared by ground-station and spacecraft channels (DESIGN §3 "Configuration"). */
export const DIRECTIONS = ['DOWNLINK', 'UPLINK', 'BOTH'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const MODULATIONS = [
  'FM',
  'AM',
  'SSB',
  'CW',
  'AFSK',
  'FSK',
  'GFSK',
  'MSK',
  'GMSK',
  'BPSK',
  'QPSK',
  'OQPSK',
  '8PSK',
  '16APSK',
  '16QAM',
  'OOK',
  'LORA',
] as const;
export type Modulation = (typeof MODULATIONS)[number];

/** `ANY` is a wildcard: a channel that accepts any polarization. */
export const POLARIZATIONS = ['RHCP', 'LHCP', 'LINEAR', 'ANY'] as const;
export type Polarization = (typeof POLARIZATIONS)[number];

/**
 * Identifiers of stations, spacecraft and channels: 1–30 of [A-Za-z0-9._-], words separated by
 * single spaces (Annex C names its examples "My Ground Station"). No leading, trailing or double
 * space, so that an identifier reads the same wherever it is printed or typed.
 */
export const IDENTIFIER_PATTERN = /^(?=.{1,30}$)[A-Za-z0-9._-]+( [A-Za-z0-9._-]+)*$/;
export const IDENTIFIER_RULE =
  'must be 1–30 characters of letters, digits, ".", "_" or "-", words separated by single spaces';
