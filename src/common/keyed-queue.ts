// SPDX-License-Identifier: Apache-2.0
/**
 * Runs work one at a time per key, first come first served, within this process. Work that names
 * several keys waits for every one of them; since a caller takes its place on all of its keys at
 * once (synchronously), two callers can never wait on each other in a cycle.
 *
 * Booking uses it per station (booking.service.ts): a request waits here, holding nothing, rather
 * than inside a database transaction blocked on the station's row lock while holding one of the
 * pool's few connections, which every other request then waits for. The row lock stays: it is
 * what keeps several server instances apart.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Runs `work` once every earlier caller on any of `keys` is done. `work` may call `release`
   * to let the next caller go before it ends itself (once the part that needed the keys is over);
   * otherwise its end releases them.
   */
  async run<T>(keys: readonly string[], work: (release: () => void) => Promise<T>): Promise<T> {
    const unique = [...new Set(keys)];
    const before = unique.flatMap((key) => this.tails.get(key) ?? []);
    let resolve = (): void => undefined;
    const mine = new Promise<void>((done) => (resolve = done));
    for (const key of unique) this.tails.set(key, mine);
    const release = () => {
      resolve();
      for (const key of unique) if (this.tails.get(key) === mine) this.tails.delete(key);
    };
    try {
      await Promise.all(before);
      return await work(release);
    } finally {
      release();
    }
  }

  /** How many keys have work running or waiting (for tests and diagnostics). */
  get busyKeys(): number {
    return this.tails.size;
  }
}
