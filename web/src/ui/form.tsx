// SPDX-License-Identifier: Apache-2.0
import type { ComponentChildren, JSX } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from '../api/client';

/** A labelled input whose API error (if any) is shown right under it, tied to it for screen readers. */
export function Field(props: {
  label: string;
  name: string;
  error?: ApiError | null;
  /** Extra API field names whose errors belong here (e.g. `tracking.tle` for the TLE box). */
  also?: string[];
  /** API field names whose own errors belong here, not their members' (`channels.0.frequencyRange`). */
  exact?: string[];
  /** An error code that concerns this field as a whole (e.g. INVALID_TLE has no field list). */
  code?: string;
  hint?: string;
  children: (id: string, describedBy: string | undefined) => ComponentChildren;
}): JSX.Element {
  const id = `f-${props.name}`;
  const message = fieldMessage(props.error, props.name, props.also, props.code, props.exact);
  const errorId = message ? `${id}-error` : undefined;
  return (
    <div class={message ? 'field invalid' : 'field'}>
      <label for={id}>{props.label}</label>
      {props.children(id, errorId)}
      {props.hint && <small class="hint">{props.hint}</small>}
      {message && (
        <small class="error" id={errorId} role="alert" data-field={props.name}>
          {message}
        </small>
      )}
    </div>
  );
}

/** The API's messages for a field (and the fields that belong to it), joined; undefined if none. */
export function fieldMessage(
  error: ApiError | null | undefined,
  name: string,
  also: string[] = [],
  code?: string,
  exact: string[] = [],
): string | undefined {
  if (!error) return undefined;
  if (code && error.code === code) return error.message;
  return (
    [
      ...[name, ...also].map((field) => error.forField(field)),
      ...exact.map((field) => ownMessage(error, field)),
    ]
      .filter(Boolean)
      .join('; ') || undefined
  );
}

/** The API's messages for exactly `field`, not for its members; undefined if none. */
export function ownMessage(error: ApiError | null | undefined, field: string): string | undefined {
  const messages = (error?.fields ?? []).filter((f) => f.field === field).map((f) => f.message);
  return messages.length ? messages.join('; ') : undefined;
}

/** An action's error that no field claims (or any error, for buttons): code and message. */
export function ErrorNote(props: {
  error: ApiError | Error | null;
  fieldsShown?: boolean;
}): JSX.Element | null {
  const { error } = props;
  if (!error) return null;
  if (props.fieldsShown && error instanceof ApiError && error.fields.length) return null;
  return (
    <p class="error-note" role="alert">
      {error instanceof ApiError && <code>{error.code}</code>} {error.message}
    </p>
  );
}

/**
 * Runs an async action from an event handler, remembering its error and whether it is running (to
 * disable its button). `run` never throws: the error is shown where the action's screen puts it.
 */
export function useAction<A extends unknown[]>(
  action: (...args: A) => Promise<void>,
): { run: (...args: A) => void; busy: boolean; error: ApiError | Error | null } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const run = (...args: A) => {
    setBusy(true);
    setError(null);
    action(...args).then(
      () => setBusy(false),
      (caught: unknown) => {
        setBusy(false);
        setError(caught instanceof Error ? caught : new Error(String(caught)));
      },
    );
  };
  return { run, busy, error };
}

export function apiErrorOf(error: ApiError | Error | null): ApiError | null {
  return error instanceof ApiError ? error : null;
}

/** A form's named inputs, read as trimmed strings (files and missing fields read as ''). */
export function formReader(form: HTMLFormElement): {
  text: (name: string) => string;
  all: (name: string) => string[];
  checked: (name: string) => boolean;
} {
  const data = new FormData(form);
  const asText = (value: FormDataEntryValue | null) => (typeof value === 'string' ? value.trim() : '');
  return {
    text: (name) => asText(data.get(name)),
    all: (name) => data.getAll(name).map(asText),
    checked: (name) => data.get(name) === 'on',
  };
}

/** For a submit handler: stops the page load and reads every named input as a string. */
export function formValues(event: Event): Record<string, string> {
  event.preventDefault();
  const form = event.currentTarget as HTMLFormElement;
  const { text } = formReader(form);
  const values: Record<string, string> = {};
  for (const key of new FormData(form).keys()) values[key] = text(key);
  return values;
}

/** A plain text input in a Field: the common case of the console's forms. */
export function TextField(props: {
  label: string;
  name: string;
  error: ApiError | null;
  also?: string[];
  hint?: string;
  defaultValue?: string;
  inputMode?: 'decimal' | 'numeric';
  required?: boolean;
}): JSX.Element {
  return (
    <Field label={props.label} name={props.name} error={props.error} also={props.also} hint={props.hint}>
      {(id, describedBy) => (
        <input
          id={id}
          name={props.name}
          defaultValue={props.defaultValue}
          inputMode={props.inputMode}
          required={props.required}
          aria-describedby={describedBy}
        />
      )}
    </Field>
  );
}
