// SPDX-License-Identifier: Apache-2.0
import { useEffect, useState } from 'preact/hooks';

/** An instant as `YYYY-MM-DD HH:mm:ssZ` (UTC, as the API speaks). */
export function when(iso: string): string {
  return new Date(iso).toISOString().replace('T', ' ').slice(0, 19) + 'Z';
}

export function timeOfDay(iso: string): string {
  return new Date(iso).toISOString().slice(11, 19);
}

/** `m:ss` left until `iso`, or null once it has passed. */
export function countdown(iso: string, nowMs: number): string | null {
  const left = Math.ceil((Date.parse(iso) - nowMs) / 1000);
  if (left <= 0) return null;
  return `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
}

/** The browser's time, ticking every second (hold countdowns). */
export function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

export function hz(value: number): string {
  return Math.abs(value) >= 1000 ? `${(value / 1000).toFixed(1)} kHz` : `${Math.round(value)} Hz`;
}
