// SPDX-License-Identifier: Apache-2.0
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api, seg } from '../../api/client';
import type { Rule, Window } from '../../api/types';
import { WeekView } from '../../ui/charts';
import { ErrorNote, Field, apiErrorOf, formReader, useAction, TextField } from '../../ui/form';
import { useLoad } from '../../ui/use-load';

const WEEKDAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];

/** Availability rules (docs/api.md "Availability rules") and the week they give. */
export function StationRules(props: { station: string; changed: () => void }): JSX.Element {
  const path = `/api/ground-stations/${seg(props.station)}`;
  const rules = useLoad(() => api<Rule[]>('GET', `${path}/rules`), props.station);
  const [version, setVersion] = useState(0);
  // From the start of today (UTC), so today's row shows the whole day, not only what is left of it.
  const availability = useLoad(() => {
    const today = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z');
    const week = new Date(today.getTime() + 7 * 86_400_000);
    return api<{ from: string; windows: Window[] }>(
      'GET',
      `${path}/availability?from=${today.toISOString()}&to=${week.toISOString()}`,
    );
  }, `${props.station}/${version}`);
  const [periodicity, setPeriodicity] = useState('DAILY');
  const refresh = () => {
    rules.reload();
    setVersion((n) => n + 1);
    props.changed();
  };
  const add = useAction(async (form: HTMLFormElement) => {
    const { text, all } = formReader(form);
    const rule: Record<string, unknown> = {
      operation: text('operation'),
      periodicity,
      startTime: text('startTime'),
      endTime: text('endTime'),
      timeZone: text('timeZone') || 'UTC',
    };
    if (periodicity === 'ONCE') rule.date = text('date');
    if (periodicity === 'WEEKLY') rule.weekdays = all('weekdays');
    for (const optional of ['validFrom', 'validUntil', 'channelId'])
      if (text(optional)) rule[optional] = text(optional);
    await api('POST', `${path}/rules`, rule);
    refresh();
  });
  const remove = useAction(async (ruleId: string) => {
    await api('DELETE', `${path}/rules/${ruleId}`);
    refresh();
  });
  const error = apiErrorOf(add.error);
  const timeZone = rules.data?.[0]?.timeZone ?? 'UTC';
  const weekdaysError = error?.forField('weekdays') ?? error?.forField('rule.weekdays');
  return (
    <section>
      <h2>Availability</h2>
      {availability.data && (
        <WeekView
          windows={availability.data.windows}
          timeZone={timeZone}
          fromMs={Date.parse(availability.data.from)}
        />
      )}
      <ErrorNote error={availability.error} />
      <h3>Rules</h3>
      {rules.data?.length === 0 && <p>No rules: the station is never available and offers no slots.</p>}
      <ul class="rules">
        {rules.data?.map((rule) => (
          <li key={rule.ruleId} data-rule={rule.ruleId}>
            <span class={`badge ${rule.operation.toLowerCase()}`}>{rule.operation}</span> {describeRule(rule)}{' '}
            <button type="button" disabled={remove.busy} onClick={() => remove.run(rule.ruleId)}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <ErrorNote error={remove.error} />
      <form
        class="rule-form"
        onSubmit={(event) => {
          event.preventDefault();
          add.run(event.currentTarget);
        }}
      >
        <Field label="Operation" name="operation" also={['rule.operation']} error={error}>
          {(id) => (
            <select id={id} name="operation">
              <option>ADD</option>
              <option>REMOVE</option>
            </select>
          )}
        </Field>
        <Field label="Periodicity" name="periodicity" also={['rule.periodicity']} error={error}>
          {(id) => (
            <select id={id} value={periodicity} onChange={(e) => setPeriodicity(e.currentTarget.value)}>
              <option>DAILY</option>
              <option>WEEKLY</option>
              <option>ONCE</option>
            </select>
          )}
        </Field>
        {periodicity === 'ONCE' && (
          <Field label="Date" name="date" also={['rule.date']} error={error}>
            {(id, d) => <input id={id} name="date" type="date" aria-describedby={d} />}
          </Field>
        )}
        {periodicity === 'WEEKLY' && (
          <fieldset class="weekdays">
            <legend>Weekdays</legend>
            {WEEKDAYS.map((day) => (
              <label key={day}>
                <input type="checkbox" name="weekdays" value={day} /> {day}
              </label>
            ))}
            {weekdaysError && (
              <small class="error" role="alert" data-field="weekdays">
                {weekdaysError}
              </small>
            )}
          </fieldset>
        )}
        <TextField
          label="Start (HH:mm)"
          name="startTime"
          also={['rule.startTime']}
          error={error}
          defaultValue="00:00"
        />
        <TextField
          label="End (HH:mm, 24:00 = midnight)"
          name="endTime"
          also={['rule.endTime']}
          error={error}
          defaultValue="24:00"
        />
        <TextField
          label="Time zone (IANA)"
          name="timeZone"
          also={['rule.timeZone']}
          error={error}
          defaultValue="UTC"
        />
        <Field label="Valid from" name="validFrom" also={['rule.validFrom']} error={error}>
          {(id, d) => <input id={id} name="validFrom" type="date" aria-describedby={d} />}
        </Field>
        <Field label="Valid until" name="validUntil" also={['rule.validUntil']} error={error}>
          {(id, d) => <input id={id} name="validUntil" type="date" aria-describedby={d} />}
        </Field>
        <Field
          label="Channel (empty: whole station)"
          name="channelId"
          also={['rule.channelId']}
          error={error}
        >
          {(id, d) => <input id={id} name="channelId" aria-describedby={d} />}
        </Field>
        <ErrorNote error={add.error} fieldsShown />
        <button type="submit" disabled={add.busy}>
          Add rule
        </button>
      </form>
    </section>
  );
}

function describeRule(rule: Rule): string {
  const days =
    rule.periodicity === 'ONCE'
      ? `on ${rule.date}`
      : rule.periodicity === 'WEEKLY'
        ? `every ${rule.weekdays?.join(', ')}`
        : 'every day';
  const validity = [rule.validFrom && `from ${rule.validFrom}`, rule.validUntil && `until ${rule.validUntil}`]
    .filter(Boolean)
    .join(' ');
  return `${days} ${rule.startTime}–${rule.endTime} ${rule.timeZone}${validity ? ' ' + validity : ''}${rule.channelId ? ` (channel ${rule.channelId})` : ''}`;
}
