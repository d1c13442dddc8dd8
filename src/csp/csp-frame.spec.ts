// SPDX-License-Identifier: Apache-2.0
import { crc32c } from './crc32c';
import { buildCspFrame, validateCspFrame, type CspSettings } from './csp-frame';
import {
  CSP_FLAG,
  cspHeaderLength,
  makeCspHeader,
  type CspHeader,
  type CspHeaderFields,
  type CspVersion,
} from './csp-header';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const limits = { maxFrameBytes: 256 };

/** Priority 2 so that headers here do not start with zero bits. */
const header = (fields: CspHeaderFields = {}): CspHeader => makeCspHeader({ priority: 2, ...fields });

/** Addresses chosen so that v2 needs its wider address field. */
const SPACECRAFT = { 1: [5, 6], 2: [1000, 16383] } as const;
const GROUND = { 1: 10, 2: 4000 } as const;

function settingsFor(version: CspVersion): CspSettings {
  return { version, addresses: SPACECRAFT[version], uplinkPorts: [10, 11], downlinkPorts: [20] };
}

describe('validateCspFrame: a hand-assembled v1 frame', () => {
  // Header 94 51 e1 03 (see csp-header.spec.ts): destination 5, dport 7, flags RDP|CRC.
  // Payload "123456789"; trailer = its CRC32-C, 0xE3069283, big-endian.
  const frame = Buffer.from('9451e103' + '313233343536373839' + 'e3069283', 'hex');
  const settings: CspSettings = { version: 1, addresses: [5], uplinkPorts: [7], downlinkPorts: [] };

  it('is accepted as an uplink frame', () => {
    const verdict = validateCspFrame(frame, 'UPLINK', settings, limits);
    expect(verdict).toMatchObject({
      ok: true,
      payloadLength: 9,
      header: { destination: 5, destinationPort: 7 },
    });
  });

  it('is what buildCspFrame produces', () => {
    const built = buildCspFrame(
      1,
      header({ source: 10, destination: 5, destinationPort: 7, sourcePort: 33, flags: CSP_FLAG.RDP }),
      Buffer.from('123456789', 'ascii'),
      { crc: true },
    );
    expect(hex(built)).toBe(hex(frame));
  });

  it('is rejected with the trailer in little-endian order', () => {
    const swapped = Buffer.from('9451e103' + '313233343536373839' + '839206e3', 'hex');
    expect(validateCspFrame(swapped, 'UPLINK', settings, limits)).toMatchObject({
      ok: false,
      rule: 'BAD_CRC',
    });
  });
});

