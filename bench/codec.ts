// SPDX-License-Identifier: Apache-2.0
/**
 * Per-frame cost of the relay's pure codecs on 200-byte CSP frames (the size bench/relay.ts uses):
 * CRC32-C, CSP header decode, validateCspFrame, and the gateway frame encode/decode/parse of a
 * notifyMsg carrying such a frame. Prints ns per frame (median of several rounds).
 *
 *   npx ts-node --transpile-only bench/codec.ts
 */
import { performance } from 'node:perf_hooks';
import { crc32c } from '../src/csp/crc32c';
import { buildCspFrame, validateCspFrame, type CspSettings } from '../src/csp/csp-frame';
import { CSP_FLAG, decodeCspHeader, makeCspHeader, type CspVersion } from '../src/csp/csp-header';
import { encodeFrame, FrameDecoder } from '../src/transports/gateway/frame-codec';
import { parseRpcMessage, rpcNotification } from '../src/transports/gateway/rpc-message';

const FRAME_BYTES = 200;
const ITERATIONS = 200_000;
const ROUNDS = 7;
const LIMITS = { maxFrameBytes: 4096 };

/** Keeps results observable so the JIT cannot drop the measured work. */
let sink = 0;

/** `framesPerRun`: how many frames one call of `run` handles, to report a per-frame cost. */
function measure(name: string, iterations: number, run: () => number, framesPerRun = 1): void {
  for (let i = 0; i < iterations / 10; i++) sink ^= run(); // warm-up
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    for (let i = 0; i < iterations; i++) sink ^= run();
    rounds.push(((performance.now() - start) * 1e6) / (iterations * framesPerRun));
  }
  rounds.sort((a, b) => a - b);
  console.log(`${name.padEnd(52)} ${rounds[ROUNDS >> 1].toFixed(0).padStart(6)} ns/frame`);
}

function cspFrame(version: CspVersion): { frame: Uint8Array; settings: CspSettings } {
  const settings: CspSettings = { version, addresses: [5], uplinkPorts: [10], downlinkPorts: [20] };
  const headerBytes = version === 1 ? 4 : 6;
  const payload = Uint8Array.from({ length: FRAME_BYTES - headerBytes - 4 }, (_, i) => (i * 31) & 0xff);
  const header = makeCspHeader({
    priority: 2,
    source: 9,
    destination: 5,
    destinationPort: 10,
    flags: CSP_FLAG.CRC,
  });
  return { frame: buildCspFrame(version, header, payload, { crc: true }), settings };
}

function benchCsp(): void {
  const payload = cspFrame(1).frame;
  measure(`crc32c, ${FRAME_BYTES} bytes`, ITERATIONS, () => crc32c(payload));
  for (const version of [1, 2] as const) {
    const { frame, settings } = cspFrame(version);
    const unflagged = Uint8Array.from(frame);
    unflagged[version === 1 ? 3 : 5] &= ~CSP_FLAG.CRC;
    measure(`v${version} decodeCspHeader`, ITERATIONS, () => decodeCspHeader(version, frame).destination);
    measure(`v${version} validateCspFrame, CRC flagged`, ITERATIONS, () =>
      validateCspFrame(frame, 'UPLINK', settings, LIMITS).ok ? 1 : 0,
    );
    measure(`v${version} validateCspFrame, no CRC`, ITERATIONS, () =>
      validateCspFrame(unflagged, 'UPLINK', settings, LIMITS).ok ? 1 : 0,
    );
  }
}

function benchGateway(): void {
  const { frame } = cspFrame(2);
  const message = rpcNotification('notifyMsg', [frame, -1234.5, 1_700_000_000_000]);
  const encoded = encodeFrame(message);
  const perChunk = 256;
  const batch = Buffer.concat(Array.from({ length: perChunk }, () => encoded));
  const limits = { maxFrameBytes: 65536, maxBufferedBytes: 65540 };
  measure('encodeFrame(notifyMsg)', ITERATIONS, () => encodeFrame(message).length);
  const decoder = new FrameDecoder(limits);
  measure('FrameDecoder.push, one frame per chunk', ITERATIONS, () => decoder.push(encoded).length);
  const batched = new FrameDecoder(limits);
  measure(
    `FrameDecoder.push, ${perChunk} frames per chunk`,
    ITERATIONS / perChunk,
    () => batched.push(batch).length,
    perChunk,
  );
  const split = new FrameDecoder(limits);
  const cut = encoded.length >> 1;
  const [first, second] = [encoded.subarray(0, cut), encoded.subarray(cut)];
  measure(
    'FrameDecoder.push, each frame split in two',
    ITERATIONS,
    () => split.push(first).length + split.push(second).length,
  );
  const [decoded] = decoder.push(encoded);
  measure('parseRpcMessage', ITERATIONS, () => ('invalid' in parseRpcMessage(decoded) ? 0 : 1));
}

console.log(`Node ${process.version}, ${FRAME_BYTES}-byte CSP frames, median of ${ROUNDS} rounds`);
benchCsp();
benchGateway();
if (sink === 0.5) console.log('unreachable');
