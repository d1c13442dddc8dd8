// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, type ErrorCode } from '../../common/error-codes';
import { codesIn, firstTable, readDoc, section } from '../../common/testing/markdown-tables';
import { makeCspHeader } from '../../csp/csp-header';
import { buildCspFrame, validateCspFrame } from '../../csp/csp-frame';
import { parseMissionMessage } from './mission-messages';
import { WS_CLOSE } from './ws-session';

// docs/protocol.md section 13 is all a WebSocket client is written from: its tables and examples
// must say what the server does.
const protocol = readDoc('protocol.md');
const chapter = protocol.slice(protocol.indexOf('## 13. WebSocket gateway for mission software'));
/** The README's example spacecraft's CSP settings, which the chapter's example packets are written for. */
const CSP = JSON.parse(
  /"csp": (\{[^}]*\})/.exec(readFileSync(join(__dirname, '../../../README.md'), 'utf8'))![1],
) as {
  version: 1;
  addresses: number[];
  uplinkPorts: number[];
  downlinkPorts: number[];
};
/** Codes the WebSocket transport answers a handshake with itself, outside the registry. */
const TRANSPORT_CODES = ['ROUTE_NOT_FOUND', 'SHUTTING_DOWN', 'INTERNAL_ERROR'];

const sorted = (codes: Iterable<string>): string[] => [...new Set(codes)].sort();
/** The codes of a section's table rows: from the first cell, or the second when the first is a status. */
function tableCodes(heading: string): string[] {
  const rows = section(chapter, heading)
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) => line.split('|').slice(1, -1));
  return rows.flatMap(([first, second]) => codesIn(/^\s*\d{3}\s*$/.test(first) ? second : first));
}

/** Every JSON object of the chapter: the ```json blocks and the → / ← lines of the example session. */
function examples(): Record<string, unknown>[] {
  const blocks = [...chapter.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => match[1].trim());
  const session = [...chapter.matchAll(/^[→←] (\{.*\})$/gm)].map((match) => match[1]);
  return [...blocks, ...session].map((text) => JSON.parse(text) as Record<string, unknown>);
}

describe('docs/protocol.md section 13 (WebSocket gateway)', () => {
  it("lists exactly the registered codes a WebSocket client can receive, and the transport's own", () => {
    const registered = (Object.keys(ERROR_CODES) as ErrorCode[]).filter((code) =>
      (ERROR_CODES[code].docs as readonly string[]).includes('websocket'),
    );
    const documented = [
      ...tableCodes('13.1 Connecting and authenticating'),
      ...tableCodes('13.7 Errors'),
      ...tableCodes('16.5 Errors'), // /ws/packets
    ];
    expect(sorted(documented)).toEqual(sorted([...registered, ...TRANSPORT_CODES]));
  });

  it('lists the close codes the server uses', () => {
    const documented = firstTable(section(chapter, '13.5 Close codes')).map(([code]) => Number(code));
    expect(documented).toEqual(expect.arrayContaining(Object.values(WS_CLOSE)));
  });

  it('has client examples the server accepts, with packets valid for the example spacecraft', () => {
    const all = examples();
    expect(all.length).toBeGreaterThan(8);
    for (const example of all) {
      const direction = example.direction;
      if (example.type === 'message' && direction === 'uplink') {
        const parsed = parseMissionMessage(JSON.stringify(example));
        expect(parsed).toMatchObject({ ok: true });
      }
      if (example.type === 'ping')
        expect(parseMissionMessage(JSON.stringify(example))).toMatchObject({ ok: true });
      // The relay rounds the Doppler shift to whole Hz (as over TLS).
      if ('dopplerShiftHz' in example) expect(Number.isInteger(example.dopplerShiftHz)).toBe(true);
      if (example.type === 'message') {
        const packet = Buffer.from(example.packet as string, 'base64');
        const verdict = validateCspFrame(packet, direction === 'uplink' ? 'UPLINK' : 'DOWNLINK', CSP, {
          maxFrameBytes: 4096,
        });
        expect(verdict).toMatchObject({ ok: true });
      }
    }
  });

  it("shows a refused packet's error as the server words it", () => {
    const error = examples().find((example) => example.code === 'FRAME_REJECTED');
    const wrongPort = buildCspFrame(
      1,
      makeCspHeader({ source: 1, sourcePort: 20, destination: 10, destinationPort: 12 }),
      Buffer.from('x'),
    );
    const verdict = validateCspFrame(wrongPort, 'UPLINK', CSP, { maxFrameBytes: 4096 });
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(error).toMatchObject({
      message: `error verifying csp packet: ${verdict.message}`,
      details: { rule: verdict.rule },
    });
  });
});
