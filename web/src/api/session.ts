// SPDX-License-Identifier: Apache-2.0
import { useEffect, useState } from 'preact/hooks';
import { api, currentToken, setToken } from './client';
import { EventStream, type StreamState } from './events';
import type { Change, User } from './types';

/**
 * Who is logged in, and the booking change stream that runs while someone is. Screens subscribe
 * with `useChanges` to reload what a change touches.
 */
type ChangeListener = (change: Change) => void;

let user: User | null = null;
let streamState: StreamState = 'closed';
let stream: EventStream | null = null;
const userListeners = new Set<() => void>();
const changeListeners = new Set<ChangeListener>();

function publish(): void {
  userListeners.forEach((listener) => listener());
}

function startStream(token: string): void {
  stream?.stop();
  stream = new EventStream(
    token,
    (change) => changeListeners.forEach((listener) => listener(change)),
    (state) => {
      streamState = state;
      publish();
    },
  );
  stream.start();
}

export async function restoreSession(): Promise<void> {
  const token = currentToken();
  if (!token) return;
  try {
    await signedIn(token);
  } catch {
    setToken(null);
  }
}

export async function login(username: string, password: string): Promise<void> {
  const result = await api<{ token: string }>('POST', '/api/auth/login', { username, password });
  await signedIn(result.token);
}

async function signedIn(token: string): Promise<void> {
  setToken(token);
  user = await api<User>('GET', '/api/me');
  startStream(token);
  publish();
}

/** Forgets the session locally whatever the server says (an expired token cannot log out). */
export async function logout(): Promise<void> {
  try {
    await api('POST', '/api/auth/logout');
  } finally {
    forget();
  }
}

export function forget(): void {
  stream?.stop();
  stream = null;
  setToken(null);
  user = null;
  publish();
}

export function useSession(): { user: User | null; streamState: StreamState } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const update = () => setTick((n) => n + 1);
    userListeners.add(update);
    return () => void userListeners.delete(update);
  }, []);
  return { user, streamState };
}

/** Calls `listener` for each live change (kept current across renders). */
export function useChanges(listener: ChangeListener): void {
  useEffect(() => {
    changeListeners.add(listener);
    return () => void changeListeners.delete(listener);
  }, [listener]);
}
