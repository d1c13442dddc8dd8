// SPDX-License-Identifier: Apache-2.0
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api, seg } from '../../api/client';
import type { Spacecraft } from '../../api/types';
import { Link, navigate } from '../../router';
import { ErrorNote, useAction } from '../../ui/form';
import { when } from '../../ui/format';
import { useLoad } from '../../ui/use-load';
import { PastSlots } from '../history/past-slots';
import { Passes } from './passes';
import { SpacecraftForm } from './spacecraft-form';
import { SpacecraftSlots } from './slots';

export function SpacecraftListScreen(): JSX.Element {
  const list = useLoad(() => api<Spacecraft[]>('GET', '/api/spacecraft'), 'all');
  return (
    <main>
      <h1>My spacecraft</h1>
      <ErrorNote error={list.error} />
      {list.data?.length === 0 && <p>You have no spacecraft yet.</p>}
      <ul class="cards">
        {list.data?.map((s) => (
          <li key={s.identifier}>
            <Link href={`/spacecraft/${seg(s.identifier)}`}>{s.identifier}</Link> <small>{s.callsign}</small>
            {s.status.warnings.length > 0 && (
              <small class="warning"> ⚠ {s.status.warnings.length} warning(s)</small>
            )}
          </li>
        ))}
      </ul>
      <section>
        <h2>New spacecraft</h2>
        <SpacecraftForm onSaved={(s) => navigate(`/spacecraft/${seg(s.identifier)}`)} />
      </section>
    </main>
  );
}

interface Compatibility {
  groundStation: string;
  gsChannel: string;
  scChannel: string;
  direction: string;
}

export function SpacecraftPage(props: { identifier: string }): JSX.Element {
  const path = `/api/spacecraft/${seg(props.identifier)}`;
  const spacecraft = useLoad(() => api<Spacecraft>('GET', path), props.identifier);
  const compatibility = useLoad(() => api<Compatibility[]>('GET', `${path}/compatibility`), props.identifier);
  const remove = useAction(async () => {
    if (!confirm(`Delete ${props.identifier}? Its bookings are cancelled.`)) return;
    await api('DELETE', path);
    navigate('/spacecraft');
  });
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const sc = spacecraft.data;
  return (
    <main>
      <h1>
        Spacecraft <span class="ident">{props.identifier}</span>
      </h1>
      <ErrorNote error={spacecraft.error} />
      {sc && (
        <>
          <p class="facts-line">
            TLE epoch {sc.status.tleEpoch ?? '—'}
            {sc.status.tleAgeDays !== null && ` (${sc.status.tleAgeDays} days old)`}
          </p>
          {sc.status.warnings.map((warning) => (
            <p key={warning} class="warning" role="status">
              ⚠ {warning}
            </p>
          ))}
          <section>
            <h2>Compatible stations</h2>
            {compatibility.data?.length === 0 && (
              <p>No station has a channel that fits this spacecraft's channels.</p>
            )}
            <ul>
              {compatibility.data?.map((c) => (
                <li key={`${c.groundStation}/${c.gsChannel}/${c.scChannel}/${c.direction}`}>
                  {c.groundStation}: {c.gsChannel} ↔ {c.scChannel} ({c.direction.toLowerCase()})
                </li>
              ))}
            </ul>
          </section>
          <SpacecraftSlots spacecraft={sc.identifier} />
          <PastSlots kind="spacecraft" identifier={sc.identifier} />
          <Passes spacecraft={sc} />
          <details>
            <summary>Configuration</summary>
            <SpacecraftForm
              key={JSON.stringify(sc)}
              initial={sc}
              onSaved={(saved) => {
                setSavedAt(new Date().toISOString());
                // The answer is what was stored: a reload landing later could undo the next edit.
                spacecraft.set(saved);
              }}
            />
            {savedAt && <p role="status">Configuration saved at {when(savedAt)}.</p>}
            <button type="button" class="danger" onClick={() => remove.run()}>
              Delete spacecraft
            </button>
            <ErrorNote error={remove.error} />
          </details>
        </>
      )}
    </main>
  );
}