describe.each([1, 2] as const)('validateCspFrame, CSP v%i', (version: CspVersion) => {
  const settings = settingsFor(version);
  const [own, otherOwn] = SPACECRAFT[version];
  const ground = GROUND[version];
  const headerLength = cspHeaderLength(version);
  const payload = Uint8Array.from({ length: 40 }, (_, i) => i * 3);
  const uplink = (fields: CspHeaderFields = {}, crc = false): Uint8Array =>
    buildCspFrame(
      version,
      header({ source: ground, destination: own, destinationPort: 10, ...fields }),
      payload,
      {
        crc,
      },
    );
  const downlink = (fields: CspHeaderFields = {}, crc = false): Uint8Array =>
    buildCspFrame(version, header({ source: own, destination: ground, sourcePort: 20, ...fields }), payload, {
      crc,
    });

  describe('routing', () => {
    it('accepts an uplink frame to any spacecraft address and allowed port', () => {
      expect(validateCspFrame(uplink(), 'UPLINK', settings, limits)).toMatchObject({
        ok: true,
        payloadLength: payload.length,
      });
      expect(
        validateCspFrame(uplink({ destination: otherOwn, destinationPort: 11 }), 'UPLINK', settings, limits)
          .ok,
      ).toBe(true);
    });

    it('ignores the source end of an uplink frame', () => {
      const anySource = uplink({ source: otherOwn, sourcePort: 63 });
      expect(validateCspFrame(anySource, 'UPLINK', settings, limits).ok).toBe(true);
    });

    it('rejects an uplink frame to another address, naming it and the allowed ones', () => {
      expect(validateCspFrame(uplink({ destination: 3 }), 'UPLINK', settings, limits)).toEqual({
        ok: false,
        rule: 'DESTINATION_NOT_ALLOWED',
        message: `uplink destination address 3 is not one of the spacecraft's addresses (${SPACECRAFT[version].join(', ')})`,
        header: expect.objectContaining({ destination: 3 }), // kept for the packet log
      });
    });

    it('rejects an uplink frame to a port not in uplinkPorts', () => {
      expect(validateCspFrame(uplink({ destinationPort: 20 }), 'UPLINK', settings, limits)).toEqual({
        ok: false,
        rule: 'DESTINATION_PORT_NOT_ALLOWED',
        message: "uplink destination port 20 is not in the spacecraft's uplinkPorts (10, 11)",
        header: expect.objectContaining({ destinationPort: 20 }),
      });
    });

    it('accepts a downlink frame from a spacecraft address and allowed port, to anywhere', () => {
      expect(
        validateCspFrame(downlink({ destination: 0, destinationPort: 63 }), 'DOWNLINK', settings, limits),
      ).toMatchObject({
        ok: true,
        header: { source: own, sourcePort: 20 },
      });
    });

    it('rejects a downlink frame from another address', () => {
      expect(validateCspFrame(downlink({ source: ground }), 'DOWNLINK', settings, limits)).toMatchObject({
        ok: false,
        rule: 'SOURCE_NOT_ALLOWED',
        message: expect.stringContaining(`downlink source address ${ground} is not one of`),
      });
    });

    it('rejects a downlink frame from a port not in downlinkPorts', () => {
      expect(validateCspFrame(downlink({ sourcePort: 10 }), 'DOWNLINK', settings, limits)).toEqual({
        ok: false,
        rule: 'SOURCE_PORT_NOT_ALLOWED',
        message: "downlink source port 10 is not in the spacecraft's downlinkPorts (20)",
        header: expect.objectContaining({ source: own, sourcePort: 10 }),
      });
    });

    it('judges the same frame by direction: an uplink frame is not a valid downlink frame', () => {
      expect(validateCspFrame(uplink(), 'DOWNLINK', settings, limits)).toMatchObject({
        rule: 'SOURCE_NOT_ALLOWED',
      });
      expect(validateCspFrame(downlink(), 'UPLINK', settings, limits)).toMatchObject({
        rule: 'DESTINATION_NOT_ALLOWED',
      });
    });

    it('says so when nothing is configured', () => {
      const closed = { ...settings, uplinkPorts: [] };
      expect(validateCspFrame(uplink(), 'UPLINK', closed, limits)).toMatchObject({
        message: expect.stringContaining('uplinkPorts (none configured)'),
      });
    });
  });

  describe('size', () => {
    it('accepts exactly maxFrameBytes and rejects one more', () => {
      const frame = uplink();
      expect(validateCspFrame(frame, 'UPLINK', settings, { maxFrameBytes: frame.length }).ok).toBe(true);
      expect(validateCspFrame(frame, 'UPLINK', settings, { maxFrameBytes: frame.length - 1 })).toEqual({
        ok: false,
        rule: 'FRAME_TOO_LARGE',
        message: `frame is ${frame.length} bytes; the maximum is ${frame.length - 1}`,
      });
    });

    it('rejects anything shorter than a header, including nothing', () => {
      for (const length of [0, 1, headerLength - 1]) {
        expect(validateCspFrame(uplink().subarray(0, length), 'UPLINK', settings, limits)).toEqual({
          ok: false,
          rule: 'FRAME_TOO_SHORT',
          message: `frame is ${length} bytes; a CSP v${version} header is ${headerLength}`,
        });
      }
    });

    it('accepts a header with an empty payload', () => {
      const bare = uplink().subarray(0, headerLength);
      expect(validateCspFrame(bare, 'UPLINK', settings, limits)).toMatchObject({
        ok: true,
        payloadLength: 0,
      });
    });
  });

  describe('CRC32-C trailer', () => {
    it('accepts a payload-only CRC and does not count the trailer as payload', () => {
      const verdict = validateCspFrame(uplink({}, true), 'UPLINK', settings, limits);
      expect(verdict).toMatchObject({
        ok: true,
        payloadLength: payload.length,
        header: { flags: { crc: true } },
      });
    });

    it('accepts a CRC over header and payload (libcsp 2.x receivers try that form first)', () => {
      const body = buildCspFrame(
        version,
        header({ destination: own, destinationPort: 10, flags: CSP_FLAG.CRC }),
        payload,
        {
          crc: false,
        },
      );
      const frame = Buffer.alloc(body.length + 4);
      frame.set(body);
      frame.writeUInt32BE(crc32c(body), body.length);
      expect(validateCspFrame(frame, 'UPLINK', settings, limits)).toMatchObject({
        ok: true,
        payloadLength: payload.length,
      });
    });

    it('rejects a flipped payload bit, naming the trailer and both computed values', () => {
      const frame = uplink({}, true);
      frame[headerLength + 3] ^= 0x10;
      const verdict = validateCspFrame(frame, 'UPLINK', settings, limits);
      expect(verdict).toMatchObject({ ok: false, rule: 'BAD_CRC' });
      const trailer = Buffer.from(frame).readUInt32BE(frame.length - 4);
      expect(verdict.ok || verdict.message).toMatch(
        new RegExp(
          `^CRC32-C trailer 0x${trailer.toString(16).padStart(8, '0')} matches neither the payload \\(0x[0-9a-f]{8}\\) nor the header and payload \\(0x[0-9a-f]{8}\\)$`,
        ),
      );
    });

    it('rejects a flipped trailer bit', () => {
      const frame = uplink({}, true);
      frame[frame.length - 1] ^= 0x01;
      expect(validateCspFrame(frame, 'UPLINK', settings, limits)).toMatchObject({
        ok: false,
        rule: 'BAD_CRC',
      });
    });

    it('accepts an empty payload whose trailer is the CRC of nothing (0)', () => {
      const frame = buildCspFrame(
        version,
        header({ destination: own, destinationPort: 10 }),
        new Uint8Array(0),
        {
          crc: true,
        },
      );
      expect(hex(frame.subarray(headerLength))).toBe('00000000');
      expect(validateCspFrame(frame, 'UPLINK', settings, limits)).toMatchObject({
        ok: true,
        payloadLength: 0,
      });
    });

    it('reports a missing trailer when fewer than 4 bytes follow a CRC-flagged header', () => {
      const flagged = buildCspFrame(
        version,
        header({ destination: own, destinationPort: 10, flags: CSP_FLAG.CRC }),
        payload,
        {
          crc: false,
        },
      );
      for (const after of [0, 3]) {
        expect(
          validateCspFrame(flagged.subarray(0, headerLength + after), 'UPLINK', settings, limits),
        ).toEqual({
          ok: false,
          rule: 'CRC_MISSING',
          message: `the CRC flag is set but only ${after} bytes follow the header; the CRC32 trailer needs 4`,
          header: expect.objectContaining({ flags: expect.objectContaining({ crc: true }) }),
        });
      }
    });

    it('does not check a trailer when the CRC flag is clear', () => {
      const frame = uplink();
      frame[frame.length - 1] ^= 0xff;
      expect(validateCspFrame(frame, 'UPLINK', settings, limits)).toMatchObject({
        ok: true,
        payloadLength: payload.length,
      });
    });

    it('with XTEA, requires the (encrypted) trailer but cannot check its value', () => {
      const frame = uplink({ flags: CSP_FLAG.XTEA }, true);
      frame[frame.length - 1] ^= 0xff;
      expect(validateCspFrame(frame, 'UPLINK', settings, limits)).toMatchObject({
        ok: true,
        payloadLength: payload.length,
      });
      const tooShort = frame.subarray(0, headerLength + 2);
      expect(validateCspFrame(tooShort, 'UPLINK', settings, limits)).toMatchObject({ rule: 'CRC_MISSING' });
    });
  });

  describe('order of checks and inputs', () => {
    it('reports the size before anything else, and routing before the CRC', () => {
      const bad = uplink({ destination: 3 }, true);
      bad[bad.length - 1] ^= 0xff;
      expect(validateCspFrame(bad, 'UPLINK', settings, { maxFrameBytes: 8 })).toMatchObject({
        rule: 'FRAME_TOO_LARGE',
      });
      expect(validateCspFrame(bad, 'UPLINK', settings, limits)).toMatchObject({
        rule: 'DESTINATION_NOT_ALLOWED',
      });
    });

    it('validates a frame that is a view into a larger buffer, without modifying it', () => {
      const frame = uplink({}, true);
      const backing = new Uint8Array(frame.length + 7).fill(0xee);
      backing.set(frame, 3);
      const view = backing.subarray(3, 3 + frame.length);
      const before = hex(backing);
      expect(validateCspFrame(view, 'UPLINK', settings, limits)).toMatchObject({
        ok: true,
        payloadLength: payload.length,
      });
      expect(hex(backing)).toBe(before);
    });
  });
});

