// SPDX-License-Identifier: Apache-2.0
/**
 * The `timestamp` of a sendMsg (docs/protocol.md §5.3), read the same way for both sides:
 * integer milliseconds since 1970-01-01 UTC, or an ISO 8601 date-time with seconds and an
 * offset (`Z`, `+01:00`, `+0100`), a fraction of any length (kept to the millisecond), and
 * optionally an RFC 9557 zone name in brackets, as Java's ZonedDateTime prints it
 * (`2026-12-02T02:00:00.123456789+01:00[Europe/Madrid]`): the offset already fixes the instant,
 * so the name is accepted and not used. A time without an offset is refused: whose local time
 * it is cannot be known.
 */
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))(?:\[[A-Za-z0-9_/+\-:!]{1,64}\])?$/;

/** The earliest and latest instants accepted (JavaScript's Date covers far more). */
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export type FrameTimestamp = { time: Date } | { invalid: string };

export function parseFrameTimestamp(value: string | number): FrameTimestamp {
  const ms = typeof value === 'number' ? epochMs(value) : isoMs(value);
  if (ms === undefined) return { invalid: describeInvalid(value) };
  return { time: new Date(ms) };
}

function epochMs(value: number): number | undefined {
  return Number.isSafeInteger(value) && value >= EARLIEST && value <= LATEST ? value : undefined;
}

function isoMs(value: string): number | undefined {
  const match = ISO_DATE_TIME.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const millis = Number((match[7] ?? '0').padEnd(3, '0').slice(0, 3));
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined; // 31 April
  let offsetMinutes = 0;
  if (!match[8]) {
    const [offsetHours, offsetMins] = [Number(match[10]), Number(match[11])];
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (match[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
  return ms >= EARLIEST && ms <= LATEST ? ms : undefined;
}

function describeInvalid(value: string | number): string {
  if (typeof value === 'number')
    return `timestamp ${value} is not integer milliseconds between 1970 and 9999`;
  return (
    `timestamp ${JSON.stringify(value)} is not an ISO 8601 date-time with seconds and an offset ` +
    '(e.g. "2030-01-01T00:00:00.125Z" or "…+01:00[Europe/Madrid]") nor epoch milliseconds'
  );
}
