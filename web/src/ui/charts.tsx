// SPDX-License-Identifier: Apache-2.0
import type { JSX } from 'preact';
import type { HorizonSector, Window } from '../api/types';
import { type DopplerSample, dopplerCurve } from '../plots/doppler-curve';
import { horizonMaskPath } from '../plots/horizon-mask';
import { elevationRings } from '../plots/polar';
import { type LookSample, skyTrack } from '../plots/sky-plot';
import { weekRows } from '../plots/week-view';
import { hz } from './format';

const R = 90;

function PolarFrame(props: {
  label: string;
  children?: JSX.Element | (JSX.Element | null)[] | null;
}): JSX.Element {
  return (
    <svg
      class="polar"
      viewBox={`${-R - 12} ${-R - 12} ${2 * R + 24} ${2 * R + 24}`}
      role="img"
      aria-label={props.label}
    >
      {props.children}
      {elevationRings(R).map((ring) => (
        <circle key={ring.elevation} r={ring.r} class="grid" />
      ))}
      <line x1={-R} x2={R} y1={0} y2={0} class="grid" />
      <line y1={-R} y2={R} x1={0} x2={0} class="grid" />
      <text x={0} y={-R - 2} class="axis">
        N
      </text>
      <text x={R + 6} y={3} class="axis">
        E
      </text>
      <text x={0} y={R + 10} class="axis">
        S
      </text>
      <text x={-R - 6} y={3} class="axis">
        W
      </text>
    </svg>
  );
}

/** The station's horizon mask and contact elevation: the shaded part of the sky is not usable. */
export function HorizonPreview(props: { sectors: HorizonSector[]; contactElevation: number }): JSX.Element {
  return (
    <PolarFrame label="Horizon mask, polar view">
      <path class="mask" fill-rule="evenodd" d={horizonMaskPath(props.sectors, props.contactElevation, R)} />
    </PolarFrame>
  );
}

/** A pass's azimuth/elevation track over the station's sky. */
export function SkyPlot(props: {
  samples: LookSample[];
  sectors?: HorizonSector[];
  contactElevation?: number;
}): JSX.Element {
  const track = skyTrack(props.samples, R);
  return (
    <PolarFrame label="Sky plot of the pass">
      <path
        class="mask"
        fill-rule="evenodd"
        d={horizonMaskPath(props.sectors ?? [], props.contactElevation ?? 0, R)}
      />
      {track && <path class="track" d={track.path} />}
      {track && <circle class="aos" cx={track.aos.x} cy={track.aos.y} r={3} />}
      {track && <circle class="top" cx={track.top.x} cy={track.top.y} r={2.5} />}
    </PolarFrame>
  );
}

/** The Doppler shift of one channel over a pass. */
export function DopplerPlot(props: { samples: DopplerSample[]; label: string }): JSX.Element {
  const W = 300;
  const H = 120;
  const curve = dopplerCurve(props.samples, W, H);
  return (
    <figure class="doppler">
      <svg viewBox={`-56 -6 ${W + 62} ${H + 12}`} role="img" aria-label={`Doppler curve, ${props.label}`}>
        {curve?.yTicks.map((tick) => (
          <g key={tick.hz}>
            <line x1={0} x2={W} y1={tick.y} y2={tick.y} class="grid" />
            <text x={-4} y={tick.y + 3} class="tick">
              {hz(tick.hz)}
            </text>
          </g>
        ))}
        {curve && <path class="curve" d={curve.path} />}
      </svg>
      <figcaption>{props.label}</figcaption>
    </figure>
  );
}

/** Seven local days of availability windows, one row a day, in `timeZone`. */
export function WeekView(props: { windows: Window[]; timeZone: string; fromMs: number }): JSX.Element {
  const rows = weekRows(props.windows, props.timeZone, props.fromMs);
  return (
    <figure class="week">
      <table aria-label={`Availability by day, ${props.timeZone}`}>
        <tbody>
          {rows.map((row) => (
            <tr key={row.day}>
              <th scope="row">{row.day}</th>
              <td>
                <div class="day-bar">
                  {row.segments.map((s, i) => (
                    <span
                      key={i}
                      class="available"
                      style={{ left: `${s.from * 100}%`, width: `${(s.to - s.from) * 100}%` }}
                      title={`${clock(s.from)}–${clock(s.to)}`}
                    />
                  ))}
                </div>
              </td>
              <td class="hours">
                {row.segments.map((s) => `${clock(s.from)}–${clock(s.to)}`).join(', ') || 'unavailable'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <figcaption>Available windows, local time in {props.timeZone}</figcaption>
    </figure>
  );
}

function clock(fraction: number): string {
  const minutes = Math.round(fraction * 1440);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
