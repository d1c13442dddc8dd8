// SPDX-License-Identifier: Apache-2.0
import { openSocket } from './socket';
import type { Change } from './types';

export type StreamState = 'connecting' | 'live' | 'closed';

/**
 * The booking change stream /ws/events (docs/protocol.md §13.6). After a drop it
 * reconnects with the cursor of the last change handled: nothing missed, nothing twice.
 */
export class EventStream {
  private socket: WebSocket | null = null;
  private cursor: number | null = null;
  private stopped = false;
  private retryMs = 1000;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly token: string,
    private readonly onChange: (change: Change, replayed: boolean) => void,
    private readonly onState: (state: StreamState) => void,
  ) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.socket?.close(1000);
    this.socket = null;
  }

  private connect(): void {
    // Without a cursor (first connection) the replay of old changes is skipped: the views load
    // the current state themselves; only what happens from now on is news.
    const query = this.cursor === null ? '' : `?cursor=${this.cursor}`;
    const socket = openSocket(`/ws/events${query}`, this.token);
    this.socket = socket;
    this.onState('connecting');
    const firstConnection = this.cursor === null;
    let live = false;
    socket.onmessage = (event: MessageEvent<string>) => {
      const message = JSON.parse(event.data) as { type: string; cursor?: number; change?: Change };
      if (message.type === 'live') {
        live = true;
        this.retryMs = 1000;
        this.cursor = message.cursor ?? this.cursor;
        this.onState('live');
      } else if (message.type === 'change' && message.change) {
        this.cursor = message.cursor ?? message.change.changeId;
        if (live || !firstConnection) this.onChange(message.change, !live);
      }
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.onState('closed');
      if (this.stopped) return;
      this.retryTimer = setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 30_000);
    };
  }
}
