// SPDX-License-Identifier: Apache-2.0
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { openSocket } from '../../api/socket';
import { base64ToBytes, bytesToBase64, hexToBytes } from '../../plots/hex';
import { ErrorNote, formReader } from '../../ui/form';
import { FrameList, frameLine, useLines } from './frame-list';

interface MissionMessage {
  type: string;
  direction?: string;
  packet?: string;
  id?: number | string;
  event?: string;
  code?: string;
  message?: string;
  slotId?: string;
  dopplerShiftHz?: number;
  gsTimestamp?: string;
  serverTime?: string;
  seq?: number;
}

/**
 * A mission's live view of its slot over /ws/mission (docs/protocol.md §13): downlinks with hex
 * dump, time and Doppler, acknowledged uplinks, session events, and a box to send a hex frame.
 */
export function LiveSlotScreen(props: { spacecraft: string; slot: string }): JSX.Element {
  const { lines, add } = useLines();
  const [state, setState] = useState<'connecting' | 'open' | 'closed'>('connecting');
  const [closeNote, setCloseNote] = useState('');
  const [inputError, setInputError] = useState<Error | null>(null);
  const socket = useRef<WebSocket | null>(null);
  const sent = useRef(new Map<number, Uint8Array>());
  const nextId = useRef(1);

  useEffect(() => {
    const ws = openSocket(`/ws/mission/${encodeURIComponent(props.spacecraft)}/protocol/csp`);
    socket.current = ws;
    ws.onopen = () => setState('open');
    ws.onclose = (event) => {
      setState('closed');
      setCloseNote(
        event.code === 1000
          ? 'the slot ended'
          : `closed (${event.code}${event.reason ? ': ' + event.reason : ''})`,
      );
    };
    ws.onmessage = (event: MessageEvent<string>) => {
      const message = JSON.parse(event.data) as MissionMessage;
      if (message.slotId && message.slotId !== props.slot) return;
      if (message.type === 'message' && message.packet) {
        add(
          frameLine('downlink', base64ToBytes(message.packet), {
            seq: message.seq,
            dopplerShiftHz: message.dopplerShiftHz,
            at: message.gsTimestamp ?? message.serverTime ?? '',
          }),
        );
      } else if (message.type === 'ack') {
        const bytes = sent.current.get(Number(message.id)) ?? new Uint8Array();
        add(
          frameLine('uplink', bytes, {
            seq: message.seq,
            dopplerShiftHz: message.dopplerShiftHz,
            at: message.serverTime ?? '',
            outcome: 'stored and relayed',
          }),
        );
      } else if (message.type === 'event') {
        add({ kind: 'event', at: new Date().toISOString(), text: `${message.event ?? ''}` });
      } else if (message.type === 'error') {
        add({
          kind: 'error',
          at: new Date().toISOString(),
          text: `${message.code ?? ''}: ${message.message ?? ''}`,
        });
      }
    };
    return () => ws.close(1000);
  }, [props.spacecraft, props.slot]);

  const send = (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const hex = formReader(form).text('frame');
    try {
      const bytes = hexToBytes(hex);
      const id = nextId.current++;
      sent.current.set(id, bytes);
      socket.current?.send(
        JSON.stringify({
          type: 'message',
          direction: 'uplink',
          packet: bytesToBase64(bytes),
          id,
          slotId: props.slot,
        }),
      );
      setInputError(null);
      form.reset();
    } catch (caught) {
      setInputError(caught as Error);
    }
  };

  return (
    <main>
      <h1>
        Live: <span class="ident">{props.spacecraft}</span> <small>{props.slot}</small>
      </h1>
      <p role="status" data-session={state}>
        Session: {state}
        {closeNote && ` — ${closeNote}`}
      </p>
      <form class="inline" onSubmit={send}>
        <label for="frame">Uplink frame (hex, a whole CSP packet)</label>
        <input
          id="frame"
          name="frame"
          class="code"
          placeholder="82a2940170696e67a7fa26e5"
          disabled={state !== 'open'}
        />
        <button type="submit" disabled={state !== 'open'}>
          Send
        </button>
      </form>
      <ErrorNote error={inputError} />
      <FrameList lines={lines} />
    </main>
  );
}
