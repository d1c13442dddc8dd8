// SPDX-License-Identifier: Apache-2.0
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { currentToken, request, seg, toApiError } from '../../api/client';
import type { SlotReport, StoredPacket } from '../../api/types';
import { base64ToBytes, hexDump } from '../../plots/hex';
import { ErrorNote, useAction } from '../../ui/form';
import { hz, when } from '../../ui/format';
import { SessionList } from '../../ui/session-list';
import { useLoad } from '../../ui/use-load';

/** A slot's report and packets (docs/api.md "Slot report", "Packet history"), with export. */
export function HistoryScreen(props: {
  kind: 'spacecraft' | 'ground-stations';
  identifier: string;
  slot: string;
}): JSX.Element {
  const base = `/api/${props.kind}/${seg(props.identifier)}`;
  const report = useLoad(
    async () => (await request<SlotReport>('GET', `${base}/slots/${props.slot}/report`)).body,
    props.slot,
  );
  const [packets, setPackets] = useState<StoredPacket[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const more = useAction(async () => {
    const query = `slotId=${encodeURIComponent(props.slot)}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await request<StoredPacket[]>('GET', `${base}/packets?${query}`);
    setPackets((old) => [...old, ...page.body]);
    setCursor(page.headers.get('x-next-cursor'));
  });
  // The first page, once per slot shown.
  useEffect(() => more.run(), [props.slot]);
  const exportFile = useAction(async (format: 'jsonl' | 'binary') => {
    const response = await fetch(
      `${base}/packets/export?format=${format}&slotId=${encodeURIComponent(props.slot)}`,
      {
        headers: { authorization: `Bearer ${currentToken() ?? ''}` },
      },
    );
    if (!response.ok) throw toApiError(response.status, await response.json().catch(() => undefined));
    const name =
      /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ??
      `packets.${format}`;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await response.blob());
    link.download = name;
    link.click();
    URL.revokeObjectURL(link.href);
  });
  const r = report.data;
  return (
    <main>
      <h1>
        History{' '}
        {r && (
          <>
            {r.slot.scIdentifier} at {r.slot.gsIdentifier}{' '}
          </>
        )}
        <small>{props.slot}</small>
      </h1>
      {r && (
        <p>
          {when(r.slot.slotStart)} to {when(r.slot.slotEnd)}
        </p>
      )}
      <ErrorNote error={report.error} />
      {r && (
        <section aria-label="Slot report">
          <h2>
            Report <span class={`badge ${r.state.toLowerCase()}`}>{r.state}</span>{' '}
            {r.final ? '(final)' : '(so far)'}
          </h2>
          {r.failureReason && <p>Failed: {r.failureReason}</p>}
          <table>
            <thead>
              <tr>
                <th />
                <th>Relayed</th>
                <th>Not delivered</th>
                <th>Rejected</th>
              </tr>
            </thead>
            <tbody>
              {(['downlink', 'uplink'] as const).map((direction) => (
                <tr key={direction} data-direction={direction}>
                  <th scope="row">{direction}</th>
                  <td>{frames(r[direction].relayed)}</td>
                  <td>{frames(r[direction].notDelivered)}</td>
                  <td>{frames(r[direction].rejected)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Sessions</h3>
          <SessionList sessions={r.sessions} />
        </section>
      )}
      <section>
        <h2>Packets</h2>
        <button type="button" onClick={() => exportFile.run('jsonl')} disabled={exportFile.busy}>
          Export JSON Lines
        </button>{' '}
        <button type="button" onClick={() => exportFile.run('binary')} disabled={exportFile.busy}>
          Export SNPK (binary)
        </button>
        <ErrorNote error={exportFile.error} />
        <ErrorNote error={more.error} />
        {cursor === null && packets.length === 0 && <p>No packet in this slot yet.</p>}
        <ol class="frames" aria-label="Packets">
          {packets.map((p) => (
            <li key={p.id} class={p.direction.toLowerCase()} data-kind={p.direction.toLowerCase()}>
              <span class="at">{when(p.serverTime)}</span> {p.direction.toLowerCase()} {p.outcome}
              {p.dopplerShiftHz !== null && ` · Doppler ${hz(p.dopplerShiftHz)}`}
              <pre>{hexDump(base64ToBytes(p.data)).join('\n')}</pre>
            </li>
          ))}
        </ol>
        {cursor && (
          <button type="button" onClick={() => more.run()} disabled={more.busy}>
            More packets
          </button>
        )}
      </section>
    </main>
  );
}

function frames(t: { frames: number; bytes: number }): string {
  return `${t.frames} ${t.frames === 1 ? 'frame' : 'frames'}, ${t.bytes} B`;
}
