// SPDX-License-Identifier: Apache-2.0
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api, seg } from '../../api/client';
import type { GroundStation } from '../../api/types';
import { navigate } from '../../router';
import { ErrorNote, useAction } from '../../ui/form';
import { when } from '../../ui/format';
import { useLoad } from '../../ui/use-load';
import { PastSlots } from '../history/past-slots';
import { StationRules } from './rules';
import { StationSchedule } from './schedule';
import { StationForm } from './station-form';

export function StationPage(props: { identifier: string }): JSX.Element {
  const path = `/api/ground-stations/${seg(props.identifier)}`;
  const station = useLoad(() => api<GroundStation>('GET', path), props.identifier);
  const [generation, setGeneration] = useState(0);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const remove = useAction(async () => {
    if (!confirm(`Delete ${props.identifier}? Its booked slots are cancelled.`)) return;
    await api('DELETE', path);
    navigate('/stations');
  });
  return (
    <main>
      <h1>
        Station <span class="ident">{props.identifier}</span>
      </h1>
      <ErrorNote error={station.error} />
      <StationSchedule key={generation} station={props.identifier} />
      <PastSlots kind="ground-stations" identifier={props.identifier} />
      <StationRules station={props.identifier} changed={() => setGeneration((n) => n + 1)} />
      {station.data && (
        <details>
          <summary>Configuration</summary>
          <StationForm
            key={JSON.stringify(station.data)}
            initial={station.data}
            onSaved={(saved) => {
              setSavedAt(new Date().toISOString());
              // The answer is what was stored: a reload landing later could undo the next edit.
              station.set(saved);
            }}
          />
          {savedAt && <p role="status">Configuration saved at {when(savedAt)}.</p>}
          <button type="button" class="danger" onClick={() => remove.run()}>
            Delete station
          </button>
          <ErrorNote error={remove.error} />
        </details>
      )}
    </main>
  );
}
