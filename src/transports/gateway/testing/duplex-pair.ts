// SPDX-License-Identifier: Apache-2.0
import { Duplex } from 'node:stream';

/**
 * Two connected in-memory streams, like the two ends of a socket: what one writes the other
 * reads, and ending one ends the other's readable side. Chunks are passed through as written.
 */
export function duplexPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const make = (index: number): Duplex =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        ends[1 - index].push(chunk);
        callback();
      },
      final(callback) {
        ends[1 - index].push(null);
        callback();
      },
    });
  ends.push(make(0), make(1));
  return [ends[0], ends[1]];
}

/** A stream that accepts writes but never completes them: a client that stopped reading. */
export function stuckDuplex(highWaterMark = 1024): Duplex {
  return new Duplex({ highWaterMark, read() {}, write() {} });
}
