// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { codesIn, firstTable, readDoc, section } from '../../common/testing/markdown-tables';
import { OPTIONS } from '../../config/config-schema';
import { validateCspFrame } from '../../csp/csp-frame';
import type { Packet } from '../../relay/packet.entity';
import { REPLAY_BATCH, REPLAY_MAX_PENDING } from '../../relay/replay-stream';
import { encodeReplayItem, parsePacketsMessage } from './packets-messages';
import { PACKETS_SOCKET_ERRORS } from './packets-socket';

// docs/protocol.md section 16 is all a replay client is written from: its examples must be what
// the server takes and sends, its tables what it does.
const protocol = readDoc('protocol.md');
const chapter = protocol.slice(protocol.indexOf('## 16. Packet replay stream: `/ws/packets`'));
const CSP = JSON.parse(
  /"csp": (\{[^}]*\})/.exec(readFileSync(join(__dirname, '../../../README.md'), 'utf8'))![1],
) as { version: 1; addresses: number[]; uplinkPorts: number[]; downlinkPorts: number[] };

/** Every JSON text of the chapter: the ```json blocks and the → / ← lines of the example session. */
function examples(): { text: string; value: Record<string, unknown> }[] {
  const blocks = [...chapter.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => match[1].trim());
  const session = [...chapter.matchAll(/^[→←] (\{.*\})$/gm)].map((match) => match[1]);
  return [...blocks, ...session].map((text) => ({
    text,
    value: JSON.parse(text) as Record<string, unknown>,
  }));
}

describe('docs/protocol.md section 16 (/ws/packets)', () => {
  it('has client messages the server accepts', () => {
    const client = examples().filter(({ value }) => ['add', 'remove', 'ping'].includes(value.type as string));
    expect(client.length).toBeGreaterThanOrEqual(4);
    for (const { text } of client) expect(parsePacketsMessage(text)).toMatchObject({ ok: true });
  });

  it('answers each example add with a subscribed naming what it named, and refuses both or neither', () => {
    const all = examples().map(({ value }) => value);
    const answered = all.filter((value) => value.type === 'subscribed');
    expect(answered.some((value) => 'station' in value && 'slot' in value)).toBe(true);
    for (const answer of answered) {
      const add = all.find((value) => value.type === 'add' && value.id === answer.id)!;
      const named = ['spacecraft', 'station', 'slot'].filter((field) => field in add);
      expect(Object.keys(answer).filter((key) => named.includes(key))).toEqual(named);
      for (const field of named) expect(answer[field]).toBe(add[field]);
    }
    const both = { type: 'add', id: 'x', spacecraft: 'XATCOBEO', station: 'VigoGS' };
    for (const message of [both, { type: 'add', id: 'x' }])
      expect(parsePacketsMessage(JSON.stringify(message))).toMatchObject({
        ok: false,
        error: { code: 'INVALID_MESSAGE', message: expect.stringMatching(/exactly one of "spacecraft"/) },
      });
  });

  it('shows packets as the server encodes them: exact nanosecond times, valid CSP frames', () => {
    const batches = examples().filter(({ value }) => value.type === 'batch');
    const items = batches.flatMap(({ value }) => value.packets as Record<string, unknown>[]);
    expect(items.length).toBeGreaterThanOrEqual(3);
    // Written as exact integers in the text (the millisecond and six zeros), not as doubles.
    const times = batches.flatMap(({ text }) => [...text.matchAll(/"time":\s*(\d+)/g)].map((m) => m[1]));
    expect(times).toEqual(items.map((item) => `${new Date(item.serverTime as string).getTime()}000000`));
    for (const item of items) {
      const serverTime = new Date(item.serverTime as string);
      const direction = item.direction === 'uplink' ? 'UPLINK' : 'DOWNLINK';
      const data = Buffer.from(item.buffer as string, 'base64');
      expect(validateCspFrame(data, direction, CSP, { maxFrameBytes: 4096 })).toMatchObject({ ok: true });
      const packet = {
        id: item.id,
        data,
        slotId: item.slotId,
        direction,
        outcome: item.outcome,
        dopplerShiftHz: item.dopplerShiftHz,
        gsTimestamp: item.gsTimestamp === null ? null : new Date(item.gsTimestamp as string),
        serverReceivedAt: serverTime,
        sequence: item.sequence,
        rejectRule: null,
      } as unknown as Packet;
      const names = { groundStation: item.groundStation as string, spacecraft: item.spacecraft as string };
      expect(JSON.parse(encodeReplayItem(packet, names))).toEqual(item);
    }
  });

  it('lists exactly the error codes the socket sends', () => {
    const documented = firstTable(section(chapter, '16.5 Errors')).flatMap(([code]) => codesIn(code));
    expect(documented.sort()).toEqual([...PACKETS_SOCKET_ERRORS].sort());
  });

  it('states the limits the server applies', () => {
    const limits = section(chapter, '16.4 Order, hand-over and flow control');
    const subscriptions = OPTIONS.find((option) => option.env === 'SATNET_WS_REPLAY_MAX_SUBSCRIPTIONS');
    expect(limits).toContain(`${String(subscriptions?.default)} (\`SATNET_WS_REPLAY_MAX_SUBSCRIPTIONS\`)`);
    expect(limits).toContain(`at most ${REPLAY_BATCH}`);
    expect(limits).toContain(REPLAY_MAX_PENDING.toLocaleString('en-US'));
  });
});
