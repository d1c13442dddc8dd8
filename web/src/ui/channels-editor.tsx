// SPDX-License-Identifier: Apache-2.0
import type { JSX } from 'preact';
import { useLayoutEffect, useState } from 'preact/hooks';
import type { ApiError } from '../api/client';
import {
  CHANNEL_INPUTS,
  type ChannelInput,
  type ChannelKind,
  type ChannelValues,
  blankChannel,
  channelDocument,
  channelValues,
} from './channel-rows';
import { Field, fieldMessage, ownMessage } from './form';

/** One channel being edited; `key` keeps each row's inputs its own when another row is removed. */
export interface ChannelRow {
  key: number;
  values: ChannelValues;
}

let nextKey = 0;

/** The editor's rows for the channels a station or spacecraft has (or an example for a new one). */
export function channelRows(kind: ChannelKind, channels: unknown[]): ChannelRow[] {
  return channels.map((channel) => ({
    key: nextKey++,
    values: channelValues(kind, channel as Record<string, unknown>),
  }));
}

/** The `channels` member of the document PUT or POST sends. */
export function channelDocuments(kind: ChannelKind, rows: ChannelRow[]): Record<string, unknown>[] {
  return rows.map((row) => channelDocument(kind, row.values));
}

/**
 * A station's or spacecraft's channels as a form: a group of labelled inputs per channel, added
 * and removed with buttons. The API's errors name members as `channels.1.frequency`: each is shown
 * under the input of that member.
 */
export function ChannelsEditor(props: {
  kind: ChannelKind;
  rows: ChannelRow[];
  onChange: (rows: ChannelRow[]) => void;
  error: ApiError | null;
}): JSX.Element {
  const { kind, rows, onChange, error } = props;
  // After "Add channel", the new channel's first input takes the focus (keyboard users go on typing).
  const [focusIndex, setFocusIndex] = useState<number | null>(null);
  useLayoutEffect(() => {
    if (focusIndex === null) return;
    document.getElementById(`f-channels.${focusIndex}.channelId`)?.focus();
    setFocusIndex(null);
  }, [focusIndex]);
  const update = (index: number, path: string, value: string | string[]) =>
    onChange(
      rows.map((row, i) => (i === index ? { ...row, values: { ...row.values, [path]: value } } : row)),
    );
  const listError = ownMessage(error, 'channels');
  return (
    <fieldset class="channels">
      <legend>Channels</legend>
      {listError && (
        <small class="error" role="alert" data-field="channels">
          {listError}
        </small>
      )}
      {rows.length === 0 && <p class="hint">No channel: nothing can be booked until one is added.</p>}
      {rows.map((row, index) => {
        const prefix = `channels.${index}`;
        const rowError = ownMessage(error, prefix);
        return (
          <fieldset class="channel" key={row.key} data-channel={index}>
            <legend>Channel {index + 1}</legend>
            {rowError && (
              <small class="error" role="alert" data-field={prefix}>
                {rowError}
              </small>
            )}
            <div class="channel-inputs">
              {CHANNEL_INPUTS[kind].map((input) => (
                <ChannelInputField
                  key={input.path}
                  input={input}
                  name={`${prefix}.${input.path}`}
                  // A range's own error ("minimum must not exceed maximum") goes under its upper end.
                  exact={input.path === 'frequencyRange.maximum' ? [`${prefix}.frequencyRange`] : []}
                  value={row.values[input.path]}
                  error={error}
                  onValue={(value) => update(index, input.path, value)}
                />
              ))}
            </div>
            <button
              type="button"
              class="secondary"
              onClick={() => onChange(rows.filter((_, i) => i !== index))}
            >
              Remove channel {index + 1}
            </button>
          </fieldset>
        );
      })}
      <button
        type="button"
        class="secondary"
        onClick={() => {
          onChange([...rows, { key: nextKey++, values: blankChannel(kind) }]);
          setFocusIndex(rows.length);
        }}
      >
        Add channel
      </button>
    </fieldset>
  );
}

function ChannelInputField(props: {
  input: ChannelInput;
  name: string;
  exact: string[];
  value: string | string[] | undefined;
  error: ApiError | null;
  onValue: (value: string | string[]) => void;
}): JSX.Element {
  const { input, name, value, error, onValue } = props;
  if (input.control === 'choices') return <ChoicesField {...props} />;
  const text = typeof value === 'string' ? value : '';
  return (
    <Field label={input.label} name={name} error={error} exact={props.exact}>
      {(id, describedBy) =>
        input.control === 'select' ? (
          <select
            id={id}
            value={text}
            aria-describedby={describedBy}
            onChange={(e) => onValue(e.currentTarget.value)}
          >
            {input.options?.map((option) => (
              <option key={option}>{option}</option>
            ))}
          </select>
        ) : (
          <input
            id={id}
            value={text}
            inputMode={input.control === 'text' ? undefined : 'decimal'}
            spellcheck={false}
            aria-describedby={describedBy}
            onInput={(e) => onValue(e.currentTarget.value)}
          />
        )
      }
    </Field>
  );
}

/** A list of options (modulations, polarizations): a group of checkboxes, its error under it. */
function ChoicesField(props: {
  input: ChannelInput;
  name: string;
  value: string | string[] | undefined;
  error: ApiError | null;
  onValue: (value: string[]) => void;
}): JSX.Element {
  const { input, name, error, onValue } = props;
  const checked = Array.isArray(props.value) ? props.value : [];
  const message = fieldMessage(error, name);
  const errorId = message ? `f-${name}-error` : undefined;
  return (
    <fieldset class={message ? 'choices invalid' : 'choices'} aria-describedby={errorId}>
      <legend>{input.label}</legend>
      {input.options?.map((option) => (
        <label key={option} class="check">
          <input
            type="checkbox"
            checked={checked.includes(option)}
            onChange={(e) =>
              onValue(
                // Kept in the options' order, whatever the order of the clicks.
                input.options!.filter((o) => (o === option ? e.currentTarget.checked : checked.includes(o))),
              )
            }
          />
          {option}
        </label>
      ))}
      {message && (
        <small class="error" id={errorId} role="alert" data-field={name}>
          {message}
        </small>
      )}
    </fieldset>
  );
}
