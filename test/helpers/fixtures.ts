// SPDX-License-Identifier: Apache-2.0
import { ISS_TLE } from '../../src/orbit/test-fixtures';
import { tleChecksum } from '../../src/orbit/tle';

/** Annex C documents for e2e tests: a UHF station in Vigo and an ISS-orbit cubesat that fits it. */
export function stationConfig(identifier = 'VigoGS', overrides: Record<string, unknown> = {}) {
  return {
    identifier,
    callsign: 'EA1XYZ',
    contactElevation: 5,
    location: { latitude: 42.17, longitude: -8.69, altitude: 460 },
    autoConfirm: false,
    channels: [
      {
        channelId: 'uhf',
        direction: 'BOTH',
        modulation: ['GMSK', 'FM'],
        frequencyRange: { minimum: 435e6, maximum: 438e6 },
        bandwidth: [25000],
        bitrate: [9600],
        polarization: ['RHCP', 'LHCP'],
      },
    ],
    ...overrides,
  };
}

export function spacecraftConfig(identifier = 'XATCOBEO', overrides: Record<string, unknown> = {}) {
  return {
    identifier,
    callsign: 'KXSC02',
    noradId: 25544,
    tracking: { tle: { ...ISS_TLE } },
    channels: [
      {
        channelId: 'tm',
        direction: 'DOWNLINK',
        modulation: 'GMSK',
        frequency: 437.5e6,
        bandwidth: 25000,
        bitrate: 9600,
        polarization: 'RHCP',
      },
      {
        channelId: 'tc',
        direction: 'UPLINK',
        modulation: 'FM',
        frequency: 436e6,
        bandwidth: 25000,
        bitrate: 9600,
        polarization: 'LHCP',
      },
    ],
    csp: { version: 1, addresses: [10], uplinkPorts: [10, 11], downlinkPorts: [10, 11] },
    ...overrides,
  };
}

/** Close to the fixture TLEs' epoch (2008-09-20), so predictions are accurate and warnings absent. */
export const ORBIT_NOW = '2008-09-20T12:00:00Z';

/** The ISS element set with its mean anomaly moved by `degrees`: a TLE update moving passes a little. */
export function nudgedIss(degrees: number) {
  const anomaly = (Number(ISS_TLE.line2.slice(43, 51)) + degrees).toFixed(4).padStart(8, ' ');
  const body = ISS_TLE.line2.slice(0, 43) + anomaly + ISS_TLE.line2.slice(51, 68);
  return { ...ISS_TLE, line2: body + String(tleChecksum(body)) };
}

/** The ISS element set with its epoch `days` earlier: a TLE that is that much older. */
export function agedIss(days: number) {
  const epoch = ISS_TLE.line1.slice(18, 32);
  const older = `${epoch.slice(0, 2)}${String(Number(epoch.slice(2, 5)) - days).padStart(3, '0')}${epoch.slice(5)}`;
  const body = ISS_TLE.line1.slice(0, 18) + older + ISS_TLE.line1.slice(32, 68);
  return { ...ISS_TLE, line1: body + String(tleChecksum(body)) };
}
