// SPDX-License-Identifier: Apache-2.0
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api, seg } from '../../api/client';
import { ChannelsEditor, channelDocuments, channelRows } from '../../ui/channels-editor';
import type { Spacecraft } from '../../api/types';
import { ErrorNote, Field, apiErrorOf, formReader, useAction, TextField } from '../../ui/form';
import { when } from '../../ui/format';

const EXAMPLE_CHANNELS = [
  {
    channelId: 'tmtc',
    direction: 'BOTH',
    modulation: 'GMSK',
    frequency: 437500000,
    bandwidth: 25000,
    bitrate: 9600,
    polarization: 'RHCP',
  },
];

const list = (text: string) =>
  text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number);

/** Create or replace a spacecraft: tracking by a pasted TLE or a URL + name, channels, CSP settings. */
export function SpacecraftForm(props: {
  initial?: Spacecraft;
  onSaved: (spacecraft: Spacecraft) => void;
}): JSX.Element {
  const initial = props.initial;
  const [mode, setMode] = useState<'tle' | 'url'>(
    initial?.tracking.url && !initial.tracking.tle ? 'url' : 'tle',
  );
  const [channels, setChannels] = useState(() =>
    channelRows('spacecraft', initial?.channels ?? EXAMPLE_CHANNELS),
  );
  const save = useAction(async (form: HTMLFormElement) => {
    const { text } = formReader(form);
    const [line1 = '', line2 = ''] = text('tle')
      .split('\n')
      .map((line) => line.trimEnd())
      .filter((line) => line.trim())
      .slice(-2);
    const tracking =
      mode === 'tle'
        ? { tle: { line1, line2 } }
        : { url: text('url'), ...(text('spacecraftId') ? { spacecraftId: text('spacecraftId') } : {}) };
    const document = {
      identifier: initial?.identifier ?? text('identifier'),
      callsign: text('callsign'),
      ...(text('noradId') ? { noradId: Number(text('noradId')) } : {}),
      tracking,
      channels: channelDocuments('spacecraft', channels),
      csp:
        text('cspVersion') === 'none'
          ? null
          : {
              version: Number(text('cspVersion')),
              addresses: list(text('addresses')),
              uplinkPorts: list(text('uplinkPorts')),
              downlinkPorts: list(text('downlinkPorts')),
            },
    };
    const saved = initial
      ? await api<Spacecraft>('PUT', `/api/spacecraft/${seg(initial.identifier)}`, document)
      : await api<Spacecraft>('POST', '/api/spacecraft', document);
    props.onSaved(saved);
  });
  const error = apiErrorOf(save.error);
  const tle = initial?.tracking.tle;
  const csp = initial?.csp;
  return (
    <form
      class="spacecraft-form"
      onSubmit={(event) => {
        event.preventDefault();
        save.run(event.currentTarget);
      }}
    >
      <div class="columns">
        <div>
          {!initial && <TextField label="Identifier" name="identifier" error={error} required />}
          <TextField label="Callsign" name="callsign" error={error} defaultValue={initial?.callsign ?? ''} />
          <TextField
            label="NORAD id (optional: learned from the TLE)"
            name="noradId"
            error={error}
            inputMode="numeric"
            defaultValue={String(initial?.noradId ?? '')}
          />
          <fieldset class="tracking">
            <legend>Tracking</legend>
            <label>
              <input type="radio" name="mode" checked={mode === 'tle'} onChange={() => setMode('tle')} /> TLE
              pasted
            </label>
            <label>
              <input type="radio" name="mode" checked={mode === 'url'} onChange={() => setMode('url')} /> URL
              + name (refreshed)
            </label>
            {mode === 'tle' ? (
              <Field
                label="TLE (two lines, or three with a name)"
                name="tle"
                also={['tracking.tle', 'tracking']}
                code="INVALID_TLE"
                error={error}
                hint={tleAge(initial)}
              >
                {(id, d) => (
                  <textarea
                    id={id}
                    name="tle"
                    rows={3}
                    class="code"
                    spellcheck={false}
                    aria-describedby={d}
                    defaultValue={tle ? `${tle.line1}\n${tle.line2}` : ''}
                  />
                )}
              </Field>
            ) : (
              <>
                <TextField
                  label="TLE file URL"
                  name="url"
                  also={['tracking.url', 'tracking']}
                  error={error}
                  defaultValue={initial?.tracking.url ?? ''}
                />
                <Field
                  label="Name or NORAD id in that file"
                  name="spacecraftId"
                  also={['tracking.spacecraftId']}
                  error={error}
                >
                  {(id, d) => (
                    <input
                      id={id}
                      name="spacecraftId"
                      defaultValue={initial?.tracking.spacecraftId ?? ''}
                      aria-describedby={d}
                    />
                  )}
                </Field>
              </>
            )}
          </fieldset>
        </div>
        <fieldset class="csp">
          <legend>CSP</legend>
          <Field label="Version" name="cspVersion" also={['csp.version', 'csp']} error={error}>
            {(id) => (
              <select id={id} name="cspVersion" defaultValue={csp ? String(csp.version) : '1'}>
                <option value="1">1</option>
                <option value="2">2</option>
                <option value="none">not configured</option>
              </select>
            )}
          </Field>
          <TextField
            label="Spacecraft addresses"
            name="addresses"
            also={['csp.addresses']}
            error={error}
            defaultValue={csp?.addresses.join(', ') ?? '10'}
          />
          <TextField
            label="Uplink ports"
            name="uplinkPorts"
            also={['csp.uplinkPorts']}
            error={error}
            defaultValue={csp?.uplinkPorts.join(', ') ?? '10, 11'}
          />
          <TextField
            label="Downlink ports"
            name="downlinkPorts"
            also={['csp.downlinkPorts']}
            error={error}
            defaultValue={csp?.downlinkPorts.join(', ') ?? '20, 21'}
          />
        </fieldset>
      </div>
      <ChannelsEditor kind="spacecraft" rows={channels} onChange={setChannels} error={error} />
      {/* INVALID_TLE is shown beside the TLE box. */}
      <ErrorNote error={error?.code === 'INVALID_TLE' ? null : save.error} fieldsShown />
      <button type="submit" disabled={save.busy}>
        {initial ? 'Save spacecraft' : 'Create spacecraft'}
      </button>
    </form>
  );
}

/** The saved TLE's epoch and age, as the server computes them (its warnings say when that is too old). */
function tleAge(spacecraft: Spacecraft | undefined): string | undefined {
  const status = spacecraft?.status;
  if (!status?.tleEpoch || status.tleAgeDays === null) return undefined;
  return `saved TLE: epoch ${when(status.tleEpoch)}, ${status.tleAgeDays} days old`;
}
