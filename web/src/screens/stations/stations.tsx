// SPDX-License-Identifier: Apache-2.0
import type { JSX } from 'preact';
import { api, seg } from '../../api/client';
import type { GroundStation } from '../../api/types';
import { Link, navigate } from '../../router';
import { ErrorNote } from '../../ui/form';
import { useLoad } from '../../ui/use-load';
import { StationForm } from './station-form';

export function StationsScreen(): JSX.Element {
  const stations = useLoad(() => api<GroundStation[]>('GET', '/api/ground-stations?mine=true'), 'mine');
  return (
    <main>
      <h1>My ground stations</h1>
      <ErrorNote error={stations.error} />
      {stations.data?.length === 0 && <p>You have no station yet.</p>}
      <ul class="cards">
        {stations.data?.map((s) => (
          <li key={s.identifier}>
            <Link href={`/stations/${seg(s.identifier)}`}>{s.identifier}</Link>{' '}
            <small>
              {s.location.latitude}°, {s.location.longitude}° · {s.channels.length} channel(s)
              {s.autoConfirm ? ' · autoConfirm' : ''}
            </small>
          </li>
        ))}
      </ul>
      <section>
        <h2>New ground station</h2>
        <StationForm onSaved={(station) => navigate(`/stations/${seg(station.identifier)}`)} />
      </section>
    </main>
  );
}
