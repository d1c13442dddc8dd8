// SPDX-License-Identifier: Apache-2.0
import type { Duplex } from 'node:stream';
import { encodeFrame, FrameDecoder } from '../frame-codec';
import { rpcRequest } from '../rpc-message';

const MAX_FRAME = 16 * 1024 * 1024;

export interface ProbeResponse {
  error: { code: string; message: string; data?: Record<string, unknown> } | null;
  result: unknown;
}

/**
 * The client end of a gateway connection at the wire level, for tests: writes requests or raw
 * bytes, decodes everything the server sends, and waits for it without sleeping. When the
 * server ends the stream the probe ends its side too, as a socket without half-open would.
 */
export class WireProbe {
  readonly messages: unknown[] = [];
  ended = false;
  private readonly decoder = new FrameDecoder({ maxFrameBytes: MAX_FRAME, maxBufferedBytes: MAX_FRAME + 4 });
  private readonly waiters = new Set<() => void>();
  private nextMsgid = 1;

  constructor(readonly stream: Duplex) {
    stream.on('data', (chunk: Buffer) => {
      this.messages.push(...this.decoder.push(chunk));
      this.wake();
    });
    stream.on('end', () => {
      this.ended = true;
      stream.end();
      this.wake();
    });
  }

  request(method: string, params: unknown[] = []): number {
    const msgid = this.nextMsgid++;
    this.stream.write(encodeFrame(rpcRequest(msgid, method, params)));
    return msgid;
  }

  async call(method: string, params: unknown[] = []): Promise<ProbeResponse> {
    return this.response(this.request(method, params));
  }

  /** Calls and expects success; returns the result. */
  async ok(method: string, params: unknown[] = []): Promise<unknown> {
    const { error, result } = await this.call(method, params);
    if (error) throw new Error(`${method} failed: ${error.code} ${error.message}`);
    return result;
  }

  write(bytes: Uint8Array): void {
    this.stream.write(bytes);
  }

  async response(msgid: number): Promise<ProbeResponse> {
    const found = await this.waitFor((message) => message[0] === 1 && message[1] === msgid);
    return { error: found[2] as ProbeResponse['error'], result: found[3] };
  }

  /** The params of every notification `method` received so far. */
  notifications(method: string): unknown[][] {
    return (this.messages as unknown[][])
      .filter((message) => message[0] === 2 && message[1] === method)
      .map((message) => message[2] as unknown[]);
  }

  /** Waits until `count` notifications `method` have arrived; returns their params. */
  async notified(method: string, count = 1): Promise<unknown[][]> {
    await this.until(() => this.notifications(method).length >= count, `${count} × ${method}`);
    return this.notifications(method);
  }

  async waitFor(predicate: (message: unknown[]) => boolean): Promise<unknown[]> {
    const find = (): unknown[] | undefined =>
      (this.messages as unknown[][]).find((message) => Array.isArray(message) && predicate(message));
    await this.until(() => find() !== undefined, 'a matching message');
    return find() as unknown[];
  }

  async closed(): Promise<void> {
    await this.until(() => this.ended, 'the end of the stream');
  }

  /**
   * Resolves once `condition` holds, checked whenever something arrives and once per event-loop
   * turn (for state that changes without a message); fails after `ms`.
   */
  until(condition: () => boolean, what: string, ms = 3000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      let poll: NodeJS.Immediate | undefined;
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        clearImmediate(poll);
        this.waiters.delete(check);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(
        () => finish(new Error(`timed out waiting for ${what}; received ${JSON.stringify(this.messages)}`)),
        ms,
      );
      const check = (): void => {
        if (condition()) finish();
        else poll ??= setImmediate(() => ((poll = undefined), check()));
      };
      this.waiters.add(check);
      check();
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
