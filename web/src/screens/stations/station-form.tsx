// SPDX-License-Identifier: Apache-2.0
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api, seg } from '../../api/client';
import { ChannelsEditor, channelDocuments, channelRows } from '../../ui/channels-editor';
import type { GroundStation } from '../../api/types';
import { HorizonPreview } from '../../ui/charts';
import { ErrorNote, Field, apiErrorOf, formReader, useAction, TextField } from '../../ui/form';
import { formatMask, parseMask } from '../../plots/horizon-mask';

const EXAMPLE_CHANNELS = [
  {
    channelId: 'uhf',
    direction: 'BOTH',
    modulation: ['GMSK', 'FM'],
    frequencyRange: { minimum: 435000000, maximum: 438000000 },
    bandwidth: [25000],
    bitrate: [9600],
    polarization: ['RHCP', 'LHCP'],
  },
];

/** Create (no `initial`) or replace a ground station: the whole document, as PUT takes it. */
export function StationForm(props: {
  initial?: GroundStation;
  onSaved: (station: GroundStation) => void;
}): JSX.Element {
  const initial = props.initial;
  const [mask, setMask] = useState(formatMask(initial?.horizonMask ?? []));
  const [contact, setContact] = useState(String(initial?.contactElevation ?? 5));
  const [channels, setChannels] = useState(() =>
    channelRows('station', initial?.channels ?? EXAMPLE_CHANNELS),
  );
  const save = useAction(async (form: HTMLFormElement) => {
    const { text, checked } = formReader(form);
    const number = (name: string) => (text(name) === '' ? undefined : Number(text(name)));
    const document = {
      identifier: initial?.identifier ?? text('identifier'),
      callsign: text('callsign') || undefined,
      contactElevation: number('contactElevation'),
      location: {
        latitude: number('latitude'),
        longitude: number('longitude'),
        altitude: number('altitude') ?? 0,
      },
      horizonMask: parseMask(mask),
      autoConfirm: checked('autoConfirm'),
      channels: channelDocuments('station', channels),
    };
    const saved = initial
      ? await api<GroundStation>('PUT', `/api/ground-stations/${seg(initial.identifier)}`, document)
      : await api<GroundStation>('POST', '/api/ground-stations', document);
    props.onSaved(saved);
  });
  const error = apiErrorOf(save.error);
  const parsedMask = safeMask(mask);
  return (
    <form
      class="station-form"
      onSubmit={(event) => {
        event.preventDefault();
        save.run(event.currentTarget);
      }}
    >
      <div class="columns">
        <div>
          {!initial && (
            <TextField
              label="Identifier"
              name="identifier"
              error={error}
              hint="1–30 of A–Z a–z 0–9 . _ -"
              required
            />
          )}
          <TextField label="Callsign" name="callsign" error={error} defaultValue={initial?.callsign ?? ''} />
          <Field
            label="Latitude (deg)"
            name="latitude"
            also={['location.latitude', 'location']}
            error={error}
          >
            {(id, d) => (
              <input
                id={id}
                name="latitude"
                inputMode="decimal"
                defaultValue={String(initial?.location.latitude ?? '')}
                aria-describedby={d}
              />
            )}
          </Field>
          <TextField
            label="Longitude (deg)"
            name="longitude"
            also={['location.longitude']}
            error={error}
            inputMode="decimal"
            defaultValue={String(initial?.location.longitude ?? '')}
          />
          <TextField
            label="Altitude (m)"
            name="altitude"
            also={['location.altitude']}
            error={error}
            inputMode="decimal"
            defaultValue={String(initial?.location.altitude ?? 0)}
          />
          <Field label="Minimum contact elevation (deg)" name="contactElevation" error={error}>
            {(id, d) => (
              <input
                id={id}
                name="contactElevation"
                inputMode="decimal"
                value={contact}
                onInput={(e) => setContact(e.currentTarget.value)}
                aria-describedby={d}
              />
            )}
          </Field>
          <div class="field check">
            <input
              id="f-autoConfirm"
              name="autoConfirm"
              type="checkbox"
              defaultChecked={initial?.autoConfirm ?? false}
            />
            <label for="f-autoConfirm">Confirm selections automatically (autoConfirm)</label>
          </div>
        </div>
        <div>
          <Field
            label="Horizon mask"
            name="horizonMask"
            error={error}
            hint="one sector a line: from-azimuth to-azimuth min-elevation (deg)"
          >
            {(id, d) => (
              <textarea
                id={id}
                rows={4}
                value={mask}
                onInput={(e) => setMask(e.currentTarget.value)}
                aria-describedby={d}
              />
            )}
          </Field>
          {parsedMask && <HorizonPreview sectors={parsedMask} contactElevation={Number(contact) || 0} />}
        </div>
      </div>
      <ChannelsEditor kind="station" rows={channels} onChange={setChannels} error={error} />
      <ErrorNote error={save.error} fieldsShown />
      <button type="submit" disabled={save.busy}>
        {initial ? 'Save station' : 'Create station'}
      </button>
    </form>
  );
}

function safeMask(text: string) {
  const sectors = parseMask(text);
  return sectors.every((s) => [s.fromAzimuth, s.toAzimuth, s.minElevation].every(Number.isFinite))
    ? sectors
    : null;
}