describe('buildCspFrame', () => {
  const payload = Uint8Array.from([0xde, 0xad]);

  it('lays out header, payload and nothing else without CRC', () => {
    const frame = buildCspFrame(2, header({ destination: 1 }), payload);
    expect(hex(frame)).toBe('800100000000' + 'dead');
  });

  it('sets the CRC flag and appends the payload CRC big-endian when asked', () => {
    const frame = buildCspFrame(1, header(), payload, { crc: true });
    expect(hex(frame)).toBe('80000001' + 'dead' + crc32c(payload).toString(16).padStart(8, '0'));
  });

  it('follows the header CRC flag by default', () => {
    expect(buildCspFrame(1, header({ flags: CSP_FLAG.CRC }), payload)).toHaveLength(4 + 2 + 4);
    expect(buildCspFrame(1, header(), payload)).toHaveLength(4 + 2);
  });

  it('can build a CRC-flagged frame with no trailer (for negative tests)', () => {
    const frame = buildCspFrame(1, header({ flags: CSP_FLAG.CRC }), payload, { crc: false });
    expect(hex(frame)).toBe('80000001' + 'dead');
  });

  it('rejects header fields that do not fit the version', () => {
    expect(() => buildCspFrame(1, header({ destination: 32 }), payload)).toThrow(RangeError);
  });
});
