// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/**
 * What the command-line client's modes share (cli.ts): exit statuses, option parsing helpers, and
 * the run of a session that sends frames (given, then typed) and prints each answer in order.
 */

export const EXIT = { OK: 0, REFUSED: 1, USAGE: 2, CONNECTION: 3 } as const;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  stdin: Readable;
  env: Record<string, string | undefined>;
  /** Aborted on Ctrl-C: end the session and exit. */
  signal?: AbortSignal;
}

export class UsageError extends Error {}

/** Hex digits, optionally with 0x, spaces or colons between bytes; at least one byte. */
export function parseHexFrame(text: string, where: string): Buffer {
  const hex = text.trim().replace(/^0x/i, '').replace(/[\s:]/g, '');
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) {
    throw new UsageError(`${where}: "${text.trim()}" is not a frame in hex (an even number of hex digits)`);
  }
  return Buffer.from(hex, 'hex');
}

/** `--file`: one hex frame per line; blank lines and lines starting with # are skipped. */
export function readFrameFile(path: string | undefined): Buffer[] {
  if (path === undefined) return [];
  const frames: Buffer[] = [];
  readOptionFile(path, '--file')
    .split(/\r?\n/)
    .forEach((line, index) => {
      if (line.trim() === '' || line.trim().startsWith('#')) return;
      frames.push(parseHexFrame(line, `${path} line ${index + 1}`));
    });
  return frames;
}

export function readOptionFile(path: string, option: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${option}: cannot read ${path}: ${(error as Error).message}`);
  }
}

export function integerOption(
  text: string | undefined,
  option: string,
  min: number,
  max: number,
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${option} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

export function secondsOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new UsageError(`--linger must be seconds >= 0, got "${text}"`);
  return seconds * 1000;
}

/** Bytes the CLI lets pile up in a client before it waits for the socket. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;

/** What to send and how long to stay: the options every session mode takes. */
export interface ExchangeOptions {
  frames: Buffer[];
  interactive: boolean;
  lingerMs?: number;
}

/** A connection that ends: the server closed it, or it broke. */
export interface Closing {
  readonly closed: boolean;
  /** Calls `listener` once when the connection closes; the function returned stops listening. */
  onClose(listener: () => void): () => void;
}

/** Resolves when `lingerMs` passes (never, without it), the connection closes, or on Ctrl-C. */
export function untilEnd(io: CliIo, connection: Closing, lingerMs: number | undefined): Promise<void> {
  if (connection.closed || io.signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const done = (): void => {
      clearTimeout(timer);
      stopListening();
      io.signal?.removeEventListener('abort', done);
      resolve();
    };
    const stopListening = connection.onClose(done);
    if (lingerMs !== undefined) timer = setTimeout(done, lingerMs);
    io.signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * A session that sends frames and waits, over any transport: the given frames are sent at once
 * (pipelined) and each answer is printed in sending order; then the lines typed on standard input
 * (--interactive); then it waits for --linger, the server closing the connection, or Ctrl-C.
 * Subclasses say how a frame is sent and what its answer reads like.
 */
export abstract class FrameSession {
  protected failed = false;
  private sent = 0;
  private printed: Promise<void> = Promise.resolve();

  protected constructor(
    protected readonly io: CliIo,
    protected readonly connection: Closing,
  ) {}

  /** Sends one frame; resolves with the line that reports its answer, rejects if it was refused. */
  protected abstract transmit(frame: Buffer, index: number): Promise<string>;
  /** Resolves once the transport holds at most MAX_BUFFERED_BYTES unsent; undefined if it does. */
  protected abstract writable(): Promise<void> | undefined;

  /**
   * Sends the frames, then standard input's lines with --interactive, and waits. Without
   * --interactive it waits (without --linger) until the server closes or Ctrl-C; with it, the end
   * of the input ends the session (after --linger, when given).
   */
  protected async exchange(options: ExchangeOptions): Promise<void> {
    await this.sendFrames(options.frames);
    if (options.interactive) await this.sendLines(this.io.stdin);
    await untilEnd(this.io, this.connection, options.lingerMs ?? (options.interactive ? 0 : undefined));
  }

  private async sendFrames(frames: Buffer[]): Promise<void> {
    for (const frame of frames) {
      this.send(frame);
      await this.writable();
    }
    await this.printed;
  }

  private async sendLines(input: Readable): Promise<void> {
    const lines = createInterface({ input, crlfDelay: Infinity });
    const stop = (): void => lines.close();
    this.io.signal?.addEventListener('abort', stop, { once: true });
    const stopListening = this.connection.onClose(stop); // the session ended: stop reading input
    for await (const line of lines) {
      if (this.connection.closed) break;
      if (line.trim() === '' || line.trim().startsWith('#')) continue;
      try {
        this.send(parseHexFrame(line, 'input'));
      } catch (error) {
        this.io.err((error as Error).message);
      }
    }
    this.io.signal?.removeEventListener('abort', stop);
    stopListening();
    await this.printed;
  }

  /** Sends at once (pipelined); prints results in sending order, all awaited through `printed`. */
  private send(frame: Buffer): void {
    const index = ++this.sent;
    // The outcome is handled at once (a rejection never waits unhandled behind earlier prints)
    // and printed in sending order.
    const print = this.transmit(frame, index).then(
      (line) => () => this.io.out(line),
      (error: unknown) => () => {
        this.failed = true;
        this.io.err(`frame #${index} failed: ${(error as Error).message}`);
      },
    );
    const report = async (): Promise<void> => (await print)();
    this.printed = this.printed.then(report);
  }
}
