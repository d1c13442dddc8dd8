// SPDX-License-Identifier: Apache-2.0
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api, seg } from '../../api/client';
import type { GroundStation, Pass, Spacecraft } from '../../api/types';
import { passTrack } from '../../plots/pass-track';
import { DopplerPlot, SkyPlot } from '../../ui/charts';
import { ErrorNote } from '../../ui/form';
import { hz, timeOfDay } from '../../ui/format';
import { useLoad } from '../../ui/use-load';

/** The next 24 h of passes over every station (docs/api.md get_passes); one opens its sky plot and Doppler curves. */
export function Passes(props: { spacecraft: Spacecraft }): JSX.Element {
  const id = props.spacecraft.identifier;
  const passes = useLoad(
    () => api<Pass[]>('GET', `/api/spacecraft/${seg(id)}/passes`),
    `${id}/${props.spacecraft.tracking.tle?.line2 ?? ''}`,
  );
  const [open, setOpen] = useState<Pass | null>(null);
  return (
    <section>
      <h2>Passes (next 24 h)</h2>
      <ErrorNote error={passes.error} />
      {passes.data?.length === 0 && <p>No pass over any station in the next 24 hours.</p>}
      <table class="passes">
        <thead>
          <tr>
            <th>Station</th>
            <th>AOS</th>
            <th>LOS</th>
            <th>Max el.</th>
            <th>Channels</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {passes.data?.map((pass) => (
            <tr key={pass.groundStation + pass.aos} data-pass={`${pass.groundStation} ${pass.aos}`}>
              <td>{pass.groundStation}</td>
              <td>
                {pass.aos.slice(0, 10)} {timeOfDay(pass.aos)}
              </td>
              <td>{timeOfDay(pass.los)}</td>
              <td>{pass.maxElevation.toFixed(1)}°</td>
              <td>
                {pass.channels.length
                  ? pass.channels
                      .map((c) => `${c.gsChannel}/${c.scChannel} ${c.direction.toLowerCase()}`)
                      .join(', ')
                  : 'none compatible'}
              </td>
              <td>
                <button
                  type="button"
                  aria-expanded={open === pass}
                  onClick={() => setOpen(open === pass ? null : pass)}
                >
                  Sky plot
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {open && props.spacecraft.tracking.tle && (
        <PassDetail pass={open} tle={props.spacecraft.tracking.tle} />
      )}
    </section>
  );
}

function PassDetail(props: { pass: Pass; tle: { line1: string; line2: string } }): JSX.Element {
  const { pass } = props;
  const station = useLoad(
    () => api<GroundStation>('GET', `/api/ground-stations/${seg(pass.groundStation)}`),
    pass.groundStation,
  );
  if (!station.data) return <ErrorNote error={station.error} />;
  const track = passTrack(props.tle, station.data.location, pass);
  return (
    <div class="pass-detail" aria-label={`Pass over ${pass.groundStation} at ${pass.aos}`}>
      <SkyPlot
        samples={track.look}
        sectors={station.data.horizonMask}
        contactElevation={station.data.contactElevation}
      />
      <div>
        {track.doppler.map(({ channel, samples }) => (
          <DopplerPlot
            key={channel.scChannel + channel.direction}
            samples={samples}
            label={`${channel.scChannel} ${channel.direction.toLowerCase()} at ${(channel.frequency / 1e6).toFixed(3)} MHz: ${hz(channel.dopplerHz.aos)} → ${hz(channel.dopplerHz.los)}`}
          />
        ))}
        {track.doppler.length === 0 && <p>No compatible channel at this station: no Doppler to show.</p>}
      </div>
    </div>
  );
}
