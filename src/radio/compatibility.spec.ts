// SPDX-License-Identifier: Apache-2.0
import {
  compatibility,
  compatiblePairs,
  type GsChannelSpec,
  type ScChannelSpec,
  sharedDirection,
} from './compatibility';

const gs: GsChannelSpec = {
  channelId: 'uhf',
  direction: 'BOTH',
  modulations: ['FM', 'GMSK'],
  frequencyMinHz: 435e6,
  frequencyMaxHz: 438e6,
  bandwidthsHz: [12_500, 25_000],
  bitratesBps: [1200, 9600],
  polarizations: ['RHCP', 'LHCP'],
};
const sc: ScChannelSpec = {
  channelId: 'tm',
  direction: 'DOWNLINK',
  modulation: 'GMSK',
  frequencyHz: 437.5e6,
  bandwidthHz: 25_000,
  bitrateBps: 9600,
  polarization: 'RHCP',
};

describe('channel compatibility', () => {
  it('accepts a channel that fits every rule, carrying the shared direction', () => {
    expect(compatibility(gs, sc)).toBe('DOWNLINK');
    expect(compatibility(gs, { ...sc, direction: 'BOTH' })).toBe('BOTH');
  });

  it.each([
    ['frequency below the range', { frequencyHz: 434.999e6 }],
    ['frequency above the range', { frequencyHz: 438.000001e6 }],
    ['modulation not offered', { modulation: 'BPSK' }],
    ['bandwidth not offered', { bandwidthHz: 50_000 }],
    ['bitrate not offered', { bitrateBps: 2400 }],
    ['polarization not offered', { polarization: 'LINEAR' as const }],
  ])('refuses %s', (_, change) => {
    expect(compatibility(gs, { ...sc, ...change })).toBeNull();
  });

  it('includes the range edges', () => {
    expect(compatibility(gs, { ...sc, frequencyHz: 435e6 })).toBe('DOWNLINK');
    expect(compatibility(gs, { ...sc, frequencyHz: 438e6 })).toBe('DOWNLINK');
  });

  it('treats ANY polarization as a wildcard on either side', () => {
    expect(compatibility({ ...gs, polarizations: ['ANY'] }, { ...sc, polarization: 'LINEAR' })).toBe(
      'DOWNLINK',
    );
    expect(compatibility(gs, { ...sc, polarization: 'ANY' })).toBe('DOWNLINK');
  });

  it('matches directions', () => {
    expect(sharedDirection('DOWNLINK', 'UPLINK')).toBeNull();
    expect(sharedDirection('UPLINK', 'BOTH')).toBe('UPLINK');
    expect(sharedDirection('BOTH', 'BOTH')).toBe('BOTH');
    expect(compatibility({ ...gs, direction: 'UPLINK' }, sc)).toBeNull();
  });

  it('lists every compatible pair in a stable order', () => {
    const vhf: GsChannelSpec = { ...gs, channelId: 'a-vhf', frequencyMinHz: 144e6, frequencyMaxHz: 146e6 };
    const uplink: ScChannelSpec = { ...sc, channelId: 'tc', direction: 'UPLINK' };
    expect(compatiblePairs([gs, vhf], [uplink, sc])).toEqual([
      { gsChannelId: 'uhf', scChannelId: 'tc', direction: 'UPLINK' },
      { gsChannelId: 'uhf', scChannelId: 'tm', direction: 'DOWNLINK' },
    ]);
  });
});
