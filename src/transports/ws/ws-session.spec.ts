import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { PreparedMessage } from './ws-session';

/**
 * Writes the frames as the server does (straight to the upgraded connection) and returns the
 * text messages a `ws` client reads from them, in order.
 */
async function received(frames: Buffer[]): Promise<string[]> {
  const server = createServer();
  const sockets = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request, socket, head) =>
    sockets.handleUpgrade(request, socket, head, () => frames.forEach((frame) => socket.write(frame))),
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const messages: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      client.on('message', (data: Buffer, isBinary: boolean) => {
        messages.push(isBinary ? `binary: ${data.toString('hex')}` : data.toString('utf8'));
        if (messages.length === frames.length) resolve();
      });
      client.on('error', reject);
    });
  } finally {
    client.terminate();
    server.close();
  }
  return messages;
}

describe('PreparedMessage', () => {
  it.each([0, 1, 125, 126, 65535, 65536, 70000])(
    'frames a %i-byte text message as a client reads it (each length encoding)',
    async (length) => {
      const json = 'x'.repeat(length);
      expect(await received([new PreparedMessage(json).frame])).toEqual([json]);
    },
  );

  it('counts the length in UTF-8 bytes, and frames follow one another on a connection', async () => {
    const texts = ['{"station":"Vigo–Ourense ✓"}', 'é'.repeat(100)]; // 200 bytes: a 2-byte length
    expect(await received(texts.map((text) => new PreparedMessage(text).frame))).toEqual(texts);
  });
});
