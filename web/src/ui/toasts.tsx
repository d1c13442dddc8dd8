// SPDX-License-Identifier: Apache-2.0
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

interface Toast {
  id: number;
  text: string;
}

const listeners = new Set<(toasts: Toast[]) => void>();
let toasts: Toast[] = [];
let nextId = 1;

/** A short notice at the corner (a booking change that arrived live); it leaves after a while or on click. */
export function toast(text: string): void {
  const id = nextId++;
  toasts = [...toasts, { id, text }].slice(-5);
  listeners.forEach((listener) => listener(toasts));
  setTimeout(() => dismiss(id), 8000);
}

function dismiss(id: number): void {
  toasts = toasts.filter((t) => t.id !== id);
  listeners.forEach((listener) => listener(toasts));
}

export function Toasts(): JSX.Element {
  const [shown, setShown] = useState(toasts);
  useEffect(() => {
    listeners.add(setShown);
    return () => void listeners.delete(setShown);
  }, []);
  return (
    <div class="toasts" role="status" aria-live="polite">
      {shown.map((t) => (
        <button type="button" class="toast" key={t.id} onClick={() => dismiss(t.id)}>
          {t.text}
        </button>
      ))}
    </div>
  );
}
