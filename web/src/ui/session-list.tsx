// SPDX-License-Identifier: Apache-2.0
import type { JSX } from 'preact';
import type { SlotSession } from '../api/types';
import { when } from './format';

/** A slot's relay sessions from its report: who connected, over what, when, and how it ended. */
export function SessionList(props: { sessions: SlotSession[] }): JSX.Element {
  return (
    <ul aria-label="Sessions">
      {props.sessions.map((s, i) => (
        <li key={i} data-side={s.side}>
          {s.side} over {s.transport} ({s.user ?? 'deleted user'}) {when(s.startedAt)} –{' '}
          {s.endedAt ? when(s.endedAt) : 'open'} {s.endReason ?? ''}
        </li>
      ))}
    </ul>
  );
}
