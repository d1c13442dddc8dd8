// SPDX-License-Identifier: Apache-2.0
// The channel editor's model: which inputs a station or spacecraft channel has (docs/api.md
// "Ground station", "Spacecraft"), and the conversion between the API's channel documents (Hz,
// bit/s) and the rows of text the inputs hold (MHz and kHz, easier to type and read).
import { DIRECTIONS, MODULATIONS, POLARIZATIONS } from '../../../src/radio/radio';

export type ChannelKind = 'station' | 'spacecraft';

/** How one member of a channel is edited. */
export interface ChannelInput {
  /** The member's path in the channel document, as the API's field errors name it. */
  path: string;
  label: string;
  /** `number`/`numbers`: one number or a comma-separated list; `choices`: a checkbox per option. */
  control: 'text' | 'number' | 'numbers' | 'select' | 'choices';
  options?: readonly string[];
  /** API units per unit typed (1e6: typed in MHz, sent in Hz). */
  scale?: number;
  /** A new channel's value, where the API has a default. */
  initial?: string;
}

const CHANNEL_ID: ChannelInput = { path: 'channelId', label: 'Channel id', control: 'text' };
const DIRECTION: ChannelInput = {
  path: 'direction',
  label: 'Direction',
  control: 'select',
  options: DIRECTIONS,
  initial: 'BOTH',
};

export const CHANNEL_INPUTS: Record<ChannelKind, ChannelInput[]> = {
  station: [
    CHANNEL_ID,
    DIRECTION,
    { path: 'frequencyRange.minimum', label: 'Lowest frequency (MHz)', control: 'number', scale: 1e6 },
    { path: 'frequencyRange.maximum', label: 'Highest frequency (MHz)', control: 'number', scale: 1e6 },
    { path: 'bandwidth', label: 'Bandwidths (kHz, comma-separated)', control: 'numbers', scale: 1e3 },
    { path: 'bitrate', label: 'Bitrates (bit/s, comma-separated)', control: 'numbers', scale: 1 },
    { path: 'modulation', label: 'Modulations', control: 'choices', options: MODULATIONS },
    { path: 'polarization', label: 'Polarizations', control: 'choices', options: POLARIZATIONS },
  ],
  spacecraft: [
    CHANNEL_ID,
    DIRECTION,
    { path: 'frequency', label: 'Frequency (MHz)', control: 'number', scale: 1e6 },
    { path: 'bandwidth', label: 'Bandwidth (kHz)', control: 'number', scale: 1e3 },
    { path: 'bitrate', label: 'Bitrate (bit/s)', control: 'number', scale: 1 },
    { path: 'modulation', label: 'Modulation', control: 'select', options: MODULATIONS },
    { path: 'polarization', label: 'Polarization', control: 'select', options: POLARIZATIONS },
  ],
};

/** What the inputs of one channel hold: text by member path, or the options checked. */
export type ChannelValues = Record<string, string | string[]>;

/** A new channel's inputs: the API's defaults, the first option of other selects, nothing else. */
export function blankChannel(kind: ChannelKind): ChannelValues {
  const values: ChannelValues = {};
  for (const input of CHANNEL_INPUTS[kind])
    values[input.path] =
      input.control === 'choices'
        ? []
        : (input.initial ?? (input.control === 'select' ? (input.options?.[0] ?? '') : ''));
  return values;
}

/** The inputs' text for a channel document as the API returns it. */
export function channelValues(kind: ChannelKind, channel: Record<string, unknown>): ChannelValues {
  const values = blankChannel(kind);
  for (const input of CHANNEL_INPUTS[kind]) {
    const value = memberAt(channel, input.path);
    if (value === undefined || value === null) continue;
    const items = Array.isArray(value) ? (value as unknown[]) : [value];
    values[input.path] =
      input.control === 'choices'
        ? items.map(String)
        : items.map((item) => shown(item, input.scale)).join(', ');
  }
  return values;
}

/**
 * The channel document for the API. Text that is not a number is sent as typed, so the API names
 * the member it concerns and says what is wrong (the console repeats no rule of the API's).
 */
export function channelDocument(kind: ChannelKind, values: ChannelValues): Record<string, unknown> {
  const channel: Record<string, unknown> = {};
  for (const input of CHANNEL_INPUTS[kind]) {
    const value = values[input.path] ?? '';
    const text = typeof value === 'string' ? value.trim() : '';
    let member: unknown;
    if (input.control === 'choices') member = Array.isArray(value) ? value : [];
    else if (input.control === 'numbers')
      member = text
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((item) => sent(item, input.scale));
    else if (input.control === 'number') member = text === '' ? undefined : sent(text, input.scale);
    else member = text === '' ? undefined : text;
    if (member !== undefined) setMemberAt(channel, input.path, member);
  }
  return channel;
}

function shown(value: unknown, scale = 1): string {
  // toPrecision trims the binary noise of the division (435123457 / 1e6 stays 435.123457).
  return typeof value === 'number' ? String(Number((value / scale).toPrecision(12))) : String(value);
}

function sent(text: string, scale = 1): number | string {
  const number = Number(text);
  if (!Number.isFinite(number)) return text;
  return scale === 1 ? number : Math.round(number * scale);
}

function memberAt(document: Record<string, unknown>, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (value, key) =>
        typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined,
      document,
    );
}

function setMemberAt(document: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let target = document;
  for (const key of keys.slice(0, -1)) {
    target[key] ??= {};
    target = target[key] as Record<string, unknown>;
  }
  target[keys[keys.length - 1]] = value;
}
