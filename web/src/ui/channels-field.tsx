// SPDX-License-Identifier: Apache-2.0
import type { JSX } from 'preact';
import { ApiError } from '../api/client';
import { Field } from './form';

/** Channels are edited as the API's JSON (docs/api.md lists their fields); the API checks them. */
export function ChannelsField(props: {
  error: ApiError | null;
  channels: unknown[];
  rows: number;
}): JSX.Element {
  return (
    <Field label="Channels (JSON, Hz and bit/s; see docs/api.md)" name="channels" error={props.error}>
      {(id, describedBy) => (
        <textarea
          id={id}
          name="channels"
          rows={props.rows}
          class="code"
          aria-describedby={describedBy}
          defaultValue={JSON.stringify(props.channels, null, 2)}
        />
      )}
    </Field>
  );
}

/** The channels box's text as JSON, or the field error the API would give for it. */
export function readChannels(text: string): unknown {
  try {
    return JSON.parse(text || '[]');
  } catch {
    throw new ApiError(400, 'VALIDATION_FAILED', 'channels: is not valid JSON', [
      { field: 'channels', message: 'is not valid JSON' },
    ]);
  }
}
