// SPDX-License-Identifier: Apache-2.0
import { useCallback, useEffect, useState } from 'preact/hooks';

/**
 * Loads data when `key` changes; `reload` fetches again (after an action or a live change); `set`
 * takes a value the server already answered (a saved document), with no second request.
 */
export function useLoad<T>(
  load: () => Promise<T>,
  key: string,
): { data: T | undefined; error: Error | null; reload: () => void; set: (value: T) => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | null>(null);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    load().then(
      (value) => {
        if (!current) return;
        setData(value);
        setError(null);
      },
      (caught: unknown) => current && setError(caught instanceof Error ? caught : new Error(String(caught))),
    );
    return () => void (current = false);
  }, [key, generation]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  const set = useCallback((value: T) => {
    setData(value);
    setError(null);
  }, []);
  return { data, error, reload, set };
}
