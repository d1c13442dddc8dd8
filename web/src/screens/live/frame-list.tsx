// SPDX-License-Identifier: Apache-2.0
import type { JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { hexDump } from '../../plots/hex';
import { hz, when } from '../../ui/format';

/** One line of a live view: a frame with its hex dump, a session event or an error. */
export interface Line {
  key: number;
  kind: 'downlink' | 'uplink' | 'event' | 'error';
  at: string;
  text: string;
  dump?: string[];
}

/** Lines shown at most: a long pass keeps the page light; the history screen has them all. */
const MAX_LINES = 500;

/** The lines of a live view, newest first, and how to add some (oldest first, as they came). */
export function useLines(): { lines: Line[]; add: (...lines: Omit<Line, 'key'>[]) => void } {
  const [lines, setLines] = useState<Line[]>([]);
  const nextKey = useRef(1);
  const add = (...added: Omit<Line, 'key'>[]) => {
    const keyed = added.map((line) => ({ ...line, key: nextKey.current++ })).reverse();
    setLines((old) => [...keyed, ...old].slice(0, MAX_LINES));
  };
  return { lines, add };
}

/** A frame as a line: `#seq direction N B`, what happened to it, the Doppler shift, the hex dump. */
export function frameLine(
  direction: 'downlink' | 'uplink',
  bytes: Uint8Array,
  frame: { at: string; seq?: number | null; dopplerShiftHz?: number | null; outcome?: string },
): Omit<Line, 'key'> {
  const parts = [
    `#${frame.seq ?? '?'} ${direction} ${bytes.length} B${frame.outcome ? ` ${frame.outcome}` : ''}`,
    frame.dopplerShiftHz === null || frame.dopplerShiftHz === undefined
      ? 'no Doppler'
      : `Doppler ${hz(frame.dopplerShiftHz)}`,
  ];
  return { kind: direction, at: frame.at, text: parts.join(' · '), dump: hexDump(bytes) };
}

export function FrameList(props: { lines: Line[] }): JSX.Element {
  return (
    <ol class="frames" aria-label="Frames and events">
      {props.lines.map((line) => (
        <li key={line.key} class={line.kind} data-kind={line.kind}>
          <span class="at">{line.at ? when(line.at) : ''}</span> {line.text}
          {line.dump && <pre>{line.dump.join('\n')}</pre>}
        </li>
      ))}
    </ol>
  );
}
