// SPDX-License-Identifier: Apache-2.0
import type { JSX } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { request, seg } from '../../api/client';
import { useChanges } from '../../api/session';
import { openSocket } from '../../api/socket';
import type { Change, SlotReport } from '../../api/types';
import { base64ToBytes } from '../../plots/hex';
import { ErrorNote } from '../../ui/form';
import { SessionList } from '../../ui/session-list';
import { useLoad } from '../../ui/use-load';
import { FrameList, frameLine, useLines } from './frame-list';

/** A packet of a /ws/packets batch (docs/protocol.md §16.3), the members shown. */
interface ReplayedPacket {
  buffer: string;
  direction: 'downlink' | 'uplink';
  outcome: string;
  dopplerShiftHz: number | null;
  gsTimestamp: string | null;
  serverTime: string;
  sequence: number | null;
}

interface PacketsMessage {
  type: string;
  packets?: ReplayedPacket[];
  code?: string;
  message?: string;
}

type StreamState = 'connecting' | 'playing back' | 'live' | 'closed';

const SESSIONS_REFRESH_MS = 10_000;

/**
 * A station owner's live view of one slot of their station, read-only: the slot's packets in both
 * directions from /ws/packets (docs/protocol.md §16), played back from the slot's start and then
 * followed live, so opening it mid-pass shows what already passed; the slot's state changes from
 * /ws/events and its relay sessions from the slot report (docs/api.md "Slot report"), read again
 * on each state change and every few seconds.
 */
export function StationLiveScreen(props: { station: string; slot: string }): JSX.Element {
  const reportPath = `/api/ground-stations/${seg(props.station)}/slots/${seg(props.slot)}/report`;
  const report = useLoad(async () => (await request<SlotReport>('GET', reportPath)).body, props.slot);
  const { lines, add } = useLines();
  const [stream, setStream] = useState<StreamState>('connecting');
  const [closeNote, setCloseNote] = useState('');
  const slotStart = report.data?.slot.slotStart;

  useEffect(() => {
    if (!slotStart) return;
    const ws = openSocket('/ws/packets');
    ws.onopen = () =>
      ws.send(
        JSON.stringify({
          type: 'add',
          id: 'slot',
          station: props.station,
          slot: props.slot,
          // Nanoseconds as a string of digits: a JSON number that large is not exact.
          start_time: `${Date.parse(slotStart)}000000`,
        }),
      );
    ws.onclose = (event) => {
      setStream('closed');
      setCloseNote(`closed (${event.code}${event.reason ? ': ' + event.reason : ''})`);
    };
    ws.onmessage = (event: MessageEvent<string>) => {
      const message = JSON.parse(event.data) as PacketsMessage;
      if (message.type === 'subscribed') setStream('playing back');
      else if (message.type === 'live') setStream('live');
      else if (message.type === 'batch') add(...(message.packets ?? []).map(packetLine));
      else if (message.type === 'error')
        add({ kind: 'error', at: '', text: `${message.code ?? ''}: ${message.message ?? ''}` });
    };
    return () => ws.close(1000);
  }, [props.station, props.slot, slotStart]);

  // Sessions come and go without a state change (a link drops and is resumed): while the slot is
  // being watched, its report is read again every SESSIONS_REFRESH_MS.
  useEffect(() => {
    if (stream !== 'live') return;
    const timer = setInterval(report.reload, SESSIONS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [stream, report.reload]);

  useChanges(
    useCallback(
      (change: Change) => {
        if (change.slot !== props.slot) return;
        add({ kind: 'event', at: change.at, text: `${change.from} → ${change.to} (${change.reason})` });
        report.reload();
      },
      [props.slot, report.reload],
    ),
  );

  const r = report.data;
  return (
    <main>
      <h1>
        Live at <span class="ident">{props.station}</span>
        {r && ` · ${r.slot.scIdentifier}`} <small>{props.slot}</small>
      </h1>
      <ErrorNote error={report.error} />
      {r && (
        <p>
          Slot <span class={`badge ${r.state.toLowerCase()}`}>{r.state}</span> {r.slot.slotStart} to{' '}
          {r.slot.slotEnd}. Read-only: the mission sends the uplinks.
        </p>
      )}
      <p role="status" data-stream={stream}>
        Frames: {stream}
        {closeNote && ` — ${closeNote}`}
      </p>
      {r && <SessionList sessions={r.sessions} />}
      <FrameList lines={lines} />
    </main>
  );
}

function packetLine(packet: ReplayedPacket): ReturnType<typeof frameLine> {
  return frameLine(packet.direction, base64ToBytes(packet.buffer), {
    at: packet.gsTimestamp ?? packet.serverTime,
    seq: packet.sequence,
    dopplerShiftHz: packet.dopplerShiftHz,
    outcome: packet.outcome,
  });
}
