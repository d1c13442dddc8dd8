// SPDX-License-Identifier: Apache-2.0
import { buildCspFrame, validateCspFrame } from '../../csp/csp-frame';
import { makeCspHeader } from '../../csp/csp-header';
import { readDoc, section } from '../../common/testing/markdown-tables';
import { encodeFrame } from './frame-codec';

// docs/protocol.md section 10 shows messages byte by byte; a client author copies them. Every dump
// and every byte string there must be exactly what the server's encoder writes.
const protocol = readDoc('protocol.md');

/** The dump format of section 10: offset, 16 bytes in hex, the printable ASCII characters. */
function hexdump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const row = [...bytes.subarray(offset, offset + 16)];
    const hex = row.map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
    const ascii = row.map((byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.')).join('');
    lines.push(`${offset.toString(16).padStart(4, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n');
}

const spaced = (bytes: Uint8Array): string =>
  Buffer.from(bytes)
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ');

/** The CSP frame of 10.2: v1, priority 2, from 10 port 20 to 1 port 10, CRC flag, payload `hello`. */
const CSP_FRAME = buildCspFrame(
  1,
  makeCspHeader({
    priority: 2,
    source: 10,
    destination: 1,
    destinationPort: 10,
    sourcePort: 20,
    flags: 0x01,
  }),
  Buffer.from('hello'),
);
/** The frame `beacon 1` of section 15 (and docs/api.md's non-scheduled examples). */
const BEACON = buildCspFrame(
  1,
  makeCspHeader({ priority: 2, source: 10, sourcePort: 10, destination: 1, destinationPort: 20 }),
  Buffer.from('beacon 1'),
);
const GS_TIMESTAMP = '2030-01-01T00:00:00.000Z';
const DOPPLER_HZ = -1234; // whole Hz, as the server sends it (5.3)
const SEQ = 7; // the frame's sequence number in its slot and direction (section 14)

describe('docs/protocol.md section 10, byte by byte', () => {
  it.each([
    [
      '10.1 `login` request',
      [0, 1, 'login', ['snk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8']],
      [1, 1, null, { username: 'alice' }],
    ],
    [
      '10.2 `sendMsg` request',
      [0, 2, 'sendMsg', [CSP_FRAME, 1893456000000]],
      [1, 2, null, { delivered: true, dopplerShift: DOPPLER_HZ, gsTimestamp: GS_TIMESTAMP, seq: SEQ }],
    ],
    [
      '15. Non-scheduled frames: `sendNonScheduled`',
      [
        0,
        7,
        'sendNonScheduled',
        ['VigoGS', [{ data: BEACON, gsTimestamp: '2008-09-20T19:52:00.250Z', frequencyHz: 437500000 }]],
      ],
      [
        1,
        7,
        null,
        {
          groundStation: 'VigoGS',
          stored: 1,
          duplicates: 0,
          attributed: 1,
          frames: [{ index: 0, status: 'STORED', id: 1, spacecraft: 'XATCOBEO' }],
        },
      ],
    ],
  ])('%s: the request and its answer', (heading, request, answer) => {
    const text = section(protocol, heading);
    expect(text).toContain(hexdump(encodeFrame(request)));
    expect(text).toContain(hexdump(encodeFrame(answer)));
  });

  it('10.3: what the other side receives', () => {
    const text = section(protocol, '10.3 What the other side receives');
    expect(text).toContain(
      hexdump(encodeFrame([2, 'notifyMsg', [CSP_FRAME, DOPPLER_HZ, GS_TIMESTAMP, SEQ]])),
    );
  });

  it('14.2: a startRemote that resumes after frame 6', () => {
    const text = section(protocol, '14.2 Resuming');
    expect(text).toContain(hexdump(encodeFrame([0, 3, 'startRemote', ['42', null, 6]])));
  });

  it('10.2: the CSP frame is the one the table describes, and passes the relay checks', () => {
    const text = section(protocol, '10.2 `sendMsg` request');
    expect(text).toContain(`\`${spaced(CSP_FRAME.subarray(0, 4))}\``);
    expect(text).toContain(`\`${spaced(CSP_FRAME.subarray(9))}\``);
    const csp = { version: 1 as const, addresses: [10], uplinkPorts: [10, 11], downlinkPorts: [20, 21] };
    expect(validateCspFrame(CSP_FRAME, 'DOWNLINK', csp, { maxFrameBytes: 4096 })).toMatchObject({ ok: true });
  });

  it.each([[[0, 2, 'startRemote', ['42']]], [[2, 'notifyEvent', [-4]]], [[2, 'heartbeat', []]]])(
    '10.4: %j',
    (message) => {
      expect(section(protocol, '10.4 Small ones')).toContain(`\`${spaced(encodeFrame(message))}\``);
    },
  );
});
